package problem

import (
	"golang.org/x/text/language"
)

// Languages lists the languages every message is shipped in, English
// first: it is what a request matching none of them gets.
func Languages() []Lang { return []Lang{EN, IT} }

// langMatcher matches requested languages against Languages.
var langMatcher = language.NewMatcher([]language.Tag{language.English, language.Italian})

// MatchLang returns the shipped language that best fits what a client asks
// for: HTTP Accept-Language values ("de-AT, it;q=0.8, en;q=0.5"), or
// language tags as a --lang flag gives them ("it", "it-IT", "en-GB").
// Regional variants match their language (it-CH is Italian), the quality
// weights order the choice, and a request matching no shipped language
// (or malformed, or empty) gets English. It follows BCP 47 through
// golang.org/x/text/language, so that adding a language is adding it to
// Languages and the catalogue, not new parsing.
func MatchLang(requested ...string) Lang {
	var tags []language.Tag
	for _, r := range requested {
		ts, _, err := language.ParseAcceptLanguage(r)
		if err != nil {
			continue
		}
		tags = append(tags, ts...)
	}
	if len(tags) == 0 {
		return EN
	}
	_, i, conf := langMatcher.Match(tags...)
	if conf == language.No {
		return EN
	}
	return Languages()[i]
}
