// The Section I list and its search: words of the name or comune (case and
// accents ignored), region, province and legal form, kept in the page's
// address so that a search can be bookmarked, shared and survives the
// language switch. Results come from GET /v1/open-data/search, which
// searches the open data only: a Section II body cannot appear.
import { useEffect, useState } from "react";
import { Link, useSearchParams } from "react-router-dom";
import { useLang, useT } from "../i18n.jsx";
import { label, loadFacets, search } from "./data.js";
import { strings } from "./strings.js";

const fields = ["q", "region", "province", "legalForm"];

export default function Search() {
  const t = useT(strings);
  const { lang } = useLang();
  const [params, setParams] = useSearchParams();
  const query = Object.fromEntries(fields.map((k) => [k, params.get(k) || ""]));
  const key = fields.map((k) => query[k]).join("\u0000");
  const [form, setForm] = useState(query);
  const [facets, setFacets] = useState(null);
  const [result, setResult] = useState(null); // {items, total, next}
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    document.title = `${t("searchTitle")} — Registro`;
  }, [t]);
  useEffect(() => {
    loadFacets().then(setFacets, (e) => setError(e.message));
  }, []);
  useEffect(() => {
    setForm(query);
    const ctl = new AbortController();
    setBusy(true);
    setError("");
    setResult(null);
    const shown = params.toString();
    search(query, ctl.signal).then(
      (r) => {
        setResult({ items: r.items, total: r.total, next: r.next || "", for: shown });
        setBusy(false);
      },
      (e) => {
        if (e.name === "AbortError") return;
        setError(e.message);
        setBusy(false);
      },
    );
    return () => ctl.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);

  const submit = (e) => {
    e.preventDefault();
    const next = {};
    for (const k of fields) if (form[k].trim()) next[k] = form[k].trim();
    setParams(next);
  };
  const more = async () => {
    setBusy(true);
    try {
      const r = await search({ ...query, cursor: result.next });
      setResult((old) => ({ ...old, items: [...old.items, ...r.items], total: r.total, next: r.next || "" }));
    } catch (e) {
      setError(e.message);
    }
    setBusy(false);
  };
  const set = (k) => (e) => {
    const v = e.target.value;
    setForm((f) => ({ ...f, [k]: v, ...(k === "region" ? { province: "" } : {}) }));
  };
  const provinces = (facets?.provinces || []).filter((p) => !form.region || p.region === form.region);

  return (
    <>
      <h1 className="mb-3">{t("searchTitle")}</h1>
      <p className="lead">{t("searchIntro")}</p>
      <form role="search" aria-label={t("searchForm")} onSubmit={submit} className="mt-4" id="search">
        <div className="row g-3 align-items-start">
          <div className="col-12 col-lg-6">
            <label htmlFor="q" className="form-label fw-semibold">
              {t("q")}
            </label>
            <input
              id="q"
              name="q"
              type="search"
              className="form-control"
              value={form.q}
              onChange={set("q")}
              aria-describedby="q-help"
              maxLength={200}
              autoComplete="off"
            />
            <small id="q-help" className="form-text">
              {t("qHelp")}
            </small>
          </div>
          <div className="col-12 col-md-4 col-lg-2">
            <label htmlFor="region" className="form-label fw-semibold">
              {t("region")}
            </label>
            <select id="region" name="region" className="form-select" value={form.region} onChange={set("region")}>
              <option value="">{t("any")}</option>
              {facets?.regions.map((r) => (
                <option key={r.code} value={r.code}>
                  {label(facets.regions, r.code, lang)} ({r.count})
                </option>
              ))}
            </select>
          </div>
          <div className="col-12 col-md-4 col-lg-2">
            <label htmlFor="province" className="form-label fw-semibold">
              {t("province")}
            </label>
            <select id="province" name="province" className="form-select" value={form.province} onChange={set("province")}>
              <option value="">{t("any")}</option>
              {provinces.map((p) => (
                <option key={p.code} value={p.code}>
                  {p.name.it} ({p.code})
                </option>
              ))}
            </select>
          </div>
          <div className="col-12 col-md-4 col-lg-2">
            <label htmlFor="legalForm" className="form-label fw-semibold">
              {t("legalForm")}
            </label>
            <select id="legalForm" name="legalForm" className="form-select" value={form.legalForm} onChange={set("legalForm")}>
              <option value="">{t("any")}</option>
              {facets?.legalForms.map((f) => (
                <option key={f.code} value={f.code}>
                  {label(facets.legalForms, f.code, lang)}
                </option>
              ))}
            </select>
          </div>
        </div>
        <div className="d-flex flex-wrap gap-2 mt-3">
          <button type="submit" className="btn btn-primary">
            {t("submit")}
          </button>
          <Link to="/" className="btn btn-outline-primary">
            {t("reset")}
          </Link>
        </div>
      </form>

      <section aria-labelledby="results-title" className="mt-5 registro-results">
        <h2 id="results-title" className="h4">
          {t("results")}
        </h2>
        <p role="status" aria-live="polite" id="results-count" data-for={result?.for ?? ""} data-loaded={result ? "1" : "0"}>
          {error
            ? ""
            : result === null
              ? t("loading")
              : result.total === 0
                ? t("none")
                : result.total === 1
                  ? t("found1")
                  : t("found", { n: result.total })}
        </p>
        {error && (
          <div className="alert alert-danger" role="alert">
            {t("error", { msg: error })}
          </div>
        )}
        {result && result.items.length > 0 && (
          <ul className="list-unstyled row g-3" id="results">
            {result.items.map((b) => (
              <li key={b.id} className="col-12 col-md-6 col-lg-4">
                <div className="card card-bg h-100 border rounded">
                  <div className="card-body">
                    <h3 className="card-title h5">
                      <Link to={`/enti/${encodeURIComponent(b.id)}`}>{b.name}</Link>
                    </h3>
                    <p className="card-text mb-1">{label(facets?.legalForms, b.legalForm, lang)}</p>
                    <p className="card-text small mb-0">
                      <span className="visually-hidden">{t("seat")}: </span>
                      {b.comuneName} ({b.province}) — {b.regionName}
                    </p>
                  </div>
                </div>
              </li>
            ))}
          </ul>
        )}
        {result && result.total > 0 && (
          <p className="mt-3">{t("shown", { shown: result.items.length, n: result.total })}</p>
        )}
        {result?.next && (
          <button type="button" className="btn btn-outline-primary" onClick={more} disabled={busy} id="more">
            {t("more")}
          </button>
        )}
      </section>
    </>
  );
}
