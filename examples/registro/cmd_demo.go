package main

import (
	"context"

	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/spf13/cobra"

	"github.com/openregistro/registro/examples/internal/wire"

	"github.com/openregistro/registro/eligibility"
	"github.com/openregistro/registro/examples/synth"
	"github.com/openregistro/registro/questionnaire"
	"github.com/openregistro/registro/registry"
	"github.com/openregistro/registro/reporting"
	"github.com/openregistro/registro/schemas/problem"
)

// demoConfig is what "registro demo" runs.
type demoConfig struct {
	year  int
	seed  uint64
	scale float64
	db    string // DSN; "" means sqlite:OUT/registro.db, recreated
	out   string
	lang  string // of the messages
	// filesLang is the language of the files' headers and labels.
	filesLang string
	// csv is the encoding of the CSV files.
	csv reporting.CSVOptions
}

// demoSummary is what the demo did, printed at the end and checked by tests.
type demoSummary struct {
	Year            int    `json:"year"`
	Bodies          int    `json:"bodies"`
	Applications    int    `json:"applications"`
	Enrolled        int    `json:"enrolled"`
	Rejected        int    `json:"rejected"`
	Pending         int    `json:"pending"`
	Filings         int    `json:"filings"`
	Late            int    `json:"late"`
	InvalidFilings  int    `json:"invalidFilings"`
	Checked         int    `json:"checked"`
	Eligible        int    `json:"eligible"`
	NotEligible     int    `json:"notEligible"`
	Incomplete      int    `json:"incomplete"`
	Regular         int    `json:"regular"`
	Excluded        int    `json:"excluded"`
	ReportFilings   int64  `json:"reportFilings"`
	DB              string `json:"db"`
	Out             string `json:"out"`
	ElapsedMillisec int64  `json:"elapsedMs"`
	// Files are the files the demo wrote, relative to Out, in the order
	// written.
	Files []string `json:"files"`
}

func cmdDemo(e *env) *cobra.Command {
	cmd, fs := newCommand("demo [flags]", "generate a realistic register, file its reports, build the yearly list and the report",
		"registro demo",
		"registro demo --year 2023 --seed 7 --scale 0.1 --out demo-2023")
	cfg := demoConfig{}
	fs.IntVar(&cfg.year, "year", 2024, fmt.Sprintf("reporting year (%d–%d)", synth.Years()[0], synth.Years()[len(synth.Years())-1]))
	fs.Uint64Var(&cfg.seed, "seed", 1, "random seed: the same seed gives the same register")
	fs.Float64Var(&cfg.scale, "scale", 1, "size relative to the published register (1 = as published)")
	fs.StringVar(&cfg.db, "db", "", "store: sqlite:PATH, a file path or postgres://… (default: sqlite:OUT/registro.db, recreated)")
	fs.StringVar(&cfg.out, "out", "registro-demo", "output directory")
	lang := langFlag(fs)
	filesLang := newChoice("it", "it", "en")
	fs.Var(filesLang, "files-lang", "language of the files written (headers, labels): it|en")
	csvSep := csvSepFlag(fs)
	cmd.RunE = runs(func(ctx context.Context, args []string) int {
		if fs.NArg() > 0 {
			return failf(e, "demo", "unexpected arguments %q", fs.Args())
		}
		cfg.lang, cfg.filesLang, cfg.csv = lang.String(), filesLang.String(), csvOptions(csvSep)
		start := time.Now()
		prog := newProgress(e, "demo")
		sum, err := runDemo(ctx, cfg, prog)
		prog.done()
		if err != nil {
			return failf(e, "demo", "%v", err)
		}
		sum.ElapsedMillisec = time.Since(start).Milliseconds()
		w := e.stdout
		it := cfg.lang == "it"
		say := func(itText, enText string, a ...any) {
			if it {
				fmt.Fprintf(w, itText+"\n", a...)
			} else {
				fmt.Fprintf(w, enText+"\n", a...)
			}
		}
		say("Registro demo, anno di riferimento %d (seed %d)", "Registro demo, reporting year %d (seed %d)", sum.Year, cfg.seed)
		say("  enti: %d; domande: %d (iscritte %d, respinte %d, in istruttoria %d)",
			"  bodies: %d; applications: %d (enrolled %d, rejected %d, pending %d)",
			sum.Bodies, sum.Applications, sum.Enrolled, sum.Rejected, sum.Pending)
		say("  requisiti (domande dell'anno, alla decisione): %d verificate, %d ammissibili, %d non ammissibili, %d incomplete",
			"  requirements (the year's applications, at decision): %d checked, %d eligible, %d not eligible, %d incomplete",
			sum.Checked, sum.Eligible, sum.NotEligible, sum.Incomplete)
		say("  relazioni annuali: %d (tardive %d, non valide %d)", "  annual reports: %d (late %d, invalid %d)", sum.Filings, sum.Late, sum.InvalidFilings)
		say("  elenco annuale: %d regolarmente iscritti, %d esclusi", "  yearly list: %d regularly enrolled, %d excluded", sum.Regular, sum.Excluded)
		say("  database: %s", "  database: %s", sum.DB)
		say("  in %.1f s. Aprire il rapporto: %s", "  done in %.1f s. Open the report: %s", float64(sum.ElapsedMillisec)/1000, filepath.Join(sum.Out, "public", "report.html"))
		say("  Pubblico (%s): report.json, report.md, csv/, yearly-list/ (solo sezione I, campi pubblicati)",
			"  Public (%s): report.json, report.md, csv/, yearly-list/ (Section I only, published fields)", filepath.Join(sum.Out, "public"))
		say("  Riservato al ministero (%s): yearly-list/, entities.ndjson, questionnaires.ndjson, filings.ndjson, eligibility.ndjson",
			"  Ministry only (%s): yearly-list/, entities.ndjson, questionnaires.ndjson, filings.ndjson, eligibility.ndjson", filepath.Join(sum.Out, "staff"))
		say("  File scritti (%d), in %s:", "  Files written (%d), under %s:", len(sum.Files), sum.Out)
		for _, f := range sum.Files {
			fmt.Fprintln(w, "    "+f)
		}
		return exitOK
	})
	return cmd
}

