package reporting

import (
	"bytes"
	"encoding/json"
)

// JSON renders r as indented JSON in the shape documented by
// report.schema.json (see Schema). The output is byte-for-byte stable: the
// same report always gives the same bytes.
func JSON(r *Report) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(r); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
