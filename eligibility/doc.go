// Package eligibility holds the enrolment requirements of the register
// (art. 42 D.lgs. 286/1998, artt. 52–54 DPR 394/1999) as dated, explainable rules, and
// evaluates applications against them.
//
// A [Rule] checks one requirement: it has an ID, a version, a legal basis
// ("art. 53 c.1 lett. b DPR 394/1999"), the period of application dates it
// applies to and the sections it concerns. A [RuleSet] is a named, versioned,
// immutable list of rules; [Default] holds the requirements of the law:
//
//   - private_body: public bodies and bodies of international law are excluded
//     (the body's legal nature, or its legal form);
//   - art53_*: the eight general requirements of art. 53 (statute facts, seat in
//     Italy and no seat abroad, annual accounts), with the ONLUS exemption for
//     requirements 4–6;
//   - art52_no_disqualification: no disqualifying condition on the legal
//     representative or any member of the governing and control bodies,
//     declared for the whole body or person by person;
//   - section1_experience, section2_experience: activities of the applicant's
//     own, aimed at foreigners (Section I) or in the Section II areas,
//     covering the 24 months before the application date, every gap a
//     finding;
//   - section2_programme (the applicant's own), section2_housing,
//     section2_partnership (the partner enrolled in Section II on the
//     application date, checked against the [Register], and the partnership
//     recorded there, see [PartnershipRegister]), section2_gdpr,
//     section2_branch_own (a branch is judged on its own data);
//   - attachments: every document required for the section;
//   - online_signature, from 15 May 2023: the application is filed online and
//     signed digitally by the legal representative.
//
// Regional teams adapt the rules without forking: write a rule with [NewRule]
// (or implement [Rule]), then derive a set with [RuleSet.With] (a new
// requirement, or a new version for a later period), [RuleSet.Replace] (every
// version of a requirement), [RuleSet.Without] and [RuleSet.Named], and pass
// it in [Options].
//
// [Checker.Evaluate] picks the rules in force on the application date and
// returns a [Decision]: per requested section a [Verdict] (eligible,
// not_eligible, incomplete) and per rule an [Outcome] (pass, fail, missing,
// not_applicable) with its legal basis, the facts used and a message in Italian
// and English. A fact the application does not state is missing, never false:
// see [Application.Unknown] and [DecodeApplication]; a requirement the
// applicant declares absent (registry.Application.DeclaredAbsent) fails. Decisions are
// deterministic: the same application, register answers and rule set give the
// same JSON bytes; the shape is versioned by [SchemaVersion].
//
// # Errors
//
// An application that does not meet a requirement is not an error: it gets a
// decision. Evaluate returns a problem.List (kind invalid; errors.Is(err,
// problem.ErrInvalid)) when the application cannot be evaluated at all (no
// valid date or section, dated after asOf) and an error wrapping [ErrRule] when
// a rule could not run (the register could not be read, the context ended);
// ErrRule has no kind of its own, so problem.KindOf gives the kind of the
// error it wraps. DecodeApplication returns a problem.List whose problems
// point (RFC 6901) at the offending field. [NewRuleSet] and the derived-set
// methods return errors wrapping [ErrInvalidRule] (kind invalid) or
// [ErrUnknownRule] (kind not_found); the Parse functions of Outcome and
// Verdict wrap [ErrUnknownValue] (kind invalid).
//
// # Concurrency
//
// Rule sets and checkers are immutable and safe for concurrent use, provided
// the Register is; rules must not keep state between calls.
package eligibility
