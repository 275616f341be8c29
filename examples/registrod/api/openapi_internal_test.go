package api

import (
	"strings"
	"testing"
)

// TestGenerateOpenAPIDrift shows the document cannot drift from the route
// table: a route openapi-source.json does not describe, or a described
// operation that is no route, stops the generation.
func TestGenerateOpenAPIDrift(t *testing.T) {
	table := (&server{}).table()
	for _, tc := range []struct {
		name   string
		routes []routeDef
		want   string // in the error; "" for none
	}{
		{"the table", table, ""},
		{"an undocumented route", append(append([]routeDef(nil), table...),
			routeDef{method: "GET", path: "/v1/undocumented", op: "undocumented", tag: "register"}), "GET /v1/undocumented has no operation"},
		{"a documented operation that is no route", table[1:], "which is not a route"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := generateOpenAPI(tc.routes)
			if tc.want == "" && err != nil || tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)) {
				t.Fatalf("error %v, want %q", err, tc.want)
			}
		})
	}
}
