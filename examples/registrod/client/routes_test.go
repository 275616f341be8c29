package client_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/openregistro/registro/examples/registrod/api"
	"github.com/openregistro/registro/examples/registrod/client"
)

// covered names, for each operation of api.Routes, the client's method that
// calls it.
var covered = map[string]string{
	"status":                 "Status",
	"health":                 "Health",
	"openapi":                "OpenAPI",
	"listSchemas":            "Schemas",
	"getSchema":              "Schema",
	"validateQuestionnaire":  "Validate, ValidateStream",
	"fileQuestionnaire":      "File",
	"listEntities":           "EntityPage, Entities",
	"getEntity":              "Entity, EntityView",
	"listEvents":             "EventPage, Events",
	"yearlyList":             "YearlyList",
	"checkEligibility":       "Eligibility",
	"replaceEntity":          "ReplaceEntity",
	"patchEntity":            "PatchEntity",
	"listEntityEvents":       "EntityEvents",
	"ready":                  "Ready",
	"listApiTokens":          "APITokens",
	"issueApiToken":          "IssueAPIToken",
	"revokeApiToken":         "RevokeAPIToken",
	"getDraft":               "Draft",
	"saveDraft":              "SaveDraft",
	"getReport":              "Report",
	"listReportRevisions":    "ReportRevisions",
	"getReportRevision":      "ReportRevision",
	"regionFeed":             "FeedPage, Feed",
	"openDataset":            "OpenDataset",
	"openDataCSV":            "OpenDataCSV",
	"openDataJSON":           "OpenDataJSON",
	"searchOpenData":         "SearchOpenData",
	"fileApplication":        "FileApplication",
	"validateApplication":    "ValidateApplication",
	"getApplication":         "Application",
	"getAttachment":          "Attachment",
	"requestCompletion":      "RequestCompletion",
	"completeApplication":    "CompleteApplication",
	"reviewQueue":            "ReviewQueue",
	"listEntityApplications": "EntityApplications",
	"startReview":            "StartReview",
	"enrol":                  "Enrol",
	"reject":                 "Reject",
	"cancelEnrolment":        "CancelEnrolment",
	"applySilence":           "ApplySilence",
	"listReferents":          "Referents",
	"requestReferent":        "RequestReferent",
	"getReferent":            "Referent",
	"enableReferent":         "EnableReferent",
	"revokeReferent":         "RevokeReferent",
	"addBranch":              "AddBranch",
	"endBranch":              "EndBranch",
	"listPartnerships":       "Partnerships",
	"addPartnership":         "AddPartnership",
	"getPartnership":         "Partnership",
	"confirmPartnership":     "ConfirmPartnership",
	"updatePartnership":      "UpdatePartnership",
	"listAccessRequests":     "AccessRequestPage, AccessRequests",
	"requestSectionIIAccess": "RequestAccess",
	"getAccessRequest":       "AccessRequest",
	"grantSectionIIAccess":   "GrantAccess",
	"refuseSectionIIAccess":  "RefuseAccess",
	"getAnnualReport":        "AnnualReport",
	"getMe":                  "Me",
	"getTerritory":           "Territory",
}

// TestRoutesCovered: every route of the service has a method of the client;
// no entry names a route the service lacks, or a method the client lacks.
func TestRoutesCovered(t *testing.T) {
	ops := map[string]bool{}
	for _, r := range api.Routes() {
		ops[r.Operation] = true
		if covered[r.Operation] == "" {
			t.Errorf("%s %s (%s): no method of the client calls it", r.Method, r.Path, r.Operation)
		}
	}
	ct := reflect.TypeFor[*client.Client]()
	for op, methods := range covered {
		if !ops[op] {
			t.Errorf("covered lists %s, which is no route of the service", op)
		}
		for _, m := range strings.Split(methods, ", ") {
			if _, ok := ct.MethodByName(m); !ok {
				t.Errorf("covered names %s for %s, which is no method of the client", m, op)
			}
		}
	}
}
