package eligibility

import (
	"fmt"
	"io"
	"strings"

	"github.com/invopop/jsonschema"

	"github.com/openregistro/registro/registry"
	"github.com/openregistro/registro/schemas/problem"
)

// SchemaVersion identifies the JSON shape of a [Decision]. It changes only
// when the shape changes incompatibly; fields may be added within a version.
const SchemaVersion = "registro.eligibility/v1"

// Decision is the outcome of evaluating one application: a verdict per
// requested section and, for each, every rule in force with its outcome, legal
// basis, facts and message. Marshalled as JSON it is stable: the same
// application, register and rule set give the same bytes.
type Decision struct {
	// Schema is SchemaVersion.
	Schema string `json:"schema" validate:"required"`
	// ApplicationID and EntityID identify the application and body, when known.
	ApplicationID string `json:"applicationId,omitempty"`
	EntityID      string `json:"entityId,omitempty"`
	// ApplicationDate is the day the application was filed; it selects the
	// rules in force.
	ApplicationDate string `json:"applicationDate" validate:"required,datetime=2006-01-02"`
	// AsOf is the day of the evaluation.
	AsOf string `json:"asOf" validate:"required,datetime=2006-01-02"`
	// RuleSet names the rule set and its version.
	RuleSet RuleSetRef `json:"ruleSet" validate:"required"`
	// Verdict is the application's: eligible only when every requested
	// section is, not_eligible when any section is, incomplete otherwise.
	Verdict Verdict `json:"verdict" validate:"required"`
	// Sections holds one decision per requested section, in section order.
	Sections []SectionDecision `json:"sections" validate:"required,min=1,dive"`
}

// RuleSetRef names the rule set a decision was made with.
type RuleSetRef struct {
	Name    string `json:"name" validate:"required"`
	Version string `json:"version" validate:"required"`
}

// SectionDecision is the verdict for one requested section.
type SectionDecision struct {
	Section registry.Section `json:"section" validate:"required"`
	// Verdict: not_eligible if a rule failed, incomplete if none failed but
	// one is missing facts, eligible otherwise.
	Verdict Verdict `json:"verdict" validate:"required"`
	// Results are the rules in force for this section, in rule-set order.
	Results []Result `json:"results" validate:"required,dive"`
}

// Result is one rule's outcome for one section.
type Result struct {
	// Rule is the rule's ID; Version its version.
	Rule    string `json:"rule" validate:"required"`
	Version int    `json:"version" validate:"required,gte=1"`
	// Basis is the legal basis ("art. 53 c.1 lett. b DPR 394/1999").
	Basis string `json:"basis" validate:"required"`
	// Title says what the rule requires.
	Title problem.Text `json:"title" validate:"required"`
	// Outcome is pass, fail, missing or not_applicable.
	Outcome Outcome `json:"outcome" validate:"required"`
	// Facts are the facts the rule used, with their values.
	Facts []Fact `json:"facts" validate:"required,dive"`
	// Message explains the outcome in Italian and English.
	Message problem.Text `json:"message" validate:"required"`
}

// Fact is one fact a rule used. A fact the application does not state has a
// null value and Known false.
type Fact struct {
	// Name is the fact's name ("statute.nonProfit").
	Name string `json:"name" validate:"required"`
	// Path is the JSON Pointer (RFC 6901) of the fact in the application,
	// or empty for a fact from elsewhere (the register, the rule's data).
	Path string `json:"path,omitempty"`
	// Known is false when the fact is missing or unknown.
	Known bool `json:"known"`
	// Value is the fact's value (a string, number, boolean or list of
	// strings), null when unknown.
	Value any `json:"value"`
}

// KnownFact returns a fact with its value.
func KnownFact(name, path string, value any) Fact {
	return Fact{Name: name, Path: path, Known: true, Value: value}
}

// UnknownFact returns a fact the application does not state.
func UnknownFact(name, path string) Fact {
	return Fact{Name: name, Path: path}
}

// JSONSchema describes an Outcome in JSON: one of its four names.
func (Outcome) JSONSchema() *jsonschema.Schema {
	return &jsonschema.Schema{Type: "string", Enum: []any{"pass", "fail", "missing", "not_applicable"}}
}

// JSONSchema describes a Verdict in JSON: one of its three names.
func (Verdict) JSONSchema() *jsonschema.Schema {
	return &jsonschema.Schema{Type: "string", Enum: []any{"eligible", "not_eligible", "incomplete"}}
}

// Section returns the decision for section s, if it was requested.
func (d *Decision) Section(s registry.Section) (SectionDecision, bool) {
	for _, sd := range d.Sections {
		if sd.Section == s {
			return sd, true
		}
	}
	return SectionDecision{}, false
}

// Result returns the result of rule id, if it was in force for the section.
func (sd SectionDecision) Result(id string) (Result, bool) {
	for _, r := range sd.Results {
		if r.Rule == id {
			return r, true
		}
	}
	return Result{}, false
}

var verdictLabel = map[Verdict]problem.Text{
	Eligible:    {IT: "ammissibile", EN: "eligible"},
	NotEligible: {IT: "non ammissibile", EN: "not eligible"},
	Incomplete:  {IT: "incompleta", EN: "incomplete"},
}

var outcomeLabel = map[Outcome]string{Pass: "PASS", Fail: "FAIL", Missing: "MISSING", NotApplicable: "N/A"}

// WriteText writes the decision for people, in lang: the verdict per
// section, then each rule with its outcome, legal basis and message, and the
// facts it used.
func (d *Decision) WriteText(w io.Writer, lang problem.Lang) error {
	var b strings.Builder
	it := lang == problem.IT
	if it {
		fmt.Fprintf(&b, "Domanda del %s, valutata al %s (regole %s %s): %s\n",
			d.ApplicationDate, d.AsOf, d.RuleSet.Name, d.RuleSet.Version, verdictLabel[d.Verdict].In(lang))
	} else {
		fmt.Fprintf(&b, "Application of %s, evaluated as of %s (rules %s %s): %s\n",
			d.ApplicationDate, d.AsOf, d.RuleSet.Name, d.RuleSet.Version, verdictLabel[d.Verdict].In(lang))
	}
	for _, sd := range d.Sections {
		if it {
			fmt.Fprintf(&b, "\nSezione %s: %s\n", sd.Section, verdictLabel[sd.Verdict].In(lang))
		} else {
			fmt.Fprintf(&b, "\nSection %s: %s\n", sd.Section, verdictLabel[sd.Verdict].In(lang))
		}
		for _, r := range sd.Results {
			fmt.Fprintf(&b, "  %-7s %s (%s, v%d)\n", outcomeLabel[r.Outcome], r.Rule, r.Basis, r.Version)
			fmt.Fprintf(&b, "          %s\n", r.Message.In(lang))
			if r.Outcome == Fail || r.Outcome == Missing {
				for _, f := range r.Facts {
					fmt.Fprintf(&b, "          - %s = %s\n", f.Name, factText(f))
				}
			}
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func factText(f Fact) string {
	if !f.Known {
		return "?"
	}
	switch v := f.Value.(type) {
	case []string:
		return "[" + strings.Join(v, ", ") + "]"
	case string:
		return fmt.Sprintf("%q", v)
	}
	return fmt.Sprint(f.Value)
}
