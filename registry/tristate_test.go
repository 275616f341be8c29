package registry_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/openregistro/registro/registry"
	"github.com/openregistro/registro/schemas"
	"github.com/openregistro/registro/schemas/problem"
)

// TestRequiredYesNoFacts: every yes/no fact of an application that the
// published schema requires can be left out, and then the schema and
// Validator both reject the application at that field; a stated false is
// valid for both (the eligibility rules judge it). A Go bool would decode
// the omission as false and the Validator would accept it (issue 21).
func TestRequiredYesNoFacts(t *testing.T) {
	schema, err := schemas.Get("application")
	if err != nil {
		t.Fatal(err)
	}
	val := registry.NewValidator(nil, nil)
	fields := []struct {
		ptr string
		set func(*registry.Application, *bool)
	}{
		{"/body/statute/socialAims", func(a *registry.Application, b *bool) { a.Body.Statute.SocialAims = b }},
		{"/body/statute/nonProfit", func(a *registry.Application, b *bool) { a.Body.Statute.NonProfit = b }},
		{"/body/statute/democraticOrder", func(a *registry.Application, b *bool) { a.Body.Statute.DemocraticOrder = b }},
		{"/body/statute/electiveOffices", func(a *registry.Application, b *bool) { a.Body.Statute.ElectiveOffices = b }},
		{"/body/statute/admissionCriteria", func(a *registry.Application, b *bool) { a.Body.Statute.AdmissionCriteria = b }},
		{"/body/statute/annualAccounts", func(a *registry.Application, b *bool) { a.Body.Statute.AnnualAccounts = b }},
		{"/body/statute/accountsApproval", func(a *registry.Application, b *bool) { a.Body.Statute.AccountsApproval = b }},
		{"/declarations/noDisqualification", func(a *registry.Application, b *bool) { a.Declarations.NoDisqualification = b }},
		{"/declarations/truthful", func(a *registry.Application, b *bool) { a.Declarations.Truthful = b }},
		{"/declarations/privacyNotice", func(a *registry.Application, b *bool) { a.Declarations.PrivacyNotice = b }},
		{"/signature/verified", func(a *registry.Application, b *bool) { a.Signature.Verified = b }},
		{"/gdpr/register", func(a *registry.Application, b *bool) { a.GDPR.Register = b }},
	}
	base := func() registry.Application {
		a := application(body(cfBodyA, "Casa dei Popoli"), "2025-01-10", registry.SectionI)
		a.GDPR = &registry.GDPRProcedures{Controller: "Casa dei Popoli", Register: new(true),
			BeneficiaryMeasures: "Informativa agli ospiti", AdoptedOn: "2024-01-01"}
		return a
	}
	// check validates a through JSON, as a client sends it: the schema on
	// the bytes, the Validator on what encoding/json decodes.
	check := func(t *testing.T, a registry.Application) (schemaAt, validatorAt map[string]string) {
		t.Helper()
		b, err := json.Marshal(a)
		if err != nil {
			t.Fatal(err)
		}
		schemaAt = map[string]string{}
		for _, p := range schema.Validate(b) {
			path := p.InstancePath
			if m, ok := p.Params["missingProperty"].(string); ok {
				path = problem.Join(path, m)
			}
			schemaAt[path] = p.Code
		}
		var dec registry.Application
		if err := json.Unmarshal(b, &dec); err != nil {
			t.Fatal(err)
		}
		validatorAt = map[string]string{}
		if err := val.Application(&dec); err != nil {
			validatorAt = problems(t, err)
		}
		return schemaAt, validatorAt
	}
	if s, v := check(t, base()); len(s) > 0 || len(v) > 0 {
		t.Fatalf("the base application is invalid: schema %v, validator %v", s, v)
	}
	for _, f := range fields {
		t.Run(strings.TrimPrefix(f.ptr, "/"), func(t *testing.T) {
			a := base()
			f.set(&a, nil)
			s, v := check(t, a)
			if s[f.ptr] == "" || v[f.ptr] == "" {
				t.Errorf("left out: schema %v, validator %v; want both to reject %s", s, v, f.ptr)
			}
			if len(s) != 1 || len(v) != 1 {
				t.Errorf("left out: schema %v, validator %v; want one problem each", s, v)
			}
			a = base()
			f.set(&a, new(false))
			if s, v := check(t, a); len(s) > 0 || len(v) > 0 {
				t.Errorf("stated false: schema %v, validator %v; want valid", s, v)
			}
		})
	}
}

// TestCloneCopiesYesNoFacts: a clone shares no yes/no fact with its
// original.
func TestCloneCopiesYesNoFacts(t *testing.T) {
	a := application(body(cfBodyA, "Casa dei Popoli"), "2025-01-10", registry.SectionI)
	a.GDPR = &registry.GDPRProcedures{Register: new(true)}
	c := a.Clone()
	for name, p := range map[string][2]*bool{
		"statute.nonProfit":               {a.Body.Statute.NonProfit, c.Body.Statute.NonProfit},
		"statute.accountsApproval":        {a.Body.Statute.AccountsApproval, c.Body.Statute.AccountsApproval},
		"declarations.noDisqualification": {a.Declarations.NoDisqualification, c.Declarations.NoDisqualification},
		"declarations.privacyNotice":      {a.Declarations.PrivacyNotice, c.Declarations.PrivacyNotice},
		"signature.verified":              {a.Signature.Verified, c.Signature.Verified},
		"gdpr.register":                   {a.GDPR.Register, c.GDPR.Register},
	} {
		if p[0] == p[1] || *p[0] != *p[1] {
			t.Errorf("%s: clone shares or changes the value", name)
		}
	}
}
