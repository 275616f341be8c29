package questionnaire

// The document types below are exchanged as JSON and carry only the tags of
// the project's tag convention (TEAM.md): `json` (a field without omitempty
// is required), `validate` (go-playground/validator rules plus the custom
// tags codelist=LIST, cf, cfbody, sigla, comune, region), and `since`/`until`
// (the reporting years a field exists in). The JSON Schemas of package
// schemas are generated from these same tags, so the two cannot drift apart.
//
// Dates are strings "YYYY-MM-DD" (JSON Schema format "date"); amounts are
// integers in euro cents; counts are non-negative integers with an upper
// bound, so that every value a JSON parser accepts as an integer also fits in
// a Go int64.

// Document is the annual report (questionnaire) a body enrolled in the
// register files for reporting year Y by 30 January of Y+1 (art. 54 c.3 DPR
// 394/1999). The same document serves both sections of the register.
type Document struct {
	// ReportingYear is the year Y the report is about; it pins the document to
	// the Definition of that year and must equal the year it is validated for.
	ReportingYear int `json:"reportingYear" validate:"gte=2019,lte=2100"`
	// Sections lists the sections of the register ("I", "II") the body was
	// enrolled in during the reporting year; each at most once.
	Sections []string `json:"sections" validate:"min=1,max=2,unique,dive,oneof=I II"`
	// Body describes the body that files the report.
	Body Body `json:"body"`
	// Filer identifies the person filing: the legal representative or an
	// enabled referent of the body.
	Filer Filer `json:"filer"`
	// Projects lists the projects the body ran in Italy for foreign people
	// during the reporting year (may be empty).
	Projects []Project `json:"projects" validate:"max=500,dive"`
	// SectionII is the Section II programme block: present exactly when
	// Sections contains "II".
	SectionII *SectionIIProgramme `json:"sectionII,omitempty"`
	// UkraineFocus is the focus on activities for Ukrainian citizens, asked
	// from reporting year 2022 on.
	UkraineFocus *UkraineFocus `json:"ukraineFocus" since:"2022"`
	// Branches holds the activity data of the territorial branches of a
	// national body enrolled in Section I (geographical scope "national");
	// not allowed for any other body.
	Branches []Branch `json:"branches,omitempty" validate:"max=500,dive"`
}

// Body is the part of the report about the body itself.
type Body struct {
	// TaxCode is the body's 11-digit codice fiscale (or partita IVA).
	TaxCode string `json:"taxCode" validate:"cfbody"`
	// RegisterID is the body's identifier in the register.
	RegisterID string `json:"registerId" validate:"min=1,max=40"`
	// Name is the body's name (denominazione).
	Name string `json:"name" validate:"min=1,max=300"`
	// LegalForm is the body's legal form (code list legal_form).
	LegalForm string `json:"legalForm" validate:"codelist=legal_form"`
	// Qualifications are the body's qualifications: ODV, APS, ONLUS, ETS
	// (code list qualification).
	Qualifications []string `json:"qualifications,omitempty" validate:"max=10,unique,dive,codelist=qualification"`
	// Region is the ISTAT code ("01".."20") of the region of the legal seat.
	Region string `json:"region" validate:"region"`
	// GeoScope is the geographical scope of the body's work (code list geo_scope).
	GeoScope string `json:"geoScope" validate:"codelist=geo_scope"`
	// Networks lists the networks the body belongs to.
	Networks []Network `json:"networks,omitempty" validate:"max=50,dive"`
	// Sectors are the body's prevalent sectors of activity (code list sector).
	Sectors []string `json:"sectors" validate:"min=1,max=11,unique,dive,codelist=sector"`
	// OtherRegisters lists the other registers the body is enrolled in.
	OtherRegisters []OtherRegistration `json:"otherRegisters,omitempty" validate:"max=20,dive"`
	// LegalRepresentative describes the body's legal representative.
	LegalRepresentative LegalRepresentative `json:"legalRepresentative"`
	// Difficulties lists the difficulties (criticità) the body met during the
	// year (code list difficulty), asked from reporting year 2024 on.
	Difficulties []string `json:"difficulties" since:"2024" validate:"max=8,unique,dive,codelist=difficulty"`
}

