-- One JSON name for a tax code: the stored documents (entities,
-- applications, partnerships, grants) and the events' before/after blobs
-- named it codiceFiscale (signerCodiceFiscale, filerCodiceFiscale) where the
-- published questionnaire named it taxCode; every payload now says taxCode
-- (signerTaxCode, filerTaxCode). The documents are compact JSON written by
-- encoding/json, so a key is exactly "name": and a string value can never
-- hold that text unescaped: replacing it renames keys only. Running this
-- twice changes nothing. (The store also renames the old keys when it reads
-- a document, for copies restored from before this migration.)

UPDATE entities SET doc = replace(replace(replace(doc,
	'"codiceFiscale":', '"taxCode":'), '"signerCodiceFiscale":', '"signerTaxCode":'), '"filerCodiceFiscale":', '"filerTaxCode":')
	WHERE doc LIKE '%odiceFiscale"%';
UPDATE applications SET doc = replace(replace(replace(doc,
	'"codiceFiscale":', '"taxCode":'), '"signerCodiceFiscale":', '"signerTaxCode":'), '"filerCodiceFiscale":', '"filerTaxCode":')
	WHERE doc LIKE '%odiceFiscale"%';
UPDATE partnerships SET doc = replace(replace(replace(doc,
	'"codiceFiscale":', '"taxCode":'), '"signerCodiceFiscale":', '"signerTaxCode":'), '"filerCodiceFiscale":', '"filerTaxCode":')
	WHERE doc LIKE '%odiceFiscale"%';
UPDATE grants SET doc = replace(replace(replace(doc,
	'"codiceFiscale":', '"taxCode":'), '"signerCodiceFiscale":', '"signerTaxCode":'), '"filerCodiceFiscale":', '"filerTaxCode":')
	WHERE doc LIKE '%odiceFiscale"%';
UPDATE events SET before = CAST(replace(replace(replace(CAST(before AS TEXT),
	'"codiceFiscale":', '"taxCode":'), '"signerCodiceFiscale":', '"signerTaxCode":'), '"filerCodiceFiscale":', '"filerTaxCode":') AS BLOB)
	WHERE CAST(before AS TEXT) LIKE '%odiceFiscale"%';
UPDATE events SET after = CAST(replace(replace(replace(CAST(after AS TEXT),
	'"codiceFiscale":', '"taxCode":'), '"signerCodiceFiscale":', '"signerTaxCode":'), '"filerCodiceFiscale":', '"filerTaxCode":') AS BLOB)
	WHERE CAST(after AS TEXT) LIKE '%odiceFiscale"%';
