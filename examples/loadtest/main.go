package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"runtime/trace"
	"sort"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/openregistro/registro/examples/registrod/api"
	"github.com/openregistro/registro/examples/registrod/client"
	"github.com/openregistro/registro/questionnaire"
)

// Exit codes.
const (
	exitOK     = 0
	exitFailed = 1
	exitUsage  = 2
)

// options are the command-line flags.
type options struct {
	target, tokens string
	self           bool
	db, seedDB     string
	seed           SeedConfig
	bodies         int
	concurrency    int
	duration       time.Duration
	requests       int
	mix            Mix
	amend          float64
	maxErrorRate   float64
	out            string
	cpuProfile     string
	trace          string
	maxInFlight    int
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// parseFlags reads and checks the command line.
func parseFlags(args []string, stderr io.Writer) (options, error) {
	fs := flag.NewFlagSet("loadtest", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o options
	var mix string
	fs.StringVar(&o.target, "target", "", "base URL of a running registrod on loopback (http://127.0.0.1:8080)")
	fs.StringVar(&o.tokens, "tokens", "", "tokens file: read with --target, written with --seed-db")
	fs.BoolVar(&o.self, "self", false, "seed a database, start the service in-process on 127.0.0.1:0, load it and verify")
	fs.StringVar(&o.db, "db", "", "with --self: sqlite:PATH or postgres://… (a fresh database; default a temporary SQLite file)")
	fs.StringVar(&o.seedDB, "seed-db", "", "seed this fresh database (sqlite:PATH or postgres://…), write --tokens and exit")
	fs.IntVar(&o.seed.Year, "year", 2024, "reporting year")
	fs.Uint64Var(&o.seed.Seed, "seed", 1, "seed of the synthetic register and of the choice of operations")
	fs.Float64Var(&o.seed.Scale, "scale", 1, "scale of the synthetic register (1: about 900 bodies in 2024)")
	fs.IntVar(&o.bodies, "bodies", 0, "simulated bodies (0: every body token)")
	fs.IntVar(&o.concurrency, "concurrency", 32, "concurrent callers")
	fs.DurationVar(&o.duration, "duration", 2*time.Minute, "the run's time limit (at most 1h)")
	fs.IntVar(&o.requests, "requests", 0, "the run's request limit (0: until every body has filed)")
	fs.StringVar(&mix, "mix", "file=70,validate=20,list=10", "weights of the operations")
	fs.Float64Var(&o.amend, "amend", 0.2, "share of bodies that file a second revision")
	fs.Float64Var(&o.maxErrorRate, "max-error-rate", 0, "exit 1 when the error rate is above this (0–1)")
	fs.StringVar(&o.out, "out", "", "write the results as JSON to this file")
	fs.StringVar(&o.cpuProfile, "cpuprofile", "", "write a CPU profile of the load phase to this file")
	fs.StringVar(&o.trace, "trace", "", "write an execution trace of the load phase to this file (go tool trace)")
	fs.IntVar(&o.maxInFlight, "max-in-flight", 0, "with --self: the service's api.Options.MaxInFlight (0: its default; negative: no limit)")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	modes := 0
	for _, on := range []bool{o.target != "", o.self, o.seedDB != ""} {
		if on {
			modes++
		}
	}
	if modes != 1 {
		return o, errors.New("pass exactly one of --target URL, --self or --seed-db DSN")
	}
	if o.target != "" {
		base, err := checkTarget(o.target)
		if err != nil {
			return o, err
		}
		o.target = base
		if o.tokens == "" {
			return o, errors.New("--target needs --tokens FILE (the service's tokens file)")
		}
	}
	if o.seedDB != "" && o.tokens == "" {
		return o, errors.New("--seed-db needs --tokens FILE to write")
	}
	if o.db != "" && !o.self {
		return o, errors.New("--db goes with --self (use --seed-db to seed a database for a running service)")
	}
	var err error
	if o.mix, err = parseMix(mix); err != nil {
		return o, err
	}
	switch {
	case o.concurrency < 1 || o.concurrency > maxConcurrency:
		return o, fmt.Errorf("--concurrency must be from 1 to %d", maxConcurrency)
	case o.duration <= 0 || o.duration > maxDuration:
		return o, fmt.Errorf("--duration must be above 0 and at most %s", maxDuration)
	case o.requests < 0 || o.requests > maxRequests:
		return o, fmt.Errorf("--requests must be from 0 to %d", maxRequests)
	case o.bodies < 0:
		return o, errors.New("--bodies must be ≥ 0")
	case o.amend < 0 || o.amend > 1:
		return o, errors.New("--amend must be from 0 to 1")
	case o.maxErrorRate < 0 || o.maxErrorRate > 1:
		return o, errors.New("--max-error-rate must be from 0 to 1")
	case o.seed.Scale <= 0 || o.seed.Scale > 20:
		return o, errors.New("--scale must be above 0 and at most 20")
	}
	return o, nil
}

// run runs the command and returns its exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	o, err := parseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	if err != nil {
		fmt.Fprintln(stderr, "loadtest:", strings.TrimPrefix(err.Error(), "loadtest: "))
		return exitUsage
	}
	var res *Results
	switch {
	case o.seedDB != "":
		err = seedOnly(ctx, o, stdout)
	case o.self:
		res, err = runSelf(ctx, o, stderr)
	default:
		res, err = runTarget(ctx, o)
	}
	if err != nil {
		fmt.Fprintln(stderr, "loadtest:", strings.TrimPrefix(err.Error(), "loadtest: "))
		return exitFailed
	}
	if res == nil {
		return exitOK
	}
	printResults(stdout, res)
	if o.out != "" {
		data, err := json.MarshalIndent(res, "", "  ")
		if err == nil {
			err = os.WriteFile(o.out, append(data, '\n'), 0o644)
		}
		if err != nil {
			fmt.Fprintln(stderr, "loadtest:", err)
			return exitFailed
		}
	}
	code := exitOK
	if res.ErrorRate > o.maxErrorRate {
		fmt.Fprintf(stderr, "loadtest: error rate %.4f above --max-error-rate %.4f\n", res.ErrorRate, o.maxErrorRate)
		code = exitFailed
	}
	if res.Verify != nil && !res.Verify.Passed {
		fmt.Fprintf(stderr, "loadtest: verification failed with %d problems\n", res.Verify.ProblemCount)
		code = exitFailed
	}
	return code
}

