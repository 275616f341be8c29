package questionnaire_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/openregistro/registro/questionnaire"
	"github.com/openregistro/registro/questionnaire/questionnairetest"
	"github.com/openregistro/registro/registry"
	"github.com/openregistro/registro/schemas"
	"github.com/openregistro/registro/schemas/problem"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type fakeRegister map[string]questionnaire.Enrolment

func (f fakeRegister) Enrolment(_ context.Context, body string, _ int) (questionnaire.Enrolment, error) {
	e, ok := f[body]
	if !ok {
		return e, fmt.Errorf("%w: %s", questionnaire.ErrBodyNotFound, body)
	}
	return e, nil
}

func TestRegisterRules(t *testing.T) {
	ctx := context.Background()
	doc := questionnairetest.Sample(2024, 1, true)
	tests := []struct {
		name  string
		reg   fakeRegister
		codes []string
	}{
		{"enrolled, legal representative", fakeRegister{"80123450159": {RegisterID: "A/123/2015/MI", Sections: []registry.Section{registry.SectionI, registry.SectionII}, Filers: []string{"RCCMNL83S18D969H"}}}, nil},
		{"unknown body", fakeRegister{}, []string{questionnaire.CodeBodyNotFound}},
		{"not in section II", fakeRegister{"80123450159": {RegisterID: "A/123/2015/MI", Sections: []registry.Section{registry.SectionI}, Filers: []string{"RCCMNL83S18D969H"}}}, []string{questionnaire.CodeSectionNotEnrolled}},
		{"filer not enabled, other ID", fakeRegister{"80123450159": {RegisterID: "B/1", Sections: []registry.Section{registry.SectionI, registry.SectionII}}}, []string{questionnaire.CodeRegisterIDMismatch, questionnaire.CodeFilerNotEnabled}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := MustValidator(t, questionnaire.Options{Register: tt.reg, NoSchema: true})
			probs, err := v.Validate(ctx, 2024, mustMarshal(t, v, doc))
			require.NoError(t, err)
			var codes []string
			for _, p := range probs {
				codes = append(codes, p.Code)
			}
			assert.ElementsMatch(t, tt.codes, codes)
		})
	}
}

func TestErrorShapeAndOrder(t *testing.T) {
	v := MustValidator(t, questionnaire.Options{})
	data := []byte(`{"reportingYear":2019,"sections":["I"],"projects":[{"section":"I","funds":{"totalCents":"x","bySource":[]}}],"extra":true}`)
	a, err := v.Validate(context.Background(), 2019, data)
	require.NoError(t, err)
	b, _ := v.Validate(context.Background(), 2019, data)
	assert.Equal(t, a, b, "deterministic")
	var sawTitle, sawType, sawExtra bool
	for _, p := range a {
		assert.NotEmpty(t, p.Messages.IT)
		assert.NotEmpty(t, p.Messages.EN)
		assert.NotEmpty(t, p.Code)
		switch {
		case p.InstancePath == "/projects/0" && p.Params["missingProperty"] == "title":
			sawTitle = true
		case p.InstancePath == "/projects/0/funds/totalCents" && p.Keyword == "type":
			sawType = true
		case p.InstancePath == "" && p.Params["additionalProperty"] == "extra":
			sawExtra = true
		}
	}
	assert.True(t, sawTitle && sawType && sawExtra, "%v", a)
	for _, bad := range []string{``, `{`, `[]`, `null`, `{"reportingYear":2019}{}`, `{"a":"\x01"}`} {
		probs, err := v.Validate(context.Background(), 2019, []byte(bad))
		require.NoError(t, err)
		assert.True(t, probs.HasErrors(), "%q", bad)
	}
}

func FuzzValidate(f *testing.F) {
	v, err := questionnaire.New(questionnaire.Options{})
	require.NoError(f, err)
	for y := 2019; y <= 2025; y += 3 {
		b, _ := v.Marshal(questionnairetest.Sample(y, 2, y%2 == 0))
		f.Add(y, b)
	}
	f.Add(2024, []byte(`{"projects":[{"funds":{"totalCents":1e400}}]}`))
	for _, doc := range limitSeeds { // issue 15
		f.Add(2024, []byte(doc))
	}
	f.Fuzz(func(t *testing.T, year int, data []byte) {
		year = 2019 + (year%7+7)%7
		for _, mode := range []questionnaire.Mode{questionnaire.Complete, questionnaire.Draft} {
			doc, probs, err := v.Check(context.Background(), year, data, mode)
			require.NoError(t, err)
			if doc == nil && len(probs) == 0 {
				t.Fatal("rejected without a problem")
			}
			if mode == questionnaire.Complete {
				sv, _ := schemas.Questionnaire(year)
				if sv.Validate(data) != nil && !probs.HasErrors() {
					t.Fatalf("schema rejects, pipeline accepts: %s", data)
				}
			}
		}
	})
}

func BenchmarkValidate(b *testing.B) {
	ctx := context.Background()
	v := MustValidator(b, questionnaire.Options{})
	data := mustMarshal(b, v, questionnairetest.Sample(2024, 3, false))
	sv, err := schemas.Questionnaire(2024)
	require.NoError(b, err)
	b.Run("pipeline", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			if p, _ := v.Validate(ctx, 2024, data); p != nil {
				b.Fatal(p)
			}
		}
	})
	b.Run("schema", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			if p := sv.Validate(data); p != nil {
				b.Fatal(p)
			}
		}
	})
	bad := []byte(string(data[:len(data)-1]) + `,"extra":1}`)
	b.Run("pipeline-invalid", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if p, _ := v.Validate(ctx, 2024, bad); !p.HasErrors() {
				b.Fatal("accepted")
			}
		}
	})
	b.Run("schema-invalid", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if p := sv.Validate(bad); p == nil {
				b.Fatal("accepted")
			}
		}
	})
}

var _ = problem.ErrInvalid
