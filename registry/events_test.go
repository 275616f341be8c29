package registry_test

import (
	"context"
	"encoding/json"
	"slices"
	"testing"

	"github.com/openregistro/registro/registry"
)

func TestEventsRecordEveryChange(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, registry.Options{})
	e := f.mustApply(t, application(body(cfBodyA, "Casa"), "2025-01-10", registry.SectionI))
	p := f.mustApply(t, application(body(cfBodyB, "Partner"), "2025-01-10", registry.SectionII))
	f.clock.Set("2025-02-01")
	steps := []func() error{
		func() error {
			_, err := f.reg.StartReview(ctx, registry.Staff("staff-1"), e.ID, registry.SectionI, "2025-02-01")
			return err
		},
		func() error {
			_, err := f.reg.Enrol(ctx, registry.Staff("staff-1"), e.ID, registry.SectionI, registry.Decree{Number: "7", Date: "2025-02-01"})
			return err
		},
		func() error {
			_, err := f.reg.RequestReferent(ctx, registry.Staff("body"), e.ID, registry.Referent{FirstName: "L", LastName: "V", CodiceFiscale: cfRefA, Phone: "061234567", Email: "l@example.it"})
			return err
		},
		func() error {
			_, err := f.reg.AddPartnership(ctx, registry.Staff("body"), registry.Partnership{EntityID: e.ID, PartnerID: p.ID, Objectives: "o", Content: "c", Modalities: "m", Start: "2025-01-01"})
			return err
		},
		func() error {
			_, err := f.reg.AddBranch(ctx, registry.Staff("staff-1"), e.ID, p.ID, "2025-01-01")
			return err
		},
		func() error {
			_, err := f.reg.GrantSectionII(ctx, registry.Staff("staff-2"), registry.Grant{Grantee: "regione", Purpose: "verifica dei finanziamenti", From: "2025-01-01"})
			return err
		},
	}
	for i, s := range steps {
		if err := s(); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
	}
	evs := f.events(t)
	var kinds []registry.EventKind
	for i, ev := range evs {
		kinds = append(kinds, ev.Kind)
		if ev.Seq != int64(i+1) || ev.Actor == "" || ev.At.IsZero() || ev.RecordID == "" {
			t.Errorf("event %d incomplete: %+v", i, ev)
		}
		if ev.After != nil && !json.Valid(ev.After) || ev.Before != nil && !json.Valid(ev.Before) {
			t.Errorf("event %d carries invalid JSON", i)
		}
	}
	want := []registry.EventKind{
		registry.EventEntityCreated, registry.EventApplicationFiled, registry.EventEnrolmentChanged,
		registry.EventEntityCreated, registry.EventApplicationFiled, registry.EventEnrolmentChanged,
		registry.EventEnrolmentChanged, registry.EventEnrolmentChanged,
		registry.EventReferentRequested, registry.EventPartnershipAdded,
		registry.EventBranchAdded, registry.EventEntityUpdated, registry.EventEntityUpdated,
		registry.EventSectionIIGranted,
	}
	if !slices.Equal(kinds, want) {
		t.Errorf("events\n got %v\nwant %v", kinds, want)
	}
	enrol := evs[7]
	var before, after registry.Enrolment
	if err := json.Unmarshal(enrol.Before, &before); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(enrol.After, &after); err != nil {
		t.Fatal(err)
	}
	if before.Status != registry.StatusUnderReview || after.Status != registry.StatusEnrolled || enrol.Actor != "staff:staff-1" ||
		!enrol.At.Equal(f.clock.Now()) || enrol.Note != "under_review → enrolled" {
		t.Errorf("enrolment event: %s → %s by %s at %v (%s)", before.Status, after.Status, enrol.Actor, enrol.At, enrol.Note)
	}
	byBody, err := f.reg.Events(ctx, registry.Staff("s"), registry.EventFilter{EntityID: p.ID})
	if err != nil || len(byBody) != 4 {
		t.Errorf("events of the partner = %d, %v", len(byBody), err)
	}
}
