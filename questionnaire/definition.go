package questionnaire

import (
	"fmt"
	"reflect"

	"github.com/openregistro/registro/schemas/problem"
)

// ErrUnknownYear is wrapped by DefinitionFor for a reporting year without a
// definition. Its kind is problem.KindNotFound: there is no questionnaire
// for that year.
var ErrUnknownYear = problem.NewError(problem.KindNotFound, "questionnaire: no definition for reporting year")

// The questionnaire versions, named after what they add to the ministry's
// questionnaire over the reporting years.
const (
	// VersionBase is the questionnaire of reporting years up to 2021.
	VersionBase = "base"
	// VersionUkraine adds the focus on Ukrainian citizens (2022 on).
	VersionUkraine = "ukraine"
	// VersionDifficulties adds the difficulties met and the Section II
	// labour-inclusion detail (2024 on).
	VersionDifficulties = "difficulties"
)

// The first and last reporting years with a definition.
const (
	FirstYear = 2019
	LastYear  = 2025
)

// Definition is the questionnaire of one reporting year, as data: its
// version, the fields that exist in that year (from the `since`/`until` tags
// of [Document]) and the conditional blocks. The Go pipeline and the generated
// JSON Schema both read it.
type Definition struct {
	// Year is the reporting year; a document's reportingYear must equal it.
	Year int
	// Version names the questionnaire version (VersionBase, …).
	Version string
	// Conditionals are the blocks whose presence depends on other answers.
	Conditionals []Conditional
}

// Presence says how a conditional block depends on its condition.
type Presence string

// The presences of a conditional block.
const (
	// RequiredExactlyWhen: the block is required when the condition holds and
	// forbidden otherwise (JSON Schema: if/then required, else not required).
	RequiredExactlyWhen Presence = "requiredExactlyWhen"
	// AllowedOnlyWhen: the block is optional when the condition holds and
	// forbidden otherwise.
	AllowedOnlyWhen Presence = "allowedOnlyWhen"
)

// Match is one test of a condition on the document.
type Match struct {
	// Path is the JSON Pointer of the tested value, such as "/sections".
	Path string
	// Contains, when set, requires the array at Path to contain this string.
	Contains string
	// Equals, when set, requires the string at Path to equal this value.
	Equals string
}

// Conditional is a root property of the document whose presence depends on
// a condition (every Match must hold).
type Conditional struct {
	// Property is the root property, such as "sectionII".
	Property string
	// When lists the tests, all of which must hold.
	When []Match
	// Presence says what the condition implies.
	Presence Presence
	// Code is the stable problem code reported when the rule is broken.
	Code string
}

// yearsOf returns the first and last reporting years the struct field exists
// in, from its `since` and `until` tags (0: unbounded).
func yearsOf(f reflect.StructField) (since, until int, err error) {
	if s := f.Tag.Get("since"); s != "" {
		if _, err := fmt.Sscanf(s, "%d", &since); err != nil {
			return 0, 0, fmt.Errorf("questionnaire: field %s: bad since tag %q", f.Name, s)
		}
	}
	if s := f.Tag.Get("until"); s != "" {
		if _, err := fmt.Sscanf(s, "%d", &until); err != nil {
			return 0, 0, fmt.Errorf("questionnaire: field %s: bad until tag %q", f.Name, s)
		}
	}
	return since, until, nil
}

// The conditional blocks, the same in every year.
func conditionals() []Conditional {
	return []Conditional{
		{
			Property: "sectionII",
			When:     []Match{{Path: "/sections", Contains: "II"}},
			Presence: RequiredExactlyWhen,
			Code:     "section_ii_block",
		},
		{
			Property: "branches",
			When:     []Match{{Path: "/sections", Contains: "I"}, {Path: "/body/geoScope", Equals: "national"}},
			Presence: AllowedOnlyWhen,
			Code:     "branches_not_allowed",
		},
	}
}

func versionOf(year int) string {
	switch {
	case year >= 2024:
		return VersionDifficulties
	case year >= 2022:
		return VersionUkraine
	}
	return VersionBase
}

// Definitions returns the definitions of every reporting year from FirstYear
// to LastYear, in order. Each call returns fresh values.
func Definitions() []*Definition {
	out := make([]*Definition, 0, LastYear-FirstYear+1)
	for y := FirstYear; y <= LastYear; y++ {
		out = append(out, &Definition{Year: y, Version: versionOf(y), Conditionals: conditionals()})
	}
	return out
}

// DefinitionFor returns the definition of reporting year year, or an error
// wrapping ErrUnknownYear.
func DefinitionFor(year int) (*Definition, error) {
	if year < FirstYear || year > LastYear {
		return nil, fmt.Errorf("%w %d (have %d–%d)", ErrUnknownYear, year, FirstYear, LastYear)
	}
	return &Definition{Year: year, Version: versionOf(year), Conditionals: conditionals()}, nil
}

// Holds reports whether every Match of c holds on doc.
func (c Conditional) Holds(doc *Document) bool {
	for _, m := range c.When {
		if !m.holds(doc) {
			return false
		}
	}
	return true
}

func (m Match) holds(doc *Document) bool {
	switch m.Path {
	case "/sections":
		for _, s := range doc.Sections {
			if s == m.Contains {
				return true
			}
		}
		return false
	case "/body/geoScope":
		return doc.Body.GeoScope == m.Equals
	}
	return false
}

// FieldInYear reports whether the field (a JSON property) exists in the
// definition's year: sinceYear and untilYear come from the field's tags
// (0: unbounded).
func (d *Definition) FieldInYear(sinceYear, untilYear int) bool {
	return (sinceYear == 0 || d.Year >= sinceYear) && (untilYear == 0 || d.Year <= untilYear)
}