// Network is one network (territorial or thematic) the body belongs to.
type Network struct {
	// Name is the network's name.
	Name string `json:"name" validate:"min=1,max=300"`
	// Kind is territorial or thematic (code list network_kind).
	Kind string `json:"kind" validate:"codelist=network_kind"`
	// Level is local, regional, national or international (code list network_level).
	Level string `json:"level" validate:"codelist=network_level"`
}

// OtherRegistration is the body's enrolment in another register.
type OtherRegistration struct {
	// Register is the kind of register (code list other_register).
	Register string `json:"register" validate:"codelist=other_register"`
	// RUNTSSection is the RUNTS section, for register "runts" (code list runts_section).
	RUNTSSection string `json:"runtsSection,omitempty" validate:"omitempty,codelist=runts_section"`
	// Name names the register, for regional and other registers.
	Name string `json:"name,omitempty" validate:"omitempty,max=300"`
}

// LegalRepresentative holds the statistical facts about the body's legal
// representative that the annual report publishes.
type LegalRepresentative struct {
	// Sex is the legal representative's sex (code list sex).
	Sex string `json:"sex" validate:"codelist=sex"`
	// Nationality is Italian, EU or non-EU (code list nationality_class).
	Nationality string `json:"nationality" validate:"codelist=nationality_class"`
}

// Filer identifies the person who files the report.
type Filer struct {
	// TaxCode is the filer's 16-character personal codice fiscale.
	TaxCode string `json:"taxCode" validate:"cf"`
	// FirstName is the filer's first name.
	FirstName string `json:"firstName" validate:"min=1,max=100"`
	// LastName is the filer's surname.
	LastName string `json:"lastName" validate:"min=1,max=100"`
	// Email is where the ministry may write about this report.
	Email string `json:"email,omitempty" validate:"omitempty,email"`
}

// Project is one project the body ran during the reporting year.
type Project struct {
	// Title is the project's title.
	Title string `json:"title" validate:"min=1,max=300"`
	// Section is the section ("I" or "II") the project belongs to; it must be
	// one of the document's sections.
	Section string `json:"section" validate:"oneof=I II"`
	// StartDate is the day the project started (YYYY-MM-DD).
	StartDate string `json:"startDate" validate:"datetime=2006-01-02"`
	// EndDate is the day the project ended (YYYY-MM-DD); absent while ongoing.
	EndDate string `json:"endDate,omitempty" validate:"omitempty,datetime=2006-01-02"`
	// Objectives states the project's objectives.
	Objectives string `json:"objectives" validate:"min=1,max=2000"`
	// ActivityTypes are the kinds of activity (code list activity_type).
	ActivityTypes []string `json:"activityTypes" validate:"min=1,max=13,unique,dive,codelist=activity_type"`
	// Sectors are the project's sectors (code list sector).
	Sectors []string `json:"sectors" validate:"min=1,max=11,unique,dive,codelist=sector"`
	// PortaleAxes are the Portale Integrazione Migranti axes the project
	// serves (code list portale_axis).
	PortaleAxes []string `json:"portaleAxes,omitempty" validate:"max=6,unique,dive,codelist=portale_axis"`
	// Regions are the ISTAT codes of the regions the project ran in.
	Regions []string `json:"regions" validate:"min=1,max=20,unique,dive,region"`
	// Provinces are the sigle (such as "MI") of the provinces the project ran in.
	Provinces []string `json:"provinces,omitempty" validate:"max=107,unique,dive,sigla"`
	// Partners lists the project's partners.
	Partners []Partner `json:"partners,omitempty" validate:"max=100,dive"`
	// Results describes the results achieved.
	Results string `json:"results,omitempty" validate:"omitempty,max=2000"`
	// Funds are the funds the project used in the reporting year.
	Funds Funds `json:"funds"`
	// Beneficiaries counts the people the project reached.
	Beneficiaries Beneficiaries `json:"beneficiaries"`
	// HumanResources counts the people who worked on the project.
	HumanResources HumanResources `json:"humanResources"`
}