// seedOnly seeds o.seedDB and writes the tokens file.
func seedOnly(ctx context.Context, o options, stdout io.Writer) error {
	s, err := seedDB(ctx, o.seedDB, o.seed)
	if err != nil {
		return err
	}
	defer s.Store.Close()
	if err := writeTokens(o.tokens, s.Tokens); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "seeded %d bodies (year %d, seed %d, scale %g); %d tokens in %s\n",
		len(s.Gen.Bodies), o.seed.Year, o.seed.Seed, o.seed.Scale, len(s.Tokens), o.tokens)
	return nil
}

// runTarget loads a running service.
func runTarget(ctx context.Context, o options) (*Results, error) {
	m, err := api.ReadTokensFile(o.tokens)
	if err != nil {
		return nil, err
	}
	bts, staff := bodyTokens(m, o.bodies)
	if len(bts) == 0 {
		return nil, fmt.Errorf("%s has no body token", o.tokens)
	}
	gen, err := generate(o.seed)
	if err != nil {
		return nil, err
	}
	hc := newClient(o.concurrency)
	c, err := client.New(o.target, "", client.Options{HTTPClient: hc})
	if err != nil {
		return nil, err
	}
	rctx, cancel := context.WithTimeout(ctx, o.duration)
	defer cancel()
	w, err := buildWorkload(gen, bts, resolveCF(rctx, c), o.amend, o.seed.Seed)
	if err != nil {
		return nil, err
	}
	return drive(ctx, o, o.target, hc, w, staff, nil)
}

