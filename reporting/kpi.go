package reporting

import (
	"fmt"
	"slices"

	"github.com/openregistro/registro/registry"
)

// Case is one application as the service-quality indicators see it: the day
// it was received and the day it was decided (enrolled or rejected; "" while
// open).
type Case struct {
	// ID identifies the application (for the caller; not used in the maths).
	ID       string
	Received registry.Date
	Decided  registry.Date
}

// DefaultDecisionDays is the term for deciding an application (art. 54 c.2
// DPR 394/1999).
const DefaultDecisionDays = 90

// KPIs accumulates the ministry's service-quality indicators (its standard:
// every application concluded, and within the 90 days of art. 54 c.2)
// over the applications received in a period, as things stood on a given
// day. Like Aggregator it keeps counters only — days to decision go into a
// histogram by whole day, which gives exact medians and percentiles — and
// two KPIs of the same period and day merge exactly.
type KPIs struct {
	from, to, asOf registry.Date
	days           int
	received       int64
	concluded      int64
	within         int64
	openPast       int64
	hist           map[int]int64 // days to decision → applications
}

// NewKPIs returns an empty accumulator for the applications received from
// from to to (inclusive), seen on day asOf, with a decision term of
// decisionDays (0: DefaultDecisionDays).
func NewKPIs(from, to, asOf registry.Date, decisionDays int) (*KPIs, error) {
	for _, d := range []registry.Date{from, to, asOf} {
		if !d.Valid() {
			return nil, fmt.Errorf("reporting: KPI date %q is not a day written YYYY-MM-DD", d)
		}
	}
	if to < from {
		return nil, fmt.Errorf("reporting: KPI period ends (%s) before it starts (%s)", to, from)
	}
	if decisionDays <= 0 {
		decisionDays = DefaultDecisionDays
	}
	return &KPIs{from: from, to: to, asOf: asOf, days: decisionDays, hist: map[int]int64{}}, nil
}

// Add counts one application. Applications received outside the period or
// after asOf are ignored; a decision dated after asOf counts as not taken
// yet; a decision before the application (bad data) is ignored as a
// decision. Invalid dates are ignored.
func (k *KPIs) Add(c Case) {
	if !c.Received.Valid() || c.Received < k.from || c.Received > k.to || c.Received > k.asOf {
		return
	}
	k.received++
	if c.Decided.Valid() && c.Decided <= k.asOf && c.Decided >= c.Received {
		d := daysBetween(c.Received, c.Decided)
		k.concluded++
		k.hist[d]++
		if d <= k.days {
			k.within++
		}
		return
	}
	if daysBetween(c.Received, k.asOf) > k.days {
		k.openPast++
	}
}

// Merge adds o's counts into k; both must cover the same period, day and term.
func (k *KPIs) Merge(o *KPIs) error {
	if k.from != o.from || k.to != o.to || k.asOf != o.asOf || k.days != o.days {
		return fmt.Errorf("%w: KPIs for %s..%s as of %s vs %s..%s as of %s", ErrMismatch, k.from, k.to, k.asOf, o.from, o.to, o.asOf)
	}
	k.received += o.received
	k.concluded += o.concluded
	k.within += o.within
	k.openPast += o.openPast
	for d, n := range o.hist {
		k.hist[d] += n
	}
	return nil
}

func daysBetween(a, b registry.Date) int {
	return int(b.Time().Sub(a.Time()).Hours() / 24)
}

// ServiceKPIs are the indicators, as published.
type ServiceKPIs struct {
	// From and To bound the days the applications were received.
	From registry.Date `json:"from"`
	To   registry.Date `json:"to"`
	// AsOf is the day the figures describe.
	AsOf registry.Date `json:"asOf"`
	// DecisionDays is the decision term (90).
	DecisionDays int `json:"decisionDays"`
	// Received counts the applications received in the period.
	Received int64 `json:"received"`
	// Concluded counts those decided (enrolled or rejected) by AsOf.
	Concluded int64 `json:"concluded"`
	// ConcludedShare is Concluded / Received (target 1).
	ConcludedShare *float64 `json:"concludedShare,omitempty"`
	// DecidedWithinTerm counts the decisions taken within DecisionDays.
	DecidedWithinTerm int64 `json:"decidedWithinTerm"`
	// WithinTermShare is DecidedWithinTerm / Concluded (target 1).
	WithinTermShare *float64 `json:"withinTermShare,omitempty"`
	// MedianDays and P90Days are the nearest-rank median and 90th percentile
	// of the days from application to decision.
	MedianDays *int `json:"medianDays,omitempty"`
	P90Days    *int `json:"p90Days,omitempty"`
	// OpenPastTerm counts the applications still open on AsOf more than
	// DecisionDays after they were received.
	OpenPastTerm int64 `json:"openPastTerm"`
}

// Result computes the indicators.
func (k *KPIs) Result() ServiceKPIs {
	s := ServiceKPIs{From: k.from, To: k.to, AsOf: k.asOf, DecisionDays: k.days, Received: k.received,
		Concluded: k.concluded, DecidedWithinTerm: k.within, OpenPastTerm: k.openPast}
	if k.received > 0 {
		v := round4(float64(k.concluded) / float64(k.received))
		s.ConcludedShare = &v
	}
	if k.concluded > 0 {
		v := round4(float64(k.within) / float64(k.concluded))
		s.WithinTermShare = &v
		m, p := k.rank(50), k.rank(90)
		s.MedianDays, s.P90Days = &m, &p
	}
	return s
}

// rank returns the nearest-rank p-th percentile of the days to decision:
// the smallest d with at least ceil(p/100 × n) decisions taking d days or
// fewer.
func (k *KPIs) rank(p int64) int {
	need := (p*k.concluded + 99) / 100
	if need < 1 {
		need = 1
	}
	days := make([]int, 0, len(k.hist))
	for d := range k.hist {
		days = append(days, d)
	}
	slices.Sort(days)
	var cum int64
	for _, d := range days {
		cum += k.hist[d]
		if cum >= need {
			return d
		}
	}
	return days[len(days)-1]
}

// Cases returns the applications recorded in an entity's enrolment
// histories: each move to "applied" opens a case (identified by its
// application ID, shared by the sections it requested) and the first
// decision of that cycle (enrolled or rejected) closes it; an application
// for both sections is decided when its last section is.
func Cases(e *registry.Entity) []Case {
	type st struct {
		c       Case
		open    int // sections still undecided
		ordinal int
	}
	byApp := map[string]*st{}
	var order []string
	for _, en := range e.Enrolments {
		cycle := ""
		for i, t := range en.History {
			switch t.To {
			case registry.StatusApplied:
				id := t.ApplicationID
				if id == "" {
					id = fmt.Sprintf("%s/%s/%d", e.ID, en.Section, i)
				}
				cycle = id
				s, ok := byApp[id]
				if !ok {
					s = &st{c: Case{ID: id, Received: t.On}, ordinal: len(order)}
					byApp[id] = s
					order = append(order, id)
				}
				if t.On < s.c.Received {
					s.c.Received = t.On
				}
				s.open++
			case registry.StatusEnrolled, registry.StatusRejected:
				if s, ok := byApp[cycle]; ok && cycle != "" {
					s.open--
					if t.On > s.c.Decided {
						s.c.Decided = t.On
					}
					cycle = ""
				}
			}
		}
	}
	out := make([]Case, 0, len(order))
	for _, id := range order {
		s := byApp[id]
		if s.open > 0 {
			s.c.Decided = ""
		}
		out = append(out, s.c)
	}
	return out
}
