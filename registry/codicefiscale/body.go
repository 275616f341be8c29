package codicefiscale

const bodyLen = 11

// CheckDigit computes the check digit (11th) of a body's code from its first
// 10 digits: digits at odd positions (1st, 3rd, …) are added as they are,
// digits at even positions are doubled (minus 9 when over 9), and the check
// digit is (10 − sum mod 10) mod 10. It returns 0 for anything but 10 digits.
func CheckDigit(first10 string) byte {
	if len(first10) != bodyLen-1 {
		return 0
	}
	sum := 0
	for i := 0; i < bodyLen-1; i++ {
		c := first10[i]
		if !isDigit(c) {
			return 0
		}
		d := int(c - '0')
		if i%2 == 1 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return byte('0' + (10-sum%10)%10)
}

// ValidateBody checks the 11-digit codice fiscale of a body, which is also
// its partita IVA when it has one. The rule is the formal check the Agenzia
// delle Entrate applies to a partita IVA (DM 23 December 1976 and later
// decrees):
//
//   - 11 ASCII digits;
//   - the check digit (11th) computed as CheckDigit describes;
//   - the progressive number (digits 1–7) not all zero (ErrSerial);
//   - the office code (digits 8–10) one of 001–100 (provincial offices),
//     120 and 121 (offices for non-residents), 888 and 999 (codes assigned
//     centrally by the Agenzia delle Entrate) — ErrOfficeCode otherwise.
//
// Sogei's own formal check (UCheckNum) also accepts, as numeric codici
// fiscali that are not partite IVA, some codes with office codes outside
// that list (seen in the test data: 444, 604, 629, 632, 654, 707), while it
// rejects others (835, 890, 963); the ranges it uses are not published, so
// ValidateBody rejects every office code outside the list above. A caller
// that must accept such legacy codes can accept an error for which
// errors.Is(err, ErrOfficeCode) holds: all other checks passed by then.
//
// No normalisation: separators and an "IT" prefix are errors; call
// Normalize first for typed input. The error is an *Error wrapping ErrEmpty,
// ErrLength, ErrCharacter, ErrCheck, ErrSerial or ErrOfficeCode, reported in
// that order of precedence.
func ValidateBody(code string) error {
	if err := checkLength(code, KindBody, bodyLen); err != nil {
		return err
	}
	for i := 0; i < bodyLen; i++ {
		if !isDigit(code[i]) {
			return &Error{Err: ErrCharacter, Kind: KindBody, Pos: i + 1, Got: string(rune(code[i])), Expected: ExpectDigit}
		}
	}
	if want := CheckDigit(code[:10]); code[10] != want {
		return &Error{Err: ErrCheck, Kind: KindBody, Pos: 11, Got: code[10:], Expected: string(rune(want))}
	}
	if code[:7] == "0000000" {
		return &Error{Err: ErrSerial, Kind: KindBody, Pos: 1, Got: code[:7]}
	}
	office := int(code[7]-'0')*100 + int(code[8]-'0')*10 + int(code[9]-'0')
	switch {
	case office >= 1 && office <= 100, office == 120, office == 121, office == 888, office == 999:
		return nil
	}
	return &Error{Err: ErrOfficeCode, Kind: KindBody, Pos: 8, Got: code[7:10]}
}
