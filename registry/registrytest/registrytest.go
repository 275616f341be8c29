// Package registrytest is the conformance kit for registry.Store
// implementations: every store runs RunStoreTests against fresh, empty
// instances and must pass it whole.
//
// The kit checks what Registry relies on: reads return copies; creates,
// updates and deletes follow the version rules; a failing batch writes
// nothing (no record, no event); body codici fiscali are unique; listings
// filter by section, status, region, province, legal form, branch and name,
// page in a stable order with an opaque cursor (anything else is
// registry.ErrInvalidCursor) and clamp their limits; Filter.Visible and
// Filter.Candidates apply before the cursor and the limit; events come back
// in commit order with consecutive sequence numbers, carry the regions of
// their body and filter by body, kind and region; concurrent writers never
// lose an update.
//
// It also runs a Registry over the store and checks, for every kind of
// viewer, every filter and every cursor (limit 1, and a cursor at every
// stored ID), that the viewer's listing is exactly that of a register
// holding only the bodies it may see, and that a hidden body reads as a
// missing one: no ID and no fact of a hidden body gets out. These tests
// call newStore more than once per test, for the reference register.
//
// A store's test runs the kit like this:
//
//	func TestConformance(t *testing.T) {
//		registrytest.RunStoreTests(t, func(t *testing.T) registry.Store {
//			s := mystore.Open(t.TempDir())
//			t.Cleanup(func() { s.Close() })
//			return s
//		})
//	}
//
// The kit's fixtures are shaped like real records but are not valid
// applications: stores must not validate, only persist.
package registrytest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/openregistro/registro/registry"
)

// RunStoreTests runs the conformance tests. newStore must return a new,
// empty store each time it is called; it may register cleanup with t.
func RunStoreTests(t *testing.T, newStore func(t *testing.T) registry.Store) {
	t.Helper()
	// Tests that need more than one store (a reference register).
	multi := []struct {
		name string
		fn   func(t *testing.T, newStore func(t *testing.T) registry.Store)
	}{
		{"ListVisible", testListVisible},
		{"ViewerListings", testViewerListings},
	}
	for _, tc := range multi {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, newStore) })
	}
	tests := []struct {
		name string
		fn   func(t *testing.T, s registry.Store)
	}{
		{"InvalidCursor", testInvalidCursor},
		{"EventFilters", testEventFilters},
		{"CreateAndRead", testCreateAndRead},
		{"ReadsAreCopies", testReadsAreCopies},
		{"UpdateVersions", testUpdateVersions},
		{"StaleUpdateWritesNothing", testStaleUpdateWritesNothing},
		{"CreateTakenID", testCreateTakenID},
		{"CodiceFiscaleUnique", testCodiceFiscaleUnique},
		{"CodiceFiscaleChange", testCodiceFiscaleChange},
		{"BatchAtomic", testBatchAtomic},
		{"RecordTwiceInBatch", testRecordTwiceInBatch},
		{"Delete", testDelete},
		{"Applications", testApplications},
		{"Partnerships", testPartnerships},
		{"Grants", testGrants},
		{"GrantStore", testGrantStore},
		{"ListFilters", testListFilters},
		{"ListPagination", testListPagination},
		{"ListLimits", testListLimits},
		{"Events", testEvents},
		{"ConcurrentWriters", testConcurrentWriters},
		{"ConcurrentCreates", testConcurrentCreates},
		{"CancelledContext", testCancelledContext},
		{"PublicVersion", testPublicVersion},
	}
	tests = append(tests, applicationFilesTests...)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.fn(t, newStore(t))
		})
	}
}

var at = time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)

// entity returns a stored-shape entity with id, codice fiscale cf (not
// checked by stores) and name.
func entity(id, cf, name string) registry.Entity {
	return registry.Entity{
		ID:            id,
		CodiceFiscale: cf,
		Name:          name,
		LegalForm:     "association_recognised",
		Seat: registry.Address{Street: "Via Roma 1", PostCode: "00100", Comune: "058091",
			Province: "RM", Region: "12"},
		PEC: "ente@pec.example.it",
		LegalRepresentative: registry.Person{FirstName: "Mario", LastName: "Rossi",
			CodiceFiscale: "RSSMRA80A01H501U", Sex: "male", Citizenship: "IT"},
		Members: []registry.Member{{Person: registry.Person{FirstName: "Anna", LastName: "Bianchi",
			CodiceFiscale: "BNCNNA70A41F205S", Sex: "female", Citizenship: "IT"}, Organ: "governing", Role: "presidente"}},
		Statute:        registry.Statute{AdoptedOn: "2010-01-01", SocialAims: new(true), NonProfit: new(false), Branches: []string{"80000000001"}},
		Qualifications: []string{"onlus"},
	}
}

func enrol(e registry.Entity, s registry.Section, st registry.Status) registry.Entity {
	e.Enrolments = append(e.Enrolments, registry.Enrolment{Section: s, Status: st, AppliedOn: "2024-01-10",
		History: []registry.Transition{{To: registry.StatusApplied, On: "2024-01-10", Actor: "kit"}}})
	return e
}

