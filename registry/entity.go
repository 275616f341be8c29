package registry

// Entity is a body in the register: a private association, cooperative,
// foundation or other organisation working for immigrants, with its
// enrolments in the two sections.
//
// The fields a body declares (codice fiscale, name, legal form, seat,
// contacts, legal representative, members, statute, other registers) are
// validated by [Validator.Entity]. The register-managed fields (ID, Version,
// Enrolments, Referents, FormerRepresentatives, Branches) are set only by
// [Registry]; values a caller puts there are ignored on [Registry.Apply].
type Entity struct {
	// ID is the permanent register ID, assigned on the first application
	// and never reused.
	ID string `json:"id,omitempty"`
	// Version is the optimistic-concurrency version: 0 before the body is
	// stored, then 1, 2, … as each change is committed.
	Version int64 `json:"version,omitempty"`
	// CodiceFiscale is the body's 11-digit codice fiscale (or partita IVA).
	// It is unique in the register: a territorial branch enrols with its own.
	CodiceFiscale string `json:"taxCode" validate:"required,cfbody"`
	// Name is the body's name as in its statute.
	Name string `json:"name" validate:"required,min=2,max=300"`
	// LegalForm is a code of the legal_form list.
	LegalForm string `json:"legalForm" validate:"required,codelist=legal_form"`
	// Qualifications are codes of the qualification list (ODV, APS, ONLUS, ETS).
	Qualifications []string `json:"qualifications,omitempty" validate:"omitempty,unique,dive,codelist=qualification"`
	// LegalNature is the body's legal nature: "private", "public_body" or
	// "international_body" (a body of international law); empty: not
	// stated. Only private bodies may enrol (art. 52 c.1 DPR 394/1999).
	LegalNature string `json:"legalNature,omitempty" validate:"omitempty,oneof=private public_body international_body"`
	// Seat is the legal seat, which must be in Italy; a body whose legal
	// seat is abroad (SeatCountry) gives here its main office in Italy.
	Seat Address `json:"seat" validate:"required"`
	// SeatCountry is the ISO 3166-1 alpha-2 code of the country of the
	// legal seat; empty means Italy ("IT").
	SeatCountry string `json:"seatCountry,omitempty" validate:"omitempty,iso3166_1_alpha2"`
	// PEC is the certified e-mail address (posta elettronica certificata).
	PEC string `json:"pec" validate:"required,email,max=254"`
	// Email is an ordinary e-mail address.
	Email string `json:"email,omitempty" validate:"omitempty,email,max=254"`
	// Phone is a telephone number.
	Phone string `json:"phone,omitempty" validate:"omitempty,min=6,max=20"`
	// Website is the body's web site.
	Website string `json:"website,omitempty" validate:"omitempty,url,max=500"`
	// LegalRepresentative is the person who represents the body and signs
	// its applications; always enabled to file.
	LegalRepresentative Person `json:"legalRepresentative" validate:"required"`
	// LegalRepresentativeSince is the day the current legal representative
	// took office (empty: since the body entered the register).
	LegalRepresentativeSince Date `json:"legalRepresentativeSince,omitempty" validate:"omitempty,datetime=2006-01-02"`
	// FormerRepresentatives are the previous legal representatives, oldest
	// first; kept by the Registry when the representative changes.
	FormerRepresentatives []Mandate `json:"formerRepresentatives,omitempty" validate:"omitempty,dive"`
	// Members are the members of the governing and control bodies.
	Members []Member `json:"members" validate:"required,min=1,dive"`
	// Statute holds the facts of the statute that art. 53 DPR 394/1999 asks for.
	Statute Statute `json:"statute" validate:"required"`
	// OtherRegisters are the other registers the body is in.
	OtherRegisters []Registration `json:"otherRegisters,omitempty" validate:"omitempty,dive"`
	// National marks a national body with territorial branches.
	National bool `json:"national,omitempty"`
	// BranchOf is the register ID of the national body this body is a
	// territorial branch of (empty for a national or independent body).
	BranchOf string `json:"branchOf,omitempty" validate:"omitempty,max=64"`
	// Branches are the territorial branches of a national body.
	Branches []Branch `json:"branches,omitempty" validate:"omitempty,dive"`
	// Enrolments holds one enrolment per section the body ever applied for.
	Enrolments []Enrolment `json:"enrolments,omitempty" validate:"omitempty,dive"`
	// Referents are the people the body asked to be enabled to file.
	Referents []Referent `json:"referents,omitempty" validate:"omitempty,dive"`
}

// The legal natures of Entity.LegalNature.
const (
	NaturePrivate       = "private"
	NaturePublic        = "public_body"
	NatureInternational = "international_body"
)

// Enrolment returns the body's enrolment in section s, if it ever applied
// for it.
func (e *Entity) Enrolment(s Section) (Enrolment, bool) {
	for _, en := range e.Enrolments {
		if en.Section == s {
			return en, true
		}
	}
	return Enrolment{}, false
}

// Address is a place in Italy: the legal seat of a body, a housing facility.
type Address struct {
	// Street is the street address with house number ("Via Roma 1").
	Street string `json:"street" validate:"required,min=3,max=200"`
	// PostCode is the 5-digit CAP.
	PostCode string `json:"postCode" validate:"required,len=5,numeric"`
	// Comune is the ISTAT code of the comune (6 digits, "058091").
	Comune string `json:"comune" validate:"required,comune"`
	// Province is the sigla of the province ("RM"); it must be the comune's.
	Province string `json:"province" validate:"required,sigla"`
	// Region is the ISTAT code of the region ("12"); it must be the comune's.
	Region string `json:"region" validate:"required,region"`
}

