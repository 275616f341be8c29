package registry

// The suspension of the decision term by a completion request.
//
// Art. 2 c. 7 of law 241/1990 lets the administration suspend the term to
// decide, once only and for at most 30 days, to acquire information or
// certifications about facts, states or qualities it does not hold; the term
// resumes when they arrive or, at the latest, when the 30 days have run. The
// register reads it so:
//
//   - only the first completion request of an application suspends its term
//     ("per una sola volta"); later requests leave the due date as it is;
//   - the suspension runs from the calendar day of the request (in
//     Options.Location) to the calendar day of the answer, and the days
//     between them are added to the due date: an answer on the day of the
//     request suspends nothing, an answer 12 days later moves the due date
//     12 days;
//   - it lasts at most MaxSuspensionDays: while the request is unanswered the
//     due date is already the latest one (the 90-day due date + 30), because
//     the term resumes by itself after 30 days; the answer brings it back to
//     the days actually suspended;
//   - a request made after the term has run suspends nothing (there is no
//     term left to suspend).
//
// The due date so computed is the one the receipt, the pending enrolments,
// the review queue and the silence policy (ApplySilence, EnrolledOn) use.

// MaxSuspensionDays is the longest suspension of the decision term by a
// completion request (art. 2 c. 7 L. 241/1990).
const MaxSuspensionDays = 30

// SuspendedDays returns the days the decision term of an application filed
// on applied is suspended by the completion requests in rc, as the register
// reads art. 2 c. 7 L. 241/1990 (see MaxSuspensionDays): the days from the
// first request to its answer, at most MaxSuspensionDays, and
// MaxSuspensionDays while it is unanswered. Times are taken as calendar days
// of r's location.
func (r *Registry) SuspendedDays(applied Date, rc *Receipt) int {
	if rc == nil || len(rc.Completions) == 0 {
		return 0
	}
	c := rc.Completions[0]
	asked := r.day(c.RequestedAt)
	if asked.After(r.DecisionDue(applied)) {
		return 0
	}
	if c.AnsweredAt.IsZero() {
		return MaxSuspensionDays
	}
	days := int(r.day(c.AnsweredAt).Time().Sub(asked.Time()).Hours()/24 + 0.5)
	return min(max(days, 0), MaxSuspensionDays)
}

// suspend sets the decision due date of application a — its receipt's and
// that of e's enrolments pending on it — to the 90-day due date plus the
// days its completion requests suspend the term.
func (r *Registry) suspend(a *Application, e *Entity) {
	due := r.DecisionDue(a.Date).AddDays(r.SuspendedDays(a.Date, a.Receipt))
	if a.Receipt != nil {
		a.Receipt.DecisionDue = due
	}
	for i := range e.Enrolments {
		if en := &e.Enrolments[i]; en.ApplicationID == a.ID && en.Status.Pending() {
			en.DecisionDue = due
		}
	}
}
