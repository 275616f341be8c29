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

CREATE FUNCTION public_version_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	UPDATE counters SET value = floor(random() * 9007199254740991)::bigint WHERE name = 'public_version';
	RETURN NULL;
END
$$;

CREATE TRIGGER public_version_enrolment_insert AFTER INSERT ON entity_enrolments
FOR EACH ROW WHEN (NEW.section = 1) EXECUTE FUNCTION public_version_bump();

CREATE TRIGGER public_version_enrolment_update AFTER UPDATE ON entity_enrolments
FOR EACH ROW WHEN (OLD.section = 1 OR NEW.section = 1) EXECUTE FUNCTION public_version_bump();

CREATE TRIGGER public_version_enrolment_delete AFTER DELETE ON entity_enrolments
FOR EACH ROW WHEN (OLD.section = 1) EXECUTE FUNCTION public_version_bump();

CREATE TRIGGER public_version_branch_insert AFTER INSERT ON entities
FOR EACH ROW WHEN (NEW.branch_of <> '') EXECUTE FUNCTION public_version_bump();

CREATE TRIGGER public_version_branch_update AFTER UPDATE ON entities
FOR EACH ROW WHEN (OLD.branch_of <> '' OR NEW.branch_of <> '') EXECUTE FUNCTION public_version_bump();

CREATE TRIGGER public_version_branch_delete AFTER DELETE ON entities
FOR EACH ROW WHEN (OLD.branch_of <> '') EXECUTE FUNCTION public_version_bump();
