package api_test

// The authorisation matrix: every route of api.Routes() is called by every
// kind of caller, and each answer must be what the route's row says.
//
// # Adding a route
//
// A route without a row fails TestAuthorisationMatrix. Register the row from
// the test file of the route's resource, in an init function:
//
//	func init() {
//		addMatrix(matrixCase{
//			op: "getReferent", // the operation ID, as in api.Routes
//			req: func(t *testing.T, f *fixture) (string, string, []byte, []string) {
//				return "GET", "/v1/entities/" + f.bodyID() + "/referents", nil, nil
//			},
//			allow: []caller{asStaff, asBody, asReferent},
//		})
//	}
//
// req builds the request on the fixture (newFixture: real IDs, a valid body
// where the route takes one, headers as name/value pairs); it must address
// the row's route (the test checks it). allow lists who may: an allowed
// caller gets neither 401 nor 403 nor a 5xx (nor 404 when hidden is set).
// Every other caller is refused: anonymous and invalid-token callers with a
// 401 problem, authenticated callers with a 403 problem — or, for a row with
// hidden set (the route hides what the caller may not see), a 404 problem for
// every refused caller but the invalid token's (still 401). An operation may
// have several rows (name tells them apart), e.g. one per kind of target.
//
// A row with write set changes the register when allowed: each allowed
// caller then runs on a copy of the fixture of its own (the database file
// copied, so it costs little), while the refused callers — whose requests
// must change nothing — share the one fixture every read row uses.
//
// The callers: asAnonymous (no Authorization header), asInvalid (an unknown
// bearer token), asPublic (a named public token, no grant), asBody (tokBody:
// the legal representative of body A, enrolled in Section I), asReferent (an
// enabled referent of body A), asOtherBody (tokOtherBody: body B), asRegion
// (a region holding a Section II grant for its region), asRegionNone (a region
// without grant) and asStaff (the ministry).

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/openregistro/registro/examples/internal/wire"
	"github.com/openregistro/registro/examples/registrod/api"
	"github.com/openregistro/registro/registry/sqlstore"
)

// caller is a kind of caller of the matrix.
type caller int

// The callers of the matrix (see the file comment).
const (
	asAnonymous caller = iota
	asInvalid
	asPublic
	asBody
	asReferent
	asOtherBody
	asRegion
	asRegionNone
	asStaff
	numCallers
)

var callerNames = [numCallers]string{"anonymous", "invalid-token", "public", "body", "referent", "other-body", "region", "region-no-grant", "staff"}

func (c caller) String() string { return callerNames[c] }

// token returns the Authorization bearer token of c ("" for none).
func (c caller) token() string {
	return [numCallers]string{"", "invalid-token-0123456789", tokPublic, tokBody, tokReferent, tokOtherBody, tokRegion, tokRegionNone, tokStaff}[c]
}

// everyone is every caller with a valid token or none: the callers of an
// open route (an invalid token is refused on every route).
var everyone = []caller{asAnonymous, asPublic, asBody, asReferent, asOtherBody, asRegion, asRegionNone, asStaff}

// matrixCase is one row of the matrix: what one route answers each caller.
type matrixCase struct {
	op     string // the route's operation ID (for per-year routes, the prefix as in api.Routes)
	name   string // tells apart the rows of one operation; may be empty
	hidden bool   // refused callers get 404, as for what does not exist
	write  bool   // an allowed request changes the register
	// req builds the request for this fixture (path params filled with real
	// IDs, a valid body where one is needed, headers as name/value pairs).
	req   func(t *testing.T, f *fixture) (method, target string, body []byte, hdr []string)
	allow []caller // who may; everyone else is refused
}

// matrix holds the rows registered with addMatrix.
var matrix []matrixCase

// addMatrix registers a row of the authorisation matrix; call it from
// init() in the resource's own test file.
func addMatrix(c matrixCase) { matrix = append(matrix, c) }

