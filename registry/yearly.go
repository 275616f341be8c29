package registry

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/openregistro/registro/registry/territory"
)

// Filing is the fact that a body filed its annual report: who and when.
type Filing struct {
	EntityID string    `json:"entityId"`
	FiledAt  time.Time `json:"filedAt"`
}

// Exclusion reasons of the yearly list.
const (
	// ReasonNotFiled: no report for the year.
	ReasonNotFiled = "not_filed"
	// ReasonLate: the report came after the deadline.
	ReasonLate = "late"
)

// Listed is one body in the yearly list.
type Listed struct {
	ID            string    `json:"id"`
	Name          string    `json:"name"`
	CodiceFiscale string    `json:"taxCode"`
	LegalForm     string    `json:"legalForm"`
	Comune        string    `json:"comune"`
	Province      string    `json:"province"`
	Sections      []Section `json:"sections"`
	// FiledOn is the day of the first filing ("" when none).
	FiledOn Date `json:"filedOn,omitempty"`
	// Due reports whether the body had to file: enrolled on 31 December of
	// the year as well as on the deadline. A body enrolled after the year
	// ended is regular without filing.
	Due bool `json:"due"`
	// Reason is why an excluded body is excluded (ReasonNotFiled, ReasonLate).
	Reason string `json:"reason,omitempty"`
}

// RecipientList is the part of the yearly list sent to one recipient.
type RecipientList struct {
	Recipient territory.Recipient `json:"recipient"`
	Regular   []Listed            `json:"regular"`
	Excluded  []Listed            `json:"excluded"`
}

// YearlyList is the yearly update of the list of regularly enrolled bodies
// (art. 54 c.3 DPR 394/1999), split by the 21 recipients.
type YearlyList struct {
	// Year is the reporting year; Deadline the last day to file for it.
	Year     int  `json:"year"`
	Deadline Date `json:"deadline"`
	// Recipients holds every recipient, in territory order, even with
	// empty lists.
	Recipients []RecipientList `json:"recipients"`
}

// Totals returns the number of regular and excluded bodies.
func (y *YearlyList) Totals() (regular, excluded int) {
	for _, r := range y.Recipients {
		regular += len(r.Regular)
		excluded += len(r.Excluded)
	}
	return regular, excluded
}

