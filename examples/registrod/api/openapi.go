package api

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/openregistro/registro/schemas"
	"github.com/openregistro/registro/schemas/problem"
)

// openapiSource is the hand-written part of the OpenAPI document: info,
// the operations' texts and parameters by route, and the components that
// are the API's own (problems, pages, results). OpenAPI adds the rest.
//
//go:embed openapi-source.json
var openapiSource []byte

var (
	openapiOnce sync.Once
	openapiDoc  []byte
	openapiErr  error
)

// OpenAPI returns the OpenAPI 3.1 document of the API, the one served at
// /v1/openapi.json. It is generated once from the route table (every
// route's method, path, operation ID and whether it takes a questionnaire of
// the path's year), openapi-source.json (the texts, parameters and the
// API's own schemas) and the published JSON Schemas of package schemas,
// inlined under components/schemas so that the document is self-contained.
// Every operation also gets the responses of the middleware (429, 431, 503,
// default) and the rate-limit headers. It panics if the route table and
// openapi-source.json disagree: a build mistake, which the tests catch.
func OpenAPI() []byte {
	openapiOnce.Do(func() { openapiDoc, openapiErr = generateOpenAPI((&server{}).table()) })
	if openapiErr != nil {
		panic("api: " + openapiErr.Error())
	}
	return openapiDoc
}

// generateOpenAPI builds the document from routes, openapiSource and the
// published schemas.
func generateOpenAPI(routes []routeDef) ([]byte, error) {
	var doc map[string]any
	if err := json.Unmarshal(openapiSource, &doc); err != nil {
		return nil, fmt.Errorf("openapi-source.json: %w", err)
	}
	srcPaths, _ := doc["paths"].(map[string]any)
	comps, _ := doc["components"].(map[string]any)
	if srcPaths == nil || comps == nil {
		return nil, fmt.Errorf("openapi-source.json: no paths or components")
	}
	paths := map[string]any{}
	used := map[string]bool{}
	for _, rd := range routes {
		method := strings.ToLower(rd.method)
		item, _ := srcPaths[rd.path].(map[string]any)
		op, ok := item[method].(map[string]any)
		if !ok {
			return nil, fmt.Errorf("route %s %s has no operation in openapi-source.json", rd.method, rd.path)
		}
		used[rd.method+" "+rd.path] = true
		op["operationId"] = rd.op
		op["security"] = rd.access.security()
		op["tags"] = []any{rd.tag}
		addCommonResponses(op)
		if !rd.yearBody {
			putOp(paths, rd.path, method, op)
			continue
		}
		// One path per published year, with that year's questionnaire as
		// the body: OpenAPI cannot make a body depend on a path parameter.
		for _, y := range schemas.QuestionnaireYears() {
			yop := deepCopy(op).(map[string]any)
			yop["operationId"] = rd.op + y
			var params []any
			for _, p := range asSlice(yop["parameters"]) {
				if pm, _ := p.(map[string]any); pm["name"] == "year" && pm["in"] == "path" {
					continue
				}
				params = append(params, p)
			}
			yop["parameters"] = params
			yop["requestBody"] = map[string]any{"$ref": "#/components/requestBodies/Questionnaire" + y}
			putOp(paths, strings.Replace(rd.path, "{year}", y, 1), method, yop)
		}
	}
	for p, item := range srcPaths {
		for m := range item.(map[string]any) {
			if isMethod(m) && !used[strings.ToUpper(m)+" "+p] {
				return nil, fmt.Errorf("openapi-source.json documents %s %s, which is not a route", strings.ToUpper(m), p)
			}
		}
	}
	doc["paths"] = paths

	// The questionnaire bodies, one per year.
	bodies, _ := comps["requestBodies"].(map[string]any)
	tmpl, ok := bodies["Questionnaire"]
	if !ok {
		return nil, fmt.Errorf("openapi-source.json: no requestBodies/Questionnaire")
	}
	delete(bodies, "Questionnaire")
	for _, y := range schemas.QuestionnaireYears() {
		b := deepCopy(tmpl).(map[string]any)
		b["content"] = map[string]any{"application/json": map[string]any{
			"schema": map[string]any{"$ref": "#/components/schemas/" + schemas.QuestionnaireName(mustAtoi(y))}}}
		bodies["Questionnaire"+y] = b
	}

	// The published schemas, inlined.
	cs, _ := comps["schemas"].(map[string]any)
	if err := inlineSchemas(cs); err != nil {
		return nil, err
	}
	addRateLimitHeaders(comps)
	addOperationHeaders(paths)
	doc = rewriteRefs(doc).(map[string]any)
	addFormats(doc)
	pruneDefs(doc, cs)

	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func mustAtoi(s string) int {
	n := 0
	for _, c := range s {
		n = n*10 + int(c-'0')
	}
	return n
}

func isMethod(m string) bool {
	switch m {
	case "get", "put", "post", "delete", "options", "head", "patch", "trace":
		return true
	}
	return false
}

func putOp(paths map[string]any, path, method string, op map[string]any) {
	item, _ := paths[path].(map[string]any)
	if item == nil {
		item = map[string]any{}
		paths[path] = item
	}
	item[method] = op
}

func asSlice(v any) []any { s, _ := v.([]any); return s }

// deepCopy copies a decoded JSON value.
func deepCopy(v any) any {
	switch x := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[k] = deepCopy(e)
		}
		return m
	case []any:
		s := make([]any, len(x))
		for i, e := range x {
			s[i] = deepCopy(e)
		}
		return s
	}
	return v
}

