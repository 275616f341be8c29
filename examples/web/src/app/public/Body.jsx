// A body's public page: the published fields of a body enrolled in Section
// I (GET /v1/entities/{id} as the public sees it — a Section II body is
// "not found", exactly as an ID that does not exist), with the names of
// its comune, province and region from the open data.
import { useEffect, useState } from "react";
import { Link, useParams } from "react-router-dom";
import { useLang, useT } from "../i18n.jsx";
import { label, loadFacets, publicGet, search } from "./data.js";
import { strings } from "./strings.js";

export default function Body() {
  const { id } = useParams();
  const t = useT(strings);
  const { lang } = useLang();
  const [body, setBody] = useState(null);
  const [row, setRow] = useState(null);
  const [facets, setFacets] = useState(null);
  const [state, setState] = useState("loading"); // loading | ok | missing | error
  const [error, setError] = useState("");

  useEffect(() => {
    const ctl = new AbortController();
    setState("loading");
    (async () => {
      try {
        const b = await publicGet(`/v1/entities/${encodeURIComponent(id)}`, ctl.signal);
        setBody(b);
        setState("ok");
        const [r, f] = await Promise.all([search({ q: b.name, limit: "100" }, ctl.signal), loadFacets()]);
        setRow(r.items.find((x) => x.id === b.id) || null);
        setFacets(f);
      } catch (e) {
        if (e.name === "AbortError") return;
        if (e.status === 404) setState("missing");
        else {
          setError(e.message);
          setState("error");
        }
      }
    })();
    return () => ctl.abort();
  }, [id]);
  useEffect(() => {
    document.title = `${state === "ok" ? body.name : t("bodyNotFound")} — Registro`;
  }, [state, body, t]);

  if (state === "loading") return <p role="status">{t("loading")}</p>;
  if (state === "missing" || state === "error") {
    return (
      <>
        <h1>{t("bodyNotFound")}</h1>
        <p>{state === "missing" ? t("bodyNotFoundText") : t("error", { msg: error })}</p>
        <Link to="/" className="btn btn-primary">
          {t("backToSearch")}
        </Link>
      </>
    );
  }
  const seat = body.seat || {};
  return (
    <>
      <nav aria-label="breadcrumb" className="breadcrumb-container">
        <ol className="breadcrumb">
          <li className="breadcrumb-item">
            <Link to="/">{t("list")}</Link>
            <span className="separator" aria-hidden="true">
              /
            </span>
          </li>
          <li className="breadcrumb-item active" aria-current="page">
            {body.name}
          </li>
        </ol>
      </nav>
      <h1 className="mb-2">{body.name}</h1>
      <p className="lead">
        <span className="badge bg-success me-2">I</span>
        {t("enrolled")}
      </p>
      <dl className="row mt-4" id="body-fields">
        <dt className="col-sm-4">{t("legalForm")}</dt>
        <dd className="col-sm-8">{label(facets?.legalForms, body.legalForm, lang)}</dd>
        <dt className="col-sm-4">{t("address")}</dt>
        <dd className="col-sm-8">
          {seat.street}, {seat.postCode} {row?.comuneName || seat.comune} ({seat.province})
        </dd>
        <dt className="col-sm-4">{t("region")}</dt>
        <dd className="col-sm-8">{row?.regionName || label(facets?.regions, seat.region, lang)}</dd>
        <dt className="col-sm-4">{t("id")}</dt>
        <dd className="col-sm-8">
          <code>{body.id}</code>
        </dd>
      </dl>
      <p className="mt-4">
        {t("bodyNote")} <Link to="/dati-aperti">{t("openDataTitle")}</Link>
      </p>
    </>
  );
}
