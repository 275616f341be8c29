-- Applications filed online (registry.Submit): their attachment files and
-- their protocol numbers.
--
-- attachments keeps each file once, by the hex SHA-256 of its content, with
-- its size in bytes and its media type as sniffed (application/pdf,
-- application/pkcs7-mime). It is written in the transaction of the
-- application that brings the file.
CREATE TABLE attachments (
	sha256     TEXT PRIMARY KEY,
	size       INTEGER NOT NULL,
	media_type TEXT NOT NULL,
	content    BLOB NOT NULL
);

-- The protocol number of an application's receipt ("2026/000123"), read from
-- its document: unique, so that two applications received at once cannot
-- take the same number (the loser's transaction rolls back and is received
-- again with the next), and indexed for the last number of a year.
ALTER TABLE applications ADD COLUMN protocol TEXT GENERATED ALWAYS AS (json_extract(doc, '$.receipt.protocol')) VIRTUAL;
CREATE UNIQUE INDEX applications_protocol ON applications (protocol);

-- The answer to a POST that writes the register (an application, a
-- decision), kept with its Idempotency-Key so that a retry gets the same
-- answer: its status and body. NULL while the request runs, and for the keys
-- of filings and of requests that write nothing.
ALTER TABLE idempotency_keys ADD COLUMN response_status INTEGER;
ALTER TABLE idempotency_keys ADD COLUMN response_body BLOB;
