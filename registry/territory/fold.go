package territory

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Fold returns the key under which names are compared: lower case, accents
// removed ("Forlì" → "forli", "Südtirol" → "sudtirol"), "ß" spelt "ss", and
// every run of characters that are neither letters nor digits (spaces,
// apostrophes, hyphens, slashes, invalid UTF-8) turned into a single space,
// trimmed at both ends. So "Vallée d'Aoste", "VALLEE D AOSTE" and
// "vallee-d’aoste" all fold to "vallee d aoste". Fold(Fold(s)) == Fold(s).
func Fold(s string) string {
	if isASCII(s) {
		return squeeze(s)
	}
	// Lower, decompose (NFD), then squeeze drops the combining marks and
	// lowers again: some capitals only reveal a lower-case base once
	// decomposed, and some lower-case letters decompose.
	lower := strings.Map(unicode.ToLower, strings.ToValidUTF8(s, " "))
	return squeeze(norm.NFD.String(lower))
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// squeeze lowers letters, keeps letters and digits, drops combining marks
// (Mn), spells "ß" "ss" and turns every other run into one space.
func squeeze(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		switch {
		case r < utf8.RuneSelf && ('a' <= r && r <= 'z' || '0' <= r && r <= '9'):
		case 'A' <= r && r <= 'Z':
			r += 'a' - 'A'
		case r < utf8.RuneSelf:
			space = true
			continue
		case unicode.Is(unicode.Mn, r):
			continue
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			r = unicode.ToLower(r)
		default:
			space = true
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		if r == 'ß' {
			b.WriteString("ss")
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}
