package main

import (
	"bufio"
	"bytes"
	"context"

	"encoding/json"
	"errors"
	"fmt"
	"github.com/spf13/cobra"
	"io"
	"iter"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/openregistro/registro/examples/internal/wire"

	"github.com/openregistro/registro/questionnaire"
	"github.com/openregistro/registro/registry"
	"github.com/openregistro/registro/registry/memstore"
	"github.com/openregistro/registro/reporting"
)

// reportFiles is a repeatable --questionnaires flag.
type reportFiles []string

func (f *reportFiles) String() string     { return strings.Join(*f, ",") }
func (f *reportFiles) Set(s string) error { *f = append(*f, s); return nil }
func (f *reportFiles) Type() string       { return "FILE" }

// reportLine is one questionnaire as read: where it came from and its JSON.
type reportLine struct {
	src  string
	line int
	data []byte
}

// reportEnvelope is the optional wrapper of an NDJSON line that carries the
// filing time: {"filedAt": "2025-01-20T10:00:00Z", "document": {…}}.
type reportEnvelope struct {
	FiledAt  *time.Time      `json:"filedAt"`
	Document json.RawMessage `json:"document"`
}

func cmdReport(e *env) *cobra.Command {
	cmd, fs := newCommand("report --year Y [flags] --questionnaires FILE... | -", "build the annual report, yearly list and service indicators for a year",
		"registro report --year 2024 --questionnaires registro-demo/staff/questionnaires.ndjson --format md",
		"registro report --year 2024 --entities registro-demo/staff/entities.ndjson --questionnaires registro-demo/staff/questionnaires.ndjson --region 12 --format html --out report-lazio",
		"registro report --year 2024 --questionnaires registro-demo/staff/questionnaires.ndjson --previous demo-2023/public/report.json --format csv --out report-csv")
	cmd.Long = "Builds the annual report of --year from questionnaires (NDJSON, a directory of .json files, or - for standard input).\n\n" +
		"The report of every scope (the nation, the macro-areas, the regions) is counted in the same pass and the\n" +
		"public ones are protected together, so that the report written (the nation's, or --region's) discloses\n" +
		"nothing when read with the others; --private writes every figure.\n\n" +
		"Exit status 1, nothing written, when the input does not fit: it is empty, holds no questionnaire\n" +
		"(entities given as questionnaires), or no questionnaire of --year; 2 on a usage or I/O error."
	year := fs.Int("year", 0, "reporting year (required)")
	var files reportFiles
	fs.Var(&files, "questionnaires", "questionnaires: an NDJSON file, a directory of .json files, or - for stdin (repeatable; further arguments are more files)")
	entities := fs.String("entities", "", "the register's entities (NDJSON or a JSON array): adds the yearly list per recipient and the service indicators")
	region := fs.String("region", "", "restrict to a region (ISTAT code 01..20) or a macro-area (ITC, ITH, ITI, ITF, ITG)")
	format := formatFlag(fs, "json", "json", "csv", "md", "html")
	out := fs.String("out", "", "write the files to this directory (required for csv) instead of the report on standard output")
	lang := langFlag(fs)
	// The report is published in Italian; --lang en gives English.
	lang.value = "it"
	fs.Lookup("lang").DefValue = "it"
	csvSep := csvSepFlag(fs)
	private := fs.Bool("private", false, "no disclosure control and Section II bodies in the yearly list: for viewers entitled to Section II data")
	threshold := fs.Int("threshold", reporting.DefaultThreshold, "smallest Section II count published")
	previous := fs.String("previous", "", "the previous year's report (JSON, same scope) to compute changes against")
	asOf := fs.String("as-of", "", "day the service indicators describe, YYYY-MM-DD (default: today)")
	workers := fs.Int("workers", 0, "goroutines decoding and counting (0: one per core)")
	cmd.RunE = runs(func(ctx context.Context, args []string) int {
		files = append(files, fs.Args()...)
		switch {
		case *year == 0:
			return failf(e, "report", "--year is required")
		case len(files) == 0:
			return failf(e, "report", "give at least one --questionnaires FILE")
		case format.value == "csv" && *out == "":
			return failf(e, "report", "--format csv writes one file per table: give --out DIR")
		}
		// Every scope of the year (the nation, the macro-areas, the regions)
		// is counted in one pass and the public reports are decided
		// together: a region's report published next to the nation's must
		// not disclose what either hides. The one asked for is written.
		want := reporting.Options{Threshold: *threshold}
		if strings.HasPrefix(strings.ToUpper(*region), "IT") {
			want.MacroArea = strings.ToUpper(*region)
		} else {
			want.Region = *region
		}
		if _, err := reporting.New(*year, want); err != nil {
			return failf(e, "report", "%v", err)
		}
		scopes := reporting.AllScopes(reporting.Options{Threshold: *threshold})
		pick := slices.IndexFunc(scopes, func(o reporting.Options) bool {
			return o.Region == want.Region && o.MacroArea == want.MacroArea
		})
		set, err := reporting.NewSet(*year, scopes)
		if err != nil {
			return failf(e, "report", "%v", err)
		}
		day := time.Now().Format(registry.DateLayout)
		if *asOf != "" {
			day = *asOf
		}
		if _, err := registry.ParseDate(day); err != nil {
			return failf(e, "report", "--as-of: %v", err)
		}
		var prev *reporting.Report
		if *previous != "" {
			b, err := os.ReadFile(*previous)
			if err != nil {
				return failf(e, "report", "%v", err)
			}
			prev = new(reporting.Report)
			if err := json.Unmarshal(b, prev); err != nil {
				return failf(e, "report", "%s: not a report: %v", *previous, err)
			}
		}

		// Read, decode and count on every core.
		var mu sync.Mutex
		var filings []registry.Filing
		keepFilings := *entities != ""
		years := map[int]int{} // documents read per reportingYear (0: none)
		deadline := wire.Registry(memstore.New(), wire.Options{}).Deadline(*year)
		progress := &reportProgress{e: e}
		add := func(a *reporting.Set, l *reportLine) error {
			data, filedAt, err := reportUnwrap(l.data)
			if err == nil {
				var doc questionnaire.Document
				if err = reporting.DecodeDocument(data, &doc); err == nil {
					// A body's resubmission replaces its earlier questionnaire:
					// the latest filed is counted (without a filing time, one
					// of them, the same whatever the input order).
					mu.Lock()
					years[doc.ReportingYear]++
					mu.Unlock()
					var order int64
					if !filedAt.IsZero() {
						order = filedAt.UnixNano()
					}
					a.AddRevision(&doc, order)
					if keepFilings && doc.ReportingYear == *year {
						if filedAt.IsZero() {
							filedAt = deadline // no filing time given: counted as filed in time
						}
						mu.Lock()
						filings = append(filings, registry.Filing{EntityID: doc.Body.RegisterID, FiledAt: filedAt})
						mu.Unlock()
					}
				}
			}
			if err != nil {
				return fmt.Errorf("%s:%d: not a questionnaire: %w", l.src, l.line, err)
			}
			return nil
		}
		if err := reporting.Parallel(ctx, set, reportLines(e, files, progress), *workers, add); err != nil {
			progress.done()
			var se *json.SyntaxError
			if errors.As(err, &se) {
				fmt.Fprintf(e.stderr, "registro report: %v\n", err)
				return exitFindings
			}
			return fail(e, "report", err) // reporting.ErrSyntax is invalid: 1
		}
		progress.done()
		if msg := reportFit(*year, years); msg != "" {
			fmt.Fprintf(e.stderr, "registro report: %s; nothing written\n", msg)
			return exitFindings
		}
		var report *reporting.Report
		if *private {
			report = set.PrivateReports()[pick]
		} else {
			reports, err := set.Reports()
			if err != nil {
				return failf(e, "report", "%v", err)
			}
			report = reports[pick]
		}
		if prev != nil {
			if err := report.Compare(prev); err != nil {
				return failf(e, "report", "--previous: %v", err)
			}
		}

		var extra []reporting.File
		if *entities != "" {
			ents, err := reportReadEntities(*entities)
			if err != nil {
				return failf(e, "report", "%v", err)
			}
			k, err := reporting.NewKPIs(registry.Date(fmt.Sprintf("%04d-01-01", *year)), registry.Date(fmt.Sprintf("%04d-12-31", *year)), registry.Date(day), 0)
			if err != nil {
				return failf(e, "report", "%v", err)
			}
			for i := range ents {
				for _, c := range reporting.Cases(&ents[i]) {
					k.Add(c)
				}
			}
			s := k.Result()
			report.Service = &s
			list, err := reportYearlyList(ctx, ents, *year, filings)
			if err != nil {
				return failf(e, "report", "yearly list: %v", err)
			}
			viewer := registry.Public()
			if *private {
				viewer = registry.Staff("registro report")
			}
			list = list.For(viewer, registry.Date(day))
			switch format.value {
			case "csv":
				extra, err = reporting.YearlyCSVWith(list, csvOptions(csvSep))
			case "md", "html":
				extra = []reporting.File{{Name: "yearly-list.md", Data: reporting.YearlyMarkdown(list, lang.value)}}
			default:
				var b []byte
				b, err = reporting.YearlyJSON(list)
				extra = []reporting.File{{Name: "yearly-list.json", Data: b}}
			}
			if err != nil {
				return failf(e, "report", "%v", err)
			}
		}

		var main []reporting.File
		switch format.value {
		case "json":
			b, err := reporting.JSON(report)
			if err != nil {
				return failf(e, "report", "%v", err)
			}
			main = []reporting.File{{Name: "report.json", Data: b}}
		case "csv":
			main, err = reporting.CSVWith(report, lang.value, csvOptions(csvSep))
			if err != nil {
				return failf(e, "report", "%v", err)
			}
		case "md":
			main = []reporting.File{{Name: "report.md", Data: reporting.Markdown(report, lang.value)}}
		case "html":
			main = []reporting.File{{Name: "report.html", Data: reporting.HTML(report, lang.value)}}
		}
		if *out == "" {
			if _, err := e.stdout.Write(main[0].Data); err != nil {
				return failf(e, "report", "%v", err)
			}
			if len(extra) > 0 {
				fmt.Fprintln(e.stderr, "registro report: the yearly list is written only with --out DIR")
			}
			return exitOK
		}
		for _, f := range append(main, extra...) {
			path := filepath.Join(*out, filepath.FromSlash(f.Name))
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				return failf(e, "report", "%v", err)
			}
			if err := os.WriteFile(path, f.Data, 0o644); err != nil {
				return failf(e, "report", "%v", err)
			}
		}
		read := 0
		for _, n := range years {
			read += n
		}
		fmt.Fprintf(e.stderr, "registro report: %d questionnaires read, %d files in %s\n", read, len(main)+len(extra), *out)
		return exitOK
	})
	return cmd
}

