// The open data: the Section I list as CSV and JSON under CC BY 4.0, with
// its data dictionary (GET /v1/open-data).
import { useEffect, useState } from "react";
import { useLang, useT } from "../i18n.jsx";
import { publicGet } from "./data.js";
import { strings } from "./strings.js";

export default function OpenData() {
  const t = useT(strings);
  const { lang } = useLang();
  const [ds, setDs] = useState(null);
  const [error, setError] = useState("");
  useEffect(() => {
    publicGet("/v1/open-data").then(setDs, (e) => setError(e.message));
  }, []);
  useEffect(() => {
    document.title = `${t("openDataTitle")} — Registro`;
  }, [t]);
  const text = (m) => m?.[lang] || m?.it || "";
  const name = { "text/csv": t("csv"), "application/json": t("json") };
  return (
    <>
      <h1 className="mb-3">{ds ? text(ds.title) : t("openDataTitle")}</h1>
      {error && (
        <div className="alert alert-danger" role="alert">
          {t("error", { msg: error })}
        </div>
      )}
      {!ds && !error && <p role="status">{t("loading")}</p>}
      {ds && (
        <>
          <p className="lead">{text(ds.description)}</p>
          <h2 className="h4 mt-4">{t("downloads")}</h2>
          <ul className="list-unstyled d-flex flex-wrap gap-2" id="downloads">
            {ds.distributions.map((d) => (
              <li key={d.url}>
                <a className="btn btn-primary" href={d.url} download>
                  {name[d.mediaType] || d.url} <span className="visually-hidden">({d.mediaType})</span>
                </a>
              </li>
            ))}
          </ul>
          <dl className="row mt-4">
            <dt className="col-sm-3">{t("licence")}</dt>
            <dd className="col-sm-9">
              <a href={ds.licenceUrl} rel="license" id="licence">
                {ds.licence}
              </a>
            </dd>
            <dt className="col-sm-3">{t("attribution")}</dt>
            <dd className="col-sm-9">{ds.attribution}</dd>
          </dl>
          <p>
            {t("apiNote")} <code>GET /v1/open-data/search?q=…&amp;region=…&amp;province=…&amp;legalForm=…</code>
          </p>
          <h2 className="h4 mt-4">{t("dictionary")}</h2>
          <div className="table-responsive">
            <table className="table table-sm">
              <caption className="visually-hidden">{t("dictionary")}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("field")}</th>
                  <th scope="col">{t("type")}</th>
                  <th scope="col">{t("meaning")}</th>
                </tr>
              </thead>
              <tbody>
                {ds.fields.map((f) => (
                  <tr key={f.name}>
                    <th scope="row">
                      <code>{f.name}</code>
                    </th>
                    <td>{f.type}</td>
                    <td>{text(f.description)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </>
  );
}
