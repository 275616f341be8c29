package registry

import (
	"slices"
	"time"

	"github.com/openregistro/registro/schemas/problem"
)

// Application is a body's request to be enrolled in one or both sections.
//
// Body carries the body's data as declared (for a body already in the
// register, the current data, which the application updates). Whether the
// requirements are met — experience, programme, housing, partnership, GDPR
// procedures, attachments — is judged by the eligibility package; the
// Registry validates the shape of the data and the rules that are the
// register's own (codes in their lists, the seat must exist, dates in
// order). A fact that makes the body ineligible — a signer who is not the
// legal representative, a partner that is the applicant itself, a declared
// absence — is not bad input: the application is accepted and the
// eligibility rules decide on it.
type Application struct {
	// ID is assigned by the Registry.
	ID string `json:"id,omitempty"`
	// Version is the optimistic-concurrency version (see Entity.Version).
	Version int64 `json:"version,omitempty"`
	// EntityID is the register ID of the body; empty on a first
	// application, when the Registry assigns one.
	EntityID string `json:"entityId,omitempty" validate:"omitempty,max=64"`
	// Date is the day the application was filed; the 90-day decision term
	// and the 24 months of required experience count from it.
	Date Date `json:"date" validate:"required,datetime=2006-01-02"`
	// Sections are the sections requested: [I], [II] or [I, II].
	Sections []Section `json:"sections" validate:"required,min=1,max=2,unique,dive,min=1,max=2"`
	// Body is the body's data as declared in the application.
	Body Entity `json:"body" validate:"required"`
	// Declarations are the statements the legal representative signs.
	Declarations Declarations `json:"declarations" validate:"required"`
	// Attachments are the documents attached, by kind.
	Attachments []Attachment `json:"attachments" validate:"required,min=1,dive"`
	// Channel is how the application was filed: "online" (the ministry's
	// portal, the only channel from 15 May 2023) or "paper" (before then);
	// empty: not stated, and an application with a signature counts as
	// filed online.
	Channel string `json:"channel,omitempty" validate:"omitempty,oneof=online paper"`
	// Signature holds the facts of the digital signature; absent when the
	// application was not signed digitally (a paper application). The
	// eligibility rules require it only for applications dated from 15 May
	// 2023.
	Signature Signature `json:"signature,omitzero" validate:"omitempty"`
	// Activities are the activities that show the required experience.
	Activities []Activity `json:"activities" validate:"required,min=1,dive"`
	// Branches are the territorial branches the application lists (Section I
	// enrolment extends to those also named in the statute).
	Branches []BranchRef `json:"branches,omitempty" validate:"omitempty,dive"`
	// Programme is the Section II assistance and social-integration programme.
	Programme *Programme `json:"programme,omitempty"`
	// Housing lists the housing facilities available for the Section II programme.
	Housing []Housing `json:"housing,omitempty" validate:"omitempty,dive"`
	// Partnership is the agreement with a body already enrolled in Section II
	// (mandatory for Section II).
	Partnership *Partnership `json:"partnership,omitempty"`
	// GDPR describes the personal-data protection procedures (Section II).
	GDPR *GDPRProcedures `json:"gdpr,omitempty"`
	// DeclaredAbsent lists what the applicant declares it does not have
	// (codes: housing, gdpr, partnership, programme, signature,
	// section2_activities — no activity in the Section II areas). A
	// requirement declared absent is not met (not_eligible); one that is
	// neither given nor declared absent is not stated (incomplete).
	DeclaredAbsent []string `json:"declaredAbsent,omitempty" validate:"omitempty,unique,dive,oneof=housing gdpr partnership programme signature section2_activities"`
	// Receipt is what the register recorded when it received the
	// application (protocol number, time, decision due, eligibility
	// decision, completion rounds); set by the Registry, ignored on input.
	Receipt *Receipt `json:"receipt,omitempty"`
}

