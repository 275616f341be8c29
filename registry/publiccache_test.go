package registry_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/openregistro/registro/registry"
	"github.com/openregistro/registro/registry/memstore"
)

// countingStore is a memstore (a registry.PublicVersioner) that counts its
// listings and can run a function in the middle of the next one.
type countingStore struct {
	*memstore.Store
	lists  atomic.Int64
	during func()
}

func (s *countingStore) Entities(ctx context.Context, f registry.Filter) (registry.Page, error) {
	s.lists.Add(1)
	if d := s.during; d != nil {
		s.during = nil
		d()
	}
	return s.Store.Entities(ctx, f)
}

// plainStore hides every method of a store but registry.Store's: a
// Registry over it keeps no public page.
type plainStore struct{ registry.Store }

func newCountingFixture(t *testing.T, opts registry.Options) (*fixture, *countingStore) {
	t.Helper()
	f := newFixture(t, opts)
	cs := &countingStore{Store: f.store}
	var n atomic.Int64
	opts.Now = f.clock.Now
	opts.NewID = func() string { return fmt.Sprintf("id%04d", n.Add(1)) }
	f.reg = registry.New(cs, opts)
	return f, cs
}

// list returns one page of f's listing as v, failing the test on error.
func list(t *testing.T, reg *registry.Registry, v registry.Viewer, f registry.Filter) registry.Page {
	t.Helper()
	p, err := reg.Entities(context.Background(), v, f)
	if err != nil {
		t.Fatalf("Entities(%+v): %v", f, err)
	}
	return p
}

func TestPublicPagesKept(t *testing.T) {
	f, cs := newCountingFixture(t, registry.Options{})
	a := f.enrolled(t, body(cfBodyA, "Alfa Solidale"), "2024-01-10", "2024-02-01", registry.SectionI)
	f.clock.Set("2024-09-01")
	pub := registry.Public()
	sectionI := registry.Filter{Section: registry.SectionI}

	want := toJSON(t, list(t, f.reg, pub, sectionI))
	listed := cs.lists.Load()
	again := list(t, f.reg, pub, sectionI)
	if cs.lists.Load() != listed {
		t.Fatalf("the same public request listed the store again")
	}
	if got := toJSON(t, again); got != want {
		t.Fatalf("kept page = %s, want %s", got, want)
	}
	// What a caller gets is its own.
	again.Entities[0].Name = "changed by the caller"
	if got := toJSON(t, list(t, f.reg, pub, sectionI)); got != want {
		t.Fatalf("the caller's change reached the kept page: %s", got)
	}

	// A body seen only in Section II: no new listing, the same page.
	f.enrolled(t, body(cfBodyB, "Beta Protezione"), "2024-09-01", "2024-09-01", registry.SectionII)
	listed = cs.lists.Load()
	if got := toJSON(t, list(t, f.reg, pub, sectionI)); got != want || cs.lists.Load() != listed {
		t.Fatalf("after a Section II write: page %s (listed %d times more), want the kept one", got, cs.lists.Load()-listed)
	}

	// A Section I write: listed again, with the new body.
	c := f.enrolled(t, body(cfBodyC, "Gamma Insieme"), "2024-09-01", "2024-09-01", registry.SectionI)
	p := list(t, f.reg, pub, sectionI)
	if cs.lists.Load() == listed || len(p.Entities) != 2 || (p.Entities[1].ID != c.ID && p.Entities[0].ID != c.ID) {
		t.Fatalf("after a Section I enrolment: %+v (listed %d times more)", p, cs.lists.Load()-listed)
	}

	// A name search is never answered from memory: its timing would tell
	// one caller what another searched for.
	for range 2 {
		listed := cs.lists.Load()
		list(t, f.reg, pub, registry.Filter{Name: "alfa"})
		if cs.lists.Load() != listed+1 {
			t.Error("a public name search answered without listing the store")
		}
	}

	// Viewers other than the public are never answered from memory.
	for _, v := range []registry.Viewer{registry.Staff("s"), registry.Body("rep", a.ID),
		{Role: registry.RoleRegion, Region: "12", Grants: []registry.Grant{{ID: "G", Grantee: "r", Purpose: "p", From: "2024-01-01"}}}} {
		for range 2 {
			listed := cs.lists.Load()
			list(t, f.reg, v, sectionI)
			if cs.lists.Load() != listed+1 {
				t.Errorf("viewer %s: answered without listing the store", v.Role)
			}
		}
	}
}

