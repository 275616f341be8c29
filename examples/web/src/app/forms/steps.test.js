import { test } from "node:test";
import assert from "node:assert/strict";
import { applicationSteps, errorSchema, fieldTitle, fieldTokens, mergeStep, placeProblems, reportSteps, stepData, stepOf, stepSchema } from "./steps.js";
import { cleanHelp, cleanSchema } from "./schema.js";

const ids = (steps) => steps.map((s) => s.id);

test("reportSteps: one step per project, Section II only when reported", () => {
  assert.deepEqual(ids(reportSteps({})), ["ente", "progetti", "ucraina", "riepilogo"]);
  assert.deepEqual(ids(reportSteps({ sections: ["I", "II"], projects: [{}, {}] })),
    ["ente", "progetti", "progetto-1", "progetto-2", "sezione-ii", "ucraina", "riepilogo"]);
});

test("problems land on their step and field", () => {
  const steps = reportSteps({ sections: ["I"], projects: [{}, {}] });
  const problems = [
    { instancePath: "/projects/1/funds/0/amountCents", keyword: "minimum", messages: { it: "troppo poco", en: "too little" } },
    { instancePath: "", keyword: "required", params: { missingProperty: "ukraineFocus" }, message: "required" },
    { instancePath: "/body", keyword: "required", params: { missingProperty: "name" }, messages: { it: "manca", en: "missing" } },
    { instancePath: "/projects", keyword: "maxItems", message: "too many" },
    { instancePath: "/nonsense", keyword: "additionalProperties", message: "?" },
  ];
  const placed = placeProblems(steps, problems);
  assert.deepEqual(placed[3].map((x) => x.tokens), [["funds", "0", "amountCents"]]);
  assert.deepEqual(placed[4].map((x) => x.tokens), [["ukraineFocus"]]);
  assert.deepEqual(placed[0].map((x) => x.tokens), [["body", "name"]]);
  assert.deepEqual(placed[1].map((x) => x.tokens), [["projects"]]);
  assert.deepEqual(placed[5].map((x) => x.tokens), [["nonsense"]]);
  assert.deepEqual(errorSchema(placed[3], "en"), { funds: { 0: { amountCents: { __errors: ["too little"] } } } });
  assert.deepEqual(errorSchema(placed[0], "it"), { body: { name: { __errors: ["manca"] } } });
  assert.deepEqual(fieldTokens({ instancePath: "/a~1b/0", params: { additionalProperty: "x" } }), ["a/b", "0", "x"]);
  // A problem named "__proto__" stays an own property.
  const es = errorSchema([{ tokens: ["__proto__"], problem: { message: "m" } }], "it");
  assert.equal(Object.getPrototypeOf(es), Object.prototype);
});

test("application steps split the body by its parts", () => {
  const schema = { properties: { sections: {}, date: {}, body: {}, activities: {}, declarations: {}, signature: {}, attachments: {} } };
  const steps = applicationSteps(schema);
  assert.deepEqual(ids(steps), ["sezioni", "dati-ente", "persone", "statuto", "attivita", "dichiarazioni", "allegati", "riepilogo"]);
  assert.equal(ids(steps)[stepOf(steps, ["body", "members", "0"])], "persone");
  assert.equal(ids(steps)[stepOf(steps, ["body", "seat", "comune"])], "dati-ente");
  assert.equal(ids(steps)[stepOf(steps, ["attachments", "0", "name"])], "allegati");
  const doc = { body: { name: "A", members: [1], statute: { x: 1 } }, date: "2025-01-01" };
  const persone = steps[2];
  assert.deepEqual(stepData(doc, persone), { body: { members: [1] } });
  assert.deepEqual(mergeStep(doc, persone, { body: { members: [1, 2] } }), { body: { name: "A", members: [1, 2], statute: { x: 1 } }, date: "2025-01-01" });
});

test("stepSchema and stepData of a project", () => {
  const root = { $ref: "#/$defs/D", $defs: { D: { type: "object", required: ["projects"], properties: { projects: { type: "array", items: { $ref: "#/$defs/P" } } } }, P: { type: "object", properties: { title: { type: "string" } } } } };
  const step = { kind: "project", index: 1 };
  assert.deepEqual(stepSchema(root, step).properties, { title: { type: "string" } });
  const doc = { projects: [{ title: "a" }, { title: "b" }] };
  assert.deepEqual(stepData(doc, step), { title: "b" });
  assert.deepEqual(mergeStep(doc, step, { title: "c" }).projects, [{ title: "a" }, { title: "c" }]);
});

test("help texts keep what helps people", () => {
  assert.equal(cleanHelp("Codice «own» dell'elenco «Fonte di finanziamento»."), "");
  assert.equal(cleanHelp("L'importo in centesimi di euro."), "");
  assert.equal(cleanHelp("Il giorno di inizio del progetto (AAAA-MM-GG)."), "Il giorno di inizio del progetto.");
  assert.equal(cleanHelp("Il codice ISTAT del comune (6 cifre, \"058091\")."), "");
  assert.equal(cleanHelp("Gli obiettivi del progetto."), "Gli obiettivi del progetto.");
  assert.equal(cleanHelp("«private» (ente privato), «public_body» (ente pubblico)."), "");
  assert.equal(cleanHelp("Il codice ISO 3166-1 alpha-2 del paese della sede legale; assente: Italia."), "");
  const s = cleanSchema({ $id: "x", oneOf: [{ const: "a", title: "A", description: "Codice «a» dell'elenco «L»." }] });
  assert.deepEqual(s, { oneOf: [{ const: "a", title: "A" }] });
});

test("cleanSchema leaves a property named description alone", () => {
  const s = cleanSchema({ properties: { description: { type: "string", description: "Codice «a» dell'elenco «L»." } } });
  assert.deepEqual(s, { properties: { description: { type: "string" } } });
});

test("fieldTitle names a field for people", () => {
  const root = { $defs: { F: { type: "object", properties: { amountCents: { type: "integer", title: "Importo" } } } } };
  const schema = { type: "object", properties: { funds: { type: "array", title: "Fondi", items: { $ref: "#/$defs/F" } } } };
  assert.equal(fieldTitle(root, schema, ["funds", "0", "amountCents"]), "Fondi › 1 › Importo");
  assert.equal(fieldTitle(root, schema, ["nonsense"]), "nonsense");
  assert.equal(fieldTitle(root, schema, []), "");
});
