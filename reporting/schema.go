package reporting

import _ "embed"

//go:embed report.schema.json
var schemaJSON []byte

// Schema returns the JSON Schema (draft 2020-12) of the JSON form of Report,
// generated from the Go types with invopop/jsonschema and committed as
// report.schema.json; a test fails when the two drift apart.
func Schema() []byte { return append([]byte(nil), schemaJSON...) }
