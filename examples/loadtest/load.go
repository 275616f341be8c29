package main

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/openregistro/registro/examples/registrod/api"
	"github.com/openregistro/registro/examples/registrod/client"
)

// The operations of the mix.
const (
	opFile     = "file"
	opValidate = "validate"
	opList     = "list"
)

// ops lists the operations in report order.
var ops = [...]string{opFile, opValidate, opList}

// Limits that keep every run bounded.
const (
	maxDuration    = time.Hour
	maxRequests    = 10_000_000
	maxConcurrency = 1024
	requestTimeout = 60 * time.Second
)

// errTarget is returned for a target that is not on this machine.
var errTarget = errors.New("loadtest: target must be on loopback (localhost, 127.0.0.0/8 or [::1])")

// checkTarget parses target and refuses any host that is not loopback. It
// returns the base URL without a trailing slash.
func checkTarget(target string) (string, error) {
	u, err := url.Parse(target)
	if err != nil {
		return "", fmt.Errorf("loadtest: bad --target %q: %v", target, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return "", fmt.Errorf("loadtest: bad --target %q: want http:// or https://", target)
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("loadtest: bad --target %q: no user, query or fragment", target)
	}
	if !loopbackHost(u.Hostname()) {
		return "", fmt.Errorf("%w: got host %q", errTarget, u.Hostname())
	}
	return strings.TrimRight(u.String(), "/"), nil
}

// loopbackHost reports whether host is "localhost" or a loopback IP.
func loopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// newClient returns an HTTP client for conc workers that dials only loopback
// addresses and follows no redirect.
func newClient(conc int) *http.Client {
	d := &net.Dialer{
		Timeout: 5 * time.Second,
		Control: func(network, address string, _ syscall.RawConn) error {
			host, _, err := net.SplitHostPort(address)
			if err != nil {
				return err
			}
			if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
				return fmt.Errorf("%w: refusing to dial %s", errTarget, address)
			}
			return nil
		},
	}
	tr := &http.Transport{
		DialContext:         d.DialContext,
		MaxIdleConns:        conc,
		MaxIdleConnsPerHost: conc,
		IdleConnTimeout:     30 * time.Second,
	}
	return &http.Client{
		Transport:     tr,
		Timeout:       requestTimeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// Mix is the weight of each operation.
type Mix map[string]int

// parseMix reads "file=70,validate=20,list=10". Operations left out weigh
// 0; at least one must weigh more than 0.
func parseMix(s string) (Mix, error) {
	m := Mix{}
	total := 0
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		name, w, ok := strings.Cut(part, "=")
		name = strings.TrimSpace(name)
		if !ok {
			return nil, fmt.Errorf("loadtest: bad --mix entry %q: want op=weight", part)
		}
		if !slices.Contains(ops[:], name) {
			return nil, fmt.Errorf("loadtest: bad --mix entry %q: unknown operation (want file, validate, list)", part)
		}
		if _, dup := m[name]; dup {
			return nil, fmt.Errorf("loadtest: bad --mix: %s given twice", name)
		}
		n, err := strconv.Atoi(strings.TrimSpace(w))
		if err != nil || n < 0 || n > 1_000_000 {
			return nil, fmt.Errorf("loadtest: bad --mix weight %q for %s: want an integer from 0 to 1000000", w, name)
		}
		m[name] = n
		total += n
	}
	if total == 0 {
		return nil, errors.New("loadtest: bad --mix: no operation has a weight above 0")
	}
	return m, nil
}

// String renders m as parseMix reads it.
func (m Mix) String() string {
	var parts []string
	for _, op := range ops {
		if w, ok := m[op]; ok {
			parts = append(parts, fmt.Sprintf("%s=%d", op, w))
		}
	}
	return strings.Join(parts, ",")
}

// Body is one simulated body.
type Body struct {
	// Token is the body's bearer token.
	Token string
	// EntityID is its register ID; TaxCode its codice fiscale.
	EntityID, TaxCode string
	// Revisions are the documents it files, in order: one, or two when it
	// amends.
	Revisions [][]byte
}

// Workload is what the simulated callers send.
type Workload struct {
	Year   int
	Bodies []Body
	// Drafts are partial questionnaires for the validate operation.
	Drafts [][]byte
	// Lists are the queries of the list operation (a page of one region's
	// bodies, …).
	Lists []client.EntityQuery
}

// Config says how to drive the load.
type Config struct {
	// Base is the service's base URL (checked by checkTarget).
	Base        string
	Concurrency int
	// Duration bounds the run; Requests too when above 0, else the run ends
	// when every filing is done.
	Duration time.Duration
	Requests int
	Mix      Mix
	// Seed makes the choice of operations reproducible.
	Seed uint64
	// Client sends the requests; nil means newClient(Concurrency).
	Client *http.Client
}

// Ack is a filing acknowledged with 201.
type Ack struct {
	EntityID string `json:"entityId"`
	TaxCode  string `json:"bodyTaxCode"`
	Revision int    `json:"revision"`
	// Document is the document sent.
	Document []byte `json:"-"`
}

// sample is the outcome of one request.
type sample struct {
	op     string
	status int // 0 for a transport error
	d      time.Duration
	err    string
}

// job is one request to make.
type job struct {
	op   string
	body int // index in Workload.Bodies (file)
	rev  int // 1-based revision (file)
	n    int // a random number for the choice of draft or list query
}

// scheduler hands out jobs until the run's bounds are reached.
type scheduler struct {
	mu       sync.Mutex
	cond     *sync.Cond
	ctx      context.Context
	rng      *rand.Rand
	mix      Mix
	total    int
	max      int // 0: until every filing is done
	issued   int
	queue    []job // filings ready to send
	inflight int   // filings sent and not yet answered
	w        *Workload
}

func newScheduler(ctx context.Context, w *Workload, cfg Config) *scheduler {
	s := &scheduler{ctx: ctx, rng: rand.New(rand.NewPCG(cfg.Seed, 0x5eed)), mix: cfg.Mix, max: cfg.Requests, w: w}
	s.cond = sync.NewCond(&s.mu)
	for _, op := range ops {
		s.total += cfg.Mix[op]
	}
	if cfg.Mix[opFile] > 0 {
		order := s.rng.Perm(len(w.Bodies))
		for _, i := range order {
			if len(w.Bodies[i].Revisions) > 0 {
				s.queue = append(s.queue, job{op: opFile, body: i, rev: 1})
			}
		}
	}
	context.AfterFunc(ctx, func() { s.mu.Lock(); s.cond.Broadcast(); s.mu.Unlock() })
	return s
}

// next returns the next job, or false when the run is over.
func (s *scheduler) next() (job, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for {
		if s.ctx.Err() != nil || (s.max > 0 && s.issued >= s.max) {
			return job{}, false
		}
		filingsLeft := len(s.queue) > 0 || s.inflight > 0
		if s.max == 0 && s.mix[opFile] > 0 && !filingsLeft {
			return job{}, false // every body has filed
		}
		op := s.pick()
		if op == opFile && len(s.queue) == 0 {
			// No filing ready: do something else, or wait for an amendment.
			if s.total-s.mix[opFile] == 0 {
				if !filingsLeft {
					return job{}, false
				}
				s.cond.Wait()
				continue
			}
			for op == opFile {
				op = s.pick()
			}
		}
		s.issued++
		j := job{op: op, n: s.rng.IntN(1 << 30)}
		if op == opFile {
			j = s.queue[0]
			s.queue = s.queue[1:]
			s.inflight++
		}
		return j, true
	}
}

// pick draws an operation by weight.
func (s *scheduler) pick() string {
	r := s.rng.IntN(s.total)
	for _, op := range ops {
		if r < s.mix[op] {
			return op
		}
		r -= s.mix[op]
	}
	return ops[len(ops)-1]
}

// filed is told the outcome of a filing job: an acknowledged first revision
// of an amending body queues its second.
func (s *scheduler) filed(j job, acked bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.inflight--
	if acked && j.rev < len(s.w.Bodies[j.body].Revisions) {
		s.queue = append(s.queue, job{op: opFile, body: j.body, rev: j.rev + 1})
	}
	s.cond.Broadcast()
}

// Run drives the load described by cfg with w's callers and returns the
// results, the filings acknowledged with 201, and the filings whose request
// was cut by the end of the run (the service may or may not have stored
// them). It never returns before every worker has stopped.
func Run(ctx context.Context, w *Workload, cfg Config) (res *Results, acks, cut []Ack) {
	hc := cfg.Client
	if hc == nil {
		hc = newClient(cfg.Concurrency)
	}
	// The load measures the service: every answer is a sample, a 429 too,
	// so the client retries nothing; the HTTP client bounds each request.
	anon, err := client.New(cfg.Base, "", client.Options{HTTPClient: hc, Timeout: -1, MaxRetries: -1})
	if err != nil {
		return &Results{Target: cfg.Base, Ops: map[string]*OpStats{}, ErrorSamples: []string{err.Error()}, Errors: 1, ErrorRate: 1}, nil, nil
	}
	ctx, cancel := context.WithTimeout(ctx, cfg.Duration)
	defer cancel()
	sched := newScheduler(ctx, w, cfg)
	var (
		mu      sync.Mutex
		samples []sample
		nCuts   int
		wg      sync.WaitGroup
	)
	start := time.Now()
	for range cfg.Concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var local []sample
			var localAcks, localCut []Ack
			nCut := 0
			for {
				j, ok := sched.next()
				if !ok {
					break
				}
				sm, ack := do(ctx, anon, w, j)
				if j.op == opFile {
					sched.filed(j, ack != nil)
					if ack != nil {
						localAcks = append(localAcks, *ack)
					}
				}
				if sm.status == 0 && sm.err != "" && ctx.Err() != nil {
					// Cut by the end of the run, not the service's error;
					// the service may still have stored a filing.
					if j.op == opFile {
						localCut = append(localCut, Ack{EntityID: w.Bodies[j.body].EntityID, TaxCode: w.Bodies[j.body].TaxCode, Revision: j.rev})
					}
					nCut++
					continue
				}
				local = append(local, sm)
			}
			mu.Lock()
			samples = append(samples, local...)
			acks = append(acks, localAcks...)
			cut = append(cut, localCut...)
			nCuts += nCut
			mu.Unlock()
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	res = summarize(cfg, samples, elapsed)
	res.Cut = nCuts
	return res, acks, cut
}

// do sends one job's request with the typed client (as the anonymous public,
// or as the filing body) and returns its sample, and the ack of a filing
// answered 201.
func do(ctx context.Context, anon *client.Client, w *Workload, j job) (sample, *Ack) {
	sm := sample{op: j.op}
	var (
		resp client.Response
		err  error
		want = http.StatusOK
		ack  *Ack
	)
	t0 := time.Now()
	switch j.op {
	case opFile:
		b := &w.Bodies[j.body]
		want = http.StatusCreated
		var bc *client.Client
		if bc, err = anon.WithToken(b.Token); err != nil {
			break
		}
		var info api.FilingInfo
		doc := b.Revisions[j.rev-1]
		info, err = bc.File(ctx, w.Year, doc, client.ReadResponse(&resp))
		if err == nil {
			ack = &Ack{EntityID: info.EntityID, TaxCode: info.BodyTaxCode, Revision: info.Revision, Document: doc}
			if info.EntityID != b.EntityID || info.Revision != j.rev {
				sm.err = fmt.Sprintf("filing of %s revision %d answered for %s revision %d", b.EntityID, j.rev, info.EntityID, info.Revision)
			}
		}
	case opValidate:
		_, err = anon.Validate(ctx, w.Year, w.Drafts[j.n%len(w.Drafts)], true, client.ReadResponse(&resp))
	case opList:
		_, err = anon.EntityPage(ctx, w.Lists[j.n%len(w.Lists)], "", client.ReadResponse(&resp))
	}
	sm.d, sm.status = time.Since(t0), resp.Status
	switch {
	case err != nil:
		sm.err = clip([]byte(strings.TrimPrefix(err.Error(), "client: ")))
		return sm, nil
	case resp.Status != want:
		sm.err = fmt.Sprintf("%s: status %d, want %d", j.op, resp.Status, want)
		return sm, nil
	}
	return sm, ack
}

// clip shortens a response body for an error message.
func clip(b []byte) string {
	s := strings.TrimSpace(string(b))
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return s
}

// Latency is the latency distribution of one operation, in milliseconds.
type Latency struct {
	P50  float64 `json:"p50Ms"`
	P95  float64 `json:"p95Ms"`
	P99  float64 `json:"p99Ms"`
	Max  float64 `json:"maxMs"`
	Mean float64 `json:"meanMs"`
}

// OpStats are the results of one operation.
type OpStats struct {
	Requests   int            `json:"requests"`
	Errors     int            `json:"errors"`
	PerSecond  float64        `json:"perSecond"`
	Latency    Latency        `json:"latency"`
	StatusCode map[string]int `json:"statusCodes"`
}

// Results are what a run measured.
type Results struct {
	Target      string  `json:"target"`
	Concurrency int     `json:"concurrency"`
	Mix         string  `json:"mix"`
	Seconds     float64 `json:"seconds"`
	Requests    int     `json:"requests"`
	PerSecond   float64 `json:"perSecond"`
	Errors      int     `json:"errors"`
	// Cut counts the requests still in flight when --duration ended the run
	// (neither errors nor samples).
	Cut         int                 `json:"cutByDuration"`
	ErrorRate   float64             `json:"errorRate"`
	Status5xx   int                 `json:"status5xx"`
	Filings     int                 `json:"filingsAcknowledged"`
	FilingsPerS float64             `json:"filingsPerSecond"`
	Ops         map[string]*OpStats `json:"operations"`
	// ErrorSamples are the first distinct error messages (at most 20).
	ErrorSamples []string `json:"errorSamples"`
	// Verify is the verification's outcome, when one ran.
	Verify *Verification `json:"verify,omitempty"`
	// Store is the SQL store's group commit during the load (--self only).
	Store *StoreStats `json:"store,omitempty"`
	// CPU is the CPU time of the load test's process during the load
	// (absent where the system does not report it).
	CPU *CPUStats `json:"cpu,omitempty"`
}

// CPUStats is the CPU time the load test's own process used during the
// load, user and system together (getrusage(2)). With --self that is the
// service's and the load generator's work together (not a PostgreSQL
// server's, which runs in processes of its own); with --target it is the
// load generator's alone. On a machine the run has to itself, the CPU
// a filing says what the whole machine spends on each filing, which is
// what bounds the rate once OfMachine nears 1 (BENCHMARKS.md, "Issue 23,
// fifth pass" and "sixth pass").
type CPUStats struct {
	// Seconds is the CPU time used during the load.
	Seconds float64 `json:"seconds"`
	// PerFilingMs is Seconds over the filings acknowledged, in
	// milliseconds (0 when none was).
	PerFilingMs float64 `json:"perFilingMs"`
	// CPUs is runtime.NumCPU, and OfMachine is Seconds over the load's
	// wall time times CPUs: the share of the machine's processors the
	// process kept busy.
	CPUs      int     `json:"cpus"`
	OfMachine float64 `json:"ofMachine"`
}

// cpuStats computes the CPU figures of r from the CPU time used during
// its load, on a machine of cpus processors.
func cpuStats(used time.Duration, r *Results, cpus int) *CPUStats {
	c := &CPUStats{Seconds: used.Seconds(), CPUs: cpus}
	if r.Filings > 0 {
		c.PerFilingMs = 1000 * c.Seconds / float64(r.Filings)
	}
	if r.Seconds > 0 && cpus > 0 {
		c.OfMachine = c.Seconds / (r.Seconds * float64(cpus))
	}
	return c
}

// StoreStats is what the store's group commit did during the load, from
// sqlstore.Store.CommitStats: the writes (filings, keys, answers) and the
// transactions they shared; on PostgreSQL, the writes run in a pipeline
// and the pipelines that fell back to the serial way; and the share of the
// load's time the committer was busy (near 1: the store's one writer set
// the pace).
type StoreStats struct {
	Dialect       string  `json:"dialect"`
	Writes        int64   `json:"writes"`
	Transactions  int64   `json:"transactions"`
	PerCommit     float64 `json:"writesPerTransaction"`
	Pipelined     int64   `json:"pipelined"`
	Fallbacks     int64   `json:"pipelineFallbacks"`
	CommitterBusy float64 `json:"committerBusy"`
	Checkpoints   int64   `json:"checkpoints"`
}

// summarize computes the results from every sample.
func summarize(cfg Config, samples []sample, elapsed time.Duration) *Results {
	r := &Results{Target: cfg.Base, Concurrency: cfg.Concurrency, Mix: cfg.Mix.String(), Seconds: elapsed.Seconds(),
		Requests: len(samples), Ops: map[string]*OpStats{}, ErrorSamples: []string{}}
	byOp := map[string][]time.Duration{}
	seen := map[string]bool{}
	for _, s := range samples {
		st := r.Ops[s.op]
		if st == nil {
			st = &OpStats{StatusCode: map[string]int{}}
			r.Ops[s.op] = st
		}
		st.Requests++
		code := "transport"
		if s.status != 0 {
			code = strconv.Itoa(s.status)
		}
		st.StatusCode[code]++
		if s.status >= 500 {
			r.Status5xx++
		}
		if s.err != "" {
			st.Errors++
			r.Errors++
			if key := firstLine(s.err); !seen[key] && len(r.ErrorSamples) < 20 {
				seen[key] = true
				r.ErrorSamples = append(r.ErrorSamples, s.err)
			}
		} else if s.op == opFile {
			r.Filings++
		}
		byOp[s.op] = append(byOp[s.op], s.d)
	}
	secs := max(elapsed.Seconds(), 1e-9)
	r.PerSecond = float64(r.Requests) / secs
	r.FilingsPerS = float64(r.Filings) / secs
	if r.Requests > 0 {
		r.ErrorRate = float64(r.Errors) / float64(r.Requests)
	}
	for op, ds := range byOp {
		r.Ops[op].PerSecond = float64(len(ds)) / secs
		r.Ops[op].Latency = latency(ds)
	}
	return r
}

// statusPrefix matches an error message of the client up to its status
// ("POST http://…/v1/filings/2024: 422 Unprocessable Entity").
var statusPrefix = regexp.MustCompile(`^[A-Z]+ [^ ]+: [0-9]{3} [A-Za-z ]*`)

// firstLine keys an error message for de-duplication: its text up to the
// status code's detail.
func firstLine(s string) string {
	if m := statusPrefix.FindString(s); m != "" {
		return m
	}
	return s
}

// latency returns the exact percentiles of ds (nearest rank).
func latency(ds []time.Duration) Latency {
	if len(ds) == 0 {
		return Latency{}
	}
	sorted := slices.Clone(ds)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i] < sorted[j] })
	var sum time.Duration
	for _, d := range sorted {
		sum += d
	}
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	return Latency{
		P50:  ms(percentile(sorted, 50)),
		P95:  ms(percentile(sorted, 95)),
		P99:  ms(percentile(sorted, 99)),
		Max:  ms(sorted[len(sorted)-1]),
		Mean: ms(sum / time.Duration(len(sorted))),
	}
}

// percentile returns the nearest-rank p-th percentile of sorted (not empty).
func percentile(sorted []time.Duration, p float64) time.Duration {
	rank := int(p/100*float64(len(sorted)) + 0.999999999)
	rank = min(max(rank, 1), len(sorted))
	return sorted[rank-1]
}
