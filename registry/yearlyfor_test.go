package registry_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/openregistro/registro/registry"
	"github.com/openregistro/registro/registry/territory"
)

// yearlySample is a list with four bodies in Lombardia (03) and Lazio
// (12), with codici fiscali.
func yearlySample() registry.YearlyList {
	var l registry.YearlyList
	l.Year, l.Deadline = 2024, "2025-01-30"
	for _, rc := range territory.Default().Recipients() {
		rl := registry.RecipientList{Recipient: rc, Regular: []registry.Listed{}, Excluded: []registry.Listed{}}
		if rc.Code == "03" || rc.Code == "12" {
			rl.Regular = []registry.Listed{
				{ID: rc.Code + "-a", Name: "Alfa", CodiceFiscale: "80010010017", Sections: []registry.Section{registry.SectionI}, Due: true, FiledOn: "2025-01-10"},
				{ID: rc.Code + "-b", Name: "Beta", CodiceFiscale: "80020020014", Sections: []registry.Section{registry.SectionI, registry.SectionII}, Due: true, FiledOn: "2025-01-11"},
				{ID: rc.Code + "-c", Name: "Gamma", CodiceFiscale: "80030030011", Sections: []registry.Section{registry.SectionII}, Due: true, FiledOn: "2025-01-12"},
			}
			rl.Excluded = []registry.Listed{{ID: rc.Code + "-d", Name: "Delta", CodiceFiscale: "80040040018", Sections: []registry.Section{registry.SectionII}, Due: true, Reason: registry.ReasonNotFiled}}
		}
		l.Recipients = append(l.Recipients, rl)
	}
	return l
}

func TestYearlyListFor(t *testing.T) {
	l := yearlySample()
	count := func(y registry.YearlyList, code string) (reg, exc, sII int) {
		for _, rl := range y.Recipients {
			if rl.Recipient.Code != code {
				continue
			}
			for _, b := range append(append([]registry.Listed(nil), rl.Regular...), rl.Excluded...) {
				for _, s := range b.Sections {
					if s == registry.SectionII {
						sII++
					}
				}
			}
			return len(rl.Regular), len(rl.Excluded), sII
		}
		return -1, -1, -1
	}
	grant := registry.Viewer{Subject: "regione", Grants: []registry.Grant{{Grantee: "regione", Region: "12", From: "2025-01-01", Until: "2025-12-31"}}}
	for _, tc := range []struct {
		name          string
		v             registry.Viewer
		day           registry.Date
		code          string
		reg, exc, sII int
	}{
		{"staff", registry.Staff("ministero"), "2025-02-01", "03", 3, 1, 3},
		{"public", registry.Public(), "2025-02-01", "03", 2, 0, 0},
		{"grant, its region", grant, "2025-02-01", "12", 3, 1, 3},
		{"grant, other region", grant, "2025-02-01", "03", 2, 0, 0},
		{"grant, expired", grant, "2026-02-01", "12", 2, 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := l.For(tc.v, tc.day)
			require.Len(t, got.Recipients, 21)
			reg, exc, sII := count(got, tc.code)
			require.Equal(t, []int{tc.reg, tc.exc, tc.sII}, []int{reg, exc, sII})
		})
	}
	// The input is untouched.
	_, _, sII := count(l, "03")
	require.Equal(t, 3, sII)

	// Codici fiscali: staff see all, a body its own, anyone else none.
	own := registry.Body("rep", "12-b")
	for _, tc := range []struct {
		name string
		v    registry.Viewer
		want int
	}{{"staff", registry.Staff("ministero"), 8}, {"own body", own, 1}, {"public", registry.Public(), 0}, {"grant", grant, 0}} {
		t.Run("codice fiscale/"+tc.name, func(t *testing.T) {
			n := 0
			for _, rl := range l.For(tc.v, "2025-02-01").Recipients {
				for _, b := range append(append([]registry.Listed(nil), rl.Regular...), rl.Excluded...) {
					if b.CodiceFiscale != "" {
						n++
					}
				}
			}
			require.Equal(t, tc.want, n)
		})
	}
}
