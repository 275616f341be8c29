// The JSON Forms page (jsonforms.html): a published schema — the
// questionnaire of a year or the application — rendered by JSON Forms with
// the vanilla or the material renderers, in Italian or English.
//
//   ?schema=questionnaire-2024|application|…  &lang=it|en  &renderers=vanilla|material
//   &layout=derived|generated
//
//   - client side: JSON Forms validates with an Ajv2020 instance (allErrors,
//     verbose, ajv-formats) whose messages come from ajv-i18n in the form's
//     language (localizedAjv); AJV's errors about a field the form does not
//     have, which JSON Forms drops, go to the object that holds it
//     (additionalErrors) like the server's;
//   - the layout is derived from the schema (formUiSchema): every field,
//     each object a labelled group, conditional blocks shown only when they
//     apply, codes as labelled choices; with layout=generated the page
//     passes no uischema and JSON Forms generates its own (every field, no
//     conditional rules);
//   - the page adds to each renderer set an object control (the vanilla set
//     has none) that shows the errors about the object, and code lists that
//     show a wrong code as itself (jsonformsRenderers.js);
//   - JSON Forms' own words (a list's "Add to …", "No data", the delete
//     dialog, the empty choice) in the form's language (translator: labels
//     and descriptions come translated with the schema);
//   - server side (questionnaires and the application): the document goes
//     to POST /v1/questionnaires/{year}/validate?lang=… or
//     POST /v1/applications/validate?lang=… (validateURL); its problems
//     become additionalErrors, each at its field (an unknown field at the
//     object that holds it); those about the whole document are listed
//     above the form.
//
// The README's JSON Forms recipe is copied from this file.
import { useEffect, useMemo, useState } from "react";
import { JsonForms } from "@jsonforms/react";
import { vanillaCells, vanillaRenderers } from "@jsonforms/vanilla-renderers";
import { materialCells, materialRenderers } from "@jsonforms/material-renderers";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import localizeIt from "ajv-i18n/localize/it/index.js";
import localizeEn from "ajv-i18n/localize/en/index.js";
import { additionalErrors, formUiSchema, localizedAjv, translator, validateURL } from "./jsonforms.js";
import { anyValueCell, anyValueControl, materialCodeCell, materialCodeControl, materialObjectList, objectControl, vanillaCodeCell, vanillaObjectList } from "./jsonformsRenderers.js";

// Each set with the page's renderers (jsonformsRenderers.js): an object
// control, code lists that keep a wrong code, a value of any shape, and
// lists of objects with every field of their items (vanilla: in the form's
// language).
const SETS = {
  vanilla: {
    renderers: [...vanillaRenderers, objectControl, vanillaObjectList, anyValueControl],
    cells: [...vanillaCells, vanillaCodeCell, anyValueCell],
  },
  material: {
    renderers: [...materialRenderers, objectControl, materialCodeControl, materialObjectList, anyValueControl],
    cells: [...materialCells, materialCodeCell, anyValueCell],
  },
};
const LOCALIZE = { it: localizeIt, en: localizeEn };
// JSON Forms' own words in each language: one function per language, made
// once (JSON Forms updates its i18n state whenever translate changes).
const TRANSLATE = { it: translator("it"), en: translator("en") };
const WORDS = {
  it: { submit: "Controlla sul server", valid: "Il servizio non ha trovato errori.", invalid: (n) => `Il servizio ha trovato ${n} problemi.`, unplaced: "Problemi del documento intero", json: "Documento JSON", apply: "Applica JSON" },
  en: { submit: "Check on the server", valid: "The service found no errors.", invalid: (n) => `The service found ${n} problems.`, unplaced: "Problems of the whole document", json: "JSON document", apply: "Apply JSON" },
};

// One AJV per language: the Italian and English schema share their $id, and
// an AJV instance keeps one schema per $id. JSON Forms needs allErrors and
// verbose (parentSchema on every error).
const ajvs = {};
// Every message is already in the form's language (AJV's through
// localizedAjv, the server's through additionalErrors): JSON Forms shows it
// as written (its default rewords AJV's English required message).
const asWritten = (error) => error.message;
function ajvFor(lang) {
  ajvs[lang] ??= localizedAjv(addFormats(new Ajv2020({ allErrors: true, verbose: true, strict: false })), LOCALIZE[lang]);
  return ajvs[lang];
}
// Each schema is fetched once per language and kept: AJV compiles a schema
// object once, and a second object with the same $id would be refused.
const fetched = {};
function fetchSchema(name, lang) {
  fetched[`${name}/${lang}`] ??= fetch(`/v1/schemas/${name}?lang=${lang}`).then((r) => {
    if (!r.ok) throw new Error(`${r.status} ${r.statusText}`);
    return r.json();
  });
  return fetched[`${name}/${lang}`];
}

