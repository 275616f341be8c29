package questionnaire_test

import (
	"context"
	"testing"

	"github.com/openregistro/registro/questionnaire"
	"github.com/openregistro/registro/questionnaire/questionnairetest"
)

func BenchmarkPipelineOnly(b *testing.B) {
	v := MustValidator(b, questionnaire.Options{})
	data, _ := v.Marshal(questionnairetest.Sample(2024, 3, false))
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	ctx := context.Background()
	for b.Loop() {
		if p, _ := v.Validate(ctx, 2024, data); p != nil {
			b.Fatal(p)
		}
	}
}