func event(kind registry.EventKind, entityID, recordID string, after any) registry.Event {
	var raw json.RawMessage
	if after != nil {
		b, err := json.Marshal(after)
		if err != nil {
			panic(err)
		}
		raw = b
	}
	return registry.Event{At: at, Actor: "kit", Kind: kind, EntityID: entityID, RecordID: recordID, After: raw}
}

func commit(t *testing.T, s registry.Store, b registry.Batch) []registry.Event {
	t.Helper()
	evs, err := s.Commit(context.Background(), b)
	if err != nil {
		t.Fatalf("Commit: %v", err)
	}
	return evs
}

func mustEntity(t *testing.T, s registry.Store, id string) registry.Entity {
	t.Helper()
	e, err := s.Entity(context.Background(), id)
	if err != nil {
		t.Fatalf("Entity(%q): %v", id, err)
	}
	return e
}

func wantErr(t *testing.T, err, target error, what string) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Fatalf("%s: got error %v, want %v", what, err, target)
	}
}

func allEvents(t *testing.T, s registry.Store) []registry.Event {
	t.Helper()
	var out []registry.Event
	var after int64
	for {
		evs, err := s.Events(context.Background(), registry.EventFilter{After: after, Limit: registry.MaxLimit})
		if err != nil {
			t.Fatalf("Events: %v", err)
		}
		if len(evs) == 0 {
			return out
		}
		out = append(out, evs...)
		after = evs[len(evs)-1].Seq
	}
}

func testCreateAndRead(t *testing.T, s registry.Store) {
	ctx := context.Background()
	if _, err := s.Entity(ctx, "E1"); !errors.Is(err, registry.ErrNotFound) {
		t.Fatalf("Entity of empty store: %v, want ErrNotFound", err)
	}
	if _, err := s.EntityByCodiceFiscale(ctx, "80000000001"); !errors.Is(err, registry.ErrNotFound) {
		t.Fatalf("EntityByCodiceFiscale of empty store: %v, want ErrNotFound", err)
	}
	e := enrol(entity("E1", "80000000001", "Casa dei Popoli"), registry.SectionI, registry.StatusApplied)
	e.Referents = []registry.Referent{{ID: "R1", FirstName: "Luca", LastName: "Verdi", CodiceFiscale: "VRDLCU90A01F205L",
		Phone: "0612345678", Email: "l@example.it", Status: registry.ReferentRequested, RequestedOn: "2024-02-01"}}
	e.Branches = []registry.Branch{{EntityID: "E9", NamedInStatute: true, ApplicationID: "A1", From: "2024-01-01"}}
	commit(t, s, registry.Batch{Entities: []registry.Entity{e}})

	got := mustEntity(t, s, "E1")
	if got.Version != 1 {
		t.Errorf("version after create = %d, want 1", got.Version)
	}
	want := e
	want.Version = 1
	assertJSONEqual(t, "entity", want, got)
	byCF, err := s.EntityByCodiceFiscale(ctx, "80000000001")
	if err != nil {
		t.Fatalf("EntityByCodiceFiscale: %v", err)
	}
	assertJSONEqual(t, "entity by codice fiscale", want, byCF)

	a := application("A1", "E1", "2024-01-10")
	commit(t, s, registry.Batch{Applications: []registry.Application{a}})
	gotA, err := s.Application(ctx, "A1")
	if err != nil {
		t.Fatalf("Application: %v", err)
	}
	a.Version = 1
	assertJSONEqual(t, "application", a, gotA)
	if _, err := s.Application(ctx, "nope"); !errors.Is(err, registry.ErrNotFound) {
		t.Errorf("Application(nope): %v, want ErrNotFound", err)
	}
	if _, err := s.Partnership(ctx, "nope"); !errors.Is(err, registry.ErrNotFound) {
		t.Errorf("Partnership(nope): %v, want ErrNotFound", err)
	}
}

func application(id, entityID string, date registry.Date) registry.Application {
	prog := &registry.Programme{Title: "P", Description: "D", Operators: []registry.Operator{{FirstName: "A", LastName: "B", Areas: []string{"health"}}}}
	return registry.Application{
		ID: id, EntityID: entityID, Date: date,
		Sections:    []registry.Section{registry.SectionI, registry.SectionII},
		Body:        entity(entityID, "80000000001", "Casa dei Popoli"),
		Attachments: []registry.Attachment{{Kind: "statute", Name: "statuto.pdf"}},
		Signature:   registry.Signature{SignerCodiceFiscale: "RSSMRA80A01H501U", SignedAt: date, Format: "pades", Verified: new(true)},
		Activities:  []registry.Activity{{Title: "Corso di italiano", Start: "2021-01-01", Sectors: []string{"education_training"}, Regions: []string{"12"}}},
		Programme:   prog,
		Partnership: &registry.Partnership{PartnerID: "E2", Objectives: "o", Content: "c", Modalities: "m", Start: "2023-01-01"},
		GDPR:        &registry.GDPRProcedures{Controller: "Ente", BeneficiaryMeasures: "m", AdoptedOn: "2023-01-01"},
	}
}

