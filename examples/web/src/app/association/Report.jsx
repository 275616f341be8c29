// The annual report in steps (body and filer, the projects one by one, the
// Section II block when the body reports for Section II, the Ukrainian
// focus, the review), autosaved as the body's server draft (PUT
// /v1/entities/{id}/drafts/{year} with If-Match: any device resumes it),
// checked by the service (POST /v1/questionnaires/{year}/validate) and
// filed (POST /v1/filings/{year}), with the problems next to their fields.
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { Link, useParams } from "react-router-dom";
import { ApiError, api } from "../api.js";
import { useLang, useT } from "../i18n.jsx";
import { useSession } from "../session.jsx";
import SchemaForm from "../forms/SchemaForm.jsx";
import { cleanSchema } from "../forms/schema.js";
import { errorSchema, problemSchema, mergeStep, placeProblems, reportSteps, stepData, stepSchema } from "../forms/steps.js";
import { LoginFirst } from "./Home.jsx";
import Steps, { ProblemList, useStepTitle } from "./Steps.jsx";
import { formatDate, formatTime, strings } from "./strings.js";

/** The time an autosave waits after the last change. */
const autosaveDelay = 1200;

/** newReport is the start of a body's report: what the register knows. */
function newReport(year, body, fiscalNumber) {
  const sections = body.sections.filter((s) => s.status === "enrolled").map((s) => s.section);
  return {
    reportingYear: year,
    sections: sections.length ? sections : ["I"],
    body: { taxCode: body.taxCode, registerId: body.id, name: body.name },
    filer: fiscalNumber ? { taxCode: fiscalNumber } : {},
    projects: [],
  };
}

/** ImportJSON loads a document from a file (prepared with other software). */
export function ImportJSON({ onLoad, id }) {
  const t = useT(strings);
  const [bad, setBad] = useState(false);
  return (
    <div className="mb-3">
      <label className="form-label" htmlFor={id}>{t("importJson")}</label>
      <input id={id} type="file" accept="application/json,.json" className="form-control"
        onChange={async (e) => {
          const f = e.target.files?.[0];
          if (!f) return;
          try {
            const v = JSON.parse(await f.text());
            if (!v || typeof v !== "object" || Array.isArray(v)) throw new Error("not an object");
            setBad(false);
            onLoad(v);
          } catch {
            setBad(true);
          }
        }} />
      {bad && <div className="invalid-feedback d-block" role="alert">{t("importBad")}</div>}
    </div>
  );
}

