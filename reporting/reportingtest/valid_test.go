package reportingtest_test

import (
	"context"
	"fmt"
	"math"
	"testing"

	"github.com/openregistro/registro/questionnaire"
	"github.com/openregistro/registro/reporting/reportingtest"
)

// TestDocumentsAreValid: every generated document passes the questionnaire
// pipeline (strict decoding, struct, cross-field rules and the JSON Schema)
// for its year, over a large sample of every year, and the legal forms
// follow the published shares of social cooperatives.
func TestDocumentsAreValid(t *testing.T) {
	v, err := questionnaire.New(questionnaire.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		year int
		seed uint64
		n    int
	}{
		{2019, 1, 2000}, {2020, 2, 2000}, {2021, 3, 2000}, {2022, 4, 3000}, {2023, 5, 3000}, {2024, 1, 20000}, {2025, 6, 3000},
	} {
		t.Run(fmt.Sprint(tc.year), func(t *testing.T) {
			n := tc.n
			if testing.Short() {
				n = 500
			}
			g := reportingtest.New(tc.seed, tc.year)
			var coopsI, bodiesI, coopsII, bodiesII int
			seen := map[string]bool{}
			for i := range n {
				d := g.Document(i)
				b, err := v.Marshal(&d)
				if err != nil {
					t.Fatal(err)
				}
				probs, err := v.Validate(context.Background(), tc.year, b)
				if err != nil {
					t.Fatal(err)
				}
				if len(probs) > 0 {
					t.Fatalf("document %d is invalid: %v", i, probs)
				}
				if seen[d.Body.TaxCode] {
					t.Fatalf("document %d repeats tax code %s", i, d.Body.TaxCode)
				}
				seen[d.Body.TaxCode] = true
				coop := d.Body.LegalForm == "social_cooperative_a" || d.Body.LegalForm == "social_cooperative_b" || d.Body.LegalForm == "social_cooperative_consortium"
				if len(d.Sections) == 1 && d.Sections[0] == "II" {
					bodiesII++
					if coop {
						coopsII++
					}
				} else {
					bodiesI++
					if coop {
						coopsI++
					}
				}
			}
			// Within four standard errors of the published shares.
			for _, c := range []struct {
				name       string
				coops, all int
				want       float64
			}{{"Section I", coopsI, bodiesI, reportingtest.CoopShareI}, {"Section II only", coopsII, bodiesII, reportingtest.CoopShareII}} {
				got := float64(c.coops) / float64(c.all)
				if se := math.Sqrt(c.want * (1 - c.want) / float64(c.all)); math.Abs(got-c.want) > 4*se {
					t.Errorf("%s: %.3f social cooperatives, want %.2f ± %.3f", c.name, got, c.want, 4*se)
				}
			}
		})
	}
}
