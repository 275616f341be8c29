package main

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/encoding/charmap"
)

// csvPattern matches ISTAT's file name and captures the date it is valid at.
var csvPattern = regexp.MustCompile(`^elenco-comuni-italiani-(\d{4}-\d{2}-\d{2})\.csv$`)

// Table kinds of province whose province, not region, receives the yearly list.
const kindAutonomous = "provincia_autonoma"

type region struct {
	code, name, nuts1, nuts2, macro string
}

type province struct {
	code, historical, sigla, name, region, nuts3, nuts2, kind string
	nuts3Set                                                  []string // NUTS3 codes seen among its comuni
}

type comune struct {
	code, name, italian, other, cadastral, province, nuts3 string
	capital                                                bool
}

type recipient struct {
	code, name, nuts2, region, province string
}

// Build reads from dir ISTAT's list of comuni
// (elenco-comuni-italiani-YYYY-MM-DD.csv, ISO-8859-1, ';'-separated), the
// derived regions.tsv and provinces.tsv, ANPR's archive of comuni with their
// validity periods (ANPR_archivio_comuni.csv) and the foreign states and
// patches of python-codicefiscale (python-codicefiscale/*.json); it checks
// that they agree and writes the compact table that package territory
// embeds. The date in the CSV's file name is the date ISTAT's list is checked
// against ANPR's archive at; the table is valid at the archive's last update.
func Build(dir string, w io.Writer) error {
	csvPath, validAt, err := findCSV(dir)
	if err != nil {
		return err
	}
	regions, err := readRegions(filepath.Join(dir, "regions.tsv"))
	if err != nil {
		return err
	}
	provinces, err := readProvinces(filepath.Join(dir, "provinces.tsv"))
	if err != nil {
		return err
	}
	comuni, err := readComuni(csvPath, regions, provinces)
	if err != nil {
		return err
	}
	if err := check(regions, provinces, comuni); err != nil {
		return err
	}
	rows, updated, err := readANPR(filepath.Join(dir, anprFile))
	if err != nil {
		return err
	}
	list, err := periods(dir, validAt, rows, comuni, provinces)
	if err != nil {
		return err
	}
	countries, err := readCountries(dir)
	if err != nil {
		return err
	}
	return write(w, filepath.Base(csvPath), updated, regions, provinces, list, countries)
}

func findCSV(dir string) (string, time.Time, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return "", time.Time{}, err
	}
	var found []string
	for _, e := range entries {
		if csvPattern.MatchString(e.Name()) {
			found = append(found, e.Name())
		}
	}
	if len(found) != 1 {
		return "", time.Time{}, fmt.Errorf("gen: want exactly one elenco-comuni-italiani-YYYY-MM-DD.csv in %s, found %d", dir, len(found))
	}
	date := csvPattern.FindStringSubmatch(found[0])[1]
	t, err := time.Parse(time.DateOnly, date)
	if err != nil {
		return "", time.Time{}, fmt.Errorf("gen: date in %s: %w", found[0], err)
	}
	return filepath.Join(dir, found[0]), t, nil
}

// readTSV returns the data rows of a '#'-headed TSV file, keyed by header name.
func readTSV(path string, want ...string) ([]map[string]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	var header []string
	var rows []map[string]string
	line := 0
	for sc.Scan() {
		line++
		text := sc.Text()
		if strings.TrimSpace(text) == "" {
			continue
		}
		fields := strings.Split(text, "\t")
		if header == nil {
			if !strings.HasPrefix(text, "#") {
				return nil, fmt.Errorf("gen: %s: first line must be a '#' header", path)
			}
			fields[0] = strings.TrimPrefix(fields[0], "#")
			header = fields
			for _, w := range want {
				if !slices.Contains(header, w) {
					return nil, fmt.Errorf("gen: %s: missing column %q", path, w)
				}
			}
			continue
		}
		if len(fields) != len(header) {
			return nil, fmt.Errorf("gen: %s:%d: %d fields, want %d", path, line, len(fields), len(header))
		}
		row := make(map[string]string, len(header))
		for i, h := range header {
			row[h] = strings.TrimSpace(fields[i])
		}
		rows = append(rows, row)
	}
	return rows, sc.Err()
}

