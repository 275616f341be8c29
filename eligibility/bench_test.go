package eligibility_test

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"

	"github.com/openregistro/registro/eligibility"
)

// BenchmarkEvaluate evaluates a typical two-section application (every rule
// in force, the partner checked against an in-memory register).
func BenchmarkEvaluate(b *testing.B) {
	c := eligibility.New(newRegister(), eligibility.Options{})
	app, asOf, ctx := typical(), day(b, "2025-01-01"), context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Evaluate(ctx, app, asOf); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecodeEvaluateMarshal is the CLI's path: strict decoding, the
// evaluation and the JSON decision.
func BenchmarkDecodeEvaluateMarshal(b *testing.B) {
	c := eligibility.New(newRegister(), eligibility.Options{})
	data, asOf, ctx := typicalJSON(b), day(b, "2025-01-01"), context.Background()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		app, err := eligibility.DecodeApplication(bytes.NewReader(data))
		if err != nil {
			b.Fatal(err)
		}
		d, err := c.Evaluate(ctx, app, asOf)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := json.Marshal(d); err != nil {
			b.Fatal(err)
		}
	}
}
