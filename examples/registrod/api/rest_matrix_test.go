package api_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/openregistro/registro/registry"
)

// The authorisation matrix rows of the referent, relation and access
// routes (see matrix_test.go).

func jsonOf(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// fixtureReferent is the ID of the fixture's enabled referent of body A.
func fixtureReferent(t *testing.T, f *fixture) string {
	t.Helper()
	refs, err := f.reg.Referents(context.Background(), registry.Staff("staff:test"), f.bodyID())
	if err != nil || len(refs) == 0 {
		t.Fatalf("the fixture's referents: %v, %v", refs, err)
	}
	return refs[0].ID
}

// fixtureGrant is the ID of the fixture's grant to tokRegion.
func fixtureGrant(t *testing.T, f *fixture) string {
	t.Helper()
	gs, _, err := f.reg.AccessRequests(context.Background(), registry.Staff("staff:test"), registry.GrantFilter{})
	if err != nil || len(gs) == 0 {
		t.Fatalf("the fixture's grants: %v, %v", gs, err)
	}
	return gs[0].ID
}

// staffPartnership records, as staff, a partnership between bodies a and b
// (either may confirm it) and returns its ID.
func staffPartnership(t *testing.T, f *fixture, a, b string) string {
	t.Helper()
	p, err := f.reg.AddPartnership(context.Background(), registry.Staff("staff:test"), registry.Partnership{EntityID: a, PartnerID: b,
		Objectives: "Accoglienza", Content: "Sportello", Modalities: "Incontri", Start: "2025-01-01"})
	if err != nil {
		t.Fatal(err)
	}
	return p.ID
}

func init() {
	own := []caller{asStaff, asBody, asReferent}
	type req = func(t *testing.T, f *fixture) (string, string, []byte, []string)
	addMatrix(matrixCase{op: "listReferents", allow: own, req: func(t *testing.T, f *fixture) (string, string, []byte, []string) {
		return "GET", "/v1/entities/" + f.bodyID() + "/referents", nil, nil
	}})
	addMatrix(matrixCase{op: "getReferent", allow: own, req: func(t *testing.T, f *fixture) (string, string, []byte, []string) {
		return "GET", "/v1/entities/" + f.bodyID() + "/referents/" + fixtureReferent(t, f), nil, nil
	}})
	// Only the legal representative (and staff) requests a referent.
	addMatrix(matrixCase{op: "requestReferent", write: true, allow: []caller{asStaff, asBody}, req: func(t *testing.T, f *fixture) (string, string, []byte, []string) {
		return "POST", "/v1/entities/" + f.bodyID() + "/referents", jsonOf(t, map[string]any{"firstName": "Giovanna", "lastName": "Galli",
			"taxCode": cfNewReferent, "phone": "0119876543", "email": "g@example.it"}), nil
	}})
	addMatrix(matrixCase{op: "enableReferent", allow: []caller{asStaff}, req: func(t *testing.T, f *fixture) (string, string, []byte, []string) {
		return "POST", "/v1/entities/" + f.bodyID() + "/referents/" + fixtureReferent(t, f) + "/enable", nil, nil
	}})
	addMatrix(matrixCase{op: "revokeReferent", write: true, allow: own, req: func(t *testing.T, f *fixture) (string, string, []byte, []string) {
		return "POST", "/v1/entities/" + f.bodyID() + "/referents/" + fixtureReferent(t, f) + "/revoke", nil, nil
	}})
	addMatrix(matrixCase{op: "addBranch", write: true, allow: own, req: func(t *testing.T, f *fixture) (string, string, []byte, []string) {
		return "POST", "/v1/entities/" + f.bodyID() + "/branches", jsonOf(t, map[string]any{"entityId": f.otherBodyID(), "from": "2025-01-01"}), nil
	}})
	addMatrix(matrixCase{op: "endBranch", allow: own, req: func(t *testing.T, f *fixture) (string, string, []byte, []string) {
		return "POST", "/v1/entities/" + f.bodyID() + "/branches/" + f.otherBodyID() + "/end", jsonOf(t, map[string]any{"until": "2025-01-10"}), nil
	}})
	addMatrix(matrixCase{op: "listPartnerships", allow: own, req: func(t *testing.T, f *fixture) (string, string, []byte, []string) {
		return "GET", "/v1/entities/" + f.bodyID() + "/partnerships", nil, nil
	}})
	addMatrix(matrixCase{op: "addPartnership", write: true, allow: []caller{asStaff, asBody, asReferent, asOtherBody},
		req: func(t *testing.T, f *fixture) (string, string, []byte, []string) {
			return "POST", "/v1/partnerships", jsonOf(t, map[string]any{"entityId": f.bodyID(), "partnerId": f.otherBodyID(),
				"objectives": "Accoglienza", "content": "Sportello", "modalities": "Incontri", "start": "2025-01-01"}), nil
		}})
	addMatrix(matrixCase{op: "getPartnership", hidden: true, allow: []caller{asStaff, asBody, asReferent, asOtherBody},
		req: func(t *testing.T, f *fixture) (string, string, []byte, []string) {
			return "GET", "/v1/partnerships/" + staffPartnership(t, f, f.bodyID(), f.otherBodyID()), nil, nil
		}})
	addMatrix(matrixCase{op: "confirmPartnership", write: true, allow: []caller{asBody, asReferent, asOtherBody},
		req: func(t *testing.T, f *fixture) (string, string, []byte, []string) {
			return "POST", "/v1/partnerships/" + staffPartnership(t, f, f.bodyID(), f.otherBodyID()) + "/confirm", nil, nil
		}})
	addMatrix(matrixCase{op: "listAccessRequests", allow: []caller{asStaff, asPublic, asRegion, asRegionNone},
		req: get("/v1/access-requests")})
	addMatrix(matrixCase{op: "requestSectionIIAccess", name: "the region's own", write: true, allow: []caller{asStaff, asPublic, asRegion},
		req: func(t *testing.T, f *fixture) (string, string, []byte, []string) {
			return "POST", "/v1/access-requests", jsonOf(t, map[string]any{"region": f.grantReg, "purpose": "programmazione dei servizi regionali"}), nil
		}})
	addMatrix(matrixCase{op: "requestSectionIIAccess", name: "the other region's", write: true, allow: []caller{asStaff, asPublic, asRegionNone},
		req: func(t *testing.T, f *fixture) (string, string, []byte, []string) {
			return "POST", "/v1/access-requests", jsonOf(t, map[string]any{"region": f.otherReg, "purpose": "programmazione dei servizi regionali"}), nil
		}})
	addMatrix(matrixCase{op: "getAccessRequest", hidden: true, allow: []caller{asStaff, asRegion},
		req: func(t *testing.T, f *fixture) (string, string, []byte, []string) {
			return "GET", "/v1/access-requests/" + fixtureGrant(t, f), nil, nil
		}})
	var grant, refuse req = func(t *testing.T, f *fixture) (string, string, []byte, []string) {
		return "POST", "/v1/access-requests/" + fixtureGrant(t, f) + "/grant", jsonOf(t, map[string]any{"until": "2025-06-30"}), nil
	}, func(t *testing.T, f *fixture) (string, string, []byte, []string) {
		return "POST", "/v1/access-requests/" + fixtureGrant(t, f) + "/refuse", jsonOf(t, map[string]any{"reason": "non pertinente"}), nil
	}
	addMatrix(matrixCase{op: "grantSectionIIAccess", allow: []caller{asStaff}, req: grant})
	addMatrix(matrixCase{op: "refuseSectionIIAccess", allow: []caller{asStaff}, req: refuse})
}
