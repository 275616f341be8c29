package main

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/openregistro/registro/registry/territory"
)

// Files of the dated territory, relative to the data directory.
const (
	anprFile          = "ANPR_archivio_comuni.csv"
	countriesFile     = "python-codicefiscale/countries.json"
	deletedFile       = "python-codicefiscale/deleted-countries.json"
	countriesPatch    = "python-codicefiscale/countries-patch.json"
	municipalityPatch = "python-codicefiscale/municipalities-patch.json"
)

// openEnd is ANPR's end date of a period still open.
const openEnd = "9999-12-31"

// period is one comune over one validity period (both ends inclusive; to
// empty while it is still valid).
type period struct {
	code, name, italian, other, cadastral, province, region, nuts3 string
	capital                                                        bool
	from, to                                                       string
}

// country is a foreign state with its Z code (both ends inclusive; to empty
// while it exists or when its end is unknown).
type country struct {
	code, name, nameEN, from, to string
	active                       bool
}

// anprRow is a row of ANPR's archive of comuni.
type anprRow struct {
	from, to, code, cadastral, name, other, province, region, sigla string
	line                                                            int
}

// readANPR reads ANPR's archive of comuni (UTF-8 with BOM, ',', quoted).
func readANPR(path string) ([]anprRow, string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, "", err
	}
	defer f.Close()
	br := bufio.NewReader(f)
	if bom, err := br.Peek(3); err == nil && string(bom) == "\ufeff" {
		_, _ = br.Discard(3)
	}
	r := csv.NewReader(br)
	header, err := r.Read()
	if err != nil {
		return nil, "", fmt.Errorf("gen: %s: header: %w", path, err)
	}
	col := map[string]int{}
	for _, name := range []string{"DATAISTITUZIONE", "DATACESSAZIONE", "CODISTAT", "CODCATASTALE", "DENOMINAZIONE_IT", "ALTRADENOMINAZIONE", "IDPROVINCIAISTAT", "IDREGIONE", "SIGLAPROVINCIA", "DATAULTIMOAGG"} {
		i := slices.Index(header, name)
		if i < 0 {
			return nil, "", fmt.Errorf("gen: %s: no column %s", path, name)
		}
		col[name] = i
	}
	var out []anprRow
	updated := ""
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, "", fmt.Errorf("gen: %s: %w", path, err)
		}
		line, _ := r.FieldPos(0)
		get := func(name string) string { return strings.TrimSpace(rec[col[name]]) }
		row := anprRow{
			from: get("DATAISTITUZIONE"), to: get("DATACESSAZIONE"), code: get("CODISTAT"), cadastral: get("CODCATASTALE"),
			name: get("DENOMINAZIONE_IT"), other: get("ALTRADENOMINAZIONE"), province: get("IDPROVINCIAISTAT"),
			region: get("IDREGIONE"), sigla: get("SIGLAPROVINCIA"), line: line,
		}
		where := fmt.Sprintf("%s:%d (%s %s)", path, line, row.code, row.name)
		if row.cadastral == "ND" {
			row.cadastral = ""
		}
		if !isDate(row.from) || !isDate(row.to) || row.to < row.from {
			return nil, "", fmt.Errorf("gen: %s: bad validity %s–%s", where, row.from, row.to)
		}
		if len(row.code) != 6 || (row.cadastral != "" && len(row.cadastral) != 4) || row.name == "" || !utf8.ValidString(row.name+row.other) {
			return nil, "", fmt.Errorf("gen: %s: malformed code, cadastral code or name", where)
		}
		if u := get("DATAULTIMOAGG"); u > updated && isDate(u) {
			updated = u
		}
		out = append(out, row)
	}
	if updated == "" {
		return nil, "", fmt.Errorf("gen: %s: no DATAULTIMOAGG", path)
	}
	return out, updated, nil
}

func isDate(s string) bool {
	_, err := time.Parse(time.DateOnly, s)
	return err == nil
}

