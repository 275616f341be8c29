// Package codelist holds the code lists of the register — legal forms, sectors,
// funding sources, age bands and the rest — as data, with Italian and English
// labels and the reporting years each code applies to.
//
// The official code lists are not published; the default set (embedded as
// default.json, modelled on the ministry's questionnaire and reports) is modelled where marked, and an operator can
// replace it without code changes by loading their own JSON with [Load]. The
// Go validators and the generated JSON Schemas both read the same lists, so
// they cannot disagree on what a valid code is.
//
// # Errors
//
// [Load] returns an error wrapping [ErrInvalid] (kind invalid) and naming the
// list and code at fault when the data is malformed (duplicate codes, missing
// labels, a code outside its list's years).
//
// # Concurrency
//
// A [Set] and its lists are immutable once built and safe for concurrent use.
package codelist

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"sync"

	"github.com/openregistro/registro/schemas/problem"
)

// The names of the lists in the default set.
const (
	LegalForm         = "legal_form"
	Qualification     = "qualification"
	OtherRegister     = "other_register"
	RUNTSSection      = "runts_section"
	GeoScope          = "geo_scope"
	NetworkKind       = "network_kind"
	NetworkLevel      = "network_level"
	Sector            = "sector"
	PortaleAxis       = "portale_axis"
	ActivityType      = "activity_type"
	PartnerKind       = "partner_kind"
	PartnerRole       = "partner_role"
	FundSource        = "fund_source"
	Sex               = "sex"
	AgeBand           = "age_band"
	CitizenshipArea   = "citizenship_area"
	NationalityClass  = "nationality_class"
	HRKind            = "hr_kind"
	ExploitationForm  = "exploitation_form"
	ProgrammePhase    = "programme_phase"
	LabourOutcome     = "labour_outcome"
	Difficulty        = "difficulty"
	CompetenceArea    = "competence_area"
	ExperienceArea    = "experience_area"
	AttachmentKind    = "attachment_kind"
	CancellationCause = "cancellation_reason"
)

// Item is one code of a list.
type Item struct {
	// Code is the stable value stored and exchanged. It never changes meaning.
	Code string `json:"code"`
	// Label is what people read.
	Label problem.Text `json:"label"`
	// Since and Until bound the reporting years the code may be used in
	// (inclusive; 0 means unbounded).
	Since int `json:"since,omitempty"`
	Until int `json:"until,omitempty"`
}

// ValidIn reports whether the item may be used in reporting year year
// (year 0 means "any year").
func (it Item) ValidIn(year int) bool {
	if year == 0 {
		return true
	}
	return (it.Since == 0 || year >= it.Since) && (it.Until == 0 || year <= it.Until)
}

// List is a named code list.
type List struct {
	name     string
	title    problem.Text
	since    int
	modelled bool
	items    []Item
	index    map[string]int
}

// Name returns the list's name, such as "legal_form".
func (l *List) Name() string { return l.name }

// Title returns the list's title.
func (l *List) Title() problem.Text { return l.title }

// Since returns the first reporting year the list is used in (0: always).
func (l *List) Since() int { return l.since }

// Modelled reports whether the list is a design choice of this project rather
// than a published official list.
func (l *List) Modelled() bool { return l.modelled }

// Items returns a copy of every item, in the list's order.
func (l *List) Items() []Item { return append([]Item(nil), l.items...) }

// In returns the items valid in reporting year year (0: all), in order.
func (l *List) In(year int) []Item {
	var out []Item
	for _, it := range l.items {
		if it.ValidIn(year) {
			out = append(out, it)
		}
	}
	return out
}

// Codes returns the codes valid in reporting year year (0: all), in order.
func (l *List) Codes(year int) []string {
	var out []string
	for _, it := range l.items {
		if it.ValidIn(year) {
			out = append(out, it.Code)
		}
	}
	return out
}

// Item returns the item with code.
func (l *List) Item(code string) (Item, bool) {
	i, ok := l.index[code]
	if !ok {
		return Item{}, false
	}
	return l.items[i], true
}

// Contains reports whether code is in the list and valid in reporting year
// year (0: any year).
func (l *List) Contains(code string, year int) bool {
	it, ok := l.Item(code)
	return ok && it.ValidIn(year)
}

// Label returns the label of code, or the code itself when unknown.
func (l *List) Label(code, lang string) string {
	if it, ok := l.Item(code); ok {
		return it.Label.In(problem.Lang(lang))
	}
	return code
}

