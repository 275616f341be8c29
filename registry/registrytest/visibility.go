package registrytest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/openregistro/registro/registry"
)

// history returns an enrolment in section s whose history is the moves to
// the given statuses on the given days ("applied", "2020-01-10", …); its
// Status is the last one.
func history(s registry.Section, steps ...string) registry.Enrolment {
	en := registry.Enrolment{Section: s}
	var from registry.Status
	for i := 0; i+1 < len(steps); i += 2 {
		to := registry.Status(steps[i])
		on := registry.Date(steps[i+1])
		if to == registry.StatusApplied {
			en.AppliedOn = on
		}
		en.History = append(en.History, registry.Transition{From: from, To: to, On: on, Actor: "kit"})
		from = to
	}
	en.Status = from
	return en
}

// seat returns the seat of a comune in province (sigla) and region.
func seat(comune, province, region string) registry.Address {
	return registry.Address{Street: "Via Roma 1", PostCode: "00100", Comune: comune, Province: province, Region: region}
}

var (
	rome   = seat("058091", "RM", "12")
	turin  = seat("001272", "TO", "01")
	milan  = seat("015146", "MI", "03")
	venice = seat("027042", "VE", "05")
)

// visibilityFixture is a register of bodies in every standing a viewer may
// or may not see, with their IDs interleaved so that every hidden body lies
// between visible ones. The Registry's today is 2025-03-01.
func visibilityFixture() []registry.Entity {
	type spec struct {
		id, name, form string
		seat           registry.Address
		enrolments     []registry.Enrolment
		branchOf       string
	}
	enrolledI := history(registry.SectionI, "applied", "2020-01-10", "enrolled", "2020-03-01")
	enrolledII := history(registry.SectionII, "applied", "2020-01-10", "enrolled", "2020-03-01")
	specs := []spec{
		{"E01", "Casa dei Popoli", "association_recognised", rome, []registry.Enrolment{enrolledI}, ""},
		{"E02", "Rifugio Segreto", "social_cooperative_a", turin, []registry.Enrolment{enrolledII}, ""},
		{"E03", "Fondazione Attesa", "foundation", rome, []registry.Enrolment{history(registry.SectionI, "applied", "2025-01-10")}, ""},
		{"E04", "Respinta Onlus", "association_recognised", milan, []registry.Enrolment{
			history(registry.SectionI, "applied", "2024-01-10", "rejected", "2024-03-01")}, ""},
		{"E05", "Sede Milano", "association_recognised", milan, nil, "E01"},
		{"E06", "Chiusa APS", "association_unrecognised", rome, []registry.Enrolment{
			history(registry.SectionI, "applied", "2020-01-10", "enrolled", "2020-03-01", "cancelled", "2024-06-01")}, ""},
		{"E07", "Doppia Sezione", "association_recognised", turin, []registry.Enrolment{enrolledI, enrolledII}, ""},
		{"E08", "Sede Nascosta", "association_recognised", milan, nil, "E01"},
		{"E09", "Lazio Seconda", "foundation", rome, []registry.Enrolment{enrolledII}, ""},
		{"E10", "Futuro Ente", "association_recognised", rome, []registry.Enrolment{
			history(registry.SectionI, "applied", "2024-12-01", "enrolled", "2025-06-01")}, ""},
		{"E11", "Attesa Seconda", "social_cooperative_a", turin, []registry.Enrolment{
			history(registry.SectionII, "applied", "2025-01-10", "under_review", "2025-02-01")}, ""},
		{"E12", "Nuovo Ente", "foundation", venice, nil, ""},
		{"E13", "Ancora Aperta", "association_recognised", rome, []registry.Enrolment{
			history(registry.SectionI, "applied", "2020-01-10", "enrolled", "2020-03-01", "cancelled", "2025-12-01")}, ""},
		{"E14", "Milano Seconda", "association_recognised", milan, []registry.Enrolment{enrolledII}, ""},
	}
	var out []registry.Entity
	for i, sp := range specs {
		e := entity(sp.id, fmt.Sprintf("8%010d", i+1), sp.name)
		e.LegalForm, e.Seat, e.Enrolments, e.BranchOf = sp.form, sp.seat, sp.enrolments, sp.branchOf
		if sp.id == "E01" {
			e.National = true
			e.Enrolments[0].ApplicationID = "A01"
			e.Branches = []registry.Branch{
				{EntityID: "E05", NamedInStatute: true, ApplicationID: "A01", From: "2020-01-01"},
				{EntityID: "E08", NamedInStatute: true, From: "2020-01-01"}, // not listed in the application
			}
		}
		out = append(out, e)
	}
	return out
}

