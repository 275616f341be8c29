package reporting_test

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/openregistro/registro/reporting"
)

// TestLabelsPresent checks, for every reporting year, that every table,
// column and row has labels in both languages and that no renderer falls
// back to a raw label key.
func TestLabelsPresent(t *testing.T) {
	raw := regexp.MustCompile(`\b(row|col|total|part|unit|report|service|scope)\.[a-z][a-z_]*\b`)
	for year := 2019; year <= 2025; year++ {
		t.Run(fmt.Sprint(year), func(t *testing.T) {
			a, err := reporting.New(year, reporting.Options{})
			require.NoError(t, err)
			for _, d := range docs(t, 20, year, 1) {
				a.Add(&d)
			}
			r := publicReport(t, a)
			k, _ := reporting.NewKPIs("2024-01-01", "2024-12-31", "2025-01-31", 0)
			s := k.Result()
			r.Service = &s
			for _, tab := range r.Tables {
				require.NotEmpty(t, tab.Title.IT, tab.ID)
				require.NotEmpty(t, tab.Title.EN, tab.ID)
				for _, c := range tab.Columns {
					require.NotEmpty(t, c.Label.IT, tab.ID)
				}
				for _, row := range append(tab.Rows, tab.Total) {
					require.NotEmpty(t, row.Label.IT, "%s/%s", tab.ID, row.Code)
					require.NotEmpty(t, row.Label.EN, "%s/%s", tab.ID, row.Code)
				}
			}
			for _, lang := range []string{"it", "en"} {
				md := string(reporting.Markdown(r, lang))
				require.Empty(t, raw.FindAllString(md, 5), "raw label keys in the %s Markdown", lang)
				html := string(reporting.HTML(r, lang))
				require.Empty(t, raw.FindAllString(html, 5), "raw label keys in the %s HTML", lang)
			}
			_, hasUkraine := r.Table("focus_ukraine.summary")
			require.Equal(t, year >= 2022, hasUkraine)
			_, hasDifficulty := r.Table("bodies.difficulty")
			require.Equal(t, year >= 2024, hasDifficulty)
			_, hasLabour := r.Table("section_ii_projects.labour_inclusion")
			require.Equal(t, year >= 2024, hasLabour)
		})
	}
}