func assertJSONEqual(t *testing.T, what string, want, got any) {
	t.Helper()
	w, err := json.Marshal(want)
	if err != nil {
		t.Fatalf("marshal want: %v", err)
	}
	g, err := json.Marshal(got)
	if err != nil {
		t.Fatalf("marshal got: %v", err)
	}
	if string(w) != string(g) {
		t.Errorf("%s round trip differs:\nwant %s\n got %s", what, w, g)
	}
}

func testReadsAreCopies(t *testing.T, s registry.Store) {
	e := enrol(entity("E1", "80000000001", "Casa"), registry.SectionI, registry.StatusApplied)
	commit(t, s, registry.Batch{Entities: []registry.Entity{e}})
	// Mutating what was committed must not change the store.
	e.Members[0].Role = "changed"
	e.Enrolments[0].History[0].Actor = "changed"
	got := mustEntity(t, s, "E1")
	got.Members[0].Role = "changed too"
	got.Qualifications[0] = "changed"
	got.Enrolments[0].History[0].Actor = "changed"
	again := mustEntity(t, s, "E1")
	if again.Members[0].Role != "presidente" || again.Qualifications[0] != "onlus" || again.Enrolments[0].History[0].Actor != "kit" {
		t.Errorf("store shares memory with callers: %+v", again)
	}
}

func testUpdateVersions(t *testing.T, s registry.Store) {
	e := entity("E1", "80000000001", "Casa")
	commit(t, s, registry.Batch{Entities: []registry.Entity{e}})
	for want := int64(2); want <= 4; want++ {
		cur := mustEntity(t, s, "E1")
		cur.Name = fmt.Sprintf("Casa %d", want)
		commit(t, s, registry.Batch{Entities: []registry.Entity{cur}})
		got := mustEntity(t, s, "E1")
		if got.Version != want || got.Name != cur.Name {
			t.Fatalf("after update: version %d name %q, want %d %q", got.Version, got.Name, want, cur.Name)
		}
	}
	missing := entity("E404", "80000000002", "Nessuno")
	missing.Version = 3
	_, err := s.Commit(context.Background(), registry.Batch{Entities: []registry.Entity{missing}})
	wantErr(t, err, registry.ErrNotFound, "update of a missing entity")
}

func testStaleUpdateWritesNothing(t *testing.T, s registry.Store) {
	commit(t, s, registry.Batch{Entities: []registry.Entity{entity("E1", "80000000001", "Casa")},
		Events: []registry.Event{event(registry.EventEntityCreated, "E1", "E1", nil)}})
	a := mustEntity(t, s, "E1")
	b := mustEntity(t, s, "E1")
	a.Name = "First writer"
	commit(t, s, registry.Batch{Entities: []registry.Entity{a},
		Events: []registry.Event{event(registry.EventEntityUpdated, "E1", "E1", nil)}})
	b.Name = "Second writer"
	_, err := s.Commit(context.Background(), registry.Batch{Entities: []registry.Entity{b},
		Events: []registry.Event{event(registry.EventEntityUpdated, "E1", "E1", nil)}})
	wantErr(t, err, registry.ErrConflict, "stale update")
	got := mustEntity(t, s, "E1")
	if got.Name != "First writer" || got.Version != 2 {
		t.Errorf("after stale update: %q v%d, want %q v2", got.Name, got.Version, "First writer")
	}
	if n := len(allEvents(t, s)); n != 2 {
		t.Errorf("events after stale update = %d, want 2 (the failed batch's event must not be written)", n)
	}
}

func testCreateTakenID(t *testing.T, s registry.Store) {
	commit(t, s, registry.Batch{Entities: []registry.Entity{entity("E1", "80000000001", "Casa")}})
	_, err := s.Commit(context.Background(), registry.Batch{Entities: []registry.Entity{entity("E1", "80000000002", "Altra")}})
	wantErr(t, err, registry.ErrConflict, "create with a taken ID")
	_, err = s.Commit(context.Background(), registry.Batch{Entities: []registry.Entity{entity("", "80000000003", "Senza ID")}})
	wantErr(t, err, registry.ErrConflict, "create without ID")
	if got := mustEntity(t, s, "E1"); got.Name != "Casa" {
		t.Errorf("taken ID overwritten: %q", got.Name)
	}
	a := application("A1", "E1", "2024-01-10")
	commit(t, s, registry.Batch{Applications: []registry.Application{a}})
	_, err = s.Commit(context.Background(), registry.Batch{Applications: []registry.Application{a}})
	wantErr(t, err, registry.ErrConflict, "application created twice")
}

