// The application for enrolment in steps, built from the published
// application schema: sections and date, the body, its people, its
// statute, its activities, the Section II block when asked for, the
// declarations and signature, the attachments (files), the review; sent as
// one multipart request (POST /v1/applications) and answered with the
// receipt (protocol number, decision due). The data stay on the device
// (localStorage) until sent.
import { useEffect, useLayoutEffect, useMemo, useState } from "react";
import { Link } from "react-router-dom";
import { ApiError, actAs, api } from "../api.js";
import { useLang, useT } from "../i18n.jsx";
import { useSession } from "../session.jsx";
import SchemaForm from "../forms/SchemaForm.jsx";
import { applicationSchema, resolve } from "../forms/schema.js";
import { applicationSteps, errorSchema, problemSchema, mergeStep, placeProblems, stepData, stepSchema } from "../forms/steps.js";
import { LoginFirst } from "./Home.jsx";
import { ImportJSON } from "./Report.jsx";
import Steps, { ProblemList, useStepTitle } from "./Steps.jsx";
import { formatDate, strings } from "./strings.js";

const storeKey = "registro.application";

function today() {
  return new Date().toISOString().slice(0, 10);
}

/** newApplication: today, Section I, the person as legal representative and signer. */
function newApplication(cf) {
  return {
    date: today(),
    sections: ["I"],
    body: cf ? { legalRepresentative: { taxCode: cf } } : {},
    declarations: {},
    signature: cf ? { signerTaxCode: cf, signedAt: today(), format: "pades" } : undefined,
  };
}

/** withAttachments lists the chosen files in the application, each under a name of its own. */
export function withAttachments(doc, files) {
  const names = new Set();
  const attachments = [];
  for (const [kind, f] of Object.entries(files)) {
    if (!f) continue;
    let name = f.name;
    if (names.has(name)) name = `${kind}-${name}`;
    names.add(name);
    attachments.push({ kind, name });
  }
  return { ...doc, attachments };
}

