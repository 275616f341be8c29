// One application as a clerk reviews it: its data, the eligibility decision
// rule by rule, its attachments, completion requests (which suspend the
// term) and the decision per section: start the review, enrol by decree or
// reject with reasons, each confirmed before it is sent.
import { useEffect, useId, useState } from "react";
import { Link, useParams } from "react-router-dom";
import { api } from "../api.js";
import { useLang, useT } from "../i18n.jsx";
import { applicationForCheck, factValue, mergeRules, outcomeClass, text, today } from "./helpers.js";
import { TermBadge } from "./Queue.jsx";
import { strings } from "./strings.js";
import { Done, formatDate, formatSize, Problem, Scroll, useLoad } from "./ui.jsx";

export default function Application() {
  const { id } = useParams();
  const t = useT(strings);
  const { lang } = useLang();
  const path = `/v1/applications/${encodeURIComponent(id)}`;
  const { data, error, loading, reload } = useLoad(path);
  const [done, setDone] = useState(null);
  const app = data?.application;
  const name = app?.body?.name || id;
  const rc = app?.receipt || {};
  const item = { decisionDue: rc.decisionDue, awaitingCompletion: data?.awaitingCompletion };
  const after = (msg) => {
    setDone(msg);
    reload();
  };
  return (
    <article aria-labelledby="app-title">
      <p><Link to="/ufficio">← {t("backToQueue")}</Link></p>
      <h1 id="app-title">{app ? t("appTitle", { name }) : t("queueTitle")}</h1>
      <Problem error={error} onRetry={reload} />
      {loading && !data && <p role="status">{t("loading")}</p>}
      <Done>{done}</Done>
      {app && (
        <>
          <section aria-labelledby="facts-title" className="mb-4">
            <h2 id="facts-title" className="h4">{t("facts")}</h2>
            <dl className="row">
              <dt className="col-sm-4">{t("protocol")}</dt><dd className="col-sm-8">{rc.protocol || "—"}</dd>
              <dt className="col-sm-4">{t("entityId")}</dt><dd className="col-sm-8">{app.entityId}</dd>
              <dt className="col-sm-4">{t("taxCode")}</dt><dd className="col-sm-8">{app.body?.taxCode || "—"}</dd>
              <dt className="col-sm-4">{t("appDate")}</dt><dd className="col-sm-8">{formatDate(app.date, lang)}</dd>
              {rc.receivedAt && (<><dt className="col-sm-4">{t("receivedAt")}</dt><dd className="col-sm-8">{formatDate(rc.receivedAt, lang)}</dd></>)}
              <dt className="col-sm-4">{t("due")}</dt>
              <dd className="col-sm-8">{formatDate(rc.decisionDue, lang)} <TermBadge item={item} on={today()} /></dd>
              <dt className="col-sm-4">{t("sectionStatus")}</dt>
              <dd className="col-sm-8" data-testid="section-status">
                {data.sections.map((s) => (
                  <span key={s.section} className="d-block" data-section={s.section} data-status={s.status}>
                    {t("sectionN", { s: s.section })}: <strong>{t(`st_${s.status}`)}</strong>
                  </span>
                ))}
              </dd>
            </dl>
          </section>
          <Eligibility app={app} />
          <Attachments app={app} />
          <Completions app={app} awaiting={data.awaitingCompletion} onDone={after} />
          <Decisions status={data} name={name} onDone={after} />
        </>
      )}
    </article>
  );
}

