package client_test

import (
	"context"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/openregistro/registro/examples/registrod/api"
	"github.com/openregistro/registro/examples/registrod/client"
	"github.com/openregistro/registro/registry"
	"github.com/openregistro/registro/schemas/problem"
)

// TestEndToEndRelations calls the routes of referents, branches,
// partnerships and Section II access requests over HTTP against a real
// api.New over SQLite.
func TestEndToEndRelations(t *testing.T) {
	s := mustService(t, api.Options{RateLimit: -1})
	ctx := context.Background()
	staff := s.mustClient(t, tokStaff, client.Options{})
	body := s.mustClient(t, tokBody, client.Options{})
	other := s.mustClient(t, tokOther, client.Options{})
	region := s.mustClient(t, tokRegion, client.Options{})
	id, otherID := s.id(s.body), s.id(s.other)
	today := registry.Date(testNow.Format(time.DateOnly))

	t.Run("referents", func(t *testing.T) {
		ref, err := body.RequestReferent(ctx, id, registry.Referent{FirstName: "Manuela", LastName: "Rocca",
			CodiceFiscale: "RCCMNL83S18D969H", Phone: "0612345678", Email: "manuela.rocca@example.org"})
		if err != nil || ref.ID == "" || ref.Status != registry.ReferentRequested {
			t.Fatalf("RequestReferent = %+v, %v", ref, err)
		}
		_, err = body.RequestReferent(ctx, id, registry.Referent{FirstName: "X", LastName: "Y", CodiceFiscale: "NOTACODE",
			Phone: "0612345678", Email: "x@example.org"})
		mustKind(t, err, http.StatusUnprocessableEntity, problem.KindInvalid)
		refs, err := body.Referents(ctx, id)
		if err != nil || len(refs) != 1 || refs[0].ID != ref.ID {
			t.Fatalf("Referents = %+v, %v", refs, err)
		}
		_, err = other.Referents(ctx, id)
		mustKind(t, err, http.StatusForbidden, problem.KindForbidden)
		_, err = body.EnableReferent(ctx, id, ref.ID)
		mustKind(t, err, http.StatusForbidden, problem.KindForbidden)
		en, err := staff.EnableReferent(ctx, id, ref.ID)
		if err != nil || en.Status != registry.ReferentEnabled {
			t.Fatalf("EnableReferent = %+v, %v", en, err)
		}
		rv, err := body.RevokeReferent(ctx, id, ref.ID)
		if err != nil || rv.Status != registry.ReferentRevoked {
			t.Fatalf("RevokeReferent = %+v, %v", rv, err)
		}
		got, err := staff.Referent(ctx, id, ref.ID)
		if err != nil || got.Status != registry.ReferentRevoked || got.RevokedOn == "" {
			t.Fatalf("Referent = %+v, %v", got, err)
		}
		_, err = body.Referent(ctx, id, "no-such-referent")
		mustKind(t, err, http.StatusNotFound, problem.KindNotFound)
	})

	t.Run("branches", func(t *testing.T) {
		b, err := body.AddBranch(ctx, id, otherID, today)
		if err != nil || b.EntityID != otherID || b.From != today || b.Until != "" {
			t.Fatalf("AddBranch = %+v, %v", b, err)
		}
		_, err = other.AddBranch(ctx, id, otherID, today)
		mustKind(t, err, http.StatusForbidden, problem.KindForbidden)
		end := registry.Date(testNow.AddDate(0, 0, 1).Format(time.DateOnly))
		ended, err := body.EndBranch(ctx, id, otherID, end)
		if err != nil || ended.Until != end {
			t.Fatalf("EndBranch = %+v, %v", ended, err)
		}
		_, err = body.EndBranch(ctx, id, "R999999", end)
		if err == nil {
			t.Fatal("EndBranch of no branch: no error")
		}
	})

	t.Run("partnerships", func(t *testing.T) {
		p, err := body.AddPartnership(ctx, registry.Partnership{EntityID: id, PartnerID: otherID,
			Objectives: "corsi di lingua italiana", Content: "docenti e aule", Modalities: "convenzione annuale", Start: today})
		if err != nil || p.ID == "" || p.PartnerID != otherID {
			t.Fatalf("AddPartnership = %+v, %v", p, err)
		}
		_, err = body.AddPartnership(ctx, registry.Partnership{EntityID: id, PartnerID: otherID, Start: today})
		mustKind(t, err, http.StatusUnprocessableEntity, problem.KindInvalid)
		_, err = body.ConfirmPartnership(ctx, p.ID)
		if err == nil {
			t.Fatal("the body that recorded a partnership confirmed it itself")
		}
		c, err := other.ConfirmPartnership(ctx, p.ID)
		if err != nil || c.ID != p.ID || c.Version == p.Version {
			t.Fatalf("ConfirmPartnership = %+v, %v", c, err)
		}
		got, err := staff.Partnership(ctx, p.ID)
		if err != nil || got.ID != p.ID || got.Version != c.Version {
			t.Fatalf("Partnership = %+v, %v", got, err)
		}
		terms := api.PartnershipTerms{Objectives: p.Objectives, Content: p.Content, Modalities: p.Modalities, Start: p.Start, End: today}
		_, _, err = body.UpdatePartnership(ctx, p.ID, terms, `"v1"`)
		mustKind(t, err, http.StatusPreconditionFailed, problem.KindConflict)
		u, etag, err := body.UpdatePartnership(ctx, p.ID, terms, `"v`+strconv.FormatInt(c.Version, 10)+`"`)
		if err != nil || u.End != today || u.Confirmed() || etag != `"v`+strconv.FormatInt(u.Version, 10)+`"` {
			t.Fatalf("UpdatePartnership = %+v, %q, %v", u, etag, err)
		}
		_, _, err = region.UpdatePartnership(ctx, p.ID, terms, "*")
		mustKind(t, err, http.StatusNotFound, problem.KindNotFound)
		if c, err = other.ConfirmPartnership(ctx, p.ID); err != nil || !c.Confirmed() {
			t.Fatalf("ConfirmPartnership of the new terms = %+v, %v", c, err)
		}
		list, err := other.Partnerships(ctx, otherID)
		if err != nil || len(list) != 1 || list[0].ID != p.ID {
			t.Fatalf("Partnerships = %+v, %v", list, err)
		}
		_, err = region.Partnership(ctx, p.ID)
		mustKind(t, err, http.StatusNotFound, problem.KindNotFound)
	})

	t.Run("access requests", func(t *testing.T) {
		reg := s.body.Entity.Seat.Region
		purpose := "programmazione regionale dei servizi per l'integrazione"
		g, err := region.RequestAccess(ctx, registry.AccessRequest{Region: reg, Purpose: purpose})
		if err != nil || g.ID == "" || g.Status != registry.GrantRequested {
			t.Fatalf("RequestAccess = %+v, %v", g, err)
		}
		_, err = region.RequestAccess(ctx, registry.AccessRequest{Region: reg, Purpose: "short"})
		mustKind(t, err, http.StatusUnprocessableEntity, problem.KindInvalid)
		if got, err := region.AccessRequest(ctx, g.ID); err != nil || got.ID != g.ID {
			t.Fatalf("AccessRequest = %+v, %v", got, err)
		}
		_, err = other.AccessRequestPage(ctx, client.AccessQuery{}, "")
		mustKind(t, err, http.StatusForbidden, problem.KindForbidden)
		_, err = region.RefuseAccess(ctx, g.ID, registry.Refusal{Reason: "no"})
		mustKind(t, err, http.StatusForbidden, problem.KindForbidden)
		refused, err := staff.RefuseAccess(ctx, g.ID, registry.Refusal{Reason: "la finalità non è indicata con precisione"})
		if err != nil || refused.Status != registry.GrantRefused {
			t.Fatalf("RefuseAccess = %+v, %v", refused, err)
		}
		// Refused, the region asks again, and is granted.
		g2, err := region.RequestAccess(ctx, registry.AccessRequest{Region: reg, Purpose: purpose + ", secondo semestre"})
		if err != nil {
			t.Fatal(err)
		}
		_, err = region.GrantAccess(ctx, g2.ID, registry.GrantDecision{Until: "2025-12-31"})
		mustKind(t, err, http.StatusForbidden, problem.KindForbidden)
		granted, err := staff.GrantAccess(ctx, g2.ID, registry.GrantDecision{Until: "2025-12-31"})
		if err != nil || granted.Status != registry.GrantGranted {
			t.Fatalf("GrantAccess = %+v, %v", granted, err)
		}
		// Every request, one per page; then one status.
		var seen []string
		for g, err := range staff.AccessRequests(ctx, client.AccessQuery{Limit: 1}) {
			if err != nil {
				t.Fatal(err)
			}
			seen = append(seen, g.ID)
		}
		if len(seen) != 2 {
			t.Fatalf("AccessRequests: %v, want both requests", seen)
		}
		p, err := staff.AccessRequestPage(ctx, client.AccessQuery{Status: registry.GrantRefused}, "")
		if err != nil || len(p.Items) != 1 || p.Items[0].ID != g.ID {
			t.Fatalf("AccessRequestPage(refused) = %+v, %v", p, err)
		}
	})
}
