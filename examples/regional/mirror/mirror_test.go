package mirror_test

import (
	"context"
	"database/sql"
	"errors"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/openregistro/registro/examples/regional/mirror"
	"github.com/openregistro/registro/examples/registrod/client"
	"github.com/openregistro/registro/examples/synth"
	"github.com/openregistro/registro/registry"
	"github.com/openregistro/registro/registry/codelist"

	_ "modernc.org/sqlite"
)

// newMirror builds a mirror of s's region into l with a SQL cursor.
func newMirror(t *testing.T, s *service, l *local, c *client.Client, opts mirror.Options) (*mirror.Mirror, *mirror.SQLCursor) {
	t.Helper()
	cur := sqlCursor(t, l, s.region)
	opts.Region, opts.Cursor = s.region, cur
	m, err := mirror.New(c, l.store, opts)
	if err != nil {
		t.Fatal(err)
	}
	return m, cur
}

// sqlCursor opens the cursor table of l's database on a connection of its own.
func sqlCursor(t *testing.T, l *local, name string) *mirror.SQLCursor {
	t.Helper()
	driver, dsn := "pgx", l.dsn
	if l.store.Dialect() == "sqlite" {
		driver, dsn = "sqlite", strings.TrimPrefix(l.dsn, "sqlite:")+"?_pragma=busy_timeout(10000)"
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	cur, err := mirror.NewSQLCursor(context.Background(), db, l.store.Dialect(), name)
	if err != nil {
		t.Fatal(err)
	}
	return cur
}

func mustOnce(t *testing.T, m *mirror.Mirror) mirror.Stats {
	t.Helper()
	st, err := m.Once(context.Background())
	if err != nil {
		t.Fatalf("sync: %v", err)
	}
	return st
}

// TestSyncAndDeltas mirrors the region, changes the service (a new
// application and its enrolment, a cancellation, an update, a body moving
// out, a change in another region) and checks that the next sync applies
// exactly those changes.
func TestSyncAndDeltas(t *testing.T) {
	for name, newLocal := range locals(t) {
		t.Run(name, func(t *testing.T) { testSyncAndDeltas(t, newLocal(t)) })
	}
}

func testSyncAndDeltas(t *testing.T, l *local) {
	ctx := context.Background()
	s := newService(t)
	m, cur := newMirror(t, s, l, s.client(t, tokStaff), mirror.Options{PageSize: 40})

	want := s.all(t, s.region)
	st := mustOnce(t, m)
	sameBodies(t, all(t, l.store, ""), want)
	if st.Created != len(want) || st.Updated != 0 || st.Removed != 0 {
		t.Errorf("first sync: %+v, want %d created and nothing else", st, len(want))
	}
	if saved, _ := cur.Load(ctx); saved != st.Cursor || saved == 0 {
		t.Errorf("saved cursor %d, stats cursor %d", saved, st.Cursor)
	}
	if again := mustOnce(t, m); again.Events != 0 || again.Fetched != 0 {
		t.Errorf("sync with nothing new: %+v", again)
	}
	eventsBefore := len(l.events(t))

	// Changes on the service.
	var enrolled, renamed, moved, elsewhere registry.Entity
	for _, e := range want {
		en, ok := e.Enrolment(registry.SectionI)
		switch {
		case ok && en.Status == registry.StatusEnrolled && enrolled.ID == "":
			enrolled = e
		case renamed.ID == "":
			renamed = e
		case moved.ID == "":
			moved = e
		}
	}
	for _, e := range s.all(t, "") {
		if e.Seat.Region != s.region {
			elsewhere = e
			break
		}
	}
	if enrolled.ID == "" || renamed.ID == "" || moved.ID == "" || elsewhere.ID == "" {
		t.Fatalf("region %s lacks the bodies the test changes", s.region)
	}
	if _, err := s.reg.Cancel(ctx, registry.Staff("staff:test"), enrolled.ID, registry.SectionI, registry.Cancellation{
		NotifiedOn: "2025-01-20", Reason: firstCode(t), LegalBasis: "art. 54 c.4 DPR 394/1999"}); err != nil {
		t.Fatal(err)
	}
	renamed.Name += " (nuova denominazione)"
	if _, err := s.reg.UpdateEntity(ctx, registry.Staff("staff:test"), renamed); err != nil {
		t.Fatal(err)
	}
	moved.Seat = elsewhere.Seat
	if _, err := s.reg.UpdateEntity(ctx, registry.Staff("staff:test"), moved); err != nil {
		t.Fatal(err)
	}
	elsewhere.Name += " (altrove)"
	if _, err := s.reg.UpdateEntity(ctx, registry.Staff("staff:test"), elsewhere); err != nil {
		t.Fatal(err)
	}
	newID := applyNew(t, s, want[0].Seat)
	if _, err := s.reg.Enrol(ctx, registry.Staff("staff:test"), newID, registry.SectionI, registry.Decree{Number: "99/2025", Date: "2025-01-20"}); err != nil {
		t.Fatal(err)
	}

	st = mustOnce(t, m)
	sameBodies(t, all(t, l.store, ""), s.all(t, s.region))
	if st.Created != 1 || st.Updated != 2 || st.Removed != 1 {
		t.Errorf("second sync: %+v, want 1 created, 2 updated, 1 removed", st)
	}
	evs := l.events(t)[eventsBefore:]
	got := map[string]registry.EventKind{}
	for _, ev := range evs {
		got[ev.RecordID] = ev.Kind
	}
	wantEvents := map[string]registry.EventKind{
		newID: registry.EventEntityCreated, enrolled.ID: registry.EventEntityUpdated,
		renamed.ID: registry.EventEntityUpdated, moved.ID: registry.EventEntityRemoved,
	}
	if len(evs) != len(wantEvents) {
		t.Errorf("%d local events, want %d: %+v", len(evs), len(wantEvents), got)
	}
	for id, k := range wantEvents {
		if got[id] != k {
			t.Errorf("local event of %s: %q, want %q", id, got[id], k)
		}
	}
	if _, err := l.store.Entity(ctx, elsewhere.ID); !errors.Is(err, registry.ErrNotFound) {
		t.Errorf("body of another region in the copy: %v", err)
	}
}

// firstCode returns a code of the cancellation_reason list.
func firstCode(t *testing.T) string {
	t.Helper()
	l, ok := codelist.Default().List("cancellation_reason")
	if !ok || len(l.Codes(0)) == 0 {
		t.Fatal("no cancellation_reason list")
	}
	return l.Codes(0)[0]
}

// applyNew files a Section I application of a new body with its seat at
// seat, and returns its register ID.
func applyNew(t *testing.T, s *service, seat registry.Address) string {
	t.Helper()
	gen, err := synth.Generate(synth.Config{Year: 2024, Seed: 99, Scale: 0.02})
	if err != nil {
		t.Fatal(err)
	}
	for i := range gen.Bodies {
		b := gen.Bodies[i]
		if len(b.Sections) != 1 || b.Sections[0] != registry.SectionI {
			continue
		}
		if _, taken := s.ids[b.Entity.CodiceFiscale]; taken {
			continue
		}
		b.Entity.Seat = seat
		a := b.Application("")
		_, e, err := s.reg.Apply(context.Background(), registry.Staff("applicant"), a)
		if err != nil {
			t.Fatalf("apply: %v", err)
		}
		return e.ID
	}
	t.Fatal("synth gave no Section I application")
	return ""
}

// TestResume interrupts a sync by cancelling its context, restarts the
// mirror over the same database, and replays from an old cursor as after a
// crash between a write and the cursor's save.
func TestResume(t *testing.T) {
	ctx := context.Background()
	s := newService(t)
	l := newLocal(t)
	want := s.all(t, s.region)

	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	// Cancel at the first body fetched once half the region is in the copy.
	s.setWrap(func(w http.ResponseWriter, r *http.Request) bool {
		if strings.HasPrefix(r.URL.Path, "/v1/entities/") {
			page, err := l.store.Entities(r.Context(), registry.Filter{Limit: registry.MaxLimit})
			if err == nil && len(page.Entities) >= len(want)/2 {
				cancel()
			}
		}
		return false
	})
	m, cur := newMirror(t, s, l, s.client(t, tokStaff), mirror.Options{PageSize: 20})
	st, err := m.Once(cctx)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupted sync: %v, want context.Canceled", err)
	}
	s.setWrap(nil)
	partial := len(all(t, l.store, ""))
	if partial == 0 || partial >= len(want) {
		t.Fatalf("interrupted sync left %d of %d bodies: the test does not interrupt in the middle", partial, len(want))
	}
	saved, _ := cur.Load(ctx)
	if saved != st.Cursor {
		t.Errorf("saved cursor %d, stats say %d", saved, st.Cursor)
	}

	// Restart: a new process opens the database again.
	l.open(t)
	m2, _ := newMirror(t, s, l, s.client(t, tokStaff), mirror.Options{PageSize: 20})
	st2 := mustOnce(t, m2)
	sameBodies(t, all(t, l.store, ""), want)
	if st2.Created != len(want)-partial {
		t.Errorf("resumed sync created %d, want %d", st2.Created, len(want)-partial)
	}

	// A crash after the writes and before the cursor's save: the feed is
	// read again and nothing changes.
	events := len(l.events(t))
	if err := cur.Save(ctx, 0); err != nil {
		t.Fatal(err)
	}
	st3 := mustOnce(t, m2)
	if st3.Created != 0 || st3.Updated != 0 || st3.Removed != 0 || st3.Unchanged == 0 {
		t.Errorf("replay: %+v, want only unchanged bodies", st3)
	}
	if n := len(l.events(t)); n != events {
		t.Errorf("replay wrote %d local events", n-events)
	}
	sameBodies(t, all(t, l.store, ""), want)
}