// runSelf runs the self-contained mode: it seeds a fresh database at dsn with
// the synthetic register of o.seed (o.db, or a temporary SQLite file), serves it in-process on 127.0.0.1:0,
// loads it and verifies the store and the change feed.
func runSelf(ctx context.Context, o options, stderr io.Writer) (*Results, error) {
	dsn := o.db
	if dsn == "" {
		dir, err := os.MkdirTemp("", "loadtest-")
		if err != nil {
			return nil, err
		}
		defer os.RemoveAll(dir)
		dsn = "sqlite:" + filepath.Join(dir, "registro.db")
	}
	s, err := seedDB(ctx, dsn, o.seed)
	if err != nil {
		return nil, err
	}
	defer s.Store.Close()
	tokens, err := api.NewTokens(s.Tokens)
	if err != nil {
		return nil, err
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelError}))
	deps, err := api.NewDeps(s.Reg, s.Store.Filings(), tokens, log)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	// The load test measures the service, not its per-caller rate limit.
	h := api.New(deps, api.Options{RateLimit: -1, MaxInFlight: o.maxInFlight})
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second,
		ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelError)}
	go func() { _ = srv.Serve(ln) }()
	defer func() {
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
	}()
	base := "http://" + ln.Addr().String()
	bts, staff := bodyTokens(s.Tokens, o.bodies)
	cfOf := func(bt bodyToken) (string, error) {
		e, err := s.Store.Entity(ctx, bt.entityID)
		return e.CodiceFiscale, err
	}
	w, err := buildWorkload(s.Gen, bts, cfOf, o.amend, o.seed.Seed)
	if err != nil {
		return nil, err
	}
	hc := newClient(o.concurrency)
	defer hc.CloseIdleConnections()
	before := s.Store.CommitStats()
	res, err := drive(ctx, o, base, hc, w, staff, s.Store.Filings())
	if res != nil {
		after := s.Store.CommitStats()
		st := &StoreStats{Dialect: s.Store.Dialect(), Writes: after.Writes - before.Writes,
			Transactions: after.Transactions - before.Transactions,
			Pipelined:    after.Pipelined - before.Pipelined, Fallbacks: after.Fallbacks - before.Fallbacks,
			Checkpoints: after.Checkpoints - before.Checkpoints}
		if st.Transactions > 0 {
			st.PerCommit = float64(st.Writes) / float64(st.Transactions)
		}
		if res.Seconds > 0 {
			st.CommitterBusy = (after.Busy - before.Busy).Seconds() / res.Seconds
		}
		res.Store = st
	}
	return res, err
}

// drive runs the load on base and verifies it: the change feed when there is
// a staff token, the filing store when filings is not nil.
func drive(ctx context.Context, o options, base string, hc *http.Client, w *Workload, staff string,
	filings questionnaire.FilingStore) (*Results, error) {
	feed, err := client.New(base, staff, client.Options{HTTPClient: hc})
	if err != nil {
		return nil, err
	}
	var seq0 int64
	if staff != "" {
		if seq0, err = feedHead(ctx, feed); err != nil {
			return nil, err
		}
	}
	stopProfile, err := record(o.cpuProfile, pprof.StartCPUProfile, pprof.StopCPUProfile)
	if err != nil {
		return nil, err
	}
	stopTrace, err := record(o.trace, trace.Start, trace.Stop)
	if err != nil {
		stopProfile()
		return nil, err
	}
	cpu0, cpuOK := processCPU()
	res, acks, cut := Run(ctx, w, Config{Base: base, Concurrency: o.concurrency, Duration: o.duration,
		Requests: o.requests, Mix: o.mix, Seed: o.seed.Seed, Client: hc})
	if cpu1, ok := processCPU(); ok && cpuOK {
		res.CPU = cpuStats(cpu1-cpu0, res, runtime.NumCPU())
	}
	if err := errors.Join(stopProfile(), stopTrace()); err != nil {
		return nil, err
	}
	v := &Verification{Acknowledged: len(acks), Problems: []string{}}
	if res.Status5xx > 0 {
		v.add("%d responses with a 5xx status", res.Status5xx)
	}
	vctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Minute)
	defer cancel()
	if staff != "" {
		evs, err := feedSince(vctx, feed, seq0)
		if err != nil {
			return nil, err
		}
		checkFeed(v, w.Year, acks, cut, seq0, evs)
	}
	if filings != nil {
		if err := checkStore(vctx, v, filings, w.Year, acks, cut); err != nil {
			return nil, err
		}
	}
	v.Passed = v.ProblemCount == 0
	res.Verify = v
	return res, nil
}