export default function Report() {
  const t = useT(strings);
  const { lang } = useLang();
  const title = useStepTitle();
  const s = useSession();
  const year = Number(useParams().year);
  const body = s.bodies.find((b) => b.id === s.acting);
  const [schema, setSchema] = useState(null);
  const [doc, setDoc] = useState(null);
  const [resumed, setResumed] = useState(null);
  const [save, setSave] = useState({ state: "idle" });
  const [problems, setProblems] = useState(null); // the service's problems, or null before a check
  const [step, setStep] = useState(0);
  const [receipt, setReceipt] = useState(null);
  const [failure, setFailure] = useState("");
  const [busy, setBusy] = useState(false);
  const etag = useRef(null);
  const lastSaved = useRef("");
  const draftURL = body ? `/v1/entities/${encodeURIComponent(body.id)}/drafts/${year}` : "";

  useEffect(() => {
    let live = true;
    api(`/v1/schemas/questionnaire?year=${year}&lang=${lang}`)
      .then((r) => live && setSchema(cleanSchema(r.data)))
      .catch((e) => live && setFailure(e.message));
    return () => { live = false; };
  }, [year, lang]);

  // The draft, or a new report.
  useEffect(() => {
    if (!body) return;
    let live = true;
    api(draftURL)
      .then((r) => {
        if (!live) return;
        etag.current = r.etag;
        lastSaved.current = JSON.stringify(r.data.document);
        setDoc(r.data.document);
        setResumed(r.data.savedAt);
      })
      .catch((e) => {
        if (!live) return;
        if (e instanceof ApiError && e.status === 404) {
          etag.current = null;
          setDoc(newReport(year, body, s.fiscalNumber));
        } else setFailure(e.message);
      });
    return () => { live = false; };
  }, [body?.id, year]); // eslint-disable-line react-hooks/exhaustive-deps

  const saveNow = useCallback(async (d) => {
    const text = JSON.stringify(d);
    if (text === lastSaved.current) return;
    setSave({ state: "saving" });
    try {
      const r = await api(draftURL, { method: "PUT", body: text, etag: etag.current || undefined });
      etag.current = r.etag;
      lastSaved.current = text;
      setSave({ state: "saved", at: new Date() });
    } catch (e) {
      if (e instanceof ApiError && e.status === 412) setSave({ state: "conflict" });
      else if (e instanceof ApiError && e.status === 422) {
        setSave({ state: "invalid" });
        setProblems(e.errors);
      } else setSave({ state: "failed", message: e.message });
    }
  }, [draftURL]);

  // Autosave after each pause in typing.
  useEffect(() => {
    if (!doc || save.state === "conflict") return;
    const id = setTimeout(() => saveNow(doc), autosaveDelay);
    return () => clearTimeout(id);
  }, [doc, saveNow]); // eslint-disable-line react-hooks/exhaustive-deps

  const steps = useMemo(() => reportSteps(doc ?? {}), [doc]);
  const placed = useMemo(() => placeProblems(steps, (problems ?? []).filter((p) => p.severity !== "warning")), [steps, problems]);
  const cur = Math.min(step, steps.length - 1);
  const st = steps[cur];
  const stepSch = useMemo(() => (schema && st.kind !== "review" && st.kind !== "projects" ? stepSchema(schema, st) : null), [schema, st]);

  if (s.loading) return <p>{t("loading")}</p>;
  if (!s.loggedIn) return <LoginFirst />;
  if (!body) return (<><h1>{t("report", { y: year })}</h1><p>{t("noActing")}</p><Link to="/area">{t("back")}</Link></>);

  const change = (data) => {
    setDoc((d) => mergeStep(d, st, data));
  };
  const go = (i) => {
    setStep(i);
    window.scrollTo(0, 0);
  };
  async function check() {
    setBusy(true);
    setFailure("");
    try {
      await saveNow(doc);
      const r = await api(`/v1/questionnaires/${year}/validate`, { method: "POST", body: doc, idempotencyKey: false });
      setProblems(r.data.errors ?? []);
    } catch (e) {
      setFailure(e.message);
    } finally {
      setBusy(false);
    }
  }
  async function file() {
    setBusy(true);
    setFailure("");
    try {
      await saveNow(doc);
      const r = await api(`/v1/filings/${year}`, { method: "POST", body: doc });
      setReceipt(r.data);
      s.refresh();
    } catch (e) {
      if (e instanceof ApiError && e.errors.length) setProblems(e.errors);
      else setFailure(e.message);
    } finally {
      setBusy(false);
    }
  }

  if (receipt) {
    return (
      <>
        <h1>{t("receipt")}</h1>
        <div className="alert alert-success" role="status">
          <dl className="mb-0">
            <dt>{t("protocol")}</dt><dd data-testid="protocol">{receipt.receipt?.protocol}</dd>
            <dt>{t("filedAt")}</dt><dd>{formatDate(receipt.filedAt, lang)}</dd>
            <dt>{t("revision")}</dt><dd>{receipt.revision}</dd>
            {receipt.late && <dd className="text-danger">{t("late")}</dd>}
          </dl>
        </div>
        <Link className="btn btn-primary me-2" to={`/area/relazioni/${year}/${receipt.revision}`}>{t("readBack")}</Link>
        <Link className="btn btn-outline-primary" to="/area">{t("back")}</Link>
      </>
    );
  }

  const errorsHere = placed[cur] ?? [];
  const saveText = { saving: t("saving"), saved: save.at && t("saved", { t: formatTime(save.at, lang) }), invalid: t("notSaved"), conflict: t("conflict"), failed: save.message }[save.state];
  return (
    <>
      <h1>{t("report", { y: year })}</h1>
      <p className="lead">{body.name} ({body.id})</p>
      {resumed && <p className="text-muted">{t("resumed", { t: formatDate(resumed, lang) })}</p>}
      <p role="status" aria-live="polite" className={save.state === "conflict" || save.state === "invalid" ? "text-danger" : "text-muted"} data-save={save.state}
        data-pending={doc && JSON.stringify(doc) !== lastSaved.current ? "1" : "0"}>
        {saveText}
      </p>
      {failure && <div className="alert alert-danger" role="alert">{failure}</div>}
      {!schema || !doc ? <p>{t("loading")}</p> : (
        <>
          <Steps steps={steps} current={cur} onGo={go} problems={placed} />
          <section aria-labelledby="step-title">
            <h2 id="step-title" className="h3">{title(st)}</h2>
            {cur === 0 && <ImportJSON id="import-report" onLoad={(v) => setDoc(v)} />}
            {st.kind === "projects" && (
              <>
                {(doc.projects ?? []).length === 0 && <p>{t("noProjects")}</p>}
                <ol>
                  {(doc.projects ?? []).map((p, i) => (
                    <li key={i} className="mb-2">
                      <button type="button" className="btn btn-link p-0 me-3" onClick={() => go(steps.findIndex((x) => x.kind === "project" && x.index === i))}>
                        {p.title || t("untitled")}
                      </button>
                      <button type="button" className="btn btn-sm btn-outline-danger" aria-label={`${t("removeProject")} ${p.title || i + 1}`}
                        onClick={() => setDoc((d) => ({ ...d, projects: d.projects.filter((_, j) => j !== i) }))}>{t("removeProject")}</button>
                    </li>
                  ))}
                </ol>
                <button type="button" className="btn btn-outline-primary" onClick={() => {
                  const n = (doc.projects ?? []).length;
                  setDoc((d) => ({ ...d, projects: [...(d.projects ?? []), { section: d.sections?.[0] ?? "I" }] }));
                  setStep(cur + 1 + n);
                }}>{t("addProject")}</button>
                <ProblemList placed={errorsHere} lang={lang} root={schema} schema={problemSchema(schema, st)} />
              </>
            )}
            {stepSch && (
              <SchemaForm key={st.id} root={schema} schema={stepSch} data={stepData(doc, st)} onChange={change}
                errors={errorSchema(errorsHere, lang)} idPrefix={st.id} />
            )}
            {st.kind === "review" && (
              <>
                <div className="d-flex flex-wrap gap-2 mb-3">
                  <button type="button" className="btn btn-outline-primary" onClick={check} disabled={busy}>{t("check")}</button>
                  <button type="button" className="btn btn-primary" onClick={file} disabled={busy}>{t("file")}</button>
                </div>
                {problems && problems.length === 0 && <div className="alert alert-success" role="status">{t("valid")}</div>}
                {problems && problems.length > 0 && (
                  <div className="alert alert-warning" role="status">
                    <p className="fw-semibold">{t("problems", { n: Object.values(placed).flat().length })}</p>
                    {Object.entries(placed).map(([i, list]) => (
                      <div key={i} className="mb-2">
                        <button type="button" className="btn btn-sm btn-outline-primary mb-1" onClick={() => go(Number(i))}>
                          {t("goFix")} {Number(i) + 1}: {title(steps[i])}
                        </button>
                        <ProblemList placed={list} lang={lang} root={schema} schema={problemSchema(schema, steps[i])} />
                      </div>
                    ))}
                  </div>
                )}
              </>
            )}
          </section>
          <div className="d-flex justify-content-between mt-4">
            <button type="button" className="btn btn-outline-primary" disabled={cur === 0} onClick={() => go(cur - 1)}>{t("prev")}</button>
            <button type="button" className="btn btn-primary" disabled={cur === steps.length - 1} onClick={() => go(cur + 1)}>{t("next")}</button>
          </div>
        </>
      )}
    </>
  );
}
