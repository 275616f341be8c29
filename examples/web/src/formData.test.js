// node --test src/formData.test.js
import { test } from "node:test";
import assert from "node:assert/strict";
import { dropEmptyObjects } from "./formData.js";

test("empty objects go, answers stay", () => {
  const cases = [
    [{ reportingYear: 2024, sectionII: { labourInclusion: {} } }, { reportingYear: 2024 }],
    [{ a: { b: undefined, c: {} }, d: 0, e: "", f: false, g: null }, { d: 0, e: "", f: false, g: null }],
    [{ projects: [], list: [{}, { x: {} }, 3] }, { projects: [], list: [{}, {}, 3] }],
    [{ body: { name: "Ente", networks: [{ name: "Rete", extra: {} }] } }, { body: { name: "Ente", networks: [{ name: "Rete" }] } }],
  ];
  for (const [input, want] of cases) assert.deepEqual(dropEmptyObjects(input), want);
  assert.equal(dropEmptyObjects({}), undefined);
  assert.equal(dropEmptyObjects("x"), "x");
});
