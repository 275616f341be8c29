-- Idempotency keys (the Idempotency-Key header of registrod's POSTs): a key
-- is its caller's (subject). request_hash is the hex SHA-256 of the request
-- the key was first used with. For a filing, body_tax_code, year and
-- revision name the revision it stored, written in the filing's transaction;
-- for a request that writes nothing they are NULL.

CREATE TABLE idempotency_keys (
	subject       TEXT NOT NULL,
	idem_key      TEXT NOT NULL,
	request_hash  TEXT NOT NULL,
	created_at    TEXT NOT NULL, -- UTC, fixed-width RFC 3339 with nanoseconds
	body_tax_code TEXT,
	year          INTEGER,
	revision      INTEGER,
	PRIMARY KEY (subject, idem_key)
);
