package registry_test

import (
	"context"
	"testing"
	"time"

	"github.com/openregistro/registro/registry"
)

func TestYearlyUpdate(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, registry.Options{})
	rome := func(cf, name string) registry.Entity { return body(cf, name) }
	bz := func(e registry.Entity) registry.Entity {
		e.Seat = registry.Address{Street: "Via Museo 1", PostCode: "39100", Comune: "021008", Province: "BZ", Region: "04"}
		return e
	}
	onTime := f.enrolled(t, rome(cfBodyA, "Puntuale"), "2023-01-10", "2023-03-01", registry.SectionI)
	late := f.enrolled(t, rome(cfBodyB, "Ritardataria"), "2023-01-10", "2023-03-01", registry.SectionI)
	_ = f.enrolled(t, torino(body(cfBodyC, "Silenziosa")), "2023-01-10", "2023-03-01", registry.SectionII)
	_ = f.enrolled(t, bz(body(cfBodyD, "Nuova")), "2024-12-01", "2025-01-10", registry.SectionI)
	cancelled := f.enrolled(t, rome("80060060011", "Cancellata"), "2023-01-10", "2023-03-01", registry.SectionI)
	f.clock.Set("2025-01-20")
	if _, err := f.reg.Cancel(ctx, registry.Staff("s"), cancelled.ID, registry.SectionI, registry.Cancellation{NotifiedOn: "2025-01-20", Reason: "voluntary", LegalBasis: "art. 54"}); err != nil {
		t.Fatal(err)
	}
	pending := f.mustApply(t, application(rome("80070070018", "In attesa"), "2024-05-01", registry.SectionI))
	f.clock.Set("2025-02-15")

	at := func(s string) time.Time { return day(s) }
	filings := []registry.Filing{
		{EntityID: onTime.ID, FiledAt: at("2025-01-30")},
		{EntityID: late.ID, FiledAt: at("2025-01-31")},
		{EntityID: cancelled.ID, FiledAt: at("2025-01-05")},
		{EntityID: pending.ID, FiledAt: at("2025-01-05")},
		{EntityID: "not-in-register", FiledAt: at("2025-01-05")},
	}
	y, err := f.reg.YearlyUpdate(ctx, registry.Staff("s"), 2024, filings)
	if err != nil {
		t.Fatal(err)
	}
	if y.Deadline != "2025-01-30" || len(y.Recipients) != 21 {
		t.Fatalf("deadline %s, %d recipients", y.Deadline, len(y.Recipients))
	}
	type row struct {
		recipient, reason string
		regular, due      bool
	}
	got := map[string]row{}
	for _, rl := range y.Recipients {
		for _, l := range rl.Regular {
			got[l.Name] = row{recipient: rl.Recipient.Code, regular: true, due: l.Due}
		}
		for _, l := range rl.Excluded {
			got[l.Name] = row{recipient: rl.Recipient.Code, reason: l.Reason, due: l.Due}
		}
	}
	want := map[string]row{
		"Puntuale":     {recipient: "12", regular: true, due: true},
		"Ritardataria": {recipient: "12", reason: registry.ReasonLate, due: true},
		"Silenziosa":   {recipient: "01", reason: registry.ReasonNotFiled, due: true},
		"Nuova":        {recipient: "21", regular: true, due: false},
	}
	if len(got) != len(want) {
		t.Errorf("listed %v, want %v", got, want)
	}
	for name, w := range want {
		if got[name] != w {
			t.Errorf("%s: %+v, want %+v", name, got[name], w)
		}
	}
	if r, e := y.Totals(); r != 2 || e != 2 {
		t.Errorf("Totals = %d, %d", r, e)
	}
	// A configurable deadline: 31 January lets the late body in.
	f2 := registry.New(f.store, registry.Options{Now: f.clock.Now,
		FilingDeadline: func(year int) registry.Date { return registry.Date("2025-01-31") }})
	y2, err := f2.YearlyUpdate(ctx, registry.Staff("s"), 2024, filings)
	if err != nil {
		t.Fatal(err)
	}
	if r, e := y2.Totals(); r != 3 || e != 1 {
		t.Errorf("with a 31 January deadline: %d regular, %d excluded", r, e)
	}
	// Filing times are read in the register's time zone.
	rome2, err := time.LoadLocation("Europe/Rome")
	if err == nil {
		f3 := registry.New(f.store, registry.Options{Now: f.clock.Now, Location: rome2})
		// 23:30 UTC on 30 January is 00:30 on 31 January in Rome: late.
		y3, err := f3.YearlyUpdate(ctx, registry.Staff("s"), 2024, []registry.Filing{
			{EntityID: onTime.ID, FiledAt: time.Date(2025, 1, 30, 23, 30, 0, 0, time.UTC)}})
		if err != nil {
			t.Fatal(err)
		}
		for _, rl := range y3.Recipients {
			for _, l := range rl.Regular {
				if l.ID == onTime.ID {
					t.Error("a filing after midnight in Rome counted as on time")
				}
			}
		}
	}
}
