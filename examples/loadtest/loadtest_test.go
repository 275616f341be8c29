package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/openregistro/registro/examples/internal/wire"

	"github.com/openregistro/registro/examples/registrod/api"
	"github.com/openregistro/registro/questionnaire"
	"github.com/openregistro/registro/registry"
	"github.com/openregistro/registro/registry/sqlstore"
	"github.com/openregistro/registro/registry/sqlstore/sqlstoretest"
)

func TestCheckTarget(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		loopErr  bool // errTarget
	}{
		{in: "http://127.0.0.1:8080", want: "http://127.0.0.1:8080"},
		{in: "http://127.3.4.5:8080/", want: "http://127.3.4.5:8080"},
		{in: "http://localhost:8080", want: "http://localhost:8080"},
		{in: "https://LOCALHOST", want: "https://LOCALHOST"},
		{in: "http://[::1]:8080", want: "http://[::1]:8080"},
		{in: "http://10.0.0.1:8080", loopErr: true},
		{in: "http://192.168.1.10", loopErr: true},
		{in: "http://example.org", loopErr: true},
		{in: "http://localhost.example.org", loopErr: true},
		{in: "http://0.0.0.0:8080", loopErr: true},
		{in: "http://[::]:8080", loopErr: true},
		{in: "ftp://127.0.0.1"},
		{in: "127.0.0.1:8080"},
		{in: "http://user@127.0.0.1"},
		{in: "http://127.0.0.1/?x=1"},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, err := checkTarget(tc.in)
			if tc.want != "" {
				if err != nil || got != tc.want {
					t.Fatalf("checkTarget(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
				}
				return
			}
			if err == nil {
				t.Fatalf("checkTarget(%q) = %q, want an error", tc.in, got)
			}
			if errors.Is(err, errTarget) != tc.loopErr {
				t.Fatalf("checkTarget(%q): %v; errors.Is(errTarget) want %v", tc.in, err, tc.loopErr)
			}
		})
	}
}

func TestClientRefusesNonLoopback(t *testing.T) {
	// The dialer refuses the address before any packet is sent.
	_, err := newClient(1).Get("http://192.0.2.1:9/")
	if !errors.Is(err, errTarget) {
		t.Fatalf("dialing 192.0.2.1: %v, want errTarget", err)
	}
}

func TestParseMix(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want string // Mix.String(); "" for an error
	}{
		{"file=70,validate=20,list=10", "file=70,validate=20,list=10"},
		{" list=1 , file=3 ", "file=3,list=1"},
		{"file=0,list=0", ""},
		{"file=70,upload=1", ""},
		{"file", ""},
		{"file=-1", ""},
		{"file=1,file=2", ""},
		{"", ""},
	} {
		t.Run(tc.in, func(t *testing.T) {
			m, err := parseMix(tc.in)
			if tc.want == "" {
				if err == nil {
					t.Fatalf("parseMix(%q) = %v, want an error", tc.in, m)
				}
				return
			}
			if err != nil || m.String() != tc.want {
				t.Fatalf("parseMix(%q) = %v, %v; want %s", tc.in, m, err, tc.want)
			}
		})
	}
}

func TestLatency(t *testing.T) {
	var ds []time.Duration
	for i := 100; i >= 1; i-- {
		ds = append(ds, time.Duration(i)*time.Millisecond)
	}
	got := latency(ds)
	want := Latency{P50: 50, P95: 95, P99: 99, Max: 100, Mean: 50.5}
	if got != want {
		t.Fatalf("latency = %+v, want %+v", got, want)
	}
	if one := latency([]time.Duration{7 * time.Millisecond}); one.P50 != 7 || one.P99 != 7 || one.Max != 7 {
		t.Fatalf("latency of one sample = %+v", one)
	}
}

