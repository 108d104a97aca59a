-- Signed-in people on the web pages. Only a hash of the cookie's value is kept.
CREATE TABLE sessions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    token_hash TEXT NOT NULL UNIQUE,
    staff_id BIGINT NOT NULL REFERENCES staff(id),
    csrf_token TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX sessions_staff ON sessions (staff_id);
