package api_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/openregistro/registro/examples/registrod/api"
	"github.com/openregistro/registro/questionnaire"
	"github.com/openregistro/registro/questionnaire/questionnairetest"
	"github.com/openregistro/registro/registry"
	"github.com/openregistro/registro/registry/memstore"
)

// streamItem is one item of a streamed validation answer: a ValidationLine
// or, last, a Problem.
type streamItem struct {
	api.ValidationLine
	Type   string `json:"type"`
	Status int    `json:"status"`
}

// sampleDoc returns a valid questionnaire of year.
func sampleDoc(t *testing.T, year int) []byte {
	t.Helper()
	v, err := questionnaire.New(questionnaire.Options{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := v.Marshal(questionnairetest.Sample(year, 2, true))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// streamHandler is a service over an empty register, with opts.
func streamHandler(t *testing.T, opts api.Options) http.Handler {
	t.Helper()
	deps, err := api.NewDeps(registry.New(memstore.New(), registry.Options{}), questionnaire.NewMemStore(), api.Tokens{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return api.New(deps, opts)
}

// postNDJSON sends body as NDJSON to the 2024 validate endpoint of h.
func postNDJSON(t *testing.T, h http.Handler, target string, body []byte, hdr ...string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest("POST", target, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/x-ndjson")
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	checkContract(t, req, body, rec)
	return rec
}

// items decodes a streamed answer: NDJSON, or a JSON array.
func items(t *testing.T, rec *httptest.ResponseRecorder) []streamItem {
	t.Helper()
	var out []streamItem
	if rec.Header().Get("Content-Type") == "application/json" {
		decode(t, rec, &out)
		return out
	}
	sc := bufio.NewScanner(rec.Body)
	for sc.Scan() {
		var it streamItem
		if err := json.Unmarshal(sc.Bytes(), &it); err != nil {
			t.Fatalf("line %q: %v", sc.Text(), err)
		}
		out = append(out, it)
	}
	return out
}

// TestValidateStream: an NDJSON body is answered with one verdict per
// document, in order, numbered by the body's line, as NDJSON or, when Accept
// prefers it, a JSON array; its bounds end the answer with a problem.
func TestValidateStream(t *testing.T) {
	h := streamHandler(t, api.Options{MaxBodyBytes: 64 << 10})
	good := sampleDoc(t, 2024)
	body := bytes.Join([][]byte{good, []byte(`{"reportingYear":2024,"extra":1}`), nil, []byte("{oops"), good}, []byte("\n"))
	type verdict struct {
		line  int
		valid bool
	}
	want := []verdict{{1, true}, {2, false}, {4, false}, {5, true}}
	for _, tc := range []struct {
		name, accept, ctype string
	}{
		{"no Accept", "", "application/x-ndjson"},
		{"NDJSON", "application/x-ndjson", "application/x-ndjson"},
		{"JSON array", "application/json", "application/json"},
		{"JSON preferred", "application/x-ndjson;q=0.5, application/json", "application/json"},
		{"anything", "*/*", "application/x-ndjson"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := postNDJSON(t, h, "/v1/questionnaires/2024/validate?lang=it", body, "Accept", tc.accept)
			if rec.Code != 200 || rec.Header().Get("Content-Type") != tc.ctype {
				t.Fatalf("status %d, Content-Type %q, want 200 %s: %s", rec.Code, rec.Header().Get("Content-Type"), tc.ctype, truncate(rec.Body.String()))
			}
			got := items(t, rec)
			if len(got) != len(want) {
				t.Fatalf("%d items, want %d: %s", len(got), len(want), truncate(rec.Body.String()))
			}
			for i, it := range got {
				if it.Line != want[i].line || it.Valid != want[i].valid || it.Errors == nil || it.Valid != (len(it.Errors) == 0) || it.Status != 0 {
					t.Errorf("item %d: %+v, want line %d valid %v", i, it, want[i].line, want[i].valid)
				}
			}
			if p := got[1].Errors[0]; p.Code != "unknown_field" || p.Message != p.Messages.IT {
				t.Errorf("line 2: %+v, want unknown_field in Italian", p)
			}
		})
	}
	t.Run("draft", func(t *testing.T) {
		got := items(t, postNDJSON(t, h, "/v1/questionnaires/2024/validate?draft=true", []byte(`{"reportingYear":2024}`+"\n")))
		if len(got) != 1 || !got[0].Valid {
			t.Fatalf("a draft: %+v", got)
		}
	})

	// Before the first result, an error is the answer; after it, the last item.
	for _, tc := range []struct {
		name   string
		body   []byte
		hdr    []string
		status int
	}{
		{"no document", []byte("\n \n"), nil, 400},
		{"empty body", nil, nil, 400},
		{"first line too long", append(bytes.Repeat([]byte(" "), 64<<10+1), '\n'), nil, 413},
		{"Idempotency-Key", good, []string{api.IdempotencyKeyHeader, "k-1"}, 400},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wantProblem(t, postNDJSON(t, h, "/v1/questionnaires/2024/validate", tc.body, tc.hdr...), tc.status)
		})
	}
	for _, tc := range []struct {
		name    string
		body    []byte
		results int
		status  int // of the last item; 0: none
	}{
		{"a later line too long", append(append(good, '\n'), bytes.Repeat([]byte("a"), 64<<10+1)...), 1, 413},
		{"too many lines", append(append(good, '\n'), bytes.Repeat([]byte("\n"), api.ValidateStreamMaxLines)...), 1, 413},
		{"as many lines as allowed", append(append(good, '\n'), bytes.Repeat([]byte("\n"), api.ValidateStreamMaxLines-1)...), 1, 0},
		{"a line exactly at the limit", append(append(good, '\n'), append(bytes.Repeat([]byte(" "), 64<<10-2), '{', '}')...), 2, 0},
	} {
		for _, accept := range []string{"application/x-ndjson", "application/json"} {
			t.Run(tc.name+", "+accept, func(t *testing.T) {
				rec := postNDJSON(t, h, "/v1/questionnaires/2024/validate", tc.body, "Accept", accept)
				if rec.Code != 200 {
					t.Fatalf("status %d: %s", rec.Code, truncate(rec.Body.String()))
				}
				got := items(t, rec)
				n := tc.results
				if tc.status != 0 {
					n++
				}
				if len(got) != n {
					t.Fatalf("%d items, want %d: %s", len(got), n, truncate(rec.Body.String()))
				}
				last := got[len(got)-1]
				if tc.status != 0 && (last.Status != tc.status || !strings.HasPrefix(last.Type, api.ProblemTypeBase)) {
					t.Fatalf("last item %+v, want a problem of status %d", last, tc.status)
				}
				if tc.status == 0 && last.Status != 0 {
					t.Fatalf("last item %+v, want a result", last)
				}
			})
		}
	}
}

// TestValidateStreamLive: over a real connection, each result comes back
// while the client is still sending (the body is read as the answer is
// written), and a client that stops sending gets the deadline's problem as
// the last line.
func TestValidateStreamLive(t *testing.T) {
	srv := httptest.NewServer(streamHandler(t, api.Options{RequestTimeout: 5 * time.Second}))
	defer srv.Close()
	good := sampleDoc(t, 2024)
	pr, pw := io.Pipe()
	req, err := http.NewRequest("POST", srv.URL+"/v1/questionnaires/2024/validate", pr)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-ndjson")
	type answer struct {
		resp *http.Response
		err  error
	}
	done := make(chan answer, 1)
	go func() {
		resp, err := srv.Client().Do(req)
		done <- answer{resp, err}
	}()
	if _, err := pw.Write(append(good, '\n')); err != nil {
		t.Fatal(err)
	}
	a := <-done
	if a.err != nil {
		t.Fatal(a.err)
	}
	defer a.resp.Body.Close()
	lines := bufio.NewReader(a.resp.Body)
	read := func() streamItem {
		t.Helper()
		b, err := lines.ReadBytes('\n')
		if err != nil {
			t.Fatalf("reading a line: %v (%q)", err, b)
		}
		var it streamItem
		if err := json.Unmarshal(b, &it); err != nil {
			t.Fatalf("%q: %v", b, err)
		}
		return it
	}
	if it := read(); it.Line != 1 || !it.Valid {
		t.Fatalf("first result %+v", it)
	}
	// The second document is sent only after the first result came back.
	if _, err := pw.Write([]byte(`{"reportingYear":2024,"extra":1}` + "\n")); err != nil {
		t.Fatal(err)
	}
	if it := read(); it.Line != 2 || it.Valid {
		t.Fatalf("second result %+v", it)
	}
	// Then nothing more: past the deadline the answer ends with a 503.
	if it := read(); it.Status != http.StatusServiceUnavailable {
		t.Fatalf("after the deadline: %+v, want a 503 problem", it)
	}
	if _, err := lines.ReadBytes('\n'); err != io.EOF {
		t.Fatalf("after the problem: %v, want the end of the answer", err)
	}
	pw.Close()
}
