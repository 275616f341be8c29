package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/openregistro/registro/questionnaire"
	"github.com/openregistro/registro/registry"
	"github.com/openregistro/registro/sqlstore"
)

// openStore opens the store named by --db: "sqlite:PATH", a plain file path,
// or a postgres:// URL.
func openStore(ctx context.Context, dsn string) (*sqlstore.Store, error) {
	if dsn == "" {
		return nil, errors.New("no database: pass --db sqlite:PATH or --db postgres://…")
	}
	return sqlstore.Open(ctx, dsn, sqlstore.Options{})
}

// registerView answers the questionnaire's register-aware rules from a
// Registry: which sections a body was enrolled in during a reporting year, and
// who may file for it.
type registerView struct {
	reg *registry.Registry
}

var _ questionnaire.Register = registerView{}

// Enrolment implements questionnaire.Register. A body counts as enrolled in a
// section during year when it was enrolled on 31 December, or its enrolment
// took effect or was cancelled during the year. The filers are the legal
// representative and the referents enabled on the filing deadline.
func (r registerView) Enrolment(ctx context.Context, taxCode string, year int) (questionnaire.Enrolment, error) {
	e, err := r.reg.Store().EntityByCodiceFiscale(ctx, taxCode)
	if errors.Is(err, registry.ErrNotFound) {
		return questionnaire.Enrolment{}, fmt.Errorf("%w: %s", questionnaire.ErrBodyNotFound, taxCode)
	}
	if err != nil {
		return questionnaire.Enrolment{}, err
	}
	yearEnd := time.Date(year, 12, 31, 0, 0, 0, 0, time.UTC)
	out := questionnaire.Enrolment{RegisterID: e.ID}
	prefix := fmt.Sprintf("%04d-", year)
	for _, en := range e.Enrolments {
		ok, err := r.reg.EnrolledOn(ctx, e.ID, en.Section, yearEnd)
		if err != nil {
			return questionnaire.Enrolment{}, err
		}
		if ok || strings.HasPrefix(string(en.DecreeDate), prefix) || strings.HasPrefix(string(en.CancelledOn), prefix) {
			out.Sections = append(out.Sections, en.Section)
		}
	}
	out.Filers = append(out.Filers, e.LegalRepresentative.CodiceFiscale)
	for _, ref := range e.Referents {
		if ok, err := r.reg.MayFile(ctx, e.ID, ref.CodiceFiscale, r.reg.FilingDeadline(year).Time()); err == nil && ok {
			out.Filers = append(out.Filers, ref.CodiceFiscale)
		}
	}
	return out, nil
}
