// Pure helpers of the back office (no React, no fetch): the review queue's
// order and due-date arithmetic, the yearly list's CSV export, the
// eligibility outcomes' presentation. Tested by helpers.test.js (node --test).

const dayMs = 24 * 60 * 60 * 1000;

/** dayNumber turns "YYYY-MM-DD" into whole days since 1970-01-01 (UTC), NaN if malformed. */
export function dayNumber(date) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date || "");
  if (!m) return NaN;
  const t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  const d = new Date(t);
  if (d.getUTCFullYear() !== Number(m[1]) || d.getUTCMonth() !== Number(m[2]) - 1 || d.getUTCDate() !== Number(m[3])) return NaN;
  return Math.round(t / dayMs);
}

/** today returns the day of now as "YYYY-MM-DD" in UTC. */
export function today(now = new Date()) {
  return now.toISOString().slice(0, 10);
}

/**
 * daysLeft returns the days from today to due (0 on the last day, negative
 * once it has passed), or null when due is missing or malformed.
 */
export function daysLeft(due, on) {
  const a = dayNumber(due);
  const b = dayNumber(on);
  return Number.isNaN(a) || Number.isNaN(b) ? null : a - b;
}

/**
 * termState says where an application's decision term stands on day on:
 * "suspended" while a completion request is unanswered (art. 2 c.7 L.
 * 241/1990: the term stops), "overdue" past the due day, "due-soon" within
 * soonDays of it, "open" otherwise, "unknown" without a due day.
 */
export function termState(item, on, soonDays = 15) {
  if (item.awaitingCompletion) return "suspended";
  const left = daysLeft(item.decisionDue, on);
  if (left === null) return item.overdue ? "overdue" : "unknown";
  if (left < 0 || item.overdue) return "overdue";
  if (left <= soonDays) return "due-soon";
  return "open";
}

/**
 * sortQueue returns the queue's items by decision due day, earliest first
 * (so the overdue ones come first), then by application date, then by ID;
 * items without a due day go last. It does not change items.
 */
export function sortQueue(items) {
  const key = (d) => {
    const n = dayNumber(d);
    return Number.isNaN(n) ? Infinity : n;
  };
  return [...items].sort(
    (a, b) =>
      key(a.decisionDue) - key(b.decisionDue) ||
      key(a.date) - key(b.date) ||
      String(a.applicationId).localeCompare(String(b.applicationId)),
  );
}

/** queueCounts counts the items by termState on day on. */
export function queueCounts(items, on) {
  const out = { total: items.length, overdue: 0, suspended: 0, "due-soon": 0, open: 0, unknown: 0 };
  for (const it of items) out[termState(it, on)]++;
  return out;
}

/** The eligibility outcomes, worst first. */
export const outcomes = ["fail", "missing", "pass", "not_applicable"];

/** outcomeClass returns the Bootstrap Italia badge class of an outcome or verdict. */
export function outcomeClass(outcome) {
  switch (outcome) {
    case "pass":
    case "eligible":
      return "badge bg-success";
    case "fail":
    case "not_eligible":
      return "badge bg-danger";
    case "missing":
    case "incomplete":
      return "badge bg-warning text-dark";
    default:
      return "badge bg-secondary";
  }
}

/** text returns a bilingual {it, en} message in lang (Italian when missing), or a plain string as is. */
export function text(msg, lang) {
  if (msg == null) return "";
  if (typeof msg === "string") return msg;
  return msg[lang] || msg.it || msg.en || "";
}

/**
 * factValue renders an eligibility fact's value: "—" when unknown, lists
 * joined by commas, booleans in lang.
 */
export function factValue(fact, lang) {
  if (!fact.known || fact.value === null || fact.value === undefined) return "—";
  const v = fact.value;
  if (typeof v === "boolean") return lang === "en" ? (v ? "yes" : "no") : v ? "sì" : "no";
  if (Array.isArray(v)) return v.length ? v.join(", ") : "—";
  if (typeof v === "object") return JSON.stringify(v);
  return String(v);
}

/**
 * mergeRules joins a stored assessment's rules (rule, basis, outcome,
 * message) with the facts of a fresh evaluation of the same application
 * (eligibility.Decision's results, matched by section and rule ID): each
 * rule gets facts ([] when the evaluation has none for it) and title.
 */
export function mergeRules(section, decision) {
  const fresh = decision?.sections?.find((s) => s.section === section.section);
  const byRule = new Map((fresh?.results || fresh?.rules || []).map((r) => [r.rule, r]));
  return (section.rules || []).map((r) => {
    const f = byRule.get(r.rule);
    return { ...r, title: f?.title, facts: f?.facts || [] };
  });
}

/** csvCell quotes a CSV field when needed (RFC 4180), and neutralises spreadsheet formulas. */
export function csvCell(v) {
  let s = v == null ? "" : Array.isArray(v) ? v.join(" ") : String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = "'" + s;
  return /[",\n\r;]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** The columns of the yearly list's CSV export. */
export const yearlyColumns = ["recipient", "recipientName", "list", "id", "name", "taxCode", "legalForm", "comune", "province", "sections", "filedOn", "due", "reason"];

/**
 * yearlyCSV renders a yearly list (GET /v1/yearly-list/{year}) as CSV, one
 * row per listed body per recipient (regular then excluded), CRLF lines.
 * recipient, when given, keeps only that recipient's code.
 */
export function yearlyCSV(list, recipient = "") {
  const rows = [yearlyColumns.join(",")];
  for (const rl of list?.recipients || []) {
    if (recipient && rl.recipient.code !== recipient) continue;
    for (const [kind, bodies] of [["regular", rl.regular], ["excluded", rl.excluded]]) {
      for (const b of bodies || []) {
        rows.push(
          [rl.recipient.code, rl.recipient.name, kind, b.id, b.name, b.taxCode, b.legalForm, b.comune, b.province,
            (b.sections || []).join(" "), b.filedOn, b.due ? "true" : "false", b.reason]
            .map(csvCell)
            .join(","),
        );
      }
    }
  }
  return rows.join("\r\n") + "\r\n";
}

/**
 * pendingReferents picks, from a body's referents, those waiting to be
 * verified (status requested), oldest request first.
 */
export function pendingReferents(refs) {
  return (refs || [])
    .filter((r) => r.status === "requested")
    .sort((a, b) => String(a.requestedOn).localeCompare(String(b.requestedOn)));
}

/**
 * addDays returns day plus n days as "YYYY-MM-DD" (UTC), "" if day is
 * malformed.
 */
export function addDays(day, n) {
  const d = dayNumber(day);
  if (Number.isNaN(d)) return "";
  return new Date((d + n) * dayMs).toISOString().slice(0, 10);
}

/**
 * applicationForCheck strips what the register added to a stored
 * application (id, version, receipt) so it can be evaluated again by POST
 * /v1/eligibility.
 */
export function applicationForCheck(app) {
  // eslint-disable-next-line no-unused-vars
  const { id, version, receipt, ...rest } = app || {};
  return rest;
}