export default function JsonFormsApp() {
  const q = new URLSearchParams(window.location.search);
  const name = q.get("schema") || "questionnaire-2024";
  const set = SETS[q.get("renderers")] || SETS.vanilla;
  const [lang, setLang] = useState(q.get("lang") === "en" ? "en" : "it");
  const [schema, setSchema] = useState(null);
  const [data, setData] = useState({});
  const [jsonText, setJsonText] = useState("{}");
  const [problems, setProblems] = useState(null); // the server's, for the data as sent
  const [failure, setFailure] = useState("");
  const words = WORDS[lang];
  const check = validateURL(name, lang);

  useEffect(() => {
    document.documentElement.lang = lang;
    let live = true;
    setSchema(null);
    fetchSchema(name, lang).then((s) => live && setSchema(s)).catch((e) => live && setFailure(e.message));
    return () => {
      live = false;
    };
  }, [name, lang]);

  const generated = q.get("layout") === "generated";
  const uischema = useMemo(() => (schema && !generated ? formUiSchema(schema) : undefined), [schema, generated]);
  const server = useMemo(() => (schema && problems ? additionalErrors(problems, schema, lang) : { errors: [], unplaced: [] }), [problems, schema, lang]);
  // AJV's own errors about fields the form does not have (JSON Forms drops
  // additionalProperties errors): at the object that holds the field.
  const unknown = useMemo(() => {
    if (!schema) return { errors: [], unplaced: [] };
    const validate = ajvFor(lang).compile(schema);
    validate(data);
    return additionalErrors((validate.errors || []).filter((e) => e.keyword === "additionalProperties"), schema, lang);
  }, [schema, data, lang]);
  const unplaced = [...unknown.unplaced, ...server.unplaced];

  async function submit() {
    setFailure("");
    const res = await fetch(check, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify(data),
    });
    const body = await res.json().catch(() => null);
    if (!res.ok) return setFailure(body?.detail || `${res.status} ${res.statusText}`);
    setProblems(body.errors ?? []);
  }

  function applyJSON() {
    try {
      setData(JSON.parse(jsonText));
      setProblems(null);
    } catch (e) {
      setFailure(e.message);
    }
  }

  return (
    <main className={`jsonforms ${q.get("renderers") || "vanilla"}`}>
      <header>
        <h1>{schema?.title ?? name}</h1>
        <span role="group" className="langs">
          {["it", "en"].map((l) => (
            <button key={l} type="button" id={`lang-${l}`} aria-pressed={l === lang} onClick={() => setLang(l)}>
              {l.toUpperCase()}
            </button>
          ))}
        </span>
      </header>
      {failure && (
        <p className="banner failure" role="alert">
          {failure}
        </p>
      )}
      {problems && (
        <div id="verdict" className={`banner ${problems.length ? "invalid" : "valid"}`} role="status">
          <p>{problems.length ? words.invalid(problems.length) : words.valid}</p>
        </div>
      )}
      {unplaced.length > 0 && (
        <div className="banner invalid">
          <p>{words.unplaced}:</p>
          <ul id="unplaced">
            {unplaced.map((p, i) => (
              <li key={i} data-field={p.field}>
                {p.code && <code>{p.code}</code>} {p.where ? `${p.where}: ` : ""}
                {p.message}
              </li>
            ))}
          </ul>
        </div>
      )}
      {schema && (
        <JsonForms
          key={`${name}-${lang}`}
          schema={schema}
          uischema={uischema}
          data={data}
          renderers={set.renderers}
          cells={set.cells}
          ajv={ajvFor(lang)}
          i18n={{ locale: lang, translate: TRANSLATE[lang], translateError: asWritten }}
          validationMode="ValidateAndShow"
          additionalErrors={[...unknown.errors, ...server.errors]}
          onChange={({ data: d }) => {
            if (JSON.stringify(d) === JSON.stringify(data)) return;
            setData(d);
            setJsonText(JSON.stringify(d, null, 2));
          }}
        />
      )}
      {check && (
        <p>
          <button type="button" id="submit" onClick={submit}>
            {words.submit}
          </button>
        </p>
      )}
      <details className="json">
        <summary>{words.json}</summary>
        <textarea id="json" spellCheck={false} rows={12} value={jsonText} onChange={(e) => setJsonText(e.target.value)} />
        <p>
          <button type="button" id="apply-json" onClick={applyJSON}>
            {words.apply}
          </button>
        </p>
      </details>
    </main>
  );
}
