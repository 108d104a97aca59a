-- Idempotency-Key: a write's key, claimed (by account) before the write runs, then its
-- answer kept, so the same request sent again gets the same answer and writes nothing.
-- Kept 30 days (the daily purge). `request_hash` is a SHA-256 of method, path and body:
-- the same key with another request is refused. A row with no status is a claim whose
-- request is still being answered, or never was.
CREATE TABLE idempotency_keys (
    staff_id BIGINT NOT NULL REFERENCES staff(id),
    idempotency_key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    claimed_at TIMESTAMP NOT NULL,
    status INTEGER,
    content_type TEXT,
    location TEXT,
    body TEXT,
    answered_at TIMESTAMP,
    PRIMARY KEY (staff_id, idempotency_key)
);
CREATE INDEX idempotency_keys_claimed ON idempotency_keys (claimed_at);
