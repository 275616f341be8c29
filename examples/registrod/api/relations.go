package api

import (
	"context"
	"net/http"
	"slices"

	"github.com/openregistro/registro/registry"
	"github.com/openregistro/registro/schemas/problem"
)

// BranchRequest is the body of a branch declaration.
type BranchRequest struct {
	// EntityID is the register ID of the branch, a body already in the
	// register.
	EntityID string `json:"entityId"`
	// From is the first day the branch belongs to the national body.
	From registry.Date `json:"from"`
}

// BranchEnd is the body of the end of a branch.
type BranchEnd struct {
	// Until is the last day the branch belongs to the national body.
	Until registry.Date `json:"until"`
}

// branchOf returns the open branch bid of national body id (closed: one
// whose Until is until), as v reads the national body.
func (s *server) branchOf(ctx context.Context, v registry.Viewer, id, bid string, match func(registry.Branch) bool) (registry.Branch, bool, error) {
	e, err := s.deps.Registry.Entity(ctx, v, id)
	if err != nil {
		return registry.Branch{}, false, err
	}
	i := slices.IndexFunc(e.Branches, func(b registry.Branch) bool { return b.EntityID == bid && match(b) })
	if i < 0 {
		return registry.Branch{}, false, nil
	}
	return e.Branches[i], true, nil
}

// addBranch records that a body is a territorial branch of the national
// body {id}, from a day. Section I enrolment extends to the branch when the
// national body's statute names it and a Section I application listed it
// (worked out by the register); Section II never extends.
func (s *server) addBranch(w http.ResponseWriter, r *request) error {
	id := r.PathValue("id")
	data, v, err := s.writeRequest(w, r)
	if err != nil {
		return err
	}
	var in BranchRequest
	decodeErr := decodeStrict(data, &in)
	open := func(b registry.Branch) bool { return b.Until == "" && b.From == in.From }
	return s.writeOnce(w, r, data, func(ctx context.Context) (answer, error) {
		if decodeErr != nil {
			return answer{}, decodeErr
		}
		if in.EntityID == "" {
			return answer{}, problem.List{problem.New("", "required", "required", map[string]any{"missingProperty": "entityId"},
				"manca l'ente articolazione", "the branch body is missing")}
		}
		if _, err := s.deps.Registry.AddBranch(ctx, v, id, in.EntityID, in.From); err != nil {
			return answer{}, err
		}
		b, _, err := s.branchOf(ctx, v, id, in.EntityID, open)
		if err != nil {
			return answer{}, err
		}
		return answer{status: http.StatusCreated, body: b}, nil
	}, func(ctx context.Context, _ string) (answer, bool, error) {
		if decodeErr != nil {
			return answer{}, false, nil
		}
		b, ok, err := s.branchOf(ctx, v, id, in.EntityID, open)
		return answer{status: http.StatusCreated, body: b}, ok, err
	})
}

// endBranch records the last day a branch belongs to the national body.
func (s *server) endBranch(w http.ResponseWriter, r *request) error {
	id, bid := r.PathValue("id"), r.PathValue("bid")
	data, v, err := s.writeRequest(w, r)
	if err != nil {
		return err
	}
	var in BranchEnd
	decodeErr := decodeStrict(data, &in)
	ended := func(b registry.Branch) bool { return b.Until != "" && b.Until == in.Until }
	return s.writeOnce(w, r, data, func(ctx context.Context) (answer, error) {
		if decodeErr != nil {
			return answer{}, decodeErr
		}
		if _, err := s.deps.Registry.EndBranch(ctx, v, id, bid, in.Until); err != nil {
			return answer{}, err
		}
		b, _, err := s.branchOf(ctx, v, id, bid, ended)
		if err != nil {
			return answer{}, err
		}
		return answer{status: http.StatusOK, body: b}, nil
	}, func(ctx context.Context, _ string) (answer, bool, error) {
		if decodeErr != nil {
			return answer{}, false, nil
		}
		b, ok, err := s.branchOf(ctx, v, id, bid, ended)
		return answer{status: http.StatusOK, body: b}, ok, err
	})
}

// PartnershipPage is the list of a body's partnerships.
type PartnershipPage struct {
	Items []registry.Partnership `json:"items"`
}

func partnershipPath(id string) string { return "/v1/partnerships/" + id }