// printResults writes the report as text.
func printResults(w io.Writer, r *Results) {
	fmt.Fprintf(w, "target %s  concurrency %d  mix %s  %.1f s\n", r.Target, r.Concurrency, r.Mix, r.Seconds)
	fmt.Fprintf(w, "requests %d (%.1f/s), errors %d (%.2f%%), 5xx %d, cut by --duration %d, filings acknowledged %d (%.1f/s)\n",
		r.Requests, r.PerSecond, r.Errors, 100*r.ErrorRate, r.Status5xx, r.Cut, r.Filings, r.FilingsPerS)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "op\trequests\tper s\tp50 ms\tp95 ms\tp99 ms\tmax ms\terrors\tstatus\t")
	for _, op := range ops {
		st := r.Ops[op]
		if st == nil {
			continue
		}
		var codes []string
		for c, n := range st.StatusCode {
			codes = append(codes, fmt.Sprintf("%s×%d", c, n))
		}
		sort.Strings(codes)
		fmt.Fprintf(tw, "%s\t%d\t%.1f\t%.1f\t%.1f\t%.1f\t%.1f\t%d\t%s\t\n", op, st.Requests, st.PerSecond,
			st.Latency.P50, st.Latency.P95, st.Latency.P99, st.Latency.Max, st.Errors, strings.Join(codes, " "))
	}
	tw.Flush()
	if st := r.Store; st != nil {
		fmt.Fprintf(w, "store %s: %d writes in %d transactions (%.1f a commit)", st.Dialect, st.Writes, st.Transactions, st.PerCommit)
		if st.Dialect == "postgres" {
			fmt.Fprintf(w, "; %d pipelined, %d pipelines fell back", st.Pipelined, st.Fallbacks)
		} else {
			fmt.Fprintf(w, "; %d checkpoints", st.Checkpoints)
		}
		fmt.Fprintf(w, "; committer busy %.0f %% of the load\n", 100*st.CommitterBusy)
	}
	if c := r.CPU; c != nil {
		fmt.Fprintf(w, "cpu of this process: %.2f s, %.3f ms a filing, %.0f %% of %d CPUs\n", c.Seconds, c.PerFilingMs, 100*c.OfMachine, c.CPUs)
	}
	for _, e := range r.ErrorSamples {
		fmt.Fprintln(w, "error:", e)
	}
	if v := r.Verify; v != nil {
		checks := []string{}
		if v.FeedChecked {
			checks = append(checks, "change feed")
		}
		if v.StoreChecked {
			checks = append(checks, "filing store")
		}
		verdict := "passed"
		if !v.Passed {
			verdict = fmt.Sprintf("FAILED (%d problems)", v.ProblemCount)
		}
		fmt.Fprintf(w, "verify (%s): %s: %d filings acknowledged, %d %s events, %d events in all\n",
			strings.Join(checks, ", "), verdict, v.Acknowledged, v.FiledEvents, api.EventFiled, v.Events)
		for _, p := range v.Problems {
			fmt.Fprintln(w, "  problem:", p)
		}
	}
}

// record starts recording the load phase into the file path with start (a
// CPU profile, an execution trace), and returns what ends it with stop and
// closes the file. An empty path records nothing.
func record(path string, start func(io.Writer) error, stop func()) (func() error, error) {
	if path == "" {
		return func() error { return nil }, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := start(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() error {
		stop()
		return f.Close()
	}, nil
}
