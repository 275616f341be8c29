package synth

import "math/rand/v2"

// weighted is a discrete distribution over codes. The weights below are
// modelled, calibrated where the ministry's reports publish a figure.
type weighted []struct {
	code string
	w    float64
}

func (d weighted) draw(r *rand.Rand) string {
	var total float64
	for _, x := range d {
		total += x.w
	}
	v := r.Float64() * total
	for _, x := range d {
		if v < x.w {
			return x.code
		}
		v -= x.w
	}
	return d[len(d)-1].code
}

// legalForms by section. Social cooperatives (A, B and consortia) are 47% of
// Section I and 44% of Section II (published, 2023); the rest is modelled.
func legalForms(coopShare float64, sectionII bool) weighted {
	a, b, cons := 0.64, 0.26, 0.10 // modelled split of cooperatives
	rest := 1 - coopShare
	d := weighted{
		{"social_cooperative_a", coopShare * a},
		{"social_cooperative_b", coopShare * b},
		{"social_cooperative_consortium", coopShare * cons},
		{"association_unrecognised", rest * 0.38},
		{"association_recognised", rest * 0.28},
		{"foundation", rest * 0.11},
		{"religious_body", rest * 0.10},
		{"social_enterprise", rest * 0.06},
		{"committee", rest * 0.02},
		{"other", rest * 0.05},
	}
	if sectionII { // religious bodies run more shelters (modelled)
		d[6].w, d[4].w = rest*0.18, rest*0.20
	}
	return d
}

// macroAreas: presence is strongest in the North (published, qualitative);
// the shares are modelled.
var macroAreas = weighted{
	{"ITC", 0.31}, {"ITH", 0.24}, {"ITI", 0.21}, {"ITF", 0.16}, {"ITG", 0.08},
}

var geoScopes = weighted{
	{"municipal", 0.18}, {"provincial", 0.27}, {"regional", 0.30}, {"interregional", 0.07},
	{"national", 0.13}, {"international", 0.05},
}

// projectSectors gives each sector's probability of being named by a
// project, per section: social assistance first in both sections,
// socio-cultural integration second in Section I, health assistance second in
// Section II, work in about one project in three (published, 2023).
var projectSectors = map[bool]map[string]float64{
	false: {"social_assistance": 0.52, "socio_cultural_integration": 0.44, "work_employment": 0.33,
		"education_training": 0.30, "health_assistance": 0.15, "housing": 0.12, "intercultural_mediation": 0.22,
		"legal_assistance": 0.14, "minors_second_generations": 0.16, "reception": 0.18, "other": 0.03},
	true: {"social_assistance": 0.70, "health_assistance": 0.45, "work_employment": 0.34,
		"socio_cultural_integration": 0.25, "housing": 0.30, "legal_assistance": 0.28, "reception": 0.40,
		"intercultural_mediation": 0.20, "education_training": 0.12, "minors_second_generations": 0.10, "other": 0.02},
}

var sectorAxis = map[string]string{
	"education_training": "italian_language", "work_employment": "work", "housing": "housing",
	"health_assistance": "social_health_services", "social_assistance": "social_health_services",
	"minors_second_generations": "minors_second_generations", "intercultural_mediation": "intercultural_mediation",
}

var sectorActivities = map[string][]string{
	"social_assistance":          {"information_orientation", "psychological_support"},
	"socio_cultural_integration": {"awareness_events", "cultural_mediation"},
	"health_assistance":          {"health_services"},
	"work_employment":            {"job_placement", "vocational_training"},
	"education_training":         {"language_courses", "vocational_training"},
	"housing":                    {"housing_support"},
	"intercultural_mediation":    {"cultural_mediation"},
	"legal_assistance":           {"legal_advice"},
	"minors_second_generations":  {"awareness_events", "language_courses"},
	"reception":                  {"reception_services"},
	"other":                      {"research", "other"},
}

var fundSources = weighted{
	{"own", 0.20}, {"eu_amif", 0.16}, {"eu_esf", 0.07}, {"eu_other", 0.04}, {"national", 0.14},
	{"regional", 0.12}, {"local", 0.12}, {"private_foundation", 0.07}, {"donations", 0.05},
	{"five_per_thousand", 0.02}, {"companies", 0.01},
}

var citizenshipAreas = weighted{
	{"eu", 0.12}, {"europe_non_eu", 0.16}, {"north_africa", 0.20}, {"subsaharan_africa", 0.22},
	{"asia", 0.20}, {"americas", 0.07}, {"oceania", 0.005}, {"stateless_unknown", 0.025},
}

var exploitationForms = weighted{
	{"sexual", 0.45}, {"labour", 0.28}, {"forced_begging", 0.04}, {"illegal_activities", 0.04},
	{"forced_marriage", 0.03}, {"gender_violence", 0.12}, {"child_abuse", 0.04},
}

var difficulties = weighted{
	{"funding", 0.30}, {"staff", 0.18}, {"bureaucracy", 0.17}, {"housing_access", 0.12},
	{"language_barriers", 0.07}, {"public_coordination", 0.08}, {"documents_permits", 0.07}, {"other", 0.01},
}

var nationalities = weighted{{"italian", 0.88}, {"eu", 0.03}, {"non_eu", 0.09}}

var bodyWords = []string{"Il Ponte", "Nuovi Orizzonti", "Insieme", "Mondo Aperto", "L'Approdo", "Terra Comune",
	"La Bussola", "Accoglienza", "Solidarietà", "Crocevia", "Porte Aperte", "Arcobaleno", "Il Faro", "Radici",
	"Intercultura", "Casa dei Popoli", "Germogli", "Nuova Rotta", "Orizzonte", "Passaggi", "Rete Amica", "Kairos"}

var formPrefix = map[string]string{
	"social_cooperative_a": "Cooperativa sociale", "social_cooperative_b": "Cooperativa sociale",
	"social_cooperative_consortium": "Consorzio", "association_unrecognised": "Associazione",
	"association_recognised": "Associazione", "foundation": "Fondazione", "religious_body": "Opera",
	"social_enterprise": "Impresa sociale", "committee": "Comitato", "other": "Ente",
}
