package wire

import (
	"context"
	"time"

	"github.com/openregistro/registro/eligibility"
	"github.com/openregistro/registro/registry"
)

// assessor returns the registry.Options.Assess of a register: the
// eligibility rules, run as the register's staff reads it (so that the
// Section II partner and branch rules get real answers), on the day of
// receipt. reg is read when an application arrives, after New returned.
func assessor(reg **registry.Registry) func(ctx context.Context, a *registry.Application, unstated []string, asOf time.Time) (*registry.Assessment, error) {
	return func(ctx context.Context, a *registry.Application, unstated []string, asOf time.Time) (*registry.Assessment, error) {
		r := *reg
		checker := eligibility.New(r.ReaderFor(registry.Staff("registro:eligibility")),
			eligibility.Options{Codelists: r.CodeLists(), Territory: r.Territory()})
		d, err := checker.Evaluate(ctx, &eligibility.Application{Application: *a, Unknown: unstated}, asOf.In(r.Location()))
		if err != nil {
			return nil, err
		}
		return Assessment(d), nil
	}
}

// Assessment is an eligibility decision as the register stores it with an
// application's receipt.
func Assessment(d *eligibility.Decision) *registry.Assessment {
	out := &registry.Assessment{Verdict: d.Verdict.String(), RuleSet: d.RuleSet.Name + "@" + d.RuleSet.Version, AsOf: registry.Date(d.AsOf)}
	for _, sd := range d.Sections {
		sa := registry.SectionAssessment{Section: sd.Section, Verdict: sd.Verdict.String(), Rules: []registry.RuleAssessment{}}
		for _, res := range sd.Results {
			sa.Rules = append(sa.Rules, registry.RuleAssessment{Rule: res.Rule, Basis: res.Basis, Outcome: res.Outcome.String(), Message: res.Message})
		}
		out.Sections = append(out.Sections, sa)
	}
	return out
}