func testCodiceFiscaleUnique(t *testing.T, s registry.Store) {
	commit(t, s, registry.Batch{Entities: []registry.Entity{entity("E1", "80000000001", "Casa")}})
	_, err := s.Commit(context.Background(), registry.Batch{Entities: []registry.Entity{entity("E2", "80000000001", "Doppione")},
		Events: []registry.Event{event(registry.EventEntityCreated, "E2", "E2", nil)}})
	wantErr(t, err, registry.ErrConflict, "second entity with the same codice fiscale")
	if _, err := s.Entity(context.Background(), "E2"); !errors.Is(err, registry.ErrNotFound) {
		t.Errorf("entity with a duplicate codice fiscale was stored: %v", err)
	}
	_, err = s.Commit(context.Background(), registry.Batch{Entities: []registry.Entity{
		entity("E3", "80000000009", "Uno"), entity("E4", "80000000009", "Due")}})
	wantErr(t, err, registry.ErrConflict, "two entities with one codice fiscale in a batch")
	if n := len(allEvents(t, s)); n != 0 {
		t.Errorf("events written by failed batches: %d", n)
	}
}

func testCodiceFiscaleChange(t *testing.T, s registry.Store) {
	ctx := context.Background()
	commit(t, s, registry.Batch{Entities: []registry.Entity{entity("E1", "80000000001", "Casa")}})
	e := mustEntity(t, s, "E1")
	e.CodiceFiscale = "80000000002"
	commit(t, s, registry.Batch{Entities: []registry.Entity{e}})
	if _, err := s.EntityByCodiceFiscale(ctx, "80000000001"); !errors.Is(err, registry.ErrNotFound) {
		t.Errorf("old codice fiscale still found: %v", err)
	}
	if got, err := s.EntityByCodiceFiscale(ctx, "80000000002"); err != nil || got.ID != "E1" {
		t.Errorf("new codice fiscale: %v %v", got.ID, err)
	}
	// The freed code may be taken by another body.
	commit(t, s, registry.Batch{Entities: []registry.Entity{entity("E2", "80000000001", "Nuova")}})
}

func testBatchAtomic(t *testing.T, s registry.Store) {
	ctx := context.Background()
	commit(t, s, registry.Batch{Entities: []registry.Entity{entity("E1", "80000000001", "Casa")}})
	stale := application("A1", "E1", "2024-01-10")
	stale.Version = 7 // does not exist
	e := mustEntity(t, s, "E1")
	e.Name = "Cambiato"
	_, err := s.Commit(ctx, registry.Batch{
		Entities:     []registry.Entity{e, entity("E2", "80000000002", "Nuova")},
		Partnerships: []registry.Partnership{{ID: "P1", EntityID: "E1", PartnerID: "E2", Start: "2024-01-01"}},
		Grants:       []registry.Grant{{ID: "G1", Grantee: "x", Purpose: "ricerca", From: "2024-01-01"}},
		Applications: []registry.Application{stale},
		Events:       []registry.Event{event(registry.EventEntityUpdated, "E1", "E1", e)},
	})
	if err == nil {
		t.Fatal("batch with a missing application version committed")
	}
	if got := mustEntity(t, s, "E1"); got.Name != "Casa" || got.Version != 1 {
		t.Errorf("entity written by a failed batch: %q v%d", got.Name, got.Version)
	}
	if _, err := s.Entity(ctx, "E2"); !errors.Is(err, registry.ErrNotFound) {
		t.Errorf("new entity written by a failed batch: %v", err)
	}
	if _, err := s.Partnership(ctx, "P1"); !errors.Is(err, registry.ErrNotFound) {
		t.Errorf("partnership written by a failed batch: %v", err)
	}
	if gs, _ := s.Grants(ctx, "x"); len(gs) != 0 {
		t.Errorf("grant written by a failed batch: %v", gs)
	}
	if n := len(allEvents(t, s)); n != 0 {
		t.Errorf("event written by a failed batch: %d", n)
	}
	// A failed delete rolls back the whole batch too.
	_, err = s.Commit(ctx, registry.Batch{
		Entities: []registry.Entity{entity("E3", "80000000003", "Terza")},
		Deletes:  []registry.Ref{{Kind: registry.KindEntity, ID: "E1", Version: 9}},
	})
	wantErr(t, err, registry.ErrConflict, "delete with a stale version")
	if _, err := s.Entity(ctx, "E3"); !errors.Is(err, registry.ErrNotFound) {
		t.Errorf("entity written by a batch whose delete failed: %v", err)
	}
}

func testRecordTwiceInBatch(t *testing.T, s registry.Store) {
	_, err := s.Commit(context.Background(), registry.Batch{Entities: []registry.Entity{
		entity("E1", "80000000001", "Uno"), entity("E1", "80000000002", "Due")}})
	wantErr(t, err, registry.ErrConflict, "one entity twice in a batch")
	if _, err := s.Entity(context.Background(), "E1"); !errors.Is(err, registry.ErrNotFound) {
		t.Errorf("entity written by a failed batch: %v", err)
	}
}

