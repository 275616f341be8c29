// JSON Forms helpers for Registro's published schemas (issue 25): the
// uischema the page derives from a schema (every field, conditional blocks
// shown only when they apply), the layout JSON Forms generates with every
// field, a check that a renderer set renders every control of a uischema,
// the server's problems as JSON Forms' additionalErrors, and JSON Forms'
// own words in Italian.
import { Generate, NOT_APPLICABLE, arrayDefaultTranslations, combinatorDefaultTranslations, resolveSchema } from "@jsonforms/core";

const deref = (schema, root) =>
  schema && typeof schema.$ref === "string" ? deref(resolveSchema(root, schema.$ref, root), root) : schema;

const isObject = (s) => !!s && (s.type === "object" || (!s.type && !!s.properties));
const isArray = (s) => !!s && s.type === "array" && !!s.items;

// conditions reads the root's conditional blocks (the allOf beside the
// root's $ref: {if, then, else}, with the property named in a required list
// under then, else.not or then.not) and returns, by property, the JSON Forms
// rule that shows the property only when it may be given.
export function conditions(schema) {
  const rules = {};
  for (const block of schema.allOf || []) {
    if (!block.if) continue;
    const when = { scope: "#", schema: block.if };
    const forbidden = block.then?.not?.required;
    if (forbidden) {
      // Not allowed when the test holds (the application's declaredAbsent).
      for (const p of forbidden) rules[p] = { effect: "HIDE", condition: when };
      continue;
    }
    // Allowed (or required) only when the test holds.
    for (const p of block.else?.not?.required || []) rules[p] = { effect: "SHOW", condition: when };
  }
  return rules;
}

// freeForm tells a value of any shape (no type, or an object with no
// properties: a problem's params, a decision fact's value), for which the
// vanilla and material sets have no control or cell (the page adds one:
// anyValueControl in jsonformsRenderers.js).
export function freeForm(s) {
  if (!s || s.oneOf || s.enum || s.const !== undefined || s.items) return false;
  if (!s.type) return !s.properties;
  return s.type === "object" && !s.properties;
}

// generatedLayout returns the layout JSON Forms generates for the fields of
// an object schema (Generate.uiSchema) with a control for each field of any
// shape, which JSON Forms' generator leaves out (no type: a decision fact's
// value), in the order of the properties. The page's object control and
// material lists of objects use it for the objects and items that have no
// detail layout.
export function generatedLayout(schema, rootSchema) {
  const layout = Generate.uiSchema(schema, "VerticalLayout", "#", rootSchema);
  const props = deref(schema, rootSchema)?.properties;
  if (!props || !Array.isArray(layout.elements)) return layout;
  const byScope = new Map(layout.elements.map((el) => [el.scope, el]));
  const fields = Object.keys(props).flatMap((name) => {
    const scope = `#/properties/${name}`;
    if (byScope.has(scope)) return [byScope.get(scope)];
    return freeForm(deref(props[name], rootSchema)) ? [{ type: "Control", scope }] : [];
  });
  return { ...layout, elements: [...layout.elements.filter((el) => !el.scope), ...fields] };
}

// formUiSchema derives the uischema of a Registro schema for JSON Forms: a
// vertical layout of every field, each object as an object control whose
// detail is the layout of its own fields (rendered by objectControl, which
// shows the errors about the object itself), each array of objects as a
// control whose detail is the item's layout, and
// the root's conditional blocks as SHOW/HIDE rules (on a vertical layout
// around the field). Code lists (oneOf of
// consts with titles) stay plain controls: JSON Forms renders them as
// labelled choices.
export function formUiSchema(schema) {
  const root = deref(schema, schema);
  const rules = conditions(schema);
  const fields = (obj, prefix, top) =>
    Object.keys(obj.properties || {}).map((name) => {
      const scope = `${prefix}/properties/${name}`;
      const raw = obj.properties[name];
      const s = deref(raw, schema);
      let el;
      if (isObject(s) && s.properties) {
        el = { type: "Control", scope, label: raw.title || s.title || name, options: { detail: { type: "VerticalLayout", elements: fields(s, "#", false) } } };
      } else if (isArray(s) && isObject(deref(s.items, schema))) {
        const items = deref(s.items, schema);
        el = { type: "Control", scope, options: { detail: { type: "VerticalLayout", elements: fields(items, "#", false) } } };
      } else {
        el = { type: "Control", scope };
      }
      // A rule goes on a layout around the field: the vanilla array control
      // ignores its own visibility.
      if (top && rules[name]) el = { type: "VerticalLayout", elements: [el], rule: rules[name] };
      return el;
    });
  return { type: "VerticalLayout", elements: fields(root, "#", true) };
}

