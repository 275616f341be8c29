package questionnaire_test

import (
	"fmt"
	"testing"

	jsonv2 "github.com/go-json-experiment/json"
	jsonv1 "github.com/go-json-experiment/json/v1"
	"github.com/openregistro/registro/questionnaire"
	"github.com/openregistro/registro/reporting/reportingtest"
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
		{"null", `null`, true, "<nil>", "<nil>"},
		{"null body keeps the earlier one", `{"body":{"taxCode":"A"},"body":null}`, true, "A", "<nil>"},
		{"null tax code empties it", `{"filer":{"taxCode":"A"},"filer":{"taxCode":null}}`, true, "<nil>", "<nil>"},
		{"later member wins", `{"body":{"taxCode":"A"},"BODY":{"taxcode":"B"}}`, true, "B", "<nil>"},
		{"escaped names and values", `{"b\u006fdy":{"taxCode":"\u0041B"}}`, true, "AB", "<nil>"},
		{"text after the report", `{} {}`, false, "<nil>", "<nil>"},
		{"body of the wrong type", `{"body":"80012345678"}`, false, "<nil>", "<nil>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for name, read := range map[string]func([]byte) (questionnaire.Head, bool){"ReadHead": questionnaire.ReadHead, "encoding/json": readHeadV1} {
				h, ok := read([]byte(tt.doc))
				if ok != tt.ok || str(h.BodyTaxCode) != tt.body || str(h.FilerTaxCode) != tt.filer {
					t.Errorf("%s = %s, %s, %v; want %s, %s, %v", name, str(h.BodyTaxCode), str(h.FilerTaxCode), ok, tt.body, tt.filer, tt.ok)
				}
			}
		})
	}
}

func ExampleReadHead() {
	h, ok := questionnaire.ReadHead([]byte(`{"body":{"taxCode":"80012345678"},"filer":{"taxCode":"RSSMRA80A01H501U"}}`))
	fmt.Println(*h.BodyTaxCode, *h.FilerTaxCode, ok)
	// Output: 80012345678 RSSMRA80A01H501U true
}

// readHeadV1 reads the head as encoding/json decodes it into struct fields
// (go-json-experiment's v1 options): what ReadHead must agree with.
func readHeadV1(data []byte) (questionnaire.Head, bool) {
	var doc struct {
		Body struct {
			TaxCode *string `json:"taxCode"`
		} `json:"body"`
		Filer struct {
			TaxCode *string `json:"taxCode"`
		} `json:"filer"`
	}
	if err := jsonv2.Unmarshal(data, &doc, jsonv1.DefaultOptionsV1()); err != nil {
		return questionnaire.Head{}, false
	}
	return questionnaire.Head{BodyTaxCode: doc.Body.TaxCode, FilerTaxCode: doc.Filer.TaxCode}, true
}

// FuzzReadHead checks that ReadHead finds what encoding/json would, on any
// input.
func FuzzReadHead(f *testing.F) {
	for _, s := range []string{`{"body":{"taxCode":"80012345678","name":"x"},"filer":{"taxCode":"RSSMRA80A01H501U"},"projects":[{}]}`,
		`{"Body":{"TaxCode":"1"}}`, `{"body":{"taxCode":1}}`, `{"body":null,"filer":{"taxCode":null}}`, `[]`, `null`, `{"body":{}} x`,
		`{"bod\u0079":{"taxCode":"\ud800"}}`, "{\"body\":{\"taxCode\":\"\xff\"}}", `{"ſiler":{"taxCode":"K"}}`} {
		f.Add([]byte(s))
	}
	v := MustValidator(f, questionnaire.Options{})
	g := reportingtest.New(1, 2024)
	for i := range 3 {
		d := g.Document(i)
		data, err := v.Marshal(&d)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	str := func(p *string) string {
		if p == nil {
			return "<nil>"
		}
		return "=" + *p
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		h, ok := questionnaire.ReadHead(data)
		w, wok := readHeadV1(data)
		if ok != wok || str(h.BodyTaxCode) != str(w.BodyTaxCode) || str(h.FilerTaxCode) != str(w.FilerTaxCode) {
			t.Fatalf("ReadHead(%q) = %s, %s, %v; encoding/json reads %s, %s, %v", data,
				str(h.BodyTaxCode), str(h.FilerTaxCode), ok, str(w.BodyTaxCode), str(w.FilerTaxCode), wok)
		}
	})
}

// BenchmarkReadHead reads the head of a generated report, and with
// encoding/json's decoder for comparison.
func BenchmarkReadHead(b *testing.B) {
	d := reportingtest.New(1, 2024).Document(0)
	data, err := MustValidator(b, questionnaire.Options{}).Marshal(&d)
	if err != nil {
		b.Fatal(err)
	}
	for name, read := range map[string]func([]byte) (questionnaire.Head, bool){"jsontext": questionnaire.ReadHead, "encoding-json": readHeadV1} {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				if h, ok := read(data); !ok || h.BodyTaxCode == nil {
					b.Fatal("no head")
				}
			}
		})
	}
}
