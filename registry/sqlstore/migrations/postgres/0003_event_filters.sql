-- Filters of the event log for the change feed and the yearly list
-- (registry.EventFilter.Kinds and .Region).
--
-- region is the seat of the event's body after the batch that recorded it
-- (before it, for a deleted body); region_before is the seat before the
-- batch when the batch moved the body, '' otherwise. Events written before
-- this migration take the body's seat as it is now.

ALTER TABLE events ADD COLUMN region TEXT COLLATE "C" NOT NULL DEFAULT '';
ALTER TABLE events ADD COLUMN region_before TEXT COLLATE "C" NOT NULL DEFAULT '';
UPDATE events SET region = COALESCE((SELECT e.region FROM entities e WHERE e.id = events.entity_id), '')
	WHERE entity_id <> '';

CREATE INDEX events_kind          ON events (kind, seq);
CREATE INDEX events_region        ON events (region, seq);
CREATE INDEX events_region_before ON events (region_before, seq) WHERE region_before <> '';
