// node --test src/jsonforms.test.js
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { errorsAt } from "@jsonforms/core";
import * as vanilla from "@jsonforms/vanilla-renderers";
import * as material from "@jsonforms/material-renderers";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import localizeIt from "ajv-i18n/localize/it/index.js";
import { additionalErrors, conditions, formUiSchema, translateError, unrenderable } from "./jsonforms.js";

const dir = new URL("../../../schemas/v1/", import.meta.url);
const load = (lang, name) => JSON.parse(readFileSync(new URL(`${lang}/${name}.json`, dir)));
const NAMES = readdirSync(new URL("en/", dir)).map((f) => f.replace(/\.json$/, ""));

const VANILLA = {
  renderers: vanilla.vanillaRenderers,
  cells: vanilla.vanillaCells,
  input: vanilla.inputControlTester,
  table: vanilla.tableArrayControlTester,
};

const MATERIAL = {
  renderers: material.materialRenderers,
  cells: material.materialCells,
  table: material.materialArrayControlTester,
};

// Fields no form control edits: a decision fact's value may be a string, a
// number, a boolean or a list (no type), shown in a table of facts.
const FREE = { decision: ["#/properties/sections/items/properties/results/items/properties/facts/items/properties/value (no cell)"] };

test("every published schema renders whole with JSON Forms' generated layout (material)", () => {
  for (const lang of ["it", "en"]) {
    for (const name of NAMES) {
      assert.deepEqual(unrenderable(load(lang, name), MATERIAL), FREE[name] || [], `${lang}/${name}`);
    }
  }
});

test("every published schema renders whole with the derived uischema (material)", () => {
  for (const lang of ["it", "en"]) {
    for (const name of NAMES) {
      const schema = load(lang, name);
      assert.deepEqual(unrenderable(schema, MATERIAL, formUiSchema(schema)), [], `${lang}/${name}`);
    }
  }
});

test("every published schema renders whole with the derived uischema (vanilla)", () => {
  assert.ok(NAMES.length >= 11);
  for (const lang of ["it", "en"]) {
    for (const name of NAMES) {
      const schema = load(lang, name);
      assert.deepEqual(unrenderable(schema, VANILLA, formUiSchema(schema)), [], `${lang}/${name}`);
    }
  }
});

test("the shape the schemas had (a root that is only a $ref, the blocks in its allOf) renders no field", () => {
  const schema = load("en", "questionnaire-2024");
  const { type, allOf, ...bare } = schema;
  const old = { ...bare, allOf };
  assert.equal(type, "object");
  assert.notDeepEqual(unrenderable(old, VANILLA, formUiSchema(old)), []);
  // As the schemas were published before: no type at the root and the blocks
  // in the definition's allOf: JSON Forms generates one combined control at
  // # that it cannot render.
  const def = schema.$defs["questionnaire.Document"];
  const before = { ...bare, $defs: { ...schema.$defs, "questionnaire.Document": { ...def, allOf } } };
  assert.deepEqual(unrenderable(before, MATERIAL), ["#"]);
});

test("conditional blocks become SHOW and HIDE rules", () => {
  const q = conditions(load("it", "questionnaire-2024"));
  assert.equal(q.sectionII.effect, "SHOW");
  assert.equal(q.branches.effect, "SHOW");
  const a = conditions(load("it", "application"));
  assert.ok(Object.keys(a).length >= 1);
  for (const r of Object.values(a)) assert.equal(r.effect, "HIDE");

  // The rule's test holds exactly when the block applies.
  const ajv = addFormats(new Ajv2020({ strict: false }));
  const when = ajv.compile(q.sectionII.condition.schema);
  assert.equal(when({ sections: ["I"] }), false);
  assert.equal(when({ sections: ["I", "II"] }), true);

  // The layout follows the properties' order; the Section II block is a group.
  const schema = load("it", "questionnaire-2024");
  const ui = formUiSchema(schema);
  const at = Object.keys(schema.$defs["questionnaire.Document"].properties).indexOf("sectionII");
  assert.deepEqual(ui.elements[at].rule, q.sectionII);
  assert.equal(ui.elements[at].elements[0].type, "Group");
});

