package problem

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"sort"
	"strings"
	"sync"

	"golang.org/x/text/language"
)

// catalogFiles holds the catalogues of the languages shipped beyond the two
// source languages, one TAG.json per language (see catalog/README.md).
//
//go:embed catalog
var catalogFiles embed.FS

// Catalog is the set of languages messages are shipped in and the
// translations into the languages beyond Italian and English.
//
// Italian and English are the source languages: every [Text] carries both,
// written where the message is. A further language is data — a catalogue
// mapping each message's English source text to its translation — so adding
// German for Bolzano/Bozen is adding a file, not changing a type or an API.
// A Catalog is safe for concurrent use; it is never modified after
// [NewCatalog] returns.
type Catalog struct {
	langs   []Lang                     // EN, IT, then the further languages by tag
	tags    []language.Tag             // parallel to langs, for the matcher
	matcher language.Matcher           // over tags
	tr      map[Lang]map[string]string // further language → English source → translation
}

// maxCatalogBytes bounds one catalogue file.
const maxCatalogBytes = 4 << 20

// NewCatalog returns the catalogue of Italian, English and one further
// language per file TAG.json at the root of fsys (other files are ignored).
// TAG is a BCP 47 language tag ("de", "fr", "de-CH"); the file is one JSON
// object mapping English source texts to non-empty translations. A file for
// it or en, an unparsable tag, two files for the same language, a file over
// 4 MiB or an empty translation is an error of kind [KindInvalid].
//
// NewCatalog does not check completeness: [Catalog.Gaps] does, against the
// messages the program declares ([Declared]).
func NewCatalog(fsys fs.FS) (*Catalog, error) {
	c := &Catalog{
		langs: []Lang{EN, IT},
		tags:  []language.Tag{language.English, language.Italian},
		tr:    map[Lang]map[string]string{},
	}
	names, err := fs.Glob(fsys, "*.json")
	if err != nil {
		return nil, invalidf("problem: catalogue: %v", err)
	}
	type extra struct {
		lang Lang
		tag  language.Tag
	}
	var extras []extra
	for _, name := range names {
		tag, err := language.Parse(strings.TrimSuffix(path.Base(name), ".json"))
		if err != nil {
			return nil, invalidf("problem: catalogue %s: the file name is not a language tag: %v", name, err)
		}
		l := Lang(tag.String())
		if l == IT || l == EN {
			return nil, invalidf("problem: catalogue %s: %s is a source language, written in the code, not in a catalogue", name, l)
		}
		if _, dup := c.tr[l]; dup {
			return nil, invalidf("problem: catalogue %s: a second file for %s", name, l)
		}
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, invalidf("problem: catalogue %s: %v", name, err)
		}
		if len(b) > maxCatalogBytes {
			return nil, invalidf("problem: catalogue %s: %d bytes, more than %d", name, len(b), maxCatalogBytes)
		}
		var m map[string]string
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, invalidf("problem: catalogue %s: want one JSON object of English source text to translation: %v", name, err)
		}
		for src, t := range m {
			if src == "" || strings.TrimSpace(t) == "" {
				return nil, invalidf("problem: catalogue %s: empty source or translation for %q", name, src)
			}
		}
		c.tr[l] = m
		extras = append(extras, extra{l, tag})
	}
	sort.Slice(extras, func(i, j int) bool { return extras[i].lang < extras[j].lang })
	for _, e := range extras {
		c.langs = append(c.langs, e.lang)
		c.tags = append(c.tags, e.tag)
	}
	c.matcher = language.NewMatcher(c.tags)
	return c, nil
}

var defaultCatalog = sync.OnceValue(func() *Catalog {
	sub, err := fs.Sub(catalogFiles, "catalog")
	if err != nil {
		panic("problem: embedded catalogue: " + err.Error())
	}
	c, err := NewCatalog(sub)
	if err != nil {
		// The catalogue is compiled in and loaded by the package's tests.
		panic(err.Error())
	}
	return c
})

// DefaultCatalog returns the catalogue shipped with Registro: Italian,
// English and every language embedded from schemas/problem/catalog. Each of
// its languages is complete: the package's tests fail when a declared
// message lacks a translation.
func DefaultCatalog() *Catalog { return defaultCatalog() }

// Languages lists the catalogue's languages: English first (what a request
// matching none of them gets), then Italian, then the further languages in
// the order of their tags.
func (c *Catalog) Languages() []Lang { return slices.Clone(c.langs) }

// Has reports whether l is one of the catalogue's languages.
func (c *Catalog) Has(l Lang) bool { return slices.Contains(c.langs, l) }