// jsonPlace is an entry of python-codicefiscale's countries and
// municipalities files.
type jsonPlace struct {
	Active      bool   `json:"active"`
	Code        string `json:"code"`
	DateCreated string `json:"date_created"`
	DateDeleted string `json:"date_deleted"`
	Name        string `json:"name"`
	NameAltEN   string `json:"name_alt_en"`
	Province    string `json:"province"`
}

func readJSON(path string) ([]jsonPlace, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var out []jsonPlace
	if err := json.Unmarshal(data, &out); err != nil {
		return nil, fmt.Errorf("gen: %s: %w", path, err)
	}
	return out, nil
}

// jsonDate returns the day of a python-codicefiscale timestamp
// ("1900-01-01T00:00:00"; one entry writes "1934-01-01:T00:00:00"), or "".
func jsonDate(path, code, s string) (string, error) {
	if s == "" {
		return "", nil
	}
	if len(s) < 10 || !isDate(s[:10]) {
		return "", fmt.Errorf("gen: %s: %s: bad date %q", path, code, s)
	}
	return s[:10], nil
}

// readCountries reads the foreign states: countries.json and
// deleted-countries.json, with countries-patch.json replacing entries of the
// same code, as python-codicefiscale merges them.
func readCountries(dir string) ([]country, error) {
	byCode := map[string]country{}
	for _, file := range []string{countriesFile, deletedFile, countriesPatch} {
		path := filepath.Join(dir, file)
		list, err := readJSON(path)
		if err != nil {
			return nil, err
		}
		for _, p := range list {
			if len(p.Code) != 4 || p.Code[0] != 'Z' || p.Name == "" || p.Province != "EE" {
				return nil, fmt.Errorf("gen: %s: malformed state %q %q", path, p.Code, p.Name)
			}
			if _, dup := byCode[p.Code]; dup && file != countriesPatch {
				return nil, fmt.Errorf("gen: %s: state %s twice", path, p.Code)
			}
			from, err := jsonDate(path, p.Code, p.DateCreated)
			if err != nil {
				return nil, err
			}
			to, err := jsonDate(path, p.Code, p.DateDeleted)
			if err != nil {
				return nil, err
			}
			if to != "" && (p.Active || to < from) {
				return nil, fmt.Errorf("gen: %s: state %s: active %v from %s to %s", path, p.Code, p.Active, from, to)
			}
			en := p.NameAltEN
			if en == p.Name {
				en = ""
			}
			byCode[p.Code] = country{code: p.Code, name: p.Name, nameEN: en, from: from, to: to, active: p.Active}
		}
	}
	out := make([]country, 0, len(byCode))
	for _, c := range byCode {
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b country) int { return strings.Compare(a.code, b.code) })
	return out, nil
}

