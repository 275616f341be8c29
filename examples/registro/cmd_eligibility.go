package main

import (
	"bufio"
	"bytes"
	"context"

	"encoding/json"
	"fmt"
	"github.com/spf13/cobra"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/openregistro/registro/examples/internal/wire"

	"github.com/openregistro/registro/eligibility"
	"github.com/openregistro/registro/registry"
	"github.com/openregistro/registro/registry/memstore"
	"github.com/openregistro/registro/schemas"
	"github.com/openregistro/registro/schemas/problem"
)

// cmdEligibility checks one application against the enrolment requirements
// in force on its date and explains the decision rule by rule.
func cmdEligibility(e *env) *cobra.Command {
	const name = "eligibility"
	cmd, fs := newCommand("eligibility [flags] APPLICATION.json | -", "check an application against the enrolment requirements, rule by rule",
		"registro eligibility application.json",
		"registro eligibility --registry bodies.ndjson --as-of 2024-06-30 --format json application.json",
		"cat application.json | registro eligibility --lang it --registry bodies.ndjson -")
	asOfFlag := fs.String("as-of", "", "day of the evaluation, YYYY-MM-DD (default: today); the application may not be dated later")
	regFile := fs.String("registry", "", "NDJSON file of register bodies (one entity per line, with enrolments and their history), to check the Section II partner and a branch's national body")
	format := formatFlag(fs, "text", "text", "json")
	lang := langFlag(fs)
	cmd.RunE = runs(func(ctx context.Context, args []string) int {
		if fs.NArg() != 1 {
			return failf(e, name, "want exactly one APPLICATION.json (use - for standard input), got %d arguments", fs.NArg())
		}
		l, _ := problem.ParseLang(lang.String())
		asOf := time.Now()
		if *asOfFlag != "" {
			t, err := time.Parse(time.DateOnly, *asOfFlag)
			if err != nil {
				return failf(e, name, "--as-of %q is not a day written YYYY-MM-DD", *asOfFlag)
			}
			asOf = t
		}

		var register eligibility.Register
		if *regFile != "" {
			r, code := loadRegister(ctx, e, *regFile, l)
			if r == nil {
				return code
			}
			register = r
		}

		path := fs.Arg(0)
		var in io.Reader = e.stdin
		if path != "-" {
			f, err := os.Open(path)
			if err != nil {
				return failf(e, name, "%v", err)
			}
			defer f.Close()
			in = f
		}
		data, err := io.ReadAll(io.LimitReader(in, maxApplicationInput))
		if err != nil {
			return failf(e, name, "%v", err)
		}
		app, err := eligibility.DecodeApplication(bytes.NewReader(data))
		if err != nil {
			return badInput(e, path, err, l, format.String())
		}
		if err := validApplication(data, app); err != nil {
			return badInput(e, path, err, l, format.String())
		}
		d, err := eligibility.New(register, eligibility.Options{}).Evaluate(ctx, app, asOf)
		if err != nil {
			return badInput(e, path, err, l, format.String())
		}

		if format.String() == "json" {
			enc := json.NewEncoder(e.stdout)
			enc.SetIndent("", "  ")
			if err := enc.Encode(d); err != nil {
				return failf(e, name, "%v", err)
			}
		} else if err := d.WriteText(e.stdout, l); err != nil {
			return failf(e, name, "%v", err)
		}
		if d.Verdict != eligibility.Eligible {
			return exitFindings
		}
		return exitOK
	})
	return cmd
}

// maxApplicationInput bounds what the command reads of an application: one
// byte more than eligibility.DecodeApplication accepts, so that it reports
// the size.
const maxApplicationInput = 16<<20 + 1

// validApplication checks an application as the register would accept it:
// the published "application" schema on the bytes, then registry.Validator
// on the decoded application (code lists, territory, dates in order). The
// command, the schema and the register's validator thus accept the same
// applications; an ineligible but well-formed one gets a decision.
func validApplication(data []byte, app *eligibility.Application) error {
	v, err := schemas.Get("application")
	if err != nil {
		return err
	}
	if l := v.Validate(data); len(l) > 0 {
		return l.Err()
	}
	return registry.NewValidator(nil, nil).Application(&app.Application)
}

// badInput reports an application that cannot be evaluated: each problem
// with the JSON Pointer of its field, on stderr (as JSON with --format json).
func badInput(e *env, file string, err error, lang problem.Lang, format string) int {
	l, ok := problem.AsList(err)
	if !ok {
		code := fail(e, "eligibility", fmt.Errorf("%s: %w", file, err))
		if code == exitFindings { // here 1 means ineligible: bad input stays 2
			code = exitUsage
		}
		return code
	}
	l = l.Localize(lang)
	if format == "json" {
		enc := json.NewEncoder(e.stderr)
		enc.SetIndent("", "  ")
		_ = enc.Encode(map[string]any{"file": file, "errors": l})
		return exitUsage
	}
	for _, p := range l {
		fmt.Fprintf(e.stderr, "registro eligibility: %s: %s\n", file, p.String())
	}
	return exitUsage
}

// loadRegister reads NDJSON entities strictly and imports them into an
// in-memory register. On failure it reports and returns nil and the exit code.
func loadRegister(ctx context.Context, e *env, file string, lang problem.Lang) (eligibility.Register, int) {
	f, err := os.Open(file)
	if err != nil {
		return nil, failf(e, "eligibility", "--registry: %v", err)
	}
	defer f.Close()
	var (
		entities []registry.Entity
		lines    []int
	)
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64*1024), 16<<20)
	for n := 1; sc.Scan(); n++ {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		dec := json.NewDecoder(bytes.NewReader(line))
		dec.DisallowUnknownFields()
		var ent registry.Entity
		if err := dec.Decode(&ent); err != nil {
			return nil, failf(e, "eligibility", "--registry %s:%d: %v", file, n, err)
		}
		entities = append(entities, ent)
		lines = append(lines, n)
	}
	if err := sc.Err(); err != nil {
		return nil, failf(e, "eligibility", "--registry %s: %v", file, err)
	}
	store := memstore.New()
	reg := wire.Registry(store, wire.Options{})
	if _, err := reg.Import(ctx, registry.Staff("registro eligibility"), entities); err != nil {
		l, ok := problem.AsList(err)
		if !ok {
			return nil, failf(e, "eligibility", "--registry %s: %v", file, err)
		}
		for _, p := range l.Localize(lang) {
			// Import reports entity i under "/i": name the line instead.
			where := file
			if toks, _ := problem.Tokens(p.InstancePath); len(toks) > 0 {
				if i, err := strconv.Atoi(toks[0]); err == nil && i < len(lines) {
					where = fmt.Sprintf("%s:%d", file, lines[i])
					p.InstancePath = problem.Pointer(toks[1:]...)
				}
			}
			fmt.Fprintf(e.stderr, "registro eligibility: --registry %s: %s\n", where, strings.TrimSpace(p.String()))
		}
		return nil, exitUsage
	}
	return reg.ReaderFor(registry.Staff("registro eligibility")), exitOK
}
