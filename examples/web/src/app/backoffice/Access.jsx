// Section II access requests: grant with a period that always ends, or
// refuse with a reason (GET /v1/access-requests, POST …/grant, …/refuse).
import { useEffect, useId, useState } from "react";
import { useSearchParams } from "react-router-dom";
import { api } from "../api.js";
import { useLang, useT } from "../i18n.jsx";
import { addDays, today } from "./helpers.js";
import { strings } from "./strings.js";
import { Confirm } from "./Application.jsx";
import { Done, formatDate, Problem } from "./ui.jsx";

const statuses = ["requested", "granted", "refused"];

export default function Access() {
  const t = useT(strings);
  const { lang } = useLang();
  const [params, setParams] = useSearchParams();
  const status = statuses.includes(params.get("stato")) ? params.get("stato") : "requested";
  const [items, setItems] = useState(null);
  const [next, setNext] = useState("");
  const [error, setError] = useState(null);
  const [done, setDone] = useState(null);
  const [n, setN] = useState(0);
  const selId = useId();
  const load = async (cursor) => {
    try {
      const { data } = await api(`/v1/access-requests?status=${status}&limit=50${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`, { lang });
      setItems((old) => (cursor ? [...(old || []), ...data.items] : data.items));
      setNext(data.next || "");
    } catch (e) {
      setError(e);
    }
  };
  useEffect(() => {
    setItems(null);
    setError(null);
    load("");
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [status, lang, n]);
  const decided = (msg) => {
    setDone(msg);
    setN((x) => x + 1);
  };
  return (
    <section aria-labelledby="acc-title">
      <h1 id="acc-title">{t("accTitle")}</h1>
      <p>{t("accIntro")}</p>
      <div className="select-wrapper mb-3" style={{ maxWidth: "20rem" }}>
        <label htmlFor={selId}>{t("accStatus")}</label>
        <select id={selId} className="form-select" value={status} onChange={(e) => setParams({ stato: e.target.value })}>
          {statuses.map((s) => <option key={s} value={s}>{t(`as_${s}`)}</option>)}
        </select>
      </div>
      <Done>{done}</Done>
      <Problem error={error} />
      {!items && !error && <p role="status">{t("loading")}</p>}
      {items && items.length === 0 && <p className="alert alert-info">{t("accEmpty")}</p>}
      {items && items.length > 0 && (
        <ul className="list-unstyled" data-testid="access-requests">
          {items.map((g) => <Request key={g.id} g={g} onDone={decided} />)}
        </ul>
      )}
      {next && <button type="button" className="btn btn-outline-primary" onClick={() => load(next)}>{t("more")}</button>}
    </section>
  );
}

function Request({ g, onDone }) {
  const t = useT(strings);
  const { lang } = useLang();
  const [mode, setMode] = useState("");
  const [confirming, setConfirming] = useState(false);
  const [period, setPeriod] = useState({ from: today(), until: addDays(today(), 365) });
  const [reason, setReason] = useState("");
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const ids = { f: useId(), u: useId(), r: useId(), h: useId() };
  const who = g.grantee;
  const send = async () => {
    setBusy(true);
    setError(null);
    try {
      if (mode === "grant") {
        await api(`/v1/access-requests/${encodeURIComponent(g.id)}/grant`, { method: "POST", body: period, lang });
        onDone(t("granted", { who, from: formatDate(period.from, lang), until: formatDate(period.until, lang) }));
      } else {
        await api(`/v1/access-requests/${encodeURIComponent(g.id)}/refuse`, { method: "POST", body: { reason }, lang });
        onDone(t("refused2", { who }));
      }
    } catch (e) {
      setError(e);
      setConfirming(false);
    } finally {
      setBusy(false);
    }
  };
  return (
    <li className="border rounded p-3 mb-3" aria-labelledby={ids.h}>
      <h2 id={ids.h} className="h5 text-break">{who}</h2>
      <dl className="row small mb-2">
        <dt className="col-sm-3">{t("region")}</dt><dd className="col-sm-9">{g.region || t("allRegions")}</dd>
        <dt className="col-sm-3">{t("purpose")}</dt><dd className="col-sm-9 text-break">{g.purpose}</dd>
        <dt className="col-sm-3">{t("requestedOn")}</dt><dd className="col-sm-9">{formatDate(g.requestedAt, lang)}</dd>
        <dt className="col-sm-3">{t("accStatus")}</dt><dd className="col-sm-9">{t(`as_${g.status || "granted"}`)}</dd>
        {g.status === "granted" && (<><dt className="col-sm-3">{t("period")}</dt><dd className="col-sm-9">{formatDate(g.from, lang)} – {formatDate(g.until, lang)}</dd></>)}
        {g.status === "refused" && (<><dt className="col-sm-3">{t("refuseReason")}</dt><dd className="col-sm-9">{g.refusalReason}</dd></>)}
      </dl>
      {g.status === "requested" && (
        <>
          <div className="d-flex flex-wrap gap-2 mb-2">
            <button type="button" className="btn btn-primary btn-sm" aria-expanded={mode === "grant"} aria-label={t("grantFor", { who })} onClick={() => { setMode("grant"); setConfirming(false); }}>{t("grant")}</button>
            <button type="button" className="btn btn-outline-danger btn-sm" aria-expanded={mode === "refuse"} aria-label={t("refuseFor", { who })} onClick={() => { setMode("refuse"); setConfirming(false); }}>{t("refuse")}</button>
          </div>
          {mode === "grant" && (
            <form className="row g-2" onSubmit={(e) => { e.preventDefault(); setConfirming(true); }}>
              <div className="col-sm-4 form-group">
                <label htmlFor={ids.f} className="active">{t("from")}</label>
                <input id={ids.f} type="date" className="form-control" required value={period.from} onChange={(e) => setPeriod({ ...period, from: e.target.value })} />
              </div>
              <div className="col-sm-4 form-group">
                <label htmlFor={ids.u} className="active">{t("until")}</label>
                <input id={ids.u} type="date" className="form-control" required value={period.until} onChange={(e) => setPeriod({ ...period, until: e.target.value })} />
              </div>
              <div className="col-sm-4 d-flex align-items-end">{!confirming && <button type="submit" className="btn btn-primary">{t("grant")}</button>}</div>
            </form>
          )}
          {mode === "refuse" && (
            <form onSubmit={(e) => { e.preventDefault(); setConfirming(true); }}>
              <div className="form-group">
                <label htmlFor={ids.r} className="active">{t("refuseReason")}</label>
                <textarea id={ids.r} className="form-control" rows={2} required minLength={3} maxLength={2000} value={reason} onChange={(e) => setReason(e.target.value)} />
              </div>
              {!confirming && <button type="submit" className="btn btn-danger">{t("refuse")}</button>}
            </form>
          )}
          {confirming && (
            <Confirm busy={busy} onConfirm={send} onCancel={() => setConfirming(false)}>
              {mode === "grant" ? t("confirmGrant", { who, from: formatDate(period.from, lang), until: formatDate(period.until, lang) }) : t("confirmRefuse", { who })}
            </Confirm>
          )}
          <Problem error={error} />
        </>
      )}
    </li>
  );
}
