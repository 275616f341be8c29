// node --test src/jsonforms.test.js
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { Generate, arrayDefaultTranslations, combinatorDefaultTranslations, errorsAt, getArrayTranslations } from "@jsonforms/core";
import * as vanilla from "@jsonforms/vanilla-renderers";
import * as material from "@jsonforms/material-renderers";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import localizeIt from "ajv-i18n/localize/it/index.js";
import { ITALIAN, additionalErrors, conditions, formUiSchema, generatedLayout, localizedAjv, translator, unrenderable, validateURL } from "./jsonforms.js";
import * as page from "./jsonformsRenderers.js";

const dir = new URL("../../../schemas/v1/", import.meta.url);
const load = (lang, name) => JSON.parse(readFileSync(new URL(`${lang}/${name}.json`, dir)));
const NAMES = readdirSync(new URL("en/", dir)).map((f) => f.replace(/\.json$/, ""));

// The sets as the page uses them: each with the page's renderers
// (jsonformsRenderers.js).
const VANILLA = {
  renderers: [...vanilla.vanillaRenderers, page.objectControl, page.vanillaObjectList, page.anyValueControl],
  cells: [...vanilla.vanillaCells, page.vanillaCodeCell, page.anyValueCell],
  input: vanilla.inputControlTester,
  table: vanilla.tableArrayControlTester,
};

const MATERIAL = {
  renderers: [...material.materialRenderers, page.objectControl, page.materialCodeControl, page.materialObjectList, page.anyValueControl],
  cells: [...material.materialCells, page.materialCodeCell, page.anyValueCell],
  table: material.materialArrayControlTester,
};

test("every published schema renders whole with JSON Forms' generated layout (vanilla and material)", () => {
  for (const lang of ["it", "en"]) {
    for (const name of NAMES) {
      assert.deepEqual(unrenderable(load(lang, name), VANILLA), [], `vanilla ${lang}/${name}`);
      assert.deepEqual(unrenderable(load(lang, name), MATERIAL), [], `material ${lang}/${name}`);
    }
  }
});

test("the vanilla set alone has no renderer for a nested object", () => {
  const bare = { renderers: vanilla.vanillaRenderers, cells: vanilla.vanillaCells, input: vanilla.inputControlTester, table: vanilla.tableArrayControlTester };
  // Its input control takes the object and finds no cell for it: "No
  // applicable cell".
  assert.ok(unrenderable(load("en", "questionnaire-2024"), bare).includes("#/properties/body (no cell)"));
});

