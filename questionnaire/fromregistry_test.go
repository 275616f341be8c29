package questionnaire_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/openregistro/registro/questionnaire"
	"github.com/openregistro/registro/questionnaire/questionnairetest"
	"github.com/openregistro/registro/registry"
	"github.com/openregistro/registro/registry/memstore"
	"github.com/openregistro/registro/schemas/problem"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFromRegistry(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2023, 3, 1, 10, 0, 0, 0, time.UTC)
	reg := registry.New(memstore.New(), registry.Options{Now: func() time.Time { return now }})
	sample := questionnairetest.Sample(2024, 1, false)
	app := sampleApplication(sample)
	body := app.Body
	_, e, err := reg.Apply(ctx, registry.Staff("test"), app)
	require.NoError(t, err)
	now = time.Date(2023, 5, 2, 10, 0, 0, 0, time.UTC)
	_, err = reg.Enrol(ctx, registry.Staff("test"), e.ID, registry.SectionI, registry.Decree{Number: "12/2023", Date: "2023-05-02"})
	require.NoError(t, err)

	r := questionnaire.FromRegistry(reg, registry.Staff("test"))
	tests := []struct {
		name     string
		taxCode  string
		year     int
		sections []registry.Section
		err      error
	}{
		{"enrolled during the year", body.CodiceFiscale, 2023, []registry.Section{registry.SectionI}, nil},
		{"enrolled all year", body.CodiceFiscale, 2024, []registry.Section{registry.SectionI}, nil},
		{"not yet enrolled", body.CodiceFiscale, 2022, nil, nil},
		{"unknown body", "80020020014", 2024, nil, questionnaire.ErrBodyNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			en, err := r.Enrolment(ctx, tt.taxCode, tt.year)
			if tt.err != nil {
				assert.True(t, errors.Is(err, tt.err), "%v", err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, e.ID, en.RegisterID)
			assert.Equal(t, tt.sections, en.Sections)
			assert.Equal(t, []string{body.LegalRepresentative.CodiceFiscale}, en.Filers)
		})
	}

	// The pipeline with the register: the sample passes once its register
	// ID is the one the register assigned, and a Section II claim fails.
	v, err := questionnaire.New(questionnaire.Options{Register: r, NoSchema: true})
	require.NoError(t, err)
	sample.Body.RegisterID = e.ID
	data, err := v.Marshal(sample)
	require.NoError(t, err)
	probs, err := v.Validate(ctx, 2024, data)
	require.NoError(t, err)
	assert.Empty(t, probs)

	claimII := questionnairetest.Sample(2024, 1, true)
	claimII.Body.RegisterID = e.ID
	data, err = v.Marshal(claimII)
	require.NoError(t, err)
	probs, err = v.Validate(ctx, 2024, data)
	require.NoError(t, err)
	assert.True(t, errors.Is(probs.Err(), problem.ErrInvalid), "a body not in Section II cannot report as one")
}

func TestRecordMissingFilings(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2025, 1, 20, 10, 0, 0, 0, time.UTC)
	reg := registry.New(memstore.New(), registry.Options{Now: func() time.Time { return now }})
	sample := questionnairetest.Sample(2024, 1, false)
	app := sampleApplication(sample)
	_, e, err := reg.Apply(ctx, registry.Staff("test"), app)
	require.NoError(t, err)

	store := questionnaire.NewMemStore()
	put := func(rev int) {
		require.NoError(t, store.Put(ctx, questionnaire.Filing{BodyTaxCode: e.CodiceFiscale, Year: 2024, Revision: rev,
			FiledAt: now.Add(time.Duration(rev) * time.Hour), FilerTaxCode: sample.Filer.TaxCode, Document: []byte(`{}`)}))
	}
	put(1)
	_, err = reg.RecordFiling(ctx, registry.Staff("desk"), e.ID, registry.ReportFiled{Year: 2024, Revision: 1, FiledAt: now.Add(time.Hour)})
	require.NoError(t, err)
	put(2) // stored, but the process died before recording it
	require.NoError(t, store.Put(ctx, questionnaire.Filing{BodyTaxCode: "80020020014", Year: 2024, Revision: 1,
		FiledAt: now, FilerTaxCode: sample.Filer.TaxCode, Document: []byte(`{}`)})) // a body not in the register

	added, err := questionnaire.RecordMissingFilings(ctx, reg, store, registry.Staff("repair"), 2023, 2024)
	require.NoError(t, err)
	assert.Equal(t, 1, added)
	recorded, err := reg.RecordedFilings(ctx)
	require.NoError(t, err)
	assert.Equal(t, map[registry.FilingKey]bool{{EntityID: e.ID, Year: 2024, Revision: 1}: true, {EntityID: e.ID, Year: 2024, Revision: 2}: true}, recorded)

	again, err := questionnaire.RecordMissingFilings(ctx, reg, store, registry.Staff("repair"), 2023, 2024)
	require.NoError(t, err)
	assert.Zero(t, again, "a second run adds nothing")
}

