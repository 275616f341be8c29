// Package questionnaire is the annual report (questionnaire) a body enrolled
// in the register files for each reporting year, one [Definition] per year,
// and the pipeline that validates it.
//
// A [Document] is pinned to the Definition of its reporting year
// ([DefinitionFor]): fields added in a later year (the Ukrainian focus from
// 2022; the difficulties met and the Section II labour-inclusion detail from
// 2024) are rejected in an earlier year's document. The Go types carry the
// project's tag convention (json, validate, since/until), from which the JSON
// Schemas of package schemas are generated too.
//
// A [Validator] checks a document in one pass driven by a plan of the Go
// types compiled once: strict decoding (every unknown, out-of-year, missing
// or mistyped property), the validate tags (code lists, lengths, ranges,
// dates, tax codes, territory codes, repeated codes), the conditional
// blocks, the cross-field rules and, when given a [Register], the
// register-aware ones. A rejected document costs what a valid one costs: its
// problems are the ones AJV reports on the published schema of the year
// (same instancePath, keyword, params, schemaPath and code; the tests
// compare the two on thousands of generated documents) plus the rules a
// schema cannot express, without running a general JSON Schema validator on
// it ([Options].Schema adds one as a cross-check).
//
// A [Desk] files documents for a registry.Registry: the register says who
// may file for which body and when the filing period ends (the register's
// one Deadline: 30 January, end of day, in its time zone; late filings are
// accepted with a warning); the desk validates completely, keeps amendments
// with their history in a [FilingStore] and records each filing in the
// register's log (the change feed), in the same transaction when the store
// is an [EventFilingStore]. [FromRegistry] answers the register-aware rules
// from a registry.Registry as a viewer sees it; [RecordMissingFilings]
// repairs a log that lacks a stored filing.
//
// # Errors
//
// Validation returns a problem.List (kind invalid) holding every problem
// found, in a deterministic order, each in the AJV ErrorObject shape with a
// stable code, a severity and messages in Italian and English. DefinitionFor
// wraps ErrUnknownYear (kind not_found: no questionnaire for that year); a
// Register wraps ErrBodyNotFound (kind not_found). Filing stores return
// errors wrapping the register's registry.ErrNotFound (kind not_found) and
// registry.ErrConflict (kind conflict), and ErrIdempotencyKeyUsed (kind
// conflict) for an idempotency key already stored. FileAs returns
// registry.ErrForbidden (kind forbidden) for a viewer that may not file for
// the body, and wraps ErrNotRecorded (kind internal, whatever it wraps) for a
// filing stored without its register event. problem.KindOf reads the kind of
// any of them.
//
// # Concurrency
//
// Definitions are plain values. A Validator is immutable once built and safe
// for concurrent use. MemStore is safe for concurrent use.
package questionnaire