func testDelete(t *testing.T, s registry.Store) {
	ctx := context.Background()
	commit(t, s, registry.Batch{
		Entities:     []registry.Entity{entity("E1", "80000000001", "Uno"), entity("E2", "80000000002", "Due")},
		Partnerships: []registry.Partnership{{ID: "P1", EntityID: "E1", PartnerID: "E2", Start: "2024-01-01"}},
		Grants:       []registry.Grant{{ID: "G1", Grantee: "x", Purpose: "ricerca", From: "2024-01-01"}},
		Applications: []registry.Application{application("A1", "E1", "2024-01-10")},
	})
	for _, ref := range []registry.Ref{
		{Kind: registry.KindPartnership, ID: "P1", Version: 2},
		{Kind: registry.KindPartnership, ID: "P1"},
	} {
		_, err := s.Commit(ctx, registry.Batch{Deletes: []registry.Ref{ref}})
		wantErr(t, err, registry.ErrConflict, fmt.Sprintf("delete at version %d", ref.Version))
	}
	_, err := s.Commit(ctx, registry.Batch{Deletes: []registry.Ref{{Kind: registry.KindGrant, ID: "G404", Version: 1}}})
	wantErr(t, err, registry.ErrNotFound, "delete of a missing grant")
	evs := commit(t, s, registry.Batch{
		Deletes: []registry.Ref{
			{Kind: registry.KindPartnership, ID: "P1", Version: 1},
			{Kind: registry.KindGrant, ID: "G1", Version: 1},
			{Kind: registry.KindApplication, ID: "A1", Version: 1},
			{Kind: registry.KindEntity, ID: "E1", Version: 1},
		},
		Events: []registry.Event{event(registry.EventPartnershipRemoved, "E1", "P1", nil)},
	})
	if len(evs) != 1 || evs[0].Kind != registry.EventPartnershipRemoved {
		t.Errorf("Commit returned events %+v", evs)
	}
	if _, err := s.Partnership(ctx, "P1"); !errors.Is(err, registry.ErrNotFound) {
		t.Errorf("deleted partnership still there: %v", err)
	}
	if ps, _ := s.Partnerships(ctx, "E2"); len(ps) != 0 {
		t.Errorf("deleted partnership still listed: %v", ps)
	}
	if gs, _ := s.Grants(ctx, "x"); len(gs) != 0 {
		t.Errorf("deleted grant still listed: %v", gs)
	}
	if _, err := s.Application(ctx, "A1"); !errors.Is(err, registry.ErrNotFound) {
		t.Errorf("deleted application still there: %v", err)
	}
	if _, err := s.Entity(ctx, "E1"); !errors.Is(err, registry.ErrNotFound) {
		t.Errorf("deleted entity still there: %v", err)
	}
	if _, err := s.EntityByCodiceFiscale(ctx, "80000000001"); !errors.Is(err, registry.ErrNotFound) {
		t.Errorf("deleted entity still found by codice fiscale: %v", err)
	}
	// The deleted body's codice fiscale and ID are free again.
	commit(t, s, registry.Batch{Entities: []registry.Entity{entity("E1", "80000000001", "Di nuovo")}})
}

func testApplications(t *testing.T, s registry.Store) {
	ctx := context.Background()
	commit(t, s, registry.Batch{Applications: []registry.Application{
		application("A3", "E1", "2024-05-01"),
		application("A2", "E1", "2023-01-01"),
		application("A1", "E1", "2024-05-01"),
		application("B1", "E2", "2022-01-01"),
	}})
	got, err := s.Applications(ctx, "E1")
	if err != nil {
		t.Fatalf("Applications: %v", err)
	}
	var ids []string
	for _, a := range got {
		ids = append(ids, a.ID)
	}
	if want := []string{"A2", "A1", "A3"}; !slices.Equal(ids, want) {
		t.Errorf("Applications order = %v, want %v (by date, then ID)", ids, want)
	}
	none, err := s.Applications(ctx, "E404")
	if err != nil || len(none) != 0 {
		t.Errorf("Applications of an unknown body = %v, %v; want empty, nil", none, err)
	}
	// Update with the right version.
	a := got[0]
	a.Attachments = append(a.Attachments, registry.Attachment{Kind: "programme", Name: "p.pdf"})
	commit(t, s, registry.Batch{Applications: []registry.Application{a}})
	back, err := s.Application(ctx, a.ID)
	if err != nil || back.Version != 2 || len(back.Attachments) != 2 {
		t.Errorf("updated application = v%d %d attachments, %v", back.Version, len(back.Attachments), err)
	}
	stale := got[0]
	_, err = s.Commit(ctx, registry.Batch{Applications: []registry.Application{stale}})
	wantErr(t, err, registry.ErrConflict, "stale application update")
}

func testPartnerships(t *testing.T, s registry.Store) {
	ctx := context.Background()
	commit(t, s, registry.Batch{Partnerships: []registry.Partnership{
		{ID: "P2", EntityID: "E1", PartnerID: "E2", Start: "2024-01-01"},
		{ID: "P1", EntityID: "E3", PartnerID: "E1", Start: "2023-01-01", End: "2023-12-31"},
		{ID: "P3", EntityID: "E2", PartnerID: "E3", Start: "2023-01-01"},
	}})
	for id, want := range map[string][]string{"E1": {"P1", "P2"}, "E2": {"P2", "P3"}, "E9": nil} {
		got, err := s.Partnerships(ctx, id)
		if err != nil {
			t.Fatalf("Partnerships(%s): %v", id, err)
		}
		var ids []string
		for _, p := range got {
			ids = append(ids, p.ID)
		}
		if !slices.Equal(ids, want) {
			t.Errorf("Partnerships(%s) = %v, want %v", id, ids, want)
		}
	}
	p, err := s.Partnership(ctx, "P1")
	if err != nil || p.End != "2023-12-31" || p.Version != 1 {
		t.Fatalf("Partnership(P1) = %+v, %v", p, err)
	}
	p.End = "2024-06-30"
	commit(t, s, registry.Batch{Partnerships: []registry.Partnership{p}})
	_, err = s.Commit(ctx, registry.Batch{Partnerships: []registry.Partnership{p}})
	wantErr(t, err, registry.ErrConflict, "stale partnership update")
}

