package eligibility

import (
	"bytes"
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strings"

	"github.com/openregistro/registro/registry"
	"github.com/openregistro/registro/schemas"
	"github.com/openregistro/registro/schemas/problem"
)

// triState lists the JSON Pointers of the application facts that the
// register holds as plain booleans: absent (or null) in the JSON, they are
// unknown, not false.
var triState = []string{
	"/body/statute/socialAims",
	"/body/statute/nonProfit",
	"/body/statute/democraticOrder",
	"/body/statute/electiveOffices",
	"/body/statute/admissionCriteria",
	"/body/statute/annualAccounts",
	"/body/statute/accountsApproval",
	"/declarations/noDisqualification",
	"/signature/verified",
	"/gdpr/register",
}

// maxApplication bounds the size of an application DecodeApplication reads.
const maxApplication = 16 << 20

// DecodeApplication reads one application as JSON (the shape of
// registry.Application) strictly: an unknown field, a value of the wrong
// type, a date not written YYYY-MM-DD or trailing data is a problem pointing
// at the field (RFC 6901). The yes/no facts (the statute facts, the art. 52
// declaration, the signature's verification, the GDPR record of processing)
// are listed in Application.Unknown when absent or null (their *bool is
// then nil). Numbers beyond the bounds of schemas.CheckJSON and strings that are
// not valid text (invalid UTF-8, NUL) are problems too.
//
// It returns a problem.List (errors.Is(err, problem.ErrInvalid)) for bad
// input and another error when r cannot be read.
func DecodeApplication(r io.Reader) (*Application, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxApplication+1))
	if err != nil {
		return nil, fmt.Errorf("eligibility: reading application: %w", err)
	}
	if len(data) > maxApplication {
		return nil, problem.List{problem.New("", "maxLength", "too_large", map[string]any{"limit": maxApplication},
			"la domanda supera 16 MiB", "the application exceeds 16 MiB")}
	}
	// Bound the cost of every number and refuse text no store can hold.
	if lp := schemas.CheckJSON(data); lp != nil {
		lp.Sort()
		return nil, lp
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var tree any
	if err := dec.Decode(&tree); err != nil {
		return nil, syntaxProblem(data, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, problem.List{problem.New("", "syntax", "trailing_data", nil,
			"dati dopo la fine della domanda", "data after the end of the application")}
	}
	if _, ok := tree.(map[string]any); !ok {
		return nil, problem.List{typeProblem("", "object", tree)}
	}
	var probs problem.List
	walk(&probs, "", tree, reflect.TypeFor[registry.Application]())
	if len(probs) > 0 {
		probs.Sort()
		return nil, probs
	}
	app := &Application{}
	if err := json.Unmarshal(data, &app.Application); err != nil {
		// walk accepts only what Unmarshal accepts; this is a safety net.
		return nil, problem.List{problem.New("", "type", "decode", nil, "domanda non leggibile: "+err.Error(), "unreadable application: "+err.Error())}
	}
	for _, ptr := range triState {
		if ptr == "/gdpr/register" && app.GDPR == nil {
			continue
		}
		if _, ok := lookup(tree, "/signature"); ptr == "/signature/verified" && !ok {
			continue // not signed digitally: no signature to verify
		}
		if v, ok := lookup(tree, ptr); !ok || v == nil {
			app.Unknown = append(app.Unknown, ptr)
		}
	}
	return app, nil
}

func lookup(tree any, ptr string) (any, bool) {
	toks, _ := problem.Tokens(ptr)
	cur := tree
	for _, t := range toks {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = m[t]; !ok {
			return nil, false
		}
	}
	return cur, true
}

func syntaxProblem(data []byte, err error) problem.List {
	var se *json.SyntaxError
	params := map[string]any{}
	if errors.As(err, &se) {
		line := 1 + bytes.Count(data[:min(int(se.Offset), len(data))], []byte("\n"))
		params["offset"] = se.Offset
		params["line"] = line
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return problem.List{problem.New("", "syntax", "json_syntax", params, "JSON incompleto", "incomplete JSON")}
	}
	return problem.List{problem.New("", "syntax", "json_syntax", params,
		"JSON non valido: "+err.Error(), "invalid JSON: "+err.Error())}
}

var (
	textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
	dateType        = reflect.TypeFor[registry.Date]()
)

func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case json.Number:
		return "number"
	case string:
		return "string"
	case []any:
		return "array"
	}
	return "object"
}