// Receipt is the register's record of an application's receipt.
type Receipt struct {
	// Protocol is the protocol number, "YYYY/NNNNNN": the year of receipt
	// and a counter of that year, gap-free, assigned in the transaction that
	// stores the application.
	Protocol string `json:"protocol"`
	// ReceivedAt is the time of receipt (the register's clock).
	ReceivedAt time.Time `json:"receivedAt"`
	// DecisionDue is the last day of the decision term (art. 54 c.2 DPR
	// 394/1999): DecisionDays after the application date, plus the days a
	// completion request suspends it (Registry.SuspendedDays).
	DecisionDue Date `json:"decisionDue"`
	// Eligibility is the eligibility decision computed at receipt (and
	// again on each completion), when the register has an assessor
	// (Options.Assess).
	Eligibility *Assessment `json:"eligibility,omitempty"`
	// Completions are staff's requests to complete the application, with
	// the body's answers, oldest first.
	Completions []Completion `json:"completions,omitempty"`
}

// Open reports whether the last completion request is still unanswered.
func (rc *Receipt) Open() bool {
	return rc != nil && len(rc.Completions) > 0 && rc.Completions[len(rc.Completions)-1].AnsweredAt.IsZero()
}

// clone returns a deep copy of rc (nil for nil).
func (rc *Receipt) clone() *Receipt {
	if rc == nil {
		return nil
	}
	c := *rc
	if rc.Eligibility != nil {
		el := *rc.Eligibility
		el.Sections = make([]SectionAssessment, len(rc.Eligibility.Sections))
		for i, sa := range rc.Eligibility.Sections {
			sa.Rules = slices.Clone(sa.Rules)
			el.Sections[i] = sa
		}
		c.Eligibility = &el
	}
	c.Completions = slices.Clone(rc.Completions)
	return &c
}

// Assessment is an eligibility decision as the register stores it with an
// application: the verdict, and for each requested section every rule in
// force with its legal basis and outcome.
type Assessment struct {
	// Verdict is the overall verdict: eligible, not_eligible or incomplete.
	Verdict string `json:"verdict"`
	// RuleSet names the rule set and its version ("dpr394-1999@3").
	RuleSet string `json:"ruleSet"`
	// AsOf is the day the rules were evaluated on.
	AsOf Date `json:"asOf"`
	// Sections are the verdicts per requested section.
	Sections []SectionAssessment `json:"sections"`
}

// SectionAssessment is the eligibility decision on one section.
type SectionAssessment struct {
	Section Section `json:"section"`
	// Verdict is eligible, not_eligible or incomplete.
	Verdict string `json:"verdict"`
	// Rules are the outcomes rule by rule.
	Rules []RuleAssessment `json:"rules"`
}

// RuleAssessment is the outcome of one eligibility rule.
type RuleAssessment struct {
	// Rule is the rule's stable ID.
	Rule string `json:"rule"`
	// Basis cites the rule's legal basis.
	Basis string `json:"basis"`
	// Outcome is pass, fail, missing or not_applicable.
	Outcome string `json:"outcome"`
	// Message explains the outcome.
	Message problem.Text `json:"message"`
}

// Completion is one request of staff to complete an application, and the
// body's answer.
type Completion struct {
	// RequestedAt and RequestedBy record the request.
	RequestedAt time.Time `json:"requestedAt"`
	RequestedBy string    `json:"requestedBy"`
	// Note says what is missing or must be corrected.
	Note string `json:"note"`
	// AnsweredAt and AnsweredBy record the answer (zero: not answered yet).
	AnsweredAt time.Time `json:"answeredAt,omitzero"`
	AnsweredBy string    `json:"answeredBy,omitempty"`
}

// The codes of Application.DeclaredAbsent.
const (
	AbsentHousing     = "housing"
	AbsentGDPR        = "gdpr"
	AbsentPartnership = "partnership"
	AbsentProgramme   = "programme"
	AbsentSignature   = "signature"
	// AbsentSectionIIActivities: no activity in the Section II areas.
	AbsentSectionIIActivities = "section2_activities"
)

