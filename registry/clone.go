package registry

import "slices"

// Clone returns a deep copy of e: no slice is shared with e.
func (e Entity) Clone() Entity {
	e.Qualifications = slices.Clone(e.Qualifications)
	e.FormerRepresentatives = slices.Clone(e.FormerRepresentatives)
	e.Members = slices.Clone(e.Members)
	e.Statute.Branches = slices.Clone(e.Statute.Branches)
	e.OtherRegisters = slices.Clone(e.OtherRegisters)
	e.Branches = slices.Clone(e.Branches)
	e.Referents = slices.Clone(e.Referents)
	if e.Enrolments != nil {
		en := make([]Enrolment, len(e.Enrolments))
		for i, v := range e.Enrolments {
			v.History = slices.Clone(v.History)
			en[i] = v
		}
		e.Enrolments = en
	}
	return e
}

// Clone returns a deep copy of a.
func (a Application) Clone() Application {
	a.Sections = slices.Clone(a.Sections)
	a.Body = a.Body.Clone()
	a.Attachments = slices.Clone(a.Attachments)
	a.Receipt = a.Receipt.clone()
	a.DeclaredAbsent = slices.Clone(a.DeclaredAbsent)
	if a.Declarations.Persons != nil {
		ps := make([]PersonDeclaration, len(a.Declarations.Persons))
		for i, p := range a.Declarations.Persons {
			p.Conditions = slices.Clone(p.Conditions)
			ps[i] = p
		}
		a.Declarations.Persons = ps
	}
	if a.Activities != nil {
		acts := make([]Activity, len(a.Activities))
		for i, v := range a.Activities {
			v.Sectors = slices.Clone(v.Sectors)
			v.Areas = slices.Clone(v.Areas)
			v.Regions = slices.Clone(v.Regions)
			acts[i] = v
		}
		a.Activities = acts
	}
	a.Branches = slices.Clone(a.Branches)
	if a.Programme != nil {
		p := *a.Programme
		if p.Operators != nil {
			ops := make([]Operator, len(p.Operators))
			for i, o := range p.Operators {
				o.Areas = slices.Clone(o.Areas)
				ops[i] = o
			}
			p.Operators = ops
		}
		a.Programme = &p
	}
	a.Housing = slices.Clone(a.Housing)
	if a.Partnership != nil {
		p := *a.Partnership
		a.Partnership = &p
	}
	if a.GDPR != nil {
		g := *a.GDPR
		a.GDPR = &g
	}
	return a
}

// Clone returns a deep copy of ev.
func (ev Event) Clone() Event {
	ev.Before = slices.Clone(ev.Before)
	ev.After = slices.Clone(ev.After)
	ev.Regions = slices.Clone(ev.Regions)
	return ev
}
