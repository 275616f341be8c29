package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"

	"github.com/spf13/cobra"

	"github.com/openregistro/registro/questionnaire"
	"github.com/openregistro/registro/schemas/problem"
)

// validateResult is one document's verdict in --format json and ndjson.
type validateResult struct {
	File   string       `json:"file"`
	Line   int          `json:"line,omitempty"`
	Valid  bool         `json:"valid"`
	Errors problem.List `json:"errors"`
}

// maxValidateLine is the longest NDJSON line (one document) validate reads;
// a longer one is an I/O error (exit 2).
const maxValidateLine = 16 << 20

// validateGCPercent is the garbage collector's GOGC while validate runs,
// unless the environment sets GOGC. Validating keeps a small live heap (the
// territory, code lists and plans: about 10 MB) and allocates each document
// it decodes, so with Go's default of 100 the collector marks that heap
// again every 10 MB decoded: an eighth of validate's CPU. At 300 it runs a
// third as often, for 8 % less CPU per document and a peak RSS of about
// 66 MB instead of 43 (80 instead of 50 for rejected documents), still flat
// in the number of documents (BENCHMARKS.md, "Validation against AJV").
// The Go compiler raises its starting heap for the same reason.
const validateGCPercent = 300

// batchGC sets the collector's GOGC to percent for a batch command, unless
// the environment sets GOGC (the operator's choice stands), and returns
// what puts the previous setting back.
func batchGC(percent int) (restore func()) {
	if _, set := os.LookupEnv("GOGC"); set {
		return func() {}
	}
	old := debug.SetGCPercent(percent)
	return func() { debug.SetGCPercent(old) }
}

// cmdValidate validates annual questionnaires against their reporting year's
// definition.
func cmdValidate(e *env) *cobra.Command {
	cmd, fs := newCommand("validate --year Y [flags] FILE... | -", "validate annual questionnaires (JSON or NDJSON) for a reporting year",
		"registro validate --year 2024 registro-demo/staff/questionnaires.ndjson",
		"registro validate --year 2024 --format json --lang it registro-demo/staff/questionnaires.ndjson",
		"registro validate --year 2024 --format ndjson --workers 1 registro-demo/staff/questionnaires.ndjson",
		"cat registro-demo/staff/questionnaires.ndjson | registro validate --year 2024 --draft --ndjson -")
	cmd.Long = "Validates annual questionnaires (a JSON document per file, or NDJSON) against --year's definition.\n\n" +
		"NDJSON is read as a stream: each result is written, in input order, as soon as it and those before\n" +
		"it are made, so memory does not grow with the number of documents (--format json writes the same\n" +
		"array as before, element by element; --format ndjson writes one result per line).\n\n" +
		"Exit status 0 when every document is valid, 1 when any has errors or an input holds no document\n" +
		"(an empty file or standard input), 2 on a usage or I/O error (the output then stops where it happened).\n\n" +
		"Unless GOGC is set, the garbage collector runs with GOGC=300 while validating: a third of the\n" +
		"collections for about 20–30 MB more memory, still independent of the number of documents."
	year := fs.Int("year", 0, "reporting year the documents are for (required)")
	draft := fs.Bool("draft", false, "accept incomplete documents (type and format checks only)")
	ndjson := fs.Bool("ndjson", false, "read every input as NDJSON, one document per line (implied for .ndjson and .jsonl files)")
	format := formatFlag(fs, "text", "text", "json", "ndjson")
	lang := langFlag(fs)
	workers := fs.Int("workers", 0, "goroutines validating documents (0: one per core); results keep the input's order")
	cmd.RunE = runs(func(ctx context.Context, args []string) int {
		if *year == 0 {
			return failf(e, "validate", "--year is required")
		}
		if _, err := questionnaire.DefinitionFor(*year); err != nil {
			return failf(e, "validate", "%v", err)
		}
		if fs.NArg() == 0 {
			return failf(e, "validate", "no FILE given (use - for standard input)")
		}
		if *workers < 0 {
			return failf(e, "validate", "--workers must be 0 (one per core) or more")
		}
		l, _ := problem.ParseLang(lang.String())
		defer batchGC(validateGCPercent)()
		v, err := questionnaire.New(questionnaire.Options{})
		if err != nil {
			return failf(e, "validate", "%v", err)
		}
		// Open every input first: a missing file is a usage error before
		// any output, as it always was.
		inputs := make([]validateInput, 0, fs.NArg())
		defer func() {
			for _, in := range inputs {
				in.close()
			}
		}()
		for _, name := range fs.Args() {
			in, err := openValidateInput(e, name, *ndjson)
			if err != nil {
				return failf(e, "validate", "%v", err)
			}
			inputs = append(inputs, in)
		}
		mode := questionnaire.Complete
		if *draft {
			mode = questionnaire.Draft
		}
		n := *workers
		if n == 0 {
			n = runtime.GOMAXPROCS(0)
		}
		out := newResultWriter(e.stdout, format.String(), l)
		code := exitOK
		err = validateStream(ctx, v, *year, mode, l, n, inputs, out.flush, func(j *validateJob) error {
			if j.empty {
				fmt.Fprintf(e.stderr, "registro validate: %s: no document (empty input)\n", j.file)
				code = exitFindings
				return nil
			}
			if !j.res.Valid {
				code = exitFindings
			}
			return out.write(&j.res)
		})
		if err == nil {
			err = out.close()
		} else {
			_ = out.flush() // what was made before the error stays written
		}
		if err != nil {
			return fail(e, "validate", err)
		}
		return code
	})
	return cmd
}

