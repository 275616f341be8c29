package registry

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/openregistro/registro/registry/codicefiscale"
	"github.com/openregistro/registro/schemas/problem"
)

// PersonSubject is the Viewer.Subject of a person who logged in: "cf:" and
// the person's codice fiscale, so the audit trail (Viewer.Actor) names the
// person.
func PersonSubject(cf string) string { return "cf:" + cf }

// Person returns the codice fiscale of the person v is (a Subject made by
// PersonSubject, as PersonViewer makes it), and false for a viewer that is
// no person who logged in: a machine client's API token names no person
// (its names are lower case, a codice fiscale upper case).
func (v Viewer) Person() (cf string, ok bool) {
	cf, ok = strings.CutPrefix(v.Subject, "cf:")
	if !ok || codicefiscale.ValidatePerson(cf) != nil {
		return "", false
	}
	return cf, true
}

// ErrPersonCodiceFiscale is wrapped by PersonViewer for a codice fiscale that
// is not a valid one of a natural person. Its kind is problem.KindInvalid.
var ErrPersonCodiceFiscale = problem.NewError(problem.KindInvalid, "registry: not a person's codice fiscale")

// PersonViewer returns the viewer of the person whose codice fiscale is cf
// (an identity provider vouched for it), acting for the body entityID: who
// may act for a body is a fact of the register, read at each call. The
// person acts for the body when they are its legal representative or one of
// its enabled referents; a revoked referent, or a former representative, no
// longer does. With entityID "" the person acts for no body: an
// authenticated member of the public (who may apply for a new body).
//
// Errors: ErrPersonCodiceFiscale (wrapped) for a cf that
// codicefiscale.ValidatePerson rejects; ErrForbidden (wrapped) when the
// person does not act for entityID — also when the register holds no such
// body, so that the answer does not tell whether it exists.
func (r *Registry) PersonViewer(ctx context.Context, cf, entityID string) (Viewer, error) {
	cf = codicefiscale.Normalize(cf)
	if err := codicefiscale.ValidatePerson(cf); err != nil {
		return Viewer{}, fmt.Errorf("%w: %v", ErrPersonCodiceFiscale, err)
	}
	v := Viewer{Role: RolePublic, Subject: PersonSubject(cf)}
	if entityID == "" {
		return v, nil
	}
	e, err := r.store.Entity(ctx, entityID)
	if errors.Is(err, ErrNotFound) {
		return Viewer{}, fmt.Errorf("registry: %s acting for a body: %w", v.Actor(), ErrForbidden)
	}
	if err != nil {
		return Viewer{}, err
	}
	if !ActsFor(&e, cf) {
		return Viewer{}, fmt.Errorf("registry: %s acting for a body: %w", v.Actor(), ErrForbidden)
	}
	return Body(v.Subject, e.ID), nil
}

// ActsFor reports whether the person cf may act for e: e's legal
// representative or one of its enabled referents.
func ActsFor(e *Entity, cf string) bool {
	if e.LegalRepresentative.CodiceFiscale == cf {
		return true
	}
	for _, rf := range e.Referents {
		if rf.CodiceFiscale == cf && rf.Status == ReferentEnabled {
			return true
		}
	}
	return false
}
