package schemas

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/openregistro/registro/schemas/problem"
)

// The bounds every decoder of this module puts on the JSON it reads, before
// any value reaches a validator or a store. A number costs its validator
// (santhosh-tekuri/jsonschema works with exact big numbers) in proportion to
// its digits and its exponent, so both are capped; a string must be text a
// database can hold (PostgreSQL refuses NUL and invalid UTF-8).
const (
	// MaxNumberDigits is the most digits (integer and fraction part
	// together) a JSON number may have.
	MaxNumberDigits = 100
	// MaxNumberExponent bounds the exponent a JSON number may be written
	// with: from -MaxNumberExponent to MaxNumberExponent.
	MaxNumberExponent = 400
	// MaxLimitProblems is the most problems CheckJSON reports: past it, the
	// document is rejected without reading further.
	MaxLimitProblems = 100
)

// The stable codes of the problems CheckJSON reports.
const (
	// CodeNumberOutOfBounds is a number with more than MaxNumberDigits
	// digits or an exponent beyond ±MaxNumberExponent.
	CodeNumberOutOfBounds = "number_out_of_bounds"
	// CodeInvalidText is a string (or property name) holding invalid UTF-8,
	// an unpaired UTF-16 surrogate escape or the NUL character (\u0000).
	CodeInvalidText = "invalid_text"
	// CodeTooManyProblems closes a list cut at MaxLimitProblems.
	CodeTooManyProblems = "too_many_problems"
)

// NumberOutOfBounds returns the problem of a number, at JSON Pointer ptr,
// beyond MaxNumberDigits or MaxNumberExponent.
func NumberOutOfBounds(ptr string) problem.Problem {
	p := problem.New(ptr, "json", CodeNumberOutOfBounds,
		map[string]any{"maxDigits": MaxNumberDigits, "maxExponent": MaxNumberExponent},
		fmt.Sprintf("il numero supera i limiti ammessi: al più %d cifre e un esponente tra -%d e %d",
			MaxNumberDigits, MaxNumberExponent, MaxNumberExponent),
		fmt.Sprintf("the number is beyond the accepted bounds: at most %d digits and an exponent from -%d to %d are expected",
			MaxNumberDigits, MaxNumberExponent, MaxNumberExponent))
	p.SchemaPath = "#"
	return p
}

// InvalidText returns the problem of a string, at JSON Pointer ptr, that is
// not valid text; reason is "utf8", "surrogate" or "nul".
func InvalidText(ptr, reason string) problem.Problem {
	var it, en string
	switch reason {
	case "nul":
		it, en = "il testo contiene il carattere NUL (\\u0000): è atteso testo senza caratteri NUL",
			"the text holds the NUL character (\\u0000): text without NUL is expected"
	case "surrogate":
		it, en = "il testo contiene un surrogato UTF-16 spaiato (\\uD800–\\uDFFF): è atteso testo Unicode valido",
			"the text holds an unpaired UTF-16 surrogate escape (\\uD800–\\uDFFF): valid Unicode text is expected"
	default:
		reason = "utf8"
		it, en = "il testo contiene byte UTF-8 non validi: è atteso testo UTF-8 valido",
			"the text holds invalid UTF-8 bytes: valid UTF-8 text is expected"
	}
	p := problem.New(ptr, "json", CodeInvalidText, map[string]any{"reason": reason}, it, en)
	p.SchemaPath = "#"
	return p
}

func tooManyProblems() problem.Problem {
	p := problem.New("", "json", CodeTooManyProblems, map[string]any{"limit": MaxLimitProblems},
		fmt.Sprintf("più di %d problemi: il documento non è stato letto oltre", MaxLimitProblems),
		fmt.Sprintf("more than %d problems: the document was not read further", MaxLimitProblems))
	p.SchemaPath = "#"
	return p
}

// CheckJSON scans the JSON text data once, in time linear in its size, and
// returns, each with its JSON Pointer, every number beyond MaxNumberDigits or
// MaxNumberExponent and every string or property name that is not valid
// text (invalid UTF-8, an unpaired surrogate escape, NUL), at most
// MaxLimitProblems of them. It returns nil when there is none. It does not
// judge the syntax: it stops quietly at the first syntax error, which the
// caller's decoder reports. It never panics.
//
// Every decoder of this module calls it before decoding, so that no number
// can make validation slow and no bad text reaches a store.
func CheckJSON(data []byte) problem.List {
	s := limitScanner{data: data}
	s.value()
	return s.probs
}

