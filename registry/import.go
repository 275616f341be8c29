package registry

import (
	"context"
	"errors"
	"fmt"

	"github.com/openregistro/registro/problem"
)

// Import adds entities exported from another register (for example as
// NDJSON by "registro export"), keeping their IDs, enrolments with their
// history, referents and branches. It is how a regional copy of the register
// is seeded and how a register moves between stores.
//
// Every entity is validated first; the problems of entity i are reported
// under the pointer "/i". Import writes all the entities, each with an
// entity.created event noting the import, in one atomic batch, or nothing.
//
// Import returns a problem.List (errors.Is(err, problem.ErrInvalid)) when an
// entity is invalid (including an enrolment history that the state
// machine could not have produced), lacks an ID, or repeats the ID or codice fiscale of
// another in the batch; an error wrapping ErrConflict when the store already
// holds one of the IDs or codici fiscali; and the store's error otherwise.
func (r *Registry) Import(ctx context.Context, actor string, entities []Entity) ([]Entity, error) {
	var probs problem.List
	ids := map[string]int{}
	cfs := map[string]int{}
	out := make([]Entity, len(entities))
	for i := range entities {
		e := entities[i].Clone()
		e.Version = 0
		at := problem.Pointer(problem.Index(i))
		if e.ID == "" {
			probs = append(probs, problem.Required(at, "id"))
		} else if j, dup := ids[e.ID]; dup {
			probs = append(probs, problem.New(at+"/id", "uniqueItems", "duplicate_id", map[string]any{"other": j},
				fmt.Sprintf("l'identificativo è già usato dall'ente %d dello stesso lotto", j),
				fmt.Sprintf("the ID is already used by entity %d of the same batch", j)))
		}
		ids[e.ID] = i
		if j, dup := cfs[e.CodiceFiscale]; dup && e.CodiceFiscale != "" {
			probs = append(probs, problem.New(at+"/codiceFiscale", "uniqueItems", "duplicate_codice_fiscale", map[string]any{"other": j},
				fmt.Sprintf("il codice fiscale è già usato dall'ente %d dello stesso lotto", j),
				fmt.Sprintf("the codice fiscale is already used by entity %d of the same batch", j)))
		}
		cfs[e.CodiceFiscale] = i
		if err := r.val.Entity(&e); err != nil {
			l, ok := problem.AsList(err)
			if !ok {
				return nil, err
			}
			probs = append(probs, l.Prefix(at)...)
		}
		probs = append(probs, historyProblems(&e).Prefix(at)...)
		out[i] = e
	}
	if len(probs) > 0 {
		probs.Sort()
		return nil, probs
	}
	b := Batch{Entities: out}
	for i := range out {
		if _, err := r.store.Entity(ctx, out[i].ID); err == nil {
			return nil, fmt.Errorf("registry: import: entity %s already exists: %w", out[i].ID, ErrConflict)
		} else if !errors.Is(err, ErrNotFound) {
			return nil, err
		}
		ev := r.event(actor, EventEntityCreated, out[i].ID, out[i].ID, nil, out[i])
		ev.Note = "imported"
		b.Events = append(b.Events, ev)
	}
	if err := r.commit(ctx, b); err != nil {
		return nil, fmt.Errorf("registry: import: %w", err)
	}
	for i := range out {
		out[i].Version = 1
	}
	return out, nil
}