func typeProblem(path, want string, v any) problem.Problem {
	return problem.New(path, "type", "type", map[string]any{"type": want},
		fmt.Sprintf("deve essere di tipo %s, non %s", want, jsonKind(v)),
		fmt.Sprintf("must be %s, not %s", want, jsonKind(v)))
}

// walk checks the JSON value v at path against the Go type t as
// encoding/json would decode it, adding a problem for every unknown field and
// every value of the wrong type.
func walk(probs *problem.List, path string, v any, t reflect.Type) {
	if v == nil {
		return // null leaves the field unset
	}
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if reflect.PointerTo(t).Implements(textUnmarshaler) {
		s, ok := v.(string)
		if !ok {
			*probs = append(*probs, typeProblem(path, "string", v))
			return
		}
		if err := reflect.New(t).Interface().(encoding.TextUnmarshaler).UnmarshalText([]byte(s)); err != nil {
			*probs = append(*probs, problem.New(path, "enum", "value", map[string]any{"value": s},
				fmt.Sprintf("valore %q non ammesso", s), fmt.Sprintf("value %q is not allowed: %v", s, err)))
		}
		return
	}
	switch t.Kind() {
	case reflect.Struct:
		obj, ok := v.(map[string]any)
		if !ok {
			*probs = append(*probs, typeProblem(path, "object", v))
			return
		}
		fields := jsonFields(t)
		keys := make([]string, 0, len(obj))
		for k := range obj {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			ft, ok := fields[k]
			if !ok {
				*probs = append(*probs, problem.New(path, "additionalProperties", "unknown_field",
					map[string]any{"additionalProperty": k},
					fmt.Sprintf("campo sconosciuto %q", k), fmt.Sprintf("must NOT have additional property '%s'", k)))
				continue
			}
			walk(probs, problem.Join(path, k), obj[k], ft)
		}
	case reflect.Slice:
		arr, ok := v.([]any)
		if !ok {
			*probs = append(*probs, typeProblem(path, "array", v))
			return
		}
		for i, e := range arr {
			walk(probs, problem.Join(path, problem.Index(i)), e, t.Elem())
		}
	case reflect.String:
		s, ok := v.(string)
		if !ok {
			*probs = append(*probs, typeProblem(path, "string", v))
			return
		}
		if t == dateType && s != "" && !registry.Date(s).Valid() {
			*probs = append(*probs, problem.New(path, "format", "date", map[string]any{"format": "date"},
				fmt.Sprintf("la data %q non è un giorno AAAA-MM-GG", s), fmt.Sprintf("date %q is not a day written YYYY-MM-DD", s)))
		}
	case reflect.Bool:
		if _, ok := v.(bool); !ok {
			*probs = append(*probs, typeProblem(path, "boolean", v))
		}
	case reflect.Int, reflect.Int64, reflect.Int32:
		n, ok := v.(json.Number)
		if !ok {
			*probs = append(*probs, typeProblem(path, "integer", v))
			return
		}
		if _, err := n.Int64(); err != nil {
			*probs = append(*probs, typeProblem(path, "integer", v))
		}
	case reflect.Interface:
		// any value
	default:
		*probs = append(*probs, problem.New(path, "type", "type", nil,
			"tipo non gestito", fmt.Sprintf("unsupported Go type %s", t)))
	}
}

// jsonFields returns the JSON names of t's fields (with embedded structs
// flattened) and their types.
func jsonFields(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
			for k, v := range jsonFields(f.Type) {
				out[k] = v
			}
			continue
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out[name] = f.Type
	}
	return out
}
