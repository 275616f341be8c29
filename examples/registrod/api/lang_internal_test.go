package api

import (
	"encoding/json"
	"net/http/httptest"
	"slices"
	"testing"

	"github.com/openregistro/registro/schemas/problem"
)

// TestNegotiateLang: ?lang= names a shipped language exactly; otherwise
// Accept-Language is matched by BCP 47 against problem.Languages.
func TestNegotiateLang(t *testing.T) {
	tests := []struct {
		query   string
		accept  []string
		want    problem.Lang
		wantErr bool
	}{
		{"", nil, problem.EN, false},
		{"", []string{"it-CH"}, problem.IT, false},
		{"", []string{"it-IT,it;q=0.9,en;q=0.5"}, problem.IT, false},
		{"", []string{"de-AT, it;q=0.8, en;q=0.5"}, problem.IT, false},
		{"", []string{"fr-FR, en;q=0.9, it;q=0.8"}, problem.EN, false},
		{"", []string{"it;q=0.2, en;q=0.9"}, problem.EN, false},
		{"", []string{"fr", "it"}, problem.IT, false},
		{"", []string{";;;"}, problem.EN, false},
		{"?lang=IT", []string{"en"}, problem.IT, false},
		{"?lang=en", []string{"it"}, problem.EN, false},
		{"?lang=de", nil, problem.EN, true},
		{"?lang=it-CH", nil, problem.EN, true},
	}
	for _, tt := range tests {
		r := httptest.NewRequest("GET", "/v1/schemas"+tt.query, nil)
		for _, a := range tt.accept {
			r.Header.Add("Accept-Language", a)
		}
		got, err := negotiateLang(r)
		if got != tt.want || (err != nil) != tt.wantErr {
			t.Errorf("%s %q: %s, %v; want %s, error %v", tt.query, tt.accept, got, err, tt.want, tt.wantErr)
		}
	}
}

// TestOpenAPILangEnum: the documented ?lang= values are the shipped
// languages, so shipping a catalogue forces the document to say so.
func TestOpenAPILangEnum(t *testing.T) {
	var src struct {
		Components struct {
			Parameters map[string]struct {
				Schema struct {
					Enum []string `json:"enum"`
				} `json:"schema"`
			} `json:"parameters"`
		} `json:"components"`
	}
	if err := json.Unmarshal(openapiSource, &src); err != nil {
		t.Fatal(err)
	}
	got := slices.Sorted(slices.Values(src.Components.Parameters["lang"].Schema.Enum))
	var want []string
	for _, l := range problem.Languages() {
		want = append(want, string(l))
	}
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("openapi-source.json lang enum %v, shipped languages %v", got, want)
	}
}