const problem = (instancePath, schemaPath, keyword, params, code, it, en) => ({
  instancePath, schemaPath, keyword, params, code, severity: "error", message: en, messages: { it, en },
});

// The four kinds of server problem, as the service writes them.
const PROBLEMS = [
  problem("/body", "#/$defs/questionnaire.Body/required", "required", { missingProperty: "name" }, "required",
    "manca il campo obbligatorio \"name\"", "must have required property 'name'"),
  problem("/reportingYear", "#/$defs/questionnaire.Document/properties/reportingYear/type", "type", { type: "integer" }, "type",
    "deve essere integer", "must be integer"),
  problem("/body/legalForm", "#/$defs/questionnaire.Body/properties/legalForm/oneOf", "oneOf",
    { passingSchemas: null, allowedValues: ["association"] }, "not_in_list",
    "deve essere uno dei codici dell'elenco: association", "must be one of the codes of the list: association"),
  problem("/body", "#/$defs/questionnaire.Body/additionalProperties", "additionalProperties",
    { additionalProperty: "extra" }, "unknown_field", "il campo \"extra\" non è previsto", "must NOT have additional property 'extra'"),
];

test("server problems: JSON Forms keeps each at its field, in the form's language", () => {
  const cases = [
    { lang: "it", control: "body.name", message: "manca il campo obbligatorio \"name\"" },
    { lang: "it", control: "reportingYear", message: "deve essere integer" },
    { lang: "it", control: "body.legalForm", message: "deve essere uno dei codici dell'elenco: association" },
    { lang: "en", control: "body.name", message: "must have required property 'name'" },
    { lang: "en", control: "body.legalForm", message: "must be one of the codes of the list: association" },
  ];
  for (const c of cases) {
    const schema = load(c.lang, "questionnaire-2024");
    const { errors } = additionalErrors(PROBLEMS, schema, c.lang);
    // errorsAt is the filter JSON Forms applies to each control's errors.
    const kept = errorsAt(c.control, {}, (p) => p === c.control)(errors);
    assert.deepEqual(kept.map((e) => e.message), [c.message], `${c.lang} ${c.control}`);
  }
});

test("a code-list problem carries its code list as parentSchema; without it JSON Forms drops it", () => {
  const schema = load("en", "questionnaire-2024");
  const { errors } = additionalErrors(PROBLEMS, schema, "en");
  const wrong = errors.find((e) => e.code === "not_in_list");
  assert.ok(wrong.parentSchema.oneOf.every((b) => b.const !== undefined));
  const { parentSchema, ...bare } = wrong;
  assert.deepEqual(errorsAt("body.legalForm", {}, (p) => p === "body.legalForm")([bare]), []);
});

test("an unknown field has no control: it is returned unplaced, with its field and its holder", () => {
  const schema = load("it", "questionnaire-2024");
  const { errors, unplaced } = additionalErrors(PROBLEMS, schema, "it");
  assert.equal(errors.length, 3);
  assert.deepEqual(unplaced.map((u) => [u.field, u.where, u.message]), [
    ["/body/extra", schema.$defs["questionnaire.Body"].title, "il campo \"extra\" non è previsto"],
  ]);
});

test("a missing object or a block not allowed has no control of its own: unplaced", () => {
  const schema = load("en", "questionnaire-2024");
  const { errors, unplaced } = additionalErrors([
    problem("", "#/$defs/questionnaire.Document/required", "required", { missingProperty: "filer" }, "required", "x", "y"),
    problem("", "#/allOf/0/else/not", "not", { property: "sectionII" }, "section_ii_block", "x", "y"),
  ], schema, "en");
  assert.deepEqual(errors, []);
  assert.deepEqual(unplaced.map((u) => [u.field, u.where]), [
    ["/filer", schema.$defs["questionnaire.Filer"].title],
    ["/sectionII", schema.$defs["questionnaire.SectionIIProgramme"].title],
  ]);
});

test("translateError: AJV's errors through ajv-i18n, the server's as written", () => {
  const t = translateError(localizeIt);
  assert.equal(t({ keyword: "required", params: { missingProperty: "x" }, message: "must have required property 'x'" }),
    "deve avere l'attributo obbligatorio x");
  assert.equal(t(PROBLEMS[0]), PROBLEMS[0].message);
});
