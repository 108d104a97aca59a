-- Wrong passwords, counted in the database so that every instance sees the same counts.
-- A key is "pair:" and a hash of address and client, or "client:" and the client address;
-- a window starts with its first failure.
CREATE TABLE login_throttle (
    throttle_key TEXT PRIMARY KEY NOT NULL,
    failures INTEGER NOT NULL,
    window_start TIMESTAMP NOT NULL
);
CREATE INDEX login_throttle_window ON login_throttle (window_start);

-- A token may end at a set time; NULL lasts until it is rotated or the account deactivated.
ALTER TABLE api_tokens ADD COLUMN expires_at TIMESTAMP;