// Set is a collection of named lists.
type Set struct {
	version string
	lists   map[string]*List
	order   []string
}

// Version returns the set's version string.
func (s *Set) Version() string { return s.version }

// Names returns the names of the lists, in the order of the source.
func (s *Set) Names() []string { return append([]string(nil), s.order...) }

// List returns the named list.
func (s *Set) List(name string) (*List, bool) {
	l, ok := s.lists[name]
	return l, ok
}

// MustList returns the named list and panics when it is absent. It is meant
// for the names of the default set, whose presence a test guarantees.
func (s *Set) MustList(name string) *List {
	l, ok := s.lists[name]
	if !ok {
		panic(fmt.Sprintf("codelist: no list %q", name))
	}
	return l
}

//go:embed default.json
var defaultJSON []byte

var (
	defaultOnce sync.Once
	defaultSet  *Set
)

// Default returns the default set embedded as default.json, parsed once.
func Default() *Set {
	defaultOnce.Do(func() {
		s, err := Load(bytes.NewReader(defaultJSON))
		if err != nil {
			panic("codelist: embedded default.json is invalid: " + err.Error())
		}
		defaultSet = s
	})
	return defaultSet
}

// DefaultJSON returns the embedded default set as JSON, a starting point for an
// operator's own set.
func DefaultJSON() []byte { return append([]byte(nil), defaultJSON...) }

type fileList struct {
	Name     string       `json:"name"`
	Title    problem.Text `json:"title"`
	Since    int          `json:"since"`
	Modelled bool         `json:"modelled"`
	Items    []Item       `json:"items"`
}

type file struct {
	Version string     `json:"version"`
	Source  string     `json:"source"`
	Lists   []fileList `json:"lists"`
}

var codeRE = regexp.MustCompile(`^[a-z0-9][a-z0-9_]*$`)

// ErrInvalid is wrapped by every error Load returns for malformed data. Its
// kind is problem.KindInvalid.
var ErrInvalid = problem.NewError(problem.KindInvalid, "codelist: invalid code lists")

// Load reads a set of code lists from JSON in the shape of default.json:
//
//	{"version": "…", "lists": [{"name": "…", "title": {"it": "…", "en": "…"},
//	  "since": 0, "items": [{"code": "…", "label": {"it": "…", "en": "…"}}]}]}
//
// Unknown fields are rejected. A list's "since" applies to items that have
// none of their own.
func Load(r io.Reader) (*Set, error) {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	var f file
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	s := &Set{version: f.Version, lists: map[string]*List{}}
	for i, fl := range f.Lists {
		if !codeRE.MatchString(fl.Name) {
			return nil, fmt.Errorf("%w: list %d: name %q must match %s", ErrInvalid, i, fl.Name, codeRE)
		}
		if _, dup := s.lists[fl.Name]; dup {
			return nil, fmt.Errorf("%w: list %q appears twice", ErrInvalid, fl.Name)
		}
		if fl.Title.IT == "" || fl.Title.EN == "" {
			return nil, fmt.Errorf("%w: list %q: title needs it and en", ErrInvalid, fl.Name)
		}
		if len(fl.Items) == 0 {
			return nil, fmt.Errorf("%w: list %q has no items", ErrInvalid, fl.Name)
		}
		l := &List{name: fl.Name, title: fl.Title, since: fl.Since, modelled: fl.Modelled, index: map[string]int{}}
		for _, it := range fl.Items {
			if !codeRE.MatchString(it.Code) {
				return nil, fmt.Errorf("%w: list %q: code %q must match %s", ErrInvalid, fl.Name, it.Code, codeRE)
			}
			if _, dup := l.index[it.Code]; dup {
				return nil, fmt.Errorf("%w: list %q: code %q appears twice", ErrInvalid, fl.Name, it.Code)
			}
			if it.Label.IT == "" || it.Label.EN == "" {
				return nil, fmt.Errorf("%w: list %q: code %q needs labels in it and en", ErrInvalid, fl.Name, it.Code)
			}
			if it.Since == 0 {
				it.Since = fl.Since
			}
			if it.Until != 0 && it.Until < it.Since {
				return nil, fmt.Errorf("%w: list %q: code %q ends (%d) before it starts (%d)", ErrInvalid, fl.Name, it.Code, it.Until, it.Since)
			}
			l.index[it.Code] = len(l.items)
			l.items = append(l.items, it)
		}
		s.lists[fl.Name] = l
		s.order = append(s.order, fl.Name)
	}
	return s, nil
}
