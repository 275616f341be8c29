package codicefiscale_test

import (
	"strings"
	"testing"
	"time"

	"github.com/openregistro/registro/registry/codicefiscale"
	"github.com/openregistro/registro/registry/territory"
)

// checkChar recomputes a person's check character from the official odd and
// even tables (DM 23 December 1976),
// independently of the package: omocodia letters count as letters, as the
// algorithm says.
func checkChar(first15 string) byte {
	const alnum = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	odd := map[byte]int{}
	oddVals := []int{1, 0, 5, 7, 9, 13, 15, 17, 19, 21}
	letterVals := []int{1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23}
	for i, v := range oddVals {
		odd['0'+byte(i)] = v
	}
	for i, v := range letterVals {
		odd['A'+byte(i)] = v
	}
	sum := 0
	for i := 0; i < 15; i++ {
		c := first15[i]
		if i%2 == 0 {
			sum += odd[c]
		} else {
			idx := strings.IndexByte(alnum, c)
			if idx >= 10 {
				idx -= 10 // letters: A=0 … Z=25
			}
			sum += idx
		}
	}
	return "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[sum%26]
}

// luhn recomputes a body's check digit independently.
func luhn(first10 string) byte {
	sum := 0
	for i, c := range first10 {
		d := int(c - '0')
		if (i+1)%2 == 0 {
			d = d * 2
			d = d/10 + d%10
		}
		sum += d
	}
	return byte('0' + (10-sum%10)%10)
}

func FuzzValidate(f *testing.F) {
	for _, s := range []string{
		"RCCMNL83S18D969H", "RSSMRAQRCMNFNLRG", "MRSMSR81D60Z611H", "00743110157", "00743110158",
		"", "rccmnl83s18d969h", "IT - 01404480202", "CNTCHR83T32D969H", "RCCMNÀ83S18D969H", "\xff\xfe",
		"XXXXXX00B29H501Y", "00000000000",
	} {
		f.Add(s)
	}
	ref := time.Date(2025, time.June, 15, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, s string) {
		for _, code := range []string{s, codicefiscale.Normalize(s)} {
			kind, err := codicefiscale.Validate(code)
			if err != nil {
				if _, ok := err.(*codicefiscale.Error); !ok {
					t.Fatalf("Validate(%q): error %T is not *Error", code, err)
				}
				if err.Error() == "" || err.(*codicefiscale.Error).MessageIT() == "" {
					t.Fatalf("Validate(%q): empty message", code)
				}
			}
			p, derr := codicefiscale.DecodePerson(code, ref, territory.Default())
			if err != nil {
				if kind == codicefiscale.KindPerson && derr == nil {
					t.Fatalf("DecodePerson(%q) accepted a code Validate rejects: %v", code, err)
				}
				continue
			}
			switch kind {
			case codicefiscale.KindPerson:
				if len(code) != 16 || code[15] != checkChar(code[:15]) {
					t.Fatalf("Validate(%q) accepted a wrong check character (want %c)", code, checkChar(code[:15]))
				}
				// Only 29 February 00 may fail once the century is known (1900).
				if derr != nil && !strings.Contains(derr.Error(), "-02-29") {
					t.Fatalf("DecodePerson(%q): %v", code, derr)
				}
				if derr == nil && (p.BirthDate.After(ref) || !p.BirthDate.After(ref.AddDate(-100, 0, 0))) {
					t.Fatalf("DecodePerson(%q): birth date %v outside the century before %v", code, p.BirthDate, ref)
				}
			case codicefiscale.KindBody:
				if len(code) != 11 || code[10] != luhn(code[:10]) {
					t.Fatalf("Validate(%q) accepted a wrong check digit (want %c)", code, luhn(code[:10]))
				}
			default:
				t.Fatalf("Validate(%q) = %v, nil", code, kind)
			}
		}
		// Whatever the first characters, only the recomputed check
		// character may be accepted in last place.
		if len(s) == 16 {
			for c := byte('A'); c <= 'Z'; c++ {
				code := s[:15] + string(rune(c))
				if codicefiscale.ValidatePerson(code) == nil && c != checkChar(s[:15]) {
					t.Fatalf("ValidatePerson(%q) accepted check character %c, want %c", code, c, checkChar(s[:15]))
				}
			}
		}
		if len(s) == 11 {
			for c := byte('0'); c <= '9'; c++ {
				code := s[:10] + string(rune(c))
				if codicefiscale.ValidateBody(code) == nil && c != luhn(s[:10]) {
					t.Fatalf("ValidateBody(%q) accepted check digit %c, want %c", code, c, luhn(s[:10]))
				}
			}
		}
		n := codicefiscale.Normalize(s)
		if codicefiscale.Normalize(n) != n {
			t.Fatalf("Normalize not idempotent on %q", s)
		}
	})
}
