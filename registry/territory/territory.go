package territory

import (
	_ "embed"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/openregistro/registro/schemas/problem"
)

//go:generate go run ./internal/gen -data internal/gen/data -out istat.tsv

// istatTable is the generated table (see internal/gen): one record per line,
// tab-separated, tagged V (valid-at date), R (region), P (province), A
// (recipient), S (foreign state) or C (comune over one validity period).
//
//go:embed istat.tsv
var istatTable string

// Errors.
var (
	// ErrUnknown is returned (wrapped) for a code or name that is not in the
	// table. Its kind is problem.KindInvalid.
	ErrUnknown = problem.NewError(problem.KindInvalid, "territory: unknown")
	// ErrTable is wrapped by Parse's errors for a malformed table; the
	// embedded table is tested, so Default never meets it. Its kind is
	// problem.KindInvalid.
	ErrTable = problem.NewError(problem.KindInvalid, "territory: malformed table")
)

// Kinds of Province, as ISTAT names them.
const (
	KindProvincia              = "provincia"                 // ordinary province
	KindCittaMetropolitana     = "citta_metropolitana"       // metropolitan city
	KindLiberoConsorzio        = "libero_consorzio_comunale" // Sicily's free municipal consortia
	KindProvinciaAutonoma      = "provincia_autonoma"        // Bolzano/Bozen and Trento
	KindUnitaNonAmministrativa = "unita_non_amministrativa"  // Valle d'Aosta: no province, a statistical unit
)

// Region is one of the 20 Italian regions.
type Region struct {
	Code      string    `json:"code"`      // ISTAT code, "01".."20"
	Name      string    `json:"name"`      // official name, e.g. "Valle d'Aosta/Vallée d'Aoste"
	NUTS1     string    `json:"nuts1"`     // NUTS1 code of its macro-area, e.g. "ITC"
	NUTS2     string    `json:"nuts2"`     // NUTS2 code, e.g. "ITC1"; empty for Trentino-Alto Adige, whose NUTS2 units are its two autonomous provinces (ITH1, ITH2)
	MacroArea MacroArea `json:"macroArea"` // the macro-area it belongs to (same code as NUTS1)
}

// Province is a province, metropolitan city, free municipal consortium,
// autonomous province or, for Valle d'Aosta, the non-administrative unit
// ISTAT uses in their place (ISTAT's "unità territoriale sovracomunale").
type Province struct {
	Code           string `json:"code"`           // ISTAT UTS code, e.g. "001"-"111", "201" (Torino) for metropolitan cities
	HistoricalCode string `json:"historicalCode"` // ISTAT historical province code, the first 3 digits of its comuni's codes, e.g. "001" for Torino
	Sigla          string `json:"sigla"`          // two-letter abbreviation, e.g. "TO"
	Name           string `json:"name"`           // e.g. "Torino", "Bolzano/Bozen"
	RegionCode     string `json:"regionCode"`     // ISTAT code of its region
	NUTS3          string `json:"nuts3"`          // NUTS3 code; empty where the province spans several NUTS3 units (Sardinia: see Comune.NUTS3)
	NUTS2          string `json:"nuts2"`          // NUTS2 code, e.g. "ITC1"; "ITH1"/"ITH2" for the autonomous provinces
	Kind           string `json:"kind"`           // one of the Kind… constants
}