// sampleApplication is a Section I application of the body of sample, signed
// by its filer as legal representative.
func sampleApplication(sample *questionnaire.Document) registry.Application {
	return registry.Application{
		Date: "2023-03-01", Sections: []registry.Section{registry.SectionI},
		Body: registry.Entity{
			CodiceFiscale: sample.Body.TaxCode, Name: sample.Body.Name, LegalForm: sample.Body.LegalForm,
			Seat: registry.Address{Street: "Via Roma 1", PostCode: "20121", Comune: "015146", Province: "MI", Region: "03"},
			PEC:  "ente@pec.example.it",
			LegalRepresentative: registry.Person{FirstName: sample.Filer.FirstName, LastName: sample.Filer.LastName,
				CodiceFiscale: sample.Filer.TaxCode, Sex: "male", Citizenship: "IT"},
			Members: []registry.Member{{Person: registry.Person{FirstName: "Anna", LastName: "Bianchi",
				CodiceFiscale: "BNCNNA70A41F205S", Sex: "female", Citizenship: "IT"}, Organ: "governing", Role: "presidente"}},
			Statute: registry.Statute{AdoptedOn: "2015-03-01", SocialAims: new(true), NonProfit: new(true), DemocraticOrder: new(true),
				ElectiveOffices: new(true), AdmissionCriteria: new(true), AnnualAccounts: new(true), AccountsApproval: new(true)},
		},
		Declarations: registry.Declarations{NoDisqualification: new(true), Truthful: new(true), PrivacyNotice: new(true)},
		Attachments:  []registry.Attachment{{Kind: "statute", Name: "statuto.pdf"}},
		Signature:    registry.Signature{SignerCodiceFiscale: sample.Filer.TaxCode, SignedAt: "2023-03-01", Format: "pades", Verified: new(true)},
		Activities:   []registry.Activity{{Title: "Corsi di italiano", Start: "2021-01-01"}},
	}
}

// eventStore is a FilingStore that also takes events, as sqlstore's does; it
// keeps the events it was given.
type eventStore struct {
	*questionnaire.MemStore
	events []registry.Event
}

func (s *eventStore) PutWithEvents(ctx context.Context, f questionnaire.Filing, evs []registry.Event) ([]registry.Event, error) {
	if err := s.Put(ctx, f); err != nil {
		return nil, err
	}
	s.events = append(s.events, evs...)
	return evs, nil
}

