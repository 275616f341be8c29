// Referents to verify: the people bodies asked to enable for their annual
// report, found through the change feed (referent.requested events), and
// any body's referents looked up by register ID; each enabled or revoked.
import { useCallback, useEffect, useId, useState } from "react";
import { useSearchParams } from "react-router-dom";
import { api } from "../api.js";
import { useLang, useT } from "../i18n.jsx";
import { pendingReferents } from "./helpers.js";
import { strings } from "./strings.js";
import { Done, formatDate, Problem, Scroll } from "./ui.jsx";

// The feed is read a page at a time: at most maxPages pages of pageSize
// events, and at most maxBodies bodies are asked for their referents.
const pageSize = 200;
const maxPages = 10;
const maxBodies = 50;

/** requestedBodies returns the bodies with a referent request in the feed, latest first. */
async function requestedBodies(lang) {
  const ids = [];
  let after = 0;
  for (let i = 0; i < maxPages; i++) {
    const { data } = await api(`/v1/events?kind=referent.requested&limit=${pageSize}&after=${after}`, { lang });
    for (const ev of data.items) if (ev.entityId) ids.push(ev.entityId);
    if (data.items.length < pageSize || data.last === after) break;
    after = data.last;
  }
  return [...new Set(ids.reverse())].slice(0, maxBodies);
}

export default function Referents() {
  const t = useT(strings);
  const { lang } = useLang();
  const [params, setParams] = useSearchParams();
  const lookup = params.get("ente") || "";
  const [typed, setTyped] = useState(lookup);
  const [pending, setPending] = useState(null);
  const [error, setError] = useState(null);
  const [done, setDone] = useState(null);
  const [n, setN] = useState(0);
  const inputId = useId();
  useEffect(() => {
    let live = true;
    (async () => {
      try {
        const out = [];
        for (const id of await requestedBodies(lang)) {
          const [{ data: refs }, body] = await Promise.all([
            api(`/v1/entities/${encodeURIComponent(id)}/referents`, { lang }),
            api(`/v1/entities/${encodeURIComponent(id)}`, { lang }).then((r) => r.data).catch(() => null),
          ]);
          for (const r of pendingReferents(refs.items)) out.push({ ...r, entityId: id, entityName: body?.name || id });
        }
        if (live) setPending(out);
      } catch (e) {
        if (live) setError(e);
      }
    })();
    return () => {
      live = false;
    };
  }, [lang, n]);
  const changed = useCallback((msg) => {
    setDone(msg);
    setN((x) => x + 1);
  }, []);
  return (
    <section aria-labelledby="ref-title">
      <h1 id="ref-title">{t("refTitle")}</h1>
      <p>{t("refIntro")}</p>
      <Done>{done}</Done>
      <Problem error={error} />
      {!pending && !error && <p role="status">{t("loading")}</p>}
      {pending && pending.length === 0 && <p className="alert alert-info">{t("refEmpty")}</p>}
      {pending && pending.length > 0 && <ReferentTable refs={pending} withBody onChanged={changed} />}
      <h2 className="h4 mt-4">{t("refLookup")}</h2>
      <form className="d-flex flex-wrap gap-2 align-items-end mb-3" onSubmit={(e) => { e.preventDefault(); setParams(typed ? { ente: typed.trim() } : {}); }}>
        <div className="form-group mb-0">
          <label htmlFor={inputId} className="active">{t("refLookupId")}</label>
          <input id={inputId} className="form-control" value={typed} maxLength={64} onChange={(e) => setTyped(e.target.value)} />
        </div>
        <button type="submit" className="btn btn-outline-primary">{t("show")}</button>
      </form>
      {lookup && <BodyReferents id={lookup} key={`${lookup}/${n}`} onChanged={changed} />}
    </section>
  );
}

function BodyReferents({ id, onChanged }) {
  const t = useT(strings);
  const { lang } = useLang();
  const [refs, setRefs] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => {
    let live = true;
    api(`/v1/entities/${encodeURIComponent(id)}/referents`, { lang })
      .then((r) => live && setRefs(r.data.items.map((x) => ({ ...x, entityId: id }))))
      .catch((e) => live && setError(e));
    return () => {
      live = false;
    };
  }, [id, lang]);
  if (error) return <Problem error={error} />;
  if (!refs) return <p role="status">{t("loading")}</p>;
  if (refs.length === 0) return <p>{t("noReferents")}</p>;
  return <ReferentTable refs={refs} onChanged={onChanged} />;
}

function ReferentTable({ refs, withBody, onChanged }) {
  const t = useT(strings);
  const { lang } = useLang();
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState("");
  const move = async (r, to) => {
    setBusy(r.id);
    setError(null);
    const who = `${r.firstName} ${r.lastName}`;
    try {
      await api(`/v1/entities/${encodeURIComponent(r.entityId)}/referents/${encodeURIComponent(r.id)}/${to}`, { method: "POST", lang });
      onChanged(t(to === "enable" ? "refEnabled" : "refRevoked", { name: who }));
    } catch (e) {
      setError(e);
    } finally {
      setBusy("");
    }
  };
  return (
    <>
      <Problem error={error} />
      <Scroll label={t("refTitle")}>
        <table className="table table-sm align-middle" data-testid="referents">
          <thead>
            <tr>
              {withBody && <th scope="col">{t("body")}</th>}
              <th scope="col">{t("name")}</th>
              <th scope="col">{t("taxCode")}</th>
              <th scope="col">{t("contact")}</th>
              <th scope="col">{t("requestedOn")}</th>
              <th scope="col">{t("refStatus")}</th>
              <th scope="col"><span className="visually-hidden">{t("decide")}</span></th>
            </tr>
          </thead>
          <tbody>
            {refs.map((r) => {
              const who = `${r.firstName} ${r.lastName}`;
              return (
                <tr key={`${r.entityId}/${r.id}`}>
                  {withBody && <td>{r.entityName}</td>}
                  <th scope="row">{who}</th>
                  <td className="text-nowrap">{r.taxCode}</td>
                  <td className="text-break">{r.email}<br />{r.phone}</td>
                  <td className="text-nowrap">{formatDate(r.requestedOn, lang)}</td>
                  <td>{t(`rs_${r.status}`)}</td>
                  <td className="text-nowrap">
                    {r.status === "requested" && (
                      <button type="button" className="btn btn-primary btn-sm me-1" disabled={!!busy} aria-label={t("enableName", { name: who })} onClick={() => move(r, "enable")}>
                        {t("enable")}
                      </button>
                    )}
                    {r.status !== "revoked" && (
                      <button type="button" className="btn btn-outline-danger btn-sm" disabled={!!busy} aria-label={t("revokeName", { name: who })} onClick={() => move(r, "revoke")}>
                        {t("revoke")}
                      </button>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </Scroll>
    </>
  );
}
