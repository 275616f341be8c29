package codicefiscale

import (
	"fmt"
	"time"

	"github.com/openregistro/registro/registry/territory"
)

const personLen = 16

// Sex is the sex written in a person's code: 'M' (day 01–31) or 'F' (day
// 41–71, the day plus 40).
type Sex byte

// The two values of Sex.
const (
	Male   Sex = 'M'
	Female Sex = 'F'
)

// String returns "M" or "F" ("" for the zero value).
func (s Sex) String() string {
	switch s {
	case Male, Female:
		return string(rune(s))
	}
	return ""
}

// MarshalText encodes s as "M" or "F".
func (s Sex) MarshalText() ([]byte, error) {
	if s != Male && s != Female {
		return nil, fmt.Errorf("codicefiscale: invalid sex %d", byte(s))
	}
	return []byte{byte(s)}, nil
}

// UnmarshalText decodes "M" or "F".
func (s *Sex) UnmarshalText(b []byte) error {
	v, err := ParseSex(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// ParseSex parses "M" or "F".
func ParseSex(s string) (Sex, error) {
	switch s {
	case "M":
		return Male, nil
	case "F":
		return Female, nil
	}
	return 0, fmt.Errorf("codicefiscale: invalid sex %q (want M or F)", s)
}

// Person is what a person's codice fiscale says about its holder.
type Person struct {
	Code      string    // the code as validated
	BirthDate time.Time // midnight UTC of the birth date, century resolved against the reference date
	Sex       Sex
	// PlaceCode is the place of birth with omocodia undone: the cadastral
	// code of the comune ("H501"), or "Z" and 3 digits for a foreign country.
	PlaceCode string
	Abroad    bool // PlaceCode starts with 'Z'
	// Comune is the comune of birth: the period of the comune with cadastral
	// code PlaceCode valid on BirthDate in the territory given to
	// DecodePerson, so a comune since suppressed or renamed is found as it
	// was. Nil when born abroad or when no comune had that code on that day
	// (a made-up code, or one the territory lacks), which is not an error.
	Comune *territory.Comune
	// Country is the foreign state of birth, for a PlaceCode starting with
	// 'Z': the state with that code valid on BirthDate (Z105
	// Cecoslovacchia for a birth in 1985). Nil when born in Italy or when no
	// state had that code on that day.
	Country *territory.Country
	// Omocodic is true when any digit was replaced by a letter to tell
	// apart people who would otherwise share the code.
	Omocodic bool
}

// personClass is the class of character allowed at each position of a
// person's code.
var personClass = [personLen]string{
	ExpectLetter, ExpectLetter, ExpectLetter, // surname
	ExpectLetter, ExpectLetter, ExpectLetter, // name
	ExpectDigitOrOmo, ExpectDigitOrOmo, // year
	ExpectMonthLetter,
	ExpectDigitOrOmo, ExpectDigitOrOmo, // day (+40 for women)
	ExpectLetter, ExpectDigitOrOmo, ExpectDigitOrOmo, ExpectDigitOrOmo, // place
	ExpectLetter, // check character
}

// omoDigit maps an omocodia letter to the digit it replaces; -1 elsewhere.
var omoDigit = func() (t [256]int8) {
	for i := range t {
		t[i] = -1
	}
	for d, c := range "LMNPQRSTUV" {
		t[c] = int8(d)
	}
	return t
}()

// monthOf maps a month letter to the month (1–12); 0 elsewhere.
var monthOf = func() (t [256]uint8) {
	for m, c := range "ABCDEHLMPRST" {
		t[c] = uint8(m + 1)
	}
	return t
}()

// oddValue is the value of a character at an odd position (1st, 3rd, …) in
// the check-character sum; even positions use the digit's value or the
// letter's index (A=0 … Z=25).
var oddValue = func() (t [256]uint8) {
	vals := [26]uint8{1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23}
	for i, v := range vals {
		t['A'+i] = v
		if i < 10 {
			t['0'+i] = v
		}
	}
	return t
}()

func isUpper(c byte) bool { return c >= 'A' && c <= 'Z' }
func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// CheckCharacter computes the check character (16th) of a person's code from
// its first 15 characters, which must be upper-case letters and digits; it
// returns 0 for anything else.
func CheckCharacter(first15 string) byte {
	if len(first15) != personLen-1 {
		return 0
	}
	sum := 0
	for i := 0; i < personLen-1; i++ {
		c := first15[i]
		switch {
		case isUpper(c):
			if i%2 == 0 {
				sum += int(oddValue[c])
			} else {
				sum += int(c - 'A')
			}
		case isDigit(c):
			if i%2 == 0 {
				sum += int(oddValue[c])
			} else {
				sum += int(c - '0')
			}
		default:
			return 0
		}
	}
	return byte('A' + sum%26)
}

// ValidatePerson checks a person's codice fiscale: 16 characters, letters and
// digits in their places (omocodia letters L M N P Q R S T U V accepted
// in place of any of the 7 digits), the check character, a month letter and
// a day that exist. The year has no century, so 29 February is accepted for
// year 00 (2000 was a leap year); DecodePerson resolves the century and
// checks again. The place code is not looked up: a code from an abolished
// comune is valid. No normalisation: lower case is an error.
//
// The error is an *Error wrapping ErrEmpty, ErrLength, ErrCharacter, ErrCheck
// or ErrDate, reported in that order of precedence (the first character at
// fault wins).
func ValidatePerson(code string) error {
	_, err := parsePerson(code)
	return err
}

// fields is a person's code taken apart.
type fields struct {
	yy, month, day int
	sex            Sex
	place          [4]byte
	omocodic       bool
}

func parsePerson(code string) (fields, error) {
	var f fields
	if err := checkLength(code, KindPerson, personLen); err != nil {
		return f, err
	}
	var digits [personLen]int8 // the digit each digit-or-omocodia position stands for
	for i := 0; i < personLen; i++ {
		c := code[i]
		ok := false
		switch personClass[i] {
		case ExpectLetter:
			ok = isUpper(c)
		case ExpectMonthLetter:
			ok = monthOf[c] != 0
		case ExpectDigitOrOmo:
			if isDigit(c) {
				ok, digits[i] = true, int8(c-'0')
			} else if d := omoDigit[c]; d >= 0 {
				ok, digits[i], f.omocodic = true, d, true
			}
		}
		if !ok {
			return f, &Error{Err: ErrCharacter, Kind: KindPerson, Pos: i + 1, Got: string(rune(c)), Expected: personClass[i]}
		}
	}
	if want := CheckCharacter(code[:15]); code[15] != want {
		return f, &Error{Err: ErrCheck, Kind: KindPerson, Pos: 16, Got: string(rune(code[15])), Expected: string(rune(want))}
	}
	f.yy = int(digits[6])*10 + int(digits[7])
	f.month = int(monthOf[code[8]])
	day := int(digits[9])*10 + int(digits[10])
	f.sex = Male
	if day > 40 {
		f.sex, day = Female, day-40
	}
	f.day = day
	reason := ""
	switch {
	case day < 1 || day > 31:
		reason = dateDayRange
	case f.month == 2 && day == 29 && f.yy%4 != 0:
		reason = dateNotLeap
	case day > daysIn(f.month):
		reason = dateNoSuchDay
	}
	if reason != "" {
		written := fmt.Sprintf("%02d-%02d-%02d", f.yy, f.month, int(digits[9])*10+int(digits[10]))
		return f, &Error{Err: ErrDate, Kind: KindPerson, Pos: 10, Got: written, Expected: reason}
	}
	f.place = [4]byte{code[11], '0' + byte(digits[12]), '0' + byte(digits[13]), '0' + byte(digits[14])}
	return f, nil
}

// daysIn is the most days month m can have (29 for February).
func daysIn(m int) int {
	switch m {
	case 2:
		return 29
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// DecodePerson validates code as ValidatePerson does and decodes it.
//
// The code has only two digits of the year. DecodePerson puts the birth
// date in the 100 years up to and including ref's date (in ref's location):
// a person born on or before ref and after the same day 100 years earlier.
// Pass the date the code was issued or collected, not necessarily today; a
// person over 100 years old at ref is decoded a century too young, which no
// code can tell apart. A 29 February that does not exist in the resolved
// year (1900, 2100) is ErrDate.
//
// The place of birth is looked up in t (the caller's territory, such as
// registry.Registry.Territory or territory.Default; nil looks nothing up) as
// it was on the birth date: the comune valid on that day, including comuni
// suppressed since, or for a code starting with 'Z' the foreign state,
// including states that no longer exist. A place code that names nothing on
// that day decodes with a nil Comune and Country and no error.
func DecodePerson(code string, ref time.Time, t *territory.Territory) (Person, error) {
	f, err := parsePerson(code)
	if err != nil {
		return Person{}, err
	}
	ry, rm, rd := ref.Date()
	year := ry - mod(ry, 100) + f.yy
	if year > ry || year == ry && (f.month > int(rm) || f.month == int(rm) && f.day > rd) {
		year -= 100 // after ref: the previous century
	}
	birth := time.Date(year, time.Month(f.month), f.day, 0, 0, 0, 0, time.UTC)
	if birth.Day() != f.day { // 29 February of a year that is not leap
		return Person{}, &Error{Err: ErrDate, Kind: KindPerson, Pos: 10,
			Got: fmt.Sprintf("%04d-%02d-%02d", year, f.month, f.day), Expected: dateNotLeap}
	}
	p := Person{
		Code:      code,
		BirthDate: birth,
		Sex:       f.sex,
		PlaceCode: string(f.place[:]),
		Abroad:    f.place[0] == 'Z',
		Omocodic:  f.omocodic,
	}
	switch {
	case t == nil:
	case p.Abroad:
		if c, ok := t.CountryOn(p.PlaceCode, birth); ok {
			p.Country = &c
		}
	default:
		if c, ok := t.ComuneByCadastralOn(p.PlaceCode, birth); ok {
			p.Comune = &c
		}
	}
	return p, nil
}

// mod is the non-negative remainder of a/b.
func mod(a, b int) int {
	m := a % b
	if m < 0 {
		m += b
	}
	return m
}
