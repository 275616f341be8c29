// Package schemagen generates the JSON Schema files of package schemas from
// the Go types of the documents Registro exchanges (the annual questionnaire of
// every reporting year, the enrolment application, the entity, the
// eligibility decision and the problem object).
//
// It reflects the types with github.com/invopop/jsonschema and then derives
// every constraint from the tag convention of TEAM.md, the single source of
// the rules:
//
//   - json: the property name; a field without omitempty is required
//     (invopop's rule).
//   - validate: go-playground/validator rules → required, minLength/maxLength,
//     minItems/maxItems, minimum/maximum (and exclusive), format (date, email),
//     pattern (cf, cfbody, sigla, comune, region), enum (oneof), and
//     codelist=NAME → oneOf [{const, title}] of the codes valid in the
//     schema's reporting year; rules after dive apply to the items.
//   - since/until: the field exists only in those reporting years; in other
//     years it is dropped, and additionalProperties false rejects it.
//
// The questionnaire's conditional requirements come from its per-year
// Definition and become if/then blocks. Titles and descriptions in Italian and
// English come from labels/labels.json, keyed by Go type ("pkg.Type") and JSON
// field name; enum values take their titles from the code lists. $defs names
// are qualified by package ("questionnaire.Project"), so two types with the
// same name never collide.
//
// Only keywords that AJV 8 (strict mode) and santhosh-tekuri/jsonschema agree
// on are emitted: no $dynamicRef, no unevaluated*.
//
// # Errors
//
// [Generate] fails when a type carries a validate rule it cannot translate,
// names an unknown code list, or lacks a label in either language — so a new
// field cannot be published without its rules and titles.
package schemagen
