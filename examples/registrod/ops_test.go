package main

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
	"flag"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/openregistro/registro/registry/sqlstore/sqlstoretest"
)

// started is a registrod run by a test.
type started struct {
	addr, metrics string
	logs          *syncBuffer
	stop          func() int
}

// start runs registrod with args and waits until the API answers.
func start(t *testing.T, args ...string) *started {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan int, 1)
	logs := &syncBuffer{}
	go func() { done <- run(ctx, append([]string{"--addr", "127.0.0.1:0"}, args...), logs, ready) }()
	s := &started{logs: logs}
	select {
	case s.addr = <-ready:
	case code := <-done:
		cancel()
		t.Fatalf("exited %d: %s", code, logs.String())
	case <-time.After(30 * time.Second):
		cancel()
		t.Fatal("not ready")
	}
	s.metrics = logAttr(logs.String(), "registrod metrics listening", "addr")
	stopped := false
	var code int
	s.stop = func() int {
		if !stopped {
			stopped = true
			cancel()
			code = <-done
		}
		return code
	}
	t.Cleanup(func() { s.stop() })
	return s
}

// logAttr returns attribute key of the first log line whose msg is msg.
func logAttr(logs, msg, key string) string {
	sc := bufio.NewScanner(strings.NewReader(logs))
	for sc.Scan() {
		var line map[string]any
		if json.Unmarshal(sc.Bytes(), &line) == nil && line["msg"] == msg {
			v, _ := line[key].(string)
			return v
		}
	}
	return ""
}

func get(t *testing.T, url string, headers ...string) (int, string, http.Header) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header
}

// TestMistypedDB: a --db that names no database exits non-zero with a
// clear message and creates nothing; --create creates it.
func TestMistypedDB(t *testing.T) {
	dir := t.TempDir()
	typo := filepath.Join(dir, "regsitro.db")
	var out syncBuffer
	if code := run(context.Background(), []string{"--addr", "127.0.0.1:0", "--db", "sqlite:" + typo}, &out, nil); code != 1 {
		t.Fatalf("exit %d, want 1: %s", code, out.String())
	}
	if !strings.Contains(out.String(), "does not exist") || !strings.Contains(out.String(), "--create") {
		t.Errorf("the message does not say what is wrong: %s", out.String())
	}
	if _, err := os.Stat(typo); !os.IsNotExist(err) {
		t.Fatalf("the mistyped path was created: %v", err)
	}
	out = syncBuffer{}
	if code := run(context.Background(), []string{"check-config", "--db", "sqlite:" + typo}, &out, nil); code != 1 {
		t.Fatalf("check-config: exit %d, want 1: %s", code, out.String())
	}
	s := start(t, "--db", "sqlite:"+typo, "--create")
	if code := s.stop(); code != 0 {
		t.Fatalf("exit %d: %s", code, s.logs.String())
	}
	s = start(t, "--db", "sqlite:"+typo) // exists now
	s.stop()
}

// TestEmptyPostgresSchema: an empty PostgreSQL schema is refused without
// --create.
func TestEmptyPostgresSchema(t *testing.T) {
	dsn := sqlstoretest.Postgres(t)
	var out syncBuffer
	if code := run(context.Background(), []string{"--addr", "127.0.0.1:0", "--db", dsn}, &out, nil); code != 1 {
		t.Fatalf("exit %d, want 1: %s", code, out.String())
	}
	if !strings.Contains(out.String(), "no migration history") {
		t.Errorf("message: %s", out.String())
	}
	s := start(t, "--db", dsn, "--create")
	if code, _, _ := get(t, "http://"+s.addr+"/readyz"); code != 200 {
		t.Fatalf("/readyz: %d", code)
	}
	// The database stops answering: not ready, still alive.
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec("DROP TABLE entity_enrolments, entities"); err != nil {
		t.Fatal(err)
	}
	if code, body, h := get(t, "http://"+s.addr+"/readyz"); code != 503 || h.Get("Content-Type") != "application/problem+json" {
		t.Errorf("/readyz without the database: %d %s", code, body)
	}
	if code, _, _ := get(t, "http://"+s.addr+"/healthz"); code != 200 {
		t.Errorf("/healthz without the database: %d", code)
	}
	s.stop()
}

