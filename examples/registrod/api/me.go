package api

import (
	"net/http"
	"slices"

	"github.com/openregistro/registro/registry"
)

// Me is GET /v1/me: who the caller is, and the bodies they may act for. A
// front-end reads it once after login to know what to offer: the back
// office to staff, the regional pages to a region, and to a person the
// bodies they may choose to act for (then sent as the Registro-Entity
// header; the register still decides at each request).
type Me struct {
	// Role is the caller's role on this request: public, staff, body or
	// region (a person who names no body in Registro-Entity is public).
	Role registry.Role `json:"role"`
	// Subject names the caller as the audit trail does ("cf:…" for a
	// person).
	Subject string `json:"subject"`
	// FiscalNumber is the caller's codice fiscale when the caller is a
	// person who logged in (or a token naming one).
	FiscalNumber string `json:"fiscalNumber,omitempty"`
	// Region is a region's ISTAT code (role region only).
	Region string `json:"region,omitempty"`
	// Acting is the register ID of the body this request acts for (role
	// body only).
	Acting string `json:"acting,omitempty"`
	// Bodies are the bodies the caller may act for, by register ID: for a
	// person, those whose legal representative or enabled referent they
	// are; for a body's token, its body; none for staff and regions (their
	// role comes first). Never nil.
	Bodies []MyBody `json:"bodies"`
}

// MyBody is a body the caller may act for, as its own people see it.
type MyBody struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	TaxCode string `json:"taxCode"`
	// Capacity is legal_representative or referent; empty for a body's
	// token, which names no person.
	Capacity registry.Capacity `json:"capacity,omitempty"`
	// Sections are the body's enrolments, one per section it applied for.
	Sections []MySection `json:"sections"`
	// Reporting is the last report filed, the next one due with its
	// deadline, and the overdue years (registry.Registry.ReportingStatus).
	Reporting registry.ReportingStatus `json:"reporting"`
}

// MySection is a body's enrolment in one section.
type MySection struct {
	Section registry.Section `json:"section"`
	// Status is applied, under_review, enrolled, rejected or cancelled.
	Status registry.Status `json:"status"`
	// AppliedOn and DecisionDue are the current cycle's application day and
	// the last day of its decision term.
	AppliedOn   registry.Date `json:"appliedOn,omitempty"`
	DecisionDue registry.Date `json:"decisionDue,omitempty"`
	// DecreeNumber and DecreeDate identify the decree of enrolment.
	DecreeNumber string        `json:"decreeNumber,omitempty"`
	DecreeDate   registry.Date `json:"decreeDate,omitempty"`
}

// me answers GET /v1/me to any caller with a token.
func (s *server) me(w http.ResponseWriter, r *request) error {
	if r.caller.anonymous {
		return newError(kindUnauthorized, msg("chi sono: serve un token", "who am I: a token is needed"))
	}
	c := r.caller
	out := Me{Role: c.Role, Subject: c.Subject, Region: c.Region, Bodies: []MyBody{}}
	if c.Role == registry.RoleBody {
		out.Acting = c.EntityID
	}
	cf, person := callerTaxCode(c)
	if person {
		out.FiscalNumber = cf
	}
	var acting []registry.Acting
	switch {
	case c.Role == registry.RoleStaff || c.Role == registry.RoleRegion:
		// Their role comes first: they act for no body (see authenticate).
	case person:
		var err error
		if acting, err = s.deps.Registry.ActingFor(r.Context(), cf); err != nil {
			return err
		}
	case c.Role == registry.RoleBody:
		e, err := s.deps.Registry.Entity(r.Context(), registry.Body(c.Subject, c.EntityID), c.EntityID)
		if err != nil {
			return err
		}
		acting = []registry.Acting{{Entity: e}}
	}
	for _, a := range acting {
		e := a.Entity
		st, err := s.deps.Registry.ReportingStatus(r.Context(), registry.Body(c.Subject, e.ID), e.ID)
		if err != nil {
			return err
		}
		b := MyBody{ID: e.ID, Name: e.Name, TaxCode: e.CodiceFiscale, Capacity: a.Capacity, Sections: []MySection{}, Reporting: st}
		for _, en := range e.Enrolments {
			b.Sections = append(b.Sections, MySection{Section: en.Section, Status: en.Status, AppliedOn: en.AppliedOn,
				DecisionDue: en.DecisionDue, DecreeNumber: en.DecreeNumber, DecreeDate: en.DecreeDate})
		}
		slices.SortFunc(b.Sections, func(x, y MySection) int { return int(x.Section) - int(y.Section) })
		out.Bodies = append(out.Bodies, b)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// meRoutes returns GET /v1/me.
func (s *server) meRoutes() []routeDef {
	return []routeDef{
		{method: "GET", path: "/v1/me", op: "getMe", tag: "identity", access: accessToken, h: s.me},
	}
}
