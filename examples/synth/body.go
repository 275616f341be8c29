package synth

import (
	"fmt"
	"strings"

	"github.com/openregistro/registro/registry"
	"github.com/openregistro/registro/registry/territory"
)

// body draws a body applying for sections.
func (g *gen) body(serial int, sections []registry.Section) Body {
	secII := false
	for _, s := range sections {
		secII = secII || s == registry.SectionII
	}
	share := g.fig.SocialCoopShareI
	if secII && len(sections) == 1 {
		share = g.fig.SocialCoopShareII
	}
	form := legalForms(share, secII).draw(g.r)
	comune, prov := g.seat()
	name := g.name(form, comune)
	rep := newPerson(g.r, comune.Cadastral, 0.09)
	e := registry.Entity{
		CodiceFiscale: bodyCode(serial, g.r.IntN(100)),
		Name:          name,
		LegalForm:     form,
		Seat: registry.Address{
			Street:   fmt.Sprintf("Via %s %d", pick(g.r, []string{"Roma", "Garibaldi", "Mazzini", "Verdi", "Dante", "Cavour", "XX Settembre", "della Pace"}), 1+g.r.IntN(120)),
			PostCode: fmt.Sprintf("%05d", 10000+g.r.IntN(89999)), // modelled: not a real CAP
			Comune:   comune.Code,
			Province: prov.Sigla,
			Region:   comune.RegionCode,
		},
		PEC:                 slug(name) + "@pec.example.it",
		Email:               "info@" + slug(name) + ".example.org",
		LegalRepresentative: rep.entityPerson(),
		Members: []registry.Member{
			{Person: rep.entityPerson(), Organ: "governing", Role: "Presidente"},
			{Person: newPerson(g.r, comune.Cadastral, 0.05).entityPerson(), Organ: "governing", Role: "Consigliere"},
			{Person: newPerson(g.r, comune.Cadastral, 0.02).entityPerson(), Organ: "control", Role: "Revisore"},
		},
		Statute: registry.Statute{
			AdoptedOn:  registry.Date(fmt.Sprintf("%d-%02d-%02d", 1980+g.r.IntN(18), 1+g.r.IntN(12), 1+g.r.IntN(28))),
			SocialAims: new(true), NonProfit: new(true), DemocraticOrder: new(true), ElectiveOffices: new(true),
			AdmissionCriteria: new(true), AnnualAccounts: new(true), AccountsApproval: new(true),
		},
	}
	if strings.HasPrefix(form, "association") && g.r.Float64() < 0.6 {
		e.Qualifications = []string{pick(g.r, []string{"odv", "aps"}), "ets"}
	} else if g.r.Float64() < 0.2 {
		e.Qualifications = []string{"onlus"}
	}
	if g.r.Float64() < 0.55 {
		e.OtherRegisters = []registry.Registration{{Register: "runts", RUNTSSection: pick(g.r, []string{"a", "b", "d", "g"})}}
	}
	return Body{Entity: e, Sections: sections}
}

func (p person) entityPerson() registry.Person {
	return registry.Person{FirstName: p.first, LastName: p.last, CodiceFiscale: p.cf, Sex: p.sex, Citizenship: p.citizenship}
}

// name draws a unique body name such as "Cooperativa sociale Il Ponte (Bergamo)".
func (g *gen) name(form string, c territory.Comune) string {
	for i := 0; ; i++ {
		n := formPrefix[form] + " " + pick(g.r, bodyWords)
		if g.r.Float64() < 0.5 {
			n += " " + c.ItalianName
		}
		if i > 0 {
			n += fmt.Sprintf(" %d", i+1)
		}
		if !g.names[n] {
			g.names[n] = true
			return n
		}
	}
}

func slug(s string) string {
	var b strings.Builder
	for _, c := range strings.ToLower(s) {
		if (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') {
			b.WriteRune(c)
		}
	}
	out := b.String()
	if len(out) > 40 {
		out = out[:40]
	}
	return out
}

// Application returns the enrolment application b makes on b.AppliedOn:
// signed by the legal representative, with every attachment the sections
// need, three years of activities before the application (eighteen months
// for an application with FlawShortExperience), and for Section II
// the programme, housing, partnership (with partnerID, an entity enrolled in
// Section II; empty when there is none yet) and GDPR procedures.
func (b *Body) Application(partnerID string) registry.Application {
	day := registry.DateOf(b.AppliedOn)
	a := registry.Application{
		Date:         day,
		Sections:     append([]registry.Section(nil), b.Sections...),
		Body:         b.Entity,
		Declarations: registry.Declarations{NoDisqualification: new(true), Truthful: new(true), PrivacyNotice: new(true)},
		Signature: registry.Signature{
			SignerCodiceFiscale: b.Entity.LegalRepresentative.CodiceFiscale,
			SignedAt:            day, Format: "pades", Verified: new(true),
		},
	}
	kinds := []string{"statute", "founding_act", "balance_sheet", "activity_report", "legal_rep_declaration", "board_declarations", "identity_document"}
	secII := false
	for _, s := range b.Sections {
		secII = secII || s == registry.SectionII
	}
	if secII {
		kinds = append(kinds, "programme", "operators_cv", "housing_availability", "partnership_agreement", "gdpr_procedures")
	}
	for _, k := range kinds {
		a.Attachments = append(a.Attachments, registry.Attachment{Kind: k, Name: k + ".pdf"})
	}
	start := b.AppliedOn.AddDate(-3, 0, 0)
	if b.Flaw == FlawShortExperience {
		start = b.AppliedOn.AddDate(0, -18, 0)
	}
	for _, s := range b.Sections {
		act := registry.Activity{
			Title: "Attività di integrazione sociale", Start: registry.DateOf(start),
			Sectors: []string{"social_assistance", "socio_cultural_integration"}, Regions: []string{b.Entity.Seat.Region},
			Target: registry.TargetForeigners,
		}
		if s == registry.SectionII {
			act.Title = "Assistenza alle vittime di tratta e sfruttamento"
			act.Sectors = []string{"social_assistance", "reception"}
			act.Areas = []string{"trafficking", "violence_against_women"}
		}
		a.Activities = append(a.Activities, act)
	}
	if secII {
		a.Programme = &registry.Programme{
			Title:       "Programma di assistenza e integrazione sociale (art. 18 TU)",
			Description: "Emersione, prima assistenza, accoglienza e inclusione socio-lavorativa.",
			Operators: []registry.Operator{
				{FirstName: "Giulia", LastName: "Neri", Areas: []string{"psychological"}},
				{FirstName: "Marco", LastName: "Bassi", Areas: []string{"health"}},
				{FirstName: "Sara", LastName: "Conti", Areas: []string{"educational", "social_assistance"}},
			},
		}
		a.Housing = []registry.Housing{{Address: b.Entity.Seat, Places: 8, Title: "rented"}}
		a.GDPR = &registry.GDPRProcedures{
			Controller: b.Entity.Name, Register: new(true), AdoptedOn: registry.DateOf(start),
			BeneficiaryMeasures: "Dati delle persone accolte trattati solo dagli operatori del programma, in archivi separati e cifrati.",
		}
		if partnerID != "" {
			a.Partnership = &registry.Partnership{
				PartnerID: partnerID, Objectives: "Presa in carico congiunta delle vittime",
				Content: "Segnalazioni, accoglienza e accompagnamento", Modalities: "Protocollo operativo e incontri mensili",
				Start: registry.DateOf(b.AppliedOn.AddDate(0, -6, 0)),
			}
		}
	}
	return a
}
