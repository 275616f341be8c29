// Package problem defines the one shape every problem takes in Registro: a
// finding about one field of a document, for people and for programs.
//
// The wire shape follows AJV's ErrorObject — instancePath (an RFC 6901 JSON
// Pointer), schemaPath, keyword, params, message — so JSON Forms
// (additionalErrors) and react-jsonschema-form (extraErrors) show a server's
// problems next to the right field unchanged. For a missing field the
// instancePath is the parent and params.missingProperty names the field, as AJV
// does. Registro adds a stable machine code, a severity, and the message in
// both Italian and English.
//
// # Errors
//
// Every error of Registro has a [Kind] — internal, invalid, not found,
// conflict, failed precondition or forbidden — that [KindOf] reads through
// any wrapping; services map kinds, not errors, to HTTP statuses and exit
// statuses. [NewError] declares a sentinel error of a kind; the kind of each
// package's errors is in its documentation.
//
// A [List] is an error carrying every problem found, of kind [KindInvalid];
// errors.Is(err, ErrInvalid) is true for any List holding at least one
// problem of severity error. [ErrInvalid] and the errors of ParseLang,
// ParseSeverity and Tokens are of kind KindInvalid.
//
// # Languages
//
// Italian and English are the source languages: every message is a [Text]
// written with both, where it is made. Further languages are data — one
// catalogue file per BCP 47 language tag, embedded from
// schemas/problem/catalog, mapping each message's English text to its
// translation (see [Catalog]) — so German for Bolzano/Bozen needs a file,
// not a change of type or API. [Text.In] resolves a language with fallback
// to English, [MatchLang] negotiates (it-CH is Italian; de-AT is German once
// German is shipped), and a Text marshals as {"it":…,"en":…} plus one member
// per further shipped language that translates it. Packages declare the
// texts they show ([Declare]: code-list labels, schema labels, report
// labels, eligibility rule titles); the package's tests check that every declared text exists
// in every shipped language, so a language is shipped only complete.
// Messages composed at run time with values in them (most problems) are
// looked up by their composed English text and so fall back to English in
// a further language.
//
// # Concurrency
//
// Problems and lists are plain values; a List may be read from many goroutines
// but must not be appended to concurrently.
package problem