// validateInput is one named input: a whole JSON document or NDJSON.
type validateInput struct {
	name   string
	r      io.Reader
	ndjson bool
	close  func()
}

// openValidateInput opens name ("-" is standard input); it is NDJSON when
// asked or when the name ends in .ndjson/.jsonl.
func openValidateInput(e *env, name string, ndjson bool) (validateInput, error) {
	in := validateInput{name: name, r: e.stdin, close: func() {},
		ndjson: ndjson || strings.HasSuffix(name, ".ndjson") || strings.HasSuffix(name, ".jsonl")}
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return in, err
		}
		in.r, in.close = f, func() { f.Close() }
	}
	return in, nil
}

// validateJob is one document on its way from the reader through a worker
// to the writer; done receives once res (or err) is set. An empty job
// stands for an input without any document. Jobs (with their done channel
// and the buffer data was read into) are reused once written.
type validateJob struct {
	file  string
	line  int // 0 for a whole-file document
	data  []byte
	empty bool
	done  chan struct{}
	res   validateResult
	err   error
}

// maxReusedLine is the largest line buffer a reused job keeps.
const maxReusedLine = 64 << 10

// jobPool hands out validateJobs, reusing those given back (at most a few
// per worker are in flight, so it holds at most that many).
type jobPool chan *validateJob

func (p jobPool) get(file string, line int) *validateJob {
	select {
	case j := <-p:
		j.file, j.line = file, line
		return j
	default:
		return &validateJob{file: file, line: line, done: make(chan struct{}, 1)}
	}
}

// put gives j back once its result is written.
func (p jobPool) put(j *validateJob) {
	data := j.data[:0]
	if cap(data) > maxReusedLine {
		data = nil
	}
	*j = validateJob{data: data, done: j.done}
	select {
	case p <- j:
	default:
	}
}

// validateStream reads the documents of inputs in order, validates them on
// workers goroutines and hands each job to emit in input order, as soon as
// it and every job before it are done; before waiting for a job that is not
// done yet it calls idle (which flushes what emit buffered, so that results
// come out as they are made). At most a few jobs per worker are in flight,
// so memory does not depend on the number of documents. It returns the
// first error: reading, validating (ctx ended), idle's or emit's.
func validateStream(ctx context.Context, v *questionnaire.Validator, year int, mode questionnaire.Mode, l problem.Lang,
	workers int, inputs []validateInput, idle func() error, emit func(*validateJob) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	work := make(chan *validateJob, 2*workers)
	order := make(chan *validateJob, 4*workers)
	pool := make(jobPool, 6*workers+2)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range work {
				probs, err := checkDoc(ctx, v, year, mode, l, j.data)
				j.res = validateResult{File: j.file, Line: j.line, Valid: !probs.HasErrors(), Errors: probs}
				j.err = err
				j.done <- struct{}{}
			}
		}()
	}
	var readErr error
	go func() {
		defer close(order)
		defer close(work)
		send := func(j *validateJob) bool {
			select {
			case order <- j:
			case <-ctx.Done():
				return false
			}
			if j.empty {
				j.done <- struct{}{}
				return true
			}
			select {
			case work <- j:
				return true
			case <-ctx.Done():
				j.err = ctx.Err()
				j.done <- struct{}{}
				return false
			}
		}
		for _, in := range inputs {
			if readErr = readValidateInput(in, pool, send); readErr != nil || ctx.Err() != nil {
				return
			}
		}
	}()
	var err error
	for j := range order {
		if err != nil {
			continue // drain: the reader and the workers stop on cancel
		}
		select {
		case <-j.done:
		default:
			if err = idle(); err != nil {
				cancel()
				continue
			}
			<-j.done
		}
		if j.err != nil {
			err = fmt.Errorf("%s: %w", j.file, j.err)
		} else {
			err = emit(j)
		}
		if err != nil {
			cancel()
			continue
		}
		pool.put(j)
	}
	wg.Wait()
	if err == nil && readErr != nil {
		err = readErr
	}
	return err
}

