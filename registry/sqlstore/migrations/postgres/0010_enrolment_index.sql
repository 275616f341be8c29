-- A body's enrolments by section: the listings' visibility test ("has an
-- enrolment in Section I", "in Section II") is a correlated subquery per
-- body, which the index on (section, status, entity_id) could only answer by
-- scanning every enrolment of the section. (entity_id, section, status)
-- answers it with one seek and also serves every look-up by entity_id, so
-- it replaces the index on entity_id alone.

CREATE INDEX entity_enrolments_entity_section ON entity_enrolments (entity_id, section, status);
DROP INDEX entity_enrolments_entity;