// bodyID is the register ID of body A (tokBody's and tokReferent's).
func (f *fixture) bodyID() string { return f.ids[f.body.Entity.CodiceFiscale] }

// otherBodyID is the register ID of body B (tokOtherBody's).
func (f *fixture) otherBodyID() string { return f.ids[f.other.Entity.CodiceFiscale] }

// get is a req of a GET of target.
func get(target string) func(*testing.T, *fixture) (string, string, []byte, []string) {
	return func(*testing.T, *fixture) (string, string, []byte, []string) { return "GET", target, nil, nil }
}

func init() {
	for _, row := range []struct{ op, target string }{
		{"status", "/status"},
		{"health", "/healthz"},
		{"openapi", "/v1/openapi.json"},
		{"listSchemas", "/v1/schemas"},
		{"getSchema", "/v1/schemas/questionnaire-2024"},
		{"listEntities", "/v1/entities"},
		{"yearlyList", "/v1/yearly-list/2024"},
	} {
		addMatrix(matrixCase{op: row.op, req: get(row.target), allow: everyone})
	}
	addMatrix(matrixCase{op: "getEntity", name: "Section I body", allow: everyone,
		req: func(t *testing.T, f *fixture) (string, string, []byte, []string) {
			return "GET", "/v1/entities/" + f.sec1[0].ID, nil, nil
		}})
	addMatrix(matrixCase{op: "getEntity", name: "Section II-only body", hidden: true, allow: []caller{asRegion, asStaff},
		req: func(t *testing.T, f *fixture) (string, string, []byte, []string) {
			return "GET", "/v1/entities/" + f.sec2Only[0].ID, nil, nil
		}})
	addMatrix(matrixCase{op: "listEvents", req: get("/v1/events?limit=5"), allow: []caller{asStaff}})
	addMatrix(matrixCase{op: "checkEligibility", allow: everyone,
		req: func(t *testing.T, f *fixture) (string, string, []byte, []string) {
			return "POST", "/v1/eligibility?asOf=" + f.body.AppliedOn.Format("2006-01-02"), mustJSON(t, f.body.Application("")), nil
		}})
	addMatrix(matrixCase{op: "validateApplication", allow: everyone,
		req: func(t *testing.T, f *fixture) (string, string, []byte, []string) {
			return "POST", "/v1/applications/validate", mustJSON(t, f.body.Application("")), nil
		}})
	addMatrix(matrixCase{op: "validateQuestionnaire", allow: everyone,
		req: func(t *testing.T, f *fixture) (string, string, []byte, []string) {
			return "POST", "/v1/questionnaires/2024/validate", mustDocFor(t, f), nil
		}})
	// Body A's report: only body A files it (its referent is let in, and
	// then told that the filer must be itself, a 422).
	addMatrix(matrixCase{op: "fileQuestionnaire", write: true, allow: []caller{asBody, asReferent},
		req: func(t *testing.T, f *fixture) (string, string, []byte, []string) {
			return "POST", "/v1/filings/2024", mustDocFor(t, f), nil
		}})
}