// TestCheckConfig validates and exits, logging the effective configuration
// without the database password.
func TestCheckConfig(t *testing.T) {
	db := "sqlite:" + filepath.Join(t.TempDir(), "r.db")
	start(t, "--db", db, "--create").stop()
	var out syncBuffer
	if code := run(context.Background(), []string{"check-config", "--db", db, "--rate-burst", "7"}, &out, nil); code != 0 {
		t.Fatalf("exit %d: %s", code, out.String())
	}
	if logAttr(out.String(), "configuration is valid", "rate-burst") != "7" || strings.Contains(out.String(), "listening") {
		t.Errorf("log: %s", out.String())
	}
	for _, args := range [][]string{
		{"check-config", "--db", db, "--tls-cert", "cert.pem"},                                      // no key
		{"check-config", "--db", db, "--tls-cert", "none.pem", "--tls-key", "none.pem"},             // no files
		{"check-config", "--db", db, "--trusted-proxies", "10.0.0.0/40"},                            // bad CIDR
		{"check-config", "--db", db, "--import-tokens", filepath.Join(t.TempDir(), "missing.json")}, // no file
		{"check-config", "--db", "sqlite:" + filepath.Join(t.TempDir(), "none.db"), "--create"},     // would create: fine
	} {
		out = syncBuffer{}
		code := run(context.Background(), args, &out, nil)
		if want := 0; args[len(args)-1] == "--create" && code != want {
			t.Errorf("%q: exit %d: %s", args, code, out.String())
		} else if args[len(args)-1] != "--create" && code == 0 {
			t.Errorf("%q: accepted", args)
		}
	}
	if got := redactDSN("postgres://reg:s3cret@db.example:5432/registro?sslmode=require&password=p4ss"); strings.Contains(got, "s3cret") || strings.Contains(got, "p4ss") {
		t.Errorf("redactDSN kept a secret: %s", got)
	}
}

