package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/openregistro/registro/registry/registrytest/optin"
)

// syncBuffer is a bytes.Buffer safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// startServer runs the command with args in the background and returns its
// address; the server stops when the test ends, and must exit 0.
func startServer(t *testing.T, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan int, 1)
	var logs syncBuffer
	go func() { done <- run(ctx, append([]string{"--addr", "127.0.0.1:0"}, args...), &logs, ready) }()
	select {
	case addr := <-ready:
		t.Cleanup(func() {
			cancel()
			select {
			case code := <-done:
				if code != 0 {
					t.Errorf("exit %d after shutdown: %s", code, logs.String())
				}
			case <-time.After(20 * time.Second):
				t.Error("no clean shutdown")
			}
		})
		return addr
	case code := <-done:
		cancel()
		t.Fatalf("exited %d: %s", code, logs.String())
	case <-time.After(30 * time.Second):
		cancel()
		t.Fatal("not ready")
	}
	return ""
}

// fakeDist writes a minimal built page.
func fakeDist(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "assets"), 0o755); err != nil {
		t.Fatal(err)
	}
	for name, body := range map[string]string{
		"index.html":       `<!doctype html><title>Registro</title><script type="module" src="/assets/app-1.js"></script>`,
		"assets/app-1.js":  `console.log("registro")`,
		"assets/app-1.css": `body{}`,
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestRunUsage(t *testing.T) {
	empty := t.TempDir()
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"no dist", nil, "no page: pass --dist"},
		{"dist without index.html", []string{"--dist", empty}, "has no index.html"},
		{"missing dist", []string{"--dist", filepath.Join(empty, "nope")}, "has no index.html"},
		{"extra argument", []string{"--dist", empty, "x"}, "unexpected arguments"},
		{"bad flag", []string{"--nope"}, "flag provided but not defined"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stderr bytes.Buffer
			if code := run(context.Background(), tc.args, &stderr, nil); code != 2 {
				t.Fatalf("exit %d, want 2", code)
			}
			if !strings.Contains(stderr.String(), tc.want) {
				t.Fatalf("stderr %q does not say %q", stderr.String(), tc.want)
			}
		})
	}
	var stderr bytes.Buffer
	if code := run(context.Background(), []string{"-h"}, &stderr, nil); code != 0 || !strings.Contains(stderr.String(), "-dist") {
		t.Fatalf("-h: exit %d, %q", code, stderr.String())
	}
}

func TestRunBadStore(t *testing.T) {
	var stderr bytes.Buffer
	code := run(context.Background(), []string{"--dist", fakeDist(t), "--db", "mysql://nope", "--addr", "127.0.0.1:0"}, &stderr, nil)
	if code != 1 || !strings.Contains(stderr.String(), "web stopped") {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
}

// example is the committed valid 2024 questionnaire.
func example(t *testing.T) map[string]any {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "schemas", "testdata", "examples", "questionnaire-2024", "valid-section-i.json"))
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	return doc
}

func TestServesPageAndAPI(t *testing.T) {
	for _, store := range []struct{ name, db string }{
		{"memory", ""},
		{"sqlite", "sqlite:" + filepath.Join(t.TempDir(), "r.db")},
	} {
		t.Run(store.name, func(t *testing.T) {
			args := []string{"--dist", fakeDist(t)}
			if store.db != "" {
				args = append(args, "--db", store.db)
			}
			base := "http://" + startServer(t, args...)
			for _, tc := range []struct {
				method, path string
				status       int
				contentType  string
				cache        string
				body         string
			}{
				{"GET", "/", 200, "text/html", "no-cache", "<title>Registro</title>"},
				{"GET", "/index.html", 301, "", "", ""},
				{"GET", "/assets/app-1.js", 200, "javascript", "immutable", `console.log`},
				{"HEAD", "/assets/app-1.css", 200, "text/css", "immutable", ""},
				{"GET", "/assets/", 404, "", "", ""},
				{"GET", "/nope.js", 404, "", "", ""},
				{"GET", "/area/domanda", 200, "text/html", "no-cache", "<title>Registro</title>"}, // a page of the app
				{"GET", "/assets/nope", 404, "", "", ""},
				{"POST", "/", 405, "", "", ""},
				{"GET", "/healthz", 200, "application/json", "", `"ok"`},
				{"GET", "/v1/schemas", 200, "application/json", "max-age", `"questionnaire-2024"`},
				{"GET", "/v1/schemas/questionnaire?year=2024&lang=it", 200, "application/schema+json", "max-age", `"Progetti"`},
				{"GET", "/v1/schemas/questionnaire?year=2024&lang=en", 200, "application/schema+json", "max-age", `"Projects"`},
				{"GET", "/v1/nope", 404, "application/problem+json", "", ""},
			} {
				req, _ := http.NewRequest(tc.method, base+tc.path, nil)
				client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
				resp, err := client.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				name := tc.method + " " + tc.path
				if resp.StatusCode != tc.status {
					t.Errorf("%s: status %d, want %d: %s", name, resp.StatusCode, tc.status, body)
					continue
				}
				if !strings.Contains(resp.Header.Get("Content-Type"), tc.contentType) {
					t.Errorf("%s: Content-Type %q, want %q", name, resp.Header.Get("Content-Type"), tc.contentType)
				}
				if !strings.Contains(resp.Header.Get("Cache-Control"), tc.cache) {
					t.Errorf("%s: Cache-Control %q, want %q", name, resp.Header.Get("Cache-Control"), tc.cache)
				}
				if !strings.Contains(string(body), tc.body) {
					t.Errorf("%s: body does not contain %q: %.200s", name, tc.body, body)
				}
				if name == "GET /" && !strings.Contains(resp.Header.Get("Content-Security-Policy"), "default-src 'self'") {
					t.Errorf("%s: CSP %q", name, resp.Header.Get("Content-Security-Policy"))
				}
			}

			// The page's submit: the server-only rule answers with a problem
			// the form can place on the funds field, in the language asked.
			doc := example(t)
			funds := doc["projects"].([]any)[0].(map[string]any)["funds"].(map[string]any)
			funds["totalCents"] = 1600000
			for _, tc := range []struct {
				lang, want string
			}{{"it", "la somma dei fondi per fonte"}, {"en", "funds by source add up to"}} {
				res := validate(t, base, doc, tc.lang)
				if res.Valid || len(res.Errors) != 1 {
					t.Fatalf("%s: %+v", tc.lang, res)
				}
				p := res.Errors[0]
				if p.Code != "funds_sum_mismatch" || p.InstancePath != "/projects/0/funds" || !strings.HasPrefix(p.Message, tc.want) ||
					!strings.HasPrefix(p.Messages["it"], "la somma") || !strings.HasPrefix(p.Messages["en"], "funds by source") {
					t.Errorf("%s: %+v", tc.lang, p)
				}
			}
			if res := validate(t, base, example(t), "it"); !res.Valid || len(res.Errors) != 0 {
				t.Errorf("example: %+v", res)
			}
		})
	}
}

