package client_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/openregistro/registro/examples/registrod/api"
	"github.com/openregistro/registro/examples/registrod/client"
	"github.com/openregistro/registro/schemas/problem"
)

// TestKinds: every problem type the service writes, and every status of an
// answer that is not one of its problems, maps to a problem.Kind.
func TestKinds(t *testing.T) {
	for _, tc := range []struct {
		slug   string // "" for a body that is not a problem
		status int
		want   problem.Kind
	}{
		{"invalid-document", 422, problem.KindInvalid},
		{"not-found", 404, problem.KindNotFound},
		{"conflict", 409, problem.KindConflict},
		{"failed-precondition", 409, problem.KindFailedPrecondition},
		{"forbidden", 403, problem.KindForbidden},
		{"internal", 500, problem.KindInternal},
		{"bad-request", 400, problem.KindInvalid},
		{"unauthorized", 401, problem.KindForbidden},
		{"method-not-allowed", 405, problem.KindInvalid},
		{"content-too-large", 413, problem.KindInvalid},
		{"unsupported-media-type", 415, problem.KindInvalid},
		{"header-too-large", 431, problem.KindInvalid},
		{"too-many-requests", 429, problem.KindInternal},
		{"unavailable", 503, problem.KindInternal},
		{"not-implemented", 501, problem.KindInternal},
		{"precondition-failed", 412, problem.KindConflict},
		{"precondition-required", 428, problem.KindInvalid},
		{"", 412, problem.KindConflict},
		{"", 428, problem.KindInvalid},
		{"", 400, problem.KindInvalid},
		{"", 401, problem.KindForbidden},
		{"", 403, problem.KindForbidden},
		{"", 404, problem.KindNotFound},
		{"", 409, problem.KindConflict},
		{"", 422, problem.KindInvalid},
		{"", 502, problem.KindInternal},
		{"", 418, problem.KindInternal},
	} {
		t.Run(tc.slug+"/"+strconv.Itoa(tc.status), func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if tc.slug == "" {
					w.WriteHeader(tc.status)
					_, _ = w.Write([]byte("<html>a proxy's page</html>"))
					return
				}
				w.Header().Set("Content-Type", "application/problem+json")
				w.WriteHeader(tc.status)
				_, _ = w.Write([]byte(`{"type": "` + api.ProblemTypeBase + tc.slug + `", "title": "T", "status": ` +
					strconv.Itoa(tc.status) + `, "detail": "D", "messages": {"it": "D", "en": "D"}}`))
			}))
			defer srv.Close()
			c, err := client.New(srv.URL, "", client.Options{MaxRetries: -1})
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.Schemas(context.Background())
			var e *client.Error
			if !errors.As(err, &e) || e.Status != tc.status {
				t.Fatalf("error %v, want a *client.Error of status %d", err, tc.status)
			}
			if e.Kind() != tc.want || problem.KindOf(err) != tc.want {
				t.Fatalf("kind %s, want %s", e.Kind(), tc.want)
			}
			if (tc.slug == "") != (e.Problem.Type == "") {
				t.Fatalf("problem %+v for slug %q", e.Problem, tc.slug)
			}
			if errors.Is(err, problem.ErrInvalid) {
				t.Fatal("errors.Is(problem.ErrInvalid) without problems")
			}
		})
	}
	// Every domain kind is some problem type's.
	seen := map[problem.Kind]bool{}
	for _, s := range []string{"invalid-document", "not-found", "conflict", "failed-precondition", "forbidden", "internal"} {
		e := &client.Error{Problem: api.Problem{Type: api.ProblemTypeBase + s}}
		seen[e.Kind()] = true
	}
	for _, k := range problem.Kinds() {
		if !seen[k] {
			t.Errorf("no problem type maps to kind %s", k)
		}
	}
}

func TestNewRefuses(t *testing.T) {
	for _, tc := range []struct{ url, token string }{
		{"127.0.0.1:8080", ""},
		{"ftp://127.0.0.1", ""},
		{"http://", ""},
		{"http://127.0.0.1/?x=1", ""},
		{"http://127.0.0.1", "two words"},
	} {
		if _, err := client.New(tc.url, tc.token, client.Options{}); err == nil {
			t.Errorf("New(%q, %q) = nil error", tc.url, tc.token)
		}
	}
	c, err := client.New("http://127.0.0.1:1/prefix/", "t", client.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.WithToken("a b"); err == nil {
		t.Error("WithToken with white space = nil error")
	}
}

// TestHeaders: what each option puts on the request.
func TestHeaders(t *testing.T) {
	var got http.Header
	var path string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got, path = r.Header.Clone(), r.URL.EscapedPath()
		w.Header().Set("ETag", `"v3"`)
		_, _ = w.Write([]byte(`{"id": "a/b"}`))
	}))
	defer srv.Close()
	c, err := client.New(srv.URL+"/base/", "tok-0123456789abcdef", client.Options{Lang: problem.IT})
	if err != nil {
		t.Fatal(err)
	}
	var resp client.Response
	_, etag, err := c.Entity(context.Background(), "a/b", client.IfMatch(`"v2"`), client.IfNoneMatch(`"v1"`),
		client.WithRequestID("req-1"), client.ReadResponse(&resp))
	if err != nil || etag != `"v3"` || resp.ETag != etag || resp.Status != 200 || resp.Attempts != 1 {
		t.Fatalf("Entity: ETag %q, response %+v, %v", etag, resp, err)
	}
	for h, want := range map[string]string{
		"Authorization": "Bearer tok-0123456789abcdef", "Accept-Language": "it", "If-Match": `"v2"`,
		"If-None-Match": `"v1"`, "X-Request-Id": "req-1", api.IdempotencyKeyHeader: "",
	} {
		if got.Get(h) != want {
			t.Errorf("%s: %q, want %q", h, got.Get(h), want)
		}
	}
	if path != "/base/v1/entities/a%2Fb" {
		t.Errorf("path %q, want the ID escaped under the base path", path)
	}
}
