import assert from "node:assert/strict";
import { test } from "node:test";
import {
  addDays, applicationForCheck, csvCell, dayNumber, daysLeft, factValue, mergeRules, outcomeClass,
  pendingReferents, queueCounts, sortQueue, termState, text, today, yearlyCSV,
} from "./helpers.js";

test("dayNumber reads calendar days and refuses impossible ones", () => {
  assert.equal(dayNumber("1970-01-02"), 1);
  assert.equal(dayNumber("2024-03-01") - dayNumber("2024-02-28"), 2); // leap year
  for (const bad of ["", null, "2024-02-30", "2024-13-01", "24-01-01", "2024-1-1"]) {
    assert.ok(Number.isNaN(dayNumber(bad)), String(bad));
  }
});

test("today is the UTC day", () => {
  assert.equal(today(new Date("2026-12-01T23:30:00Z")), "2026-12-01");
});

test("daysLeft counts to the due day, negative once passed", () => {
  const cases = [
    ["2026-12-01", "2026-12-01", 0],
    ["2026-12-31", "2026-12-01", 30],
    ["2026-11-30", "2026-12-01", -1],
    ["", "2026-12-01", null],
    ["2026-02-31", "2026-12-01", null],
  ];
  for (const [due, on, want] of cases) assert.equal(daysLeft(due, on), want, `${due} on ${on}`);
});

test("termState: suspended beats overdue, then overdue, due soon, open", () => {
  const on = "2026-12-01";
  const cases = [
    [{ decisionDue: "2026-11-01", awaitingCompletion: true }, "suspended"],
    [{ decisionDue: "2026-11-30" }, "overdue"],
    [{ decisionDue: "2027-01-30", overdue: true }, "overdue"], // the server's word counts
    [{ decisionDue: "2026-12-01" }, "due-soon"],
    [{ decisionDue: "2026-12-16" }, "due-soon"],
    [{ decisionDue: "2026-12-17" }, "open"],
    [{}, "unknown"],
    [{ overdue: true }, "overdue"],
  ];
  for (const [item, want] of cases) assert.equal(termState(item, on), want, JSON.stringify(item));
});

test("sortQueue: by due day, then application date, then ID; no due day last; input untouched", () => {
  const items = [
    { applicationId: "c", decisionDue: "2025-03-01", date: "2024-12-01" },
    { applicationId: "x" },
    { applicationId: "b", decisionDue: "2025-01-01", date: "2024-10-03" },
    { applicationId: "a", decisionDue: "2025-01-01", date: "2024-10-03" },
    { applicationId: "d", decisionDue: "2025-01-01", date: "2024-10-01" },
  ];
  const copy = structuredClone(items);
  assert.deepEqual(sortQueue(items).map((i) => i.applicationId), ["d", "a", "b", "c", "x"]);
  assert.deepEqual(items, copy);
});

test("queueCounts adds up", () => {
  const c = queueCounts(
    [{ decisionDue: "2020-01-01" }, { decisionDue: "2020-01-01", awaitingCompletion: true }, { decisionDue: "2099-01-01" }],
    "2026-12-01",
  );
  assert.deepEqual(c, { total: 3, overdue: 1, suspended: 1, "due-soon": 0, open: 1, unknown: 0 });
});

test("outcomeClass maps outcomes and verdicts", () => {
  assert.match(outcomeClass("pass"), /success/);
  assert.match(outcomeClass("not_eligible"), /danger/);
  assert.match(outcomeClass("missing"), /warning/);
  assert.match(outcomeClass("not_applicable"), /secondary/);
});