// TestEnvironment: every configuration flag has a REGISTRO_ variable; the
// flag wins over it; a bad value names the variable.
func TestEnvironment(t *testing.T) {
	t.Setenv("REGISTRO_DB", "sqlite:from-env.db")
	t.Setenv("REGISTRO_RATE_BURST", "9")
	t.Setenv("REGISTRO_VERSION", "true") // a command, not configuration: ignored
	cfg, err := parseFlags([]string{"--rate-burst", "3"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.db != "sqlite:from-env.db" || cfg.rateBurst != 3 || cfg.version {
		t.Fatalf("db %q burst %d version %v: want the variable's db, the flag's burst, no version", cfg.db, cfg.rateBurst, cfg.version)
	}
	t.Setenv("REGISTRO_REQUEST_TIMEOUT", "soon")
	if _, err := parseFlags(nil, io.Discard); err == nil || !strings.Contains(err.Error(), "REGISTRO_REQUEST_TIMEOUT") {
		t.Fatalf("bad variable: %v", err)
	}
	var out syncBuffer
	if code := run(context.Background(), nil, &out, nil); code != 2 {
		t.Fatalf("bad variable: exit %d", code)
	}
}

// TestREADMEConfigTable: the README's configuration table lists every
// flag with its variable and default, and nothing else.
func TestREADMEConfigTable(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	row := regexp.MustCompile("(?m)^\\| `--([a-z-]+)` \\| `(REGISTRO_[A-Z_]+)` \\| ([^|]*) \\|")
	documented := map[string]string{}
	for _, m := range row.FindAllStringSubmatch(string(readme), -1) {
		if m[2] != envName(m[1]) {
			t.Errorf("README: --%s has variable %s, want %s", m[1], m[2], envName(m[1]))
		}
		documented[m[1]] = strings.TrimSpace(m[3])
	}
	var cfg config
	fs := newFlagSet(&cfg, io.Discard)
	fs.VisitAll(func(f *flag.Flag) {
		if commandFlags[f.Name] {
			return
		}
		def, ok := documented[f.Name]
		if !ok {
			t.Errorf("README's configuration table lacks --%s", f.Name)
			return
		}
		delete(documented, f.Name)
		want := "`" + f.DefValue + "`"
		if f.DefValue == "" || f.DefValue == "false" {
			want = "—"
		}
		if def != want {
			t.Errorf("README: --%s default %s, want %s", f.Name, def, want)
		}
	})
	for name := range documented {
		t.Errorf("README documents --%s, which registrod does not have", name)
	}
}

// TestMetricsAndReadiness: /metrics, on its own listener, shows the
// requests made; /healthz and /readyz answer; the main address serves no
// /metrics.
func TestMetricsAndReadiness(t *testing.T) {
	s := start(t, "--db", "sqlite:"+filepath.Join(t.TempDir(), "r.db"), "--create")
	if s.metrics == "" {
		t.Fatalf("no metrics listener in the log: %s", s.logs.String())
	}
	for _, p := range []string{"/healthz", "/readyz", "/v1/entities/nope", "/v1/entities/nope2", "/no/such/path"} {
		get(t, "http://"+s.addr+p)
	}
	if code, _, _ := get(t, "http://"+s.addr+"/metrics"); code != 404 {
		t.Errorf("/metrics on the public address: %d", code)
	}
	code, body, _ := get(t, "http://"+s.metrics+"/metrics")
	if code != 200 {
		t.Fatalf("/metrics: %d", code)
	}
	for _, want := range []string{
		`registrod_http_requests_total{route="GET /healthz",status="200"} 1`,
		`registrod_http_requests_total{route="GET /readyz",status="200"} 1`,
		`registrod_http_requests_total{route="GET /v1/entities/{id}",status="404"} 2`,
		`registrod_http_requests_total{route="unmatched",status="404"} 2`, // /no/such/path and /metrics
		`registrod_http_request_duration_seconds_count{route="GET /v1/entities/{id}",status="404"} 2`,
		`registrod_http_requests_in_flight 0`,
		`registrod_received_total{kind="filing"} 0`,
		`registrod_received_total{kind="application"} 0`,
		`registrod_sqlite_write_wait_seconds_count`,
		`go_sql_open_connections{db_name="sqlite"}`,
		`registrod_store_transactions_total{db_name="sqlite"}`,
		`registrod_store_writes_total{db_name="sqlite"}`,
		`registrod_store_pipelined_writes_total{db_name="sqlite"} 0`,
		`registrod_store_pipeline_fallbacks_total{db_name="sqlite"} 0`,
		`registrod_store_committer_busy_seconds_total{db_name="sqlite"}`,
		`# TYPE registrod_store_committer_busy_seconds_total counter`,
		`registrod_store_checkpoints_total{db_name="sqlite"}`,
		`registrod_store_checkpoint_failures_total{db_name="sqlite"} 0`,
		`# TYPE go_sql_open_connections gauge`,
		`go_goroutines`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	if strings.Contains(body, "nope") {
		t.Error("/metrics labels a raw path")
	}
}

// TestTrustedProxies: the rate limit counts the client the trusted proxy
// names; from an untrusted peer the header is ignored.
func TestTrustedProxies(t *testing.T) {
	db := "sqlite:" + filepath.Join(t.TempDir(), "r.db")
	for _, tc := range []struct {
		name    string
		trusted string
		want    int // status of a second client's first request
	}{
		{"trusted", "127.0.0.1/32", 200},
		{"untrusted", "10.0.0.0/8", 429},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := start(t, "--db", db, "--create", "--rate-limit", "0.001", "--rate-burst", "1", "--trusted-proxies", tc.trusted)
			if code, _, _ := get(t, "http://"+s.addr+"/healthz", "X-Forwarded-For", "198.51.100.1"); code != 200 {
				t.Fatalf("first client: %d", code)
			}
			if code, _, _ := get(t, "http://"+s.addr+"/healthz", "X-Forwarded-For", "198.51.100.1"); code != 429 {
				t.Fatalf("first client again: %d, want 429", code)
			}
			if code, _, _ := get(t, "http://"+s.addr+"/healthz", "X-Forwarded-For", "198.51.100.2"); code != tc.want {
				t.Fatalf("second client: %d, want %d", code, tc.want)
			}
			s.stop()
			if tc.name == "trusted" && !strings.Contains(s.logs.String(), `"client":"198.51.100.2"`) {
				t.Errorf("the log does not name the client: %s", s.logs.String())
			}
		})
	}
}
