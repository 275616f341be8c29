package registry

import "github.com/invopop/jsonschema"

// JSONSchema describes a Section in JSON: the string "I" or "II".
func (Section) JSONSchema() *jsonschema.Schema {
	return &jsonschema.Schema{Type: "string", Enum: []any{"I", "II"}}
}

// JSONSchema describes a Status in JSON: one of the status strings.
func (Status) JSONSchema() *jsonschema.Schema {
	enum := make([]any, len(Statuses))
	for i, s := range Statuses {
		enum[i] = string(s)
	}
	return &jsonschema.Schema{Type: "string", Enum: enum}
}