// YearlyUpdate computes the yearly list for year from the filings of that
// year: the bodies enrolled in either section on the deadline (by their own
// enrolment or, in Section I, by extension to a branch) are regular when
// they filed on or before the deadline or did not have to file, and
// excluded otherwise. Each body goes to the recipient of its seat's
// province. Filings of bodies not in the register are ignored. The list
// holds Section II bodies, so only staff may compute it.
//
// Errors: ErrForbidden for a viewer other than staff; an error naming the
// body whose seat province has no recipient; store errors.
func (r *Registry) YearlyUpdate(ctx context.Context, v Viewer, year int, filings []Filing) (YearlyList, error) {
	if v.Role != RoleStaff {
		return YearlyList{}, fmt.Errorf("%w: the yearly list", ErrForbidden)
	}
	deadline := r.opts.FilingDeadline(year)
	if !deadline.Valid() {
		return YearlyList{}, fmt.Errorf("registry: filing deadline %q of %d is not a date", deadline, year)
	}
	yearEnd := Date(fmt.Sprintf("%04d-12-31", year))
	first := map[string]Date{}
	for _, f := range filings {
		d := r.day(f.FiledAt)
		if cur, ok := first[f.EntityID]; !ok || d < cur {
			first[f.EntityID] = d
		}
	}
	out := YearlyList{Year: year, Deadline: deadline}
	index := map[string]int{}
	for _, rc := range r.terr.Recipients() {
		index[rc.Code] = len(out.Recipients)
		out.Recipients = append(out.Recipients, RecipientList{Recipient: rc, Regular: []Listed{}, Excluded: []Listed{}})
	}
	f := Filter{Limit: MaxLimit}
	for {
		p, err := r.store.Entities(ctx, f)
		if err != nil {
			return YearlyList{}, err
		}
		for i := range p.Entities {
			e := &p.Entities[i]
			var secs []Section
			due := false
			for _, s := range Sections {
				ok, err := r.enrolledOn(ctx, e, s, deadline)
				if err != nil {
					return YearlyList{}, err
				}
				if !ok {
					continue
				}
				secs = append(secs, s)
				atYearEnd, err := r.enrolledOn(ctx, e, s, yearEnd)
				if err != nil {
					return YearlyList{}, err
				}
				due = due || atYearEnd
			}
			if len(secs) == 0 {
				continue
			}
			prov, ok := r.terr.ProvinceBySigla(e.Seat.Province)
			if !ok {
				return YearlyList{}, fmt.Errorf("registry: body %s: seat province %q unknown", e.ID, e.Seat.Province)
			}
			rc, ok := r.terr.RecipientOf(prov.Code)
			if !ok {
				return YearlyList{}, fmt.Errorf("registry: body %s: no recipient for province %s", e.ID, prov.Code)
			}
			l := Listed{ID: e.ID, Name: e.Name, CodiceFiscale: e.CodiceFiscale, LegalForm: e.LegalForm,
				Comune: e.Seat.Comune, Province: e.Seat.Province, Sections: secs, FiledOn: first[e.ID], Due: due}
			rl := &out.Recipients[index[rc.Code]]
			switch {
			case !due || (l.FiledOn != "" && !l.FiledOn.After(deadline)):
				rl.Regular = append(rl.Regular, l)
			case l.FiledOn == "":
				l.Reason = ReasonNotFiled
				rl.Excluded = append(rl.Excluded, l)
			default:
				l.Reason = ReasonLate
				rl.Excluded = append(rl.Excluded, l)
			}
		}
		if p.Next == "" {
			break
		}
		f.Cursor = p.Next
	}
	byName := func(a, b Listed) int { return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.ID, b.ID)) }
	for i := range out.Recipients {
		slices.SortFunc(out.Recipients[i].Regular, byName)
		slices.SortFunc(out.Recipients[i].Excluded, byName)
	}
	return out, nil
}

// For returns what v may see of the list on day, by the one policy every
// output of the register applies (the API, the CLI's exports, the reports,
// the demo's files):
//
//   - staff see everything;
//   - anyone else sees a body's Section II enrolment only in the recipients
//     whose region a grant of v covers on day (the Section II list is given
//     only on a motivated request): elsewhere a body enrolled in both sections
//     appears with Section I only, and one enrolled only in Section II does not
//     appear;
//   - the codice fiscale of a body is shown to staff and to the body itself
//     only (the published fields of the Section I list are name, legal form,
//     comune and province).
//
// The list is not modified.
func (l YearlyList) For(v Viewer, day Date) YearlyList {
	out := YearlyList{Year: l.Year, Deadline: l.Deadline, Recipients: make([]RecipientList, 0, len(l.Recipients))}
	for _, rl := range l.Recipients {
		entitled := v.Role == RoleStaff || slices.ContainsFunc(v.Grants, func(g Grant) bool {
			return g.covers(rl.Recipient.RegionCode, day)
		})
		out.Recipients = append(out.Recipients, RecipientList{Recipient: rl.Recipient,
			Regular: listedFor(rl.Regular, v, entitled), Excluded: listedFor(rl.Excluded, v, entitled)})
	}
	return out
}

// listedFor keeps what v may see of the listed bodies; entitled says whether
// v may see Section II enrolments in this recipient's list.
func listedFor(in []Listed, v Viewer, entitled bool) []Listed {
	res := make([]Listed, 0, len(in))
	for _, b := range in {
		own := v.Role == RoleStaff || (v.Role == RoleBody && v.EntityID != "" && v.EntityID == b.ID)
		b.Sections = slices.Clone(b.Sections)
		if !own && !entitled {
			b.Sections = slices.DeleteFunc(b.Sections, func(s Section) bool { return s == SectionII })
			if len(b.Sections) == 0 {
				continue
			}
		}
		if !own {
			b.CodiceFiscale = ""
		}
		res = append(res, b)
	}
	return res
}
