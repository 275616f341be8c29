import { test } from "node:test";
import assert from "node:assert/strict";
import { uiFor } from "./ui.js";

test("uiFor picks widgets by what a field holds", () => {
  const root = { $defs: { Addr: { type: "object", properties: { street: { type: "string" }, region: { type: "string" }, province: { type: "string" }, comune: { type: "string" } } } } };
  const schema = {
    type: "object",
    properties: {
      year: { type: "integer", const: 2024 },
      seat: { $ref: "#/$defs/Addr" },
      funds: { type: "array", items: { type: "object", properties: { amountCents: { type: "integer" }, source: { type: "string", enum: ["a"] } } } },
      regions: { type: "array", items: { type: "string", pattern: "^(0[1-9]|1[0-9]|2[0-2])$" } },
      kinds: { type: "array", uniqueItems: true, items: { oneOf: [{ const: "x", title: "X" }] } },
      objectives: { type: "string", maxLength: 2000 },
    },
  };
  assert.deepEqual(uiFor(root, schema), {
    year: { "ui:readonly": true },
    seat: { "ui:field": "address" },
    funds: { items: { amountCents: { "ui:widget": "euro" } } },
    regions: { "ui:field": "places", "ui:options": { kind: "regions" } },
    kinds: { "ui:widget": "checkboxes" },
    objectives: { "ui:widget": "textarea" },
  });
});