// addPartnership records a partnership agreement between two bodies of the
// register, declared by either party (or staff); the other party confirms
// it (confirmPartnership).
func (s *server) addPartnership(w http.ResponseWriter, r *request) error {
	data, v, err := s.writeRequest(w, r)
	if err != nil {
		return err
	}
	return s.writeOnce(w, r, data, func(ctx context.Context) (answer, error) {
		var in registry.Partnership
		if err := decodeStrict(data, &in); err != nil {
			return answer{}, err
		}
		if in.ID != "" || in.Version != 0 || in.RecordedBy != "" || in.ConfirmedBy != "" || in.ConfirmedOn != "" {
			return answer{}, problem.List{problem.New("", "register", "register_managed", nil,
				"id, versione e conferma del partenariato sono assegnati dal registro",
				"a partnership's id, version and confirmation are set by the register")}
		}
		p, err := s.deps.Registry.AddPartnership(ctx, v, in)
		if err != nil {
			return answer{}, err
		}
		return answer{http.StatusCreated, p, partnershipPath(p.ID)}, nil
	}, func(ctx context.Context, pid string) (answer, bool, error) {
		p, err := s.deps.Registry.Partnership(ctx, v, pid)
		if err != nil {
			return answer{}, false, nil // not written, or not the caller's: write
		}
		return answer{http.StatusCreated, p, partnershipPath(p.ID)}, true, nil
	})
}

// partnership returns one partnership, for staff and either party (404 for
// anyone else, the anonymous public included, as for an unknown one).
func (s *server) partnership(w http.ResponseWriter, r *request) error {
	v, err := s.viewer(r.Context(), r.caller)
	if err != nil {
		return err
	}
	p, err := s.deps.Registry.Partnership(r.Context(), v, r.PathValue("pid"))
	if err != nil {
		return err
	}
	w.Header().Set("ETag", partnershipETag(p)) // for If-Match (updatePartnership)
	writeJSON(w, http.StatusOK, p)
	return nil
}

// confirmPartnership records the other party's confirmation.
func (s *server) confirmPartnership(w http.ResponseWriter, r *request) error {
	data, err := s.emptyBody(w, r)
	if err != nil {
		return err
	}
	pid := r.PathValue("pid")
	v, err := s.viewer(r.Context(), r.caller)
	if err != nil {
		return err
	}
	return s.writeOnce(w, r, data, func(ctx context.Context) (answer, error) {
		p, err := s.deps.Registry.ConfirmPartnership(ctx, v, pid)
		if err != nil {
			return answer{}, err
		}
		return answer{status: http.StatusOK, body: p}, nil
	}, func(ctx context.Context, _ string) (answer, bool, error) {
		p, err := s.deps.Registry.Partnership(ctx, v, pid)
		if err != nil || p.ConfirmedBy == "" || p.ConfirmedBy != v.EntityID {
			return answer{}, false, nil
		}
		return answer{status: http.StatusOK, body: p}, true, nil
	})
}

// entityPartnerships lists the partnerships of a body, for staff and the
// body itself (403 for anyone else).
func (s *server) entityPartnerships(w http.ResponseWriter, r *request) error {
	v, err := s.tokenViewer(r)
	if err != nil {
		return err
	}
	ps, err := s.deps.Registry.Partnerships(r.Context(), v, r.PathValue("id"))
	if err != nil {
		return err
	}
	if ps == nil {
		ps = []registry.Partnership{}
	}
	writeJSON(w, http.StatusOK, PartnershipPage{Items: ps})
	return nil
}

// relationRoutes returns the routes of the relations between bodies:
// territorial branches and partnership agreements.
func (s *server) relationRoutes() []routeDef {
	return []routeDef{
		{method: "POST", path: "/v1/entities/{id}/branches", op: "addBranch", tag: "register", access: accessToken, h: s.addBranch},
		{method: "POST", path: "/v1/entities/{id}/branches/{bid}/end", op: "endBranch", tag: "register", access: accessToken, h: s.endBranch},
		{method: "GET", path: "/v1/entities/{id}/partnerships", op: "listPartnerships", tag: "register", access: accessToken, h: s.entityPartnerships},
		{method: "POST", path: "/v1/partnerships", op: "addPartnership", tag: "register", access: accessToken, h: s.addPartnership},
		{method: "GET", path: "/v1/partnerships/{pid}", op: "getPartnership", tag: "register", access: accessToken, h: s.partnership},
		{method: "PUT", path: "/v1/partnerships/{pid}", op: "updatePartnership", tag: "register", access: accessToken, h: s.updatePartnership},
		{method: "POST", path: "/v1/partnerships/{pid}/confirm", op: "confirmPartnership", tag: "register", access: accessToken, h: s.confirmPartnership},
	}
}
