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
// (recipient) or C (comune).
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

// Comune is an Italian municipality.
type Comune struct {
	Code         string `json:"code"`                // ISTAT code, 6 digits, e.g. "058091" (Roma)
	Name         string `json:"name"`                // official name in Italian and, where there is one, the other language: "Bolzano/Bozen"
	ItalianName  string `json:"italianName"`         // name in Italian: "Bolzano"
	OtherName    string `json:"otherName,omitempty"` // name in the other language, "Bozen"; empty for most comuni
	Cadastral    string `json:"cadastral"`           // cadastral code (codice catastale / Belfiore), e.g. "H501"; the place code in codici fiscali
	ProvinceCode string `json:"provinceCode"`        // ISTAT UTS code of its province, e.g. "258" (Roma)
	RegionCode   string `json:"regionCode"`          // ISTAT code of its region
	NUTS3        string `json:"nuts3"`               // NUTS3 code
	Capital      bool   `json:"capital,omitempty"`   // capital of its province or metropolitan city
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

// Territory is a dated snapshot of the ISTAT territory. It is immutable:
// every method returns copies, and all methods are safe for concurrent use.
type Territory struct {
	validAt    time.Time
	regions    []Region
	provinces  []Province
	recipients []Recipient
	comuni     []Comune

	regionByCode      map[string]int
	provinceByCode    map[string]int
	provinceBySigla   map[string]int
	recipientByCode   map[string]int
	comuneByCode      map[string]int
	comuneByCadastral map[string]int

	namesOnce sync.Once
	names     map[string][]int32 // Fold(name) → comuni indices, ascending
}

// Default returns the territory built from the embedded ISTAT table (valid at
// 2020-01-01). The table is parsed once, on the first call; later calls
// return the same immutable value.
func Default() *Territory { return defaultTerritory() }

var defaultTerritory = sync.OnceValue(func() *Territory {
	t, err := parse(istatTable)
	if err != nil {
		// The table is generated and tested; failing here means the binary is broken.
		panic(err)
	}
	return t
})

// ValidAt returns the date the data is valid at.
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

// Comuni returns all comuni in ISTAT code order (a fresh copy on each call).
func (t *Territory) Comuni() []Comune { return slices.Clone(t.comuni) }

// ComuniOf returns the comuni of the province with UTS code provinceCode, in
// ISTAT code order; nil for an unknown province.
func (t *Territory) ComuniOf(provinceCode string) []Comune {
	var out []Comune
	for _, c := range t.comuni {
		if c.ProvinceCode == provinceCode {
			out = append(out, c)
		}
	}
	return out
}

// Comune returns the comune with the 6-digit ISTAT code code ("058091").
func (t *Territory) Comune(code string) (Comune, bool) {
	return get(t.comuni, t.comuneByCode, code)
}

// ComuneByCadastral returns the comune with cadastral code code ("H501" or
// "h501"). Codes of comuni abolished before the table's date are unknown.
func (t *Territory) ComuneByCadastral(code string) (Comune, bool) {
	return get(t.comuni, t.comuneByCadastral, strings.ToUpper(strings.TrimSpace(code)))
}

// FindComuni returns the comuni whose name matches name, accent- and
// case-insensitively (see Fold), in ISTAT code order. A name matches the full
// official name ("Bolzano/Bozen"), the Italian name ("Bolzano") or the name
// in the other language ("Bozen"). Several comuni may share a name
// ("Samone" is in Torino and in Trento); nil when none matches.
func (t *Territory) FindComuni(name string) []Comune {
	t.namesOnce.Do(t.indexNames)
	idx := t.names[Fold(name)]
	if len(idx) == 0 {
		return nil
	}
	out := make([]Comune, len(idx))
	for i, j := range idx {
		out[i] = t.comuni[j]
	}
	return out
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

// maxTableBytes bounds what Parse reads (the embedded table is about 0.6 MB).
const maxTableBytes = 16 << 20

// parse reads the generated table.
func parse(table string) (*Territory, error) {
	t := &Territory{
		regionByCode:      map[string]int{},
		provinceByCode:    map[string]int{},
		provinceBySigla:   map[string]int{},
		recipientByCode:   map[string]int{},
		comuneByCode:      make(map[string]int, 8192),
		comuneByCadastral: make(map[string]int, 8192),
	}
	t.comuni = make([]Comune, 0, 8192)
	var fields [10]string
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
		case "C":
			pi, ok := t.provinceByCode[f[5]]
			if !ok {
				return nil, bad("unknown province " + f[5])
			}
			p := t.provinces[pi]
			c := Comune{Code: f[0], Name: f[1], ItalianName: f[2], OtherName: f[3], Cadastral: f[4],
				ProvinceCode: p.Code, RegionCode: p.RegionCode, NUTS3: f[6], Capital: f[7] == "1"}
			if c.ItalianName == "" {
				c.ItalianName = c.Name
			}
			if c.NUTS3 == "" {
				c.NUTS3 = p.NUTS3
			}
			if _, dup := t.comuneByCadastral[c.Cadastral]; dup {
				return nil, bad("duplicate cadastral code " + c.Cadastral)
			}
			if err := addTo(&t.comuni, t.comuneByCode, c.Code, c); err != nil {
				return nil, bad(err.Error())
			}
			t.comuneByCadastral[c.Cadastral] = len(t.comuni) - 1
		}
	}
	if t.validAt.IsZero() {
		return nil, fmt.Errorf("%w: no V (valid-at) record", ErrTable)
	}
	if len(t.regions) == 0 || len(t.provinces) == 0 || len(t.comuni) == 0 || len(t.recipients) == 0 {
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
	case "P", "C":
		return 9
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
