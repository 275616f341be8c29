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
// Names of the published schemas: "application", "decision", "entity",
// "problem", and "questionnaire-YYYY" for every reporting year (see [Names]).
//
// A [Validator] maps every failure of the generic validator
// (github.com/santhosh-tekuri/jsonschema/v5) to the project's problem shape:
// instancePath as a JSON Pointer (for a missing property the parent, with
// params.missingProperty), schemaPath as AJV gives it, keyword, params as AJV
// gives them, a stable code per keyword and our own message in Italian and
// English. The list is sorted, so the same document always yields the same
// problems.
//
// # Errors
//
// [File], [Get] and [Questionnaire] return an error wrapping [ErrUnknown] for a
// name or year with no schema, and [ErrLang] for a language other than it or
// en. Validation never returns a Go error: a rejected document yields a
// non-empty problem.List (bad JSON gives one problem with code invalid_json).
//
// # Concurrency
//
// Every function and method is safe for concurrent use. Each schema is
// compiled once, on first use.
package schemas

//go:generate go run ./internal/generate
