-- Filings of the annual report (package questionnaire): every revision in
-- filings, and in current_filings which revision is the current one. The
-- primary key of current_filings (year, body_tax_code) is the index a
-- year's filings are streamed in order from.

CREATE TABLE filings (
	body_tax_code  TEXT NOT NULL,
	year           INTEGER NOT NULL,
	revision       INTEGER NOT NULL,
	filed_at       TEXT NOT NULL, -- UTC, fixed-width RFC 3339 with nanoseconds: sorts as time
	filer_tax_code TEXT NOT NULL,
	late           INTEGER NOT NULL, -- 0 or 1
	document       BLOB NOT NULL,
	warnings       TEXT, -- JSON array of problems, NULL for none
	PRIMARY KEY (body_tax_code, year, revision)
);

CREATE TABLE current_filings (
	year          INTEGER NOT NULL,
	body_tax_code TEXT NOT NULL,
	revision      INTEGER NOT NULL,
	PRIMARY KEY (year, body_tax_code),
	FOREIGN KEY (body_tax_code, year, revision) REFERENCES filings (body_tax_code, year, revision)
);
