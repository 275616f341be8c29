// Unit tests of the server-problem mapping: node --test src/extraErrors.test.js
import { test } from "node:test";
import assert from "node:assert/strict";
import { pointerTokens, toExtraErrors } from "./extraErrors.js";

const msg = (it, en) => ({ it, en });

test("pointer tokens are unescaped", () => {
  assert.deepEqual(pointerTokens(""), []);
  assert.deepEqual(pointerTokens("/a~1b/0/c~0d"), ["a/b", "0", "c~d"]);
  assert.throws(() => pointerTokens("a/b"), /not a JSON Pointer/);
});

test("problems land on their fields, in the chosen language", () => {
  const problems = [
    { instancePath: "/projects/0/funds", keyword: "sum", params: { total: 1, sum: 2 }, code: "funds_sum_mismatch", messages: msg("somma", "sum") },
    { instancePath: "/body", keyword: "required", params: { missingProperty: "name" }, code: "required", messages: msg("manca", "missing") },
    { instancePath: "", keyword: "additionalProperties", params: { additionalProperty: "ukraineFocus" }, code: "not_in_year", messages: msg("anno", "year") },
    { instancePath: "", keyword: "not", params: { property: "branches" }, code: "branches_not_allowed", messages: msg("no", "no") },
    { instancePath: "", keyword: "type", params: { type: "object" }, code: "type", message: "must be object" },
    { instancePath: "/body", keyword: "required", params: { missingProperty: "region" }, code: "required", messages: msg("manca r", "missing r") },
    { instancePath: "/body", keyword: "required", params: { missingProperty: "name" }, code: "x", messages: msg("due", "two") },
    { instancePath: "/body", keyword: "additionalProperties", params: { additionalProperty: "extra" }, code: "unknown_field", messages: msg("extra no", "extra no") },
  ];
  assert.deepEqual(toExtraErrors(problems, "it"), {
    __errors: ["anno", "must be object"],
    projects: { 0: { funds: { __errors: ["somma"] } } },
    body: { name: { __errors: ["manca", "due"] }, region: { __errors: ["manca r"] }, __errors: ["extra no"] },
    branches: { __errors: ["no"] },
  });
  assert.deepEqual(toExtraErrors(problems.slice(0, 1), "en"), { projects: { 0: { funds: { __errors: ["sum"] } } } });
});

test("no problems, no errors; hostile names stay own properties", () => {
  assert.deepEqual(toExtraErrors([], "it"), {});
  assert.deepEqual(toExtraErrors(undefined, "it"), {});
  const out = toExtraErrors([{ instancePath: "/__proto__", params: { missingProperty: "x" }, messages: msg("a", "b") }], "en");
  assert.equal({}.x, undefined);
  assert.deepEqual(Object.keys(out), ["__proto__"]);
  assert.deepEqual(out["__proto__"].x.__errors, ["b"]);
});