// The labels of the demo's two output folders.
const (
	publicReadme = `# Registro demo: public outputs

What anyone may see: the annual report with small Section II counts suppressed
(report.html, report.json, report.md, csv/), the same for every macro-area
(macro-areas/CODE/) and region (regions/CODE/), all protected together so that
no report discloses what another hides, and the yearly list of regularly
enrolled bodies as the public sees it (yearly-list/: Section I bodies only,
published fields, no codici fiscali). Section II is given only on a motivated
request (art. 52 and 54 DPR 394/1999).
`
	staffReadme = `# Registro demo: ministry only — not for publication

Personal data and Section II bodies: the complete yearly list (yearly-list/),
every body as stored (entities.ndjson), the annual reports as filed
(questionnaires.ndjson, filings.ndjson) and the eligibility decisions
(eligibility.ndjson). Share nothing here outside the ministry's staff.
`
)

// runDemo generates the register, stores it through the Registry, files every
// questionnaire through the questionnaire desk (recording each filing in the
// register's log), runs the yearly update from that log and the report, and
// writes everything under cfg.out.
func runDemo(ctx context.Context, cfg demoConfig, prog *progress) (demoSummary, error) {
	sum := demoSummary{Year: cfg.year, Out: cfg.out}
	gen, err := synth.Generate(synth.Config{Year: cfg.year, Seed: cfg.seed, Scale: cfg.scale})
	if err != nil {
		return sum, err
	}
	pub, staff := filepath.Join(cfg.out, "public"), filepath.Join(cfg.out, "staff")
	for dir, readme := range map[string]string{pub: publicReadme, staff: staffReadme} {
		// A second demo into the same directory starts afresh.
		if err := os.RemoveAll(dir); err != nil {
			return sum, err
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return sum, err
		}
		if err := os.WriteFile(filepath.Join(dir, "README.md"), []byte(readme), 0o644); err != nil {
			return sum, err
		}
	}
	wrote := func(paths ...string) {
		for _, p := range paths {
			if rel, err := filepath.Rel(cfg.out, p); err == nil {
				p = rel
			}
			sum.Files = append(sum.Files, filepath.ToSlash(p))
		}
	}
	wrote(filepath.Join(pub, "README.md"), filepath.Join(staff, "README.md"))
	dsn := cfg.db
	if dsn == "" {
		path := filepath.Join(cfg.out, "registro.db")
		for _, suffix := range []string{"", "-wal", "-shm"} {
			if err := os.Remove(path + suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
				return sum, err
			}
		}
		dsn = "sqlite:" + path
		wrote(path)
	}
	sum.DB = dsn
	store, err := openStore(ctx, dsn)
	if err != nil {
		return sum, err
	}
	defer store.Close()
	if page, err := store.Entities(ctx, registry.Filter{Limit: 1}); err != nil {
		return sum, err
	} else if len(page.Entities) > 0 {
		return sum, fmt.Errorf("database %s already holds a register: the demo needs an empty one", dsn)
	}

	// The register runs on the demo's own clock, moved along the timeline.
	clock := &synth.Clock{}
	seq := 0
	reg := wire.Registry(store, wire.Options{
		Now:   clock.Now,
		NewID: func() string { seq++; return fmt.Sprintf("R%06d", seq) },
	})
	var decisions []*eligibility.Decision
	ids, err := replayRegister(ctx, reg, gen, clock, &sum, prog, func(d *eligibility.Decision) { decisions = append(decisions, d) })
	if err != nil {
		return sum, err
	}
	wrote(filepath.Join(staff, "eligibility.ndjson"))
	if err := writeLines(filepath.Join(staff, "eligibility.ndjson"), func(emit func(any) error) error {
		for _, d := range decisions {
			if err := emit(d); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		return sum, err
	}

	// File every questionnaire through the desk: validation (with the
	// register-aware rules), deadline, late flag, history.
	v, err := questionnaire.New(questionnaire.Options{Lists: reg.CodeLists(), Territory: reg.Territory()})
	if err != nil {
		return sum, err
	}
	desk := questionnaire.NewDesk(v, store.Filings(), reg)
	type plannedFiling struct {
		body *synth.Body
		id   string
	}
	var plans []plannedFiling
	for i := range gen.Bodies {
		b := &gen.Bodies[i]
		if b.Filing != nil {
			plans = append(plans, plannedFiling{b, ids[b.Entity.CodiceFiscale]})
		}
	}
	sort.SliceStable(plans, func(i, j int) bool { return plans[i].body.Filing.FiledAt.Before(plans[j].body.Filing.FiledAt) })
	prog.start("filing", len(plans))
	for _, p := range plans {
		prog.add(1)
		doc := p.body.Filing.Document
		doc.Body.RegisterID = p.id
		data, err := v.Marshal(&doc)
		if err != nil {
			return sum, err
		}
		clock.Set(p.body.Filing.FiledAt)
		filer := registry.Body(doc.Filer.TaxCode, p.id) // the body files its own report
		f, err := desk.FileAs(ctx, filer, cfg.year, data, p.body.Filing.FiledAt)
		if errors.Is(err, problem.ErrInvalid) {
			sum.InvalidFilings++
			continue
		}
		if err != nil {
			return sum, fmt.Errorf("filing for %s: %w", p.body.Entity.Name, err)
		}
		sum.Filings++
		if f.Late {
			sum.Late++
		}
	}

	// The yearly list as of the deadline, for the ministry (every section).
	clock.Set(reg.Deadline(cfg.year).Add(time.Nanosecond))
	filed, err := reg.FiledReports(ctx, cfg.year)
	if err != nil {
		return sum, err
	}
	list, err := reg.YearlyUpdate(ctx, registry.Staff("demo"), cfg.year, filed)
	if err != nil {
		return sum, err
	}
	sum.Regular, sum.Excluded = list.Totals()
	paths, err := writeYearlyList(filepath.Join(staff, "yearly-list"), list, cfg.filesLang, cfg.csv)
	if err != nil {
		return sum, err
	}
	wrote(paths...)
	// The same list as the public sees it: the register's one policy.
	paths, err = writeYearlyList(filepath.Join(pub, "yearly-list"), list.For(registry.Public(), list.Deadline), cfg.filesLang, cfg.csv)
	if err != nil {
		return sum, err
	}
	wrote(paths...)

	// The reports, public (Section II cells suppressed), of the nation and
	// of every macro-area and region, from the stored filings, streamed
	// and aggregated on every core in one pass and protected together:
	// the nation's in public/, the others in public/macro-areas/CODE/ and
	// public/regions/CODE/.
	reps, err := buildReports(ctx, cfg.year, reporting.Options{Lists: reg.CodeLists(), Territory: reg.Territory()}, store.Filings().Year(ctx, cfg.year), reg, prog)
	if err != nil {
		return sum, err
	}
	if rep := reps[0]; rep.Filings != nil { // absent when it would disclose a suppressed cell
		sum.ReportFilings = *rep.Filings
	}
	for _, rep := range reps {
		dir, formats := pub, []string{"json", "csv", "html", "md"}
		switch rep.Scope.Kind {
		case reporting.ScopeMacroArea:
			dir, formats = filepath.Join(pub, "macro-areas", rep.Scope.Code), []string{"json", "html", "md"}
		case reporting.ScopeRegion:
			dir, formats = filepath.Join(pub, "regions", rep.Scope.Code), []string{"json", "html", "md"}
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return sum, err
		}
		paths, err = writeReport(dir, rep, formats, cfg.filesLang, cfg.csv)
		if err != nil {
			return sum, err
		}
		wrote(paths...)
	}
	paths, err = exportAll(ctx, store, store.Filings(), cfg.year, staff)
	if err != nil {
		return sum, err
	}
	wrote(paths...)
	return sum, nil
}

// replayRegister replays the generated register through reg (see
// synth.Register.Replay). The applications of the reporting year are
// decided by the rules: at the decision date the reviewer evaluates the
// stored application with package eligibility, enrols an eligible body,
// rejects one that is not and keeps an incomplete one under review; every
// decision goes to decided. It returns the register ID of every body by
// codice fiscale.
func replayRegister(ctx context.Context, reg *registry.Registry, gen *synth.Register, clock *synth.Clock, sum *demoSummary, prog *progress, decided func(*eligibility.Decision)) (map[string]string, error) {
	checker := eligibility.New(reg.ReaderFor(registry.Staff("registro demo")), eligibility.Options{Codelists: reg.CodeLists(), Territory: reg.Territory()})
	steps := 0
	for _, b := range gen.Bodies {
		steps++
		if !b.DecidedOn.IsZero() {
			steps++
		}
	}
	prog.start("register", steps)
	done, err := gen.Replay(ctx, reg, synth.ReplayOptions{
		SetClock:  clock.Set,
		Step:      func() { prog.add(1) },
		Applicant: "applicant",
		Staff:     "staff:demo",
		Decide: func(ctx context.Context, b *synth.Body, id string, at time.Time) (registry.Status, error) {
			if b.AppliedOn.Year() != gen.Year {
				return b.Outcome, nil
			}
			d, err := review(ctx, checker, reg, id, at)
			if err != nil {
				return "", err
			}
			decided(d)
			sum.Checked++
			switch d.Verdict {
			case eligibility.Eligible:
				sum.Eligible++
				return registry.StatusEnrolled, nil
			case eligibility.NotEligible:
				sum.NotEligible++
				return registry.StatusRejected, nil
			}
			sum.Incomplete++
			return registry.StatusUnderReview, nil
		},
	})
	if err != nil {
		return nil, err
	}
	sum.Bodies, sum.Applications = done.Applied, done.Applied
	sum.Enrolled, sum.Rejected = done.Enrolled, done.Rejected
	sum.Pending = done.Applied - done.Enrolled - done.Rejected
	return done.IDs, nil
}

// review evaluates the latest stored application of body id as of at.
func review(ctx context.Context, checker *eligibility.Checker, reg *registry.Registry, id string, at time.Time) (*eligibility.Decision, error) {
	apps, err := reg.Applications(ctx, registry.Staff("registro demo"), id)
	if err != nil {
		return nil, err
	}
	if len(apps) == 0 {
		return nil, fmt.Errorf("no application for %s: %w", id, registry.ErrNotFound)
	}
	return checker.Evaluate(ctx, &eligibility.Application{Application: apps[len(apps)-1]}, at)
}

// buildReports aggregates the filings of year on every core, in one pass
// for every scope (reporting.AllScopes: the nation first, then the
// macro-areas and the regions), and returns their public reports, decided
// together (reporting.Set.Reports); the nation's gets the service KPIs
// computed from the register's enrolment histories.
func buildReports(ctx context.Context, year int, opts reporting.Options, filings func(func(questionnaire.Filing, error) bool), reg *registry.Registry, prog *progress) ([]*reporting.Report, error) {
	set, err := reporting.NewSet(year, reporting.AllScopes(opts))
	if err != nil {
		return nil, err
	}
	prog.start("report", -1)
	err = reporting.Parallel(ctx, set, filings, 0, func(s *reporting.Set, f *questionnaire.Filing) error {
		var doc questionnaire.Document
		if err := reporting.DecodeDocument(f.Document, &doc); err != nil {
			return fmt.Errorf("filing of %s: %w", f.BodyTaxCode, err)
		}
		s.AddRevision(&doc, int64(f.Revision))
		prog.add(1)
		return nil
	})
	if err != nil {
		return nil, err
	}
	reps, err := set.Reports()
	if err != nil {
		return nil, err
	}
	if reg != nil {
		kpis, err := serviceKPIs(ctx, reg, year)
		if err != nil {
			return nil, err
		}
		reps[0].Service = &kpis
	}
	return reps, nil
}

// serviceKPIs computes the ministry's indicators for the applications
// received in year, as things stood at the filing deadline.
func serviceKPIs(ctx context.Context, reg *registry.Registry, year int) (reporting.ServiceKPIs, error) {
	from := registry.Date(fmt.Sprintf("%04d-01-01", year))
	to := registry.Date(fmt.Sprintf("%04d-12-31", year))
	k, err := reporting.NewKPIs(from, to, reg.FilingDeadline(year), 0)
	if err != nil {
		return reporting.ServiceKPIs{}, err
	}
	f := registry.Filter{Limit: registry.MaxLimit}
	for {
		page, err := reg.Entities(ctx, registry.Staff("registro demo"), f)
		if err != nil {
			return reporting.ServiceKPIs{}, err
		}
		for i := range page.Entities {
			for _, c := range reporting.Cases(&page.Entities[i]) {
				k.Add(c)
			}
		}
		if page.Next == "" {
			return k.Result(), nil
		}
		f.Cursor = page.Next
	}
}

// writeReport renders rep in each format under dir, in lang, CSV files
// encoded as o says, and returns the paths it wrote.
func writeReport(dir string, rep *reporting.Report, formats []string, lang string, o reporting.CSVOptions) ([]string, error) {
	var paths []string
	write := func(name string, data []byte) error {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			return err
		}
		paths = append(paths, p)
		return nil
	}
	for _, f := range formats {
		var err error
		switch f {
		case "json":
			var b []byte
			if b, err = reporting.JSON(rep); err == nil {
				err = write("report.json", b)
			}
		case "html":
			err = write("report.html", reporting.HTML(rep, lang))
		case "md":
			err = write("report.md", reporting.Markdown(rep, lang))
		case "csv":
			var files []reporting.File
			if files, err = reporting.CSVWith(rep, lang, o); err != nil {
				return nil, err
			}
			if err := os.MkdirAll(filepath.Join(dir, "csv"), 0o755); err != nil {
				return nil, err
			}
			for _, file := range files {
				if err := write(filepath.Join("csv", file.Name), file.Data); err != nil {
					return nil, err
				}
			}
		default:
			err = fmt.Errorf("unknown report format %q", f)
		}
		if err != nil {
			return nil, err
		}
	}
	return paths, nil
}