func TestUsage(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"no mode", nil, "exactly one of"},
		{"two modes", []string{"--self", "--target", "http://127.0.0.1:1"}, "exactly one of"},
		{"remote target", []string{"--target", "http://10.1.2.3:8080", "--tokens", "x.json"}, "must be on loopback"},
		{"no tokens", []string{"--target", "http://127.0.0.1:8080"}, "needs --tokens"},
		{"seed without tokens", []string{"--seed-db", "sqlite:x.db"}, "needs --tokens"},
		{"unbounded duration", []string{"--self", "--duration", "0s"}, "--duration"},
		{"long duration", []string{"--self", "--duration", "2h"}, "--duration"},
		{"requests", []string{"--self", "--requests", "-1"}, "--requests"},
		{"concurrency", []string{"--self", "--concurrency", "0"}, "--concurrency"},
		{"mix", []string{"--self", "--mix", "file=1,delete=2"}, "unknown operation"},
		{"amend", []string{"--self", "--amend", "1.5"}, "--amend"},
		{"db without self", []string{"--target", "http://127.0.0.1:1", "--tokens", "x", "--db", "sqlite:x"}, "--db goes with --self"},
		{"arguments", []string{"--self", "extra"}, "unexpected arguments"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			if code := run(context.Background(), tc.args, &out, &errb); code != exitUsage {
				t.Fatalf("exit %d, want %d; stderr %s", code, exitUsage, errb.String())
			}
			if !strings.Contains(errb.String(), tc.want) {
				t.Fatalf("stderr %q does not say %q", errb.String(), tc.want)
			}
		})
	}
}

func TestCheckFeed(t *testing.T) {
	const year = 2024
	ev := func(seq int64, rid string) registry.Event {
		return registry.Event{Seq: seq, Kind: api.EventFiled, RecordID: rid}
	}
	acks := []Ack{{EntityID: "A", Revision: 1}, {EntityID: "A", Revision: 2}, {EntityID: "B", Revision: 1}}
	for _, tc := range []struct {
		name string
		cut  []Ack
		evs  []registry.Event
		want []string // substrings of the problems, in order
	}{
		{"good", nil, []registry.Event{ev(11, "A/2024/1"), ev(12, "B/2024/1"), ev(13, "A/2024/2")}, nil},
		{"lost event", nil, []registry.Event{ev(11, "A/2024/1"), ev(12, "B/2024/1")}, []string{"no questionnaire.filed event for the acknowledged filing A/2024/2"}},
		{"duplicate", nil, []registry.Event{ev(11, "A/2024/1"), ev(12, "B/2024/1"), ev(13, "A/2024/2"), ev(14, "B/2024/1")}, []string{"2 questionnaire.filed events for the filing B/2024/1"}},
		{"gap", nil, []registry.Event{ev(11, "A/2024/1"), ev(13, "B/2024/1"), ev(14, "A/2024/2")}, []string{"seq 13 where 12 was expected"}},
		{"unacknowledged", nil, []registry.Event{ev(11, "A/2024/1"), ev(12, "B/2024/1"), ev(13, "A/2024/2"), ev(14, "C/2024/1")}, []string{"C/2024/1 (×1), a filing that was not acknowledged"}},
		{"cut is tolerated", []Ack{{EntityID: "C", Revision: 1}}, []registry.Event{ev(11, "A/2024/1"), ev(12, "B/2024/1"), ev(13, "A/2024/2"), ev(14, "C/2024/1")}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := &Verification{}
			checkFeed(v, year, acks, tc.cut, 10, tc.evs)
			if len(v.Problems) != len(tc.want) || v.ProblemCount != len(tc.want) {
				t.Fatalf("problems %q, want %d", v.Problems, len(tc.want))
			}
			for i, w := range tc.want {
				if !strings.Contains(v.Problems[i], w) {
					t.Fatalf("problem %q, want it to say %q", v.Problems[i], w)
				}
			}
		})
	}
}