export default function Application() {
  const t = useT(strings);
  const { lang } = useLang();
  const title = useStepTitle();
  const s = useSession();
  const [schema, setSchema] = useState(null);
  const [doc, setDoc] = useState(null);
  const [files, setFiles] = useState({});
  const [step, setStep] = useState(0);
  const [problems, setProblems] = useState(null);
  const [checked, setChecked] = useState(null); // the service's verdict on the review page; null while unknown
  const [receipt, setReceipt] = useState(null);
  const [failure, setFailure] = useState("");
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let live = true;
    api(`/v1/schemas/application?lang=${lang}`)
      .then((r) => live && setSchema(applicationSchema(r.data)))
      .catch((e) => live && setFailure(e.message));
    return () => { live = false; };
  }, [lang]);
  useEffect(() => {
    if (s.loading || doc) return;
    try {
      const saved = JSON.parse(localStorage.getItem(storeKey) || "null");
      setDoc(saved && typeof saved === "object" ? saved : newApplication(s.fiscalNumber));
    } catch {
      setDoc(newApplication(s.fiscalNumber));
    }
  }, [s.loading]); // eslint-disable-line react-hooks/exhaustive-deps
  useEffect(() => {
    if (doc) localStorage.setItem(storeKey, JSON.stringify(doc));
  }, [doc]);

  const steps = useMemo(() => (schema ? applicationSteps(schema) : []), [schema]);
  const placed = useMemo(() => placeProblems(steps, problems ?? []), [steps, problems]);
  const cur = Math.min(step, Math.max(steps.length - 1, 0));
  const st = steps[cur];
  const stepSch = useMemo(() => (schema && st?.kind === "keys" ? stepSchema(schema, st) : null), [schema, st]);
  const kinds = useMemo(() => {
    if (!schema) return [];
    const att = resolve(schema, resolve(schema, schema.properties.attachments).items);
    return resolve(schema, att.properties.kind).oneOf ?? [];
  }, [schema]);

  // On the review page the service checks the application as it stands
  // (POST /v1/applications/validate: nothing is stored), so that its
  // problems are next to their fields before anything is sent. The last
  // check's problems go as the new one starts: the page never shows a
  // verdict on the application as it was (a file since attached still
  // "missing").
  const reviewing = st?.kind === "review";
  useLayoutEffect(() => {
    // Before the page is painted, so not even one frame shows them.
    if (!reviewing || !doc) return;
    setChecked(null);
    setProblems(null);
  }, [reviewing, doc, files, lang]);
  useEffect(() => {
    if (!reviewing || !doc) return;
    let live = true;
    api(`/v1/applications/validate?lang=${lang}`, { method: "POST", body: withAttachments(doc, files) })
      .then((r) => {
        if (!live) return;
        setProblems(r.data.errors);
        setChecked(r.data.valid);
      })
      .catch((e) => live && setFailure(e.message));
    return () => { live = false; };
  }, [reviewing, doc, files, lang]);

  if (s.loading) return <p>{t("loading")}</p>;
  if (!s.loggedIn) return (<><h1>{t("appTitle")}</h1><LoginFirst /></>);
  const go = (i) => {
    setStep(i);
    window.scrollTo(0, 0);
  };

  async function submit() {
    setBusy(true);
    setFailure("");
    const app = withAttachments(doc, files);
    const form = new FormData();
    form.append("application", new Blob([JSON.stringify(app)], { type: "application/json" }));
    for (const [kind, f] of Object.entries(files)) {
      if (!f) continue;
      const name = app.attachments.find((a) => a.kind === kind).name;
      form.append("file", f, name);
    }
    try {
      // A person applying for a new body acts for none.
      if (s.acting) {
        actAs("");
        s.setActing("");
      }
      const r = await api("/v1/applications", { method: "POST", body: form });
      setReceipt(r.data);
      localStorage.removeItem(storeKey);
      s.refresh();
    } catch (e) {
      if (e instanceof ApiError && e.errors.length) setProblems(e.errors);
      else setFailure(e.message);
    } finally {
      setBusy(false);
    }
  }

  if (receipt) {
    const ok = receipt.eligibility?.eligible;
    return (
      <>
        <h1>{t("appReceipt")}</h1>
        <div className="alert alert-success" role="status">
          <dl className="mb-0">
            <dt>{t("protocol")}</dt><dd data-testid="protocol">{receipt.protocol}</dd>
            <dt>{t("registerId")}</dt><dd>{receipt.entityId}</dd>
            <dt>{t("applicationId")}</dt><dd>{receipt.applicationId}</dd>
            <dt>{t("decisionDueOn")}</dt><dd>{formatDate(receipt.decisionDue, lang)}</dd>
            {receipt.eligibility && (<><dt>{t("eligibility")}</dt><dd>{ok ? t("eligible") : t("notEligible")}</dd></>)}
            <dt>{t("files")}</dt>
            <dd><ul className="mb-0">{(receipt.attachments ?? []).map((a) => <li key={a.sha256 ?? a.name}>{a.name}</li>)}</ul></dd>
          </dl>
        </div>
        <Link className="btn btn-primary" to="/area">{t("back")}</Link>
      </>
    );
  }

  return (
    <>
      <h1>{t("appTitle")}</h1>
      <p>{t("appIntro")}</p>
      {failure && <div className="alert alert-danger" role="alert">{failure}</div>}
      {!schema || !doc || !st ? <p>{t("loading")}</p> : (
        <>
          <Steps steps={steps} current={cur} onGo={go} problems={placed} />
          <section aria-labelledby="step-title">
            <h2 id="step-title" className="h3">{title(st)}</h2>
            {cur === 0 && <ImportJSON id="import-application" onLoad={(v) => setDoc({ ...newApplication(s.fiscalNumber), ...v })} />}
            {stepSch && (
              <SchemaForm key={st.id} root={schema} schema={stepSch} data={stepData(doc, st)} errors={errorSchema(placed[cur] ?? [], lang)}
                onChange={(data) => setDoc((d) => mergeStep(d, st, data))} idPrefix={`app-${st.id}`} />
            )}
            {st.kind === "attachments" && (
              <>
                <p>{t("attachIntro")}</p>
                {kinds.map((k) => (
                  <div className="mb-3" key={k.const}>
                    <label className="form-label" htmlFor={`file-${k.const}`}>{k.title}</label>
                    <input id={`file-${k.const}`} type="file" className="form-control" accept=".pdf,.p7m,application/pdf,application/pkcs7-mime"
                      data-kind={k.const} onChange={(e) => setFiles((f) => ({ ...f, [k.const]: e.target.files?.[0] }))} />
                    {files[k.const] && <small className="text-muted">{files[k.const].name}</small>}
                  </div>
                ))}
                <ProblemList placed={placed[cur]} lang={lang} />
              </>
            )}
            {st.kind === "review" && (
              <>
                <h3 className="h5">{t("review")}</h3>
                <ul>
                  {steps.slice(0, -1).map((x, i) => (
                    <li key={x.id}>
                      <button type="button" className="btn btn-link p-0" onClick={() => go(i)}>{title(x)}</button>
                      {placed[i]?.length ? <span className="text-danger"> — {placed[i].length} ⚠</span> : null}
                    </li>
                  ))}
                </ul>
                <p>{t("files")}: {Object.values(files).filter(Boolean).map((f) => f.name).join(", ") || t("noFile")}</p>
                {problems?.length > 0 && (
                  <div className="alert alert-warning" role="status" data-problems>
                    <p className="fw-semibold">{t("problems", { n: problems.length })}</p>
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
                {checked === null && !problems?.length && <p role="status">{t("appChecking")}</p>}
                {checked === true && <div className="alert alert-success" role="status" data-checked>{t("appChecked")}</div>}
                <button type="button" className="btn btn-primary" onClick={submit} disabled={busy}>{t("submit")}</button>
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