test("text and factValue speak the language", () => {
  assert.equal(text({ it: "sì", en: "yes" }, "en"), "yes");
  assert.equal(text({ it: "sì" }, "en"), "sì");
  assert.equal(text("plain", "en"), "plain");
  assert.equal(text(null, "it"), "");
  assert.equal(factValue({ known: false, value: null }, "it"), "—");
  assert.equal(factValue({ known: true, value: true }, "it"), "sì");
  assert.equal(factValue({ known: true, value: false }, "en"), "no");
  assert.equal(factValue({ known: true, value: ["a", "b"] }, "it"), "a, b");
  assert.equal(factValue({ known: true, value: 24 }, "it"), "24");
});

test("mergeRules adds the facts of a fresh evaluation to the stored rules", () => {
  const stored = { section: "I", rules: [{ rule: "r1", outcome: "pass" }, { rule: "r2", outcome: "fail" }] };
  const decision = {
    sections: [
      { section: "II", results: [{ rule: "r1", facts: [{ name: "wrong" }] }] },
      { section: "I", results: [{ rule: "r1", title: { it: "T" }, facts: [{ name: "f", known: true, value: 1 }] }] },
    ],
  };
  const got = mergeRules(stored, decision);
  assert.deepEqual(got[0].facts, [{ name: "f", known: true, value: 1 }]);
  assert.deepEqual(got[0].title, { it: "T" });
  assert.deepEqual(got[1].facts, []);
  assert.equal(got[1].outcome, "fail");
  assert.deepEqual(mergeRules(stored, null).map((r) => r.facts), [[], []]);
});

test("csvCell quotes and defuses formulas", () => {
  assert.equal(csvCell("plain"), "plain");
  assert.equal(csvCell('a "b", c'), '"a ""b"", c"');
  assert.equal(csvCell("=SUM(A1)"), "'=SUM(A1)");
  assert.equal(csvCell(null), "");
  assert.equal(csvCell(["I", "II"]), "I II");
});

test("yearlyCSV writes one row per body per recipient, filtered by recipient", () => {
  const list = {
    year: 2024,
    recipients: [
      { recipient: { code: "01", name: "Piemonte" }, regular: [{ id: "E1", name: "Alfa, APS", taxCode: "1", sections: ["I"], due: true, filedOn: "2025-01-10" }], excluded: [] },
      { recipient: { code: "12", name: "Lazio" }, regular: [], excluded: [{ id: "E2", name: "Beta", sections: ["I", "II"], due: true, reason: "late" }] },
    ],
  };
  const all = yearlyCSV(list).split("\r\n");
  assert.equal(all.length, 4); // header, two rows, final empty
  assert.ok(all[0].startsWith("recipient,recipientName,list,id"));
  assert.equal(all[1], '01,Piemonte,regular,E1,"Alfa, APS",1,,,,I,2025-01-10,true,');
  assert.equal(all[2], "12,Lazio,excluded,E2,Beta,,,,,I II,,true,late");
  assert.equal(yearlyCSV(list, "12").split("\r\n").length, 3);
  assert.equal(yearlyCSV(null), "recipient,recipientName,list,id,name,taxCode,legalForm,comune,province,sections,filedOn,due,reason\r\n");
});

test("pendingReferents keeps the requested ones, oldest first", () => {
  const got = pendingReferents([
    { id: "1", status: "enabled", requestedOn: "2024-01-01" },
    { id: "2", status: "requested", requestedOn: "2024-03-01" },
    { id: "3", status: "requested", requestedOn: "2024-02-01" },
  ]);
  assert.deepEqual(got.map((r) => r.id), ["3", "2"]);
  assert.deepEqual(pendingReferents(undefined), []);
});

test("addDays crosses months and years", () => {
  assert.equal(addDays("2024-12-31", 1), "2025-01-01");
  assert.equal(addDays("2024-02-28", 366), "2025-02-28");
  assert.equal(addDays("bad", 1), "");
});

test("applicationForCheck drops what the register added", () => {
  assert.deepEqual(applicationForCheck({ id: "A", version: 3, receipt: {}, entityId: "E", date: "2024-01-01" }), { entityId: "E", date: "2024-01-01" });
});