// A write a public listing reads, committed while a page is listed: the
// next request lists again and sees it.
func TestPublicPageNotKeptAcrossAWrite(t *testing.T) {
	f, cs := newCountingFixture(t, registry.Options{})
	f.enrolled(t, body(cfBodyA, "Alfa Solidale"), "2024-01-10", "2024-02-01", registry.SectionI)
	pub := registry.Public()
	var c registry.Entity
	cs.during = func() {
		c = f.enrolled(t, body(cfBodyC, "Gamma Insieme"), "2024-03-01", "2024-03-01", registry.SectionI)
	}
	list(t, f.reg, pub, registry.Filter{})
	listed := cs.lists.Load()
	p := list(t, f.reg, pub, registry.Filter{})
	if cs.lists.Load() != listed+1 {
		t.Fatal("a page listed across a write was answered again")
	}
	if len(p.Entities) != 2 || (p.Entities[0].ID != c.ID && p.Entities[1].ID != c.ID) {
		t.Fatalf("page after the write = %+v, want both bodies", p)
	}
}

// With silence meaning acceptance a body enters the public list on the day
// after its decision term, without a write: the kept page is of one day.
func TestPublicPageOfOneDay(t *testing.T) {
	f, cs := newCountingFixture(t, registry.Options{Silence: registry.SilenceMeansAcceptance})
	d := f.mustApply(t, application(body(cfBodyD, "Delta in attesa"), "2024-06-03", registry.SectionI))
	pub := registry.Public()
	if p := list(t, f.reg, pub, registry.Filter{}); len(p.Entities) != 0 {
		t.Fatalf("pending body listed: %+v", p)
	}
	f.clock.Set("2024-12-31") // past the term
	listed := cs.lists.Load()
	p := list(t, f.reg, pub, registry.Filter{})
	if cs.lists.Load() != listed+1 || len(p.Entities) != 1 || p.Entities[0].ID != d.ID {
		t.Fatalf("on a later day: %+v (listed %d times more), want the body accepted by silence", p, cs.lists.Load()-listed)
	}
}

// Every public listing answered from memory is the listing of a Registry
// that keeps nothing, page by page, on the visibility fixture's register.
func TestPublicPagesAsListed(t *testing.T) {
	f, m := visibilityFixture(t)
	plain := registry.New(plainStore{f.store}, registry.Options{Now: f.clock.Now})
	filters := allFilters()
	for _, round := range []string{"first", "kept"} {
		for _, flt := range filters {
			want := toJSON(t, listAll(t, plain, registry.Public(), flt))
			if got := toJSON(t, listAll(t, f.reg, registry.Public(), flt)); got != want {
				t.Errorf("%s round, filter %+v: %s, want %s", round, flt, got, want)
			}
		}
	}
	if got := listAll(t, f.reg, registry.Public(), registry.Filter{}); len(got) != 3 {
		t.Errorf("public listing has %d bodies, want A, BR and C (%v)", len(got), m)
	}
}