func TestCheckStore(t *testing.T) {
	ctx := context.Background()
	const year = 2024
	store := questionnaire.NewMemStore()
	put := func(cf string, rev int, doc string) {
		t.Helper()
		if err := store.Put(ctx, questionnaire.Filing{BodyTaxCode: cf, Year: year, Revision: rev, FiledAt: time.Now(), Document: []byte(doc)}); err != nil {
			t.Fatal(err)
		}
	}
	put("111", 1, "a1")
	put("111", 2, "a2")
	put("222", 1, "b1")
	put("333", 1, "c1")
	put("333", 2, "c2")
	for _, tc := range []struct {
		name string
		acks []Ack
		cut  []Ack
		want []string
	}{
		{"good", []Ack{{TaxCode: "111", Revision: 1, Document: []byte("a1")}, {TaxCode: "111", Revision: 2, Document: []byte("a2")}, {TaxCode: "222", Revision: 1, Document: []byte("b1")}}, nil, nil},
		{"lost revision", []Ack{{TaxCode: "222", Revision: 2, Document: []byte("b2")}}, nil, []string{"acknowledged revision 2 is not stored", "current revision 1, last acknowledged 2"}},
		{"lost body", []Ack{{TaxCode: "444", Revision: 1, Document: []byte("d1")}}, nil, []string{"body 444"}},
		{"other bytes", []Ack{{TaxCode: "222", Revision: 1, Document: []byte("zz")}}, nil, []string{"other bytes"}},
		{"unacknowledged current", []Ack{{TaxCode: "333", Revision: 1, Document: []byte("c1")}}, nil, []string{"current revision 2, last acknowledged 1"}},
		{"cut current", []Ack{{TaxCode: "333", Revision: 1, Document: []byte("c1")}}, []Ack{{TaxCode: "333", Revision: 2}}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := &Verification{}
			if err := checkStore(ctx, v, store, year, tc.acks, tc.cut); err != nil {
				t.Fatal(err)
			}
			if len(v.Problems) != len(tc.want) {
				t.Fatalf("problems %q, want %d", v.Problems, len(tc.want))
			}
			for i, w := range tc.want {
				if !strings.Contains(v.Problems[i], w) {
					t.Fatalf("problem %q, want it to say %q", v.Problems[i], w)
				}
			}
		})
	}
}

// selfArgs are the flags of a small, fast self-contained run.
func selfArgs(dsn, out string) []string {
	return []string{"--self", "--db", dsn, "--scale", "0.05", "--seed", "7", "--concurrency", "8",
		"--duration", "2m", "--out", out}
}

// TestSelf runs the self-contained mode at small scale on each database and
// checks the verification ran and passed.
func TestSelf(t *testing.T) {
	for _, be := range sqlstoretest.Backends() {
		t.Run(be.Name, func(t *testing.T) {
			dsn := be.DSN(t)
			out := filepath.Join(t.TempDir(), "results.json")
			var stdout, stderr bytes.Buffer
			if code := run(context.Background(), selfArgs(dsn, out), &stdout, &stderr); code != exitOK {
				t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout.String(), stderr.String())
			}
			res := readResults(t, out)
			v := res.Verify
			if v == nil || !v.Passed || !v.FeedChecked || !v.StoreChecked {
				t.Fatalf("verification %+v", v)
			}
			if res.Filings < 20 || v.Acknowledged != res.Filings || v.FiledEvents != res.Filings || res.Errors != 0 {
				t.Fatalf("%d filings acknowledged, %d events, %d errors: %s", res.Filings, v.FiledEvents, res.Errors, stdout.String())
			}
			for _, op := range ops {
				st := res.Ops[op]
				if st == nil || st.Requests == 0 || st.Latency.P50 <= 0 || st.Latency.Max < st.Latency.P99 || st.Latency.P99 < st.Latency.P50 {
					t.Fatalf("operation %s: %+v", op, st)
				}
			}
			if res.Ops[opFile].StatusCode["201"] != res.Filings {
				t.Fatalf("file status codes %v, want %d×201", res.Ops[opFile].StatusCode, res.Filings)
			}
			if !strings.Contains(stdout.String(), "verify (change feed, filing store): passed") {
				t.Fatalf("report:\n%s", stdout.String())
			}
			// Every filing is at least one write of the store; the group
			// commit ran them in at most as many transactions.
			if st := res.Store; st == nil || st.Dialect != be.Name || st.Writes < int64(res.Filings) ||
				st.Transactions < 1 || st.Transactions > st.Writes || !strings.Contains(stdout.String(), "store "+be.Name+": ") {
				t.Fatalf("store stats %+v, report:\n%s", st, stdout.String())
			}
			// The committer ran every batch within the load's time.
			if st := res.Store; st.CommitterBusy <= 0 || st.CommitterBusy > 1 || !strings.Contains(stdout.String(), "% of the load") {
				t.Fatalf("committer busy %v of the load, report:\n%s", st.CommitterBusy, stdout.String())
			}
			// The process's CPU during the load is reported, a filing and
			// as a share of the machine.
			if c := res.CPU; c == nil || c.Seconds <= 0 || c.PerFilingMs <= 0 || c.CPUs < 1 || c.OfMachine <= 0 ||
				!strings.Contains(stdout.String(), "ms a filing") {
				t.Fatalf("cpu %+v, report:\n%s", c, stdout.String())
			}
			// On SQLite the report says how many checkpoints ran (how
			// many fall within a short load is a matter of timing).
			if be.Name == "sqlite" && !strings.Contains(stdout.String(), " checkpoints;") {
				t.Fatalf("no checkpoints in the report:\n%s", stdout.String())
			}
			// On PostgreSQL the filings are pipelined; nothing fails, so no
			// pipeline falls back.
			if st := res.Store; be.Name == "postgres" && (st.Pipelined < int64(res.Filings) || st.Fallbacks != 0) {
				t.Fatalf("store stats %+v: want every filing pipelined, none fallen back", st)
			}
		})
	}
}