// TestAccess checks that Section II reaches the copy only through a token
// entitled to it, and that the copy follows a grant given later.
func TestAccess(t *testing.T) {
	ctx := context.Background()
	s := newService(t)
	viewer := func(subject string) registry.Viewer {
		v, err := s.reg.ViewerWithGrants(ctx, registry.Viewer{Role: registry.RolePublic, Subject: subject})
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	// expect returns the bodies of the region that subject sees, with a
	// Section II enrolment only when subject sees them in Section II.
	expect := func(subject string) (ids, ii map[string]bool) {
		ids, ii = map[string]bool{}, map[string]bool{}
		for _, sec := range []registry.Section{0, registry.SectionII} {
			page, err := s.reg.Entities(ctx, viewer(subject), registry.Filter{Region: s.region, Section: sec, Limit: registry.MaxLimit})
			if err != nil || page.Next != "" {
				t.Fatalf("listing: %v (next %q)", err, page.Next)
			}
			for _, e := range page.Entities {
				if sec == 0 {
					ids[e.ID] = true
				} else {
					ii[e.ID] = true
				}
			}
		}
		return ids, ii
	}
	check := func(t *testing.T, l *local, subject string) int {
		t.Helper()
		ids, ii := expect(subject)
		got := all(t, l.store, "")
		if len(got) != len(ids) {
			t.Errorf("copy has %d bodies, %s sees %d", len(got), subject, len(ids))
		}
		withII := 0
		for _, e := range got {
			if !ids[e.ID] {
				t.Errorf("body %s in the copy, not visible to %s", e.ID, subject)
			}
			if _, has := e.Enrolment(registry.SectionII); has != ii[e.ID] {
				t.Errorf("body %s: Section II enrolment in the copy %v, visible to %s %v", e.ID, has, subject, ii[e.ID])
			}
			if _, has := e.Enrolment(registry.SectionII); has {
				withII++
			}
		}
		return withII
	}
	for _, tc := range []struct {
		name, token, subject string
		wantII               bool
	}{
		{"grant", tokRegion, "regione:ii", true},
		{"no grant", tokRegionNoII, "regione:noii", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := newLocal(t)
			m, _ := newMirror(t, s, l, s.client(t, tokStaff), mirror.Options{Access: s.client(t, tc.token)})
			mustOnce(t, m)
			if withII := check(t, l, tc.subject); (withII > 0) != tc.wantII {
				t.Errorf("%d bodies with Section II in the copy, want some: %v", withII, tc.wantII)
			}
		})
	}

	// A grant given later: the next sync brings Section II in.
	t.Run("grant given later", func(t *testing.T) {
		l := newLocal(t)
		m, _ := newMirror(t, s, l, s.client(t, tokStaff), mirror.Options{Access: s.client(t, tokRegionNoII)})
		mustOnce(t, m)
		if _, err := s.reg.GrantSectionII(ctx, registry.Staff("staff:test"), registry.Grant{Grantee: "regione:noii", Region: s.region,
			Purpose: "monitoraggio dei programmi di assistenza", From: "2025-01-01"}); err != nil {
			t.Fatal(err)
		}
		st := mustOnce(t, m)
		if withII := check(t, l, "regione:noii"); withII == 0 || st.Created+st.Updated == 0 {
			t.Errorf("after the grant: %d bodies with Section II, stats %+v", withII, st)
		}
	})
}