// viewers are the kinds of viewer the kit lists as.
func viewers() []struct {
	name string
	v    registry.Viewer
} {
	grant := func(region, from, until string) registry.Grant {
		return registry.Grant{ID: "G-" + region, Grantee: "g", Region: region, Purpose: "programmazione",
			From: registry.Date(from), Until: registry.Date(until)}
	}
	withGrants := func(gs ...registry.Grant) registry.Viewer {
		return registry.Viewer{Role: registry.RolePublic, Subject: "g", Grants: gs}
	}
	return []struct {
		name string
		v    registry.Viewer
	}{
		{"public", registry.Public()},
		{"grant Piemonte", withGrants(grant("01", "2024-01-01", ""))},
		{"grant everywhere", withGrants(grant("", "2024-01-01", ""))},
		{"grants Lazio and Lombardia", withGrants(grant("12", "2024-01-01", ""), grant("03", "2024-01-01", "2025-12-31"))},
		{"expired grant", withGrants(grant("12", "2020-01-01", "2024-12-31"))},
		{"future grant", withGrants(grant("01", "2026-01-01", ""))},
		{"regional office with a grant", func() registry.Viewer {
			v := registry.RegionalOffice("g", "01")
			v.Grants = []registry.Grant{grant("01", "2024-01-01", "")}
			return v
		}()},
		{"regional office without grants", registry.RegionalOffice("g", "12")},
		{"body of a hidden Section II body", registry.Body("rep", "E02")},
		{"body of a pending body", registry.Body("rep", "E03")},
		{"body of a visible body", registry.Body("rep", "E01")},
		{"body without entity", registry.Viewer{Role: registry.RoleBody, Subject: "rep"}},
		{"staff", registry.Staff("kit")},
	}
}

// filters returns every filter the kit lists with: none, each section and
// status and their pairs, every region, province and legal form of the
// fixture, and names: every letter, and the start and whole of every name.
func filters(es []registry.Entity) []registry.Filter {
	out := []registry.Filter{{}}
	for _, s := range []registry.Section{0, registry.SectionI, registry.SectionII} {
		for _, st := range append([]registry.Status{""}, registry.Statuses[:]...) {
			if s != 0 || st != "" {
				out = append(out, registry.Filter{Section: s, Status: st})
			}
		}
	}
	seen := map[string]bool{}
	add := func(key string, f registry.Filter) {
		if !seen[key] {
			seen[key] = true
			out = append(out, f)
		}
	}
	for _, e := range es {
		add("r"+e.Seat.Region, registry.Filter{Region: e.Seat.Region})
		add("p"+e.Seat.Province, registry.Filter{Province: e.Seat.Province})
		add("l"+e.LegalForm, registry.Filter{LegalForm: e.LegalForm})
		add("n"+e.Name, registry.Filter{Name: e.Name})
		add("n"+e.Name[:3], registry.Filter{Name: strings.ToUpper(e.Name[:3])})
		for _, r := range strings.ToLower(e.Name) {
			add("n"+string(r), registry.Filter{Name: string(r)})
		}
		add("r2"+e.Seat.Region, registry.Filter{Region: e.Seat.Region, Section: registry.SectionII, Status: registry.StatusEnrolled})
	}
	add("nzzz", registry.Filter{Name: "zzz"})
	return sampled(out)
}