/** Eligibility shows the decision stored at receipt rule by rule, with the facts of the same check run again. */
function Eligibility({ app }) {
  const t = useT(strings);
  const { lang } = useLang();
  const stored = app.receipt?.eligibility;
  const [fresh, setFresh] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => {
    let live = true;
    const asOf = stored?.asOf || app.date;
    api(`/v1/eligibility${asOf ? `?asOf=${encodeURIComponent(asOf)}` : ""}`, { method: "POST", body: applicationForCheck(app), lang })
      .then((r) => live && setFresh(r.data))
      .catch((e) => live && setError(e));
    return () => {
      live = false;
    };
  }, [app, stored, lang]);
  const sections = stored
    ? stored.sections.map((s) => ({ section: s.section, verdict: s.verdict, rules: mergeRules(s, fresh) }))
    : (fresh?.sections || []).map((s) => ({ section: s.section, verdict: s.verdict, rules: s.results || [] }));
  const ruleSet = stored ? stored.ruleSet : fresh ? `${fresh.ruleSet?.name}@${fresh.ruleSet?.version}` : "";
  return (
    <section aria-labelledby="elig-title" className="mb-4" data-testid="eligibility">
      <h2 id="elig-title" className="h4">{t("eligTitle")}</h2>
      {stored && <p>{t("eligIntro", { ruleSet, asOf: formatDate(stored.asOf, lang) })}</p>}
      {!stored && fresh && <p>{t("eligFresh", { ruleSet, asOf: formatDate(fresh.asOf, lang) })}</p>}
      {!stored && !fresh && !error && <p role="status">{t("loading")}</p>}
      {!stored && error && <p>{t("eligNone")}</p>}
      {stored && error && <Problem error={error} />}
      {sections.map((s) => (
        <div key={s.section} className="mb-3">
          <h3 className="h5">
            {t("sectionN", { s: s.section })}: <span className={outcomeClass(s.verdict)}>{t(`v_${s.verdict}`)}</span>
          </h3>
          <ol className="list-unstyled">
            {s.rules.map((r) => (
              <li key={r.rule} className="border rounded p-2 mb-2 rule" data-rule={r.rule} data-outcome={r.outcome}>
                <p className="mb-1">
                  <span className={outcomeClass(r.outcome)}>{t(`o_${r.outcome}`)}</span>{" "}
                  <strong>{text(r.title, lang) || r.rule}</strong>
                </p>
                <dl className="row mb-0 small">
                  <dt className="col-sm-3">{t("rule")}</dt><dd className="col-sm-9 text-break"><code>{r.rule}</code></dd>
                  <dt className="col-sm-3">{t("basis")}</dt><dd className="col-sm-9">{r.basis}</dd>
                  <dt className="col-sm-3">{t("message")}</dt><dd className="col-sm-9">{text(r.message, lang)}</dd>
                  <dt className="col-sm-3">{t("factsUsed")}</dt>
                  <dd className="col-sm-9">
                    {r.facts?.length ? (
                      <ul className="mb-0 ps-3">
                        {r.facts.map((f) => (
                          <li key={f.name} className="text-break">
                            <code>{f.name}</code>: {factValue(f, lang)}
                          </li>
                        ))}
                      </ul>
                    ) : (
                      t("noFacts")
                    )}
                  </dd>
                </dl>
              </li>
            ))}
          </ol>
        </div>
      ))}
    </section>
  );
}

/** Attachments lists the files, each downloadable by its SHA-256. */
function Attachments({ app }) {
  const t = useT(strings);
  const { lang } = useLang();
  const list = app.attachments || [];
  return (
    <section aria-labelledby="att-title" className="mb-4">
      <h2 id="att-title" className="h4">{t("attachments")}</h2>
      {list.length === 0 ? (
        <p>{t("noAttachments")}</p>
      ) : (
        <Scroll label={t("attachments")}>
          <table className="table table-sm" data-testid="attachments">
            <thead>
              <tr>
                <th scope="col">{t("attKind")}</th>
                <th scope="col">{t("attName")}</th>
                <th scope="col">{t("attSize")}</th>
                <th scope="col">{t("attDigest")}</th>
              </tr>
            </thead>
            <tbody>
              {list.map((a, i) => (
                <tr key={a.sha256 || i}>
                  <td>{a.kind}</td>
                  <td className="text-break">
                    {a.sha256 ? (
                      <a href={`/v1/applications/${encodeURIComponent(app.id)}/attachments/${a.sha256}`} download={a.name} aria-label={t("downloadName", { name: a.name })}>
                        {a.name}
                      </a>
                    ) : (
                      <>{a.name} <span className="text-muted">({t("noFile")})</span></>
                    )}
                  </td>
                  <td className="text-nowrap">{formatSize(a.size, lang)}</td>
                  <td><code className="small text-break" title={a.sha256}>{a.sha256 ? `${a.sha256.slice(0, 12)}…` : "—"}</code></td>
                </tr>
              ))}
            </tbody>
          </table>
        </Scroll>
      )}
    </section>
  );
}