// Only the writes that change what the public sees today move the store's
// public version, so a public caller cannot time the others: a Section II
// enrolment, a pending Section I application and its rejection, a change
// to a field the public does not see, a filing.
func TestPublicVersionMovesOnPublicChangesOnly(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, registry.Options{})
	version := func() int64 {
		t.Helper()
		v, _, err := f.store.PublicVersion(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	staff := registry.Staff("s")
	var a, br, d, c registry.Entity
	// update changes body a as staff.
	update := func(change func(*registry.Entity)) func() error {
		return func() error {
			change(&a)
			var err error
			a, err = f.reg.UpdateEntity(ctx, staff, a)
			return err
		}
	}
	steps := []struct {
		name   string
		do     func() error
		public bool
	}{
		{"a body enrolled in Section II only", func() error {
			f.enrolled(t, body(cfBodyB, "Beta Protezione"), "2024-01-10", "2024-02-01", registry.SectionII)
			return nil
		}, false},
		{"a Section I application, pending", func() error {
			d = f.mustApply(t, application(body(cfBodyD, "Delta in attesa"), "2024-03-01", registry.SectionI))
			return nil
		}, false},
		{"its rejection", func() error {
			f.clock.Set("2024-04-01")
			_, err := f.reg.Reject(ctx, staff, d.ID, registry.SectionI, registry.Rejection{Date: "2024-04-01", Reason: "requisiti", LegalBasis: "art. 53"})
			return err
		}, false},
		{"a branch's own Section II application", func() error {
			br = f.mustApply(t, application(torino(body("80050050014", "Sede di Milano")), "2024-04-02", registry.SectionII))
			return nil
		}, false},
		{"a Section I enrolment", func() error {
			b := body(cfBodyA, "Alfa Solidale")
			b.Statute.Branches = []string{"80050050014"}
			app := application(b, "2024-04-03", registry.SectionI)
			app.Branches = []registry.BranchRef{{CodiceFiscale: "80050050014", Name: "Sede di Milano", Comune: "015146"}}
			a = f.mustApply(t, app)
			f.clock.Set("2024-05-01")
			var err error
			a, err = f.reg.Enrol(ctx, staff, a.ID, registry.SectionI, registry.Decree{Number: "1", Date: "2024-05-01"})
			return err
		}, true},
		{"a field the public does not see (PEC)", update(func(e *registry.Entity) { e.PEC = "nuova@pec.example.it" }), false},
		{"a published field (name)", update(func(e *registry.Entity) { e.Name = "Alfa Solidale ETS" }), true},
		{"a branch the enrolment extends to", func() error {
			_, err := f.reg.AddBranch(ctx, staff, a.ID, br.ID, "2024-05-01")
			return err
		}, true},
		{"a Section II access grant", func() error {
			_, err := f.reg.GrantSectionII(ctx, staff, registry.Grant{Grantee: "region:12", Purpose: "programmazione", Region: "12", From: "2024-05-01"})
			return err
		}, false},
		{"the review of a pending Section I application", func() error {
			c = f.mustApply(t, application(body(cfBodyC, "Gamma Insieme"), "2024-05-01", registry.SectionI))
			_, err := f.reg.StartReview(ctx, staff, c.ID, registry.SectionI, "2024-05-01")
			return err
		}, false},
		{"its enrolment (a body with no branch)", func() error {
			_, err := f.reg.Enrol(ctx, staff, c.ID, registry.SectionI, registry.Decree{Number: "2", Date: "2024-05-01"})
			return err
		}, true},
		{"a Section I cancellation", func() error {
			_, err := f.reg.Cancel(ctx, staff, a.ID, registry.SectionI, registry.Cancellation{NotifiedOn: "2024-05-01", Reason: "incompatible_conduct", LegalBasis: "art. 54 c.4"})
			return err
		}, true},
	}
	for _, st := range steps {
		before := version()
		if err := st.do(); err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		if moved := version() != before; moved != st.public {
			t.Errorf("%s: public version moved = %v, want %v", st.name, moved, st.public)
		}
	}
}

// Public callers listing while staff enrol bodies: no race (run with
// -race), and once the writes are done the kept pages are a fresh listing.
func TestPublicPagesUnderConcurrentWrites(t *testing.T) {
	f := newFixture(t, registry.Options{})
	plain := registry.New(plainStore{f.store}, registry.Options{Now: f.clock.Now})
	f.clock.Set("2024-02-01")
	done := make(chan struct{})
	errs := make(chan error, 4)
	for range 4 {
		go func() {
			for {
				select {
				case <-done:
					errs <- nil
					return
				default:
				}
				for _, flt := range []registry.Filter{{}, {Limit: 2}, {Region: "12"}, {Section: registry.SectionI}} {
					if _, err := f.reg.Entities(context.Background(), registry.Public(), flt); err != nil {
						errs <- err
						return
					}
				}
			}
		}()
	}
	for i := range 12 {
		first10 := fmt.Sprintf("8%06d001", i+1)
		sections := []registry.Section{registry.SectionI}
		if i%3 == 0 {
			sections = []registry.Section{registry.SectionII}
		}
		f.enrolled(t, body(first10+checkDigit(first10), fmt.Sprintf("Ente %02d", i)), "2024-02-01", "2024-02-01", sections...)
	}
	close(done)
	for range 4 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	for _, flt := range []registry.Filter{{}, {Limit: 2}, {Region: "12"}, {Section: registry.SectionI}} {
		want := toJSON(t, listAll(t, plain, registry.Public(), flt))
		if got := toJSON(t, listAll(t, f.reg, registry.Public(), flt)); got != want {
			t.Errorf("filter %+v: kept %s, want %s", flt, got, want)
		}
	}
	if n := len(listAll(t, f.reg, registry.Public(), registry.Filter{})); n != 8 {
		t.Errorf("public listing has %d bodies, want the 8 of Section I", n)
	}
}