// CodeDeclaredAbsent is the problem code of a requirement both given and
// declared absent (Validator.Application, and the application schema).
const CodeDeclaredAbsent = "declared_absent"

// DeclaredAbsentFields returns the codes of Application.DeclaredAbsent that
// name a field of the application (its JSON name), which must then be
// absent: housing, gdpr, partnership, programme, signature. A fresh slice on
// every call.
func DeclaredAbsentFields() []string {
	return []string{AbsentHousing, AbsentGDPR, AbsentPartnership, AbsentProgramme, AbsentSignature}
}

// given reports whether the application gives the field named by a
// DeclaredAbsentFields code.
func (a *Application) given(code string) bool {
	switch code {
	case AbsentHousing:
		return a.Housing != nil
	case AbsentGDPR:
		return a.GDPR != nil
	case AbsentPartnership:
		return a.Partnership != nil
	case AbsentProgramme:
		return a.Programme != nil
	case AbsentSignature:
		return a.Signature != (Signature{})
	}
	return false
}

// The filing channels of Application.Channel.
const (
	ChannelOnline = "online"
	ChannelPaper  = "paper"
)

// Declares reports whether the applicant declares code (one of the Absent
// constants) absent.
func (a *Application) Declares(code string) bool {
	for _, c := range a.DeclaredAbsent {
		if c == code {
			return true
		}
	}
	return false
}

// Requests reports whether the application asks for section s.
func (a *Application) Requests(s Section) bool {
	for _, v := range a.Sections {
		if v == s {
			return true
		}
	}
	return false
}

// Declarations are the statements signed with an application. Each yes/no
// statement is a *bool that must be stated (see IsTrue).
type Declarations struct {
	// NoDisqualification: neither the legal representative nor any member of
	// the governing and control bodies is in a disqualifying condition
	// (art. 52 DPR 394/1999).
	NoDisqualification *bool `json:"noDisqualification" validate:"required"`
	// Truthful: the statements are made under artt. 46–47 DPR 445/2000.
	Truthful *bool `json:"truthful" validate:"required"`
	// PrivacyNotice: the privacy notice was read.
	PrivacyNotice *bool `json:"privacyNotice" validate:"required"`
	// Persons are the art. 52 declarations person by person: the legal
	// representative and each member of the governing and control bodies,
	// by codice fiscale, with the disqualifying conditions that apply to
	// them. A person listed with no condition declares that none applies; a
	// person not listed has declared nothing individually.
	Persons []PersonDeclaration `json:"persons,omitempty" validate:"omitempty,dive"`
}

// PersonDeclaration is one person's declaration on the disqualifying
// conditions of art. 52 DPR 394/1999.
type PersonDeclaration struct {
	// CodiceFiscale is the person's 16-character codice fiscale: the legal
	// representative's or a member's.
	CodiceFiscale string `json:"taxCode" validate:"required,cf"`
	// Conditions are the disqualifying conditions that apply to the person
	// (criminal_conviction: a conviction, even not final, for the offences
	// the law names; pending_proceedings: criminal proceedings pending for
	// them; prevention_measure: a prevention measure; other: another
	// condition that bars the office). Empty: none applies.
	Conditions []string `json:"conditions,omitempty" validate:"omitempty,unique,dive,oneof=criminal_conviction pending_proceedings prevention_measure other"`
}

// Attachment is a document attached to an application.
type Attachment struct {
	// Kind is a code of the attachment_kind list.
	Kind string `json:"kind" validate:"required,codelist=attachment_kind"`
	// Name is the file name.
	Name string `json:"name" validate:"required,max=255"`
	// SHA256 is the hex SHA-256 of the file.
	SHA256 string `json:"sha256,omitempty" validate:"omitempty,len=64,hexadecimal"`
	// Size is the file size in bytes.
	Size int64 `json:"size,omitempty" validate:"omitempty,gte=0"`
	// MediaType is the file's media type as the register sniffed it
	// (application/pdf or application/pkcs7-mime), set when the file was
	// uploaded.
	MediaType string `json:"mediaType,omitempty" validate:"omitempty,oneof=application/pdf application/pkcs7-mime"`
}