/** Completions lists the requests to complete the application and sends a new one. */
function Completions({ app, awaiting, onDone }) {
  const t = useT(strings);
  const { lang } = useLang();
  const [note, setNote] = useState("");
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const noteId = useId();
  const list = app.receipt?.completions || [];
  const send = async (e) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api(`/v1/applications/${encodeURIComponent(app.id)}/completion-requests`, { method: "POST", body: { note }, lang });
      setNote("");
      onDone(t("completionSent"));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section aria-labelledby="compl-title" className="mb-4">
      <h2 id="compl-title" className="h4">{t("completions")}</h2>
      {list.length > 0 && (
        <ul>
          {list.map((c, i) => (
            <li key={i}>
              {t("requestedAt")} {formatDate(c.requestedAt, lang)}: {c.note}{" "}
              <em>{c.answeredAt ? `${t("answeredAt")} ${formatDate(c.answeredAt, lang)}` : t("notAnswered")}</em>
            </li>
          ))}
        </ul>
      )}
      {!awaiting && (
        <form onSubmit={send} className="mt-2">
          <p className="mb-2">{t("askCompletionHelp")}</p>
          <div className="form-group mb-2">
            <label htmlFor={noteId} className="active">{t("note")}</label>
            <textarea id={noteId} className="form-control" rows={3} required maxLength={5000} value={note} onChange={(e) => setNote(e.target.value)} />
          </div>
          <Problem error={error} />
          <button type="submit" className="btn btn-outline-primary" disabled={busy || !note.trim()}>{t("askCompletion")}</button>
        </form>
      )}
    </section>
  );
}

/** Decisions offers, for each section awaiting a decision, the review, enrolment and rejection. */
function Decisions({ status, name, onDone }) {
  const t = useT(strings);
  const pending = status.sections.filter((s) => s.status === "applied" || s.status === "under_review");
  return (
    <section aria-labelledby="decide-title" className="mb-4">
      <h2 id="decide-title" className="h4">{t("decide")}</h2>
      {pending.length === 0 && <p>{t("nothingPending")}</p>}
      {pending.map((s) => (
        <Decide key={s.section} entityId={status.application.entityId} section={s} name={name} appDate={status.application.date} onDone={onDone} />
      ))}
    </section>
  );
}