// TestProfiles checks that --cpuprofile and --trace record the load phase:
// a CPU profile (gzipped protocol buffers) and an execution trace.
func TestProfiles(t *testing.T) {
	dir := t.TempDir()
	prof, trace := filepath.Join(dir, "cpu.prof"), filepath.Join(dir, "load.trace")
	args := append(selfArgs(sqlstoretest.SQLite(t), filepath.Join(dir, "results.json")),
		"--mix", "list=1", "--requests", "20", "--cpuprofile", prof, "--trace", trace)
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), args, &stdout, &stderr); code != exitOK {
		t.Fatalf("exit %d\n%s\n%s", code, stdout.String(), stderr.String())
	}
	for _, f := range []struct{ path, head string }{{prof, "\x1f\x8b"}, {trace, "go 1."}} {
		b, err := os.ReadFile(f.path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(b, []byte(f.head)) {
			t.Errorf("%s begins %q, want %q", filepath.Base(f.path), b[:min(len(b), 8)], f.head)
		}
	}
}

// TestRequestLimit checks that --requests bounds a run that would go on.
func TestRequestLimit(t *testing.T) {
	out := filepath.Join(t.TempDir(), "results.json")
	args := append(selfArgs(sqlstoretest.SQLite(t), out), "--mix", "list=1,validate=1", "--requests", "40")
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), args, &stdout, &stderr); code != exitOK {
		t.Fatalf("exit %d\n%s\n%s", code, stdout.String(), stderr.String())
	}
	if res := readResults(t, out); res.Requests != 40 || res.Filings != 0 || !res.Verify.Passed {
		t.Fatalf("%d requests, %d filings, verify %+v; want 40, 0, passed", res.Requests, res.Filings, res.Verify)
	}
}