// TestErrors checks the errors a caller branches on.
func TestErrors(t *testing.T) {
	s := newService(t)
	for _, tc := range []struct {
		name, token string
		want        int // the status of the *client.Error
		says        string
	}{
		{"unknown token", tokUnknown, http.StatusUnauthorized, "401"},
		{"no token", "", http.StatusUnauthorized, "change feed needs a token"},
		{"region token reads the feed", tokRegion, http.StatusForbidden, "staff"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := newLocal(t)
			m, _ := newMirror(t, s, l, s.client(t, tc.token), mirror.Options{MinBackoff: time.Millisecond})
			_, err := m.Once(context.Background())
			var he *client.Error
			if !errors.As(err, &he) || he.Status != tc.want || !strings.Contains(err.Error(), tc.says) {
				t.Fatalf("Once: %v, want a %d saying %q", err, tc.want, tc.says)
			}
			if he.Problem.Detail == "" {
				t.Errorf("no problem details in %#v", err)
			}
			// Run does not retry what retrying cannot cure.
			if err := m.Run(context.Background()); !errors.As(err, &he) || he.Status != tc.want {
				t.Errorf("Run: %v, want a %d", err, tc.want)
			}
			if n := len(all(t, l.store, "")); n != 0 {
				t.Errorf("%d bodies in the copy", n)
			}
		})
	}

	t.Run("bad arguments", func(t *testing.T) {
		c := s.client(t, tokStaff)
		l := newLocal(t)
		for _, r := range []string{"", "99", "lazio"} {
			if _, err := mirror.New(c, l.store, mirror.Options{Region: r}); err == nil {
				t.Errorf("region %q: no error", r)
			}
		}
		if _, err := mirror.New(nil, l.store, mirror.Options{Region: "12"}); err == nil {
			t.Error("nil client: no error")
		}
		if _, err := mirror.NewSQLCursor(context.Background(), nil, "oracle", "12"); err == nil {
			t.Error("unknown dialect: no error")
		}
	})
}