func TestDeskRecordingTo(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2025, 1, 20, 10, 0, 0, 0, time.UTC)
	reg := registry.New(memstore.New(), registry.Options{Now: func() time.Time { return now }})
	sample := questionnairetest.Sample(2024, 1, false)
	_, e, err := reg.Apply(ctx, registry.Staff("test"), sampleApplication(sample))
	require.NoError(t, err)
	_, err = reg.Enrol(ctx, registry.Staff("test"), e.ID, registry.SectionI, registry.Decree{Number: "12/2023", Date: "2023-05-02"})
	require.NoError(t, err)
	sample.Body.RegisterID = e.ID
	v := MustValidator(t, questionnaire.Options{NoSchema: true})
	data, err := v.Marshal(sample)
	require.NoError(t, err)

	t.Run("a plain store: the event follows the filing", func(t *testing.T) {
		store := questionnaire.NewMemStore()
		desk := questionnaire.NewDesk(v, store, reg)
		f, err := desk.FileAs(ctx, registry.Body(sample.Filer.TaxCode, e.ID), 2024, data, now)
		require.NoError(t, err)
		recorded, err := reg.RecordedFilings(ctx)
		require.NoError(t, err)
		assert.True(t, recorded[registry.FilingKey{EntityID: e.ID, Year: 2024, Revision: f.Revision}])
	})
	t.Run("an event store: one write with the event", func(t *testing.T) {
		store := &eventStore{MemStore: questionnaire.NewMemStore()}
		desk := questionnaire.NewDesk(v, store, reg)
		_, err := desk.FileAs(ctx, registry.Body(sample.Filer.TaxCode, e.ID), 2024, data, now)
		require.NoError(t, err)
		require.Len(t, store.events, 1)
		ev := store.events[0]
		assert.Equal(t, registry.EventReportFiled, ev.Kind)
		assert.Equal(t, e.ID, ev.EntityID)
		assert.Equal(t, "body:"+e.ID+":"+sample.Filer.TaxCode, ev.Actor, "the audit trail names the viewer")
	})
	t.Run("FileRecorded: the event as stored, with either store", func(t *testing.T) {
		for _, store := range []questionnaire.FilingStore{questionnaire.NewMemStore(), &eventStore{MemStore: questionnaire.NewMemStore()}} {
			desk := questionnaire.NewDesk(v, store, reg)
			f, ev, err := desk.FileRecorded(ctx, registry.Body(sample.Filer.TaxCode, e.ID), 2024, data, now)
			require.NoError(t, err)
			assert.Equal(t, registry.EventReportFiled, ev.Kind)
			assert.Equal(t, e.ID, ev.EntityID)
			assert.Equal(t, fmt.Sprintf("%s/2024/%d", e.ID, f.Revision), ev.RecordID)
			if _, plain := store.(*questionnaire.MemStore); plain {
				// The register wrote it: the last event of its log.
				log, err := reg.Events(ctx, registry.Staff("test"), registry.EventFilter{EntityID: e.ID})
				require.NoError(t, err)
				require.NotEmpty(t, log)
				assert.Equal(t, log[len(log)-1], ev)
			} else {
				es := store.(*eventStore)
				assert.Equal(t, es.events[len(es.events)-1], ev, "what the store returned")
			}
		}
		_, ev, err := questionnaire.NewDesk(v, questionnaire.NewMemStore(), reg).FileRecorded(ctx, registry.Body("x", "another"), 2024, data, now)
		require.ErrorIs(t, err, registry.ErrForbidden)
		assert.Zero(t, ev)
	})
	t.Run("another body's report: forbidden, nothing stored", func(t *testing.T) {
		store := &eventStore{MemStore: questionnaire.NewMemStore()}
		_, err := questionnaire.NewDesk(v, store, reg).FileAs(ctx, registry.Body("x", "another"), 2024, data, now)
		require.ErrorIs(t, err, registry.ErrForbidden)
		_, err = store.Get(ctx, sample.Body.TaxCode, 2024)
		assert.Error(t, err, "nothing stored")
	})
	t.Run("a body the register does not hold: refused, nothing stored", func(t *testing.T) {
		other := questionnairetest.Sample(2024, 1, false)
		other.Body.TaxCode = "80020020014"
		od, err := v.Marshal(other)
		require.NoError(t, err)
		store := &eventStore{MemStore: questionnaire.NewMemStore()}
		_, err = questionnaire.NewDesk(v, store, reg).FileAs(ctx, registry.Body(sample.Filer.TaxCode, e.ID), 2024, od, now)
		require.ErrorIs(t, err, registry.ErrForbidden)
		assert.Empty(t, store.events)
		_, err = store.Get(ctx, "80020020014", 2024)
		assert.Error(t, err)
	})
}