// periods merges ANPR's archive with ISTAT's list at its date and with
// python-codicefiscale's patch of gaps. A period of a comune on ISTAT's list
// (same ISTAT and cadastral code, same name) takes ISTAT's spelling,
// province, NUTS3 code and capital flag; the others take ANPR's name, whose
// capitals are turned into ordinary case (see recase), and the province that
// today bears the ISTAT province code they had (none for provinces since
// abolished, such as Carbonia-Iglesias, or lost territories).
func periods(dir string, istatDate time.Time, rows []anprRow, istat []comune, provinces map[string]*province) ([]period, error) {
	byHistorical := map[string]*province{}
	for _, p := range provinces {
		if byHistorical[p.historical] != nil {
			return nil, fmt.Errorf("gen: provinces %s and %s share historical code %s", byHistorical[p.historical].code, p.code, p.historical)
		}
		byHistorical[p.historical] = p
	}
	istatByCadastral := map[string]comune{}
	for _, c := range istat {
		istatByCadastral[c.cadastral] = c
	}
	onIstatDate := istatDate.Format(time.DateOnly)
	seenOnIstatDate := map[string]bool{}
	var out []period
	for _, r := range rows {
		p := period{code: r.code, cadastral: r.cadastral, from: r.from, to: r.to, other: recase(r.other)}
		if p.to == openEnd {
			p.to = ""
		}
		ic, inIstat := istatByCadastral[r.cadastral]
		sameName := inIstat && (territory.Fold(r.name) == territory.Fold(ic.name) || territory.Fold(r.name) == territory.Fold(ic.italianOr()))
		if inIstat && ic.code == r.code && r.from <= onIstatDate && onIstatDate <= r.to {
			// The name may differ: ANPR records renamings ISTAT's list had not
			// yet taken up (Salorno sulla Strada del Vino, 2019).
			seenOnIstatDate[r.cadastral] = true
		}
		switch {
		case sameName && ic.code == r.code:
			p.name, p.italian, p.other, p.province, p.nuts3, p.capital = ic.name, ic.italian, ic.other, ic.province, ic.nuts3, ic.capital
		case sameName:
			p.name, p.italian, p.other = ic.name, ic.italian, ic.other
		default:
			p.name = recase(r.name)
			if p.other != "" {
				p.italian = p.name
				p.name += "/" + p.other
			}
		}
		if p.province == "" {
			if prov := byHistorical[r.province]; prov != nil && strings.HasPrefix(r.code, prov.historical) {
				p.province = prov.code
				if len(prov.nuts3Set) > 1 && sameName {
					p.nuts3 = ic.nuts3
				}
			} else if r.region >= "01" && r.region <= "20" {
				p.region = r.region
			}
		}
		out = append(out, p)
	}
	for _, c := range istat {
		if !seenOnIstatDate[c.cadastral] {
			return nil, fmt.Errorf("gen: %s %s %s of ISTAT's list has no period in %s on %s", c.code, c.cadastral, c.name, anprFile, onIstatDate)
		}
	}
	patch, err := patchPeriods(filepath.Join(dir, municipalityPatch), rows, byHistorical)
	if err != nil {
		return nil, err
	}
	out = append(out, patch...)
	slices.SortFunc(out, func(a, b period) int {
		return cmpJoin(a.code, b.code, a.from, b.from, a.cadastral, b.cadastral)
	})
	out = mergeAbutting(out)
	return out, checkPeriods(out)
}

// mergeAbutting joins a period to the one before it when they describe the
// same comune the same way and one begins the day after the other ends: ANPR
// opens a new period for changes of territory the table does not record.
// list is sorted by ISTAT code and start.
func mergeAbutting(list []period) []period {
	var out []period
	for _, p := range list {
		if n := len(out); n > 0 {
			prev := &out[n-1]
			same := *prev
			same.from, same.to = p.from, p.to
			if same == p && prev.to != "" && nextDay(prev.to) == p.from {
				prev.to = p.to
				continue
			}
		}
		out = append(out, p)
	}
	return out
}

func nextDay(day string) string {
	d, err := time.Parse(time.DateOnly, day)
	if err != nil {
		return ""
	}
	return d.AddDate(0, 0, 1).Format(time.DateOnly)
}

func (c comune) italianOr() string {
	if c.italian != "" {
		return c.italian
	}
	return c.name
}

func cmpJoin(pairs ...string) int {
	for i := 0; i+1 < len(pairs); i += 2 {
		if c := strings.Compare(pairs[i], pairs[i+1]); c != 0 {
			return c
		}
	}
	return 0
}

