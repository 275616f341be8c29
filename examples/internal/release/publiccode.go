package release

import (
	"bytes"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// The closed lists of the publiccode.yml standard (v0.7) that CheckPublicCode
// checks values against.
var (
	developmentStatuses = []string{"concept", "development", "beta", "stable", "obsolete"}
	softwareTypes       = []string{"standalone/mobile", "standalone/iot", "standalone/desktop", "standalone/web",
		"standalone/backend", "standalone/other", "addon", "library", "configurationFiles"}
	maintenanceTypes = []string{"internal", "contract", "community", "none"}
	langTag          = regexp.MustCompile(`^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$`)
	spdxExpr         = regexp.MustCompile(`^[A-Za-z0-9.+-]+( (AND|OR|WITH) [A-Za-z0-9.+-]+)*$`)
)

// CheckPublicCode checks a publiccode.yml against the keys the standard
// (v0.7) requires and the formats it sets, as the Developers Italia crawler
// would before listing the software: the mandatory keys (publiccodeYmlVersion,
// name, url, platforms, developmentStatus, softwareType, a description in at
// least one language with shortDescription of at most 150 characters,
// longDescription of 150 to 10,000 and features, legal.license as an SPDX
// expression, maintenance.type with its contacts or contractors,
// localisation.localisationReady and availableLanguages), the closed lists
// (developmentStatus, softwareType, maintenance.type), URLs, dates
// (YYYY-MM-DD) and language tags. It returns one error per finding, each
// naming the key; none for a valid file. (The reference parser,
// github.com/italia/publiccode-parser-go, is not available to this build.)
func CheckPublicCode(data []byte) []error {
	var doc map[string]any
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil {
		return []error{fmt.Errorf("publiccode.yml: not YAML: %w", err)}
	}
	c := &checker{}
	c.str(doc, "publiccodeYmlVersion", true, func(v string) string {
		if v != "0" && !strings.HasPrefix(v, "0.") {
			return "a 0.x version of the standard (\"0\" for the latest)"
		}
		return ""
	})
	c.str(doc, "name", true, nil)
	c.str(doc, "url", true, checkURL)
	c.str(doc, "landingURL", false, checkURL)
	c.str(doc, "roadmap", false, checkURL)
	c.str(doc, "releaseDate", false, checkDate)
	c.strList(doc, "platforms", true)
	c.strList(doc, "categories", false)
	c.str(doc, "developmentStatus", true, oneOf(developmentStatuses))
	c.str(doc, "softwareType", true, oneOf(softwareTypes))

	desc, ok := c.mapping(doc, "description", true)
	if ok {
		if len(desc) == 0 {
			c.fail("description", "must hold at least one language")
		}
		for lang, v := range desc {
			key := "description." + lang
			if !langTag.MatchString(lang) {
				c.fail(key, "is not a language tag (BCP 47, e.g. it, en)")
			}
			d, ok := v.(map[string]any)
			if !ok {
				c.fail(key, "must be a mapping")
				continue
			}
			c.sub(key).str(d, "shortDescription", true, lengthWithin(1, 150))
			c.sub(key).str(d, "longDescription", true, lengthWithin(150, 10000))
			c.sub(key).strList(d, "features", true)
			c.sub(key).str(d, "documentation", false, checkURL)
			c.sub(key).str(d, "apiDocumentation", false, checkURL)
		}
	}

	if legal, ok := c.mapping(doc, "legal", true); ok {
		c.sub("legal").str(legal, "license", true, func(v string) string {
			if !spdxExpr.MatchString(v) {
				return "an SPDX licence expression (e.g. EUPL-1.2)"
			}
			return ""
		})
	}

	if m, ok := c.mapping(doc, "maintenance", true); ok {
		var typ string
		c.sub("maintenance").str(m, "type", true, func(v string) string {
			typ = v
			return oneOf(maintenanceTypes)(v)
		})
		switch typ {
		case "contract":
			c.sub("maintenance").list(m, "contractors", true)
		case "internal", "community":
			if contacts, ok := c.sub("maintenance").list(m, "contacts", true); ok {
				for i, x := range contacts {
					cm, ok := x.(map[string]any)
					if !ok {
						c.fail(fmt.Sprintf("maintenance.contacts[%d]", i), "must be a mapping")
						continue
					}
					c.sub(fmt.Sprintf("maintenance.contacts[%d]", i)).str(cm, "name", true, nil)
				}
			}
		}
	}

	if l, ok := c.mapping(doc, "localisation", true); ok {
		if v, ok := l["localisationReady"]; !ok {
			c.fail("localisation.localisationReady", "is required")
		} else if _, ok := v.(bool); !ok {
			c.fail("localisation.localisationReady", "must be true or false")
		}
		if langs, ok := c.sub("localisation").strList(l, "availableLanguages", true); ok {
			for _, lang := range langs {
				if !langTag.MatchString(lang) {
					c.fail("localisation.availableLanguages", fmt.Sprintf("%q is not a language tag", lang))
				}
			}
		}
	}
	return c.errs
}

// checker collects findings under a key prefix.
type checker struct {
	prefix string
	errs   []error
	parent *checker
}

func (c *checker) root() *checker {
	for c.parent != nil {
		c = c.parent
	}
	return c
}

func (c *checker) sub(prefix string) *checker { return &checker{prefix: prefix, parent: c.root()} }

func (c *checker) key(k string) string {
	if c.prefix == "" {
		return k
	}
	return c.prefix + "." + k
}

func (c *checker) fail(key, msg string) {
	r := c.root()
	r.errs = append(r.errs, fmt.Errorf("publiccode.yml: %s %s", key, msg))
}

// str checks a string key; check returns what is expected, "" when fine.
func (c *checker) str(m map[string]any, k string, required bool, check func(string) string) {
	v, ok := m[k]
	if !ok {
		if required {
			c.fail(c.key(k), "is required")
		}
		return
	}
	s, ok := v.(string)
	if !ok || strings.TrimSpace(s) == "" {
		c.fail(c.key(k), "must be a non-empty string")
		return
	}
	if check != nil {
		if want := check(s); want != "" {
			c.fail(c.key(k), fmt.Sprintf("is %q; want %s", truncate(s), want))
		}
	}
}

func (c *checker) list(m map[string]any, k string, required bool) ([]any, bool) {
	v, ok := m[k]
	if !ok {
		if required {
			c.fail(c.key(k), "is required")
		}
		return nil, false
	}
	l, ok := v.([]any)
	if !ok || len(l) == 0 {
		c.fail(c.key(k), "must be a non-empty list")
		return nil, false
	}
	return l, true
}

func (c *checker) strList(m map[string]any, k string, required bool) ([]string, bool) {
	l, ok := c.list(m, k, required)
	if !ok {
		return nil, false
	}
	out := make([]string, 0, len(l))
	for i, x := range l {
		s, ok := x.(string)
		if !ok || s == "" {
			c.fail(fmt.Sprintf("%s[%d]", c.key(k), i), "must be a non-empty string")
			continue
		}
		out = append(out, s)
	}
	return out, true
}

func (c *checker) mapping(m map[string]any, k string, required bool) (map[string]any, bool) {
	v, ok := m[k]
	if !ok {
		if required {
			c.fail(c.key(k), "is required")
		}
		return nil, false
	}
	mm, ok := v.(map[string]any)
	if !ok {
		c.fail(c.key(k), "must be a mapping")
		return nil, false
	}
	return mm, true
}

func oneOf(allowed []string) func(string) string {
	return func(v string) string {
		if slices.Contains(allowed, v) {
			return ""
		}
		return "one of " + strings.Join(allowed, ", ")
	}
}

func lengthWithin(lo, hi int) func(string) string {
	return func(v string) string {
		if n := utf8.RuneCountInString(strings.TrimSpace(v)); n < lo || n > hi {
			return fmt.Sprintf("%d to %d characters (it has %d)", lo, hi, n)
		}
		return ""
	}
}

func checkURL(v string) string {
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "an http(s) URL"
	}
	return ""
}

func checkDate(v string) string {
	if _, err := time.Parse("2006-01-02", v); err != nil {
		return "a date YYYY-MM-DD"
	}
	return ""
}

func truncate(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}