func readRegions(path string) (map[string]*region, error) {
	rows, err := readTSV(path, "istat_region_code", "name", "nuts2", "nuts1")
	if err != nil {
		return nil, err
	}
	out := make(map[string]*region, len(rows))
	for _, r := range rows {
		reg := &region{code: r["istat_region_code"], name: r["name"], nuts1: r["nuts1"], nuts2: r["nuts2"], macro: r["nuts1"]}
		if strings.Contains(reg.nuts2, "/") {
			// Trentino-Alto Adige: its NUTS2 units are the two autonomous provinces.
			reg.nuts2 = ""
		}
		if _, dup := out[reg.code]; dup {
			return nil, fmt.Errorf("gen: %s: region %s twice", path, reg.code)
		}
		out[reg.code] = reg
	}
	return out, nil
}

func readProvinces(path string) (map[string]*province, error) {
	rows, err := readTSV(path, "istat_uts_code", "istat_provincia_storico", "sigla", "name", "istat_region_code", "nuts3", "nuts2", "kind")
	if err != nil {
		return nil, err
	}
	out := make(map[string]*province, len(rows))
	for _, r := range rows {
		p := &province{
			code: r["istat_uts_code"], historical: r["istat_provincia_storico"], sigla: r["sigla"],
			name: r["name"], region: r["istat_region_code"], nuts3: r["nuts3"], nuts2: r["nuts2"], kind: r["kind"],
		}
		if _, dup := out[p.code]; dup {
			return nil, fmt.Errorf("gen: %s: province %s twice", path, p.code)
		}
		out[p.code] = p
	}
	return out, nil
}

// csvColumns are the ISTAT headers the generator needs, matched by prefix
// after collapsing white space (ISTAT's headers carry footnote marks and
// line breaks).
var csvColumns = map[string]string{
	"region":     "Codice Regione",
	"uts":        "Codice dell'Unità territoriale sovracomunale",
	"historical": "Codice Provincia (Storico)",
	"code":       "Codice Comune formato alfanumerico",
	"name":       "Denominazione (Italiana e straniera)",
	"italian":    "Denominazione in italiano",
	"other":      "Denominazione altra lingua",
	"regionName": "Denominazione regione",
	"utsName":    "Denominazione dell'Unità territoriale sovracomunale",
	"capital":    "Flag Comune capoluogo",
	"sigla":      "Sigla automobilistica",
	"cadastral":  "Codice Catastale del comune",
	"nuts1":      "NUTS1",
	"nuts2":      "NUTS2",
	"nuts3":      "NUTS3",
}

