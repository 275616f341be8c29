// One step of a form: react-jsonschema-form over a piece of a published
// schema, with the app's widgets (euros, places by name, labelled code
// lists, date pickers), Bootstrap Italia's classes and text buttons. The
// service validates (the step shows its problems next to the fields): the
// form itself checks nothing, so a half-filled step is never blocked.
import { useEffect, useMemo, useState } from "react";
import Form from "@rjsf/core";
import { customizeValidator } from "@rjsf/validator-ajv8";
import Ajv2020 from "ajv/dist/2020.js";
import { useLang, useT } from "../i18n.jsx";
import { centsToEuros, eurosToCents } from "./money.js";
import { byName, comuniOf, territory } from "./territory.js";
import { uiFor } from "./ui.js";
import "./forms.css";

const validator = customizeValidator({ AjvClass: Ajv2020 });

// rjsf would otherwise fill values nobody chose.
const defaultsBehaviour = { constAsDefaults: "never", emptyObjectFields: "skipDefaults", arrayMinItems: { populate: "never" } };

const strings = {
  it: { add: "Aggiungi", remove: "Rimuovi", up: "Sposta su", down: "Sposta giù", copy: "Duplica", choose: "Scegli…", euro: "Importo in euro, es. 1.234,56", notAmount: "Non è un importo in euro: scrivere ad esempio 1.234,56", region: "Regione", province: "Provincia", comune: "Comune", loading: "Caricamento…" },
  en: { add: "Add", remove: "Remove", up: "Move up", down: "Move down", copy: "Copy", choose: "Choose…", euro: "Amount in euros, e.g. 1,234.56", notAmount: "Not an amount in euros: write for example 1,234.56", region: "Region", province: "Province", comune: "Comune", loading: "Loading…" },
};

function useTerritory() {
  const [t, setT] = useState(null);
  useEffect(() => {
    let live = true;
    territory().then((x) => live && setT(x)).catch(() => live && setT({ regions: [], provinces: [] }));
    return () => { live = false; };
  }, []);
  return t;
}

/** EuroWidget: euros with decimals on screen, cents in the data. */
function EuroWidget({ id, value, onChange, disabled, readonly, required, label }) {
  const { lang } = useLang();
  const t = useT(strings);
  const [text, setText] = useState(() => centsToEuros(value, lang));
  const [bad, setBad] = useState(false);
  useEffect(() => {
    // Follow outside changes (a draft loaded, the language switched).
    setText((cur) => (eurosToCents(cur) === (value ?? null) ? centsToEuros(eurosToCents(cur), lang) : centsToEuros(value, lang)));
  }, [value, lang]);
  return (
    <div className="input-group">
      <span className="input-group-text" aria-hidden="true">€</span>
      <input id={id} className={`form-control${bad ? " is-invalid" : ""}`} type="text" inputMode="decimal" value={text}
        disabled={disabled || readonly} required={required} aria-label={label} title={t("euro")} aria-invalid={bad || undefined}
        onChange={(e) => {
          setText(e.target.value);
          const c = eurosToCents(e.target.value);
          setBad(Number.isNaN(c));
          if (!Number.isNaN(c)) onChange(c ?? undefined);
        }}
        onBlur={() => {
          const c = eurosToCents(text);
          if (!Number.isNaN(c) && c !== null) setText(centsToEuros(c, lang));
        }} />
      {bad && <div className="invalid-feedback d-block">{t("notAmount")}</div>}
    </div>
  );
}

/** RegionWidget: a region chosen by name, its ISTAT code in the data. */
function RegionWidget({ id, value, onChange, disabled, readonly, required }) {
  const terr = useTerritory();
  const t = useT(strings);
  return (
    <select id={id} className="form-select" value={value ?? ""} disabled={disabled || readonly || !terr} required={required}
      onChange={(e) => onChange(e.target.value || undefined)}>
      <option value="">{terr ? t("choose") : t("loading")}</option>
      {terr && byName(terr.regions).map((r) => <option key={r.code} value={r.code}>{r.name}</option>)}
    </select>
  );
}

/** Errors of one field, as rjsf passes them. */
function FieldErrors({ errorSchema, name }) {
  const errs = errorSchema?.[name]?.__errors ?? [];
  return errs.map((e, i) => <div key={i} className="invalid-feedback d-block" role="alert">{e}</div>);
}

/**
 * AddressField: street and post code typed; region, province and comune
 * chosen by name, each list narrowed by the one before.
 */