// limitScanner is CheckJSON's single-pass scanner.
type limitScanner struct {
	data  []byte
	i     int
	path  []pathToken
	probs problem.List
	stop  bool // a syntax error or too many problems
}

// pathToken is one step of the scanner's path: a key's raw bytes (between
// the quotes), or an array index when key is nil.
type pathToken struct {
	key   []byte
	index int
}

// pointer renders the current path as a JSON Pointer, with tail as a last
// key when not nil.
func (s *limitScanner) pointer(tail []byte) string {
	toks := make([]string, 0, len(s.path)+1)
	for _, t := range s.path {
		if t.key == nil {
			toks = append(toks, strconv.Itoa(t.index))
			continue
		}
		toks = append(toks, keyText(t.key))
	}
	if tail != nil {
		toks = append(toks, keyText(tail))
	}
	return problem.Pointer(toks...)
}

// keyText decodes a raw key (escapes resolved, invalid UTF-8 replaced).
func keyText(raw []byte) string {
	if !strings.ContainsRune(string(raw), '\\') {
		return strings.ToValidUTF8(string(raw), "\uFFFD")
	}
	var k string
	if json.Unmarshal([]byte(`"`+string(raw)+`"`), &k) != nil {
		return strings.ToValidUTF8(string(raw), "\uFFFD")
	}
	return strings.ToValidUTF8(k, "\uFFFD")
}

func (s *limitScanner) add(p problem.Problem) {
	if len(s.probs) == MaxLimitProblems {
		s.probs = append(s.probs, tooManyProblems())
		s.stop = true
		return
	}
	s.probs = append(s.probs, p)
}

