// node --test src/uiSchema.test.js
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { checkboxUiSchema } from "./uiSchema.js";

test("arrays of distinct codes become checkboxes, through $refs", () => {
  const schema = {
    type: "object",
    properties: {
      sections: { type: "array", uniqueItems: true, items: { enum: ["I", "II"] } },
      body: { $ref: "#/$defs/Body" },
      projects: { type: "array", items: { $ref: "#/$defs/Project" } },
      names: { type: "array", uniqueItems: true, items: { type: "string" } },
    },
    $defs: {
      Body: { type: "object", properties: { sectors: { type: "array", uniqueItems: true, items: { $ref: "#/$defs/Sector" } } } },
      Sector: { oneOf: [{ const: "a", title: "A" }, { const: "b", title: "B" }] },
      Project: { type: "object", properties: { axes: { type: "array", uniqueItems: true, items: { enum: ["x"] } }, title: { type: "string" } } },
    },
  };
  assert.deepEqual(checkboxUiSchema(schema), {
    sections: { "ui:widget": "checkboxes" },
    body: { sectors: { "ui:widget": "checkboxes" } },
    projects: { items: { axes: { "ui:widget": "checkboxes" } } },
  });
});

test("the published 2024 questionnaire", () => {
  const schema = JSON.parse(readFileSync(new URL("../../../schemas/v1/it/questionnaire-2024.json", import.meta.url)));
  const ui = checkboxUiSchema(schema);
  assert.deepEqual(ui.sections, { "ui:widget": "checkboxes" });
  assert.deepEqual(ui.body?.sectors, { "ui:widget": "checkboxes" });
  assert.deepEqual(ui.projects?.items?.activityTypes, { "ui:widget": "checkboxes" });
  assert.equal(ui.body?.name, undefined, "plain fields are left alone");
});