// sampled returns fs whole, or, in a race-detector build, every section and
// status filter and one filter in four of the rest: the race detector looks
// for unsynchronised access, which a sample exercises as well, while the
// exhaustive walk (every filter, every cursor) runs in the ordinary build
// (.ci/run runs the conformance kits once without -race too).
func sampled(fs []registry.Filter) []registry.Filter {
	if !raceEnabled {
		return fs
	}
	var out []registry.Filter
	for i, f := range fs {
		if f.Region == "" && f.Province == "" && f.LegalForm == "" && f.Name == "" || i%4 == 0 {
			out = append(out, f)
		}
	}
	return out
}

// walk lists every page of f as v and returns the pages.
func walk(t *testing.T, r *registry.Registry, v registry.Viewer, f registry.Filter) []registry.Page {
	t.Helper()
	var pages []registry.Page
	for range 100 {
		p, err := r.Entities(context.Background(), v, f)
		if err != nil {
			t.Fatalf("Entities(%+v): %v", f, err)
		}
		pages = append(pages, p)
		if p.Next == "" {
			return pages
		}
		f.Cursor = p.Next
	}
	t.Fatalf("Entities(%+v) never returned a last page", f)
	return nil
}

// testViewerListings is issue 15's oracle test: every viewer lists with
// every filter, walking every cursor with limit 1 (and from a cursor at
// every stored ID), and must get exactly the listing of a register that
// holds only what it may see, and never the ID or a fact of another body.
func testViewerListings(t *testing.T, newStore func(t *testing.T) registry.Store) {
	ctx := context.Background()
	now := func() time.Time { return at }
	all := visibilityFixture()
	s := newStore(t)
	commit(t, s, registry.Batch{Entities: all})
	reg := registry.New(s, registry.Options{Now: now})
	fs := filters(all)
	for _, vc := range viewers() {
		t.Run(vc.name, func(t *testing.T) {
			v := vc.v
			// What v may see, by the per-ID read; a register of only that.
			visible := map[string]registry.Entity{}
			var kept []registry.Entity
			for _, e := range all {
				got, err := reg.Entity(ctx, v, e.ID)
				switch {
				case err == nil:
					visible[e.ID] = got
					kept = append(kept, e)
				case errors.Is(err, registry.ErrNotFound):
					// A hidden body and a missing one give the same error.
					_, missing := reg.Entity(ctx, v, e.ID+"x")
					if want := strings.ReplaceAll(missing.Error(), e.ID+"x", e.ID); err.Error() != want {
						t.Errorf("hidden %s: error %q, a missing ID gives %q", e.ID, err, want)
					}
				default:
					t.Fatalf("Entity(%s): %v", e.ID, err)
				}
			}
			if v.Role == registry.RoleStaff && len(visible) != len(all) {
				t.Fatalf("staff sees %d of %d bodies", len(visible), len(all))
			}
			ref := newStore(t)
			if len(kept) > 0 {
				commit(t, ref, registry.Batch{Entities: kept})
			}
			refReg := registry.New(ref, registry.Options{Now: now})

			check := func(t *testing.T, what string, f registry.Filter, got, want registry.Page) {
				t.Helper()
				gotIDs, wantIDs := pageIDs(got), pageIDs(want)
				if !slices.Equal(gotIDs, wantIDs) || got.Next != want.Next {
					t.Errorf("%s %+v: got %v next %q, the register of the visible bodies gives %v next %q",
						what, f, gotIDs, got.Next, wantIDs, want.Next)
				}
				for _, e := range got.Entities {
					w, ok := visible[e.ID]
					if !ok {
						t.Errorf("%s %+v: page holds hidden body %s", what, f, e.ID)
						continue
					}
					assertJSONEqual(t, what+" entity "+e.ID, w, e)
				}
				if got.Next != "" {
					id, err := registry.ParseCursor(got.Next)
					if err != nil || id != gotIDs[len(gotIDs)-1] {
						t.Errorf("%s %+v: next %q (%q, %v) is not the last ID of the page", what, f, got.Next, id, err)
					}
					if _, ok := visible[id]; !ok {
						t.Errorf("%s %+v: next names hidden body %s", what, f, id)
					}
				}
			}
			for _, f := range fs {
				for _, limit := range []int{1, 3} {
					f.Limit = limit
					got := walk(t, reg, v, f)
					want := walk(t, refReg, v, f)
					if len(got) != len(want) {
						t.Errorf("filter %+v: %d pages, the register of the visible bodies has %d", f, len(got), len(want))
					}
					for i := range min(len(got), len(want)) {
						check(t, fmt.Sprintf("page %d of", i+1), f, got[i], want[i])
					}
				}
				// A cursor at every stored ID (visible or not) and between.
				f.Limit = 1
				for _, e := range all {
					for _, pos := range []string{e.ID, e.ID + "~"} {
						f.Cursor = registry.CursorAfter(pos)
						got, err := reg.Entities(ctx, v, f)
						if err != nil {
							t.Fatalf("Entities after %s: %v", pos, err)
						}
						want, err := refReg.Entities(ctx, v, f)
						if err != nil {
							t.Fatalf("reference Entities after %s: %v", pos, err)
						}
						check(t, "page after "+pos+" of", f, got, want)
					}
				}
			}
		})
	}
}