// Comune is an Italian municipality over one validity period: a comune
// renamed, moved to another province or given another ISTAT code has one
// Comune per period (ANPR's archive opens a new one on each change), and a
// comune suppressed is the last of its periods, with ValidTo set.
//
// Periods before the 107-unit list of provinces (2017) name the province that
// today bears the ISTAT province code they had; a comune of a province since
// abolished (Carbonia-Iglesias, Olbia-Tempio, …) has an empty ProvinceCode and
// only its RegionCode, and one in the territories lost after the wars
// neither.
type Comune struct {
	Code         string `json:"code"`                // ISTAT code, 6 digits, e.g. "058091" (Roma)
	Name         string `json:"name"`                // official name in Italian and, where there is one, the other language: "Bolzano/Bozen"
	ItalianName  string `json:"italianName"`         // name in Italian: "Bolzano"
	OtherName    string `json:"otherName,omitempty"` // name in the other language, "Bozen"; empty for most comuni
	Cadastral    string `json:"cadastral"`           // cadastral code (codice catastale / Belfiore), e.g. "H501"; the place code in codici fiscali
	ProvinceCode string `json:"provinceCode"`        // ISTAT UTS code of its province, e.g. "258" (Roma); empty for a province since abolished
	RegionCode   string `json:"regionCode"`          // ISTAT code of its region; empty for the territories lost after the wars
	NUTS3        string `json:"nuts3"`               // NUTS3 code
	Capital      bool   `json:"capital,omitempty"`   // capital of its province or metropolitan city, as ISTAT's 2020 list has it (set on every period under the same code and name)
	// ValidFrom is the first day of the period (ANPR's DATAISTITUZIONE).
	ValidFrom time.Time `json:"validFrom,omitzero"`
	// ValidTo is the last day of the period (ANPR's DATACESSAZIONE); zero
	// while the comune is still valid.
	ValidTo time.Time `json:"validTo,omitzero"`
}

// Current reports whether the period is still open: the comune exists, as
// described, at the table's date.
func (c Comune) Current() bool { return c.ValidTo.IsZero() }

// ValidOn reports whether day falls within the period (both ends included;
// only the calendar date of day counts).
func (c Comune) ValidOn(day time.Time) bool {
	d := dateOf(day)
	return !d.Before(c.ValidFrom) && (c.ValidTo.IsZero() || !d.After(c.ValidTo))
}

// Country is a foreign state as the codici fiscali of people born abroad
// name it: a code of "Z" and three digits in place of the cadastral code.
type Country struct {
	Code   string `json:"code"`             // "Z" and 3 digits, e.g. "Z105"
	Name   string `json:"name"`             // Italian name, e.g. "Cecoslovacchia"
	NameEN string `json:"nameEn,omitempty"` // English name, where the source gives one that differs
	// ValidFrom is the first day the code was valid (1900-01-01 for most:
	// the source dates states no earlier).
	ValidFrom time.Time `json:"validFrom,omitzero"`
	// ValidTo is the day the state ceased (Cecoslovacchia: 1993-01-01);
	// zero while it exists or when the source gives no date.
	ValidTo time.Time `json:"validTo,omitzero"`
	// Active is false for a state that no longer exists or whose code is no
	// longer used (Hong Kong, Z221, has no end date but is not active).
	Active bool `json:"active"`
}

// ValidOn reports whether the code was valid on day (both ends included). A
// state no longer active without an end date is valid on any day from
// ValidFrom.
func (c Country) ValidOn(day time.Time) bool {
	d := dateOf(day)
	return !d.Before(c.ValidFrom) && (c.ValidTo.IsZero() || !d.After(c.ValidTo))
}

