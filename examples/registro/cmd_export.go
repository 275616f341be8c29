package main

import (
	"bufio"
	"bytes"
	"context"

	"encoding/csv"
	"encoding/json"
	"fmt"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/openregistro/registro/examples/internal/wire"

	"github.com/xuri/excelize/v2"

	"github.com/openregistro/registro/questionnaire"
	"github.com/openregistro/registro/registry"
	"github.com/openregistro/registro/registry/codelist"
	"github.com/openregistro/registro/registry/codicefiscale"
	"github.com/openregistro/registro/registry/territory"
	"github.com/openregistro/registro/reporting"
	"github.com/openregistro/registro/schemas/problem"
)

// filingRecord is one line of filings.ndjson: a filing with its metadata, so
// that an export imports back unchanged.
type filingRecord struct {
	BodyTaxCode  string          `json:"bodyTaxCode"`
	Year         int             `json:"year"`
	Revision     int             `json:"revision"`
	FiledAt      time.Time       `json:"filedAt"`
	FilerTaxCode string          `json:"filerTaxCode"`
	Late         bool            `json:"late,omitempty"`
	Document     json.RawMessage `json:"document"`
}

// exportAll writes entities.ndjson (every entity, as stored),
// questionnaires.ndjson (the current document of every filing of year, one
// per line, as "registro validate" and "registro report" read them) and
// filings.ndjson (the same filings with their metadata) under dir, and
// returns the paths it wrote.
func exportAll(ctx context.Context, store registry.Store, filings questionnaire.FilingStore, year int, dir string) ([]string, error) {
	paths := []string{filepath.Join(dir, "entities.ndjson"), filepath.Join(dir, "questionnaires.ndjson"), filepath.Join(dir, "filings.ndjson")}
	if err := writeLines(paths[0], func(emit func(any) error) error {
		return eachEntity(ctx, store, func(e *registry.Entity) error { return emit(e) })
	}); err != nil {
		return nil, err
	}
	if err := writeLines(paths[1], func(emit func(any) error) error {
		for f, err := range filings.Year(ctx, year) {
			if err != nil {
				return err
			}
			if err := emit(json.RawMessage(f.Document)); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		return nil, err
	}
	return paths, writeLines(paths[2], func(emit func(any) error) error {
		for f, err := range filings.Year(ctx, year) {
			if err != nil {
				return err
			}
			if err := emit(filingRecord{f.BodyTaxCode, f.Year, f.Revision, f.FiledAt, f.FilerTaxCode, f.Late, f.Document}); err != nil {
				return err
			}
		}
		return nil
	})
}

// eachEntity calls fn on every entity of store, page by page.
func eachEntity(ctx context.Context, store registry.Store, fn func(*registry.Entity) error) error {
	f := registry.Filter{Limit: registry.MaxLimit}
	for {
		page, err := store.Entities(ctx, f)
		if err != nil {
			return err
		}
		for i := range page.Entities {
			if err := fn(&page.Entities[i]); err != nil {
				return err
			}
		}
		if page.Next == "" {
			return nil
		}
		f.Cursor = page.Next
	}
}

// writeLines writes one JSON value per line to path.
func writeLines(path string, each func(emit func(v any) error) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	if err := each(func(v any) error { return enc.Encode(v) }); err != nil {
		f.Close()
		return err
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// yearlyListHeader names the columns of the yearly list's CSV files, per
// language.
var yearlyListHeader = map[string][]string{
	"it": {"stato", "motivo", "id", "denominazione", "codice_fiscale", "forma_giuridica", "comune", "provincia", "sezioni", "data_relazione"},
	"en": {"status", "reason", "id", "name", "codice_fiscale", "legal_form", "comune", "province", "sections", "filed_on"},
}

// yearlyListTitles are the column titles of the yearly list's XLSX files,
// per language, in the order of yearlyListHeader.
var yearlyListTitles = map[string][]string{
	"it": {"Stato", "Motivo", "ID", "Denominazione", "Codice fiscale", "Forma giuridica", "Comune", "Provincia", "Sezioni", "Data della relazione annuale"},
	"en": {"Status", "Reason", "ID", "Name", "Codice fiscale", "Legal form", "Comune", "Province", "Sections", "Annual report filed on"},
}

// yearlyListDateColumn is the index of the yearly list's date column.
const yearlyListDateColumn = 9

// yearlyListRows turns one recipient's list into rows (regular first).
func yearlyListRows(rl registry.RecipientList, lang string) [][]string {
	forms := codelist.Default().MustList(codelist.LegalForm)
	terr := territory.Default()
	status := map[bool]map[string]string{true: {"it": "regolare", "en": "regular"}, false: {"it": "escluso", "en": "excluded"}}
	reasons := map[string]problem.Text{
		registry.ReasonNotFiled: {IT: "relazione annuale non presentata", EN: "annual report not filed"},
		registry.ReasonLate:     {IT: "relazione annuale presentata dopo la scadenza", EN: "annual report filed after the deadline"},
	}
	var rows [][]string
	add := func(l registry.Listed, regular bool) {
		comune := l.Comune
		if h := terr.ComuneHistory(l.Comune); len(h) > 0 {
			comune = h[len(h)-1].Name // current, or as it was when suppressed
		}
		var secs []string
		for _, s := range l.Sections {
			secs = append(secs, s.String())
		}
		reason := ""
		if l.Reason != "" {
			reason = reasons[l.Reason].In(problem.Lang(lang))
			if reason == "" {
				reason = l.Reason
			}
		}
		rows = append(rows, []string{status[regular][lang], reason, l.ID, l.Name, l.CodiceFiscale,
			forms.Label(l.LegalForm, lang), comune, l.Province, strings.Join(secs, "+"), string(l.FiledOn)})
	}
	for _, l := range rl.Regular {
		add(l, true)
	}
	for _, l := range rl.Excluded {
		add(l, false)
	}
	return rows
}

// writeYearlyList writes one CSV and one XLSX file per recipient (regions and
// autonomous provinces) under dir, named CODE-name.csv/.xlsx, in lang, the
// CSV files encoded as o says, and returns the paths it wrote.
func writeYearlyList(dir string, list registry.YearlyList, lang string, o reporting.CSVOptions) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	var paths []string
	for _, rl := range list.Recipients {
		base := filepath.Join(dir, rl.Recipient.Code+"-"+fileSlug(rl.Recipient.Name))
		rows := yearlyListRows(rl, lang)
		if err := writeCSVFile(base+".csv", yearlyListHeader[lang], rows, o); err != nil {
			return nil, err
		}
		if err := writeXLSXFile(base+".xlsx", fmt.Sprintf("%d", list.Year), yearlyListTitles[lang], rows, lang, yearlyListDateColumn); err != nil {
			return nil, err
		}
		paths = append(paths, base+".csv", base+".xlsx")
	}
	return paths, nil
}

// writeCSVFile writes a CSV file encoded as o says: a UTF-8 byte order mark
// unless o.NoBOM, ';' between fields with o.Semicolon.
func writeCSVFile(path string, header []string, rows [][]string, o reporting.CSVOptions) error {
	var buf bytes.Buffer
	if !o.NoBOM {
		buf.WriteString("\ufeff")
	}
	w := csv.NewWriter(&buf)
	if o.Semicolon {
		w.Comma = ';'
	}
	_ = w.Write(header)
	_ = w.WriteAll(rows) // WriteAll flushes; the error surfaces below
	if err := w.Error(); err != nil {
		return err
	}
	return writeFile0644(path, buf.Bytes())
}

// writeFile0644 writes data to path, readable by everyone (mode 0644 even
// when path existed with another mode).
func writeFile0644(path string, data []byte) error {
	if err := os.WriteFile(path, data, 0o644); err != nil {
		return err
	}
	return os.Chmod(path, 0o644)
}

// writeXLSXFile writes a one-sheet workbook as regional offices open it in a
// spreadsheet: a bold, frozen header row with titles (Italian by default),
// an autofilter, columns as wide as their content, and the columns
// dateCols holding real dates (formatted dd/mm/yyyy in Italian,
// yyyy-mm-dd in English) rather than text. The file has mode 0644.
func writeXLSXFile(path, sheet string, header []string, rows [][]string, lang string, dateCols ...int) error {
	x := excelize.NewFile()
	defer x.Close()
	if err := x.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	bold, err := x.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	dateFormat := "dd/mm/yyyy"
	if lang == "en" {
		dateFormat = "yyyy-mm-dd"
	}
	dateStyle, err := x.NewStyle(&excelize.Style{CustomNumFmt: &dateFormat})
	if err != nil {
		return err
	}
	isDate := map[int]bool{}
	for _, c := range dateCols {
		isDate[c] = true
	}
	widths := make([]int, len(header))
	measure := func(j int, v string) {
		if n := utf8.RuneCountInString(v); j < len(widths) && n > widths[j] {
			widths[j] = n
		}
	}
	row := func(i int, cells []string, header bool) error {
		vals := make([]any, len(cells))
		for j, v := range cells {
			measure(j, v)
			vals[j] = v
			if !header && isDate[j] && v != "" {
				if d, err := time.Parse(time.DateOnly, v); err == nil {
					vals[j] = d
				}
			}
		}
		cell, err := excelize.CoordinatesToCellName(1, i)
		if err != nil {
			return err
		}
		return x.SetSheetRow(sheet, cell, &vals)
	}
	if err := row(1, header, true); err != nil {
		return err
	}
	for i, r := range rows {
		if err := row(i+2, r, false); err != nil {
			return err
		}
	}
	lastHeader, _ := excelize.CoordinatesToCellName(len(header), 1)
	last, _ := excelize.CoordinatesToCellName(len(header), len(rows)+1)
	errs := []error{
		x.SetCellStyle(sheet, "A1", lastHeader, bold),
		x.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}),
		x.AutoFilter(sheet, "A1:"+last, nil),
	}
	for j, w := range widths {
		col, _ := excelize.ColumnNumberToName(j + 1)
		if isDate[j] {
			w = max(w, 10)
			if len(rows) > 0 {
				errs = append(errs, x.SetCellStyle(sheet, col+"2", fmt.Sprintf("%s%d", col, len(rows)+1), dateStyle))
			}
		}
		// Room for the autofilter button; no column wider than 60.
		errs = append(errs, x.SetColWidth(sheet, col, col, float64(min(w+4, 60))))
	}
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	buf, err := x.WriteToBuffer()
	if err != nil {
		return err
	}
	return writeFile0644(path, buf.Bytes())
}

func fileSlug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(territory.Fold(s)) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	return strings.TrimSuffix(b.String(), "-")
}