// TestRunBackoff makes the service fail, then recover: Run retries and the
// copy ends up equal.
func TestRunBackoff(t *testing.T) {
	s := newService(t)
	l := newLocal(t)
	var failures atomic.Int32
	s.setWrap(func(w http.ResponseWriter, r *http.Request) bool {
		if r.URL.Path == "/v1/events" && failures.Add(1) <= 3 {
			http.Error(w, "down for maintenance", http.StatusServiceUnavailable)
			return true
		}
		return false
	})
	m, _ := newMirror(t, s, l, s.client(t, tokStaff), mirror.Options{Interval: 5 * time.Millisecond,
		MinBackoff: time.Millisecond, MaxBackoff: 4 * time.Millisecond})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- m.Run(ctx) }()
	want := s.all(t, s.region)
	deadline := time.Now().Add(20 * time.Second)
	for len(all(t, l.store, "")) < len(want) && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("Run: %v, want context.Canceled", err)
	}
	if failures.Load() <= 3 {
		t.Errorf("the service failed %d times: Run did not retry", failures.Load())
	}
	sameBodies(t, all(t, l.store, ""), want)

	// The error of one failed request.
	_, err := s.client(t, tokStaff).EventPage(context.Background(), client.EventQuery{Limit: 10})
	if err != nil {
		t.Fatalf("service recovered: %v", err)
	}
	failures.Store(0)
	_, err = s.client(t, tokStaff).EventPage(context.Background(), client.EventQuery{Limit: 10})
	var he *client.Error
	if !errors.As(err, &he) || he.Status != http.StatusServiceUnavailable {
		t.Errorf("503: %v, want a *client.Error of status 503", err)
	}
}
