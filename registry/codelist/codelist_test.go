package codelist_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/openregistro/registro/registry/codelist"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDefaultHasEveryNamedList(t *testing.T) {
	names := []string{
		codelist.LegalForm, codelist.Qualification, codelist.OtherRegister, codelist.RUNTSSection,
		codelist.GeoScope, codelist.NetworkKind, codelist.NetworkLevel, codelist.Sector,
		codelist.PortaleAxis, codelist.ActivityType, codelist.PartnerKind, codelist.PartnerRole,
		codelist.FundSource, codelist.Sex, codelist.AgeBand, codelist.CitizenshipArea,
		codelist.NationalityClass, codelist.HRKind, codelist.ExploitationForm,
		codelist.ProgrammePhase, codelist.LabourOutcome, codelist.Difficulty,
		codelist.CompetenceArea, codelist.ExperienceArea, codelist.AttachmentKind,
		codelist.CancellationCause,
	}
	set := codelist.Default()
	assert.ElementsMatch(t, names, set.Names(), "every list in default.json has a constant and vice versa")
	for _, n := range names {
		l := set.MustList(n)
		for _, it := range l.Items() {
			assert.NotEmpty(t, it.Label.IT, "%s/%s", n, it.Code)
			assert.NotEmpty(t, it.Label.EN, "%s/%s", n, it.Code)
		}
	}
}

func TestYears(t *testing.T) {
	set := codelist.Default()
	tests := []struct {
		list, code string
		year       int
		want       bool
	}{
		{codelist.LegalForm, "social_cooperative_a", 2019, true},
		{codelist.LegalForm, "no_such_form", 2019, false},
		{codelist.Difficulty, "funding", 2023, false},
		{codelist.Difficulty, "funding", 2024, true},
		{codelist.Difficulty, "funding", 0, true},
		{codelist.LabourOutcome, "internship", 2025, true},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s/%s/%d", tt.list, tt.code, tt.year), func(t *testing.T) {
			assert.Equal(t, tt.want, set.MustList(tt.list).Contains(tt.code, tt.year))
		})
	}
	assert.Empty(t, set.MustList(codelist.Difficulty).In(2023))
	assert.Len(t, set.MustList(codelist.AgeBand).Codes(2020), 4)
}

func TestLoadRejects(t *testing.T) {
	tests := []struct{ name, json, want string }{
		{"unknown field", `{"lists":[],"extra":1}`, "unknown field"},
		{"duplicate code", `{"lists":[{"name":"x","title":{"it":"a","en":"a"},"items":[
			{"code":"a","label":{"it":"a","en":"a"}},{"code":"a","label":{"it":"b","en":"b"}}]}]}`, `code "a" appears twice`},
		{"missing label", `{"lists":[{"name":"x","title":{"it":"a","en":"a"},"items":[{"code":"a","label":{"it":"a"}}]}]}`, "needs labels"},
		{"bad code", `{"lists":[{"name":"x","title":{"it":"a","en":"a"},"items":[{"code":"A B","label":{"it":"a","en":"a"}}]}]}`, "must match"},
		{"empty list", `{"lists":[{"name":"x","title":{"it":"a","en":"a"},"items":[]}]}`, "no items"},
		{"until before since", `{"lists":[{"name":"x","title":{"it":"a","en":"a"},"items":[{"code":"a","label":{"it":"a","en":"a"},"since":2024,"until":2020}]}]}`, "ends"},
		{"not json", `{`, "unexpected EOF"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := codelist.Load(strings.NewReader(tt.json))
			require.Error(t, err)
			assert.True(t, errors.Is(err, codelist.ErrInvalid))
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestDefaultJSONRoundTrips(t *testing.T) {
	s, err := codelist.Load(strings.NewReader(string(codelist.DefaultJSON())))
	require.NoError(t, err)
	assert.Equal(t, codelist.Default().Names(), s.Names())
}

func ExampleSet_List() {
	forms, _ := codelist.Default().List(codelist.LegalForm)
	fmt.Println(forms.Label("social_cooperative_a", "it"))
	fmt.Println(forms.Label("social_cooperative_a", "en"))
	difficulties := codelist.Default().MustList(codelist.Difficulty)
	fmt.Println(difficulties.Contains("funding", 2023), difficulties.Contains("funding", 2024))
	// Output:
	// Cooperativa sociale di tipo A
	// Social cooperative, type A
	// false true
}
