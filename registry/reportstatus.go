package registry

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"
)

// StatusYears is how many reporting years before the current one
// ReportingStatus looks back for overdue reports.
const StatusYears = 5

// ReportingStatus is what a body's page shows of its annual reports, as
// public registers show the filing record of the bodies they hold: the last
// report filed, the next one due and the ones overdue.
type ReportingStatus struct {
	// LastFiled is the last report filed (in the order of filing), nil when
	// none.
	LastFiled *FiledReport `json:"lastFiled,omitempty"`
	// NextDue is the earliest reporting year the body owes a report for
	// whose deadline has not passed, nil when none.
	NextDue *DueReport `json:"nextDue,omitempty"`
	// Overdue are the reporting years of the last StatusYears (and the
	// current one) the body owed a report for, whose deadline has passed
	// with no report filed, ascending; never nil.
	Overdue []int `json:"overdue"`
}

// FiledReport is one filing revision of a body's annual report.
type FiledReport struct {
	Year     int       `json:"year"`
	Revision int       `json:"revision"`
	FiledAt  time.Time `json:"filedAt"`
	// Late is true when the first filing of the year came after the
	// deadline.
	Late bool `json:"late"`
}

// DueReport is a report a body owes.
type DueReport struct {
	// Year is the reporting year.
	Year int `json:"year"`
	// Deadline is the last day to file it (Registry.FilingDeadline).
	Deadline Date `json:"deadline"`
}

// ReportingStatus returns the reporting status of body id as v may see it,
// today (the Registry's clock). A body owes the report of a year in which
// it was enrolled (its own enrolment or, for Section I, by extension) in a
// section v sees: Section I for everyone, Section II for staff, the body
// itself and the holders of a grant covering the body's region; the
// filings of other years are left out for other viewers, so that the status
// tells nothing about a Section II enrolment v may not see.
//
// Errors: ErrNotFound for a body v may not see, exactly as for one that
// does not exist; store errors.
func (r *Registry) ReportingStatus(ctx context.Context, v Viewer, id string) (ReportingStatus, error) {
	out := ReportingStatus{Overdue: []int{}}
	e, err := r.entity(ctx, id)
	if err != nil {
		return out, err
	}
	if _, ok, err := r.view(ctx, &v, &e); err != nil {
		return out, err
	} else if !ok {
		return out, fmt.Errorf("registry: entity %q: %w", id, ErrNotFound)
	}
	today := r.today()
	sections := []Section{SectionI}
	if fullAccess(&v, &e) || slices.ContainsFunc(v.Grants, func(g Grant) bool { return g.covers(e.Seat.Region, today) }) {
		sections = append(sections, SectionII)
	}
	duty := map[int]bool{}
	owes := func(year int) (bool, error) {
		if d, ok := duty[year]; ok {
			return d, nil
		}
		first, last := Date(fmt.Sprintf("%04d-01-01", year)), Date(fmt.Sprintf("%04d-12-31", year))
		for _, s := range sections {
			ok, err := r.enrolledDuring(ctx, &e, s, first, last)
			if err != nil {
				return false, err
			}
			if ok {
				duty[year] = true
				return true, nil
			}
		}
		duty[year] = false
		return false, nil
	}
	filed := map[int]bool{}
	f := EventFilter{EntityID: id, Kinds: []EventKind{EventReportFiled}, Limit: MaxLimit}
	for {
		evs, err := r.store.Events(ctx, f)
		if err != nil {
			return out, err
		}
		for i := range evs {
			var rf ReportFiled
			if err := json.Unmarshal(evs[i].After, &rf); err != nil {
				return out, fmt.Errorf("registry: event %d: %w", evs[i].Seq, err)
			}
			if ok, err := owes(rf.Year); err != nil {
				return out, err
			} else if !ok && !fullAccess(&v, &e) {
				continue
			}
			filed[rf.Year] = true
			out.LastFiled = &FiledReport{Year: rf.Year, Revision: rf.Revision, FiledAt: rf.FiledAt, Late: rf.Late}
		}
		if len(evs) < f.Limit {
			break
		}
		f.After = evs[len(evs)-1].Seq
	}
	now := r.now()
	for y := now.Year() - StatusYears; y <= now.Year(); y++ {
		ok, err := owes(y)
		if err != nil {
			return out, err
		}
		if !ok || filed[y] {
			continue
		}
		if r.Late(y, now) {
			out.Overdue = append(out.Overdue, y)
		} else if out.NextDue == nil {
			out.NextDue = &DueReport{Year: y, Deadline: r.FilingDeadline(y)}
		}
	}
	return out, nil
}

// FilingRecord returns the event of the register's log that recorded
// revision revision of body entityID's annual report on year: its Seq is
// the filing's protocol number, its At the time of registration. Staff and
// the body itself read it.
//
// Errors: ErrForbidden for any other viewer (before anything is read);
// ErrNotFound when the log holds no such filing; store errors.
func (r *Registry) FilingRecord(ctx context.Context, v Viewer, entityID string, year, revision int) (Event, error) {
	if !ownRecord(&v, entityID) {
		return Event{}, fmt.Errorf("registry: filings of %s by %s: %w", entityID, v.Actor(), ErrForbidden)
	}
	want := fmt.Sprintf("%s/%d/%d", entityID, year, revision)
	f := EventFilter{EntityID: entityID, Kinds: []EventKind{EventReportFiled}, Limit: MaxLimit}
	for {
		evs, err := r.store.Events(ctx, f)
		if err != nil {
			return Event{}, err
		}
		for _, ev := range evs {
			if ev.RecordID == want {
				return ev, nil
			}
		}
		if len(evs) < f.Limit {
			return Event{}, fmt.Errorf("registry: filing %s: %w", want, ErrNotFound)
		}
		f.After = evs[len(evs)-1].Seq
	}
}
