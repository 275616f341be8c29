package reporting_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/openregistro/registro/registry"
	"github.com/openregistro/registro/registry/territory"
	"github.com/openregistro/registro/reporting"
)

func yearlySample() registry.YearlyList {
	var l registry.YearlyList
	l.Year, l.Deadline = 2024, "2025-01-30"
	for _, rc := range territory.Default().Recipients() {
		rl := registry.RecipientList{Recipient: rc, Regular: []registry.Listed{}, Excluded: []registry.Listed{}}
		if rc.Code == "03" || rc.Code == "12" {
			rl.Regular = []registry.Listed{
				{ID: rc.Code + "-a", Name: "Alfa", Sections: []registry.Section{registry.SectionI}, Due: true, FiledOn: "2025-01-10"},
				{ID: rc.Code + "-b", Name: "Beta", Sections: []registry.Section{registry.SectionI, registry.SectionII}, Due: true, FiledOn: "2025-01-11"},
				{ID: rc.Code + "-c", Name: "Gamma", Sections: []registry.Section{registry.SectionII}, Due: true, FiledOn: "2025-01-12"},
			}
			rl.Excluded = []registry.Listed{{ID: rc.Code + "-d", Name: "Delta", Sections: []registry.Section{registry.SectionII}, Due: true, Reason: registry.ReasonNotFiled}}
		}
		l.Recipients = append(l.Recipients, rl)
	}
	return l
}

func TestGoldenYearly(t *testing.T) {
	l := yearlySample().For(registry.Public(), "2025-02-01")
	b, err := reporting.YearlyJSON(l)
	require.NoError(t, err)
	golden(t, "yearly.json", b)
	golden(t, "yearly.it.md", reporting.YearlyMarkdown(l, "it"))
	files, err := reporting.YearlyCSV(l)
	require.NoError(t, err)
	require.Len(t, files, 21)
	for _, f := range files {
		if f.Name == "yearly-list/03.csv" {
			golden(t, "yearly-03.csv", f.Data)
		}
	}
}