// Person is a natural person named in the register: a legal
// representative, a member of a governing or control body.
type Person struct {
	FirstName string `json:"firstName" validate:"required,max=100"`
	LastName  string `json:"lastName" validate:"required,max=100"`
	// CodiceFiscale is the person's 16-character codice fiscale. Personal
	// data: never shown to a public viewer.
	CodiceFiscale string `json:"taxCode" validate:"required,cf"`
	// Sex is a code of the sex list ("female", "male").
	Sex string `json:"sex" validate:"required,codelist=sex"`
	// Citizenship is the ISO 3166-1 alpha-2 code of the person's citizenship ("IT").
	Citizenship string `json:"citizenship" validate:"required,iso3166_1_alpha2"`
}

// Mandate is a past term of office of a legal representative.
type Mandate struct {
	Person Person `json:"person" validate:"required"`
	From   Date   `json:"from,omitempty" validate:"omitempty,datetime=2006-01-02"`
	Until  Date   `json:"until" validate:"required,datetime=2006-01-02"`
}

// Member is a member of a body's governing or control bodies.
type Member struct {
	Person Person `json:"person" validate:"required"`
	// Organ is "governing" (board) or "control" (auditors, supervisory board).
	Organ string `json:"organ" validate:"required,oneof=governing control"`
	// Role is the office held ("presidente", "consigliere", "revisore").
	Role string `json:"role" validate:"required,max=100"`
}

// Statute holds the facts of a body's statute that art. 53 DPR 394/1999
// asks about. The register records them; the eligibility rules judge them.
type Statute struct {
	// AdoptedOn is the date of the statute in force.
	AdoptedOn Date `json:"adoptedOn" validate:"required,datetime=2006-01-02"`
	// SocialAims: the statute states social and solidarity aims.
	SocialAims bool `json:"socialAims"`
	// NonProfit: the statute excludes any profit motive.
	NonProfit bool `json:"nonProfit"`
	// DemocraticOrder: the statute provides a democratic internal order.
	DemocraticOrder bool `json:"democraticOrder"`
	// ElectiveOffices: the offices are elective.
	ElectiveOffices bool `json:"electiveOffices"`
	// AdmissionCriteria: the statute defines criteria for admitting members.
	AdmissionCriteria bool `json:"admissionCriteria"`
	// AnnualAccounts: the body draws up an annual balance sheet or financial statement.
	AnnualAccounts bool `json:"annualAccounts"`
	// AccountsApproval: the statute defines how the accounts are approved.
	AccountsApproval bool `json:"accountsApproval"`
	// Branches are the codici fiscali of the territorial branches the
	// statute names (for a national body).
	Branches []string `json:"branches,omitempty" validate:"omitempty,unique,dive,cfbody"`
}

// Registration is a body's entry in another register.
type Registration struct {
	// Register is a code of the other_register list.
	Register string `json:"register" validate:"required,codelist=other_register"`
	// RUNTSSection is a code of the runts_section list, for the RUNTS.
	RUNTSSection string `json:"runtsSection,omitempty" validate:"omitempty,codelist=runts_section"`
	// Region is the ISTAT region code of a regional register.
	Region string `json:"region,omitempty" validate:"omitempty,region"`
	// Number is the entry's number in that register.
	Number string `json:"number,omitempty" validate:"omitempty,max=100"`
	// Since is the day of registration.
	Since Date `json:"since,omitempty" validate:"omitempty,datetime=2006-01-02"`
}

// Branch links a national body to one of its territorial branches, itself an
// Entity whose BranchOf is the national body's ID.
//
// A national body's Section I enrolment extends to a branch named in its
// statute and listed in the Section I application, for the days in
// [From, Until]. Section II never extends: a branch enrols on its own.
type Branch struct {
	// EntityID is the register ID of the branch.
	EntityID string `json:"entityId" validate:"required,max=64"`
	// NamedInStatute: the national body's statute names this branch.
	NamedInStatute bool `json:"namedInStatute"`
	// ApplicationID is the Section I application that lists the branch
	// (empty: not listed in any).
	ApplicationID string `json:"applicationId,omitempty" validate:"omitempty,max=64"`
	// From is the first day the branch belongs to the body.
	From Date `json:"from" validate:"required,datetime=2006-01-02"`
	// Until is the last day (empty: still a branch).
	Until Date `json:"until,omitempty" validate:"omitempty,datetime=2006-01-02"`
}

// ReferentStatus is where a referent stands: requested → enabled → revoked
// (a request may also be revoked before it is enabled).
type ReferentStatus string

// The referent statuses.
const (
	ReferentRequested ReferentStatus = "requested"
	ReferentEnabled   ReferentStatus = "enabled"
	ReferentRevoked   ReferentStatus = "revoked"
)

// Referent is a person a body asked to be enabled to file its annual
// report, besides the legal representative (who is always enabled).
type Referent struct {
	// ID identifies the referent within the register.
	ID        string `json:"id,omitempty"`
	FirstName string `json:"firstName" validate:"required,max=100"`
	LastName  string `json:"lastName" validate:"required,max=100"`
	// CodiceFiscale is the referent's 16-character codice fiscale.
	CodiceFiscale string `json:"taxCode" validate:"required,cf"`
	Phone         string `json:"phone" validate:"required,min=6,max=20"`
	Email         string `json:"email" validate:"required,email,max=254"`
	// Status is set by the Registry.
	Status      ReferentStatus `json:"status,omitempty"`
	RequestedOn Date           `json:"requestedOn,omitempty"`
	EnabledOn   Date           `json:"enabledOn,omitempty"`
	RevokedOn   Date           `json:"revokedOn,omitempty"`
}