func cmdExport(e *env) *cobra.Command {
	cmd, fs := newCommand("export --db DSN [flags] [entities|filings|yearly-list]...", "export entities, filings (NDJSON) and the yearly list (CSV, XLSX) from a store",
		"registro export --db sqlite:registro-demo/registro.db --year 2024 --out export-public",
		"registro export --db sqlite:registro-demo/registro.db --viewer staff --year 2024 --out export-staff",
		"registro export --db sqlite:registro-demo/registro.db --year 2024 --csv-sep semicolon --out export-excel yearly-list")
	cmd.Long = "Exports from a store what the viewer may have: entities (NDJSON), filings (NDJSON, staff only)\n" +
		"and the yearly list (one CSV and one XLSX per recipient). Without a list: entities and the yearly\n" +
		"list, and the filings too with --viewer staff.\n\n" +
		"Exit status 1, nothing written, when no annual report of --year is recorded in the store\n" +
		"(a year without data); 2 on a usage or I/O error."
	db := fs.String("db", "", "store: sqlite:PATH, a file path or postgres://…")
	year := fs.Int("year", 0, "reporting year of the filings and of the yearly list (required for filings and yearly-list)")
	out := fs.String("out", ".", "output directory")
	viewer := newChoice("public", "public", "staff")
	fs.Var(viewer, "viewer", "who the export is for: public (Section I bodies, published fields only; no filings) or staff (everything)")
	// The files are for Italian offices: Italian unless asked otherwise.
	lang := newChoice("it", "it", "en")
	fs.Var(lang, "lang", "language of the files written (headers, labels): it|en")
	csvSep := csvSepFlag(fs)
	cmd.RunE = runs(func(ctx context.Context, args []string) int {
		what := fs.Args()
		if len(what) == 0 {
			// Everything the viewer may have: filings are for staff only.
			what = []string{"entities", "yearly-list"}
			if viewer.String() == "staff" {
				what = []string{"entities", "filings", "yearly-list"}
			}
		}
		for _, w := range what {
			if w != "entities" && w != "filings" && w != "yearly-list" {
				return failf(e, "export", "unknown export %q (want entities, filings or yearly-list)", w)
			}
			if w == "filings" && viewer.String() != "staff" {
				return failf(e, "export", "filings carry personal data and Section II reports: export them with --viewer staff")
			}
			if w != "entities" && *year == 0 {
				return failf(e, "export", "%s needs --year", w)
			}
		}
		store, err := openStore(ctx, *db)
		if err != nil {
			return failf(e, "export", "%v", err)
		}
		defer store.Close()
		reg := wire.Registry(store, wire.Options{})
		// A year without a filing recorded is a year without data (a typo,
		// a year to come): its yearly list would exclude every body.
		if slices.ContainsFunc(what, func(w string) bool { return w != "entities" }) {
			filed, err := reg.FiledReports(ctx, *year)
			if err != nil {
				return fail(e, "export", err)
			}
			if len(filed) == 0 {
				fmt.Fprintf(e.stderr, "registro export: no annual report for %d is recorded in this store: the yearly list would exclude every body; nothing written\n", *year)
				return exitFindings
			}
		}
		if err := os.MkdirAll(*out, 0o755); err != nil {
			return failf(e, "export", "%v", err)
		}
		for _, w := range what {
			var err error
			var written []string
			switch w {
			case "entities":
				// Through the Registry, which applies the viewer: the public gets
				// Section I bodies and their published fields only.
				v := registry.Public()
				if viewer.String() == "staff" {
					v = registry.Staff("registro-cli")
				}
				written = []string{filepath.Join(*out, "entities.ndjson")}
				err = writeLines(written[0], func(emit func(any) error) error {
					f := registry.Filter{Limit: registry.MaxLimit}
					for {
						page, err := reg.Entities(ctx, v, f)
						if err != nil {
							return err
						}
						for i := range page.Entities {
							if err := emit(&page.Entities[i]); err != nil {
								return err
							}
						}
						if page.Next == "" {
							return nil
						}
						f.Cursor = page.Next
					}
				})
			case "filings":
				written, err = exportAll(ctx, store, store.Filings(), *year, *out)
			case "yearly-list":
				v := registry.Public()
				if viewer.String() == "staff" {
					v = registry.Staff("registro-cli")
				}
				// Who filed, from the register's own log (import records it).
				var filed []registry.Filing
				filed, err = reg.FiledReports(ctx, *year)
				if err == nil {
					// The ministry computes the list; a viewer other than staff
					// gets the part it may see (no Section II without a grant).
					var list registry.YearlyList
					list, err = reg.YearlyUpdate(ctx, registry.Staff("registro-cli"), *year, filed)
					if err == nil {
						list = list.For(v, list.Deadline)
						written, err = writeYearlyList(filepath.Join(*out, "yearly-list"), list, lang.String(), csvOptions(csvSep))
					}
				}
			}
			if err != nil {
				return fail(e, "export", fmt.Errorf("%s: %w", w, err))
			}
			for _, p := range written {
				fmt.Fprintf(e.stderr, "registro export: wrote %s\n", p)
			}
		}
		return exitOK
	})
	return cmd
}

