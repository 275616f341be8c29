package registry

import (
	"context"
	"fmt"

	"github.com/openregistro/registro/registry/codicefiscale"
)

// Capacity is why a person may act for a body.
type Capacity string

// The capacities of ActingFor.
const (
	// CapacityLegalRepresentative: the person is the body's legal
	// representative.
	CapacityLegalRepresentative Capacity = "legal_representative"
	// CapacityReferent: the person is one of the body's enabled referents.
	CapacityReferent Capacity = "referent"
)

// Acting is a body a person acts for, and in which capacity.
type Acting struct {
	Entity   Entity
	Capacity Capacity
}

// ActingFor returns the bodies the person whose codice fiscale is cf acts
// for (ActsFor: their legal representative or an enabled referent), in
// ascending order of register ID, as PersonViewer would let them act. It is
// what a front-end offers a person who logged in as the bodies to choose
// from; acting for one is still decided at each request (PersonViewer).
//
// The register keeps no index by person: the answer reads every body once,
// in pages of MaxLimit. A register of a few thousand bodies bears it at
// login; a larger one would want a store index by codice fiscale.
//
// Errors: ErrPersonCodiceFiscale (wrapped) for a cf that
// codicefiscale.ValidatePerson rejects; store errors.
func (r *Registry) ActingFor(ctx context.Context, cf string) ([]Acting, error) {
	cf = codicefiscale.Normalize(cf)
	if err := codicefiscale.ValidatePerson(cf); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrPersonCodiceFiscale, err)
	}
	out := []Acting{}
	f := Filter{Limit: MaxLimit, Visible: func(_ context.Context, e *Entity) (bool, error) { return ActsFor(e, cf), nil }}
	for {
		p, err := r.store.Entities(ctx, f)
		if err != nil {
			return nil, err
		}
		for _, e := range p.Entities {
			c := CapacityReferent
			if e.LegalRepresentative.CodiceFiscale == cf {
				c = CapacityLegalRepresentative
			}
			out = append(out, Acting{Entity: e, Capacity: c})
		}
		if p.Next == "" {
			return out, nil
		}
		f.Cursor = p.Next
	}
}