func (s *limitScanner) ws() {
	for s.i < len(s.data) {
		switch s.data[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// value scans one value; nesting is bounded by the decoders' depth limit.
func (s *limitScanner) value() {
	s.ws()
	if s.stop || s.i >= len(s.data) {
		s.stop = true
		return
	}
	if len(s.path) > 10000 {
		s.stop = true
		return
	}
	switch c := s.data[s.i]; {
	case c == '{':
		s.i++
		s.ws()
		if s.i < len(s.data) && s.data[s.i] == '}' {
			s.i++
			return
		}
		for !s.stop {
			s.ws()
			if s.i >= len(s.data) || s.data[s.i] != '"' {
				s.stop = true
				return
			}
			start := s.i + 1
			reason := s.str()
			if s.stop {
				return
			}
			key := s.data[start : s.i-1]
			if reason != "" {
				s.add(InvalidText(s.pointer(key), reason))
			}
			s.ws()
			if s.i >= len(s.data) || s.data[s.i] != ':' {
				s.stop = true
				return
			}
			s.i++
			s.path = append(s.path, pathToken{key: key})
			s.value()
			s.path = s.path[:len(s.path)-1]
			if !s.next('}') {
				return
			}
		}
	case c == '[':
		s.i++
		s.ws()
		if s.i < len(s.data) && s.data[s.i] == ']' {
			s.i++
			return
		}
		for n := 0; !s.stop; n++ {
			s.path = append(s.path, pathToken{index: n})
			s.value()
			s.path = s.path[:len(s.path)-1]
			if !s.next(']') {
				return
			}
		}
	case c == '"':
		if reason := s.str(); reason != "" && !s.stop {
			s.add(InvalidText(s.pointer(nil), reason))
		}
	case c == '-' || (c >= '0' && c <= '9'):
		if !s.number() && !s.stop {
			s.add(NumberOutOfBounds(s.pointer(nil)))
		}
	default: // true, false, null or a syntax error: the decoder judges
		for s.i < len(s.data) && s.data[s.i] >= 'a' && s.data[s.i] <= 'z' {
			s.i++
		}
	}
}

// next consumes the ',' between members or the closing byte; it reports
// whether another member follows.
func (s *limitScanner) next(end byte) bool {
	s.ws()
	if s.stop || s.i >= len(s.data) {
		s.stop = true
		return false
	}
	switch s.data[s.i] {
	case ',':
		s.i++
		return true
	case end:
		s.i++
		return false
	}
	s.stop = true
	return false
}

// str consumes a string and returns why it is not valid text ("" if it is).
func (s *limitScanner) str() (reason string) {
	s.i++ // '"'
	for s.i < len(s.data) {
		c := s.data[s.i]
		switch {
		case c == '"':
			s.i++
			return reason
		case c == '\\':
			if s.i+1 >= len(s.data) {
				s.stop = true
				return ""
			}
			if s.data[s.i+1] != 'u' {
				s.i += 2
				continue
			}
			r, ok := s.hex4(s.i + 2)
			if !ok {
				s.stop = true
				return ""
			}
			s.i += 6
			switch {
			case r == 0:
				reason = firstReason(reason, "nul")
			case r >= 0xDC00 && r <= 0xDFFF:
				reason = firstReason(reason, "surrogate")
			case r >= 0xD800 && r <= 0xDBFF:
				if s.i+1 < len(s.data) && s.data[s.i] == '\\' && s.data[s.i+1] == 'u' {
					if lo, ok := s.hex4(s.i + 2); ok && lo >= 0xDC00 && lo <= 0xDFFF {
						s.i += 6
						continue
					}
				}
				reason = firstReason(reason, "surrogate")
			}
		case c < 0x20:
			s.stop = true // a syntax error
			return ""
		case c < 0x80:
			s.i++
		default:
			r, size := utf8.DecodeRune(s.data[s.i:])
			if r == utf8.RuneError && size <= 1 {
				reason = firstReason(reason, "utf8")
				size = 1
			}
			s.i += size
		}
	}
	s.stop = true
	return ""
}

func firstReason(have, found string) string {
	if have != "" {
		return have
	}
	return found
}

// hex4 reads the four hex digits at j.
func (s *limitScanner) hex4(j int) (rune, bool) {
	if j+4 > len(s.data) {
		return 0, false
	}
	var r rune
	for _, c := range s.data[j : j+4] {
		switch {
		case c >= '0' && c <= '9':
			r = r<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	return r, true
}

// number consumes a number and reports whether it is within bounds.
func (s *limitScanner) number() bool {
	if s.data[s.i] == '-' {
		s.i++
	}
	digits := 0
	for s.i < len(s.data) && s.data[s.i] >= '0' && s.data[s.i] <= '9' {
		s.i++
		digits++
	}
	if s.i < len(s.data) && s.data[s.i] == '.' {
		s.i++
		for s.i < len(s.data) && s.data[s.i] >= '0' && s.data[s.i] <= '9' {
			s.i++
			digits++
		}
	}
	ok := digits <= MaxNumberDigits
	if s.i < len(s.data) && (s.data[s.i] == 'e' || s.data[s.i] == 'E') {
		s.i++
		if s.i < len(s.data) && (s.data[s.i] == '+' || s.data[s.i] == '-') {
			s.i++
		}
		exp := 0
		for s.i < len(s.data) && s.data[s.i] >= '0' && s.data[s.i] <= '9' {
			if exp <= MaxNumberExponent {
				exp = exp*10 + int(s.data[s.i]-'0')
			}
			s.i++
		}
		if exp > MaxNumberExponent {
			ok = false
		}
	}
	return ok
}

// checkValue applies CheckJSON's bounds to a decoded value (json.Number
// and string leaves, map keys in sorted order), for ValidateValue.
func checkValue(v any) problem.List {
	var out problem.List
	var walk func(path []string, v any) bool
	walk = func(path []string, v any) bool {
		if len(out) > MaxLimitProblems {
			return false
		}
		switch x := v.(type) {
		case json.Number:
			var sc limitScanner
			sc.data = []byte(x)
			if len(x) > 0 && (x[0] == '-' || (x[0] >= '0' && x[0] <= '9')) && !sc.number() {
				out = append(out, NumberOutOfBounds(problem.Pointer(path...)))
			}
		case string:
			if r := textReason(x); r != "" {
				out = append(out, InvalidText(problem.Pointer(path...), r))
			}
		case map[string]any:
			keys := make([]string, 0, len(x))
			for k := range x {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				if r := textReason(k); r != "" {
					out = append(out, InvalidText(problem.Pointer(append(path, strings.ToValidUTF8(k, "\uFFFD"))...), r))
				}
				if !walk(append(path, k), x[k]) {
					return false
				}
			}
		case []any:
			for i, e := range x {
				if !walk(append(path, strconv.Itoa(i)), e) {
					return false
				}
			}
		}
		return true
	}
	walk(nil, v)
	if len(out) > MaxLimitProblems {
		out = append(out[:MaxLimitProblems], tooManyProblems())
	}
	return out
}

// textReason returns why s is not valid text ("" if it is).
func textReason(s string) string {
	switch {
	case !utf8.ValidString(s):
		return "utf8"
	case strings.IndexByte(s, 0) >= 0:
		return "nul"
	}
	return ""
}

// ValidText reports whether s is text every store of the register can hold:
// valid UTF-8 without the NUL character. Use it on text that does not come
// as JSON (query parameters, path values).
func ValidText(s string) bool { return textReason(s) == "" }
