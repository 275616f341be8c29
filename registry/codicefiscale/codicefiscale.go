package codicefiscale

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Kind says whether a code is a person's codice fiscale or a body's 11-digit
// code (which is also its partita IVA when it has one).
type Kind int

// The kinds of code. The zero value is KindUnknown.
const (
	KindUnknown Kind = iota // the length is neither 16 nor 11
	KindPerson              // 16 characters: a natural person
	KindBody                // 11 digits: a company, association or other body; a partita IVA
)

// String returns "person", "body" or "unknown".
func (k Kind) String() string {
	switch k {
	case KindPerson:
		return "person"
	case KindBody:
		return "body"
	}
	return "unknown"
}

// MarshalText encodes k as its String.
func (k Kind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// UnmarshalText decodes the output of MarshalText.
func (k *Kind) UnmarshalText(b []byte) error {
	v, err := ParseKind(string(b))
	if err != nil {
		return err
	}
	*k = v
	return nil
}

// ParseKind parses "person", "body" or "unknown".
func ParseKind(s string) (Kind, error) {
	switch s {
	case "person":
		return KindPerson, nil
	case "body":
		return KindBody, nil
	case "unknown":
		return KindUnknown, nil
	}
	return KindUnknown, fmt.Errorf("codicefiscale: unknown kind %q", s)
}

// Normalize turns a code as people type it into the canonical form that
// Validate expects. It is never applied implicitly: call it when your input
// comes from people, not when it comes from a register that should already
// hold canonical codes. It
//
//   - removes every Unicode white-space character and the separators '-', '.'
//     and ':' (anywhere, so it also trims);
//   - upper-cases letters;
//   - drops a leading "IT" (the VAT country prefix) when exactly 11 characters
//     follow it — a person's code can never begin with "IT", because its
//     first letter is a vowel only when the surname has no consonant.
//
// It does not pad short numbers with zeros ("711710764" stays 9 digits long
// and invalid) and does not remove any other character, so "44444+44440"
// stays invalid. Normalize of an already canonical code returns it unchanged.
func Normalize(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case unicode.IsSpace(r), r == '-', r == '.', r == ':':
			continue
		case r >= 'a' && r <= 'z':
			b.WriteByte(byte(r) - 'a' + 'A')
		default:
			b.WriteString(strings.ToUpper(string(r)))
		}
	}
	out := b.String()
	if len(out) == 13 && strings.HasPrefix(out, "IT") {
		out = out[2:]
	}
	return out
}

// Validate checks code as a person's codice fiscale when it has 16
// characters and as a body's 11-digit code (partita IVA) when it has 11, and
// says which kind it is. It does not normalise: lower case, spaces and an
// "IT" prefix are errors; call Normalize first when the input is typed by
// people.
//
// When the length is 16 or 11 the Kind is returned even with an error, so a
// caller can say "invalid person code"; otherwise it is KindUnknown. The
// error is an *Error wrapping ErrEmpty, ErrLength, ErrCharacter, ErrCheck,
// ErrDate, ErrSerial or ErrOfficeCode.
func Validate(code string) (Kind, error) {
	switch n := length(code); n {
	case 0:
		return KindUnknown, &Error{Err: ErrEmpty}
	case personLen:
		return KindPerson, ValidatePerson(code)
	case bodyLen:
		return KindBody, ValidateBody(code)
	default:
		return KindUnknown, &Error{Err: ErrLength, Got: strconv.Itoa(n), Expected: "16 or 11"}
	}
}

// length counts characters (runes), so that an accented letter counts once
// and is then reported as a character error at its position.
func length(s string) int {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return utf8.RuneCountInString(s)
		}
	}
	return len(s)
}

// nonASCII returns the 1-based position and the text of the first
// non-ASCII character of s, which has n characters.
func nonASCII(s string) (int, string) {
	pos := 0
	for i, r := range s {
		pos++
		if r >= utf8.RuneSelf || s[i] >= utf8.RuneSelf {
			return pos, string(r)
		}
	}
	return 0, ""
}

func checkLength(code string, kind Kind, want int) error {
	n := length(code)
	if n == 0 {
		return &Error{Err: ErrEmpty, Kind: kind}
	}
	if n != want {
		return &Error{Err: ErrLength, Kind: kind, Got: strconv.Itoa(n), Expected: strconv.Itoa(want)}
	}
	if len(code) != want { // right number of runes, but some are not ASCII
		pos, got := nonASCII(code)
		exp := ExpectDigit
		if kind == KindPerson {
			exp = personClass[pos-1]
		}
		return &Error{Err: ErrCharacter, Kind: kind, Pos: pos, Got: got, Expected: exp}
	}
	return nil
}
