-- Drafts of annual reports (registry.DraftStore): one per body and year,
-- replaced only from the version the writer read. doc is the draft as
-- saved (a JSON object, at most registry.MaxDraftBytes).

CREATE TABLE report_drafts (
	entity_id TEXT COLLATE "C" NOT NULL,
	year      INTEGER NOT NULL,
	version   BIGINT NOT NULL CHECK (version >= 1),
	doc       TEXT NOT NULL,
	saved_at  TEXT NOT NULL, -- UTC, fixed-width RFC 3339 with nanoseconds
	saved_by  TEXT NOT NULL,
	PRIMARY KEY (entity_id, year)
);