// Match returns the catalogue language that best fits what a client asks
// for: HTTP Accept-Language values ("de-AT, it;q=0.8, en;q=0.5") or language
// tags as a --lang flag gives them ("it", "it-IT", "en-GB"). Regional
// variants match their language (it-CH is Italian; de-AT is German when
// German is shipped), the quality weights order the choice, and a request
// matching no language of the catalogue (or malformed, or empty) gets
// English.
func (c *Catalog) Match(requested ...string) Lang {
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
	_, i, conf := c.matcher.Match(tags...)
	if conf == language.No {
		return EN
	}
	return c.langs[i]
}

// Parse returns the catalogue language named by the language tag s
// (case-insensitive: "it", "EN", "de"). Unlike [Catalog.Match] it does not
// negotiate: a region ("it-CH") or a language not shipped is an error of
// kind [KindInvalid] naming the languages there are.
func (c *Catalog) Parse(s string) (Lang, error) {
	tag, err := language.Parse(strings.TrimSpace(s))
	if err == nil {
		if l := Lang(tag.String()); c.Has(l) {
			return l, nil
		}
	}
	return "", invalidf("problem: unknown language %q (want %s)", s, c.list())
}

// list names the languages for messages: "it or en", "de, en or it".
func (c *Catalog) list() string {
	ls := make([]string, len(c.langs))
	for i, l := range c.langs {
		ls[i] = string(l)
	}
	sort.Strings(ls)
	if len(ls) == 1 {
		return ls[0]
	}
	return strings.Join(ls[:len(ls)-1], ", ") + " or " + ls[len(ls)-1]
}

// Text returns t in lang. Italian and English come from t itself (Italian
// falls back to English when t has none); a further language comes from its
// catalogue, looked up by t's English text, and falls back to English when
// the catalogue lacks it (which the tests forbid for shipped languages) or
// when lang is not in the catalogue.
func (c *Catalog) Text(t Text, lang Lang) string {
	switch lang {
	case EN:
		return t.EN
	case IT:
		if t.IT != "" {
			return t.IT
		}
		return t.EN
	}
	if s, ok := c.tr[lang][t.EN]; ok {
		return s
	}
	return t.EN
}

// Gaps lists, one line each, what keeps the catalogue from being complete
// for texts: a text without Italian or English, a text missing from a
// further language's catalogue, and an entry of a further language that no
// text uses (a stale translation). Nil means every text exists in every
// language of the catalogue.
func (c *Catalog) Gaps(texts []Text) []string {
	var gaps []string
	used := map[string]bool{}
	for _, t := range texts {
		if t.IT == "" || t.EN == "" {
			gaps = append(gaps, fmt.Sprintf("it/en: incomplete text %+v", t))
		}
		used[t.EN] = true
	}
	for _, l := range c.langs[2:] {
		seen := map[string]bool{}
		for _, t := range texts {
			if _, ok := c.tr[l][t.EN]; !ok && t.EN != "" && !seen[t.EN] {
				seen[t.EN] = true
				gaps = append(gaps, fmt.Sprintf("%s: no translation of %q", l, t.EN))
			}
		}
		var stale []string
		for src := range c.tr[l] {
			if !used[src] {
				stale = append(stale, src)
			}
		}
		sort.Strings(stale)
		for _, src := range stale {
			gaps = append(gaps, fmt.Sprintf("%s: %q is translated but no message uses it", l, src))
		}
	}
	return gaps
}

// JSON encodes t as {"it":…,"en":…} followed by a member for every further
// language of c that translates it, in the order of Languages. With only
// Italian and English it is exactly what encoding/json writes for the
// struct.
func (c *Catalog) JSON(t Text) ([]byte, error) {
	type plain Text
	b, err := json.Marshal(plain(t))
	if err != nil || len(c.langs) == 2 {
		return b, err
	}
	var buf bytes.Buffer
	buf.Write(b[:len(b)-1])
	for _, l := range c.langs[2:] {
		s, ok := c.tr[l][t.EN]
		if !ok {
			continue
		}
		k, _ := json.Marshal(string(l))
		v, _ := json.Marshal(s)
		buf.WriteByte(',')
		buf.Write(k)
		buf.WriteByte(':')
		buf.Write(v)
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}

// MarshalJSON writes the text as {"it":…,"en":…} — the shape clients have
// always read — followed by a member for every further shipped language that
// translates it ("de":…). Decoding reads it and en; the further languages
// are derived from the catalogue, not stored.
func (m Text) MarshalJSON() ([]byte, error) { return DefaultCatalog().JSON(m) }
