package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/openregistro/registro/examples/internal/wire"

	"github.com/xuri/excelize/v2"

	"github.com/openregistro/registro/questionnaire"
	"github.com/openregistro/registro/registry"
	"github.com/openregistro/registro/registry/codelist"
	"github.com/openregistro/registro/registry/codicefiscale"
	"github.com/openregistro/registro/registry/territory"
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
// filings.ndjson (the same filings with their metadata) under dir.
func exportAll(ctx context.Context, store registry.Store, filings questionnaire.FilingStore, year int, dir string) error {
	if err := writeLines(filepath.Join(dir, "entities.ndjson"), func(emit func(any) error) error {
		return eachEntity(ctx, store, func(e *registry.Entity) error { return emit(e) })
	}); err != nil {
		return err
	}
	if err := writeLines(filepath.Join(dir, "questionnaires.ndjson"), func(emit func(any) error) error {
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
		return err
	}
	return writeLines(filepath.Join(dir, "filings.ndjson"), func(emit func(any) error) error {
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

// yearlyListHeader names the columns of the yearly list, per language.
var yearlyListHeader = map[string][]string{
	"it": {"stato", "motivo", "id", "denominazione", "codice_fiscale", "forma_giuridica", "comune", "provincia", "sezioni", "data_relazione"},
	"en": {"status", "reason", "id", "name", "codice_fiscale", "legal_form", "comune", "province", "sections", "filed_on"},
}

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
		if c, ok := terr.Comune(l.Comune); ok {
			comune = c.Name
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
// autonomous provinces) under dir, named CODE-name.csv/.xlsx.
func writeYearlyList(dir string, list registry.YearlyList, lang string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, rl := range list.Recipients {
		base := filepath.Join(dir, rl.Recipient.Code+"-"+fileSlug(rl.Recipient.Name))
		rows := yearlyListRows(rl, lang)
		if err := writeCSVFile(base+".csv", yearlyListHeader[lang], rows); err != nil {
			return err
		}
		if err := writeXLSXFile(base+".xlsx", fmt.Sprintf("%d", list.Year), yearlyListHeader[lang], rows); err != nil {
			return err
		}
	}
	return nil
}

func writeCSVFile(path string, header []string, rows [][]string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := csv.NewWriter(f)
	_ = w.Write(header)
	_ = w.WriteAll(rows) // WriteAll flushes; the error surfaces below
	if err := w.Error(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// writeXLSXFile writes a one-sheet workbook with a bold, frozen header row
// and an autofilter, as regional offices open it in a spreadsheet.
func writeXLSXFile(path, sheet string, header []string, rows [][]string) error {
	x := excelize.NewFile()
	defer x.Close()
	if err := x.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	bold, err := x.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	row := func(i int, cells []string) error {
		vals := make([]any, len(cells))
		for j, v := range cells {
			vals[j] = v
		}
		cell, err := excelize.CoordinatesToCellName(1, i)
		if err != nil {
			return err
		}
		return x.SetSheetRow(sheet, cell, &vals)
	}
	if err := row(1, header); err != nil {
		return err
	}
	for i, r := range rows {
		if err := row(i+2, r); err != nil {
			return err
		}
	}
	lastHeader, _ := excelize.CoordinatesToCellName(len(header), 1)
	last, _ := excelize.CoordinatesToCellName(len(header), len(rows)+1)
	for _, err := range []error{
		x.SetCellStyle(sheet, "A1", lastHeader, bold),
		x.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}),
		x.AutoFilter(sheet, "A1:"+last, nil),
		x.SetColWidth(sheet, "D", "D", 48),
	} {
		if err != nil {
			return err
		}
	}
	return x.SaveAs(path)
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

func cmdExport(ctx context.Context, e *env, args []string) int {
	fs := flags(e, "export", "--db DSN [--year Y] [--out DIR] [--viewer public|staff] [--lang it|en] [entities|filings|yearly-list]...",
		"registro export --db sqlite:registro-demo/registro.db --year 2024 --out /tmp/export",
		"registro export --db postgres://postgres@127.0.0.1:5432/test?sslmode=disable --year 2024 yearly-list")
	db := fs.String("db", "", "store: sqlite:PATH, a file path or postgres://…")
	year := fs.Int("year", 0, "reporting year of the filings and of the yearly list (required for filings and yearly-list)")
	out := fs.String("out", ".", "output directory")
	viewer := newChoice("public", "public", "staff")
	fs.Var(viewer, "viewer", "who the export is for: public (Section I bodies, published fields only; no filings) or staff (everything)")
	lang := langFlag(fs)
	if code, done := parse(fs, args); done {
		return code
	}
	what := fs.Args()
	if len(what) == 0 {
		what = []string{"entities", "filings", "yearly-list"}
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
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return failf(e, "export", "%v", err)
	}
	reg := wire.Registry(store, wire.Options{})
	for _, w := range what {
		var err error
		switch w {
		case "entities":
			// Through the Registry, which applies the viewer: the public gets
			// Section I bodies and their published fields only.
			v := registry.Public()
			if viewer.String() == "staff" {
				v = registry.Staff("registro-cli")
			}
			err = writeLines(filepath.Join(*out, "entities.ndjson"), func(emit func(any) error) error {
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
			err = exportAll(ctx, store, store.Filings(), *year, *out)
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
					err = writeYearlyList(filepath.Join(*out, "yearly-list"), list, lang.String())
				}
			}
		}
		if err != nil {
			return fail(e, "export", fmt.Errorf("%s: %w", w, err))
		}
		fmt.Fprintf(e.stderr, "registro export: %s written under %s\n", w, *out)
	}
	return exitOK
}

func cmdImport(ctx context.Context, e *env, args []string) int {
	fs := flags(e, "import", "--db DSN [--entities FILE] [--filings FILE]",
		"registro import --db sqlite:/tmp/copy.db --entities registro-demo/staff/entities.ndjson --filings registro-demo/staff/filings.ndjson")
	db := fs.String("db", "", "store: sqlite:PATH, a file path or postgres://…")
	entities := fs.String("entities", "", "NDJSON of entities (as written by export)")
	filings := fs.String("filings", "", "NDJSON of filings with metadata (filings.ndjson, as written by export)")
	if code, done := parse(fs, args); done {
		return code
	}
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