func testGrants(t *testing.T, s registry.Store) {
	ctx := context.Background()
	commit(t, s, registry.Batch{Grants: []registry.Grant{
		{ID: "G2", Grantee: "regione-lazio", Region: "12", Purpose: "programmazione", From: "2024-01-01", GrantedAt: at},
		{ID: "G1", Grantee: "regione-lazio", Purpose: "statistica", From: "2024-01-01"},
		{ID: "G3", Grantee: "other", Purpose: "x", From: "2024-01-01"},
	}})
	got, err := s.Grants(ctx, "regione-lazio")
	if err != nil {
		t.Fatalf("Grants: %v", err)
	}
	if len(got) != 2 || got[0].ID != "G1" || got[1].ID != "G2" || got[1].Region != "12" || !got[1].GrantedAt.Equal(at) {
		t.Errorf("Grants = %+v", got)
	}
}

// listIDs lists every page of f and returns the IDs in order.
func listIDs(t *testing.T, s registry.Store, f registry.Filter) []string {
	t.Helper()
	var ids []string
	for range 1000 {
		p, err := s.Entities(context.Background(), f)
		if err != nil {
			t.Fatalf("Entities(%+v): %v", f, err)
		}
		for _, e := range p.Entities {
			ids = append(ids, e.ID)
		}
		if p.Next == "" {
			return ids
		}
		f.Cursor = p.Next
	}
	t.Fatal("Entities never returned a last page")
	return nil
}

