package registry

import (
	"context"
	"errors"
	"fmt"

	"github.com/openregistro/registro/schemas/problem"
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
func (r *Registry) Import(ctx context.Context, v Viewer, entities []Entity) ([]Entity, error) {
	if err := authorize(v, opImport); err != nil {
		return nil, err
	}
	actor := v.Actor()
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
			probs = append(probs, problem.New(at+"/taxCode", "uniqueItems", "duplicate_codice_fiscale", map[string]any{"other": j},
				fmt.Sprintf("il codice fiscale è già usato dall'ente %d dello stesso lotto", j),
				fmt.Sprintf("the codice fiscale is already used by entity %d of the same batch", j)))
		}
		cfs[e.CodiceFiscale] = i
		l, err := r.checkWhole(&e)
		if err != nil {
			return nil, err
		}
		probs = append(probs, l.Prefix(at)...)
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

// checkWhole validates a whole entity as another register holds it: its
// fields and an enrolment history the state machine could have produced.
func (r *Registry) checkWhole(e *Entity) (problem.List, error) {
	var probs problem.List
	if err := r.val.Entity(e); err != nil {
		l, ok := problem.AsList(err)
		if !ok {
			return nil, err
		}
		probs = append(probs, l...)
	}
	return append(probs, historyProblems(e)...), nil
}

// Replace overwrites the stored entity e.ID with e whole — declared data and
// register-managed fields (enrolments with their history, referents,
// branches) alike — as a copy of another register does when the original
// changes (see examples/regional). e is validated as Import validates it;
// e.Version must be the stored version. note says why, in the
// entity.updated event.
//
// Errors: a problem.List for an invalid entity; ErrNotFound when there is
// no entity e.ID; ErrConflict for a stale version or a codice fiscale taken
// by another body; the store's error otherwise.
func (r *Registry) Replace(ctx context.Context, v Viewer, e Entity, note string) (Entity, error) {
	if err := authorize(v, opReplace, e.ID); err != nil {
		return Entity{}, err
	}
	actor := v.Actor()
	e = e.Clone()
	if e.ID == "" {
		return Entity{}, problem.List{problem.Required("", "id")}
	}
	probs, err := r.checkWhole(&e)
	if err != nil {
		return Entity{}, err
	}
	if len(probs) > 0 {
		probs.Sort()
		return Entity{}, probs
	}
	cur, err := r.entity(ctx, e.ID)
	if err != nil {
		return Entity{}, err
	}
	if cur.Version != e.Version {
		return Entity{}, fmt.Errorf("registry: replace %s at version %d, stored %d: %w", e.ID, e.Version, cur.Version, ErrConflict)
	}
	ev := r.event(actor, EventEntityUpdated, e.ID, e.ID, cur, e)
	ev.Note = note
	if err := r.commit(ctx, Batch{Entities: []Entity{e}, Events: []Event{ev}}); err != nil {
		return Entity{}, fmt.Errorf("registry: replace: %w", err)
	}
	e.Version++
	return e, nil
}

// Remove deletes entity id, read at version, with an entity.removed event
// whose note says why (a regional copy drops a body that left its region;
// an operator erases a record entered by mistake). Its applications and
// partnerships are not touched.
//
// Errors: ErrNotFound when there is no such entity; ErrConflict for a stale
// version; the store's error otherwise.
func (r *Registry) Remove(ctx context.Context, v Viewer, id string, version int64, note string) error {
	if err := authorize(v, opRemove, id); err != nil {
		return err
	}
	actor := v.Actor()
	cur, err := r.entity(ctx, id)
	if err != nil {
		return err
	}
	if cur.Version != version {
		return fmt.Errorf("registry: remove %s at version %d, stored %d: %w", id, version, cur.Version, ErrConflict)
	}
	ev := r.event(actor, EventEntityRemoved, id, id, cur, nil)
	ev.Note = note
	if err := r.commit(ctx, Batch{Deletes: []Ref{{Kind: KindEntity, ID: id, Version: version}}, Events: []Event{ev}}); err != nil {
		return fmt.Errorf("registry: remove: %w", err)
	}
	return nil
}
