package registry

import (
	"fmt"
)

// Who may write what is decided here, once, for every write of the
// Registry: each write method takes the acting Viewer and calls authorize
// before it reads or changes anything, so no caller (an HTTP route, a CLI
// command, a regional mirror) restates the policy. A refusal is ErrForbidden,
// wrapped with the operation and the viewer.
//
// The policy:
//
//   - staff may do everything but file a body's annual report, which is the
//     body's own act (staff record filings made elsewhere: imports, repairs);
//   - a body (RoleBody) may act on its own entity only: update its declared
//     data, apply again, complete its application when staff ask, request and revoke its referents, declare and end its
//     branches (as the national body), record its partnerships (as either
//     party) and file its annual report;
//   - but only the body's legal representative in office requests a
//     referent (art. 52 DPR 394/1999: the representative answers for the
//     body): a body's viewer must be that person, logged in (Viewer.Person);
//     an enabled referent, and a machine client's API token with role body
//     (which names no person), are refused (authorizeReferentRequest);
//   - an authenticated person who is not yet a body's viewer (a non-empty
//     Subject) may apply for a body the register does not hold yet;
//   - the anonymous public and regional offices write nothing;
//   - decisions (review, enrolment, rejection, cancellation, silence,
//     requests to complete an application),
//     enabling a referent, removing a record made by mistake, Section II
//     grants and the bulk moves of a register (Import, Replace, Remove) are
//     for staff only.

// op names a write for the policy and the errors it returns.
type op string

// The writes the policy knows.
const (
	opApply             op = "apply"
	opUpdateEntity      op = "update entity"
	opRequestReferent   op = "request referent"
	opEnableReferent    op = "enable referent"
	opRevokeReferent    op = "revoke referent"
	opAddBranch         op = "add branch"
	opEndBranch         op = "end branch"
	opRemoveBranch      op = "remove branch"
	opAddPartnership    op = "add partnership"
	opUpdatePartnership op = "update partnership"
	opRemovePartnership op = "remove partnership"
	opGrantSectionII    op = "grant Section II access"
	opStartReview       op = "start review"
	opEnrol             op = "enrol"
	opReject            op = "reject"
	opCancel            op = "cancel"
	opApplySilence      op = "apply silence"
	opImport            op = "import"
	opReplace           op = "replace"
	opRemove            op = "remove"
	opRecordFiling      op = "record filing"
	opFileReport        op = "file annual report"
	opRequestCompletion op = "request completion"
	opComplete          op = "complete application"
)

// staffOnly are the writes reserved to the ministry's staff.
var staffOnly = map[op]bool{
	opEnableReferent: true, opRemoveBranch: true, opRemovePartnership: true, opGrantSectionII: true,
	opStartReview: true, opEnrol: true, opReject: true, opCancel: true, opApplySilence: true,
	opImport: true, opReplace: true, opRemove: true, opRequestCompletion: true,
}

// authorize returns nil when v may do o on the bodies ids (the bodies the
// write concerns: any one of them being v's own is enough, as for the two
// parties of a partnership), and an error wrapping ErrForbidden otherwise.
func authorize(v Viewer, o op, ids ...string) error {
	switch {
	case v.Role == RoleStaff:
		return nil
	case staffOnly[o]:
	case v.Role == RoleBody && v.EntityID != "":
		for _, id := range ids {
			if id == v.EntityID {
				return nil
			}
		}
	}
	return forbidden(v, o)
}

// authorizeReferentRequest returns nil when v may request a referent for
// e: staff, or the person who is e's legal representative.
func authorizeReferentRequest(v Viewer, e *Entity) error {
	if v.Role == RoleStaff {
		return nil
	}
	if cf, ok := v.Person(); ok && v.Role == RoleBody && v.EntityID == e.ID && cf == e.LegalRepresentative.CodiceFiscale {
		return nil
	}
	return forbidden(v, opRequestReferent)
}

// authorizeNewBody returns nil when v may apply for a body the register does
// not hold yet: staff, or an authenticated person (a public or body viewer
// with a subject; a regional office applies for nobody).
func authorizeNewBody(v Viewer) error {
	if v.Role == RoleStaff || ((v.Role == RolePublic || v.Role == RoleBody) && v.Subject != "") {
		return nil
	}
	return forbidden(v, opApply)
}

func forbidden(v Viewer, o op) error {
	return fmt.Errorf("registry: %s by %s: %w", o, v.Actor(), ErrForbidden)
}