// Partner is one partner of a project.
type Partner struct {
	// Name is the partner's name.
	Name string `json:"name" validate:"min=1,max=300"`
	// Kind is the kind of partner (code list partner_kind).
	Kind string `json:"kind" validate:"codelist=partner_kind"`
	// Role says whether the partner leads the project (code list partner_role).
	Role string `json:"role" validate:"codelist=partner_role"`
	// TaxCode is the partner's 11-digit codice fiscale, when known.
	TaxCode string `json:"taxCode,omitempty" validate:"omitempty,cfbody"`
}

// Funds are a project's funds in euro cents: the declared total and its
// breakdown by source, which must add up to the total.
type Funds struct {
	// TotalCents is the total amount used, in euro cents.
	TotalCents int64 `json:"totalCents" validate:"gte=0,lte=100000000000000"`
	// BySource breaks the total down by funding source; each source at most once.
	BySource []FundAmount `json:"bySource" validate:"max=11,dive"`
}

// FundAmount is the amount from one funding source.
type FundAmount struct {
	// Source is the funding source (code list fund_source).
	Source string `json:"source" validate:"codelist=fund_source"`
	// AmountCents is the amount in euro cents.
	AmountCents int64 `json:"amountCents" validate:"gte=0,lte=100000000000000"`
}

// Beneficiaries counts a project's beneficiaries: a total and breakdowns,
// each of which (when given) adds up to the total.
type Beneficiaries struct {
	// Total is the number of beneficiaries.
	Total int `json:"total" validate:"gte=0,lte=100000000"`
	// BySex breaks the total down by sex.
	BySex []SexCount `json:"bySex,omitempty" validate:"max=2,dive"`
	// ByAgeBand breaks the total down by age band.
	ByAgeBand []AgeBandCount `json:"byAgeBand,omitempty" validate:"max=4,dive"`
	// ByCitizenship breaks the total down by citizenship area.
	ByCitizenship []CitizenshipCount `json:"byCitizenship,omitempty" validate:"max=8,dive"`
	// UnaccompaniedMinors counts the unaccompanied foreign minors among the
	// beneficiaries (at most the total, and at most the 0–17 band).
	UnaccompaniedMinors int `json:"unaccompaniedMinors" validate:"gte=0,lte=100000000"`
	// UkrainianCitizens counts the Ukrainian citizens among the beneficiaries
	// (at most the total), asked from reporting year 2022 on.
	UkrainianCitizens int `json:"ukrainianCitizens" since:"2022" validate:"gte=0,lte=100000000"`
}

// SexCount is the number of beneficiaries of one sex.
type SexCount struct {
	// Sex is the code (code list sex).
	Sex string `json:"sex" validate:"codelist=sex"`
	// Count is the number of people.
	Count int `json:"count" validate:"gte=0,lte=100000000"`
}

// AgeBandCount is the number of beneficiaries in one age band.
type AgeBandCount struct {
	// AgeBand is the code (code list age_band).
	AgeBand string `json:"ageBand" validate:"codelist=age_band"`
	// Count is the number of people.
	Count int `json:"count" validate:"gte=0,lte=100000000"`
}

// CitizenshipCount is the number of beneficiaries from one citizenship area.
type CitizenshipCount struct {
	// Area is the code (code list citizenship_area).
	Area string `json:"area" validate:"codelist=citizenship_area"`
	// Count is the number of people.
	Count int `json:"count" validate:"gte=0,lte=100000000"`
}

// HumanResources counts the people who worked on a project.
type HumanResources struct {
	// ByKind counts people by kind of engagement; each kind at most once.
	ByKind []StaffCount `json:"byKind" validate:"max=4,dive"`
	// CulturalMediators counts the intercultural mediators among them.
	CulturalMediators int `json:"culturalMediators" validate:"gte=0,lte=1000000"`
}

// StaffCount is the number of people of one kind of engagement.
type StaffCount struct {
	// Kind is employees, collaborators, volunteers or civil-service volunteers
	// (code list hr_kind).
	Kind string `json:"kind" validate:"codelist=hr_kind"`
	// Count is the number of people.
	Count int `json:"count" validate:"gte=0,lte=1000000"`
	// ForeignBorn counts the foreign-born people among them (at most Count).
	ForeignBorn int `json:"foreignBorn" validate:"gte=0,lte=1000000"`
}

