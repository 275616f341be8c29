// Past reports: each year's filed revisions (GET
// /v1/entities/{id}/reports/{year}/revisions) and one revision read back
// (…/revisions/{revision}).
import { useEffect, useState } from "react";
import { Link, useParams } from "react-router-dom";
import { ApiError, api } from "../api.js";
import { useLang, useT } from "../i18n.jsx";
import { useSession } from "../session.jsx";
import { centsToEuros } from "../forms/money.js";
import { LoginFirst } from "./Home.jsx";
import { formatDate, strings } from "./strings.js";

/** The first reporting year with a published questionnaire. */
const firstYear = 2019;

export function Reports() {
  const t = useT(strings);
  const { lang } = useLang();
  const s = useSession();
  const body = s.bodies.find((b) => b.id === s.acting);
  const [rows, setRows] = useState(null);
  const [failure, setFailure] = useState("");
  useEffect(() => {
    if (!body) return;
    let live = true;
    const years = [];
    for (let y = new Date().getFullYear(); y >= firstYear; y--) years.push(y);
    Promise.all(years.map((y) => api(`/v1/entities/${encodeURIComponent(body.id)}/reports/${y}/revisions`)
      .then((r) => r.data.items)
      .catch((e) => {
        if (e instanceof ApiError && (e.status === 404 || e.status === 400)) return [];
        throw e;
      })))
      .then((lists) => live && setRows(lists.flat().sort((a, b) => b.year - a.year || b.revision - a.revision)))
      .catch((e) => live && setFailure(e.message));
    return () => { live = false; };
  }, [body?.id]); // eslint-disable-line react-hooks/exhaustive-deps
  if (s.loading) return <p>{t("loading")}</p>;
  if (!s.loggedIn) return <LoginFirst />;
  if (!body) return (<><h1>{t("pastReports")}</h1><p>{t("noActing")}</p><Link to="/area">{t("back")}</Link></>);
  return (
    <>
      <h1>{t("pastReports")}</h1>
      <p className="lead">{body.name} ({body.id})</p>
      {failure && <div className="alert alert-danger" role="alert">{failure}</div>}
      {!rows ? <p>{t("loading")}</p> : rows.length === 0 ? <p>{t("none")}</p> : (
        <div className="table-responsive">
          <table className="table">
            <thead><tr><th scope="col">{t("year")}</th><th scope="col">{t("revision")}</th><th scope="col">{t("filedAt")}</th><th scope="col">{t("protocol")}</th></tr></thead>
            <tbody>
              {rows.map((r) => (
                <tr key={`${r.year}-${r.revision}`}>
                  <td>{r.year}</td>
                  <td><Link to={`/area/relazioni/${r.year}/${r.revision}`}>{t("revision")} {r.revision}</Link></td>
                  <td>{formatDate(r.filedAt, lang)}{r.late && <span className="badge bg-warning text-dark ms-2">{t("late")}</span>}</td>
                  <td>{r.receipt?.protocol}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Link to="/area">{t("back")}</Link>
    </>
  );
}

export function Revision() {
  const t = useT(strings);
  const { lang } = useLang();
  const s = useSession();
  const { year, revision } = useParams();
  const body = s.bodies.find((b) => b.id === s.acting);
  const [rep, setRep] = useState(null);
  const [failure, setFailure] = useState("");
  useEffect(() => {
    if (!body) return;
    let live = true;
    api(`/v1/entities/${encodeURIComponent(body.id)}/reports/${year}/revisions/${revision}`)
      .then((r) => live && setRep(r.data))
      .catch((e) => live && setFailure(e.message));
    return () => { live = false; };
  }, [body?.id, year, revision]); // eslint-disable-line react-hooks/exhaustive-deps
  if (s.loading) return <p>{t("loading")}</p>;
  if (!s.loggedIn) return <LoginFirst />;
  if (!body) return <p>{t("noActing")}</p>;
  const doc = rep?.document;
  const total = (p) => (p.funds?.sources ?? p.funds?.amounts ?? []).reduce((n, f) => n + (f.amountCents ?? 0), 0);
  return (
    <>
      <h1>{t("report", { y: year })} — {t("revision")} {revision}</h1>
      {failure && <div className="alert alert-danger" role="alert">{failure}</div>}
      {!rep ? <p>{t("loading")}</p> : (
        <>
          <dl>
            <dt>{t("protocol")}</dt><dd data-testid="protocol">{rep.receipt?.protocol}</dd>
            <dt>{t("filedAt")}</dt><dd>{formatDate(rep.filedAt, lang)}</dd>
            <dt>{t("taxCode")}</dt><dd>{rep.filerTaxCode}</dd>
          </dl>
          <h2 className="h4">{doc?.body?.name}</h2>
          <h3 className="h5">{t("projectsCount")}: {doc?.projects?.length ?? 0}</h3>
          <ul>
            {(doc?.projects ?? []).map((p, i) => (
              <li key={i}>{p.title}{total(p) > 0 && <> — € {centsToEuros(total(p), lang)}</>}</li>
            ))}
          </ul>
          <details>
            <summary>{t("document")}</summary>
            <pre className="small" style={{ whiteSpace: "pre-wrap", wordBreak: "break-word" }}>{JSON.stringify(doc, null, 2)}</pre>
          </details>
        </>
      )}
      <Link to="/area/relazioni">{t("pastReports")}</Link>
    </>
  );
}
