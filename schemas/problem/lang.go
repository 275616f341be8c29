package problem

// Languages lists the languages every message is shipped in: those of
// [DefaultCatalog], English first (it is what a request matching none of
// them gets), then Italian, then any language shipped as a catalogue.
func Languages() []Lang { return DefaultCatalog().Languages() }

// MatchLang returns the shipped language that best fits what a client asks
// for: HTTP Accept-Language values ("de-AT, it;q=0.8, en;q=0.5"), or
// language tags as a --lang flag gives them ("it", "it-IT", "en-GB").
// Regional variants match their language (it-CH is Italian), the quality
// weights order the choice, and a request matching no shipped language
// (or malformed, or empty) gets English. It follows BCP 47 through
// golang.org/x/text/language, so that adding a language is adding its
// catalogue file (see [Catalog]), not new parsing.
func MatchLang(requested ...string) Lang { return DefaultCatalog().Match(requested...) }