// reportUnwrap returns the document of an NDJSON line and, for an envelope
// {"filedAt", "document"}, the filing time.
func reportUnwrap(b []byte) ([]byte, time.Time, error) {
	if !bytes.Contains(b, []byte(`"document"`)) {
		return b, time.Time{}, nil
	}
	var env reportEnvelope
	if err := json.Unmarshal(b, &env); err != nil {
		return nil, time.Time{}, err
	}
	if len(env.Document) == 0 {
		return b, time.Time{}, nil
	}
	var at time.Time
	if env.FiledAt != nil {
		at = *env.FiledAt
	}
	return env.Document, at, nil
}

// reportLines yields the questionnaires of every file: NDJSON lines (blank
// lines skipped), or each .json file of a directory as one questionnaire.
func reportLines(e *env, files []string, p *reportProgress) iter.Seq2[reportLine, error] {
	return func(yield func(reportLine, error) bool) {
		for _, name := range files {
			var r io.Reader
			if name == "-" {
				r = e.stdin
			} else {
				st, err := os.Stat(name)
				if err != nil {
					yield(reportLine{}, err)
					return
				}
				if st.IsDir() {
					paths, err := filepath.Glob(filepath.Join(name, "*.json"))
					if err != nil {
						yield(reportLine{}, err)
						return
					}
					sort.Strings(paths)
					for _, path := range paths {
						b, err := os.ReadFile(path)
						if err != nil {
							yield(reportLine{}, err)
							return
						}
						p.tick()
						if !yield(reportLine{src: path, line: 1, data: b}, nil) {
							return
						}
					}
					continue
				}
				f, err := os.Open(name)
				if err != nil {
					yield(reportLine{}, err)
					return
				}
				defer f.Close()
				r = f
			}
			br := bufio.NewReaderSize(r, 1<<20)
			for n := 1; ; n++ {
				line, err := br.ReadBytes('\n')
				if len(bytes.TrimSpace(line)) > 0 {
					p.tick()
					if !yield(reportLine{src: name, line: n, data: line}, nil) {
						return
					}
				}
				if err == io.EOF {
					break
				}
				if err != nil {
					yield(reportLine{}, fmt.Errorf("%s: %w", name, err))
					return
				}
			}
		}
	}
}

