// Package reporting builds the register's annual statistical report
// (art. 54 c.3 DPR 394/1999) from the questionnaires of a reporting year, the yearly list
// of regularly enrolled bodies per recipient, and the ministry's
// service-quality indicators (every application decided, within 90 days).
//
// The report has the ministry's parts: Part 1 on the bodies of both sections
// (section, legal form, region and macro-area, geographical scope, networks,
// prevalent sectors, partnership, other registers, legal representatives by
// sex and nationality, difficulties from 2024); Part 2 and Part 3 on the
// projects of Section I and Section II (activity types, sectors and Portale
// axes, funds by source in euro cents, beneficiaries by sex, age band,
// citizenship, minors and Ukrainian citizens, human resources and their
// foreign-born share, the Section II programme and, from 2024, social and
// labour inclusion); and the focus on Ukrainian citizens from 2022. Every
// table has Italian and English labels (code-list labels from package
// codelist) and, given the previous year's report (Report.Compare), the
// change from it.
//
// An [Aggregator] reads questionnaires one at a time and keeps only integer
// counters laid out for the year's tables (plus one small record per body,
// so that a resubmission replaces the earlier questionnaire). Aggregators
// of the same year and scope [Aggregator.Merge] exactly, and shares are
// computed only when a report is built: the result is the same, byte for
// byte, whatever the order or the split of the input. A [Set] holds the
// aggregators of every scope of a year (the nation, the macro-areas, the
// regions: [AllScopes]) and reads each questionnaire once for all of them.
// [AggregateParallel] and [Parallel] spread the work of either over
// goroutines.
//
// Two kinds of report: the public one, with disclosure control on Section
// II (see below), comes only from [Set.Reports] or [PublicReports], which
// decide it jointly over every scope published; the private one, every
// figure for viewers entitled to Section II data, from
// [Aggregator.Report] or [Set.PrivateReports]. No method builds the public
// report of one scope alone: published next to another scope's, it could
// disclose what either hides.
//
// [DecodeDocument] decodes a questionnaire's JSON several times faster than
// encoding/json, filling only what the report reads; [AggregateFilings] and
// the registro CLI use it.
//
// Renderers: [JSON] (described by [Schema], committed as report.schema.json),
// [CSV] (one file per table), [Markdown] and [HTML] (one standalone page with
// inline SVG charts, readable offline).
//
// # Disclosure control
//
// Section II bodies are not public, so a public report must not let a
// reader learn a small Section II figure. The rule:
//
//   - Primary suppression: a Section II cell (the Section II column of Part
//     1 and of the focus, the Section II rows of bodies.section, every cell
//     of Part 3) whose value, or number of contributing bodies, is between
//     1 and Threshold-1 (default 3) is suppressed.
//   - The reader: knows every published figure, including the header's
//     filings and the zeros (zeros are always published, so every
//     suppressed cell is at least 1), and every relation between figures:
//     the rows of a partitioned table add up to its total; a unit falls at
//     most once in a row of a multiple-answer table (row ≤ total); the
//     tables counting the same units share their totals (Part 1, the focus
//     and bodies.section; the project, beneficiary and programme tables of
//     each part); Section I + Section II - both = distinct bodies = the
//     header's filings; the regions of a macro-area add up to it; the
//     focus on Ukraine repeats figures of Parts 2 and 3; foreign-born staff
//     are among the staff of their kind; programme bodies are Section II
//     bodies. A relation the figures do not satisfy (inconsistent input) is
//     not one a reader can rely on, and is left out.
//   - Protection: for every suppressed Section II cell, the range the
//     reader can narrow it down to (the smallest and largest value the
//     relations allow, by linear programming, rounded to integers) is at
//     least Threshold wide, and for amounts at least [AmountProtection] of
//     the amount. Complementary cells are suppressed until that holds:
//     Section II cells first, then Section I cells, then totals, and the
//     header's filings last (with the out-of-scope count, which adds up
//     with it to the questionnaires read; Report.Filings and
//     Report.OutOfScope are then absent). A complement the reader could
//     work out exactly is published again: it would hide nothing.
//
// The reports of several scopes of a year are read together: a
// macro-area's figures are the sums of its regions', the nation's the sums
// of the macro-areas', and every report's filings, out-of-scope and
// superseded questionnaires add up to the same questionnaires read. A
// region's cell suppressed in its own report is then often the
// macro-area's figure minus its other regions' published figures.
// [PublicReports] decides disclosure control jointly over every report
// that is published (normally [AllScopes]: the nation, the five
// macro-areas, the twenty regions):
//
//   - each report's cells first get the rule above, alone;
//   - then the reader holds every report at once: the relations within
//     each report plus the sums between scopes (a sum over only some of
//     a whole's parts, when not all are published, is at most the whole);
//     the out-of-scope count is hidden with its report's filings;
//   - every suppressed Section II cell of every report must keep the same
//     protection against that reader (the range by linear programming, at
//     least Threshold wide, and AmountProtection of an amount); rounds of
//     complementary suppression run until it does: each cell still
//     exposed gets one more complement, from a relation that pins it down
//     (where it is the only hidden cell) if there is one, else from its
//     other relations, else from those of the hidden cells linked to it,
//     preferring the cell whose suppression opens the fewest relations
//     that had no hidden cell (each would be a new pattern to protect),
//     then Section II cells, then Section I cells, totals and the header,
//     the smallest first. Suppressing a cell only widens what a reader can
//     infer, so the rounds end.
//
// PublicReports protects only the reports given to it together: publish
// every public report of a year from one call (a [Set] over [AllScopes],
// as the registro CLI and its demo do), never scope by scope.
//
// # Errors
//
// [New] returns errors wrapping [ErrScope] (kind invalid) for an unknown
// region or macro-area and [ErrYear] (kind not_found) for a year before 2019;
// [Aggregator.Merge], [KPIs.Merge] and [Report.Compare] return errors wrapping
// [ErrMismatch] (kind invalid) for aggregates of different years, scopes or
// periods, and for a public report compared with a non-public one;
// [DecodeDocument] returns errors wrapping [ErrSyntax] (kind invalid).
// problem.KindOf reads the kind through any wrapping. [Aggregator.Add]
// never fails: it does not validate (package questionnaire does), it counts
// codes outside the year's lists in Report.UnknownCodes.
//
// # Concurrency
//
// An Aggregator or KPIs value is not safe for concurrent use: give each
// goroutine its own ([Aggregator.Fork]) and merge them, as
// [AggregateParallel] does. Reports, the layout shared by forked
// aggregators, and the renderers' inputs are read-only and safe to share.
package reporting