import (
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// ErrInvalid is matched (with errors.Is) by every List that holds at least one
// problem of severity error. Its kind is KindInvalid.
var ErrInvalid = NewError(KindInvalid, "problem: invalid input")

// Lang is a language messages are available in: a canonical BCP 47
// language tag ("it", "en", "de").
type Lang string

// The source languages: every message is written in both.
const (
	IT Lang = "it"
	EN Lang = "en"
)

// ParseLang parses the tag of a shipped language (case-insensitive: "it",
// "EN"; see [Languages]).
func ParseLang(s string) (Lang, error) { return DefaultCatalog().Parse(s) }

// Text is one text in Italian and English, the two source languages: the
// messages of a problem, the label of a code, the title of a schema. The
// register has no other multilingual type: further languages are
// catalogues keyed by the English text (see [Catalog]), so a Text is
// written as Text{IT: …, EN: …} whatever languages are shipped.
type Text struct {
	IT string `json:"it"`
	EN string `json:"en"`
}

// In returns the text in lang, from [DefaultCatalog]: Italian and English
// from the text itself, a further shipped language from its catalogue, and
// English for a language not shipped.
func (m Text) In(lang Lang) string { return DefaultCatalog().Text(m, lang) }

// Severity says whether a problem rejects the document (Error) or only flags it
// (Warning, for example a late filing).
type Severity int

// The severities. The zero value is Error.
const (
	Error Severity = iota
	Warning
)

// String returns "error" or "warning".
func (s Severity) String() string {
	if s == Warning {
		return "warning"
	}
	return "error"
}

// ParseSeverity parses "error" or "warning".
func ParseSeverity(s string) (Severity, error) {
	switch s {
	case "error":
		return Error, nil
	case "warning":
		return Warning, nil
	}
	return 0, invalidf("problem: unknown severity %q (want error or warning)", s)
}

// MarshalText encodes the severity as "error" or "warning".
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText decodes "error" or "warning".
func (s *Severity) UnmarshalText(b []byte) error {
	v, err := ParseSeverity(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// Problem is one finding about one place in a document.
type Problem struct {
	// InstancePath is the JSON Pointer (RFC 6901) of the value at fault; for a
	// missing property, the pointer of its parent object ("" is the root).
	InstancePath string `json:"instancePath"`
	// SchemaPath locates the rule: a JSON Schema keyword location in the
	// published file, as AJV writes it when it inlines a $ref, such as
	// "#/$defs/questionnaire.Project/required", or "#/x-rules/CODE" for a rule
	// that only the Go pipeline checks (cross-field, register-aware).
	SchemaPath string `json:"schemaPath"`
	// Keyword is the JSON Schema keyword that failed ("required", "enum",
	// "pattern", …) or, for rules beyond JSON Schema, the rule family
	// ("sum", "dateOrder", "register", …).
	Keyword string `json:"keyword"`
	// Params are the keyword's parameters, as AJV gives them
	// (missingProperty, allowedValues, limit, pattern, …).
	Params map[string]any `json:"params"`
	// Message is the message in the language the problem was localised to
	// (English unless Localize was called).
	Message string `json:"message"`
	// Code is a stable machine code ("required", "sum_mismatch", …). Codes
	// never change meaning.
	Code string `json:"code"`
	// Severity is error or warning.
	Severity Severity `json:"severity"`
	// Messages holds the message in Italian and English.
	Messages Text `json:"messages"`
}

// New returns a problem of severity error at path, with the message in both
// languages. Message is set to the English text.
func New(path, keyword, code string, params map[string]any, it, en string) Problem {
	if params == nil {
		params = map[string]any{}
	}
	return Problem{
		InstancePath: path,
		SchemaPath:   "#/x-rules/" + code,
		Keyword:      keyword,
		Params:       params,
		Message:      en,
		Code:         code,
		Messages:     Text{IT: it, EN: en},
	}
}

// Required reports that the object at parent lacks the property prop.
func Required(parent, prop string) Problem {
	return New(parent, "required", "required", map[string]any{"missingProperty": prop},
		fmt.Sprintf("manca il campo obbligatorio %q", prop),
		fmt.Sprintf("must have required property '%s'", prop))
}

// AsWarning returns p with severity warning.
func (p Problem) AsWarning() Problem {
	p.Severity = Warning
	return p
}

// Localize returns p with Message in lang.
func (p Problem) Localize(lang Lang) Problem {
	p.Message = p.Messages.In(lang)
	return p
}

// String renders the problem on one line: "/path: message [code]".
func (p Problem) String() string {
	path := p.InstancePath
	if missing, ok := p.Params["missingProperty"].(string); ok {
		path = Join(path, missing)
	}
	if path == "" {
		path = "/"
	}
	return fmt.Sprintf("%s: %s [%s]", path, p.Message, p.Code)
}

// List is every problem found in one document. A List with at least one
// problem is an error; a nil or empty List is not returned as an error by
// functions of this project (they return nil instead).
type List []Problem

// Error summarises the list in English.
func (l List) Error() string {
	switch len(l) {
	case 0:
		return "problem: no problems"
	case 1:
		return "invalid: " + l[0].Localize(EN).String()
	}
	var b strings.Builder
	fmt.Fprintf(&b, "invalid: %d problems: ", len(l))
	for i, p := range l {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(p.Localize(EN).String())
	}
	return b.String()
}

// Is reports whether target is ErrInvalid and the list holds an error.
func (l List) Is(target error) bool { return target == ErrInvalid && l.HasErrors() }

// Kind returns KindInvalid: a List is input the caller must correct.
func (l List) Kind() Kind { return KindInvalid }

// HasErrors reports whether any problem has severity error.
func (l List) HasErrors() bool {
	for _, p := range l {
		if p.Severity == Error {
			return true
		}
	}
	return false
}

// Err returns l as an error when it holds a problem of severity error, and
// nil otherwise (warnings alone do not reject).
func (l List) Err() error {
	if l.HasErrors() {
		return l
	}
	return nil
}

// Localize returns a copy of l with every Message in lang.
func (l List) Localize(lang Lang) List {
	out := make(List, len(l))
	for i, p := range l {
		out[i] = p.Localize(lang)
	}
	return out
}

// Sort orders the list by instance path, then missing property, then code,
// then message, so that the same input always yields the same bytes.
func (l List) Sort() {
	sort.SliceStable(l, func(i, j int) bool {
		a, b := l[i], l[j]
		if a.InstancePath != b.InstancePath {
			return a.InstancePath < b.InstancePath
		}
		am, _ := a.Params["missingProperty"].(string)
		bm, _ := b.Params["missingProperty"].(string)
		if am != bm {
			return am < bm
		}
		if a.Code != b.Code {
			return a.Code < b.Code
		}
		return a.Messages.EN < b.Messages.EN
	})
}

// Prefix returns a copy of l with prefix (a JSON Pointer) put before every
// instance path, for nesting one document's problems inside another's.
func (l List) Prefix(prefix string) List {
	out := make(List, len(l))
	for i, p := range l {
		p.InstancePath = prefix + p.InstancePath
		out[i] = p
	}
	return out
}

// AsList returns the List inside err, if any.
func AsList(err error) (List, bool) {
	var l List
	if errors.As(err, &l) {
		return l, true
	}
	return nil, false
}

// MarshalJSON writes params as {} rather than null when empty, as AJV does.
func (p Problem) MarshalJSON() ([]byte, error) {
	type plain Problem
	q := plain(p)
	if q.Params == nil {
		q.Params = map[string]any{}
	}
	return json.Marshal(q)
}

// Pointer builds a JSON Pointer (RFC 6901) from reference tokens, escaping "~"
// as "~0" and "/" as "~1". Pointer() is "" (the whole document).
func Pointer(tokens ...string) string {
	return Join("", tokens...)
}

// Join appends reference tokens to the pointer base.
func Join(base string, tokens ...string) string {
	var b strings.Builder
	b.WriteString(base)
	for _, t := range tokens {
		b.WriteByte('/')
		b.WriteString(escaper.Replace(t))
	}
	return b.String()
}

// Index returns the reference token for array index i.
func Index(i int) string { return strconv.Itoa(i) }

// Tokens splits a JSON Pointer into its unescaped reference tokens. It returns
// an error when ptr is neither "" nor starts with "/".
func Tokens(ptr string) ([]string, error) {
	if ptr == "" {
		return nil, nil
	}
	if ptr[0] != '/' {
		return nil, invalidf("problem: JSON Pointer %q must be empty or start with '/'", ptr)
	}
	parts := strings.Split(ptr[1:], "/")
	for i, p := range parts {
		parts[i] = unescaper.Replace(p)
	}
	return parts, nil
}

var (
	escaper   = strings.NewReplacer("~", "~0", "/", "~1")
	unescaper = strings.NewReplacer("~1", "/", "~0", "~")
)