test("a wrong code is among the choices; a right one leaves the list as it is", () => {
  const list = { oneOf: [{ const: "a", title: "A" }, { const: "b", title: "B" }] };
  assert.equal(page.codeOptions(list, "a"), undefined);
  assert.equal(page.codeOptions(list, undefined), undefined);
  assert.deepEqual(page.codeOptions(list, "zzz"), [{ label: "A", value: "a" }, { label: "B", value: "b" }, { label: "zzz", value: "zzz" }]);
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

test("the shape the schemas had (a root that is only a $ref, the blocks in its allOf) renders no field with the material set", () => {
  const schema = load("en", "questionnaire-2024");
  const { type, allOf, ...bare } = schema;
  const old = { ...bare, allOf };
  assert.equal(type, "object");
  // As the schemas were published before: no type at the root and the blocks
  // in the definition's allOf: JSON Forms generates one combined control at
  // # that it cannot render.
  const def = schema.$defs["questionnaire.Document"];
  const before = { ...bare, $defs: { ...schema.$defs, "questionnaire.Document": { ...def, allOf } } };
  const plain = { renderers: material.materialRenderers, cells: material.materialCells, table: material.materialArrayControlTester };
  assert.deepEqual(unrenderable(before, plain), ["#"]);
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
  assert.equal(ui.elements[at].elements[0].scope, "#/properties/sectionII");
  assert.equal(ui.elements[at].elements[0].options.detail.type, "VerticalLayout");
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

test("an unknown field goes to the object that holds it, named in its message", () => {
  const schema = load("it", "questionnaire-2024");
  const { errors, unplaced } = additionalErrors(PROBLEMS, schema, "it");
  assert.deepEqual(unplaced, []);
  const unknown = errors.find((e) => e.code === "unknown_field");
  assert.equal(unknown.keyword, "unknown_field");
  assert.equal(unknown.message, "il campo \"extra\" non è previsto");
  // JSON Forms shows it on the control of /body (the object control).
  assert.deepEqual(errorsAt("body", {}, (p) => p === "body")(errors).map((e) => e.code), ["unknown_field"]);

  // AJV's own (no code): named, at the holder; in a list's item: at the
  // list, led by the item's number.
  const ajv = { instancePath: "/projects/1", schemaPath: "#/$defs/questionnaire.Project/additionalProperties", keyword: "additionalProperties", params: { additionalProperty: "x" }, message: "must NOT have additional properties" };
  const [e] = additionalErrors([ajv], schema, "en").errors;
  assert.deepEqual([e.instancePath, e.keyword, e.message], ["/projects", "unknown_field", "2: must NOT have additional properties: x"]);
});

test("a missing object is at its control; a problem of the whole document is unplaced", () => {
  const schema = load("en", "questionnaire-2024");
  const { errors, unplaced } = additionalErrors([
    problem("", "#/$defs/questionnaire.Document/required", "required", { missingProperty: "filer" }, "required", "x", "y"),
    problem("", "#/allOf/0/else/not", "not", { property: "sectionII" }, "section_ii_block", "x", "y"),
    problem("", "#/$defs/questionnaire.Document/additionalProperties", "additionalProperties", { additionalProperty: "zz" }, "unknown_field", "x zz", "y zz"),
  ], schema, "en");
  assert.deepEqual(errorsAt("filer", {}, (p) => p === "filer")(errors).map((e) => e.code), ["required"]);
  assert.deepEqual(unplaced.map((u) => [u.field, u.where]), [
    ["/sectionII", schema.$defs["questionnaire.SectionIIProgramme"].title],
    ["/zz", ""],
  ]);
});

test("localizedAjv: AJV's messages in the form's language", () => {
  const ajv = localizedAjv(addFormats(new Ajv2020({ allErrors: true, strict: false })), localizeIt);
  const validate = ajv.compile({ type: "object", required: ["x"] });
  assert.equal(validate({}), false);
  assert.equal(validate.errors[0].message, "deve avere l'attributo obbligatorio x");
  assert.equal(validate({ x: 1 }), true);
});

test("generatedLayout: JSON Forms' generated layout with the fields of any shape", () => {
  const schema = load("en", "decision");
  const fact = { $ref: "#/$defs/eligibility.Fact" };
  const scopes = (ui) => ui.elements.map((e) => e.scope);
  // JSON Forms' generator leaves out the value, which has no type.
  assert.deepEqual(scopes(Generate.uiSchema(fact, "VerticalLayout", "#", schema)), ["#/properties/name", "#/properties/path", "#/properties/known"]);
  assert.deepEqual(scopes(generatedLayout(fact, schema)), ["#/properties/name", "#/properties/path", "#/properties/known", "#/properties/value"]);
  // Its control is the page's control of a value of any shape.
  const value = generatedLayout(fact, schema).elements[3];
  const ranked = MATERIAL.renderers.map((r) => r.tester(value, schema.$defs["eligibility.Fact"], { rootSchema: schema, config: {} }));
  assert.equal(MATERIAL.renderers[ranked.indexOf(Math.max(...ranked))], page.anyValueControl);
});

// Every default word JSON Forms' core and its two sets define, by key.
const KEYS = [...arrayDefaultTranslations, ...combinatorDefaultTranslations].map((d) => d.key);
const ENUM_KEYS = [...Object.keys(vanilla.i18nDefaults), ...Object.keys(material.i18nDefaults)];

test("translator: every default word of JSON Forms has an Italian text", () => {
  assert.ok(KEYS.length >= 18 && ENUM_KEYS.includes("enum.none"));
  for (const key of [...KEYS, ...ENUM_KEYS]) {
    assert.equal(typeof ITALIAN[key], "function", key);
    assert.ok(ITALIAN[key]("Progetti").length > 0, key);
  }
  assert.deepEqual(Object.keys(ITALIAN).sort(), [...new Set([...KEYS, ...ENUM_KEYS])].sort());
});

test("translator: JSON Forms' array words in Italian, with the list's label", () => {
  const it = getArrayTranslations(translator("it"), arrayDefaultTranslations, "projects", "Progetti");
  assert.equal(it.addTooltip, "Aggiungi a Progetti");
  assert.equal(it.addAriaLabel, "Pulsante aggiungi a Progetti");
  assert.equal(it.noDataMessage, "Nessun dato");
  assert.equal(it.deleteDialogAccept, "Sì");
  assert.equal(getArrayTranslations(translator("it"), arrayDefaultTranslations, "root", undefined).addTooltip, "Aggiungi");
  // Every word differs from the English but where Italian says the same.
  const en = getArrayTranslations(translator("en"), arrayDefaultTranslations, "projects", "Projects");
  assert.equal(en.addTooltip, "Add to Projects");
  for (const key of Object.keys(it)) if (key !== "deleteDialogDecline") assert.notEqual(it[key], en[key], key);
  assert.equal(translator("it")("enum.none", "None"), "Nessuno");
  assert.equal(translator("en")("enum.none", "None"), "None");
});

test("translator: labels, descriptions and error keys as JSON Forms has them", () => {
  for (const lang of ["it", "en"]) {
    const t = translator(lang);
    assert.equal(t("body.name.label", "Denominazione"), "Denominazione");
    assert.equal(t("body.up.description", "Descrizione"), "Descrizione");
    assert.equal(t("up", "up"), "up"); // a label as its own id
    // JSON Forms asks error keys with no default and keeps AJV's message
    // when the answer is undefined.
    assert.equal(t("body.name.error.required", undefined), undefined);
    assert.equal(t("error.required", undefined), undefined);
  }
});

test("validateURL: the server checks the questionnaires and the application", () => {
  assert.equal(validateURL("questionnaire-2024", "it"), "/v1/questionnaires/2024/validate?lang=it");
  assert.equal(validateURL("application", "en"), "/v1/applications/validate?lang=en");
  assert.equal(validateURL("decision", "en"), undefined);
});