// TestTarget seeds a database with --seed-db, serves it as registrod does and
// loads it with --target: the tokens file and the resolution of the bodies.
func TestTarget(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	dsn := "sqlite:" + filepath.Join(dir, "registro.db")
	tokFile := filepath.Join(dir, "tokens.json")
	var stdout, stderr bytes.Buffer
	if code := run(ctx, []string{"--seed-db", dsn, "--tokens", tokFile, "--scale", "0.05", "--seed", "7"}, &stdout, &stderr); code != exitOK {
		t.Fatalf("seed: exit %d: %s", code, stderr.String())
	}
	if code := run(ctx, []string{"--seed-db", dsn, "--tokens", tokFile + "2", "--scale", "0.05", "--seed", "7"}, &stdout, &stderr); code != exitFailed ||
		!strings.Contains(stderr.String(), "already holds a register") {
		t.Fatalf("second seed: exit %d: %s", code, stderr.String())
	}
	data, err := os.ReadFile(tokFile)
	if err != nil {
		t.Fatal(err)
	}
	tokens, err := api.ParseTokens(data)
	if err != nil {
		t.Fatal(err)
	}
	store, err := sqlstore.Open(ctx, dsn, sqlstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	reg := wire.Registry(store, wire.Options{})
	deps, err := api.NewDeps(reg, store.Filings(), tokens, nil)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: api.New(deps, api.Options{RateLimit: -1}), ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()

	out := filepath.Join(dir, "results.json")
	args := []string{"--target", "http://" + ln.Addr().String(), "--tokens", tokFile, "--scale", "0.05", "--seed", "7",
		"--bodies", "10", "--amend", "1", "--concurrency", "4", "--duration", "1m", "--out", out}
	stdout.Reset()
	stderr.Reset()
	if code := run(ctx, args, &stdout, &stderr); code != exitOK {
		t.Fatalf("exit %d\n%s\n%s", code, stdout.String(), stderr.String())
	}
	res := readResults(t, out)
	// Ten bodies, each filing twice (--amend 1), late: the clock is the
	// real one, after the 2024 deadline, and a late filing is still 201.
	if res.Filings != 20 || !res.Verify.Passed || !res.Verify.FeedChecked || res.Verify.StoreChecked {
		t.Fatalf("%d filings, verify %+v\n%s", res.Filings, res.Verify, stdout.String())
	}

	// A wrong seed names bodies that the synthetic register does not have.
	stderr.Reset()
	bad := append(args[:len(args):len(args)], "--seed", "8")
	if code := run(ctx, bad, &stdout, &stderr); code != exitFailed || !strings.Contains(stderr.String(), "not in the synthetic register") {
		t.Fatalf("wrong seed: exit %d: %s", code, stderr.String())
	}
}

func readResults(t *testing.T, path string) Results {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var r Results
	if err := json.Unmarshal(data, &r); err != nil {
		t.Fatal(err)
	}
	return r
}

// Example_checkTarget shows the loopback rule on targets.
func Example_checkTarget() {
	for _, target := range []string{"http://127.0.0.1:8080/", "http://[::1]:8080", "http://192.168.1.20:8080"} {
		base, err := checkTarget(target)
		fmt.Println(base, err)
	}
	// Output:
	// http://127.0.0.1:8080 <nil>
	// http://[::1]:8080 <nil>
	//  loadtest: target must be on loopback (localhost, 127.0.0.0/8 or [::1]): got host "192.168.1.20"
}

// TestCPUStats checks the CPU figures of a run, and that a run with no
// filings or no time divides by neither.
func TestCPUStats(t *testing.T) {
	for _, tc := range []struct {
		name      string
		used      time.Duration
		filings   int
		seconds   float64
		cpus      int
		perFiling float64
		ofMachine float64
	}{
		{"busy", 3 * time.Second, 2000, 2, 2, 1.5, 0.75},
		{"no filings", time.Second, 0, 2, 2, 0, 0.25},
		{"no time", time.Second, 10, 0, 2, 100, 0},
		{"one cpu", 500 * time.Millisecond, 100, 1, 1, 5, 0.5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := cpuStats(tc.used, &Results{Filings: tc.filings, Seconds: tc.seconds}, tc.cpus)
			if c.Seconds != tc.used.Seconds() || c.PerFilingMs != tc.perFiling || c.OfMachine != tc.ofMachine || c.CPUs != tc.cpus {
				t.Fatalf("cpuStats = %+v, want %v ms a filing and %v of the machine", c, tc.perFiling, tc.ofMachine)
			}
		})
	}
}