// TestAuthorisationMatrix walks every route × every caller.
func TestAuthorisationMatrix(t *testing.T) {
	routes := api.Routes()
	// Every route has a row, and every row names a route and addresses it.
	mux := http.NewServeMux()
	byOp := map[string]api.Route{}
	for _, r := range routes {
		byOp[r.Operation] = r
		mux.HandleFunc(r.Method+" "+r.Path, func(http.ResponseWriter, *http.Request) {})
	}
	covered := map[string]bool{}
	for _, c := range matrix {
		if _, ok := byOp[c.op]; !ok {
			t.Errorf("matrix row %q: no route has operation %q", c.op, c.op)
		}
		covered[c.op] = true
	}
	for _, r := range routes {
		if !covered[r.Operation] {
			t.Errorf("route %s %s (%s) has no row in the authorisation matrix (addMatrix)", r.Method, r.Path, r.Operation)
		}
	}
	if t.Failed() {
		return
	}

	f := newFixture(t)
	rows := slices.Clone(matrix)
	// Writes last: a refused write must change nothing, yet if one did, it
	// would not disturb a read row.
	slices.SortStableFunc(rows, func(a, b matrixCase) int {
		switch {
		case a.write == b.write:
			return 0
		case b.write:
			return -1
		}
		return 1
	})
	for _, c := range rows {
		name := c.op
		if c.name != "" {
			name += "/" + c.name
		}
		t.Run(name, func(t *testing.T) {
			route := byOp[c.op]
			method, target, _, _ := c.req(t, f)
			probe := httptest.NewRequest(method, target, nil)
			if _, pattern := mux.Handler(probe); pattern != route.Method+" "+route.Path {
				t.Fatalf("the row's request %s %s is routed to %q, not to %s %s", method, target, pattern, route.Method, route.Path)
			}
			for who := range numCallers {
				t.Run(who.String(), func(t *testing.T) {
					ff := f
					allowed := slices.Contains(c.allow, who)
					if allowed && c.write {
						ff = f.clone(t)
					}
					method, target, body, hdr := c.req(t, ff)
					rec := ff.do(t, method, target, who.token(), body, hdr...)
					checkMatrix(t, c, who, allowed, rec)
				})
			}
		})
	}
}

// checkMatrix checks the answer rec to caller who on row c.
func checkMatrix(t *testing.T, c matrixCase, who caller, allowed bool, rec *httptest.ResponseRecorder) {
	t.Helper()
	if allowed {
		if rec.Code == http.StatusUnauthorized || rec.Code == http.StatusForbidden || rec.Code >= 500 ||
			(c.hidden && rec.Code == http.StatusNotFound) {
			t.Errorf("%s may call %s, got %d: %s", who, c.op, rec.Code, truncate(rec.Body.String()))
		}
		return
	}
	want := http.StatusForbidden
	switch {
	case who == asInvalid:
		want = http.StatusUnauthorized
	case c.hidden:
		want = http.StatusNotFound
	case who == asAnonymous:
		want = http.StatusUnauthorized
	}
	if rec.Code != want {
		t.Errorf("%s may not call %s: got %d, want %d: %s", who, c.op, rec.Code, want, truncate(rec.Body.String()))
		return
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/problem+json" {
		t.Errorf("refusal of %s: Content-Type %q, want application/problem+json", who, ct)
	}
	if want == http.StatusUnauthorized && !strings.HasPrefix(rec.Header().Get("WWW-Authenticate"), "Bearer") {
		t.Errorf("401 without WWW-Authenticate: Bearer")
	}
}

// clone returns a copy of f over a copy of its SQLite database, for a write
// that must not be seen by the other rows.
func (f *fixture) clone(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	src, ok := strings.CutPrefix(f.dsn, "sqlite:")
	if !ok {
		t.Fatalf("clone needs a SQLite fixture, not %q", f.dsn)
	}
	dst := filepath.Join(t.TempDir(), "copy.db")
	db, err := sql.Open("sqlite", src)
	if err != nil {
		t.Fatal(err)
	}
	_, err = db.ExecContext(ctx, "VACUUM INTO ?", dst)
	db.Close()
	if err != nil {
		t.Fatalf("copy the fixture's database: %v", err)
	}
	store, err := sqlstore.Open(ctx, "sqlite:"+dst, sqlstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	seq := 0
	reg := wire.Registry(store, wire.Options{
		Now:   func() time.Time { return testNow },
		NewID: func() string { seq++; return fmt.Sprintf("C%06d", seq) },
	})
	c := *f
	c.reg, c.store, c.dsn, c.logs = reg, store, "sqlite:"+dst, &bytes.Buffer{}
	c.h = api.New(c.deps(t, reg, store), api.Options{MaxBodyBytes: 1 << 20})
	return &c
}

// mustJSON encodes v.
func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