// Signature holds the facts of an application's digital signature.
type Signature struct {
	// SignerCodiceFiscale is the codice fiscale in the signing certificate;
	// it must be the legal representative's.
	SignerCodiceFiscale string `json:"signerTaxCode" validate:"required,cf"`
	// SignedAt is the day of signature.
	SignedAt Date `json:"signedAt" validate:"required,datetime=2006-01-02"`
	// Format is the signature format.
	Format string `json:"format" validate:"required,oneof=cades pades xades"`
	// Issuer is the certification authority of the certificate.
	Issuer string `json:"issuer,omitempty" validate:"omitempty,max=200"`
	// Verified: the signature and certificate were verified valid.
	Verified *bool `json:"verified" validate:"required"`
}

// Activity is an activity done by the body, evidence of its experience.
type Activity struct {
	Title       string `json:"title" validate:"required,max=300"`
	Description string `json:"description,omitempty" validate:"omitempty,max=5000"`
	// Start and End bound the activity; an empty End means ongoing.
	Start Date `json:"start" validate:"required,datetime=2006-01-02"`
	End   Date `json:"end,omitempty" validate:"omitempty,datetime=2006-01-02"`
	// Sectors are codes of the sector list (social integration, Section I).
	Sectors []string `json:"sectors,omitempty" validate:"omitempty,unique,dive,codelist=sector"`
	// Areas are codes of the experience_area list (Section II experience).
	Areas []string `json:"areas,omitempty" validate:"omitempty,unique,dive,codelist=experience_area"`
	// Regions are the ISTAT codes of the regions where it took place.
	Regions []string `json:"regions,omitempty" validate:"omitempty,unique,dive,region"`
	// Target is whom the activity was aimed at: "foreigners" (the
	// integration of foreigners, art. 42 D.lgs. 286/1998) or "general" (not
	// aimed at foreigners); empty: not stated. For Section II the area is
	// in Areas.
	Target string `json:"target,omitempty" validate:"omitempty,oneof=foreigners general"`
	// CarriedOutBy is the 11-digit codice fiscale of the body that carried
	// the activity out, when it is not the applicant (its national body, a
	// partner); empty or the applicant's own: the applicant.
	CarriedOutBy string `json:"carriedOutBy,omitempty" validate:"omitempty,cfbody"`
}

// The targets of Activity.Target.
const (
	TargetForeigners = "foreigners"
	TargetGeneral    = "general"
)

// BranchRef names a territorial branch in an application.
type BranchRef struct {
	// EntityID is the branch's register ID, when it is already in the register.
	EntityID string `json:"entityId,omitempty" validate:"omitempty,max=64"`
	// CodiceFiscale is the branch's own 11-digit codice fiscale.
	CodiceFiscale string `json:"taxCode" validate:"required,cfbody"`
	Name          string `json:"name" validate:"required,max=300"`
	// Comune is the ISTAT code of the comune of the branch's seat.
	Comune string `json:"comune" validate:"required,comune"`
}

// Programme is a Section II assistance and social-integration programme.
type Programme struct {
	Title       string `json:"title" validate:"required,max=300"`
	Description string `json:"description" validate:"required,max=10000"`
	// Operators are the people assigned to the programme.
	Operators []Operator `json:"operators" validate:"required,min=1,dive"`
	// CarriedOutBy is the 11-digit codice fiscale of the body that runs the
	// programme, when it is not the applicant (its national body, another
	// body); empty or the applicant's own: the applicant.
	CarriedOutBy string `json:"carriedOutBy,omitempty" validate:"omitempty,cfbody"`
}

