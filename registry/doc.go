// Package registry is the register of bodies working for immigrants (art. 42
// D.lgs. 286/1998, artt. 52–54 DPR 394/1999): the bodies (Entity), their
// enrolments in the two sections, applications, territorial branches,
// partnerships, referents, access grants and the audit trail of events.
//
// The rules live in [Registry], which works over a small [Store]: the
// enrolment state machine, the 90-day decision term and the policy for
// silence, the extension of Section I enrolment to branches, who may file
// for a body, what each [Viewer] may see, and the yearly list of regularly
// enrolled bodies. Stores only persist and query; memstore is the in-memory
// one, and registrytest.RunStoreTests is the conformance kit every store
// passes.
//
// A register moves between stores and systems whole: Import adds another
// register's bodies with their IDs and histories (validated, one batch),
// Replace and Remove keep a regional copy in step with the original, and
// RecordFiling puts each annual report filed into the log, which is the change
// feed other systems follow (FiledReports feeds YearlyUpdate from it).
//
// Every write takes the acting [Viewer] and is authorised by the Registry
// itself, once, for every caller: staff decide (review, enrolment,
// rejection, cancellation, grants, imports); a body acts on its own entity
// (its data, referents, branches, partnerships) and files its own annual
// report; an authenticated person may apply for a new body; the anonymous
// public writes nothing. Events and enrolment histories name the viewer
// ([Viewer.Actor]).
//
// Time is an input: the Registry reads its clock from [Options.Now] and
// every date-dependent query takes the day it asks about. The filing
// deadline is one instant, [Registry.Deadline], in the register's
// [Options.Location]; everything that asks whether a report is late reads
// it.
//
// # The public's pages
//
// The public consults Section I all day, and on the filing deadline in the
// middle of the filings. Over a store that is a [PublicVersioner] (memstore
// and sqlstore are), [Registry.Entities] keeps the pages it listed for the
// public (two generations of at most 512 pages and 25,000 bodies, their
// published fields only) with the store's version and the day, and
// answers the same request from memory until one of them changes: a page
// read again costs one point query, not a listing. Every write of the
// Registry is judged by the rules of view before it is committed
// ([Batch].Public): only one that makes a body enter or leave the public
// listing, changes a published field (name, legal form, seat) of a listed
// body, or changes the branches a Section I enrolment extends to moves the
// version. So a kept page is exactly what the store would list again, and
// what the public may not see (a Section II body, a pending or rejected
// application, a body's other data, a filing) changes neither a page nor
// how long it takes. Name searches are never kept, so that their timing
// does not tell one caller what another searched for; bodies, staff and
// regional offices always list the store.
//
// # Errors
//
// Every error carries a kind (problem.KindOf reads it through wrapping), which
// is what services map to HTTP and exit statuses:
//
//	kind                 errors
//	invalid              problem.List, ErrUnknownStatus, ErrUnknownSection, ErrUnknownRole,
//	                     ErrDate, ErrInvalidCursor
//	not_found            ErrNotFound
//	conflict             ErrConflict
//	failed_precondition  ErrTransition (*TransitionError), ErrReferentStatus
//	forbidden            ErrForbidden
//	internal             anything else: a store that fails, a misconfiguration
//
// Invalid input is a problem.List (errors.Is(err, problem.ErrInvalid)) that
// names every problem with a JSON Pointer, a rule code and messages in
// Italian and English; nothing is written. Stores return [ErrNotFound] and
// [ErrConflict] (a stale version or a taken ID or codice fiscale: nothing of
// the batch was written, read again and retry); the questionnaire's filing
// stores return the same two. A move the enrolment state machine does not
// allow is a *[TransitionError] (errors.Is(err, ErrTransition)) naming the
// section and both statuses; a move a referent's status does not allow wraps
// [ErrReferentStatus]. A viewer asking for something it may not see gets
// [ErrNotFound] for a body it may not see (so that the existence of a Section
// II body does not leak) and [ErrForbidden] for an operation reserved to
// staff. Every write returns [ErrForbidden] (wrapped, naming the operation
// and the viewer) when its viewer may not do it, before reading or writing
// anything else.
//
// # Concurrency
//
// A Registry is safe for concurrent use when its Store is (memstore is).
// Writes are read–modify–commit with optimistic versions: two concurrent
// changes to the same body cannot both succeed; the loser gets ErrConflict
// and nothing of it is written.
package registry
