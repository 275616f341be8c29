package questionnaire_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/openregistro/registro/questionnaire"
)

// TestBranchComuneInTheReportingYear checks a branch's comune against the
// comuni that existed in the year reported on, in both pipelines: Moransengo
// (AT) merged into Moransengo-Tonengo at the end of 2022, Misiliscemi (TP)
// created in February 2021.
func TestBranchComuneInTheReportingYear(t *testing.T) {
	tests := []struct {
		name   string
		year   int
		comune string
		want   bool // a problem at /branches/0/comune
	}{
		{"Moransengo in 2021, before its merger", 2021, "005079", false},
		{"Moransengo in 2022, the year of its merger", 2022, "005079", false},
		{"Moransengo in 2023, after its merger", 2023, "005079", true},
		{"Calliano, renamed Calliano Monferrato in 2022, in 2023", 2023, "005014", false},
		{"Misiliscemi in 2020, before its creation", 2020, "081025", true},
		{"Misiliscemi in 2021, the year of its creation", 2021, "081025", false},
		{"not a comune", 2021, "999999", true},
	}
	pipelines := map[string]*questionnaire.Validator{
		"fast path":    MustValidator(t, questionnaire.Options{NoSchema: true}),
		"struct rules": MustValidator(t, questionnaire.Options{NoSchema: true, AlwaysStructRules: true}),
	}
	for _, tc := range tests {
		data, err := os.ReadFile(filepath.Join("testdata", fmt.Sprint(tc.year), "invalid-branches-not-allowed.json"))
		require.NoError(t, err)
		doc := strings.Replace(string(data), `"Sede di Bergamo"`, `"Sede di Bergamo", "comune": "`+tc.comune+`"`, 1)
		require.NotEqual(t, string(data), doc)
		for name, v := range pipelines {
			t.Run(tc.name+"/"+name, func(t *testing.T) {
				l, err := v.Validate(context.Background(), tc.year, []byte(doc))
				require.NoError(t, err)
				got := false
				for _, p := range l {
					if p.InstancePath == "/branches/0/comune" {
						got = true
					}
				}
				require.Equal(t, tc.want, got, "%v", l)
			})
		}
	}
}