// unrenderable returns where a renderer set cannot render a uischema (the
// scopes JSON Forms would warn "No applicable renderer/cell" about), following
// it as <JsonForms> does: controls dispatched to the best-ranked renderer, an
// input control to its best cell, object controls and array items to their
// detail layout or the layout JSON Forms generates for them, table rows to
// cells. uischema defaults to the layout JSON Forms generates. An empty list
// means every field renders.
export function unrenderable(schema, set, uischema) {
  const { renderers, cells = [], input, table } = set;
  const ctx = { rootSchema: schema, config: {} };
  const bad = [];
  const best = (list, ui, s) => {
    let top = null;
    let rank = NOT_APPLICABLE;
    for (const r of list) {
      const n = r.tester(ui, s, ctx);
      if (n > rank) [top, rank] = [r, n];
    }
    return top;
  };
  const cell = (ui, s, where) => {
    if (!best(cells, ui, s)) bad.push(`${where} (no cell)`);
  };
  const walk = (ui, s, at) => {
    if (!ui) return bad.push(`${at} (no layout)`);
    if (ui.type !== "Control") {
      if (!best(renderers, ui, s)) bad.push(`${at} (no renderer for ${ui.type})`);
      for (const el of ui.elements || []) walk(el, s, at);
      return;
    }
    const where = at + ui.scope.slice(1);
    const r = best(renderers, ui, s);
    if (!r) return bad.push(where);
    const sub = deref(resolveSchema(s, ui.scope, schema), schema);
    if (!sub) return bad.push(`${where} (unresolved)`);
    if (input && r.tester === input) return cell(ui, s, where);
    if (isObject(sub)) {
      return walk(ui.options?.detail || generatedLayout(sub, schema), sub, where);
    }
    if (isArray(sub)) {
      const items = deref(sub.items, schema);
      if (table && r.tester === table) {
        if (!isObject(items)) return cell({ type: "Control", scope: "#" }, items, `${where}/items`);
        for (const p of Object.keys(items.properties || {})) {
          cell({ type: "Control", scope: `#/properties/${p}` }, items, `${where}/items/properties/${p}`);
        }
        return;
      }
      if (isObject(items)) {
        return walk(ui.options?.detail || generatedLayout(items, schema), items, `${where}/items`);
      }
    }
  };
  walk(uischema || Generate.uiSchema(schema, undefined, undefined, schema), schema, "#");
  return bad;
}

// fieldSchema returns the schema of the value at instancePath (a JSON
// Pointer), following properties, items and $refs from the root.
export function fieldSchema(schema, instancePath) {
  let s = deref(schema, schema);
  for (const raw of instancePath.split("/").slice(1)) {
    const tok = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (!s) return undefined;
    s = s.type === "array" ? deref(s.items, schema) : deref(s.properties?.[tok], schema);
  }
  return s;
}

// Keywords whose errors JSON Forms drops unless parentSchema is a code list
// (oneOf of consts): see errorsAt in @jsonforms/core.
const DROPPED = new Set(["oneOf", "anyOf", "allOf", "additionalProperties"]);

// validateURL returns the server's check of a schema's documents in lang:
// the questionnaire of a year's or the application's, both answering
// {valid, errors: [problem…]}; undefined for a schema the server does not
// check (the decision, the entity, the problem).
export function validateURL(name, lang) {
  const year = /^questionnaire-(\d{4})$/.exec(name)?.[1];
  if (year) return `/v1/questionnaires/${year}/validate?lang=${lang}`;
  if (name === "application") return `/v1/applications/validate?lang=${lang}`;
  return undefined;
}

// additionalErrors turns the server's problems (AJV ErrorObjects with
// Registro's code and messages), or AJV's own errors about a field the form
// does not have, into JSON Forms' additionalErrors in lang,
// each at the control of its field in a form whose objects are object
// controls (objectControl in jsonformsRenderers.js), and returns apart the
// problems of the whole document, which no control shows:
//
//   - message is the problem's message in lang;
//   - a wrong code (keyword oneOf, code not_in_list) gets parentSchema, the
//     field's code-list schema from the form's own schema, as AJV's verbose
//     option gives it: JSON Forms keeps it (it drops oneOf, anyOf, allOf and
//     additionalProperties errors whose parentSchema is not a code list) and
//     shows it at the field;
//   - an unknown field or a field of other years (keyword
//     additionalProperties, code unknown_field or not_in_year) names a field
//     the form does not have: it goes to the object that holds it, under the
//     problem's code as keyword (unknown_field for AJV's own: JSON Forms
//     drops additionalProperties), and its message names the field; an object that is an item of a list
//     hands it to the list's control, the message led by the item's number;
//   - a missing object (keyword required) is at the object's control, as
//     JSON Forms places every required error;
//   - a problem of the whole document (at the root: an unknown field of the
//     document, a block not allowed in this case) is returned in unplaced,
//     with field (the JSON Pointer of the field it names) and where (the
//     field's title), for the page to show above the form.
export function additionalErrors(problems, schema, lang) {
  const errors = [];
  const unplaced = [];
  for (const p of problems || []) {
    const e = { ...p, message: p.messages?.[lang] ?? p.message };
    const name = e.params?.missingProperty ?? e.params?.additionalProperty ?? e.params?.property;
    const field = typeof name === "string" ? `${e.instancePath}/${name}` : e.instancePath;
    if (e.keyword === "additionalProperties" && typeof name === "string" && !e.message.includes(name)) {
      e.message = `${e.message}: ${name}`;
    }
    if (e.keyword === "additionalProperties" && e.instancePath !== "") {
      const item = /^(.*)\/(\d+)$/.exec(e.instancePath);
      errors.push(item
        ? { ...e, keyword: e.code ?? "unknown_field", instancePath: item[1], message: `${Number(item[2]) + 1}: ${e.message}` }
        : { ...e, keyword: e.code ?? "unknown_field" });
      continue;
    }
    const at = fieldSchema(schema, field);
    if (e.instancePath === "" && e.keyword !== "required") {
      unplaced.push({ ...e, field, where: at?.title ?? "" });
      continue;
    }
    if (DROPPED.has(e.keyword)) {
      if (!at?.oneOf?.every((b) => b.const !== undefined)) {
        unplaced.push({ ...e, field, where: at?.title ?? "" });
        continue;
      }
      e.parentSchema = at;
    }
    errors.push(e);
  }
  return { errors, unplaced };
}

