package schemas

// Pattern returns the regular expression (valid in ECMAScript and RE2) the
// schemas use for a validate rule of the tag convention — "cf", "cfbody",
// "sigla", "comune", "region", "numeric", "hexadecimal", "iso3166_1_alpha2" —
// and "" for any other rule. They check the shape only; the Go pipeline
// checks check digits and existence.
func Pattern(rule string) string {
	switch rule {
	case "cf":
		return `^[A-Z]{6}[0-9LMNPQRSTUV]{2}[ABCDEHLMPRST][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z]$`
	case "cfbody":
		return `^[0-9]{11}$`
	case "sigla", "iso3166_1_alpha2":
		return `^[A-Z]{2}$`
	case "comune":
		return `^[0-9]{6}$`
	case "region":
		return `^(0[1-9]|1[0-9]|2[0-2])$`
	case "numeric":
		return `^[-+]?[0-9]+(?:\.[0-9]+)?$` // go-playground/validator's numeric
	case "hexadecimal":
		return `^(0[xX])?[0-9a-fA-F]+$` // go-playground/validator's hexadecimal
	}
	return ""
}

// patternMessage returns a message naming what a known pattern stands for.
func patternMessage(pattern string) (it, en string, ok bool) {
	switch pattern {
	case Pattern("cf"):
		return "deve essere un codice fiscale di persona (16 caratteri, lettere maiuscole)", "must be a person's codice fiscale (16 characters, upper case)", true
	case Pattern("cfbody"):
		return "deve essere un codice fiscale di ente o partita IVA (11 cifre)", "must be a body's codice fiscale or partita IVA (11 digits)", true
	case Pattern("sigla"):
		return "deve essere una sigla di due lettere maiuscole (come \"MI\")", "must be a two-letter upper-case code (such as \"MI\")", true
	case Pattern("comune"):
		return "deve essere un codice ISTAT di comune (6 cifre)", "must be an ISTAT comune code (6 digits)", true
	case Pattern("region"):
		return "deve essere un codice ISTAT di regione (da \"01\" a \"20\", \"21\" e \"22\" per le province autonome)", "must be an ISTAT region code (\"01\" to \"20\"; \"21\" and \"22\" for the autonomous provinces)", true
	case Pattern("numeric"):
		return "deve contenere solo cifre", "must contain digits only", true
	case Pattern("hexadecimal"):
		return "deve essere un numero esadecimale", "must be a hexadecimal number", true
	}
	return "", "", false
}
