// The annual questionnaire form, rendered by react-jsonschema-form from the
// JSON Schema the service publishes for a reporting year and language.
//
//   - client side: rjsf's AJV 8 validator built on Ajv2020 (the schemas are
//     draft 2020-12) with ajv-formats, messages in the chosen language
//     (ajv-i18n);
//   - server side: on submit the document goes to
//     POST /v1/questionnaires/{year}/validate?lang=…, whose problems (AJV
//     ErrorObjects plus code and messages{it,en}) become rjsf extraErrors,
//     shown next to the field each one is about.
import { useEffect, useMemo, useState } from "react";
import Form from "@rjsf/core";
import { customizeValidator } from "@rjsf/validator-ajv8";
import Ajv2020 from "ajv/dist/2020.js";
import localizeIt from "ajv-i18n/localize/it/index.js";
import localizeEn from "ajv-i18n/localize/en/index.js";
import { problemMessage, toExtraErrors } from "./extraErrors.js";
import { dropEmptyObjects } from "./formData.js";
import { checkboxUiSchema } from "./uiSchema.js";
import { LANGS, UI, rjsfStrings } from "./i18n.js";

// rjsf would otherwise fill the form with values nobody chose: the first code
// of every list, an empty item in every array with minItems, empty objects.
// The person filling in the form picks every value.
const defaultsBehaviour = {
  constAsDefaults: "never",
  emptyObjectFields: "skipDefaults",
  arrayMinItems: { populate: "never" },
};

// rjsf places AJV's unknown-field error on the object that holds the field,
// as toExtraErrors places the server's; its message names the field.
function nameUnknown(errors) {
  return errors.map((e) => {
    const name = e.name === "additionalProperties" ? e.params?.additionalProperty : undefined;
    return name ? { ...e, message: `${e.message}: ${name}`, stack: `${e.stack}: ${name}` } : e;
  });
}

// One validator per language: the Italian and English schema of a year share
// its $id, and an AJV instance keeps one schema per $id.
const validators = {
  it: customizeValidator({ AjvClass: Ajv2020 }, localizeIt),
  en: customizeValidator({ AjvClass: Ajv2020 }, localizeEn),
};

/** Fetches JSON, turning an RFC 9457 problem answer into an Error with its detail. */
async function fetchJSON(url, init) {
  const res = await fetch(url, init);
  const body = await res.json().catch(() => null);
  if (!res.ok) throw new Error(body?.detail || body?.title || `${res.status} ${res.statusText}`);
  return body;
}

