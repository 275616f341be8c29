package questionnaire

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/openregistro/registro/registry"
)

// FromRegistry returns the Register that answers the register-aware rules
// from reg, so a regional system that keeps its copy of the register in a
// registry.Registry validates filings against it directly.
//
// A body counts as enrolled in a section during a reporting year when it was
// enrolled on 31 December of that year, or its enrolment took effect or was
// cancelled during the year. The filers are the legal representative and the
// referents enabled on the year's filing deadline.
func FromRegistry(reg *registry.Registry) Register { return registryView{reg} }

type registryView struct{ reg *registry.Registry }

func (r registryView) Enrolment(ctx context.Context, taxCode string, year int) (Enrolment, error) {
	e, err := r.reg.Store().EntityByCodiceFiscale(ctx, taxCode)
	if errors.Is(err, registry.ErrNotFound) {
		return Enrolment{}, fmt.Errorf("%w: %s", ErrBodyNotFound, taxCode)
	}
	if err != nil {
		return Enrolment{}, err
	}
	yearEnd := time.Date(year, 12, 31, 12, 0, 0, 0, time.UTC)
	out := Enrolment{RegisterID: e.ID}
	prefix := fmt.Sprintf("%04d-", year)
	for _, en := range e.Enrolments {
		ok, err := r.reg.EnrolledOn(ctx, e.ID, en.Section, yearEnd)
		if err != nil {
			return Enrolment{}, err
		}
		if ok || strings.HasPrefix(string(en.DecreeDate), prefix) || strings.HasPrefix(string(en.CancelledOn), prefix) {
			out.Sections = append(out.Sections, en.Section)
		}
	}
	out.Filers = append(out.Filers, e.LegalRepresentative.CodiceFiscale)
	deadline := r.reg.FilingDeadline(year).Time()
	for _, ref := range e.Referents {
		ok, err := r.reg.MayFile(ctx, e.ID, ref.CodiceFiscale, deadline)
		if err != nil {
			return Enrolment{}, err
		}
		if ok && ref.CodiceFiscale != e.LegalRepresentative.CodiceFiscale {
			out.Filers = append(out.Filers, ref.CodiceFiscale)
		}
	}
	return out, nil
}

// RecordMissingFilings records in reg's log (registry.RecordFiling) every
// revision of the filings of the given years in store that the log lacks,
// and returns how many it added. Stores that are EventFilingStores write a
// filing and its event together (see Desk.RecordingTo); with other stores,
// or logs written by older versions, a crash or a failed write between the
// two leaves a filing the change feed does not show, and this is the repair:
// a service runs it at start-up, and it is safe to run at any time (a second
// run adds nothing). The log is read once for all the years. Filings of
// bodies no longer in the register are skipped.
//
// Errors: the stores'.
func RecordMissingFilings(ctx context.Context, reg *registry.Registry, store FilingStore, actor string, years ...int) (int, error) {
	recorded, err := reg.RecordedFilings(ctx)
	if err != nil {
		return 0, err
	}
	added := 0
	for _, year := range years {
		n, err := recordMissing(ctx, reg, store, actor, year, recorded)
		added += n
		if err != nil {
			return added, err
		}
	}
	return added, nil
}

// recordMissing records the revisions of year's filings missing from recorded.
func recordMissing(ctx context.Context, reg *registry.Registry, store FilingStore, actor string, year int, recorded map[registry.FilingKey]bool) (int, error) {
	// Read first, write after: the year's iterator holds a read while it runs.
	var bodies []string
	for f, err := range store.Year(ctx, year) {
		if err != nil {
			return 0, err
		}
		bodies = append(bodies, f.BodyTaxCode)
	}
	added := 0
	for _, taxCode := range bodies {
		e, err := reg.Store().EntityByCodiceFiscale(ctx, taxCode)
		if errors.Is(err, registry.ErrNotFound) {
			continue
		}
		if err != nil {
			return added, err
		}
		history, err := store.History(ctx, taxCode, year)
		if err != nil {
			return added, err
		}
		for _, f := range history {
			if recorded[registry.FilingKey{EntityID: e.ID, Year: f.Year, Revision: f.Revision}] {
				continue
			}
			if _, err := reg.RecordFiling(ctx, actor, e.ID, registry.ReportFiled{Year: f.Year, Revision: f.Revision,
				FiledAt: f.FiledAt, Late: f.Late, FilerCodiceFiscale: f.FilerTaxCode}); err != nil {
				return added, err
			}
			added++
		}
	}
	return added, nil
}