// reportReadEntities reads entities as NDJSON or as one JSON array.
func reportReadEntities(name string) ([]registry.Entity, error) {
	b, err := os.ReadFile(name)
	if err != nil {
		return nil, err
	}
	if t := bytes.TrimSpace(b); len(t) > 0 && t[0] == '[' {
		var out []registry.Entity
		if err := json.Unmarshal(t, &out); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		return out, nil
	}
	var out []registry.Entity
	dec := json.NewDecoder(bytes.NewReader(b))
	for {
		var e registry.Entity
		err := dec.Decode(&e)
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s: entity %d: %w", name, len(out)+1, err)
		}
		out = append(out, e)
	}
}

// reportYearlyList loads the entities into an in-memory register and runs
// its yearly update with the filings read.
func reportYearlyList(ctx context.Context, ents []registry.Entity, year int, filings []registry.Filing) (registry.YearlyList, error) {
	for _, en := range ents {
		if en.ID == "" {
			return registry.YearlyList{}, fmt.Errorf("entity %q has no id", en.Name)
		}
	}
	store, err := memstore.Load(ents)
	if err != nil {
		return registry.YearlyList{}, err
	}
	return wire.Registry(store, wire.Options{}).YearlyUpdate(ctx, registry.Staff("registro report"), year, filings)
}

