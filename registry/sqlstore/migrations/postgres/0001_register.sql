-- The register (package registry): one row per record, the record itself as
-- a JSON document in doc, and beside it the columns the store looks up,
-- filters and orders by. Keys are COLLATE "C" so that they compare
-- bytewise, as Go compares strings (and as SQLite does).

CREATE TABLE entities (
	id             TEXT COLLATE "C" PRIMARY KEY,
	version        BIGINT NOT NULL,
	codice_fiscale TEXT NOT NULL UNIQUE,
	name_lower     TEXT NOT NULL, -- strings.ToLower(name), for Filter.Name
	legal_form     TEXT NOT NULL,
	region         TEXT NOT NULL,
	province       TEXT NOT NULL,
	branch_of      TEXT NOT NULL,
	doc            TEXT NOT NULL
);
CREATE INDEX entities_region     ON entities (region, id);
CREATE INDEX entities_province   ON entities (province, id);
CREATE INDEX entities_legal_form ON entities (legal_form, id);
CREATE INDEX entities_branch_of  ON entities (branch_of, id);

-- One row per enrolment of an entity, rewritten with the entity, for
-- Filter.Section and Filter.Status (which refer to the same enrolment).
CREATE TABLE entity_enrolments (
	entity_id TEXT COLLATE "C" NOT NULL REFERENCES entities (id) ON DELETE CASCADE,
	section   INTEGER NOT NULL,
	status    TEXT NOT NULL
);
CREATE INDEX entity_enrolments_entity  ON entity_enrolments (entity_id);
CREATE INDEX entity_enrolments_section ON entity_enrolments (section, status, entity_id);
CREATE INDEX entity_enrolments_status  ON entity_enrolments (status, entity_id);

CREATE TABLE applications (
	id        TEXT COLLATE "C" PRIMARY KEY,
	version   BIGINT NOT NULL,
	entity_id TEXT COLLATE "C" NOT NULL,
	date      TEXT COLLATE "C" NOT NULL,
	doc       TEXT NOT NULL
);
CREATE INDEX applications_entity ON applications (entity_id, date, id);

CREATE TABLE partnerships (
	id         TEXT COLLATE "C" PRIMARY KEY,
	version    BIGINT NOT NULL,
	entity_id  TEXT COLLATE "C" NOT NULL,
	partner_id TEXT COLLATE "C" NOT NULL,
	doc        TEXT NOT NULL
);
CREATE INDEX partnerships_entity  ON partnerships (entity_id, id);
CREATE INDEX partnerships_partner ON partnerships (partner_id, id);

CREATE TABLE grants (
	id      TEXT COLLATE "C" PRIMARY KEY,
	version BIGINT NOT NULL,
	grantee TEXT NOT NULL,
	doc     TEXT NOT NULL
);
CREATE INDEX grants_grantee ON grants (grantee, id);

-- The event log. seq comes from counters ('event'), so it has no gaps and
-- commit order is seq order.
CREATE TABLE events (
	seq       BIGINT PRIMARY KEY,
	at        TEXT NOT NULL, -- UTC, fixed-width RFC 3339 with nanoseconds
	actor     TEXT NOT NULL,
	kind      TEXT NOT NULL,
	entity_id TEXT COLLATE "C" NOT NULL,
	record_id TEXT COLLATE "C" NOT NULL,
	section   INTEGER NOT NULL,
	note      TEXT NOT NULL,
	before    BYTEA,
	after     BYTEA
);
CREATE INDEX events_entity ON events (entity_id, seq);

CREATE TABLE counters (
	name  TEXT COLLATE "C" PRIMARY KEY,
	value BIGINT NOT NULL
);
INSERT INTO counters (name, value) VALUES ('event', 0);
