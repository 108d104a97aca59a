-- One-time links that let a person set their password and sign in (`/welcome/{token}`).
-- Only a hash of the token is kept; a link is used once (used_at) and ends at expires_at.
CREATE TABLE sign_in_links (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    token_hash TEXT NOT NULL UNIQUE,
    staff_id BIGINT NOT NULL REFERENCES staff(id),
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP
);
CREATE INDEX sign_in_links_staff ON sign_in_links (staff_id);
