package synth_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/openregistro/registro/examples/synth"
	"github.com/openregistro/registro/questionnaire"
	"github.com/openregistro/registro/registry"
	"github.com/openregistro/registro/registry/codicefiscale"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCalibration(t *testing.T) {
	for _, year := range []int{2019, 2023, 2024} {
		t.Run(itoa(year), func(t *testing.T) {
			reg, err := synth.Generate(synth.Config{Year: year, Seed: 1})
			require.NoError(t, err)
			fig := reg.Figures
			var inI, inII, coopsI, projI, projII, north int
			for _, b := range reg.Bodies {
				if b.Outcome != registry.StatusEnrolled {
					continue
				}
				for _, s := range b.Sections {
					if s == registry.SectionI {
						inI++
						switch b.Entity.LegalForm {
						case "social_cooperative_a", "social_cooperative_b", "social_cooperative_consortium":
							coopsI++
						}
					} else {
						inII++
					}
				}
				if r := b.Entity.Seat.Region; r <= "08" {
					north++
				}
				if b.Filing != nil {
					for _, p := range b.Filing.Document.Projects {
						if p.Section == "I" {
							projI++
						} else {
							projII++
						}
					}
				}
			}
			assert.Equal(t, fig.SectionI, inI, "Section I bodies")
			assert.Equal(t, fig.SectionII, inII, "Section II bodies")
			assert.InDelta(t, fig.SocialCoopShareI, float64(coopsI)/float64(inI), 0.06, "social cooperatives in Section I")
			assert.InDelta(t, fig.ProjectsI*95/100, projI, float64(fig.ProjectsI)*0.15, "Section I projects (95% file)")
			assert.InDelta(t, fig.ProjectsII*95/100, projII, float64(fig.ProjectsII)*0.25, "Section II projects")
			assert.Greater(t, float64(north)/float64(len(reg.Bodies)), 0.45, "strongest presence in the North")
		})
	}
}

func TestEveryCodeAndFilingIsValid(t *testing.T) {
	v, err := questionnaire.New(questionnaire.Options{NoSchema: true})
	require.NoError(t, err)
	rv := registry.NewValidator(nil, nil)
	// Every scale the demo, the tests and the benchmarks use: the demo's
	// register (seed 1, scale 1) and twice its size, where a project with
	// more cultural mediators than staff once slipped through.
	for _, year := range synth.Years() {
		for _, c := range []struct {
			seed  uint64
			scale float64
		}{{uint64(year), 0.25}, {1, 1}, {2, 2}} {
			t.Run(fmt.Sprintf("%d seed %d scale %v", year, c.seed, c.scale), func(t *testing.T) {
				if testing.Short() && c.scale > 0.25 {
					t.Skip("short: scale 0.25 only")
				}
				checkAll(t, v, rv, year, c.seed, c.scale)
			})
		}
	}
}

func checkAll(t *testing.T, v *questionnaire.Validator, rv *registry.Validator, year int, seed uint64, scale float64) {
	reg, err := synth.Generate(synth.Config{Year: year, Seed: seed, Scale: scale})
	require.NoError(t, err)
	for i, b := range reg.Bodies {
		require.NoError(t, codicefiscale.ValidateBody(b.Entity.CodiceFiscale))
		require.NoError(t, codicefiscale.ValidatePerson(b.Entity.LegalRepresentative.CodiceFiscale))
		app := b.Application("E-1")
		require.NoError(t, rv.Application(&app), "application %d", i)
		if b.Filing == nil {
			continue
		}
		doc := b.Filing.Document
		doc.Body.RegisterID = "A/1/2020/RM"
		data, err := v.Marshal(&doc)
		require.NoError(t, err)
		probs, err := v.Validate(context.Background(), year, data)
		require.NoError(t, err)
		require.Empty(t, probs, "filing of body %d: %s", i, data)
	}
}

func TestDeterministic(t *testing.T) {
	a, err := synth.Generate(synth.Config{Year: 2023, Seed: 42, Scale: 0.2})
	require.NoError(t, err)
	b, err := synth.Generate(synth.Config{Year: 2023, Seed: 42, Scale: 0.2})
	require.NoError(t, err)
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	assert.Equal(t, string(ja), string(jb))
	c, _ := synth.Generate(synth.Config{Year: 2023, Seed: 43, Scale: 0.2})
	jc, _ := json.Marshal(c)
	assert.NotEqual(t, string(ja), string(jc))
}

func TestBadConfig(t *testing.T) {
	_, err := synth.Generate(synth.Config{Year: 2010})
	assert.ErrorContains(t, err, "no figures")
	_, err = synth.Generate(synth.Config{Year: 2023, Scale: -1})
	assert.ErrorContains(t, err, "scale")
}

func itoa(i int) string { b, _ := json.Marshal(i); return string(b) }
