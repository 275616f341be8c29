package questionnaire

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/openregistro/registro/registry"
	"github.com/openregistro/registro/schemas/problem"
)

// ErrBodyNotFound is returned (wrapped) by a Register that has no body with
// the tax code asked for. Its kind is problem.KindNotFound.
var ErrBodyNotFound = problem.NewError(problem.KindNotFound, "questionnaire: body not in the register")

// Register is what the register-aware rules need to know of the register.
// The registry package (or any other source) implements it; the pipeline
// only reads.
type Register interface {
	// Enrolment returns the register's facts about the body with tax code
	// bodyTaxCode for reporting year year. It returns an error wrapping
	// ErrBodyNotFound when the register has no such body; any other error
	// stops validation and is returned to the caller.
	Enrolment(ctx context.Context, bodyTaxCode string, year int) (Enrolment, error)
}

// Enrolment is what the register knows of one body in one reporting year.
type Enrolment struct {
	// RegisterID is the body's identifier in the register.
	RegisterID string
	// Sections are the sections the body was enrolled in during the year.
	Sections []registry.Section
	// Filers are the personal tax codes of the people enabled to file for the
	// body that year: the legal representative and the enabled referents.
	Filers []string
}

// registerRules applies the register-aware rules.
func registerRules(ctx context.Context, reg Register, doc *Document, year int, bad []string) (problem.List, error) {
	c := crossCheck{bad: bad}
	if !c.clean("/body/taxCode") {
		return nil, nil
	}
	e, err := reg.Enrolment(ctx, doc.Body.TaxCode, year)
	if errors.Is(err, ErrBodyNotFound) {
		return problem.List{problem.New("/body/taxCode", "register", CodeBodyNotFound, map[string]any{"taxCode": doc.Body.TaxCode},
			fmt.Sprintf("nessun ente con codice fiscale %s risulta iscritto al registro nel %d", doc.Body.TaxCode, year),
			fmt.Sprintf("no body with codice fiscale %s is in the register in %d", doc.Body.TaxCode, year))}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("questionnaire: register lookup of %s: %w", doc.Body.TaxCode, err)
	}
	if c.clean("/body/registerId") && doc.Body.RegisterID != e.RegisterID {
		c.add("/body/registerId", "register", CodeRegisterIDMismatch, map[string]any{"registerId": e.RegisterID},
			fmt.Sprintf("l'identificativo nel registro dell'ente %s è %s", doc.Body.TaxCode, e.RegisterID),
			fmt.Sprintf("the register ID of body %s is %s", doc.Body.TaxCode, e.RegisterID))
	}
	if c.clean("/sections") {
		for i, s := range doc.Sections {
			sec, err := registry.ParseSection(s)
			if err != nil {
				continue // reported by the struct rules
			}
			if !slices.Contains(e.Sections, sec) {
				c.add(problem.Pointer("sections", problem.Index(i)), "register", CodeSectionNotEnrolled,
					map[string]any{"section": s, "year": year},
					fmt.Sprintf("l'ente non risulta iscritto alla Sezione %s nel %d", s, year),
					fmt.Sprintf("the body was not enrolled in Section %s in %d", s, year))
			}
		}
	}
	if c.clean("/filer/taxCode") && !slices.Contains(e.Filers, doc.Filer.TaxCode) {
		c.add("/filer/taxCode", "register", CodeFilerNotEnabled, map[string]any{"taxCode": doc.Filer.TaxCode},
			"chi compila deve essere il legale rappresentante o un referente abilitato dell'ente",
			"the filer must be the body's legal representative or an enabled referent")
	}
	return c.out, nil
}