// localizedAjv returns ajv whose validate functions write their errors'
// messages in a language: localize is an ajv-i18n localizer
// (ajv-i18n/localize/it). JSON Forms shows AJV's messages as they are, in
// its controls and in the vanilla tables alike; the server's problems carry
// their own message (additionalErrors).
export function localizedAjv(ajv, localize) {
  const wrapper = Object.create(ajv);
  wrapper.compile = (schema, meta) => {
    const validate = ajv.compile(schema, meta);
    const localized = (data, ...rest) => {
      const ok = validate(data, ...rest);
      localized.errors = validate.errors;
      if (localized.errors) localize(localized.errors);
      return ok;
    };
    localized.schema = validate.schema;
    return localized;
  };
  return wrapper;
}

// ITALIAN holds JSON Forms' own words in Italian, by the key of its default
// translation (arrayDefaultTranslations and combinatorDefaultTranslations of
// @jsonforms/core, the sets' empty enum choice "enum.none"): each a function
// of the list's label, as JSON Forms' defaults are.
export const ITALIAN = {
  addTooltip: (label) => (label ? `Aggiungi a ${label}` : "Aggiungi"),
  addAriaLabel: (label) => (label ? `Pulsante aggiungi a ${label}` : "Pulsante aggiungi"),
  removeTooltip: () => "Elimina",
  removeAriaLabel: () => "Pulsante elimina",
  upAriaLabel: () => "Sposta l'elemento su",
  up: () => "Su",
  down: () => "Giù",
  downAriaLabel: () => "Sposta l'elemento giù",
  noDataMessage: () => "Nessun dato",
  noSelection: () => "Nessuna selezione",
  deleteDialogTitle: () => "Conferma l'eliminazione",
  deleteDialogMessage: () => "Eliminare davvero l'elemento selezionato?",
  deleteDialogAccept: () => "Sì",
  deleteDialogDecline: () => "No",
  clearDialogTitle: () => "Svuotare il modulo?",
  clearDialogMessage: () => "I dati saranno cancellati. Procedere?",
  clearDialogAccept: () => "Sì",
  clearDialogDecline: () => "No",
  "enum.none": () => "Nessuno",
};

const DEFAULTS = new Map([...arrayDefaultTranslations, ...combinatorDefaultTranslations].map((d) => [d.key, d.default]));

// labelIn recovers the label JSON Forms wrote into its default message
// ("Projects" in "Add to Projects"): undefined when the default has none.
function labelIn(fallback, message) {
  const mark = "\u0000";
  const [before, after] = fallback(mark).split(mark);
  if (after === undefined || message.length < before.length + after.length) return undefined;
  if (!message.startsWith(before) || !message.endsWith(after)) return undefined;
  return message.slice(before.length, message.length - after.length);
}

// translator returns JSON Forms' i18n translate function for lang: in
// Italian, JSON Forms' own words (ids "<prefix>.<key>" of its default
// translations, and "enum.none") in Italian; every other id (a label, a
// description: the schemas are already in the form's language; an error
// key, asked with no default) gets defaultMessage, as JSON Forms' own
// translator gives it — JSON Forms uses what translate returns as is, so
// undefined would blank the labels.
export function translator(lang) {
  if (lang !== "it") return (_id, defaultMessage) => defaultMessage;
  return (id, defaultMessage) => {
    if (typeof defaultMessage !== "string") return defaultMessage;
    if (id === "enum.none") return ITALIAN[id]();
    const key = /\.([^.]+)$/.exec(id)?.[1];
    if (!DEFAULTS.has(key) || !ITALIAN[key]) return defaultMessage;
    return ITALIAN[key](labelIn(DEFAULTS.get(key), defaultMessage));
  };
}
