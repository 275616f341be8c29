package problem

import "testing"

func TestMatchLang(t *testing.T) {
	tests := []struct {
		in   []string
		want Lang
	}{
		{[]string{"it"}, IT},
		{[]string{"it-IT"}, IT},
		{[]string{"it-CH"}, IT},
		{[]string{"en-GB"}, EN},
		{[]string{"de-AT, it;q=0.8, en;q=0.5"}, IT},
		{[]string{"fr-FR, en;q=0.9, it;q=0.8"}, EN},
		{[]string{"it;q=0.2, en;q=0.9"}, EN},
		{[]string{"de"}, EN},
		{[]string{""}, EN},
		{nil, EN},
		{[]string{"not a tag;;;"}, EN},
		{[]string{"zz", "it"}, IT},
	}
	for _, tt := range tests {
		if got := MatchLang(tt.in...); got != tt.want {
			t.Errorf("MatchLang(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestLanguagesParse: every shipped language parses with ParseLang and
// matches itself.
func TestLanguagesParse(t *testing.T) {
	for _, l := range Languages() {
		got, err := ParseLang(string(l))
		if err != nil || got != l {
			t.Errorf("ParseLang(%q) = %q, %v", l, got, err)
		}
		if m := MatchLang(string(l)); m != l {
			t.Errorf("MatchLang(%q) = %q", l, m)
		}
	}
}