// dateOf returns midnight UTC of day's calendar date.
func dateOf(day time.Time) time.Time {
	y, m, d := day.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// Recipient is one of the 21 recipients of the yearly list: the 19 regions
// other than Trentino-Alto Adige and its two autonomous provinces.
type Recipient struct {
	Code         string `json:"code"`                   // region code "01".."20", or "21" Bolzano/Bozen, "22" Trento (ISTAT's codes for the autonomous provinces)
	Name         string `json:"name"`                   // e.g. "Lombardia", "Provincia autonoma di Trento"
	NUTS2        string `json:"nuts2"`                  // NUTS2 code, e.g. "ITC4", "ITH2"
	RegionCode   string `json:"regionCode"`             // the region it is or belongs to
	ProvinceCode string `json:"provinceCode,omitempty"` // for an autonomous province, its province code ("021", "022")
}

// Territory is the ISTAT territory, dated: the current regions and provinces,
// every comune with its validity periods and the foreign states of the
// codici fiscali. Lookups without a date return current comuni; those ending
// in On take the day they ask about. It is immutable: every method returns
// copies, and all methods are safe for concurrent use.
type Territory struct {
	validAt    time.Time
	regions    []Region
	provinces  []Province
	recipients []Recipient
	comuni     []Comune // every period, by ISTAT code then start
	current    []int32  // indices of the current periods, in ISTAT code order
	countries  []Country

	regionByCode      map[string]int
	provinceByCode    map[string]int
	provinceBySigla   map[string]int
	recipientByCode   map[string]int
	countryByCode     map[string]int
	comuneByCode      map[string][]int32 // periods, by start
	comuneByCadastral map[string][]int32 // periods, by start

	namesOnce sync.Once
	names     map[string][]int32 // Fold(name) → comuni indices, ascending
}

// Default returns the territory built from the embedded table (valid at
// 2023-05-16, the last update of ANPR's archive). The table is parsed once,
// on the first call; later calls return the same immutable value.
func Default() *Territory { return defaultTerritory() }

var defaultTerritory = sync.OnceValue(func() *Territory {
	t, err := parse(istatTable)
	if err != nil {
		// The table is generated and tested; failing here means the binary is broken.
		panic(err)
	}
	return t
})

// ValidAt returns the date the data is valid at: comuni created or
// suppressed after it are not in the table.
func (t *Territory) ValidAt() time.Time { return t.validAt }

// Regions returns the 20 regions in ISTAT code order.
func (t *Territory) Regions() []Region { return slices.Clone(t.regions) }

// Region returns the region with ISTAT code code ("01".."20").
func (t *Territory) Region(code string) (Region, bool) {
	return get(t.regions, t.regionByCode, code)
}

// RegionByName returns the region whose name, or one of its '/'-separated
// forms, folds (see Fold) to the same key as name: "Valle d'Aosta",
// "vallee d'aoste", "Sudtirol", "trentino alto adige".
func (t *Territory) RegionByName(name string) (Region, bool) {
	key := Fold(name)
	if key == "" {
		return Region{}, false
	}
	for _, r := range t.regions {
		if matchName(key, r.Name) {
			return r, true
		}
	}
	return Region{}, false
}

// Provinces returns the provinces, metropolitan cities and equivalent units in
// ISTAT UTS code order.
func (t *Territory) Provinces() []Province { return slices.Clone(t.provinces) }

// Province returns the province with ISTAT UTS code code (e.g. "001" is not a
// UTS code since 2017: Torino is "201"; see Province.HistoricalCode).
func (t *Territory) Province(code string) (Province, bool) {
	return get(t.provinces, t.provinceByCode, code)
}

// ProvinceBySigla returns the province with the two-letter sigla s, in
// either case ("RM", "rm").
func (t *Territory) ProvinceBySigla(s string) (Province, bool) {
	return get(t.provinces, t.provinceBySigla, strings.ToUpper(strings.TrimSpace(s)))
}

// ProvinceByName returns the province whose name, or one of its
// '/'-separated forms, folds to the same key as name: "Forli-Cesena",
// "Bozen", "reggio nell emilia".
func (t *Territory) ProvinceByName(name string) (Province, bool) {
	key := Fold(name)
	if key == "" {
		return Province{}, false
	}
	for _, p := range t.provinces {
		if matchName(key, p.Name) {
			return p, true
		}
	}
	return Province{}, false
}

// Comuni returns the current comuni in ISTAT code order (a fresh copy on
// each call).
func (t *Territory) Comuni() []Comune { return t.ComuniOn(time.Time{}) }

// ComuniOn returns the comuni valid on day in ISTAT code order; the current
// ones when day is zero.
func (t *Territory) ComuniOn(day time.Time) []Comune {
	if day.IsZero() {
		out := make([]Comune, len(t.current))
		for i, j := range t.current {
			out[i] = t.comuni[j]
		}
		return out
	}
	var out []Comune
	for _, c := range t.comuni {
		if c.ValidOn(day) {
			out = append(out, c)
		}
	}
	return out
}

// ComuniHistory returns every period of every comune, past and current, by
// ISTAT code then start (a fresh copy on each call).
func (t *Territory) ComuniHistory() []Comune { return slices.Clone(t.comuni) }

// ComuniOf returns the current comuni of the province with UTS code
// provinceCode, in ISTAT code order; nil for an unknown province.
func (t *Territory) ComuniOf(provinceCode string) []Comune {
	var out []Comune
	for _, j := range t.current {
		if c := t.comuni[j]; c.ProvinceCode == provinceCode {
			out = append(out, c)
		}
	}
	return out
}

// Comune returns the current comune with the 6-digit ISTAT code code
// ("058091").
func (t *Territory) Comune(code string) (Comune, bool) {
	return t.ComuneOn(code, time.Time{})
}

// ComuneOn returns the comune with the 6-digit ISTAT code code valid on day;
// the current one when day is zero.
func (t *Territory) ComuneOn(code string, day time.Time) (Comune, bool) {
	return t.periodOn(t.comuneByCode[code], day)
}

// ComuneHistory returns every period of the ISTAT code code, oldest first;
// nil for a code the table never held. A code may pass from one comune to
// another over time.
func (t *Territory) ComuneHistory(code string) []Comune {
	return t.periods(t.comuneByCode[code])
}

// ComuneByCadastral returns the current comune with cadastral code code
// ("H501" or "h501").
func (t *Territory) ComuneByCadastral(code string) (Comune, bool) {
	return t.ComuneByCadastralOn(code, time.Time{})
}

// ComuneByCadastralOn returns the comune with cadastral code code valid on
// day; the current one when day is zero. This is how a codice fiscale's
// place of birth is read: with the birth date. Before 1928 two comuni shared
// D588 (Marne and Filago); the one with the lower ISTAT code is returned.
func (t *Territory) ComuneByCadastralOn(code string, day time.Time) (Comune, bool) {
	return t.periodOn(t.comuneByCadastral[strings.ToUpper(strings.TrimSpace(code))], day)
}

func (t *Territory) periodOn(idx []int32, day time.Time) (Comune, bool) {
	if day.IsZero() {
		// The current period, if any, is the last to start.
		for i := len(idx) - 1; i >= 0; i-- {
			if c := &t.comuni[idx[i]]; c.ValidTo.IsZero() {
				return *c, true
			}
		}
		return Comune{}, false
	}
	d := dateOf(day)
	for _, j := range idx {
		if c := &t.comuni[j]; !d.Before(c.ValidFrom) && (c.ValidTo.IsZero() || !d.After(c.ValidTo)) {
			return *c, true
		}
	}
	return Comune{}, false
}

func (t *Territory) periods(idx []int32) []Comune {
	if len(idx) == 0 {
		return nil
	}
	out := make([]Comune, len(idx))
	for i, j := range idx {
		out[i] = t.comuni[j]
	}
	return out
}

// FindComuni returns the current comuni whose name matches name, accent- and
// case-insensitively (see Fold), in ISTAT code order. A name matches the full
// official name ("Bolzano/Bozen"), the Italian name ("Bolzano") or the name
// in the other language ("Bozen"). Several comuni may share a name
// ("Samone" is in Torino and in Trento); nil when none matches.
func (t *Territory) FindComuni(name string) []Comune {
	return t.FindComuniOn(name, time.Time{})
}

// FindComuniOn is FindComuni for the comuni valid on day; the current ones
// when day is zero.
func (t *Territory) FindComuniOn(name string, day time.Time) []Comune {
	var out []Comune
	for _, c := range t.FindComuniHistory(name) {
		if (day.IsZero() && c.Current()) || (!day.IsZero() && c.ValidOn(day)) {
			out = append(out, c)
		}
	}
	return out
}

// FindComuniHistory returns every period, past or current, of the comuni
// whose name in that period matches name (see FindComuni), by ISTAT code
// then start.
func (t *Territory) FindComuniHistory(name string) []Comune {
	t.namesOnce.Do(t.indexNames)
	return t.periods(t.names[Fold(name)])
}

// Countries returns the foreign states, past and present, in code order.
func (t *Territory) Countries() []Country { return slices.Clone(t.countries) }

// Country returns the foreign state with code code ("Z105" or "z105"),
// whether or not it still exists.
func (t *Territory) Country(code string) (Country, bool) {
	return get(t.countries, t.countryByCode, strings.ToUpper(strings.TrimSpace(code)))
}

// CountryOn returns the foreign state with code code valid on day (see
// Country.ValidOn); with a zero day, the state if it is active.
func (t *Territory) CountryOn(code string, day time.Time) (Country, bool) {
	c, ok := t.Country(code)
	if !ok || (day.IsZero() && !c.Active) || (!day.IsZero() && !c.ValidOn(day)) {
		return Country{}, false
	}
	return c, true
}

// Recipients returns the 21 recipients of the yearly list in code order.
func (t *Territory) Recipients() []Recipient { return slices.Clone(t.recipients) }

// Recipient returns the recipient with code code ("01".."20" but "04", "21", "22").
func (t *Territory) Recipient(code string) (Recipient, bool) {
	return get(t.recipients, t.recipientByCode, code)
}

// RecipientOf returns the recipient of the yearly list responsible for the
// province with UTS code provinceCode: its region, or for the provinces of
// Trentino-Alto Adige the autonomous province itself.
func (t *Territory) RecipientOf(provinceCode string) (Recipient, bool) {
	p, ok := t.Province(provinceCode)
	if !ok {
		return Recipient{}, false
	}
	for _, r := range t.recipients {
		if r.ProvinceCode == p.Code {
			return r, true
		}
	}
	for _, r := range t.recipients {
		if r.ProvinceCode == "" && r.RegionCode == p.RegionCode {
			return r, true
		}
	}
	return Recipient{}, false
}

func get[T any](list []T, index map[string]int, key string) (T, bool) {
	i, ok := index[key]
	if !ok {
		var zero T
		return zero, false
	}
	return list[i], true
}

// matchName reports whether key (already folded) matches name or one of its
// '/'-separated forms.
func matchName(key, name string) bool {
	if Fold(name) == key {
		return true
	}
	if !strings.Contains(name, "/") {
		return false
	}
	for part := range strings.SplitSeq(name, "/") {
		if Fold(part) == key {
			return true
		}
	}
	return false
}

func (t *Territory) indexNames() {
	names := make(map[string][]int32, len(t.comuni)+256)
	add := func(name string, i int32) {
		k := Fold(name)
		if k == "" {
			return
		}
		if l := names[k]; len(l) > 0 && l[len(l)-1] == i {
			return
		}
		names[k] = append(names[k], i)
	}
	for i, c := range t.comuni {
		add(c.Name, int32(i))
		add(c.ItalianName, int32(i))
		add(c.OtherName, int32(i))
	}
	t.names = names
}

// Parse reads a territory table in the format of the embedded one (the
// istat.tsv that internal/gen writes from ISTAT's files), so an operator can
// run the register on a newer territory than the embedded one without a new
// build: generate the table, load it with Parse and hand it to the Registry
// (registry.Options.Territory), which passes it to every path built on it.
//
// Errors: an error wrapping ErrTable naming the line for a malformed table;
// the reader's error.
func Parse(r io.Reader) (*Territory, error) {
	b, err := io.ReadAll(io.LimitReader(r, maxTableBytes+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxTableBytes {
		return nil, fmt.Errorf("%w: table larger than %d bytes", ErrTable, maxTableBytes)
	}
	return parse(string(b))
}

// maxTableBytes bounds what Parse reads (the embedded table is about 0.9 MB).
const maxTableBytes = 16 << 20

// parse reads the generated table.
func parse(table string) (*Territory, error) {
	t := &Territory{
		regionByCode:      map[string]int{},
		provinceByCode:    map[string]int{},
		provinceBySigla:   map[string]int{},
		recipientByCode:   map[string]int{},
		countryByCode:     map[string]int{},
		comuneByCode:      make(map[string][]int32, 16384),
		comuneByCadastral: make(map[string][]int32, 16384),
	}
	t.comuni = make([]Comune, 0, 16384)
	t.current = make([]int32, 0, 8192)
	var fields [12]string
	line := 0
	for rest := table; rest != ""; {
		var text string
		text, rest, _ = strings.Cut(rest, "\n")
		line++
		if text == "" || text[0] == '#' {
			continue
		}
		n := split(text, fields[:])
		bad := func(what string) error {
			return fmt.Errorf("%w: line %d: %s", ErrTable, line, what)
		}
		want := recordFields(fields[0])
		if want == 0 {
			return nil, bad(fmt.Sprintf("unknown record %q", fields[0]))
		}
		if n != want {
			return nil, bad(fmt.Sprintf("%d fields, want %d", n, want))
		}
		f := fields[1:n]
		switch fields[0] {
		case "V":
			d, err := time.Parse(time.DateOnly, f[0])
			if err != nil {
				return nil, bad(err.Error())
			}
			t.validAt = d
		case "R":
			area := MacroArea(f[2])
			if !area.Valid() {
				return nil, bad("unknown macro-area " + f[2])
			}
			if err := addTo(&t.regions, t.regionByCode, f[0], Region{Code: f[0], Name: f[1], NUTS1: f[2], NUTS2: f[3], MacroArea: area}); err != nil {
				return nil, bad(err.Error())
			}
		case "P":
			if _, ok := t.regionByCode[f[4]]; !ok {
				return nil, bad("unknown region " + f[4])
			}
			p := Province{Code: f[0], HistoricalCode: f[1], Sigla: f[2], Name: f[3], RegionCode: f[4], NUTS3: f[5], NUTS2: f[6], Kind: f[7]}
			if _, dup := t.provinceBySigla[p.Sigla]; dup {
				return nil, bad("duplicate sigla " + p.Sigla)
			}
			if err := addTo(&t.provinces, t.provinceByCode, p.Code, p); err != nil {
				return nil, bad(err.Error())
			}
			t.provinceBySigla[p.Sigla] = len(t.provinces) - 1
		case "A":
			if _, ok := t.regionByCode[f[3]]; !ok {
				return nil, bad("unknown region " + f[3])
			}
			if err := addTo(&t.recipients, t.recipientByCode, f[0], Recipient{Code: f[0], Name: f[1], NUTS2: f[2], RegionCode: f[3], ProvinceCode: f[4]}); err != nil {
				return nil, bad(err.Error())
			}
		case "S":
			c := Country{Code: f[0], Name: f[1], NameEN: f[2], Active: f[5] == "1"}
			var err error
			if c.ValidFrom, c.ValidTo, err = period(f[3], f[4]); err != nil {
				return nil, bad(err.Error())
			}
			if len(c.Code) != 4 || c.Code[0] != 'Z' {
				return nil, bad("malformed state code " + c.Code)
			}
			if err := addTo(&t.countries, t.countryByCode, c.Code, c); err != nil {
				return nil, bad(err.Error())
			}
		case "C":
			c := Comune{Code: f[0], Name: f[1], ItalianName: f[2], OtherName: f[3], Cadastral: f[4],
				ProvinceCode: f[5], RegionCode: f[6], NUTS3: f[7], Capital: f[8] == "1"}
			if c.ProvinceCode != "" {
				pi, ok := t.provinceByCode[c.ProvinceCode]
				if !ok {
					return nil, bad("unknown province " + c.ProvinceCode)
				}
				p := t.provinces[pi]
				c.RegionCode = p.RegionCode
				if c.NUTS3 == "" {
					c.NUTS3 = p.NUTS3
				}
			} else if _, ok := t.regionByCode[c.RegionCode]; c.RegionCode != "" && !ok {
				return nil, bad("unknown region " + c.RegionCode)
			}
			if c.ItalianName == "" {
				c.ItalianName = c.Name
			}
			var err error
			if c.ValidFrom, c.ValidTo, err = period(f[9], f[10]); err != nil {
				return nil, bad(err.Error())
			}
			if c.Code == "" || c.Name == "" {
				return nil, bad("empty code or name")
			}
			i := int32(len(t.comuni))
			if c.Current() {
				if j, dup := t.periodOn(t.comuneByCode[c.Code], time.Time{}); dup {
					return nil, bad("duplicate current code " + j.Code)
				}
				if j, dup := t.periodOn(t.comuneByCadastral[c.Cadastral], time.Time{}); dup && c.Cadastral != "" {
					return nil, bad("duplicate current cadastral code " + j.Cadastral)
				}
				t.current = append(t.current, i)
			}
			t.comuni = append(t.comuni, c)
			t.comuneByCode[c.Code] = append(t.comuneByCode[c.Code], i)
			if c.Cadastral != "" {
				t.comuneByCadastral[c.Cadastral] = append(t.comuneByCadastral[c.Cadastral], i)
			}
		}
	}
	// The generator writes periods by ISTAT code and start; a table written
	// otherwise is sorted here.
	byStart := func(a, b int32) int { return t.comuni[a].ValidFrom.Compare(t.comuni[b].ValidFrom) }
	for _, index := range []map[string][]int32{t.comuneByCode, t.comuneByCadastral} {
		for _, idx := range index {
			if !slices.IsSortedFunc(idx, byStart) {
				slices.SortStableFunc(idx, byStart)
			}
		}
	}
	byCode := func(a, b int32) int { return strings.Compare(t.comuni[a].Code, t.comuni[b].Code) }
	if !slices.IsSortedFunc(t.current, byCode) {
		slices.SortStableFunc(t.current, byCode)
	}
	if t.validAt.IsZero() {
		return nil, fmt.Errorf("%w: no V (valid-at) record", ErrTable)
	}
	if len(t.regions) == 0 || len(t.provinces) == 0 || len(t.current) == 0 || len(t.recipients) == 0 {
		return nil, fmt.Errorf("%w: regions, provinces, recipients or comuni missing", ErrTable)
	}
	return t, nil
}

// recordFields returns the number of fields of a record with tag tag, or 0
// for an unknown tag.
func recordFields(tag string) int {
	switch tag {
	case "V":
		return 2
	case "R":
		return 5
	case "A":
		return 6
	case "S":
		return 7
	case "P":
		return 9
	case "C":
		return 12
	}
	return 0
}

// split splits a tab-separated line into dst and returns the number of
// fields, or len(dst)+1 when there are more fields than dst holds.
func split(s string, dst []string) int {
	n := 0
	for {
		if n == len(dst) {
			return n + 1
		}
		field, rest, more := strings.Cut(s, "\t")
		dst[n] = field
		n++
		if !more {
			return n
		}
		s = rest
	}
}

// period parses a validity period: from is required, to may be empty (still
// valid); both are dates (2006-01-02).
func period(from, to string) (time.Time, time.Time, error) {
	f, err := parseDay(from)
	if err != nil {
		return time.Time{}, time.Time{}, err
	}
	if to == "" {
		return f, time.Time{}, nil
	}
	u, err := parseDay(to)
	if err != nil {
		return time.Time{}, time.Time{}, err
	}
	if u.Before(f) {
		return time.Time{}, time.Time{}, fmt.Errorf("period ends (%s) before it begins (%s)", to, from)
	}
	return f, u, nil
}

// parseDay parses a date written 2006-01-02 as time.Parse does, faster: the
// table holds some 33,000 of them.
func parseDay(s string) (time.Time, error) {
	num := func(s string) (int, bool) {
		n := 0
		for i := 0; i < len(s); i++ {
			if s[i] < '0' || s[i] > '9' {
				return 0, false
			}
			n = n*10 + int(s[i]-'0')
		}
		return n, true
	}
	if len(s) == 10 && s[4] == '-' && s[7] == '-' {
		y, oky := num(s[:4])
		m, okm := num(s[5:7])
		d, okd := num(s[8:])
		if oky && okm && okd && m >= 1 && m <= 12 && d >= 1 && d <= 31 {
			t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
			if t.Day() == d { // not 31 April, not 29 February of a common year
				return t, nil
			}
		}
	}
	return time.Parse(time.DateOnly, s) // for its error
}

func addTo[T any](list *[]T, index map[string]int, key string, v T) error {
	if key == "" {
		return errors.New("empty code")
	}
	if _, dup := index[key]; dup {
		return fmt.Errorf("duplicate code %s", key)
	}
	*list = append(*list, v)
	index[key] = len(*list) - 1
	return nil
}
