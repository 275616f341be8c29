// Package codicefiscale validates and decodes Italian tax codes: the
// 16-character codice fiscale of a person and the 11-digit codice fiscale of
// a body, which is also its partita IVA (VAT number) when it has one.
//
// Validate accepts either and says which kind it is; ValidatePerson and
// ValidateBody check one kind; DecodePerson also reads the birth date, sex
// and place of birth out of a person's code, and finds the comune of birth in
// the territory package.
//
// # Normalisation
//
// Validation never changes its input: "rccmnl83s18d969h", "IT00743110157" and
// "00743 110 157" are invalid. Normalize is the one explicit step that
// removes spaces and the separators '-', '.' and ':', upper-cases, and drops
// an "IT" VAT prefix; call it on input typed by people, then validate.
//
// # Errors
//
// Every error is an *Error carrying the position, what was found and what
// was expected, with messages in English (Error) and Italian (MessageIT). It
// unwraps to one sentinel, for errors.Is; every sentinel is of kind invalid
// (problem.KindOf):
//
//	ErrEmpty       the empty string
//	ErrLength      neither 16 nor 11 characters (or not the length of the kind asked for)
//	ErrCharacter   a character not allowed at its position (including the month letter)
//	ErrCheck       the check character does not match
//	ErrDate        the birth date does not exist (day 32, 31 April, 29 February of a non-leap year)
//	ErrSerial      an 11-digit code whose first 7 digits are zero
//	ErrOfficeCode  an 11-digit code whose office code is not in use
//
// A place of birth that is not in today's list of comuni is not an error:
// people born in comuni that have since merged or been abolished keep their
// codes, and DecodePerson finds the comune, or the foreign state, as it was
// on the birth date. Messages never repeat the whole code, which is personal
// data.
//
// For 11-digit codes the office-code rule is the partita IVA one (001–100,
// 120, 121, 888, 999); see ValidateBody for the codes Sogei's own check
// accepts beyond it and how to accept them.
//
// # Concurrency
//
// Every function is safe for concurrent use; the package has no mutable
// state.
package codicefiscale