// result is the validate endpoint's answer, as the page reads it.
type result struct {
	Valid  bool `json:"valid"`
	Errors []struct {
		InstancePath string            `json:"instancePath"`
		Code         string            `json:"code"`
		Message      string            `json:"message"`
		Messages     map[string]string `json:"messages"`
	} `json:"errors"`
}

func validate(t *testing.T, base string, doc any, lang string) result {
	t.Helper()
	b, _ := json.Marshal(doc)
	resp, err := http.Post(base+"/v1/questionnaires/2024/validate?lang="+lang, "application/json", bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var res result
	if resp.StatusCode != 200 {
		body, _ := io.ReadAll(resp.Body)
		t.Fatalf("validate: %d %s", resp.StatusCode, body)
	}
	if err := json.NewDecoder(resp.Body).Decode(&res); err != nil {
		t.Fatal(err)
	}
	return res
}

// TestBrowser runs the end-to-end tests in Chromium against the built pages
// served by this command: e2e/browser.mjs (the rjsf form) and
// e2e/jsonforms.mjs (the JSON Forms page, vanilla and material renderers). It runs only when
// REGISTRO_BROWSER_TEST=1 (as in .ci/run, after `npm ci` and `npm run build`),
// and then fails, never skips, when something it needs is missing.
// REGISTRO_BROWSER_SHOTS names a directory for the screenshots.
func TestBrowser(t *testing.T) {
	if os.Getenv("REGISTRO_BROWSER_TEST") != "1" {
		optin.Skip(t, "browser", "set REGISTRO_BROWSER_TEST=1 to run them (needs node, Chromium and `npm ci && npm run build` in examples/web)")
	}
	chromium := os.Getenv("CHROMIUM")
	if chromium == "" {
		chromium = "/usr/bin/chromium"
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatal("node is not installed:", err)
	}
	if _, err := os.Stat(chromium); err != nil {
		t.Fatal("no Chromium:", err)
	}
	for _, need := range []string{"dist/index.html", "node_modules/playwright-core/package.json"} {
		if _, err := os.Stat(need); err != nil {
			t.Fatalf("%s missing: run `npm ci && npm run build` in examples/web first (%v)", need, err)
		}
	}
	shots := os.Getenv("REGISTRO_BROWSER_SHOTS")
	if shots == "" {
		shots = t.TempDir()
	}
	addr := startServer(t, "--dist", "dist")
	// The rjsf page (check.html) and the JSON Forms page (jsonforms.html).
	tests := []struct {
		name, script, page string
		timeout            time.Duration
	}{
		{"rjsf", "e2e/browser.mjs", "check.html", 2 * time.Minute},
		{"jsonforms", "e2e/jsonforms.mjs", "", 20 * time.Minute}, // every schema, two layouts, two sets
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), tt.timeout+time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, node, tt.script, "--url", "http://"+addr+"/"+tt.page, "--repo", "../..",
				"--shots", shots, "--chromium", chromium, "--timeout", fmt.Sprint(int(tt.timeout.Seconds())))
			cmd.WaitDelay = 10 * time.Second
			out, err := cmd.CombinedOutput()
			t.Logf("browser test %s:\n%s", tt.script, out)
			if err != nil {
				t.Fatalf("browser test %s failed: %v (screenshots in %s)", tt.script, err, shots)
			}
		})
	}
}