func readComuni(path string, regions map[string]*region, provinces map[string]*province) ([]comune, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	// The file is declared ISO-8859-1 but carries Windows-1252 bytes in the
	// C1 range (0x8A Š in "Števerjan", 0x9E ž in "Nabrežina"), which
	// ISO-8859-1 would turn into control characters. Windows-1252 agrees with
	// ISO-8859-1 on every printable character, so decode it as that.
	r := csv.NewReader(charmap.Windows1252.NewDecoder().Reader(f))
	r.Comma = ';'
	header, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("gen: %s: header: %w", path, err)
	}
	col := make(map[string]int, len(csvColumns))
	for key, prefix := range csvColumns {
		col[key] = -1
		for i, h := range header {
			if strings.HasPrefix(strings.Join(strings.Fields(h), " "), prefix) {
				if col[key] >= 0 {
					return nil, fmt.Errorf("gen: %s: two columns start with %q", path, prefix)
				}
				col[key] = i
			}
		}
		if col[key] < 0 {
			return nil, fmt.Errorf("gen: %s: no column starts with %q", path, prefix)
		}
	}
	var out []comune
	seenCode := map[string]bool{}
	seenCadastral := map[string]bool{}
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("gen: %s: %w", path, err)
		}
		line, _ := r.FieldPos(0)
		get := func(key string) string { return strings.TrimSpace(rec[col[key]]) }
		c := comune{
			code: get("code"), name: get("name"), italian: get("italian"), other: get("other"),
			cadastral: get("cadastral"), province: get("uts"), nuts3: get("nuts3"), capital: get("capital") == "1",
		}
		if c.italian == c.name {
			c.italian = ""
		}
		where := fmt.Sprintf("%s:%d (%s %s)", path, line, c.code, c.name)
		for _, r := range c.name + c.italian + c.other {
			if unicode.IsControl(r) {
				return nil, fmt.Errorf("gen: %s: control character %U in a name", where, r)
			}
		}
		if len(c.code) != 6 || len(c.cadastral) != 4 || len(c.province) != 3 || c.name == "" {
			return nil, fmt.Errorf("gen: %s: malformed code, cadastral code, province or name", where)
		}
		if seenCode[c.code] || seenCadastral[c.cadastral] {
			return nil, fmt.Errorf("gen: %s: duplicate ISTAT or cadastral code", where)
		}
		seenCode[c.code], seenCadastral[c.cadastral] = true, true
		p := provinces[c.province]
		if p == nil {
			return nil, fmt.Errorf("gen: %s: province %s not in provinces.tsv", where, c.province)
		}
		reg := regions[get("region")]
		if reg == nil {
			return nil, fmt.Errorf("gen: %s: region %s not in regions.tsv", where, get("region"))
		}
		switch {
		case p.region != reg.code:
			return nil, fmt.Errorf("gen: %s: province %s is in region %s, not %s", where, p.code, p.region, reg.code)
		case p.historical != get("historical") || !strings.HasPrefix(c.code, p.historical):
			return nil, fmt.Errorf("gen: %s: historical province code %s disagrees with provinces.tsv %s", where, get("historical"), p.historical)
		case p.sigla != get("sigla") || p.name != get("utsName"):
			return nil, fmt.Errorf("gen: %s: province %s/%s disagrees with provinces.tsv %s/%s", where, get("sigla"), get("utsName"), p.sigla, p.name)
		case reg.name != get("regionName") || reg.nuts1 != get("nuts1"):
			return nil, fmt.Errorf("gen: %s: region %s/%s disagrees with regions.tsv %s/%s", where, get("regionName"), get("nuts1"), reg.name, reg.nuts1)
		case p.nuts2 != get("nuts2"):
			return nil, fmt.Errorf("gen: %s: NUTS2 %s disagrees with provinces.tsv %s", where, get("nuts2"), p.nuts2)
		}
		if !slices.Contains(p.nuts3Set, c.nuts3) {
			p.nuts3Set = append(p.nuts3Set, c.nuts3)
		}
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b comune) int { return strings.Compare(a.code, b.code) })
	return out, nil
}

// check verifies what a single row cannot: every region and province has
// comuni, provinces' NUTS3 lists match their comuni, NUTS2 of regions agree.
func check(regions map[string]*region, provinces map[string]*province, comuni []comune) error {
	if len(comuni) == 0 {
		return errors.New("gen: no comuni")
	}
	hasProvince := map[string]bool{}
	for _, p := range provinces {
		hasProvince[p.region] = true
		if len(p.nuts3Set) == 0 {
			return fmt.Errorf("gen: province %s %s has no comuni", p.code, p.name)
		}
		seen := slices.Clone(p.nuts3Set)
		slices.Sort(seen)
		listed := strings.Split(p.nuts3, "/")
		slices.Sort(listed)
		if !slices.Equal(seen, listed) {
			return fmt.Errorf("gen: province %s: NUTS3 %s in provinces.tsv, %s among its comuni", p.code, p.nuts3, strings.Join(seen, "/"))
		}
		reg := regions[p.region]
		if reg == nil {
			return fmt.Errorf("gen: province %s: unknown region %s", p.code, p.region)
		}
		if reg.nuts2 != "" && reg.nuts2 != p.nuts2 {
			return fmt.Errorf("gen: province %s: NUTS2 %s, its region's is %s", p.code, p.nuts2, reg.nuts2)
		}
		if !strings.HasPrefix(p.nuts2, reg.nuts1) {
			return fmt.Errorf("gen: province %s: NUTS2 %s outside NUTS1 %s", p.code, p.nuts2, reg.nuts1)
		}
	}
	for _, r := range regions {
		if !hasProvince[r.code] {
			return fmt.Errorf("gen: region %s %s has no provinces", r.code, r.name)
		}
	}
	return nil
}

