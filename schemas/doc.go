// Package schemas publishes Registro's JSON Schemas (draft 2020-12) and
// validates documents against them.
//
// The schema files are generated from the Go types of the questionnaire,
// registry and eligibility packages (see the schemagen package) and committed
// under v1/en and v1/it: one file per schema and language, identical apart
// from their annotations (title, description). Every schema has an $id under
// [BaseURI] and carries [Version] in its $comment. The files are embedded:
// [File] returns them, and [Get] and [Questionnaire] return compiled
// validators that never touch the network.
//
// Every root is {"$ref": "#/$defs/…", "type": "object"} with the
// conditional blocks of the root's definition in an allOf beside the $ref,
// not in the definition: form libraries that read the schema's structure
// (JSON Forms) find every field there, and validators give the same
// verdicts.
//
// Names of the published schemas: "application", "decision", "entity",
// "problem", and "questionnaire-YYYY" for every reporting year (see [Names]).
//
// A [Validator] maps every failure of the generic validator
// (github.com/santhosh-tekuri/jsonschema/v5) to the project's problem shape:
// instancePath as a JSON Pointer (for a missing property the parent, with
// params.missingProperty), keyword and params as AJV gives them, a stable
// code per keyword and our own message in Italian and English. schemaPath is
// the keyword's full location in the schema document
// ("#/$defs/questionnaire.Project/required"); AJV gives the same path when
// it inlines a $ref, and its tail ("#/required") when it does not. A test
// compares every such problem with AJV's errors on the examples. The list is
// sorted, so the same document always yields the same problems.
//
// # Problems
//
// Only the keywords that failed give problems: wrappers ($ref, allOf, if,
// items, properties) give none of their own (AJV also reports an "if" error
// next to the failing "then"). Every keyword has its own stable code (required, unknown_field, type,
// format, pattern, minimum, min_length, min_items, unique_items, …; see the
// Code constants). A repeated item (uniqueItems, code unique_items) carries
// the pair of equal items AJV 8 reports, params {i, j}, computed from the
// document ([UniquePair]), not the pair santhosh finds first; the Go
// questionnaire pipeline builds the same problem with [UniqueItems].
// Beyond AJV's shape:
//
//   - a code-list value that is not in the list (a failing oneOf whose
//     branches are all const) is one problem, code not_in_list, with AJV's
//     params.passingSchemas (null) plus params.allowedValues (the codes);
//   - a field that exists only in other reporting years is reported with code
//     not_in_year and a message naming the years, instead of unknown_field;
//   - a conditional block's problems (the Section II block, the branches)
//     carry the code the block declares in its $comment ("code:
//     section_ii_block"), the same code the Go pipeline uses; a field that is
//     not allowed in the case at hand is keyword "not" with params.property.
//
// [FieldPointer] gives the field a problem is about; [ExtraErrors] shapes a
// list for react-jsonschema-form.
//
// # Errors
//
// [File], [Get] and [Questionnaire] return an error wrapping [ErrUnknown] (kind
// not_found) for a name or year with no schema, and [ErrLang] (kind invalid)
// for a language other than it or en. Validation never returns a Go error: a rejected document yields a
// non-empty problem.List (bad JSON gives one problem with code invalid_json).
//
// # Performance
//
// A validator compiles a copy of its schema in which every code list
// (oneOf of distinct consts) is the equivalent enum: the same verdict at a
// fraction of the cost. Problems still point at the published oneOf.
//
// # Concurrency
//
// Every function and method is safe for concurrent use. Each schema is
// compiled once, on first use.
package schemas

//go:generate go run ./internal/generate