// reportProgress prints a count of questionnaires read on a terminal.
type reportProgress struct {
	e     *env
	n     int64
	shown bool
}

func (p *reportProgress) tick() {
	p.n++
	if p.e.isTerminal && p.n%1000 == 0 {
		fmt.Fprintf(p.e.stderr, "\rregistro report: %d questionnaires read", p.n)
		p.shown = true
	}
}

func (p *reportProgress) done() {
	if p.shown {
		fmt.Fprintf(p.e.stderr, "\rregistro report: %d questionnaires read\n", p.n)
	}
}

// reportFit says why the documents read (counted per reportingYear, 0 for a
// document without one) cannot make a report for year, or "" when some are
// questionnaires of that year: no input at all, no questionnaire (entities
// given as questionnaires, say), or questionnaires of other years only.
func reportFit(year int, years map[int]int) string {
	total := 0
	for _, n := range years {
		total += n
	}
	switch {
	case total == 0:
		return "the input holds no questionnaire (empty)"
	case years[year] > 0:
		return ""
	case years[0] == total:
		return fmt.Sprintf("none of the %d documents read is an annual questionnaire (no reportingYear): entities go to --entities", total)
	}
	var found []string
	for _, y := range slices.Sorted(maps.Keys(years)) {
		if y != 0 {
			found = append(found, fmt.Sprintf("%d: %d", y, years[y]))
		}
	}
	return fmt.Sprintf("none of the %d questionnaires read is for %d (reporting years found: %s)", total, year, strings.Join(found, ", "))
}
