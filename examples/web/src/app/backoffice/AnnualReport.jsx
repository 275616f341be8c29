// The published annual report (art. 54 c.3 DPR 394/1999): the national
// statistical report with Section II disclosure control, as GET
// /v1/annual-report/{year} serves it; each table opens on request.
import { useEffect, useId, useRef } from "react";
import { useSearchParams } from "react-router-dom";
import { useLang, useT } from "../i18n.jsx";
import { text } from "./helpers.js";
import { strings } from "./strings.js";
import { Problem, Scroll, useLoad } from "./ui.jsx";
import { listYears } from "./YearlyList.jsx";

/** cellText writes a report cell: suppressed and not-collected cells say so, amounts in euros. */
function cellText(cell, unit, t, lang) {
  if (!cell) return "—";
  if (cell.suppressed) return t("repSuppressed");
  if (cell.notCollected) return t("repNotCollected");
  if (cell.value == null) return "—";
  const loc = lang === "en" ? "en-GB" : "it-IT";
  if (unit === "euro_cents") return new Intl.NumberFormat(loc, { style: "currency", currency: "EUR" }).format(cell.value / 100);
  return new Intl.NumberFormat(loc).format(cell.value);
}

export default function AnnualReport() {
  const t = useT(strings);
  const { lang } = useLang();
  const [params, setParams] = useSearchParams();
  const years = listYears();
  const year = years.includes(Number(params.get("anno"))) ? Number(params.get("anno")) : years[0];
  const { data, error, loading, reload } = useLoad(`/v1/annual-report/${year}`);
  const yid = useId();
  // The service builds a year's report once, after a filing: a build that
  // outlasts a request answers 503 and goes on, so ask again a few times.
  const retries = useRef(0);
  useEffect(() => {
    if (error?.status !== 503 || retries.current >= 6) return undefined;
    retries.current++;
    const id = setTimeout(reload, 5000);
    return () => clearTimeout(id);
  }, [error, reload]);
  return (
    <section aria-labelledby="rep-title">
      <h1 id="rep-title">{t("repTitle")}</h1>
      <div className="select-wrapper mb-3" style={{ maxWidth: "12rem" }}>
        <label htmlFor={yid}>{t("year")}</label>
        <select id={yid} className="form-select" value={year} onChange={(e) => setParams({ anno: e.target.value })}>
          {years.map((y) => <option key={y} value={y}>{y}</option>)}
        </select>
      </div>
      <Problem error={error} onRetry={reload} />
      {loading && <p role="status">{t("loading")}</p>}
      {data && (
        <>
          <p>{t("repIntro", { threshold: data.threshold || 3 })}</p>
          <dl className="row" data-testid="report-header">
            <dt className="col-sm-4">{t("repScope")}</dt><dd className="col-sm-8">{text(data.scope?.label, lang)}</dd>
            <dt className="col-sm-4">{t("repFilings")}</dt><dd className="col-sm-8">{data.filings ?? t("repSuppressed")}</dd>
            <dt className="col-sm-4">{t("repSuperseded")}</dt><dd className="col-sm-8">{data.superseded}</dd>
          </dl>
          <p><a href={`/v1/annual-report/${year}`} download={`relazione-annuale-${year}.json`}>{t("repJSON")}</a></p>
          <h2 className="h4">{t("repTables")}</h2>
          {(data.tables || []).map((tb) => <ReportTable key={tb.id} tb={tb} />)}
        </>
      )}
    </section>
  );
}

function ReportTable({ tb }) {
  const t = useT(strings);
  const { lang } = useLang();
  const title = text(tb.title, lang);
  return (
    <details className="mb-2 border rounded p-2" data-table={tb.id}>
      <summary className="fw-semibold">{title}</summary>
      <Scroll label={title}>
        <table className="table table-sm mt-2">
          <caption>{title}</caption>
          <thead>
            <tr>
              <th scope="col"><span className="visually-hidden">{t("rule")}</span></th>
              {tb.columns.map((c) => <th scope="col" key={c.code} className="text-end">{text(c.label, lang)}</th>)}
            </tr>
          </thead>
          <tbody>
            {tb.rows.map((r) => (
              <tr key={r.code}>
                <th scope="row">{text(r.label, lang)}</th>
                {r.cells.map((c, i) => <td key={i} className="text-end text-nowrap">{cellText(c, r.unit || tb.unit, t, lang)}</td>)}
              </tr>
            ))}
          </tbody>
          {tb.total?.cells && (
            <tfoot>
              <tr>
                <th scope="row">{text(tb.total.label, lang) || t("total")}</th>
                {tb.total.cells.map((c, i) => <td key={i} className="text-end text-nowrap">{cellText(c, tb.unit, t, lang)}</td>)}
              </tr>
            </tfoot>
          )}
        </table>
      </Scroll>
    </details>
  );
}
