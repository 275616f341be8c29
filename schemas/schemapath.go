package schemas

import (
	"strconv"
	"strings"

	"github.com/openregistro/registro/schemas/problem"
)

// KeywordPath returns the schemaPath AJV writes, for this validator's
// published schema, of a keyword location written as if every $ref were
// inlined: "#/properties/projects/items/required" becomes
// "#/$defs/questionnaire.Project/required", the keyword's location in the
// published file, as AJV gives it when it inlines the $ref (and as this
// package's problems carry it). A path that is not of the inlined form
// (only properties/NAME and items steps before the keyword), or that does
// not follow the schema, is returned unchanged.
func (v *Validator) KeywordPath(inline string) string {
	frag, ok := strings.CutPrefix(inline, "#/")
	if !ok {
		return inline
	}
	toks, err := problem.Tokens("/" + frag)
	if err != nil || len(toks) == 0 {
		return inline
	}
	if len(toks) > 1 && toks[0] != "properties" && toks[0] != "items" {
		return inline // already a location in the file ($defs, allOf, x-rules)
	}
	node, _ := v.raw[ID(v.name)].(map[string]any)
	out := []string{}
	for i := 0; i < len(toks); i++ {
		for hops := 0; node != nil && hops < 8; hops++ {
			ref, ok := node["$ref"].(string)
			name, isDef := strings.CutPrefix(ref, "#/$defs/")
			if !ok || !isDef {
				break
			}
			defs, _ := v.raw[ID(v.name)].(map[string]any)["$defs"].(map[string]any)
			node, _ = defs[name].(map[string]any)
			out = []string{"$defs", name}
		}
		if node == nil {
			return inline
		}
		switch {
		case i == len(toks)-1:
			out = append(out, toks[i]) // the keyword
		case toks[i] == "properties":
			props, _ := node["properties"].(map[string]any)
			node, _ = props[toks[i+1]].(map[string]any)
			out = append(out, "properties", toks[i+1])
			i++
		case toks[i] == "items":
			node, _ = node["items"].(map[string]any)
			out = append(out, "items")
		default:
			return inline
		}
	}
	return "#" + problem.Pointer(out...)
}

// BlockPath returns the schemaPath of a conditional block's keyword (the
// required of its then, or its not) for the block whose $comment declares
// code ("code: section_ii_block"): "#/allOf/0/then/required",
// "#/allOf/1/else/not". It reports false when the schema has no such block
// or keyword.
func (v *Validator) BlockPath(code, keyword string) (string, bool) {
	root, _ := v.raw[ID(v.name)].(map[string]any)
	blocks, _ := root["allOf"].([]any)
	for i, b := range blocks {
		block, _ := b.(map[string]any)
		if c, _ := block["$comment"].(string); c != "code: "+code {
			continue
		}
		for _, branch := range []string{"then", "else"} {
			sub, _ := block[branch].(map[string]any)
			if _, ok := sub[keyword]; ok {
				return "#" + problem.Pointer("allOf", strconv.Itoa(i), branch, keyword), true
			}
		}
	}
	return "", false
}