// Operator is a person assigned to a Section II programme.
type Operator struct {
	FirstName string `json:"firstName" validate:"required,max=100"`
	LastName  string `json:"lastName" validate:"required,max=100"`
	// Areas are codes of the competence_area list (psychological, health,
	// educational, social assistance).
	Areas []string `json:"areas" validate:"required,min=1,unique,dive,codelist=competence_area"`
	// Qualification is the operator's professional qualification.
	Qualification string `json:"qualification,omitempty" validate:"omitempty,max=300"`
}

// Housing is a housing facility available to a Section II programme.
type Housing struct {
	Address Address `json:"address" validate:"required"`
	// Places is the number of residential places.
	Places int `json:"places" validate:"gte=1,lte=10000"`
	// Title is how the body has it available.
	Title string `json:"title" validate:"required,oneof=owned rented loan agreement other"`
}

// Partnership is an agreement between two bodies: in an application, the
// Section II partnership agreement; in the register, a record queryable by
// date.
type Partnership struct {
	// ID is assigned by the Registry.
	ID string `json:"id,omitempty"`
	// Version is the optimistic-concurrency version.
	Version int64 `json:"version,omitempty"`
	// EntityID is the body that declared the partnership.
	EntityID string `json:"entityId,omitempty" validate:"omitempty,max=64"`
	// PartnerID is the register ID of the partner body.
	PartnerID  string `json:"partnerId" validate:"required,max=64"`
	Objectives string `json:"objectives" validate:"required,max=5000"`
	Content    string `json:"content" validate:"required,max=5000"`
	Modalities string `json:"modalities" validate:"required,max=5000"`
	// Start and End bound the agreement; an empty End means open-ended.
	Start Date `json:"start" validate:"required,datetime=2006-01-02"`
	End   Date `json:"end,omitempty" validate:"omitempty,datetime=2006-01-02"`
	// RecordedBy is the party that recorded the partnership in the
	// register, or last changed its terms (empty when staff did); set by
	// the Registry, like ConfirmedBy and ConfirmedOn, and absent from an
	// application.
	RecordedBy string `json:"recordedBy,omitempty" jsonschema:"-"`
	// ConfirmedBy is the other party, once it confirmed the agreement
	// (Registry.ConfirmPartnership), and ConfirmedOn the day it did; empty
	// while the agreement awaits confirmation.
	ConfirmedBy string `json:"confirmedBy,omitempty" jsonschema:"-"`
	ConfirmedOn Date   `json:"confirmedOn,omitempty" jsonschema:"-"`
}

// Confirmed reports whether the other party confirmed the partnership.
func (p *Partnership) Confirmed() bool { return p.ConfirmedBy != "" }

// Involves reports whether the partnership has id as one of its two parties.
func (p *Partnership) Involves(id string) bool { return p.EntityID == id || p.PartnerID == id }

// Other returns the party that is not id.
func (p *Partnership) Other(id string) string {
	if p.EntityID == id {
		return p.PartnerID
	}
	return p.EntityID
}

// GDPRProcedures describe how a Section II body protects personal data (Reg.
// UE 679/2016; D.lgs. 196/2003 as amended by D.lgs. 101/2018).
type GDPRProcedures struct {
	// Controller is the data controller.
	Controller string `json:"controller" validate:"required,max=300"`
	// DPOEmail is the data-protection officer's contact.
	DPOEmail string `json:"dpoEmail,omitempty" validate:"omitempty,email,max=254"`
	// Register: the body keeps a record of processing activities.
	Register *bool `json:"register" validate:"required"`
	// BeneficiaryMeasures describes the measures for the beneficiaries
	// hosted in the facilities.
	BeneficiaryMeasures string `json:"beneficiaryMeasures" validate:"required,max=10000"`
	// AdoptedOn is the day the procedures were adopted.
	AdoptedOn Date `json:"adoptedOn" validate:"required,datetime=2006-01-02"`
}
