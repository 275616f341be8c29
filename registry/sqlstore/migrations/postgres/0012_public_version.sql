-- The public version (registry.PublicVersioner): Commit draws a new random
-- value into it with every batch marked Public, in the batch's transaction,
-- so every process sharing the database sees it move. Random rather than
-- counted: a restored backup brings back an old value together with the
-- rows it described, and a value never comes back otherwise.

INSERT INTO counters (name, value) VALUES ('public_version', 0);
