package territory

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
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
		return squeeze(strings.ToLower(s))
	}
	// Lower, decompose, drop the combining marks and lower again: some
	// capitals only reveal a lower-case base once decomposed, and some
	// lower-case letters decompose.
	lower := strings.Map(unicode.ToLower, strings.ToValidUTF8(s, " "))
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)))
	stripped, _, err := transform.String(t, lower)
	if err != nil {
		// Not reachable with valid UTF-8 input; fold what we have.
		stripped = lower
	}
	stripped = strings.Map(unicode.ToLower, stripped)
	return squeeze(strings.ReplaceAll(stripped, "ß", "ss"))
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// squeeze keeps letters and digits and turns every other run into one space.
func squeeze(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(r)
			continue
		}
		space = true
	}
	return b.String()
}
