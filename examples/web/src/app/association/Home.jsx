// The association area's home: the person's bodies, each with its
// enrolment per section, the annual report due (deadline) and overdue, and
// what to do next.
import { Link } from "react-router-dom";
import { useLang, useT } from "../i18n.jsx";
import { useSession } from "../session.jsx";
import { formatDate, strings } from "./strings.js";

/** LoginFirst asks the person to log in. */
export function LoginFirst() {
  const t = useT(strings);
  return (
    <div className="alert alert-info" role="status">
      <p>{t("loginNeeded")}</p>
      <a className="btn btn-primary" href="/auth/login">{t("login")}</a>
    </div>
  );
}

const statusClass = { enrolled: "bg-success", applied: "bg-primary", under_review: "bg-warning text-dark", rejected: "bg-danger", cancelled: "bg-secondary" };

function BodyCard({ b, acting, setActing }) {
  const t = useT(strings);
  const { lang } = useLang();
  const due = b.reporting?.nextDue;
  const overdue = b.reporting?.overdue ?? [];
  const last = b.reporting?.lastFiled;
  const isActing = acting === b.id;
  return (
    <div className={`card card-bg mb-4 ${isActing ? "border border-primary" : ""}`}>
      <div className="card-body">
        <h2 className="card-title h4">{b.name}</h2>
        <p className="mb-2">
          {t("registerId")}: <strong>{b.id}</strong> · {t("taxCode")}: {b.taxCode}
          {b.capacity && <> · {t(`capacity_${b.capacity}`)}</>}
        </p>
        <ul className="list-unstyled mb-3">
          {b.sections.map((s) => (
            <li key={s.section} className="mb-1">
              {t("section", { s: s.section })}: <span className={`badge ${statusClass[s.status] ?? "bg-secondary"}`}>{t(`status_${s.status}`)}</span>
              {(s.status === "applied" || s.status === "under_review") && s.decisionDue && <> — {t("decisionDue", { d: formatDate(s.decisionDue, lang) })}</>}
              {s.status === "enrolled" && s.decreeNumber && <> — {t("decree", { n: s.decreeNumber, d: formatDate(s.decreeDate, lang) })}</>}
            </li>
          ))}
        </ul>
        {due && <p className="mb-1"><strong>{t("nextDue", { y: due.year, d: formatDate(due.deadline, lang) })}</strong></p>}
        {overdue.map((y) => (
          <p key={y} className="mb-1 text-danger fw-semibold" data-overdue={y}>
            ⚠ {t("overdue", { y })}
            {isActing && <> — <Link to={`/area/relazione/${y}`}>{t("fileReport", { y })}</Link></>}
          </p>
        ))}
        {last && <p className="mb-2">{t("lastFiled", { y: last.year, r: last.revision, d: formatDate(last.filedAt, lang) })}</p>}
        <div className="d-flex flex-wrap gap-2 mt-3">
          {isActing ? (
            <span className="badge bg-primary p-2" role="status">{t("acting")}</span>
          ) : (
            <button type="button" className="btn btn-outline-primary btn-sm" onClick={() => setActing(b.id)}>{t("actFor")}</button>
          )}
          {isActing && due && (
            <Link className="btn btn-primary btn-sm" to={`/area/relazione/${due.year}`}>{t("fileReport", { y: due.year })}</Link>
          )}
          {isActing && <Link className="btn btn-outline-primary btn-sm" to="/area/relazioni">{t("pastReports")}</Link>}
        </div>
      </div>
    </div>
  );
}

export default function Home() {
  const t = useT(strings);
  const s = useSession();
  if (s.loading) return <p>{t("loading")}</p>;
  if (!s.loggedIn) return (<><h1>{t("area")}</h1><LoginFirst /></>);
  return (
    <>
      <h1>{t("area")}</h1>
      <h2 className="h3 mt-4">{t("myBodies")}</h2>
      {s.bodies.length === 0 && <p>{t("noBodies")}</p>}
      {s.bodies.map((b) => <BodyCard key={b.id} b={b} acting={s.acting} setActing={s.setActing} />)}
      <Link className="btn btn-outline-primary" to="/area/domanda">{t("apply")}</Link>
    </>
  );
}