// pageIDs returns the IDs of a page's entities.
func pageIDs(p registry.Page) []string {
	ids := []string{}
	for _, e := range p.Entities {
		ids = append(ids, e.ID)
	}
	return ids
}

// testListVisible checks that a store applies Filter.Visible and
// Filter.Candidates before the cursor and the limit.
func testListVisible(t *testing.T, newStore func(t *testing.T) registry.Store) {
	ctx := context.Background()
	all := visibilityFixture()
	s := newStore(t)
	commit(t, s, registry.Batch{Entities: all})
	// Visible reads the store, as the Registry's does (branches): a store
	// holding a lock or open rows across the call would deadlock here.
	calls := 0
	odd := func(ctx context.Context, e *registry.Entity) (bool, error) {
		calls++
		if _, err := s.Entity(ctx, e.ID); err != nil {
			return false, err
		}
		n := 0
		fmt.Sscanf(e.ID, "E%d", &n)
		return n%2 == 1, nil
	}
	var oddIDs []string
	var oddOnly []registry.Entity
	for i, e := range all {
		if i%2 == 0 {
			oddIDs = append(oddIDs, e.ID)
			oddOnly = append(oddOnly, e)
		}
	}
	ref := newStore(t)
	commit(t, ref, registry.Batch{Entities: oddOnly})
	cands := []struct {
		name string
		c    *registry.Candidates
		want []string
	}{
		{"no candidates", nil, oddIDs},
		{"none selected", &registry.Candidates{}, nil},
		{"one ID", &registry.Candidates{ID: "E03"}, []string{"E03"}},
		{"section I and branches", &registry.Candidates{SectionI: true}, []string{"E01", "E03", "E05", "E07", "E13"}},
		{"section II anywhere", &registry.Candidates{SectionII: true}, []string{"E07", "E09", "E11"}},
		{"section II in 01", &registry.Candidates{SectionII: true, SectionIIRegions: []string{"01"}}, []string{"E07", "E11"}},
		{"section II in no region", &registry.Candidates{SectionII: true, SectionIIRegions: []string{}}, nil},
		{"all of them", &registry.Candidates{ID: "E12", SectionI: true, SectionII: true, SectionIIRegions: []string{"12", "03"}},
			[]string{"E01", "E03", "E05", "E07", "E09", "E13"}},
	}
	for _, tc := range cands {
		t.Run(tc.name, func(t *testing.T) {
			for _, limit := range []int{1, 2, 3, 50} {
				f := registry.Filter{Limit: limit, Visible: odd, Candidates: tc.c}
				var got []string
				for range 100 {
					p, err := s.Entities(ctx, f)
					if err != nil {
						t.Fatalf("Entities: %v", err)
					}
					if len(p.Entities) > limit || (p.Next != "" && len(p.Entities) != limit) {
						t.Fatalf("limit %d: a page of %d entities, next %q", limit, len(p.Entities), p.Next)
					}
					got = append(got, pageIDs(p)...)
					if p.Next == "" {
						break
					}
					id, err := registry.ParseCursor(p.Next)
					if err != nil || id != p.Entities[len(p.Entities)-1].ID {
						t.Fatalf("next %q is not the cursor after the last entity (%q, %v)", p.Next, id, err)
					}
					f.Cursor = p.Next
				}
				if !slices.Equal(got, tc.want) {
					t.Errorf("limit %d: got %v, want %v", limit, got, tc.want)
				}
			}
		})
	}
	if calls == 0 {
		t.Error("Visible never called")
	}
	// A listing with Visible is the listing of a store holding only what it
	// accepts, with every other filter, from every cursor.
	for _, f := range filters(all) {
		for _, e := range append([]registry.Entity{{}}, all...) {
			f.Limit, f.Cursor = 1, ""
			if e.ID != "" {
				f.Cursor = registry.CursorAfter(e.ID)
			}
			want, err := ref.Entities(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			f.Visible = odd
			got, err := s.Entities(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			f.Visible = nil
			if !slices.Equal(pageIDs(got), pageIDs(want)) || got.Next != want.Next {
				t.Errorf("%+v: got %v next %q, want %v next %q", f, pageIDs(got), got.Next, pageIDs(want), want.Next)
			}
		}
	}
	// Rare visible rows: a page takes several chunks of rows.
	t.Run("many chunks", func(t *testing.T) {
		s := newStore(t)
		var es []registry.Entity
		var want []string
		for i := range 300 {
			id := fmt.Sprintf("M%04d", i)
			es = append(es, entity(id, fmt.Sprintf("7%010d", i), "Ente "+id))
			if i%37 == 5 {
				want = append(want, id)
			}
		}
		commit(t, s, registry.Batch{Entities: es})
		rare := func(_ context.Context, e *registry.Entity) (bool, error) {
			n := 0
			fmt.Sscanf(e.ID, "M%d", &n)
			return n%37 == 5, nil
		}
		for _, limit := range []int{1, 2, 5, 9} {
			f := registry.Filter{Limit: limit, Visible: rare}
			var got []string
			for range 100 {
				p, err := s.Entities(ctx, f)
				if err != nil {
					t.Fatal(err)
				}
				if p.Next != "" && len(p.Entities) != limit {
					t.Fatalf("limit %d: a short page of %d with next %q", limit, len(p.Entities), p.Next)
				}
				got = append(got, pageIDs(p)...)
				if p.Next == "" {
					break
				}
				f.Cursor = p.Next
			}
			if !slices.Equal(got, want) {
				t.Errorf("limit %d: got %v, want %v", limit, got, want)
			}
		}
	})
	// Visible's error ends the listing.
	boom := errors.New("boom")
	_, err := s.Entities(ctx, registry.Filter{Visible: func(context.Context, *registry.Entity) (bool, error) { return false, boom }})
	if !errors.Is(err, boom) {
		t.Errorf("error of Visible: got %v", err)
	}
}

// testInvalidCursor checks that a cursor no listing made is
// ErrInvalidCursor, and never ErrNotFound.
func testInvalidCursor(t *testing.T, s registry.Store) {
	commit(t, s, registry.Batch{Entities: []registry.Entity{entity("E1", "80000000001", "Casa")}})
	for _, c := range []string{"E1", "!!", "RTE=", "zz", "AA", "RTE\x00", "a b", registry.CursorAfter("E1") + "="} {
		t.Run(fmt.Sprintf("%q", c), func(t *testing.T) {
			_, err := s.Entities(context.Background(), registry.Filter{Cursor: c})
			if !errors.Is(err, registry.ErrInvalidCursor) || errors.Is(err, registry.ErrNotFound) {
				t.Errorf("cursor %q: got %v, want ErrInvalidCursor", c, err)
			}
		})
	}
	// A well-formed cursor of an ID that is not stored is a position.
	p, err := s.Entities(context.Background(), registry.Filter{Cursor: registry.CursorAfter("E0")})
	if err != nil || len(p.Entities) != 1 || p.Entities[0].ID != "E1" {
		t.Errorf("cursor after E0: %+v, %v", p, err)
	}
}

// testEventFilters checks EventFilter.Kinds and .Region and the Regions a
// store gives events on commit.
func testEventFilters(t *testing.T, s registry.Store) {
	ctx := context.Background()
	e1 := entity("E1", "80000000001", "Casa") // Lazio, 12
	e2 := entity("E2", "80000000002", "Rifugio")
	e2.Seat = turin
	commit(t, s, registry.Batch{Entities: []registry.Entity{e1, e2}, Events: []registry.Event{
		event(registry.EventEntityCreated, "E1", "E1", nil), // 1
		event(registry.EventEntityCreated, "E2", "E2", nil), // 2
	}})
	commit(t, s, registry.Batch{Events: []registry.Event{
		event(registry.EventReportFiled, "E1", "E1/2024/1", map[string]int{"year": 2024}), // 3
		event(registry.EventSectionIIGranted, "", "G1", nil),                              // 4
		event(registry.EventReportFiled, "E2", "E2/2024/1", map[string]int{"year": 2024}), // 5
		event(registry.EventReportFiled, "E9", "E9/2024/1", nil),                          // 6: no such body
	}})
	// E1 moves from Lazio to Lombardia.
	e1 = mustEntity(t, s, "E1")
	e1.Seat = milan
	commit(t, s, registry.Batch{Entities: []registry.Entity{e1}, Events: []registry.Event{
		event(registry.EventEntityUpdated, "E1", "E1", nil), // 7
	}})
	// E2 is deleted.
	e2 = mustEntity(t, s, "E2")
	commit(t, s, registry.Batch{Deletes: []registry.Ref{{Kind: registry.KindEntity, ID: "E2", Version: e2.Version}},
		Events: []registry.Event{event(registry.EventEntityRemoved, "E2", "E2", nil)}}) // 8

	wantRegions := map[int64][]string{1: {"12"}, 2: {"01"}, 3: {"12"}, 5: {"01"}, 7: {"03", "12"}, 8: {"01"}}
	for _, ev := range allEvents(t, s) {
		if !slices.Equal(ev.Regions, wantRegions[ev.Seq]) {
			t.Errorf("event %d (%s %s): Regions %v, want %v", ev.Seq, ev.Kind, ev.EntityID, ev.Regions, wantRegions[ev.Seq])
		}
	}
	cases := []struct {
		name string
		f    registry.EventFilter
		want []int64
	}{
		{"all", registry.EventFilter{}, []int64{1, 2, 3, 4, 5, 6, 7, 8}},
		{"one kind", registry.EventFilter{Kinds: []registry.EventKind{registry.EventReportFiled}}, []int64{3, 5, 6}},
		{"two kinds", registry.EventFilter{Kinds: []registry.EventKind{registry.EventSectionIIGranted, registry.EventEntityRemoved}}, []int64{4, 8}},
		{"kind after", registry.EventFilter{Kinds: []registry.EventKind{registry.EventReportFiled}, After: 3}, []int64{5, 6}},
		{"kind limit", registry.EventFilter{Kinds: []registry.EventKind{registry.EventReportFiled}, Limit: 2}, []int64{3, 5}},
		{"unknown kind", registry.EventFilter{Kinds: []registry.EventKind{"nope"}}, nil},
		{"region Lazio", registry.EventFilter{Region: "12"}, []int64{1, 3, 7}},
		{"region Lombardia", registry.EventFilter{Region: "03"}, []int64{7}},
		{"region Piemonte", registry.EventFilter{Region: "01"}, []int64{2, 5, 8}},
		{"region and kind", registry.EventFilter{Region: "01", Kinds: []registry.EventKind{registry.EventReportFiled}}, []int64{5}},
		{"region and entity", registry.EventFilter{Region: "12", EntityID: "E2"}, nil},
		{"entity and kind", registry.EventFilter{EntityID: "E1", Kinds: []registry.EventKind{registry.EventEntityUpdated}}, []int64{7}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			evs, err := s.Events(ctx, tc.f)
			if err != nil {
				t.Fatal(err)
			}
			var got []int64
			for _, ev := range evs {
				got = append(got, ev.Seq)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}