func cmdImport(e *env) *cobra.Command {
	cmd, fs := newCommand("import --db DSN [--entities FILE] [--filings FILE]", "import entities and filings (NDJSON) into a store",
		"registro import --db sqlite:copy.db --entities registro-demo/staff/entities.ndjson --filings registro-demo/staff/filings.ndjson")
	db := fs.String("db", "", "store: sqlite:PATH, a file path or postgres://…")
	entities := fs.String("entities", "", "NDJSON of entities (as written by export)")
	filings := fs.String("filings", "", "NDJSON of filings with metadata (filings.ndjson, as written by export)")
	cmd.RunE = runs(func(ctx context.Context, args []string) int {
		if *entities == "" && *filings == "" {
			return failf(e, "import", "nothing to import: pass --entities and/or --filings")
		}
		var ents []registry.Entity
		if *entities != "" {
			if err := readNDJSON(*entities, func(line int, raw []byte) error {
				var en registry.Entity
				dec := json.NewDecoder(strings.NewReader(string(raw)))
				dec.DisallowUnknownFields()
				if err := dec.Decode(&en); err != nil {
					return fmt.Errorf("%s:%d: %v", *entities, line, err)
				}
				ents = append(ents, en)
				return nil
			}); err != nil {
				return failf(e, "import", "%v", err)
			}
		}
		var recs []filingRecord
		if *filings != "" {
			if err := readNDJSON(*filings, func(line int, raw []byte) error {
				var r filingRecord
				dec := json.NewDecoder(strings.NewReader(string(raw)))
				dec.DisallowUnknownFields()
				if err := dec.Decode(&r); err != nil {
					return fmt.Errorf("%s:%d: %v", *filings, line, err)
				}
				recs = append(recs, r)
				return nil
			}); err != nil {
				return failf(e, "import", "%v", err)
			}
		}
		for i, r := range recs {
			if err := codicefiscale.ValidateBody(r.BodyTaxCode); err != nil || r.Year == 0 || r.Revision < 1 || r.FiledAt.IsZero() || !json.Valid(r.Document) {
				return failf(e, "import", "%s:%d: a filing needs a valid bodyTaxCode, year, revision ≥ 1, filedAt and a JSON document; nothing imported", *filings, i+1)
			}
		}
		store, err := openStore(ctx, *db)
		if err != nil {
			return failf(e, "import", "%v", err)
		}
		defer store.Close()
		if len(ents) > 0 {
			reg := wire.Registry(store, wire.Options{})
			if _, err := reg.Import(ctx, registry.Staff("registro-import"), ents); err != nil {
				if l, ok := problem.AsList(err); ok {
					for _, p := range l {
						fmt.Fprintf(e.stderr, "%s: line %s\n", *entities, p.String())
					}
					return exitFindings
				}
				return fail(e, "import", err)
			}
			fmt.Fprintf(e.stderr, "registro import: %d entities\n", len(ents))
		}
		for i, r := range recs {
			f := questionnaire.Filing{BodyTaxCode: r.BodyTaxCode, Year: r.Year, Revision: r.Revision, FiledAt: r.FiledAt,
				FilerTaxCode: r.FilerTaxCode, Late: r.Late, Document: r.Document}
			if err := store.Filings().Put(ctx, f); err != nil {
				return fail(e, "import", fmt.Errorf("%s:%d: %w", *filings, i+1, err))
			}
		}
		if len(recs) > 0 {
			// Record the filings in the register's log too, as the desk does when
			// it files: the change feed and the yearly list read them there.
			years := map[int]bool{}
			var ys []int
			for _, r := range recs {
				if !years[r.Year] {
					years[r.Year] = true
					ys = append(ys, r.Year)
				}
			}
			if _, err := questionnaire.RecordMissingFilings(ctx, wire.Registry(store, wire.Options{}), store.Filings(), registry.Staff("registro-import"), ys...); err != nil {
				return fail(e, "import", fmt.Errorf("recording the filings in the register's log: %w", err))
			}
			fmt.Fprintf(e.stderr, "registro import: %d filings\n", len(recs))
		}
		return exitOK
	})
	return cmd
}

// csvSepFlag adds --csv-sep: comma (the default, with a UTF-8 byte order
// mark) or semicolon (with decimal commas, as Excel set up for Italy opens
// files with a double click).
func csvSepFlag(fs *pflag.FlagSet) *choice {
	c := newChoice("comma", "comma", "semicolon")
	fs.Var(c, "csv-sep", "CSV field separator: comma (UTF-8 with BOM) or semicolon (and decimal commas, for an Excel set up for Italy)")
	return c
}

// csvOptions returns the CSV encoding --csv-sep asks for.
func csvOptions(sep *choice) reporting.CSVOptions {
	return reporting.CSVOptions{Semicolon: sep.String() == "semicolon"}
}

// readNDJSON calls fn for every non-blank line of path (1-based line numbers).
func readNDJSON(path string, fn func(line int, raw []byte) error) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64*1024), 16*1024*1024)
	line := 0
	for sc.Scan() {
		line++
		raw := sc.Bytes()
		if len(strings.TrimSpace(string(raw))) == 0 {
			continue
		}
		if err := fn(line, raw); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}
