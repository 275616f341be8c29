-- API tokens of machine clients (registry.APITokenStore). The secret is
-- never stored: token_hash is the hex SHA-256 of it, and a token is found
-- by that hash. Times are UTC, fixed-width RFC 3339 with nanoseconds;
-- revoked_at is NULL while the token is not revoked.

CREATE TABLE api_tokens (
	id         TEXT COLLATE "C" PRIMARY KEY,
	token_hash TEXT COLLATE "C" NOT NULL UNIQUE,
	name       TEXT NOT NULL,
	role       TEXT NOT NULL,
	entity_id  TEXT NOT NULL,
	region     TEXT NOT NULL,
	expires_at TEXT NOT NULL,
	created_by TEXT NOT NULL,
	created_at TEXT NOT NULL,
	revoked_by TEXT NOT NULL,
	revoked_at TEXT
);
