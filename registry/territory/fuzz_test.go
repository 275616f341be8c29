package territory_test

import (
	"strings"
	"testing"
	"unicode"

	"github.com/openregistro/registro/registry/territory"
)

// FuzzFold checks that Fold and the name lookups never panic, that Fold is
// idempotent and yields only letters without a lower case of their own, digits, digits and single inner
// spaces, and that every comune FindComuni returns really has a name folding
// to the key.
func FuzzFold(f *testing.F) {
	for _, s := range []string{"Forlì", "Vallee d'Aoste", "Bolzano/Bozen", "Weinstraße", "İstanbul", "ǅ", "\xff", "  ", "Sant’Angelo", "Ⅻ", "ﬁ"} {
		f.Add(s)
	}
	tr := territory.Default()
	f.Fuzz(func(t *testing.T, s string) {
		k := territory.Fold(s)
		if k2 := territory.Fold(k); k2 != k {
			t.Fatalf("Fold not idempotent: %q → %q → %q", s, k, k2)
		}
		if strings.HasPrefix(k, " ") || strings.HasSuffix(k, " ") || strings.Contains(k, "  ") {
			t.Fatalf("Fold(%q) = %q: bad spacing", s, k)
		}
		for _, r := range k {
			if r != ' ' && !unicode.IsLetter(r) && !unicode.IsDigit(r) {
				t.Fatalf("Fold(%q) = %q holds %q", s, k, r)
			}
			if unicode.ToLower(r) != r {
				t.Fatalf("Fold(%q) = %q holds upper-case %q", s, k, r)
			}
		}
		for _, c := range tr.FindComuni(s) {
			if territory.Fold(c.Name) != k && territory.Fold(c.ItalianName) != k && territory.Fold(c.OtherName) != k {
				t.Fatalf("FindComuni(%q) returned %q", s, c.Name)
			}
		}
		tr.RegionByName(s)
		tr.ProvinceByName(s)
		tr.ProvinceBySigla(s)
		tr.ComuneByCadastral(s)
	})
}