// commonResponses are the answers of the middleware, which any operation
// may give: the references in components/responses of openapi-source.json.
var commonResponses = map[string]string{
	"400":     "BadRequest",
	"429":     "TooManyRequests",
	"431":     "HeaderTooLarge",
	"500":     "Internal",
	"503":     "Unavailable",
	"default": "Default",
}

// addCommonResponses adds to op the middleware's responses it lacks.
func addCommonResponses(op map[string]any) {
	rs, _ := op["responses"].(map[string]any)
	if rs == nil {
		rs = map[string]any{}
		op["responses"] = rs
	}
	for code, name := range commonResponses {
		if _, ok := rs[code]; !ok {
			rs[code] = map[string]any{"$ref": "#/components/responses/" + name}
		}
	}
}

// rateLimitHeaders are the headers of every response (see Options.RateLimit).
var rateLimitHeaders = []string{"X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"}

// addEveryResponseHeaders declares on resp the headers every response has:
// the rate-limit headers and Cache-Control.
func addEveryResponseHeaders(resp map[string]any) {
	hs, _ := resp["headers"].(map[string]any)
	if hs == nil {
		hs = map[string]any{}
		resp["headers"] = hs
	}
	for _, h := range rateLimitHeaders {
		hs[h] = map[string]any{"$ref": "#/components/headers/" + h}
	}
	if _, ok := hs["Cache-Control"]; !ok {
		hs["Cache-Control"] = map[string]any{"$ref": "#/components/headers/CacheControl"}
	}
}

// addRateLimitHeaders declares the rate-limit headers on every response of
// components/responses and of every operation, and Retry-After on 429 and
// 503.
func addRateLimitHeaders(comps map[string]any) {
	add := func(resp map[string]any, code string) {
		if _, isRef := resp["$ref"]; isRef {
			return
		}
		addEveryResponseHeaders(resp)
		hs := resp["headers"].(map[string]any)
		if code == "429" || code == "503" || code == "TooManyRequests" || code == "Unavailable" {
			hs["Retry-After"] = map[string]any{"$ref": "#/components/headers/Retry-After"}
		}
	}
	for name, r := range comps["responses"].(map[string]any) {
		add(r.(map[string]any), name)
	}
}

// addOperationHeaders declares the rate-limit headers on the inline
// responses of every operation of paths.
func addOperationHeaders(paths map[string]any) {
	for _, item := range paths {
		for _, op := range item.(map[string]any) {
			rs, _ := op.(map[string]any)["responses"].(map[string]any)
			for code, r := range rs {
				m := r.(map[string]any)
				if _, isRef := m["$ref"]; isRef {
					continue
				}
				addEveryResponseHeaders(m)
				if code == "503" {
					m["headers"].(map[string]any)["Retry-After"] = map[string]any{"$ref": "#/components/headers/Retry-After"}
				}
			}
		}
	}
}

