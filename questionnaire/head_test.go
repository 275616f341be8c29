package questionnaire_test

import (
	"fmt"
	"testing"

	"github.com/openregistro/registro/questionnaire"
)

func TestReadHead(t *testing.T) {
	str := func(p *string) string {
		if p == nil {
			return "<nil>"
		}
		return *p
	}
	tests := []struct {
		name, doc   string
		ok          bool
		body, filer string
	}{
		{"both", `{"body":{"taxCode":"80012345678","name":"x"},"filer":{"taxCode":"RSSMRA80A01H501U"},"projects":[{}]}`, true, "80012345678", "RSSMRA80A01H501U"},
		{"case of the names ignored, as encoding/json does", `{"Body":{"TaxCode":"80012345678"}}`, true, "80012345678", "<nil>"},
		{"none", `{"reportingYear":2024}`, true, "<nil>", "<nil>"},
		{"not a string", `{"body":{"taxCode":80012345678}}`, false, "<nil>", "<nil>"},
		{"malformed after the head", `{"body":{"taxCode":"80012345678"},"projects":[`, false, "<nil>", "<nil>"},
		{"not an object", `[]`, false, "<nil>", "<nil>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, ok := questionnaire.ReadHead([]byte(tt.doc))
			if ok != tt.ok || str(h.BodyTaxCode) != tt.body || str(h.FilerTaxCode) != tt.filer {
				t.Fatalf("ReadHead = %s, %s, %v; want %s, %s, %v", str(h.BodyTaxCode), str(h.FilerTaxCode), ok, tt.body, tt.filer, tt.ok)
			}
		})
	}
}

func ExampleReadHead() {
	h, ok := questionnaire.ReadHead([]byte(`{"body":{"taxCode":"80012345678"},"filer":{"taxCode":"RSSMRA80A01H501U"}}`))
	fmt.Println(*h.BodyTaxCode, *h.FilerTaxCode, ok)
	// Output: 80012345678 RSSMRA80A01H501U true
}
