package client_test

import (
	"testing"

	"github.com/openregistro/registro/examples/registrod/api"
)

// covered names, for each operation of api.Routes, the client's method that
// calls it.
var covered = map[string]string{
	"status":                "Status",
	"health":                "Health",
	"openapi":               "OpenAPI",
	"listSchemas":           "Schemas",
	"getSchema":             "Schema",
	"validateQuestionnaire": "Validate",
	"fileQuestionnaire":     "File",
	"listEntities":          "EntityPage, Entities",
	"getEntity":             "Entity",
	"listEvents":            "EventPage, Events",
	"yearlyList":            "YearlyList",
	"checkEligibility":      "Eligibility",
	"replaceEntity":         "ReplaceEntity",
	"patchEntity":           "PatchEntity",
	"listEntityEvents":      "EntityEvents",
}

// notYet are the operations merged after the client was written, which it
// does not call yet: each is one small method in routes.go (see the package
// documentation), with its end-to-end test.
var notYet = map[string]bool{
	"fileApplication":        true,
	"getApplication":         true,
	"getAttachment":          true,
	"requestCompletion":      true,
	"completeApplication":    true,
	"reviewQueue":            true,
	"listEntityApplications": true,
	"startReview":            true,
	"enrol":                  true,
	"reject":                 true,
	"cancelEnrolment":        true,
	"applySilence":           true,
	"listReferents":          true,
	"requestReferent":        true,
	"getReferent":            true,
	"enableReferent":         true,
	"revokeReferent":         true,
	"addBranch":              true,
	"endBranch":              true,
	"listPartnerships":       true,
	"addPartnership":         true,
	"getPartnership":         true,
	"confirmPartnership":     true,
	"updatePartnership":      true,
	"listAccessRequests":     true,
	"requestSectionIIAccess": true,
	"getAccessRequest":       true,
	"grantSectionIIAccess":   true,
	"refuseSectionIIAccess":  true,
}

// TestRoutesCovered: every route of the service has a method of the client,
// or is listed in notYet; no entry names a route the service lacks.
func TestRoutesCovered(t *testing.T) {
	ops := map[string]bool{}
	for _, r := range api.Routes() {
		ops[r.Operation] = true
		if covered[r.Operation] == "" && !notYet[r.Operation] {
			t.Errorf("%s %s (%s): no method of the client calls it, and it is not in notYet", r.Method, r.Path, r.Operation)
		}
	}
	for op := range covered {
		if !ops[op] {
			t.Errorf("covered lists %s, which is no route of the service", op)
		}
	}
	for op := range notYet {
		if !ops[op] {
			t.Errorf("notYet lists %s, which is no route of the service", op)
		}
	}
}
