package registry_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/openregistro/registro/registry"
	"github.com/openregistro/registro/registry/memstore"
)

// The main flow: a body applies, the ministry enrols it by decree, the body
// files its annual report and the yearly list is split by recipient.
func Example() {
	ctx := context.Background()
	today := time.Date(2024, 3, 1, 9, 0, 0, 0, time.UTC)
	n := 0
	reg := registry.New(memstore.New(), registry.Options{
		Now:   func() time.Time { return today },
		NewID: func() string { n++; return fmt.Sprintf("R%03d", n) },
	})

	// 1. Apply for Section I.
	// The legal representative, logged in, applies for a new body.
	_, body, err := reg.Apply(ctx, registry.Viewer{Subject: "RSSMRA80A01H501U"}, registry.Application{
		Date:     "2024-03-01",
		Sections: []registry.Section{registry.SectionI},
		Body: registry.Entity{
			CodiceFiscale: "80010010017",
			Name:          "Casa dei Popoli",
			LegalForm:     "association_recognised",
			Seat:          registry.Address{Street: "Via Roma 1", PostCode: "00184", Comune: "058091", Province: "RM", Region: "12"},
			PEC:           "casadeipopoli@pec.example.it",
			LegalRepresentative: registry.Person{FirstName: "Mario", LastName: "Rossi",
				CodiceFiscale: "RSSMRA80A01H501U", Sex: "male", Citizenship: "IT"},
			Members: []registry.Member{{Organ: "governing", Role: "presidente", Person: registry.Person{
				FirstName: "Mario", LastName: "Rossi", CodiceFiscale: "RSSMRA80A01H501U", Sex: "male", Citizenship: "IT"}}},
			// Every yes/no fact of the statute is stated: new(false) is a
			// "no" the eligibility rules judge; one left nil is invalid.
			Statute: registry.Statute{AdoptedOn: "2015-03-01", SocialAims: new(true), NonProfit: new(true),
				DemocraticOrder: new(true), ElectiveOffices: new(true), AdmissionCriteria: new(true),
				AnnualAccounts: new(true), AccountsApproval: new(false)},
		},
		Declarations: registry.Declarations{NoDisqualification: new(true), Truthful: new(true), PrivacyNotice: new(true)},
		Attachments:  []registry.Attachment{{Kind: "statute", Name: "statuto.pdf"}},
		Signature:    registry.Signature{SignerCodiceFiscale: "RSSMRA80A01H501U", SignedAt: "2024-03-01", Format: "pades", Verified: new(true)},
		Activities:   []registry.Activity{{Title: "Scuola di italiano", Start: "2020-09-01", Sectors: []string{"education_training"}}},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	en, _ := body.Enrolment(registry.SectionI)
	fmt.Println(body.ID, en.Status, "decision due", en.DecisionDue)

	// 2. Enrol by decree.
	today = time.Date(2024, 4, 15, 9, 0, 0, 0, time.UTC)
	if _, err := reg.Enrol(ctx, registry.Staff("ministry"), body.ID, registry.SectionI,
		registry.Decree{Number: "42/2024", Date: "2024-04-15"}); err != nil {
		fmt.Println(err)
		return
	}
	ok, _ := reg.EnrolledOn(ctx, body.ID, registry.SectionI, time.Date(2024, 12, 31, 0, 0, 0, 0, time.UTC))
	fmt.Println("enrolled in section I on 2024-12-31:", ok)

	// 3. File the report on 2024: the legal representative may.
	filedAt := time.Date(2025, 1, 20, 11, 0, 0, 0, time.UTC)
	may, _ := reg.MayFile(ctx, body.ID, "RSSMRA80A01H501U", filedAt)
	fmt.Println("legal representative may file:", may)

	// 4. The yearly list, split by the 21 recipients.
	today = time.Date(2025, 2, 1, 9, 0, 0, 0, time.UTC)
	list, err := reg.YearlyUpdate(ctx, registry.Staff("ministry"), 2024,
		[]registry.Filing{{EntityID: body.ID, FiledAt: filedAt}})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range list.Recipients {
		for _, l := range r.Regular {
			fmt.Printf("%s: %s regularly enrolled (filed %s, deadline %s)\n", r.Recipient.Name, l.Name, l.FiledOn, list.Deadline)
		}
	}

	// The public sees only the published fields.
	pub, _ := reg.Entity(ctx, registry.Public(), body.ID)
	fmt.Printf("public: %s, %s, %q\n", pub.Name, pub.Seat.Province, pub.LegalRepresentative.CodiceFiscale)
	// Output:
	// R001 applied decision due 2024-05-30
	// enrolled in section I on 2024-12-31: true
	// legal representative may file: true
	// Lazio: Casa dei Popoli regularly enrolled (filed 2025-01-20, deadline 2025-01-30)
	// public: Casa dei Popoli, RM, ""
}

// Errors name every problem with a JSON Pointer, a code and messages in
// Italian and English; nothing is stored.
func ExampleRegistry_Apply_invalid() {
	reg := registry.New(memstore.New(), registry.Options{Now: func() time.Time { return time.Date(2024, 3, 1, 9, 0, 0, 0, time.UTC) }})
	_, _, err := reg.Apply(context.Background(), registry.Viewer{Subject: "someone"}, registry.Application{
		Date:     "2024-03-01",
		Sections: []registry.Section{registry.SectionI},
	})
	fmt.Println(len(err.Error()) > 0)
	l, _ := problemList(err)
	for _, p := range l[:3] {
		fmt.Println(p)
	}
	// Output:
	// true
	// /activities: must have required property 'activities' [required]
	// /attachments: must have required property 'attachments' [required]
	// /body: must have required property 'body' [required]
}

// Illegal moves of the state machine are *TransitionError values naming
// the section and both statuses.
func ExampleTransitionError() {
	ctx := context.Background()
	reg := registry.New(memstore.New(), registry.Options{Now: func() time.Time { return time.Date(2024, 3, 1, 9, 0, 0, 0, time.UTC) }})
	_, e, err := reg.Apply(ctx, registry.Viewer{Subject: "RSSMRA80A01H501U"}, application(body("80010010017", "Casa dei Popoli"), "2024-03-01", registry.SectionI))
	if err != nil {
		fmt.Println(err)
		return
	}
	_, err = reg.Cancel(ctx, registry.Staff("ministry"), e.ID, registry.SectionI, registry.Cancellation{
		NotifiedOn: "2024-03-01", Reason: "voluntary", LegalBasis: "art. 54 c.4 DPR 394/1999"})
	var te *registry.TransitionError
	if errors.As(err, &te) {
		fmt.Println(te.From, "→", te.To, errors.Is(err, registry.ErrTransition))
	}
	// Output:
	// applied → cancelled true
}
