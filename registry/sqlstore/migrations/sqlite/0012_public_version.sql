-- The public listing's version (registry.PublicVersioner): a random value,
-- drawn again by every write to a row a public listing reads, whoever
-- writes it. Those rows are the Section I enrolments (in any status) and
-- the territorial branches (branch_of not empty); a body's other writes
-- rewrite its enrolment rows too, so a change to a Section I body shows
-- here. Writes to bodies seen only in Section II leave the value as it is.
-- Random rather than counted: a restored backup brings back an old value
-- together with the rows it described.
--
-- The triggers only update: while a backup is restored the counters are
-- empty, and the copy brings this row with the rest.

INSERT INTO counters (name, value) VALUES ('public_version', 0);

CREATE TRIGGER public_version_enrolment_insert AFTER INSERT ON entity_enrolments
WHEN NEW.section = 1
BEGIN
	UPDATE counters SET value = random() WHERE name = 'public_version';
END;

CREATE TRIGGER public_version_enrolment_update AFTER UPDATE ON entity_enrolments
WHEN OLD.section = 1 OR NEW.section = 1
BEGIN
	UPDATE counters SET value = random() WHERE name = 'public_version';
END;

CREATE TRIGGER public_version_enrolment_delete AFTER DELETE ON entity_enrolments
WHEN OLD.section = 1
BEGIN
	UPDATE counters SET value = random() WHERE name = 'public_version';
END;

CREATE TRIGGER public_version_branch_insert AFTER INSERT ON entities
WHEN NEW.branch_of <> ''
BEGIN
	UPDATE counters SET value = random() WHERE name = 'public_version';
END;

CREATE TRIGGER public_version_branch_update AFTER UPDATE ON entities
WHEN OLD.branch_of <> '' OR NEW.branch_of <> ''
BEGIN
	UPDATE counters SET value = random() WHERE name = 'public_version';
END;

CREATE TRIGGER public_version_branch_delete AFTER DELETE ON entities
WHEN OLD.branch_of <> ''
BEGIN
	UPDATE counters SET value = random() WHERE name = 'public_version';
END;