// SectionIIProgramme is the block a body enrolled in Section II fills in
// about its assistance and social-integration programme (art. 18 TU).
type SectionIIProgramme struct {
	// VictimsByExploitation counts the victims taken in charge by form of
	// exploitation; each form at most once.
	VictimsByExploitation []VictimCount `json:"victimsByExploitation" validate:"max=7,dive"`
	// Phases are the programme phases the body ran (code list programme_phase).
	Phases []string `json:"phases" validate:"min=1,max=4,unique,dive,codelist=programme_phase"`
	// ResidentialPlaces is the number of places in the body's housing facilities.
	ResidentialPlaces int `json:"residentialPlaces" validate:"gte=0,lte=1000000"`
	// PermitsRequested counts the art. 18 residence permits requested.
	PermitsRequested int `json:"permitsRequested" validate:"gte=0,lte=1000000"`
	// PermitsObtained counts the art. 18 permits obtained (at most requested).
	PermitsObtained int `json:"permitsObtained" validate:"gte=0,lte=1000000"`
	// LabourInclusion details the social and labour inclusion outcomes, asked
	// from reporting year 2024 on.
	LabourInclusion *LabourInclusion `json:"labourInclusion" since:"2024"`
}

// VictimCount is the number of victims of one form of exploitation.
type VictimCount struct {
	// Form is the form of exploitation (code list exploitation_form).
	Form string `json:"form" validate:"codelist=exploitation_form"`
	// Count is the number of people.
	Count int `json:"count" validate:"gte=0,lte=1000000"`
}

// LabourInclusion is the Section II labour-inclusion detail (2024 on).
type LabourInclusion struct {
	// PeopleInvolved counts the people in social and labour inclusion paths.
	PeopleInvolved int `json:"peopleInvolved" validate:"gte=0,lte=1000000"`
	// Outcomes counts the outcomes by kind; each kind at most once.
	Outcomes []OutcomeCount `json:"outcomes" validate:"max=4,dive"`
}

// OutcomeCount is the number of labour-inclusion outcomes of one kind.
type OutcomeCount struct {
	// Outcome is the kind of outcome (code list labour_outcome).
	Outcome string `json:"outcome" validate:"codelist=labour_outcome"`
	// Count is the number of outcomes.
	Count int `json:"count" validate:"gte=0,lte=1000000"`
}

// UkraineFocus is the focus block on activities for Ukrainian citizens
// (reporting years 2022 on).
type UkraineFocus struct {
	// Active says whether the body worked for Ukrainian citizens in the year.
	Active bool `json:"active"`
	// Beneficiaries counts the Ukrainian citizens reached (0 when not active).
	Beneficiaries int `json:"beneficiaries" validate:"gte=0,lte=100000000"`
	// ActivityTypes are the kinds of activity run for them (code list activity_type).
	ActivityTypes []string `json:"activityTypes,omitempty" validate:"max=13,unique,dive,codelist=activity_type"`
}

// Branch is the activity data of one territorial branch (articolazione
// territoriale) of a national body enrolled in Section I.
type Branch struct {
	// Name is the branch's name.
	Name string `json:"name" validate:"min=1,max=300"`
	// TaxCode is the branch's own 11-digit codice fiscale, when it has one.
	TaxCode string `json:"taxCode,omitempty" validate:"omitempty,cfbody"`
	// Region is the ISTAT code of the branch's region.
	Region string `json:"region" validate:"region"`
	// Province is the sigla of the branch's province.
	Province string `json:"province,omitempty" validate:"omitempty,sigla"`
	// Comune is the ISTAT code (6 digits) of the branch's comune.
	Comune string `json:"comune,omitempty" validate:"omitempty,comune"`
	// Projects counts the projects the branch ran in the year.
	Projects int `json:"projects" validate:"gte=0,lte=100000"`
	// Beneficiaries counts the people the branch's projects reached.
	Beneficiaries int `json:"beneficiaries" validate:"gte=0,lte=100000000"`
	// Staff counts the people who worked for the branch.
	Staff int `json:"staff" validate:"gte=0,lte=1000000"`
}