export default function App() {
  const [lang, setLang] = useState("it");
  const [years, setYears] = useState([]);
  const [year, setYear] = useState(null);
  const [schema, setSchema] = useState(null);
  const [formData, setFormData] = useState({});
  const [jsonText, setJsonText] = useState("{}");
  const [jsonError, setJsonError] = useState("");
  // The server's answer for the document as submitted: {valid, errors, sent}.
  const [verdict, setVerdict] = useState(null);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState("");
  const ui = UI[lang];

  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);

  // The reporting years with a published questionnaire schema.
  useEffect(() => {
    fetchJSON("/v1/schemas")
      .then((list) => {
        const ys = list.items
          .map((s) => /^questionnaire-(\d{4})$/.exec(s.name)?.[1])
          .filter(Boolean)
          .map(Number)
          .sort((a, b) => b - a);
        setYears(ys);
        setYear((y) => y ?? ys[0]);
        const start = { reportingYear: ys[0] };
        setFormData(start);
        setJsonText(JSON.stringify(start, null, 2));
      })
      .catch((e) => setFailure(e.message));
  }, []);

  // The schema of the year, in the language: the titles, descriptions and
  // code labels change with it; the form data stays.
  useEffect(() => {
    if (year == null) return;
    let live = true;
    setSchema(null);
    fetchJSON(`/v1/schemas/questionnaire?year=${year}&lang=${lang}`)
      .then((s) => live && setSchema(s))
      .catch((e) => live && setFailure(e.message));
    return () => {
      live = false;
    };
  }, [year, lang]);

  // Server messages follow the language switch without asking again: every
  // problem carries its message in both languages.
  const extraErrors = useMemo(() => (verdict ? toExtraErrors(verdict.errors, lang) : undefined), [verdict, lang]);
  const checkboxes = useMemo(() => (schema ? checkboxUiSchema(schema) : {}), [schema]);

  function changeData(input) {
    const data = dropEmptyObjects(input) ?? {};
    setFormData(data);
    setJsonText(JSON.stringify(data, null, 2));
    // The server's problems are about the document it saw: drop them on edit.
    if (verdict && JSON.stringify(data) !== verdict.sent) setVerdict(null);
  }

  function changeYear(y) {
    setYear(y);
    setVerdict(null);
    changeData({ ...formData, reportingYear: y });
  }

  function applyJSON() {
    try {
      const data = JSON.parse(jsonText);
      if (data === null || typeof data !== "object" || Array.isArray(data)) throw new Error("{…}");
      setJsonError("");
      changeData(data);
    } catch (e) {
      setJsonError(`${ui.badJson}: ${e.message}`);
    }
  }

  async function submit({ formData: input }) {
    const data = dropEmptyObjects(input) ?? {};
    setBusy(true);
    setFailure("");
    const sent = JSON.stringify(data);
    try {
      const res = await fetchJSON(`/v1/questionnaires/${year}/validate?lang=${lang}`, {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: sent,
      });
      setVerdict({ valid: res.valid, errors: res.errors ?? [], sent });
    } catch (e) {
      setVerdict(null);
      setFailure(`${ui.failed}: ${e.message}`);
    } finally {
      setBusy(false);
    }
  }

  const problems = verdict?.errors ?? [];
  const errorCount = problems.filter((p) => p.severity !== "warning").length;
  const warningCount = problems.length - errorCount;

  return (
    <main>
      <header>
        <h1>{ui.heading}</h1>
        <p className="intro">{ui.intro}</p>
        <div className="controls">
          <label>
            {ui.year}{" "}
            <select id="year" value={year ?? ""} onChange={(e) => changeYear(Number(e.target.value))}>
              {years.map((y) => (
                <option key={y} value={y}>
                  {y}
                </option>
              ))}
            </select>
          </label>
          <span role="group" aria-label={ui.language} className="langs">
            {LANGS.map((l) => (
              <button key={l} type="button" id={`lang-${l}`} aria-pressed={l === lang} onClick={() => setLang(l)}>
                {l.toUpperCase()}
              </button>
            ))}
          </span>
        </div>
      </header>

      {failure && (
        <p className="banner failure" role="alert">
          {failure}
        </p>
      )}
      {verdict && (
        <div id="verdict" className={`banner ${verdict.valid ? "valid" : "invalid"}`} role="status">
          <p>
            {verdict.valid ? ui.valid : ui.invalid(errorCount)} {warningCount > 0 && ui.warnings(warningCount)}
          </p>
          {problems.length > 0 && (
            <ul>
              {problems.map((p, i) => (
                <li key={i}>
                  <code>{p.code}</code> {p.instancePath || "/"}
                  {p.params?.missingProperty ? `/${p.params.missingProperty}` : ""}: {problemMessage(p, lang)}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}

      {schema ? (
        <Form
          key={`${year}-${lang}`}
          schema={schema}
          validator={validators[lang]}
          formData={formData}
          onChange={({ formData: data }) => changeData(data)}
          onSubmit={submit}
          onError={() => setFailure("")} // the browser's errors are shown by the form, next to the fields
          extraErrors={extraErrors}
          transformErrors={nameUnknown}
          showErrorList="top"
          noHtml5Validate
          experimental_defaultFormStateBehavior={defaultsBehaviour}
          focusOnFirstError
          translateString={rjsfStrings(lang)}
          disabled={busy}
          uiSchema={{ ...checkboxes, "ui:submitButtonOptions": { submitText: busy ? ui.checking : ui.submit } }}
        />
      ) : (
        !failure && <p>{ui.loading}</p>
      )}

      <details className="json">
        <summary>{ui.json}</summary>
        <p>{ui.jsonHelp}</p>
        <textarea id="json" spellCheck={false} rows={16} value={jsonText} onChange={(e) => setJsonText(e.target.value)} />
        <p>
          <button type="button" id="apply-json" onClick={applyJSON}>
            {ui.apply}
          </button>{" "}
          {jsonError && <span className="failure">{jsonError}</span>}
        </p>
      </details>
    </main>
  );
}
