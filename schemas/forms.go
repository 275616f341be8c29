package schemas

import (
	"github.com/openregistro/registro/schemas/problem"
)

// FieldPointer returns the JSON Pointer of the field a problem is about: the
// instancePath, extended by params.missingProperty (required,
// dependentRequired), params.additionalProperty (an unknown field) or
// params.property (a field forbidden in this case). Form libraries show the
// message next to that field.
func FieldPointer(p problem.Problem) string {
	for _, key := range []string{"missingProperty", "additionalProperty", "property"} {
		if name, ok := p.Params[key].(string); ok && name != "" {
			return problem.Join(p.InstancePath, name)
		}
	}
	return p.InstancePath
}

// ExtraErrors turns problems into react-jsonschema-form's extraErrors (an
// ErrorSchema): a nested object that follows the document, array indexes as
// keys, with the messages of each field in lang under "__errors". An unknown
// field or one of other years (keyword additionalProperties) has no field in
// the form: its problem goes to the object that holds it, where rjsf shows
// AJV's own, and its message names the field. Problems of the whole document
// go under the root's "__errors".
//
//	{"projects": {"0": {"title": {"__errors": ["must have required property 'title'"]}}}}
//
// JSON Forms takes the problem list, localised with List.Localize, as
// additionalErrors (its objects are AJV ErrorObjects), with two
// adjustments it needs (the README's recipe, examples/web/src/jsonforms.js):
// a not_in_list problem (keyword oneOf) is kept by JSON Forms only with
// parentSchema, the field's code-list schema, which the front-end takes from
// its own copy of the schema; and an unknown field or one of other years
// (keyword additionalProperties, which JSON Forms drops) goes to the object
// that holds it under its code as keyword. The wire shape stays AJV's, as
// the problem schema says.
func ExtraErrors(l problem.List, lang problem.Lang) map[string]any {
	root := map[string]any{}
	for _, p := range l {
		at := FieldPointer(p)
		if p.Keyword == "additionalProperties" {
			at = p.InstancePath
		}
		toks, err := problem.Tokens(at)
		if err != nil {
			toks = nil
		}
		node := root
		for _, t := range toks {
			next, ok := node[t].(map[string]any)
			if !ok {
				next = map[string]any{}
				node[t] = next
			}
			node = next
		}
		msgs, _ := node["__errors"].([]string)
		node["__errors"] = append(msgs, p.Messages.In(lang))
	}
	return root
}
