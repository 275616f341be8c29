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

func TestMemStore(t *testing.T) {
	questionnairetest.RunFilingStoreTests(t, func(*testing.T) questionnaire.FilingStore { return questionnaire.NewMemStore() })
}

// bodyDesk returns a desk over a register in Europe/Rome (with opts) that
// holds the sample body, enrolled in Section I since May 2023, the register,
// and the viewer of that body, which files its reports.
func bodyDesk(tb testing.TB, v *questionnaire.Validator, store questionnaire.FilingStore, opts registry.Options) (*questionnaire.Desk, *registry.Registry, registry.Viewer) {
	tb.Helper()
	ctx := context.Background()
	rome, err := time.LoadLocation("Europe/Rome")
	require.NoError(tb, err)
	now := time.Date(2023, 3, 1, 10, 0, 0, 0, rome)
	opts.Location, opts.Now = rome, func() time.Time { return now }
	reg := registry.New(memstore.New(), opts)
	sample := questionnairetest.Sample(2024, 1, false)
	_, e, err := reg.Apply(ctx, registry.Staff("test"), sampleApplication(sample))
	require.NoError(tb, err)
	now = time.Date(2023, 5, 2, 10, 0, 0, 0, rome)
	_, err = reg.Enrol(ctx, registry.Staff("test"), e.ID, registry.SectionI, registry.Decree{Number: "12/2023", Date: "2023-05-02"})
	require.NoError(tb, err)
	now = time.Date(2025, 6, 1, 10, 0, 0, 0, rome)
	return questionnaire.NewDesk(v, store, reg), reg, registry.Body(sample.Filer.TaxCode, e.ID)
}

func TestDeskDeadlineAndAmendments(t *testing.T) {
	ctx := context.Background()
	v := MustValidator(t, questionnaire.Options{})
	store := questionnaire.NewMemStore()
	f, reg, filer := bodyDesk(t, v, store, registry.Options{})
	doc := questionnairetest.Sample(2024, 1, false)
	doc.Body.RegisterID = filer.EntityID
	data, err := v.Marshal(doc)
	require.NoError(t, err)

	dl := reg.Deadline(2024)
	assert.Equal(t, "2025-01-30T23:59:59+01:00", dl.Truncate(time.Second).Format(time.RFC3339))
	assert.Equal(t, dl, f.Deadline(2024), "the desk's deadline is the register's")

	late, err := f.FileAs(ctx, filer, 2024, data, dl.Add(time.Second))
	require.NoError(t, err)
	assert.True(t, late.Late)
	require.Len(t, late.Warnings, 1)
	assert.Equal(t, questionnaire.CodeLateFiling, late.Warnings[0].Code)
	assert.Equal(t, problem.Warning, late.Warnings[0].Severity)

	amended, err := f.FileAs(ctx, filer, 2024, data, dl.Add(48*time.Hour))
	require.NoError(t, err)
	assert.Equal(t, 2, amended.Revision)
	hist, err := store.History(ctx, "80123450159", 2024)
	require.NoError(t, err)
	assert.Len(t, hist, 2)

	doc2023 := questionnairetest.Sample(2023, 1, false)
	doc2023.Body.RegisterID = filer.EntityID
	onTime, err := f.FileAs(ctx, filer, 2023, mustMarshal(t, v, doc2023), reg.Deadline(2023))
	require.NoError(t, err)
	assert.False(t, onTime.Late)
	assert.Empty(t, onTime.Warnings)

	custom, _, filer2 := bodyDesk(t, v, questionnaire.NewMemStore(), registry.Options{
		FilingDeadline: func(y int) registry.Date { return registry.Date(fmt.Sprintf("%04d-03-01", y+1)) }})
	doc.Body.RegisterID = filer2.EntityID
	ok, err := custom.FileAs(ctx, filer2, 2024, mustMarshal(t, v, doc), dl.Add(time.Hour))
	require.NoError(t, err)
	assert.False(t, ok.Late, "a configured deadline moves the late flag")

	_, err = f.FileAs(ctx, filer, 2024, []byte(`{}`), dl)
	assert.True(t, errors.Is(err, problem.ErrInvalid))

	for name, v := range map[string]registry.Viewer{"the public": registry.Public(), "another body": registry.Body("someone", "R1"),
		"staff": registry.Staff("ministero")} {
		_, err = f.FileAs(ctx, v, 2024, data, dl)
		assert.ErrorIs(t, err, registry.ErrForbidden, "%s files no report for the body", name)
	}
}

// revisionStore is a MemStore that answers CurrentRevision and counts the
// calls of both ways of numbering an amendment.
type revisionStore struct {
	*questionnaire.MemStore
	gets, revisions int
}

func (s *revisionStore) Get(ctx context.Context, body string, year int) (questionnaire.Filing, error) {
	s.gets++
	return s.MemStore.Get(ctx, body, year)
}

func (s *revisionStore) CurrentRevision(ctx context.Context, body string, year int) (int, bool, error) {
	s.revisions++
	f, err := s.MemStore.Get(ctx, body, year)
	return f.Revision, f.Late, err
}

// TestDeskNumbersWithRevisionStore: with a RevisionStore the desk numbers
// an amendment, and carries the first filing's lateness, without reading
// the current document.
func TestDeskNumbersWithRevisionStore(t *testing.T) {
	ctx := context.Background()
	v := MustValidator(t, questionnaire.Options{})
	store := &revisionStore{MemStore: questionnaire.NewMemStore()}
	f, reg, filer := bodyDesk(t, v, store, registry.Options{})
	doc := questionnairetest.Sample(2024, 1, false)
	doc.Body.RegisterID = filer.EntityID
	data := mustMarshal(t, v, doc)
	dl := reg.Deadline(2024)

	first, err := f.FileAs(ctx, filer, 2024, data, dl.Add(time.Second))
	require.NoError(t, err)
	assert.Equal(t, 1, first.Revision)
	assert.True(t, first.Late)
	second, err := f.FileAs(ctx, filer, 2024, data, dl.Add(-time.Hour))
	require.NoError(t, err)
	assert.Equal(t, 2, second.Revision)
	assert.True(t, second.Late, "lateness is the first filing's")
	assert.Equal(t, 2, store.revisions)
	assert.Zero(t, store.gets, "the current document is not read")
}

func mustMarshal(tb testing.TB, v *questionnaire.Validator, doc *questionnaire.Document) []byte {
	tb.Helper()
	b, err := v.Marshal(doc)
	require.NoError(tb, err)
	return b
}