// patchPeriods reads python-codicefiscale's periods that fill gaps in ANPR's
// archive (both ends inclusive, as they abut ANPR's periods). Their ISTAT
// code is that of the ANPR period of the same cadastral code next to them.
func patchPeriods(path string, rows []anprRow, byHistorical map[string]*province) ([]period, error) {
	list, err := readJSON(path)
	if err != nil {
		return nil, err
	}
	var out []period
	for _, j := range list {
		from, err := jsonDate(path, j.Code, j.DateCreated)
		if err != nil {
			return nil, err
		}
		to, err := jsonDate(path, j.Code, j.DateDeleted)
		if err != nil {
			return nil, err
		}
		if from == "" || to == "" || to < from || j.Active {
			return nil, fmt.Errorf("gen: %s: %s: want a closed period, got %s–%s", path, j.Code, from, to)
		}
		var next *anprRow
		for i := range rows {
			r := &rows[i]
			if r.cadastral == j.Code && r.from > to && (next == nil || r.from < next.from) {
				next = r
			}
		}
		if next == nil || territory.Fold(next.name) != territory.Fold(j.Name) {
			return nil, fmt.Errorf("gen: %s: %s %s: no ANPR period of that name after it", path, j.Code, j.Name)
		}
		p := period{code: next.code, name: recase(next.name), cadastral: j.Code, from: from, to: to}
		if prov := byHistorical[next.province]; prov != nil && strings.HasPrefix(next.code, prov.historical) {
			p.province = prov.code
		} else {
			p.region = next.region
		}
		out = append(out, p)
	}
	return out, nil
}

// checkPeriods refuses two periods of the same ISTAT or cadastral code that
// overlap, except the one overlap ANPR's archive holds (see README).
func checkPeriods(list []period) error {
	for _, key := range []func(period) string{
		func(p period) string { return p.code },
		func(p period) string { return p.cadastral },
	} {
		by := map[string][]period{}
		for _, p := range list {
			if k := key(p); k != "" {
				by[k] = append(by[k], p)
			}
		}
		for k, ps := range by {
			slices.SortFunc(ps, func(a, b period) int { return strings.Compare(a.from, b.from) })
			for i := 1; i < len(ps); i++ {
				prev := ps[i-1]
				if prev.to == "" || ps[i].from <= prev.to {
					if k == "D588" {
						continue // ANPR: two comuni share D588 until their merger
					}
					return fmt.Errorf("gen: periods of %s overlap: %s %s–%s and %s %s–%s", k, prev.name, prev.from, prev.to, ps[i].name, ps[i].from, ps[i].to)
				}
			}
		}
	}
	return nil
}

// lowerWords are the particles ISTAT writes in lower case inside a name.
var lowerWords = map[string]bool{
	"a": true, "ad": true, "al": true, "alla": true, "alle": true, "allo": true, "ai": true, "agli": true, "all": true,
	"d": true, "da": true, "dal": true, "dalla": true, "de": true, "dei": true, "del": true, "della": true, "delle": true,
	"dello": true, "degli": true, "dell": true, "di": true, "e": true, "ed": true, "en": true, "in": true, "l": true,
	"nel": true, "nella": true, "nell": true, "sul": true, "sulla": true, "sull": true, "sui": true, "con": true,
	"sopra": true, "sotto": true, "an": true, "der": true, "im": true, "am": true, "bei": true,
}

// recase turns ANPR's capitals into the case ISTAT writes names in: every
// word capitalised, after a space, hyphen, slash or apostrophe, except the
// particles of lowerWords inside the name ("SANT'ANGELO D'ALIFE" →
// "Sant'Angelo d'Alife", "REGGIO NELL'EMILIA" → "Reggio nell'Emilia").
func recase(s string) string {
	if s == "" {
		return ""
	}
	var b strings.Builder
	word := []rune{}
	first := true
	flush := func(sep rune) {
		if len(word) > 0 {
			w := strings.ToLower(string(word))
			if !first && lowerWords[w] {
				b.WriteString(w)
			} else {
				r, n := utf8.DecodeRuneInString(w)
				b.WriteRune(unicode.ToUpper(r))
				b.WriteString(w[n:])
			}
			first = false
			word = word[:0]
		}
		if sep != 0 {
			b.WriteRune(sep)
		}
	}
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) {
			word = append(word, r)
			continue
		}
		flush(r)
	}
	flush(0)
	return b.String()
}
