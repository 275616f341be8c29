package client_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/openregistro/registro/examples/registrod/api"
	"github.com/openregistro/registro/examples/registrod/client"
	"github.com/openregistro/registro/registry"
	"github.com/openregistro/registro/schemas/problem"
)

// mustKind asserts that err is an *client.Error of status and kind.
func mustKind(t *testing.T, err error, status int, kind problem.Kind) *client.Error {
	t.Helper()
	var e *client.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T), want a *client.Error", err, err)
	}
	if e.Status != status || e.Kind() != kind || problem.KindOf(err) != kind {
		t.Fatalf("error %v: status %d kind %s, want %d %s", err, e.Status, e.Kind(), status, kind)
	}
	if e.Problem.Status != status || !strings.HasPrefix(e.Problem.Type, api.ProblemTypeBase) || e.Problem.Title == "" || e.Problem.RequestID == "" {
		t.Fatalf("error %v: problem %+v, want the service's problem details", err, e.Problem)
	}
	return e
}

// TestEndToEnd calls every route over HTTP against a real api.New over
// SQLite.
func TestEndToEnd(t *testing.T) {
	s := mustService(t, api.Options{RateLimit: -1})
	ctx := context.Background()
	anon := s.mustClient(t, "", client.Options{})
	staff := s.mustClient(t, tokStaff, client.Options{})
	body := s.mustClient(t, tokBody, client.Options{Lang: problem.IT})

	t.Run("status", func(t *testing.T) {
		p, err := anon.Status(ctx)
		if err != nil || p.Status != http.StatusOK || p.Title != "OK" {
			t.Fatalf("Status = %+v, %v", p, err)
		}
		if err := anon.Health(ctx); err != nil {
			t.Fatal(err)
		}
		doc, err := anon.OpenAPI(ctx)
		if err != nil || !strings.Contains(string(doc), `"openapi"`) {
			t.Fatalf("OpenAPI: %d bytes, %v", len(doc), err)
		}
	})

	t.Run("schemas", func(t *testing.T) {
		list, err := anon.Schemas(ctx)
		if err != nil || list.Version == "" || len(list.Items) == 0 {
			t.Fatalf("Schemas = %+v, %v", list, err)
		}
		var resp client.Response
		b, err := anon.Schema(ctx, "questionnaire", 2024, client.ReadResponse(&resp))
		if err != nil || !strings.Contains(string(b), `"$schema"`) || resp.ETag == "" {
			t.Fatalf("Schema: %d bytes, ETag %q, %v", len(b), resp.ETag, err)
		}
		if _, err := anon.Schema(ctx, "questionnaire", 2024, client.IfNoneMatch(resp.ETag)); !errors.Is(err, client.ErrNotModified) {
			t.Fatalf("Schema with If-None-Match its ETag: %v, want ErrNotModified", err)
		}
		_, err = anon.Schema(ctx, "nope", 0)
		mustKind(t, err, http.StatusNotFound, problem.KindNotFound)
	})

	t.Run("entities", func(t *testing.T) {
		// The iterator over pages of 3 gives what one page of the largest
		// size gives, without a repetition.
		all, err := anon.EntityPage(ctx, client.EntityQuery{Limit: registry.MaxLimit}, "")
		if err != nil || all.Next != "" || len(all.Items) < 7 {
			t.Fatalf("one page: %d bodies, next %q, %v", len(all.Items), all.Next, err)
		}
		var ids []string
		for e, err := range anon.Entities(ctx, client.EntityQuery{Limit: 3}) {
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, e.ID)
		}
		want := make([]string, len(all.Items))
		for i, e := range all.Items {
			want[i] = e.ID
		}
		if !slices.Equal(ids, want) {
			t.Fatalf("paginated IDs %v, want %v", ids, want)
		}
		// Stopping early stops.
		n := 0
		for range anon.Entities(ctx, client.EntityQuery{Limit: 2}) {
			if n++; n == 3 {
				break
			}
		}
		if n != 3 {
			t.Fatalf("break after 3: %d", n)
		}
		// The public does not see a Section II-only body; staff does.
		if slices.Contains(ids, s.sec2Only.ID) {
			t.Fatalf("the public listing holds Section II-only %s", s.sec2Only.ID)
		}
		var sec2 []string
		for e, err := range staff.Entities(ctx, client.EntityQuery{Section: registry.SectionII, Status: registry.StatusEnrolled}) {
			if err != nil {
				t.Fatal(err)
			}
			sec2 = append(sec2, e.ID)
		}
		if !slices.Contains(sec2, s.sec2Only.ID) {
			t.Fatalf("staff's Section II listing %v lacks %s", sec2, s.sec2Only.ID)
		}
		// A bad filter is a problem the client reads.
		_, err = anon.EntityPage(ctx, client.EntityQuery{Region: "99"}, "")
		mustKind(t, err, http.StatusBadRequest, problem.KindInvalid)
		_, err = anon.EntityPage(ctx, client.EntityQuery{}, "not-a-cursor")
		e := mustKind(t, err, http.StatusBadRequest, problem.KindInvalid)
		if ps := e.Problems(); len(ps) != 1 || ps[0].InstancePath != "/cursor" {
			t.Fatalf("bad cursor problems %+v, want one at /cursor", ps)
		}
	})

	t.Run("entity", func(t *testing.T) {
		id := s.sec2Only.ID
		e, etag, err := staff.Entity(ctx, id)
		if v, ok := client.ETagVersion(etag); err != nil || e.ID != id || !ok || v != e.Version {
			t.Fatalf("Entity = %s, ETag %q, %v; want %s with its version", e.ID, etag, err, id)
		}
		if _, _, err := staff.Entity(ctx, id, client.IfNoneMatch(etag)); !errors.Is(err, client.ErrNotModified) {
			t.Fatalf("Entity with If-None-Match its ETag: %v, want ErrNotModified", err)
		}
		if _, _, err := staff.Entity(ctx, id, client.IfNoneMatch(`"v0"`)); err != nil {
			t.Fatalf("Entity with a stale ETag: %v", err)
		}
		// Hidden and missing are the same not found.
		_, _, err = anon.Entity(ctx, id)
		hidden := mustKind(t, err, http.StatusNotFound, problem.KindNotFound)
		_, _, err = anon.Entity(ctx, "R999999")
		missing := mustKind(t, err, http.StatusNotFound, problem.KindNotFound)
		if hidden.Problem.Type != missing.Problem.Type || hidden.Problem.Title != missing.Problem.Title {
			t.Fatalf("hidden %+v and missing %+v differ", hidden.Problem, missing.Problem)
		}
		// A path value is escaped, not a path.
		_, _, err = anon.Entity(ctx, "../status")
		mustKind(t, err, http.StatusNotFound, problem.KindNotFound)
	})

	t.Run("replace entity", func(t *testing.T) {
		id := s.id(s.other)
		e, etag, err := staff.Entity(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		e.Name += " APS"
		next, etag2, err := staff.ReplaceEntity(ctx, e, etag)
		if v, ok := client.ETagVersion(etag2); err != nil || next.Name != e.Name || !ok || v != e.Version+1 {
			t.Fatalf("ReplaceEntity = %q, ETag %q, %v; want the new name at version %d", next.Name, etag2, err, e.Version+1)
		}
		// The ETag read before is stale now: the write is refused.
		_, _, err = staff.ReplaceEntity(ctx, e, etag)
		mustKind(t, err, http.StatusPreconditionFailed, problem.KindConflict)
		patched, etag3, err := staff.PatchEntity(ctx, id, map[string]any{"name": "Patched"}, etag2)
		if v, ok := client.ETagVersion(etag3); err != nil || patched.Name != "Patched" || !ok || v != e.Version+2 {
			t.Fatalf("PatchEntity = %q, ETag %q, %v", patched.Name, etag3, err)
		}
		_, _, err = staff.PatchEntity(ctx, id, map[string]any{"name": "Again"}, etag2)
		mustKind(t, err, http.StatusPreconditionFailed, problem.KindConflict)
		// The body's history, for itself only.
		own := s.mustClient(t, tokOther, client.Options{})
		var hist []registry.Event
		for ev, err := range own.EntityEvents(ctx, id, 0) {
			if err != nil {
				t.Fatal(err)
			}
			if ev.EntityID != id {
				t.Fatalf("event %d of %s in %s's history", ev.Seq, ev.EntityID, id)
			}
			hist = append(hist, ev)
		}
		if len(hist) < 3 || hist[len(hist)-1].Seq <= hist[0].Seq {
			t.Fatalf("history of %d events", len(hist))
		}
		for _, err := range body.EntityEvents(ctx, id, 0) {
			mustKind(t, err, http.StatusNotFound, problem.KindNotFound)
		}
	})

	t.Run("events", func(t *testing.T) {
		_, err := body.EventPage(ctx, client.EventQuery{})
		mustKind(t, err, http.StatusForbidden, problem.KindForbidden)
		_, err = anon.EventPage(ctx, client.EventQuery{})
		mustKind(t, err, http.StatusUnauthorized, problem.KindForbidden)
		var seqs []int64
		for ev, err := range staff.Events(ctx, client.EventQuery{Limit: 50}) {
			if err != nil {
				t.Fatal(err)
			}
			seqs = append(seqs, ev.Seq)
		}
		if len(seqs) < 100 || !slices.IsSorted(seqs) || seqs[0] != 1 || seqs[len(seqs)-1] != int64(len(seqs)) {
			t.Fatalf("feed: %d events, from %d to %d; want every one in order", len(seqs), seqs[0], seqs[len(seqs)-1])
		}
		p, err := staff.EventPage(ctx, client.EventQuery{After: seqs[len(seqs)-1]})
		if err != nil || len(p.Items) != 0 || p.Last != seqs[len(seqs)-1] {
			t.Fatalf("the page after the end: %+v, %v", p, err)
		}
	})

	t.Run("validate", func(t *testing.T) {
		res, err := anon.Validate(ctx, 2024, []byte(`{"reportingYear": "2024"}`), true)
		if err != nil || res.Valid || len(res.Errors) == 0 || res.Errors[0].InstancePath != "/reportingYear" {
			t.Fatalf("Validate = %+v, %v", res, err)
		}
		res, err = anon.Validate(ctx, 2024, s.doc(t, s.body), false)
		if err != nil || !res.Valid {
			t.Fatalf("Validate of a generated report = %+v, %v", res, err)
		}
		_, err = anon.Validate(ctx, 1990, []byte(`{}`), true)
		mustKind(t, err, http.StatusNotFound, problem.KindNotFound)
	})

	t.Run("file", func(t *testing.T) {
		doc := s.doc(t, s.body)
		var first, again client.Response
		info, err := body.File(ctx, 2024, doc, client.WithIdempotencyKey("file-once"), client.ReadResponse(&first))
		if err != nil || info.EntityID != s.id(s.body) || info.Year != 2024 || info.Revision < 1 || first.Replayed {
			t.Fatalf("File = %+v (replayed %v), %v", info, first.Replayed, err)
		}
		if first.IdempotencyKey != "file-once" || first.Status != http.StatusCreated {
			t.Fatalf("File response %+v", first)
		}
		// The same key: the first answer again, nothing filed.
		info2, err := body.File(ctx, 2024, doc, client.WithIdempotencyKey("file-once"), client.ReadResponse(&again))
		if err != nil || info2.Revision != info.Revision || !again.Replayed {
			t.Fatalf("File again with the key = %+v (replayed %v), %v; want revision %d replayed", info2, again.Replayed, err, info.Revision)
		}
		// No key given: a new one each time, so a new revision.
		var gen client.Response
		info3, err := body.File(ctx, 2024, doc, client.ReadResponse(&gen))
		if err != nil || info3.Revision != info.Revision+1 || len(gen.IdempotencyKey) != 32 {
			t.Fatalf("File without a key = %+v (key %q), %v", info3, gen.IdempotencyKey, err)
		}
		// The same key for another request is refused.
		_, err = body.File(ctx, 2024, append(doc, ' '), client.WithIdempotencyKey("file-once"))
		mustKind(t, err, http.StatusUnprocessableEntity, problem.KindInvalid)
		// An invalid document: its problems, with their JSON Pointers, in
		// the client's language.
		_, err = body.File(ctx, 2024, []byte(`{"reportingYear": 2024}`))
		e := mustKind(t, err, http.StatusUnprocessableEntity, problem.KindInvalid)
		if !errors.Is(err, problem.ErrInvalid) || len(e.Problems()) == 0 {
			t.Fatalf("invalid filing: %v; want problem.ErrInvalid with problems", err)
		}
		if p := e.Problems()[0]; p.Keyword == "" || p.Messages.IT == "" || p.Message != p.Messages.IT {
			t.Fatalf("first problem %+v, want a keyword and the Italian message", p)
		}
		// Another body's report.
		_, err = body.File(ctx, 2024, s.doc(t, s.other))
		mustKind(t, err, http.StatusForbidden, problem.KindForbidden)
	})

	t.Run("yearly list", func(t *testing.T) {
		l, err := anon.YearlyList(ctx, 2024, "")
		if err != nil || l.Year != 2024 || len(l.Recipients) == 0 {
			t.Fatalf("YearlyList = year %d, %d recipients, %v", l.Year, len(l.Recipients), err)
		}
		l, err = anon.YearlyList(ctx, 2024, "01")
		if err != nil || len(l.Recipients) != 1 || l.Recipients[0].Recipient.Code != "01" {
			t.Fatalf("YearlyList of recipient 01: %d recipients, %v", len(l.Recipients), err)
		}
		_, err = anon.YearlyList(ctx, 1990, "")
		mustKind(t, err, http.StatusNotFound, problem.KindNotFound)
	})

	t.Run("eligibility", func(t *testing.T) {
		asOf := registry.DateOf(s.body.AppliedOn)
		d, err := anon.Eligibility(ctx, s.body.Application(""), asOf)
		if err != nil || d.Schema == "" || len(d.Sections) == 0 {
			t.Fatalf("Eligibility = %+v, %v", d, err)
		}
		_, err = anon.Eligibility(ctx, []byte(`{"nope": 1}`), registry.Date(""))
		mustKind(t, err, http.StatusUnprocessableEntity, problem.KindInvalid)
	})

	t.Run("validate application", func(t *testing.T) {
		res, err := anon.ValidateApplication(ctx, s.body.Application(""))
		if err != nil || !res.Valid || len(res.Errors) != 0 {
			t.Fatalf("ValidateApplication(valid) = %+v, %v", res, err)
		}
		res, err = anon.ValidateApplication(ctx, []byte(`{"nope": 1}`))
		if err != nil || res.Valid || !slices.ContainsFunc(res.Errors, func(p problem.Problem) bool { return p.Code == "unknown_field" }) {
			t.Fatalf("ValidateApplication(unknown field) = %+v, %v", res, err)
		}
	})

	t.Run("unknown token", func(t *testing.T) {
		bad := s.mustClient(t, "no-such-token-0123456789", client.Options{})
		_, err := bad.EntityPage(ctx, client.EntityQuery{}, "")
		e := mustKind(t, err, http.StatusUnauthorized, problem.KindForbidden)
		if !strings.Contains(e.Error(), "401") {
			t.Fatalf("Error() = %q, want the status", e.Error())
		}
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// TestRateLimitRetry: a 429 of the service's rate limit is waited out as its
// Retry-After says, and the request is sent again; with retries off it is an
// error carrying the wait.
func TestRateLimitRetry(t *testing.T) {
	s := mustService(t, api.Options{RateLimit: 1, RateBurst: 1})
	ctx := context.Background()
	c := s.mustClient(t, tokStaff, client.Options{})
	if _, err := c.Schemas(ctx); err != nil {
		t.Fatal(err)
	}
	var resp client.Response
	start := time.Now()
	if _, err := c.Schemas(ctx, client.ReadResponse(&resp)); err != nil {
		t.Fatalf("after a 429: %v", err)
	}
	if resp.Attempts != 2 || time.Since(start) < 500*time.Millisecond {
		t.Fatalf("%d attempts in %s, want 2 with a wait", resp.Attempts, time.Since(start))
	}
	none := s.mustClient(t, tokStaff, client.Options{MaxRetries: -1})
	_, err := none.Schemas(ctx)
	e := mustKind(t, err, http.StatusTooManyRequests, problem.KindInternal)
	if e.RetryAfter < time.Second {
		t.Fatalf("RetryAfter %s, want ≥ 1s", e.RetryAfter)
	}
	// A wait past the context's deadline is not waited.
	short, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
	defer cancel()
	start = time.Now()
	_, err = c.Schemas(short)
	mustKind(t, err, http.StatusTooManyRequests, problem.KindInternal)
	if time.Since(start) > 150*time.Millisecond {
		t.Fatalf("waited %s past what the context allowed", time.Since(start))
	}
}

// TestRetryKeepsKey: a POST sent again after a 429 carries the same
// Idempotency-Key; every POST that writes has one, and GETs and the POSTs
// that write nothing (validation, eligibility) none.
func TestRetryKeepsKey(t *testing.T) {
	var mu sync.Mutex
	var keys []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		keys = append(keys, r.Method+" "+r.Header.Get(api.IdempotencyKeyHeader))
		n := len(keys)
		mu.Unlock()
		if n == 1 {
			w.Header().Set("Retry-After", "0")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{}`))
	}))
	defer srv.Close()
	c, err := client.New(srv.URL, "", client.Options{NewIdempotencyKey: func() string { return "k-1" }})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := c.File(ctx, 2024, []byte(`{}`)); err != nil {
		t.Fatal(err)
	}
	var r client.Response
	if _, err := c.Validate(ctx, 2024, []byte(`{}`), true, client.ReadResponse(&r)); err != nil || r.IdempotencyKey != "" {
		t.Fatalf("Validate: key %q, %v; want no key", r.IdempotencyKey, err)
	}
	if _, err := c.Eligibility(ctx, []byte(`{}`), ""); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Validate(ctx, 2024, []byte(`{}`), true, client.WithIdempotencyKey("given")); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Schemas(ctx); err != nil {
		t.Fatal(err)
	}
	want := []string{"POST k-1", "POST k-1", "POST ", "POST ", "POST given", "GET "}
	if !slices.Equal(keys, want) {
		t.Fatalf("requests %q, want %q", keys, want)
	}
}

// TestTimeout: Options.Timeout bounds each attempt.
func TestTimeout(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)
	c, err := client.New(srv.URL, "", client.Options{Timeout: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Health(context.Background()); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Health of a service that does not answer: %v, want a deadline", err)
	}
}
