package questionnaire

import (
	"context"
	"errors"
	"fmt"

	"github.com/openregistro/registro/registry"
)

// FromRegistry returns the Register that answers the register-aware rules
// from reg as v sees it (registry.Registry.ReportingDuty), so a regional
// system that keeps its copy of the register in a registry.Registry
// validates filings against it directly. Which sections a body was enrolled
// in during the year and who may file for it are the register's answers.
// A body v may not see is a body the register does not hold.
func FromRegistry(reg *registry.Registry, v registry.Viewer) Register { return registryView{reg, v} }

type registryView struct {
	reg *registry.Registry
	v   registry.Viewer
}

func (r registryView) Enrolment(ctx context.Context, taxCode string, year int) (Enrolment, error) {
	d, err := r.reg.ReportingDuty(ctx, r.v, taxCode, year)
	if errors.Is(err, registry.ErrNotFound) {
		return Enrolment{}, fmt.Errorf("%w: %s", ErrBodyNotFound, taxCode)
	}
	if err != nil {
		return Enrolment{}, err
	}
	return Enrolment{RegisterID: d.EntityID, Sections: d.Sections, Filers: d.Filers}, nil
}

// RecordMissingFilings records in reg's log (registry.RecordFiling) every
// revision of the filings of the given years in store that the log lacks,
// and returns how many it added. Stores that are EventFilingStores write a
// filing and its event together (see Desk); with other stores,
// or logs written by older versions, a crash or a failed write between the
// two leaves a filing the change feed does not show, and this is the repair:
// a service runs it at start-up, and it is safe to run at any time (a second
// run adds nothing). The log is read once for all the years. Filings of
// bodies no longer in the register (or that v may not see) are skipped. v
// records the events: staff (another viewer gets registry.ErrForbidden).
//
// Errors: registry.ErrForbidden; the stores..
func RecordMissingFilings(ctx context.Context, reg *registry.Registry, store FilingStore, v registry.Viewer, years ...int) (int, error) {
	recorded, err := reg.RecordedFilings(ctx)
	if err != nil {
		return 0, err
	}
	added := 0
	for _, year := range years {
		n, err := recordMissing(ctx, reg, store, v, year, recorded)
		added += n
		if err != nil {
			return added, err
		}
	}
	return added, nil
}

// recordMissing records the revisions of year's filings missing from recorded.
func recordMissing(ctx context.Context, reg *registry.Registry, store FilingStore, v registry.Viewer, year int, recorded map[registry.FilingKey]bool) (int, error) {
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
		d, err := reg.ReportingDuty(ctx, v, taxCode, year)
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
			if recorded[registry.FilingKey{EntityID: d.EntityID, Year: f.Year, Revision: f.Revision}] {
				continue
			}
			if _, err := reg.RecordFiling(ctx, v, d.EntityID, registry.ReportFiled{Year: f.Year, Revision: f.Revision,
				FiledAt: f.FiledAt, Late: f.Late, FilerCodiceFiscale: f.FilerTaxCode}); err != nil {
				return added, err
			}
			added++
		}
	}
	return added, nil
}
