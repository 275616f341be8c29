package registry_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/openregistro/registro/registry"
	"github.com/openregistro/registro/registry/memstore"
	"github.com/openregistro/registro/schemas/problem"
)

// Valid codes used throughout.
const (
	cfBodyA   = "80010010017"
	cfBodyB   = "80020020014"
	cfBodyC   = "80030030011"
	cfBodyD   = "80040040018"
	cfRep     = "RSSMRA80A01H501U"
	cfRep2    = "RCCMNL83S18D969H"
	cfMember  = "BNCNNA70A41F205S"
	cfRefA    = "VRDLCU90A01F205L"
	cfRefB    = "GLLGNN75M52L219B"
	cfOutside = "NREFRN88T10A794U"
)

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Set(day string) {
	t, err := time.Parse("2006-01-02", day)
	if err != nil {
		panic(err)
	}
	c.mu.Lock()
	c.t = t.Add(10 * time.Hour)
	c.mu.Unlock()
}

// fixture is a Registry over a memstore with a test clock and sequential IDs.
type fixture struct {
	reg   *registry.Registry
	store *memstore.Store
	clock *clock
}

func newFixture(t testing.TB, opts registry.Options) *fixture {
	t.Helper()
	c := &clock{}
	c.Set("2025-01-15")
	var n atomic.Int64
	opts.Now = c.Now
	opts.NewID = func() string { return fmt.Sprintf("id%04d", n.Add(1)) }
	s := memstore.New()
	return &fixture{reg: registry.New(s, opts), store: s, clock: c}
}

func day(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return t.Add(12 * time.Hour)
}

func body(cf, name string) registry.Entity {
	return registry.Entity{
		CodiceFiscale:  cf,
		Name:           name,
		LegalForm:      "association_recognised",
		Qualifications: []string{"onlus"},
		Seat:           registry.Address{Street: "Via Roma 1", PostCode: "00184", Comune: "058091", Province: "RM", Region: "12"},
		PEC:            "ente@pec.example.it",
		LegalRepresentative: registry.Person{FirstName: "Mario", LastName: "Rossi", CodiceFiscale: cfRep,
			Sex: "male", Citizenship: "IT"},
		Members: []registry.Member{{Person: registry.Person{FirstName: "Anna", LastName: "Bianchi",
			CodiceFiscale: cfMember, Sex: "female", Citizenship: "IT"}, Organ: "governing", Role: "presidente"}},
		Statute: registry.Statute{AdoptedOn: "2015-03-01", SocialAims: new(true), NonProfit: new(true), DemocraticOrder: new(true),
			ElectiveOffices: new(true), AdmissionCriteria: new(true), AnnualAccounts: new(true), AccountsApproval: new(true)},
	}
}

func application(b registry.Entity, date registry.Date, sections ...registry.Section) registry.Application {
	return registry.Application{
		Date:         date,
		Sections:     sections,
		Body:         b,
		Declarations: registry.Declarations{NoDisqualification: new(true), Truthful: new(true), PrivacyNotice: new(true)},
		Attachments:  []registry.Attachment{{Kind: "statute", Name: "statuto.pdf"}},
		Signature: registry.Signature{SignerCodiceFiscale: b.LegalRepresentative.CodiceFiscale, SignedAt: date,
			Format: "pades", Verified: new(true)},
		Activities: []registry.Activity{{Title: "Corsi di italiano", Start: "2021-09-01", Sectors: []string{"education_training"},
			Regions: []string{"12"}}},
	}
}

// mustApply files an application and fails the test on error.
func (f *fixture) mustApply(t testing.TB, a registry.Application) registry.Entity {
	t.Helper()
	f.clock.Set(string(a.Date))
	_, e, err := f.reg.Apply(context.Background(), registry.Staff("tester"), a)
	if err != nil {
		t.Fatalf("Apply: %v", err)
	}
	return e
}

// enrolled creates a body enrolled in sections by decree on decree.
func (f *fixture) enrolled(t testing.TB, b registry.Entity, applied, decree registry.Date, sections ...registry.Section) registry.Entity {
	t.Helper()
	e := f.mustApply(t, application(b, applied, sections...))
	f.clock.Set(string(decree))
	for _, s := range sections {
		var err error
		e, err = f.reg.Enrol(context.Background(), registry.Staff("tester"), e.ID, s, registry.Decree{Number: "D-" + e.ID, Date: decree})
		if err != nil {
			t.Fatalf("Enrol: %v", err)
		}
	}
	return e
}

func (f *fixture) events(t testing.TB) []registry.Event {
	t.Helper()
	evs, err := f.reg.Events(context.Background(), registry.Staff("auditor"), registry.EventFilter{Limit: registry.MaxLimit})
	if err != nil {
		t.Fatalf("Events: %v", err)
	}
	return evs
}

// problems returns the (pointer → code) pairs of a problem.List error,
// the pointer including a missing property.
func problems(t testing.TB, err error) map[string]string {
	t.Helper()
	if !errors.Is(err, problem.ErrInvalid) {
		t.Fatalf("error %v is not problem.ErrInvalid", err)
	}
	l, _ := problem.AsList(err)
	out := map[string]string{}
	for _, p := range l {
		path := p.InstancePath
		if m, ok := p.Params["missingProperty"].(string); ok {
			path = problem.Join(path, m)
		}
		if p.Messages.IT == "" || p.Messages.EN == "" {
			t.Errorf("problem %s lacks a message in it or en: %+v", path, p)
		}
		out[path] = p.Code
	}
	return out
}

func toJSON(t testing.TB, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func problemList(err error) (problem.List, bool) { return problem.AsList(err) }