func testListFilters(t *testing.T, s registry.Store) {
	e1 := enrol(entity("E1", "80000000001", "Casa dei Popoli"), registry.SectionI, registry.StatusEnrolled)
	e2 := enrol(entity("E2", "80000000002", "CASA delle donne"), registry.SectionII, registry.StatusEnrolled)
	e2 = enrol(e2, registry.SectionI, registry.StatusRejected)
	e2.Seat = registry.Address{Street: "Via Po 2", PostCode: "10100", Comune: "001272", Province: "TO", Region: "01"}
	e3 := enrol(entity("E3", "80000000003", "Fondazione Àncora"), registry.SectionI, registry.StatusApplied)
	e3.LegalForm = "foundation"
	e3.Seat = registry.Address{Street: "Via Dante 3", PostCode: "00044", Comune: "058039", Province: "RM", Region: "12"}
	e4 := entity("E4", "80000000004", "Cooperativa Sole")
	e4.LegalForm = "social_cooperative_a"
	e4.BranchOf = "E1"
	commit(t, s, registry.Batch{Entities: []registry.Entity{e4, e2, e1, e3}})

	cases := []struct {
		name string
		f    registry.Filter
		want []string
	}{
		{"all", registry.Filter{}, []string{"E1", "E2", "E3", "E4"}},
		{"section I", registry.Filter{Section: registry.SectionI}, []string{"E1", "E2", "E3"}},
		{"section II", registry.Filter{Section: registry.SectionII}, []string{"E2"}},
		{"status enrolled", registry.Filter{Status: registry.StatusEnrolled}, []string{"E1", "E2"}},
		{"section I enrolled", registry.Filter{Section: registry.SectionI, Status: registry.StatusEnrolled}, []string{"E1"}},
		{"section I rejected", registry.Filter{Section: registry.SectionI, Status: registry.StatusRejected}, []string{"E2"}},
		{"section II rejected (same enrolment)", registry.Filter{Section: registry.SectionII, Status: registry.StatusRejected}, nil},
		{"region", registry.Filter{Region: "12"}, []string{"E1", "E3", "E4"}},
		{"province", registry.Filter{Province: "TO"}, []string{"E2"}},
		{"legal form", registry.Filter{LegalForm: "foundation"}, []string{"E3"}},
		{"name ignores case", registry.Filter{Name: "casa D"}, []string{"E1", "E2"}},
		{"name non-ASCII", registry.Filter{Name: "àNCORA"}, []string{"E3"}},
		{"name no match", registry.Filter{Name: "zzz"}, nil},
		{"branch of", registry.Filter{BranchOf: "E1"}, []string{"E4"}},
		{"combined", registry.Filter{Region: "12", Section: registry.SectionI, LegalForm: "association_recognised", Name: "popoli"}, []string{"E1"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := listIDs(t, s, tc.f); !slices.Equal(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func testListPagination(t *testing.T, s registry.Store) {
	var es []registry.Entity
	var want []string
	for i := range 23 {
		id := fmt.Sprintf("E%03d", 22-i) // committed in reverse order
		es = append(es, entity(id, fmt.Sprintf("8%010d", i+1), "Ente "+id))
	}
	commit(t, s, registry.Batch{Entities: es})
	for i := range 23 {
		want = append(want, fmt.Sprintf("E%03d", i))
	}
	for _, limit := range []int{1, 5, 22, 23, 24} {
		t.Run(fmt.Sprintf("limit %d", limit), func(t *testing.T) {
			got := listIDs(t, s, registry.Filter{Limit: limit})
			if !slices.Equal(got, want) {
				t.Errorf("paged listing = %v, want %v", got, want)
			}
		})
	}
	// A page has at most Limit entities, and the first page is the same each time.
	p1, err := s.Entities(context.Background(), registry.Filter{Limit: 5})
	if err != nil || len(p1.Entities) != 5 || p1.Next == "" {
		t.Fatalf("first page: %d entities, next %q, %v", len(p1.Entities), p1.Next, err)
	}
	// Writes between pages do not disturb the order of what follows.
	commit(t, s, registry.Batch{Entities: []registry.Entity{entity("E000a", "89999999999", "Inserita")}})
	p2, err := s.Entities(context.Background(), registry.Filter{Limit: 5, Cursor: p1.Next})
	if err != nil || len(p2.Entities) != 5 || p2.Entities[0].ID != "E005" {
		t.Fatalf("second page after an insert before the cursor: %+v, %v", p2, err)
	}
	// Filters apply across pages.
	got := listIDs(t, s, registry.Filter{Limit: 2, Name: "ente e01"})
	if want := []string{"E010", "E011", "E012", "E013", "E014", "E015", "E016", "E017", "E018", "E019"}; !slices.Equal(got, want) {
		t.Errorf("filtered paging = %v, want %v", got, want)
	}
}

func testListLimits(t *testing.T, s registry.Store) {
	ctx := context.Background()
	var es []registry.Entity
	n := registry.MaxLimit + 5
	for i := range n {
		es = append(es, entity(fmt.Sprintf("E%05d", i), fmt.Sprintf("8%010d", i+1), "Ente"))
	}
	commit(t, s, registry.Batch{Entities: es})
	p, err := s.Entities(ctx, registry.Filter{})
	if err != nil || len(p.Entities) != registry.DefaultLimit || p.Next == "" {
		t.Errorf("limit 0 gave %d entities (next %q, %v), want DefaultLimit %d", len(p.Entities), p.Next, err, registry.DefaultLimit)
	}
	p, err = s.Entities(ctx, registry.Filter{Limit: registry.MaxLimit * 10})
	if err != nil || len(p.Entities) != registry.MaxLimit || p.Next == "" {
		t.Errorf("huge limit gave %d entities (%v), want MaxLimit %d", len(p.Entities), err, registry.MaxLimit)
	}
	if _, err := s.Entities(ctx, registry.Filter{Limit: -1}); err == nil {
		t.Error("negative limit accepted")
	}
	if _, err := s.Events(ctx, registry.EventFilter{Limit: -1}); err == nil {
		t.Error("negative event limit accepted")
	}
}

func testEvents(t *testing.T, s registry.Store) {
	ctx := context.Background()
	if evs, err := s.Events(ctx, registry.EventFilter{}); err != nil || len(evs) != 0 {
		t.Fatalf("events of an empty store: %v, %v", evs, err)
	}
	e := entity("E1", "80000000001", "Casa")
	got := commit(t, s, registry.Batch{Entities: []registry.Entity{e}, Events: []registry.Event{
		event(registry.EventEntityCreated, "E1", "E1", e),
		event(registry.EventApplicationFiled, "E1", "A1", nil),
	}})
	if len(got) != 2 || got[0].Seq != 1 || got[1].Seq != 2 {
		t.Fatalf("Commit returned %+v, want Seq 1 and 2", got)
	}
	commit(t, s, registry.Batch{Events: []registry.Event{event(registry.EventSectionIIGranted, "", "G1", nil)}})
	ev2 := event(registry.EventEnrolmentChanged, "E2", "E2", map[string]string{"to": "enrolled"})
	ev2.Section = registry.SectionII
	ev2.Note = "applied → enrolled"
	ev2.Before = json.RawMessage(`{"status":"applied"}`)
	commit(t, s, registry.Batch{Events: []registry.Event{ev2, event(registry.EventEntityUpdated, "E1", "E1", nil)}})

	all := allEvents(t, s)
	var kinds []registry.EventKind
	for i, ev := range all {
		if ev.Seq != int64(i+1) {
			t.Errorf("event %d has Seq %d, want %d", i, ev.Seq, i+1)
		}
		kinds = append(kinds, ev.Kind)
	}
	want := []registry.EventKind{registry.EventEntityCreated, registry.EventApplicationFiled, registry.EventSectionIIGranted,
		registry.EventEnrolmentChanged, registry.EventEntityUpdated}
	if !slices.Equal(kinds, want) {
		t.Errorf("events = %v, want %v", kinds, want)
	}
	// Fields round trip.
	ev2.Seq = 4
	assertJSONEqual(t, "event", ev2, all[3])
	if !all[3].At.Equal(at) {
		t.Errorf("At = %v, want %v", all[3].At, at)
	}
	var after registry.Entity
	if err := json.Unmarshal(all[0].After, &after); err != nil || after.Name != "Casa" {
		t.Errorf("After of the first event = %s (%v)", all[0].After, err)
	}

	byEntity, err := s.Events(ctx, registry.EventFilter{EntityID: "E1"})
	if err != nil {
		t.Fatal(err)
	}
	var seqs []int64
	for _, ev := range byEntity {
		seqs = append(seqs, ev.Seq)
	}
	if !slices.Equal(seqs, []int64{1, 2, 5}) {
		t.Errorf("events of E1 = %v, want [1 2 5]", seqs)
	}
	page, err := s.Events(ctx, registry.EventFilter{After: 1, Limit: 2})
	if err != nil || len(page) != 2 || page[0].Seq != 2 || page[1].Seq != 3 {
		t.Errorf("events after 1, limit 2 = %+v, %v", page, err)
	}
	page, err = s.Events(ctx, registry.EventFilter{EntityID: "E1", After: 1, Limit: 1})
	if err != nil || len(page) != 1 || page[0].Seq != 2 {
		t.Errorf("events of E1 after 1, limit 1 = %+v, %v", page, err)
	}
	if page, err := s.Events(ctx, registry.EventFilter{After: 99}); err != nil || len(page) != 0 {
		t.Errorf("events after the last = %+v, %v", page, err)
	}
}

// testConcurrentWriters runs read–modify–commit loops on one entity from
// many goroutines; with retries on ErrConflict no update may be lost.
func testConcurrentWriters(t *testing.T, s registry.Store) {
	ctx := context.Background()
	commit(t, s, registry.Batch{Entities: []registry.Entity{entity("E1", "80000000001", "Casa")}})
	const writers, each = 8, 10
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < each; {
				e, err := s.Entity(ctx, "E1")
				if err != nil {
					errs <- err
					return
				}
				e.Members = append(e.Members, registry.Member{Organ: "control", Role: fmt.Sprintf("w%d-%d", w, i)})
				_, err = s.Commit(ctx, registry.Batch{Entities: []registry.Entity{e},
					Events: []registry.Event{event(registry.EventEntityUpdated, "E1", "E1", nil)}})
				switch {
				case err == nil:
					i++
				case errors.Is(err, registry.ErrConflict):
					// lost the race: read again
				default:
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("writer: %v", err)
	}
	e := mustEntity(t, s, "E1")
	if want := int64(1 + writers*each); e.Version != want {
		t.Errorf("version = %d, want %d", e.Version, want)
	}
	if want := 1 + writers*each; len(e.Members) != want {
		t.Errorf("members = %d, want %d (an update was lost)", len(e.Members), want)
	}
	if n := len(allEvents(t, s)); n != writers*each {
		t.Errorf("events = %d, want %d", n, writers*each)
	}
}

// testConcurrentCreates races creations of the same and of distinct bodies:
// exactly one creation per ID or codice fiscale wins.
func testConcurrentCreates(t *testing.T, s registry.Store) {
	ctx := context.Background()
	const n = 16
	var wg sync.WaitGroup
	var mu sync.Mutex
	wins, conflicts := 0, 0
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Distinct bodies always succeed.
			if _, err := s.Commit(ctx, registry.Batch{Entities: []registry.Entity{
				entity(fmt.Sprintf("D%02d", i), fmt.Sprintf("8%010d", 100+i), "Distinta")}}); err != nil {
				t.Errorf("distinct create: %v", err)
			}
			// Every goroutine tries to take the same codice fiscale.
			_, err := s.Commit(ctx, registry.Batch{Entities: []registry.Entity{
				entity(fmt.Sprintf("S%02d", i), "80000000001", "Stessa")}})
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				wins++
			case errors.Is(err, registry.ErrConflict):
				conflicts++
			default:
				t.Errorf("racing create: %v", err)
			}
		}()
	}
	wg.Wait()
	if wins != 1 || conflicts != n-1 {
		t.Errorf("racing creates: %d won, %d conflicts; want 1 and %d", wins, conflicts, n-1)
	}
	if got := listIDs(t, s, registry.Filter{Name: "distinta"}); len(got) != n {
		t.Errorf("distinct creates stored = %d, want %d", len(got), n)
	}
}

func testCancelledContext(t *testing.T, s registry.Store) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.Commit(ctx, registry.Batch{Entities: []registry.Entity{entity("E1", "80000000001", "Casa")}}); err == nil {
		t.Error("Commit with a cancelled context succeeded")
	}
	if _, err := s.Entity(context.Background(), "E1"); !errors.Is(err, registry.ErrNotFound) {
		t.Errorf("Commit with a cancelled context wrote: %v", err)
	}
	if _, err := s.Entities(ctx, registry.Filter{}); err == nil {
		t.Error("Entities with a cancelled context succeeded")
	}
}
