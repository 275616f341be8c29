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
// counters laid out for the year's tables, so its memory does not grow with
// the input. Aggregators of the same year and scope [Aggregator.Merge]
// exactly, and shares are computed only in [Aggregator.Report]: the result
// is the same, byte for byte, whatever the order or the split of the input.
// [AggregateParallel] and [Parallel] spread the work over goroutines.
//
// A public report (the default) applies disclosure control to Section II:
// cells with a count, or a number of contributing bodies, between 1 and
// Threshold-1 (default 3) are suppressed, and further cells are suppressed
// until no suppressed cell can be derived from the published totals, the
// regions' sums per macro-area or the totals the tables share.
//
// [DecodeDocument] decodes a questionnaire's JSON several times faster than
// encoding/json, filling only what the report reads; [AggregateFilings] and
// the registro CLI use it.
//
// Renderers: [JSON] (described by [Schema], committed as report.schema.json),
// [CSV] (one file per table), [Markdown] and [HTML] (one standalone page with
// inline SVG charts, readable offline).
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
