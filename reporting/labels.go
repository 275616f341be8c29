package reporting

import "github.com/openregistro/registro/schemas/problem"

// labels holds the Italian and English texts of the report that are not
// code-list labels: table titles, columns and the report's own rows.
// Code-list rows take their labels from package codelist.
var labels = map[string]problem.Text{
	// Columns.
	"col.section_i":    {IT: "Sezione I", EN: "Section I"},
	"col.section_ii":   {IT: "Sezione II", EN: "Section II"},
	"col.value":        {IT: "Valore", EN: "Value"},
	"col.bodies":       {IT: "Enti", EN: "Bodies"},
	"col.persons":      {IT: "Persone", EN: "People"},
	"col.foreign_born": {IT: "di cui nate all'estero", EN: "of whom foreign-born"},

	// Rows of the report's own.
	"row.total":                {IT: "Totale", EN: "Total"},
	"row.section_i":            {IT: "Iscritti alla Sezione I", EN: "Enrolled in Section I"},
	"row.section_ii":           {IT: "Iscritti alla Sezione II", EN: "Enrolled in Section II"},
	"row.both":                 {IT: "Iscritti a entrambe le sezioni", EN: "Enrolled in both sections"},
	"row.none":                 {IT: "Nessuno", EN: "None"},
	"row.not_stated":           {IT: "Non indicato", EN: "Not stated"},
	"row.with_partners":        {IT: "In partenariato", EN: "In partnership"},
	"row.without_partners":     {IT: "Senza partenariato", EN: "Without partnership"},
	"row.ongoing":              {IT: "In corso a fine anno", EN: "Ongoing at year end"},
	"row.with_ukrainians":      {IT: "Con beneficiari ucraini", EN: "With Ukrainian beneficiaries"},
	"row.minors":               {IT: "Minori (0-17 anni)", EN: "Minors (0-17)"},
	"row.unaccompanied_minors": {IT: "Minori stranieri non accompagnati", EN: "Unaccompanied foreign minors"},
	"row.ukrainian":            {IT: "Cittadini ucraini", EN: "Ukrainian citizens"},
	"row.cultural_mediators":   {IT: "di cui mediatori culturali", EN: "of whom cultural mediators"},
	"row.residential_places":   {IT: "Posti in strutture di accoglienza", EN: "Residential places"},
	"row.permits_requested":    {IT: "Permessi art. 18 richiesti", EN: "Art. 18 permits requested"},
	"row.permits_obtained":     {IT: "Permessi art. 18 ottenuti", EN: "Art. 18 permits obtained"},
	"row.people_involved":      {IT: "Persone in percorsi di inclusione", EN: "People in inclusion paths"},
	"row.bodies_active":        {IT: "Enti attivi per cittadini ucraini", EN: "Bodies active for Ukrainian citizens"},
	"row.focus_beneficiaries":  {IT: "Cittadini ucraini raggiunti", EN: "Ukrainian citizens reached"},
	"row.projects_ukrainians":  {IT: "Progetti con beneficiari ucraini", EN: "Projects with Ukrainian beneficiaries"},
	"row.ukrainians_projects":  {IT: "Beneficiari ucraini dei progetti", EN: "Ukrainian beneficiaries of projects"},
	"total.bodies":             {IT: "Enti", EN: "Bodies"},
	"total.bodies_distinct":    {IT: "Enti (senza doppi conteggi)", EN: "Bodies (counted once)"},
	"total.projects":           {IT: "Progetti", EN: "Projects"},
	"total.funds":              {IT: "Totale fondi", EN: "Total funds"},
	"total.beneficiaries":      {IT: "Beneficiari", EN: "Beneficiaries"},
	"total.persons":            {IT: "Totale persone", EN: "Total people"},
	"total.bodies_programme":   {IT: "Enti con programma", EN: "Bodies with a programme"},
	"total.bodies_labour":      {IT: "Enti con dati di inclusione", EN: "Bodies reporting inclusion"},
	"total.bodies_active":      {IT: "Enti attivi", EN: "Active bodies"},
	"total.victims":            {IT: "Vittime prese in carico", EN: "Victims taken in charge"},
	"part.bodies":              {IT: "Parte 1 — Gli enti", EN: "Part 1 — The bodies"},
	"part.section_i_projects":  {IT: "Parte 2 — Progetti della Sezione I", EN: "Part 2 — Section I projects"},
	"part.section_ii_projects": {IT: "Parte 3 — Progetti e programmi della Sezione II", EN: "Part 3 — Section II projects and programmes"},
	"part.focus_ukraine":       {IT: "Focus — Attività per cittadini ucraini", EN: "Focus — Activities for Ukrainian citizens"},
	"report.title":             {IT: "Registro delle associazioni e degli enti che svolgono attività a favore degli immigrati — Rapporto", EN: "Register of bodies working for immigrants — Annual report"},
	"report.year":              {IT: "Anno di riferimento", EN: "Reporting year"},
	"report.scope":             {IT: "Ambito", EN: "Scope"},
	"report.filings":           {IT: "Questionari", EN: "Questionnaires"},
	"report.suppressed":        {IT: "c = dato riservato (segreto statistico: valori della Sezione II inferiori a %d e celle complementari)", EN: "c = confidential (Section II values below %d and complementary cells)"},
	"report.previous":          {IT: "Variazioni rispetto al %d", EN: "Changes from %d"},
	"report.multi":             {IT: "Risposta multipla: le righe possono superare il totale.", EN: "Multiple answers: rows may add up to more than the total."},
	"report.share":             {IT: "Quota", EN: "Share"},
	"report.not_collected":     {IT: "«:» dato non rilevato dal questionario.", EN: "\":\" not collected by the questionnaire."},
	"report.contents":          {IT: "Indice", EN: "Contents"},
	"report.mean":              {IT: "media %s", EN: "mean %s"},
	"report.mean_note":         {IT: "Le righe con un'unità propria (tra parentesi) non sono parte del totale: per esse si indica la media per unità del totale (%s), non una quota.", EN: "Rows with a unit of their own (in brackets) are not part of the total: they show the mean per unit of the total (%s), not a share."},
	"report.change":            {IT: "Var.", EN: "Change"},
	"report.code":              {IT: "Codice", EN: "Code"},
	"report.label":             {IT: "Voce", EN: "Item"},
	"scope.country":            {IT: "Italia", EN: "Italy"},
	"unit.bodies":              {IT: "enti", EN: "bodies"},
	"unit.projects":            {IT: "progetti", EN: "projects"},
	"unit.persons":             {IT: "persone", EN: "people"},
	"unit.places":              {IT: "posti", EN: "places"},
	"unit.euro_cents":          {IT: "euro", EN: "euro"},
	"service.title":            {IT: "Indicatori di qualità del servizio", EN: "Service-quality indicators"},
	"service.received":         {IT: "Domande ricevute", EN: "Applications received"},
	"service.concluded":        {IT: "Procedimenti conclusi", EN: "Procedures concluded"},
	"service.concluded_share":  {IT: "Conclusi su ricevuti", EN: "Concluded over received"},
	"service.within_deadline":  {IT: "Decise entro 90 giorni", EN: "Decided within 90 days"},
	"service.within_share":     {IT: "Quota decisa entro 90 giorni", EN: "Share decided within 90 days"},
	"service.median_days":      {IT: "Giorni alla decisione (mediana)", EN: "Days to decision (median)"},
	"service.p90_days":         {IT: "Giorni alla decisione (90° percentile)", EN: "Days to decision (90th percentile)"},
	"service.open_past":        {IT: "Domande aperte oltre il termine", EN: "Open applications past the deadline"},
	"service.as_of":            {IT: "Alla data", EN: "As of"},
}

// label returns the label for key, or the key in both languages when it is
// missing (a test checks every key the layout uses is present).
func label(key string) problem.Text {
	if l, ok := labels[key]; ok {
		return l
	}
	return problem.Text{IT: key, EN: key}
}
