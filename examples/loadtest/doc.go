// Command loadtest is a deadline-day load test for registrod, Registro's
// reference service: the annual report is due by 30 January (art. 54 c.3
// DPR 394/1999)
// and many bodies file in its last days, so the service must take a burst of
// filings without losing one.
//
// Usage:
//
//	loadtest --target URL --tokens FILE --year Y [--seed S --scale X] [--bodies N]
//	         [--concurrency C] [--duration D] [--requests R]
//	         [--mix file=70,validate=20,list=10] [--amend 0.2]
//	         [--max-error-rate 0] [--out results.json]
//	loadtest --seed-db DSN --tokens FILE [--year Y --seed S --scale X]
//	loadtest --self [--db sqlite:PATH|postgres://…] [--max-in-flight N] [--year Y --seed S --scale X]
//	         [--cpuprofile FILE] [--trace FILE] […]
//
// Three modes:
//
//   - Against a running registrod (--target): the tokens file is the one the
//     service reads (api.ParseTokens's format). Every body token is a simulated
//     body: its register ID is resolved to its codice fiscale with GET
//     /v1/entities/{id}, and its questionnaire is the synthetic one package synth
//     generates for that body with the same --year, --seed and --scale as the
//     seeded database. A staff token, when present, is used after the load to
//     check the change feed.
//   - Seeding (--seed-db DSN): replays a synthetic register (synth.Generate +
//     Register.Replay) into a fresh database and writes a tokens file with one
//     body token per enrolled body and one staff token, ready for
//     "registrod --db DSN --import-tokens FILE" (which stores their hashes in
//     the database), "registrod --db DSN" and then "loadtest --target".
//   - Self-contained (--self): seeds a database (a temporary SQLite file when
//     --db is not given), starts the service in-process on 127.0.0.1:0 with its
//     clock on deadline day, runs the load, and verifies the outcome (see
//     Verify below). Tests and BENCHMARKS.md use this mode. --max-in-flight
//     sets the service's limit of requests worked on at once
//     (api.Options.MaxInFlight; -1 for none, the anchor it is measured
//     against).
//
// Two flags record where the time of the load phase goes, for the work on
// speed (BENCHMARKS.md): --cpuprofile FILE writes a CPU profile (go tool
// pprof), --trace FILE an execution trace (go tool trace), whose goroutine
// analysis says how long each goroutine ran, waited for a processor, or sat
// in a system call: the committer's line tells whether the store's one
// writer is short of CPU, of the disk, or of work.
//
// The load is a mix of three operations, picked at random by weight: "file"
// (a body POSTs its questionnaire to /v1/filings/{year}; a share --amend of
// bodies file a second revision once the first is acknowledged), "validate"
// (an anonymous caller POSTs a draft to /v1/questionnaires/{year}/validate
// ?draft=true) and "list" (an anonymous caller GETs a page of /v1/entities).
// The weights hold while filings are waiting to be sent; when none is (the
// rest are in flight, or amendments wait for their first revision's answer)
// a caller that drew "file" validates or lists instead, so in the tail of a
// run the other operations outnumber their weight. When every filing is done
// the run ends, unless --requests asks for a number of requests; it always
// ends at --duration.
//
// Every request goes through the typed client of the service
// (examples/registrod/client), as a Go integrator's would: each POST carries
// a fresh Idempotency-Key, so the filings and validations measured include
// the service's bookkeeping of keys. The load's client retries nothing (a
// 429 is a sample like any other answer); resolving the bodies and reading
// the change feed wait out a 429 as its Retry-After says.
//
// The report gives the throughput, the latency percentiles (p50, p95, p99,
// max: exact, from every sample), the status codes and the errors of each
// operation. An error is a transport failure or a status other than the one
// the operation expects (201 for a filing, 200 otherwise). In --self mode it
// also gives the store's writes during the load and the transactions they
// shared (sqlstore's group commit: writes per commit), and the share of the
// load's time the committer was busy: near 100 % the store's one writer set
// the pace; on SQLite, also the checkpoints of the WAL run meanwhile. Where the system reports it (getrusage(2) on Unix), the report
// also gives the CPU time the load test's own process used during the load,
// a filing and as a share of the machine's processors: with --self the
// service and the load generator together (not a PostgreSQL server's
// processes), with --target the load generator alone. Near 100 % of the
// processors, the CPU a filing is what bounds the rate.
//
// # Verify
//
// After the load the change feed is read (with a staff token): every filing
// acknowledged with 201 must have exactly one questionnaire.filed event, no
// event may be for a filing that was not acknowledged, and the sequence
// numbers of the events written during the load must have no gaps. In
// --self mode the filing store is also read directly: every acknowledged
// revision is stored, with the bytes that were sent, and each body's current
// revision is its last acknowledged one. No 5xx may have happened.
//
// # Network
//
// loadtest sends traffic only to this machine: a --target whose host is not
// localhost, 127.0.0.0/8 or ::1 is refused, the HTTP client's dialer refuses
// any other address (whatever a name resolves to) and redirects are not
// followed. Every run is bounded by --duration (at most one hour) and by a
// request count, and stops by itself.
//
// # Errors
//
// Exit status 0 when the run passed, 1 when the error rate exceeded
// --max-error-rate or the verification failed, 2 for bad usage (including a
// non-loopback target).
//
// # Concurrency
//
// --concurrency workers share one HTTP client; a body's second revision is
// sent only after its first was acknowledged, so a run never provokes the 409
// of two concurrent amendments of one body.
package main
