package codicefiscale

import (
	"fmt"
	"strings"

	"github.com/openregistro/registro/schemas/problem"
)

// Sentinel errors. Every error returned by this package is an *Error whose
// Unwrap method returns one of them, so callers branch with errors.Is. All
// are of kind problem.KindInvalid.
var (
	// ErrEmpty: the code is the empty string.
	ErrEmpty = problem.NewError(problem.KindInvalid, "codicefiscale: empty code")
	// ErrLength: the code has the wrong number of characters.
	ErrLength = problem.NewError(problem.KindInvalid, "codicefiscale: wrong length")
	// ErrCharacter: a character is not allowed at its position (this
	// includes a month letter that is not one of A B C D E H L M P R S T).
	ErrCharacter = problem.NewError(problem.KindInvalid, "codicefiscale: character not allowed")
	// ErrCheck: the check character (16th of a person's code, 11th digit of
	// a body's) does not match the ones before it.
	ErrCheck = problem.NewError(problem.KindInvalid, "codicefiscale: wrong check character")
	// ErrDate: the birth date written in a person's code does not exist.
	ErrDate = problem.NewError(problem.KindInvalid, "codicefiscale: birth date does not exist")
	// ErrSerial: the first 7 digits of an 11-digit code (the progressive
	// number) are all zero.
	ErrSerial = problem.NewError(problem.KindInvalid, "codicefiscale: progressive number is zero")
	// ErrOfficeCode: digits 8–10 of an 11-digit code are not an office code
	// in use (001–100, 120, 121, 888, 999).
	ErrOfficeCode = problem.NewError(problem.KindInvalid, "codicefiscale: office code not assigned")
)

// Expected values of an ErrCharacter *Error: the class of characters allowed
// at the position.
const (
	ExpectLetter      = "letter A-Z"
	ExpectDigit       = "digit 0-9"
	ExpectDigitOrOmo  = "digit 0-9 or omocodia letter L M N P Q R S T U V"
	ExpectMonthLetter = "month letter A B C D E H L M P R S T"
)

var expectIT = map[string]string{
	ExpectLetter:      "una lettera A-Z",
	ExpectDigit:       "una cifra 0-9",
	ExpectDigitOrOmo:  "una cifra 0-9 o una lettera di omocodia L M N P Q R S T U V",
	ExpectMonthLetter: "una lettera del mese A B C D E H L M P R S T",
}

// Error describes what is wrong with a code. Err is the sentinel it wraps;
// the other fields depend on it:
//
//	ErrEmpty      no other field
//	ErrLength     Got the number of characters, Expected "16", "11" or "16 or 11"
//	ErrCharacter  Pos, Got the character (quoted with %q in messages), Expected
//	              one of the Expect… classes
//	ErrCheck      Pos (16 or 11), Got the character found, Expected the right one
//	ErrDate       Pos (10, the day), Got the date as written ("YY-MM-DD", or
//	              "YYYY-MM-DD" once DecodePerson resolved the century), Expected a
//	              short English reason
//	ErrSerial     Pos 1, Got the 7 digits
//	ErrOfficeCode Pos 8, Got the 3-digit office code
//
// The code itself is never part of the message: codici fiscali of people are
// personal data and messages end up in logs.
type Error struct {
	Err      error  // one of the sentinels above
	Kind     Kind   // what the code was checked as; KindUnknown when its length fits neither
	Pos      int    // 1-based position of the character at fault; 0 when not about one character
	Got      string // what the code holds (see the table above)
	Expected string // what it should hold (see the table above)
}

// Error returns the English message prefixed with "codicefiscale: ".
func (e *Error) Error() string { return "codicefiscale: " + e.Message("en") }

// Unwrap returns the sentinel, for errors.Is.
func (e *Error) Unwrap() error { return e.Err }

// MessageIT returns the message in Italian, without prefix.
func (e *Error) MessageIT() string { return e.Message("it") }

// Message returns the message in the language lang ("it" for Italian; any
// other value gives English), without the package prefix.
func (e *Error) Message(lang string) string {
	it := strings.EqualFold(lang, "it")
	switch e.Err {
	case ErrEmpty:
		if it {
			return "codice vuoto"
		}
		return "empty code"
	case ErrLength:
		if it {
			return fmt.Sprintf("lunghezza %s, attesi %s caratteri", e.Got, strings.ReplaceAll(e.Expected, " or ", " o "))
		}
		return fmt.Sprintf("length %s, expected %s characters", e.Got, e.Expected)
	case ErrCharacter:
		if it {
			exp := expectIT[e.Expected]
			if exp == "" {
				exp = e.Expected
			}
			return fmt.Sprintf("carattere %q in posizione %d: serve %s", e.Got, e.Pos, exp)
		}
		return fmt.Sprintf("character %q at position %d: expected a %s", e.Got, e.Pos, e.Expected)
	case ErrCheck:
		if it {
			return fmt.Sprintf("carattere di controllo errato: atteso %s, trovato %s", e.Expected, e.Got)
		}
		return fmt.Sprintf("check character wrong: expected %s, got %s", e.Expected, e.Got)
	case ErrDate:
		if it {
			return fmt.Sprintf("la data di nascita %s non esiste (%s)", e.Got, dateReasonIT[e.Expected])
		}
		return fmt.Sprintf("birth date %s does not exist (%s)", e.Got, e.Expected)
	case ErrSerial:
		if it {
			return fmt.Sprintf("le prime 7 cifre %s sono tutte zero", e.Got)
		}
		return fmt.Sprintf("first 7 digits %s are all zero", e.Got)
	case ErrOfficeCode:
		if it {
			return fmt.Sprintf("codice ufficio %s non attribuito (ammessi 001-100, 120, 121, 888, 999)", e.Got)
		}
		return fmt.Sprintf("office code %s not assigned (allowed 001-100, 120, 121, 888, 999)", e.Got)
	}
	if e.Err != nil {
		return e.Err.Error()
	}
	return "invalid code"
}

// Reasons used as Expected of an ErrDate *Error.
const (
	dateDayRange  = "day must be 01-31 for men, 41-71 for women"
	dateNoSuchDay = "no such day in that month"
	dateNotLeap   = "not a leap year"
)

var dateReasonIT = map[string]string{
	dateDayRange:  "il giorno deve essere 01-31 per gli uomini, 41-71 per le donne",
	dateNoSuchDay: "il mese non ha quel giorno",
	dateNotLeap:   "l'anno non è bisestile",
}
