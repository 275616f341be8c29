-- The documents of several kilobytes (a filing's questionnaire, about 7 KB;
-- an application's; an event's record before and after) are compressed when
-- PostgreSQL stores them out of line. Its own compressor, pglz, took a
-- fourteenth of the server's CPU on deadline day; lz4 compresses several
-- times faster, and a column's values already stored stay readable as they
-- are. Servers built without lz4 (and those before PostgreSQL 14, which do
-- not know the setting) keep pglz: the check reads the values the server
-- accepts for default_toast_compression.
DO $$
BEGIN
	IF EXISTS (SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression' AND 'lz4' = ANY (enumvals)) THEN
		ALTER TABLE filings ALTER COLUMN document SET COMPRESSION lz4;
		ALTER TABLE applications ALTER COLUMN doc SET COMPRESSION lz4;
		ALTER TABLE entities ALTER COLUMN doc SET COMPRESSION lz4;
		ALTER TABLE events ALTER COLUMN before SET COMPRESSION lz4;
		ALTER TABLE events ALTER COLUMN after SET COMPRESSION lz4;
	END IF;
END
$$;