// recipients derives the recipients of the yearly list: every region, except
// that a region made of autonomous provinces is replaced by those provinces,
// coded as ISTAT codes them among regions ("21" Bolzano, "22" Trento: the
// province code without its leading zero).
func recipients(regions []*region, provinces []*province) ([]recipient, error) {
	var out []recipient
	for _, r := range regions {
		var autonomous []*province
		for _, p := range provinces {
			if p.region == r.code && p.kind == kindAutonomous {
				autonomous = append(autonomous, p)
			}
		}
		if len(autonomous) == 0 {
			out = append(out, recipient{code: r.code, name: r.name, nuts2: r.nuts2, region: r.code})
			continue
		}
		for _, p := range autonomous {
			code := strings.TrimPrefix(p.code, "0")
			if len(code) != 2 || code <= "20" {
				return nil, fmt.Errorf("gen: autonomous province %s: code %s would clash with a region", p.code, code)
			}
			out = append(out, recipient{code: code, name: "Provincia autonoma di " + p.name, nuts2: p.nuts2, region: r.code, province: p.code})
		}
	}
	slices.SortFunc(out, func(a, b recipient) int { return strings.Compare(a.code, b.code) })
	return out, nil
}

func write(w io.Writer, source, validAt string, regionMap map[string]*region, provinceMap map[string]*province, comuni []period, countries []country) error {
	regions := sortedValues(regionMap, func(r *region) string { return r.code })
	provinces := sortedValues(provinceMap, func(p *province) string { return p.code })
	recips, err := recipients(regions, provinces)
	if err != nil {
		return err
	}
	for _, s := range []string{source} {
		if strings.ContainsAny(s, "\t\n") {
			return fmt.Errorf("gen: bad source name %q", s)
		}
	}
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "# Code generated by registry/territory/internal/gen from ISTAT %s (CC BY 3.0 IT), ANPR %s and python-codicefiscale's states (MIT). DO NOT EDIT.\n", source, anprFile)
	fmt.Fprintln(bw, "# V valid-at | R code name nuts1 nuts2 | P code historical sigla name region nuts3 nuts2 kind")
	fmt.Fprintln(bw, "# A code name nuts2 region province | S code name name-en from to active")
	fmt.Fprintln(bw, "# C code name italian other cadastral province region nuts3 capital from to (to empty: still valid)")
	fmt.Fprintf(bw, "V\t%s\n", validAt)
	row := func(fields ...string) error {
		for _, f := range fields {
			if strings.ContainsAny(f, "\t\n\r") {
				return fmt.Errorf("gen: field %q holds a tab or newline", f)
			}
		}
		_, err := fmt.Fprintln(bw, strings.Join(fields, "\t"))
		return err
	}
	for _, r := range regions {
		if err := row("R", r.code, r.name, r.nuts1, r.nuts2); err != nil {
			return err
		}
	}
	for _, p := range provinces {
		nuts3 := p.nuts3
		if len(p.nuts3Set) > 1 {
			nuts3 = "" // several NUTS3 units: each comune carries its own
		}
		if err := row("P", p.code, p.historical, p.sigla, p.name, p.region, nuts3, p.nuts2, p.kind); err != nil {
			return err
		}
	}
	for _, r := range recips {
		if err := row("A", r.code, r.name, r.nuts2, r.region, r.province); err != nil {
			return err
		}
	}
	for _, c := range countries {
		if err := row("S", c.code, c.name, c.nameEN, c.from, c.to, boolField(c.active)); err != nil {
			return err
		}
	}
	for _, c := range comuni {
		nuts3 := ""
		if p := provinceMap[c.province]; p != nil && len(p.nuts3Set) > 1 {
			nuts3 = c.nuts3
		}
		if err := row("C", c.code, c.name, c.italian, c.other, c.cadastral, c.province, c.region, nuts3, boolField(c.capital), c.from, c.to); err != nil {
			return err
		}
	}
	return bw.Flush()
}

func boolField(b bool) string {
	if b {
		return "1"
	}
	return ""
}

func sortedValues[T any](m map[string]T, key func(T) string) []T {
	out := make([]T, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	slices.SortFunc(out, func(a, b T) int { return strings.Compare(key(a), key(b)) })
	return out
}