function Decide({ entityId, section, name, appDate, onDone }) {
  const t = useT(strings);
  const { lang } = useLang();
  const s = section.section;
  const [mode, setMode] = useState(""); // "", "enrol", "reject"
  const [confirming, setConfirming] = useState(false);
  const [decree, setDecree] = useState({ number: "", date: today() });
  const [rej, setRej] = useState({ reason: "", legalBasis: "art. 53 DPR 394/1999", date: today() });
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const ids = { n: useId(), d: useId(), r: useId(), b: useId(), rd: useId(), h: useId() };
  const base = `/v1/entities/${encodeURIComponent(entityId)}/sections/${s}`;
  const call = async (what, body, msg) => {
    setBusy(true);
    setError(null);
    try {
      await api(`${base}/${what}`, { method: "POST", body, lang });
      setMode("");
      setConfirming(false);
      onDone(msg);
    } catch (err) {
      setError(err);
      setConfirming(false);
    } finally {
      setBusy(false);
    }
  };
  const start = (m) => {
    setMode(m);
    setConfirming(false);
    setError(null);
  };
  return (
    <div className="border rounded p-3 mb-3" role="group" aria-labelledby={ids.h} data-decide={s}>
      <h3 id={ids.h} className="h5">{t("decideFor", { s })} — {t(`st_${section.status}`)}</h3>
      <div className="d-flex flex-wrap gap-2 mb-2">
        {section.status === "applied" && (
          <button type="button" className="btn btn-outline-secondary" disabled={busy}
            onClick={() => call("review", { on: today() < appDate ? appDate : today() }, t("reviewStarted", { s }))}>
            {t("startReview")}
          </button>
        )}
        <button type="button" className="btn btn-primary" aria-expanded={mode === "enrol"} onClick={() => start("enrol")}>{t("enrol")}</button>
        <button type="button" className="btn btn-outline-danger" aria-expanded={mode === "reject"} onClick={() => start("reject")}>{t("reject")}</button>
      </div>
      {mode === "enrol" && (
        <form onSubmit={(e) => { e.preventDefault(); setConfirming(true); }} data-form="enrol">
          <div className="row g-2">
            <div className="col-sm-6 form-group">
              <label htmlFor={ids.n} className="active">{t("decreeNumber")}</label>
              <input id={ids.n} className="form-control" required maxLength={100} value={decree.number} onChange={(e) => setDecree({ ...decree, number: e.target.value })} />
            </div>
            <div className="col-sm-6 form-group">
              <label htmlFor={ids.d} className="active">{t("decreeDate")}</label>
              <input id={ids.d} type="date" className="form-control" required value={decree.date} onChange={(e) => setDecree({ ...decree, date: e.target.value })} />
            </div>
          </div>
          {!confirming && <button type="submit" className="btn btn-primary">{t("enrol")}</button>}
        </form>
      )}
      {mode === "reject" && (
        <form onSubmit={(e) => { e.preventDefault(); setConfirming(true); }} data-form="reject">
          <div className="form-group">
            <label htmlFor={ids.r} className="active">{t("reason")}</label>
            <textarea id={ids.r} className="form-control" rows={3} required maxLength={5000} value={rej.reason} onChange={(e) => setRej({ ...rej, reason: e.target.value })} />
          </div>
          <div className="row g-2">
            <div className="col-sm-6 form-group">
              <label htmlFor={ids.b} className="active">{t("legalBasis")}</label>
              <input id={ids.b} className="form-control" required maxLength={500} value={rej.legalBasis} onChange={(e) => setRej({ ...rej, legalBasis: e.target.value })} />
            </div>
            <div className="col-sm-6 form-group">
              <label htmlFor={ids.rd} className="active">{t("rejectDate")}</label>
              <input id={ids.rd} type="date" className="form-control" required value={rej.date} onChange={(e) => setRej({ ...rej, date: e.target.value })} />
            </div>
          </div>
          {!confirming && <button type="submit" className="btn btn-danger">{t("reject")}</button>}
        </form>
      )}
      {confirming && (
        <Confirm
          busy={busy}
          onCancel={() => setConfirming(false)}
          onConfirm={() =>
            mode === "enrol"
              ? call("enrolment", decree, t("enrolled", { name, s, number: decree.number, date: formatDate(decree.date, lang) }))
              : call("rejection", rej, t("rejected", { name, s, reason: rej.reason, basis: rej.legalBasis }))
          }
        >
          {mode === "enrol"
            ? t("confirmEnrol", { name, s, number: decree.number, date: formatDate(decree.date, lang) })
            : t("confirmReject", { name, s })}
        </Confirm>
      )}
      <Problem error={error} />
    </div>
  );
}

/** Confirm asks before an act is sent; it takes the focus so a keyboard user lands on it. */
export function Confirm({ children, onConfirm, onCancel, busy }) {
  const t = useT(strings);
  const id = useId();
  return (
    <div className="alert alert-warning mt-2" role="alertdialog" aria-labelledby={id} data-testid="confirm">
      <p id={id}>{children}</p>
      <div className="d-flex flex-wrap gap-2">
        <button type="button" className="btn btn-primary" autoFocus disabled={busy} onClick={onConfirm}>{t("confirm")}</button>
        <button type="button" className="btn btn-outline-secondary" disabled={busy} onClick={onCancel}>{t("cancel")}</button>
      </div>
    </div>
  );
}
