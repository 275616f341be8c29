package sqlstore

import (
	"bytes"
	"strings"
)

// legacyNames renames the JSON keys that documents and event blobs stored
// before migration 0005 used for a tax code (codiceFiscale,
// signerCodiceFiscale, filerCodiceFiscale) to today's names (taxCode,
// signerTaxCode, filerTaxCode). The documents are compact JSON written by
// encoding/json, where a key is exactly "name": and no string value can hold
// that text unescaped, so the replacement renames keys only.
var legacyNames = strings.NewReplacer(
	`"codiceFiscale":`, `"taxCode":`,
	`"signerCodiceFiscale":`, `"signerTaxCode":`,
	`"filerCodiceFiscale":`, `"filerTaxCode":`,
)

// upgradeDoc returns doc with the legacy tax-code keys renamed: migration
// 0005 rewrites the stored documents, and this keeps reading a copy restored
// from before it (or rows another process wrote meanwhile) exact.
func upgradeDoc(doc []byte) []byte {
	if !bytes.Contains(doc, []byte(`odiceFiscale":`)) {
		return doc
	}
	return []byte(legacyNames.Replace(string(doc)))
}