// checkDoc validates one document; its problems are localised to l and
// never nil.
func checkDoc(ctx context.Context, v *questionnaire.Validator, year int, mode questionnaire.Mode, l problem.Lang, data []byte) (problem.List, error) {
	_, probs, err := v.Check(ctx, year, data, mode)
	if err != nil {
		return nil, err
	}
	probs = probs.Localize(l)
	if probs == nil {
		probs = problem.List{}
	}
	return probs, nil
}

// readValidateInput hands send the documents of in, in jobs from pool: its
// whole content, or one per non-blank NDJSON line (at most maxValidateLine
// bytes). An input without any document is one empty job. It stops when
// send returns false.
func readValidateInput(in validateInput, pool jobPool, send func(*validateJob) bool) error {
	newJob := func(line int, data []byte) *validateJob {
		j := pool.get(in.name, line)
		j.data = append(j.data[:0], data...)
		return j
	}
	if !in.ndjson {
		b, err := io.ReadAll(in.r)
		if err != nil {
			return fmt.Errorf("%s: %w", in.name, err)
		}
		j := pool.get(in.name, 0)
		j.data = b
		j.empty = len(bytes.TrimSpace(b)) == 0
		send(j)
		return nil
	}
	sc := bufio.NewScanner(in.r)
	sc.Buffer(make([]byte, 0, 1<<20), maxValidateLine) // a read system call per megabyte
	docs := 0
	for n := 1; sc.Scan(); n++ {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		docs++
		if !send(newJob(n, line)) {
			return nil
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("%s: %w", in.name, err)
	}
	if docs == 0 {
		j := pool.get(in.name, 0)
		j.data = j.data[:0]
		j.empty = true
		send(j)
	}
	return nil
}

// resultWriter writes results as they come, in one of the output formats:
// text (a line per problem, or "valid"), json (the indented array, written
// element by element: the same bytes as encoding the whole slice) or ndjson
// (one compact result per line).
type resultWriter struct {
	w      *bufio.Writer
	format string
	lang   problem.Lang
	n      int // results written
	// file and fileJSON cache the JSON encoding of the last file name, for
	// the ndjson line of a result without problems (appendValid).
	file     string
	fileJSON []byte
	line     []byte
}

func newResultWriter(w io.Writer, format string, l problem.Lang) *resultWriter {
	return &resultWriter{w: bufio.NewWriterSize(w, 64<<10), format: format, lang: l}
}

func (rw *resultWriter) write(r *validateResult) error {
	rw.n++
	switch rw.format {
	case "json":
		b, err := json.MarshalIndent(r, "  ", "  ")
		if err != nil {
			return err
		}
		sep := ",\n  "
		if rw.n == 1 {
			sep = "[\n  "
		}
		rw.w.WriteString(sep)
		rw.w.Write(b)
	case "ndjson":
		if r.Valid && len(r.Errors) == 0 && r.Errors != nil {
			rw.line = rw.appendValid(rw.line[:0], r)
			rw.w.Write(rw.line)
			break
		}
		b, err := json.Marshal(r)
		if err != nil {
			return err
		}
		rw.w.Write(b)
		rw.w.WriteByte('\n')
	default:
		where := r.File
		if r.Line > 0 {
			where = fmt.Sprintf("%s:%d", r.File, r.Line)
		}
		if r.Valid && len(r.Errors) == 0 {
			fmt.Fprintf(rw.w, "%s: %s\n", where, map[problem.Lang]string{problem.IT: "valido", problem.EN: "valid"}[rw.lang])
			break
		}
		for _, p := range r.Errors {
			fmt.Fprintf(rw.w, "%s: %s %s\n", where, p.Severity, p.String())
		}
	}
	// Hand the output on when the buffer is full; flush writes the rest.
	if rw.w.Available() < 4<<10 {
		return rw.w.Flush()
	}
	return nil
}

// appendValid appends to b the ndjson line of r, a valid result without
// problems: the bytes json.Marshal writes for it (the file name encoded by
// json.Marshal too, once per file), then a newline, without reflection.
func (rw *resultWriter) appendValid(b []byte, r *validateResult) []byte {
	if rw.fileJSON == nil || rw.file != r.File {
		rw.file = r.File
		rw.fileJSON, _ = json.Marshal(r.File)
	}
	b = append(b, `{"file":`...)
	b = append(b, rw.fileJSON...)
	if r.Line != 0 {
		b = append(b, `,"line":`...)
		b = strconv.AppendInt(b, int64(r.Line), 10)
	}
	return append(b, `,"valid":true,"errors":[]}`+"\n"...)
}

// flush writes what is buffered.
func (rw *resultWriter) flush() error { return rw.w.Flush() }

// close ends the output (the json array's closing bracket) and flushes it.
func (rw *resultWriter) close() error {
	if rw.format == "json" {
		if rw.n == 0 {
			rw.w.WriteString("[]\n")
		} else {
			rw.w.WriteString("\n]\n")
		}
	}
	return rw.w.Flush()
}