function AddressField({ fieldPathId, formData, onChange, schema, errorSchema, disabled, readonly, registry }) {
  const t = useT(strings);
  const terr = useTerritory();
  const [comuni, setComuni] = useState([]);
  const v = formData ?? {};
  const base = fieldPathId.$id;
  useEffect(() => {
    let live = true;
    comuniOf(v.province).then((c) => live && setComuni(byName(c))).catch(() => live && setComuni([]));
    return () => { live = false; };
  }, [v.province]);
  const set = (patch) => {
    const next = { ...v, ...patch };
    for (const k of Object.keys(next)) if (next[k] === "" || next[k] === undefined) delete next[k];
    onChange(next, fieldPathId.path);
  };
  const props = registry.schemaUtils.retrieveSchema(schema, formData).properties ?? {};
  const provinces = terr ? byName(terr.provinces.filter((p) => !v.region || p.region === v.region)) : [];
  const off = disabled || readonly;
  const title = schema.title;
  const text = (name, extra = {}) => props[name] && (
    <div className="col-12 col-md-6 mb-3">
      <label className="form-label" htmlFor={`${base}_${name}`}>{props[name].title ?? name}</label>
      <input id={`${base}_${name}`} className="form-control" value={v[name] ?? ""} disabled={off}
        onChange={(e) => set({ [name]: e.target.value })} {...extra} />
      <FieldErrors errorSchema={errorSchema} name={name} />
    </div>
  );
  const select = (name, label, options, onPick) => (
    <div className="col-12 col-md-4 mb-3">
      <label className="form-label" htmlFor={`${base}_${name}`}>{props[name]?.title ?? label}</label>
      <select id={`${base}_${name}`} className="form-select" value={v[name] ?? ""} disabled={off || !terr}
        onChange={(e) => onPick(e.target.value)}>
        <option value="">{terr ? t("choose") : t("loading")}</option>
        {options}
      </select>
      <FieldErrors errorSchema={errorSchema} name={name} />
    </div>
  );
  return (
    <fieldset className="mb-3" id={base}>
      {title && <legend className="h6">{title}</legend>}
      <div className="row">
        {text("street", { autoComplete: "street-address" })}
        {text("postCode", { inputMode: "numeric", autoComplete: "postal-code", maxLength: 5 })}
      </div>
      <div className="row">
        {select("region", t("region"), terr && byName(terr.regions).map((r) => <option key={r.code} value={r.code}>{r.name}</option>),
          (region) => set({ region, province: "", comune: "" }))}
        {select("province", t("province"), provinces.map((p) => <option key={p.sigla} value={p.sigla}>{p.name}</option>),
          (sigla) => {
            const p = terr?.provinces.find((x) => x.sigla === sigla);
            set({ province: sigla, region: p?.region ?? v.region, comune: "" });
          })}
        {select("comune", t("comune"), comuni.map((c) => <option key={c.code} value={c.code}>{c.name}</option>), (comune) => set({ comune }))}
      </div>
      {(errorSchema?.__errors ?? []).map((e, i) => <div key={i} className="invalid-feedback d-block" role="alert">{e}</div>)}
    </fieldset>
  );
}

/** PlacesField: several regions (checkboxes) or provinces (a list), by name. */
function PlacesField({ fieldPathId, formData, onChange, schema, uiSchema, errorSchema, disabled, readonly }) {
  const terr = useTerritory();
  const kind = uiSchema?.["ui:options"]?.kind;
  const values = Array.isArray(formData) ? formData : [];
  const base = fieldPathId.$id;
  const items = !terr ? [] : kind === "regions" ? byName(terr.regions).map((r) => ({ value: r.code, name: r.name }))
    : byName(terr.provinces).map((p) => ({ value: p.sigla, name: p.name }));
  const toggle = (val, on) => {
    const next = on ? [...values, val] : values.filter((x) => x !== val);
    onChange(next.length ? next : undefined, fieldPathId.path);
  };
  return (
    <fieldset className="mb-3" id={base}>
      {schema.title && <legend className="h6">{schema.title}</legend>}
      {kind === "regions" ? (
        <div className="row">
          {items.map((it) => (
            <div className="col-12 col-md-4 form-check" key={it.value}>
              <input className="form-check-input" type="checkbox" id={`${base}_${it.value}`} checked={values.includes(it.value)}
                disabled={disabled || readonly} onChange={(e) => toggle(it.value, e.target.checked)} />
              <label className="form-check-label" htmlFor={`${base}_${it.value}`}>{it.name}</label>
            </div>
          ))}
        </div>
      ) : (
        <select multiple className="form-select" size={6} aria-label={schema.title} value={values} disabled={disabled || readonly}
          onChange={(e) => onChange([...e.target.selectedOptions].map((o) => o.value), fieldPathId.path)}>
          {items.map((it) => <option key={it.value} value={it.value}>{it.name}</option>)}
        </select>
      )}
      {(errorSchema?.__errors ?? []).map((e, i) => <div key={i} className="invalid-feedback d-block" role="alert">{e}</div>)}
    </fieldset>
  );
}

function textButton(key, cls) {
  return function Button({ onClick, disabled, className, style }) {
    const t = useT(strings);
    return (
      <button type="button" className={`btn btn-sm ${cls} me-2 mb-2 ${className ?? ""}`} onClick={onClick} disabled={disabled} style={style}>
        {t(key)}
      </button>
    );
  };
}

const templates = {
  ButtonTemplates: {
    AddButton: textButton("add", "btn-outline-primary"),
    RemoveButton: textButton("remove", "btn-outline-danger"),
    MoveUpButton: textButton("up", "btn-outline-secondary"),
    MoveDownButton: textButton("down", "btn-outline-secondary"),
    CopyButton: textButton("copy", "btn-outline-secondary"),
    SubmitButton: () => null,
  },
};
const widgets = { euro: EuroWidget, region: RegionWidget };
const fields = { address: AddressField, places: PlacesField };

/**
 * SchemaForm renders schema (a step's, with the root's $defs) over data;
 * onChange receives the new data; errors is rjsf's extraErrors (the
 * service's problems placed on this step).
 */
export default function SchemaForm({ root, schema, data, onChange, errors, idPrefix = "f" }) {
  const ui = useMemo(() => uiFor(root, schema), [root, schema]);
  // The same problems keep the same object: rjsf re-merges errors whenever it changes.
  const errorsKey = JSON.stringify(errors ?? {});
  const stableErrors = useMemo(() => errors, [errorsKey]); // eslint-disable-line react-hooks/exhaustive-deps
  return (
    <Form schema={schema} uiSchema={ui} formData={data} validator={validator} templates={templates} widgets={widgets} fields={fields}
      idPrefix={idPrefix} noHtml5Validate showErrorList={false} extraErrors={stableErrors} liveValidate={false} noValidate
      experimental_defaultFormStateBehavior={defaultsBehaviour} onChange={(e) => onChange(e.formData)} className="registro-form">
      <></>
    </Form>
  );
}