// inlineSchemas adds every published schema (in English) to cs: the schema
// NAME as components/schemas/NAME and each of its $defs as
// components/schemas/DEF, or NAME.DEF when the schemas disagree on DEF
// (the questionnaires of different years).
func inlineSchemas(cs map[string]any) error {
	type file struct {
		name string
		root map[string]any
		defs map[string]any
	}
	var files []file
	variants := map[string]map[string]bool{} // def name → its distinct JSON texts
	for _, n := range schemas.Names() {
		b, err := schemas.File(n, problem.EN)
		if err != nil {
			return err
		}
		var root map[string]any
		if err := json.Unmarshal(b, &root); err != nil {
			return fmt.Errorf("schema %s: %w", n, err)
		}
		defs, _ := root["$defs"].(map[string]any)
		for _, k := range []string{"$defs", "$schema", "$id"} {
			delete(root, k)
		}
		for d, v := range defs {
			t, _ := json.Marshal(v)
			if variants[d] == nil {
				variants[d] = map[string]bool{}
			}
			variants[d][string(t)] = true
		}
		files = append(files, file{n, root, defs})
	}
	for _, f := range files {
		compName := func(def string) string {
			if len(variants[def]) == 1 {
				return def
			}
			return f.name + "." + def
		}
		fix := func(v any) any {
			return mapRefs(v, func(ref string) string {
				if d, ok := strings.CutPrefix(ref, "#/$defs/"); ok {
					return "#/components/schemas/" + compName(d)
				}
				return ref
			})
		}
		if _, dup := cs[f.name]; dup {
			return fmt.Errorf("openapi-source.json: component schema %s is also a published schema", f.name)
		}
		cs[f.name] = fix(f.root)
		names := make([]string, 0, len(f.defs))
		for d := range f.defs {
			names = append(names, d)
		}
		sort.Strings(names)
		for _, d := range names {
			cs[compName(d)] = fix(f.defs[d])
		}
	}
	return nil
}

// mapRefs returns v with every "$ref" string replaced by fn's answer.
func mapRefs(v any, fn func(string) string) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if s, ok := e.(string); ok && k == "$ref" {
				x[k] = fn(s)
				continue
			}
			x[k] = mapRefs(e, fn)
		}
	case []any:
		for i, e := range x {
			x[i] = mapRefs(e, fn)
		}
	}
	return v
}

// rewriteRefs points every reference to a published schema's URL at its
// inlined copy.
func rewriteRefs(v any) any {
	return mapRefs(v, func(ref string) string {
		if n, ok := strings.CutPrefix(ref, schemas.BaseURI); ok {
			return "#/components/schemas/" + strings.TrimSuffix(n, ".json")
		}
		return ref
	})
}

// addFormats gives every integer and number schema without a format one
// (int32 or int64 by its bounds; double), as the guidelines ask, and every
// array schema without items an empty items schema. Format is an annotation
// in JSON Schema 2020-12 and items {} allows any item: validation does not
// change.
func addFormats(v any) {
	switch x := v.(type) {
	case map[string]any:
		if typeOf(x) == "array" && x["items"] == nil && x["prefixItems"] == nil {
			// An array schema without items (the "contains" of an if):
			// items {} is any item, as without it.
			x["items"] = map[string]any{}
		}
		if _, has := x["format"]; !has {
			switch typeOf(x) {
			case "integer":
				x["format"] = "int64"
				if fitsInt32(x) {
					x["format"] = "int32"
				}
			case "number":
				x["format"] = "double"
			}
		}
		for _, e := range x {
			addFormats(e)
		}
	case []any:
		for _, e := range x {
			addFormats(e)
		}
	}
}

// typeOf returns s's type: the type, or the first of a type list that is
// not "null".
func typeOf(s map[string]any) string {
	switch t := s["type"].(type) {
	case string:
		return t
	case []any:
		for _, e := range t {
			if e != "null" {
				t, _ := e.(string)
				return t
			}
		}
	}
	return ""
}

// pruneDefs removes the inlined $defs (the component schemas whose name has
// a dot) that nothing references: a questionnaire year's variant of a
// definition that only the other years use.
func pruneDefs(doc, cs map[string]any) {
	for {
		used := map[string]bool{}
		mapRefs(doc, func(ref string) string {
			used[strings.TrimPrefix(ref, "#/components/schemas/")] = true
			return ref
		})
		removed := false
		for name := range cs {
			if strings.Contains(name, ".") && !used[name] {
				delete(cs, name)
				removed = true
			}
		}
		if !removed {
			return
		}
	}
}

func fitsInt32(s map[string]any) bool {
	lo, okLo := s["minimum"].(float64)
	hi, okHi := s["maximum"].(float64)
	return okLo && okHi && lo >= -1<<31 && hi <= 1<<31-1
}
