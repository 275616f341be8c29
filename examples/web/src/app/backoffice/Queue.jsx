// The review queue: the pending applications by decision due date, with
// overdue and suspended terms marked (GET /v1/review-queue).
import { useId, useState } from "react";
import { Link } from "react-router-dom";
import { useLang, useT } from "../i18n.jsx";
import { daysLeft, outcomeClass, queueCounts, sortQueue, termState, today } from "./helpers.js";
import { strings } from "./strings.js";
import { formatDate, Problem, Scroll, useLoad } from "./ui.jsx";

/** TermBadge says where an item's decision term stands today. */
export function TermBadge({ item, on }) {
  const t = useT(strings);
  const state = termState(item, on);
  const left = daysLeft(item.decisionDue, on);
  const [cls, label] = {
    suspended: ["badge bg-info text-dark", t("suspended")],
    overdue: ["badge bg-danger", left == null || left >= 0 ? t("overdueToday") : t("overdueBy", { n: -left })],
    "due-soon": ["badge bg-warning text-dark", left === 0 ? t("dueToday") : t("dueIn", { n: left })],
    open: ["badge bg-success", t("dueIn", { n: left })],
    unknown: ["badge bg-secondary", t("unknownTerm")],
  }[state];
  return <span className={cls} data-term={state}>{label}</span>;
}

export default function Queue() {
  const t = useT(strings);
  const { lang } = useLang();
  const [filter, setFilter] = useState("all");
  const filterId = useId();
  const { data, error, loading, reload } = useLoad("/v1/review-queue?limit=100");
  const on = today();
  const items = sortQueue(data?.items || []);
  const counts = queueCounts(items, on);
  const shown = items.filter((it) => filter === "all" || termState(it, on) === filter);
  return (
    <section aria-labelledby="queue-title">
      <h1 id="queue-title">{t("queueTitle")}</h1>
      <p>{t("queueIntro")}</p>
      <Problem error={error} onRetry={reload} />
      {loading && <p role="status">{t("loading")}</p>}
      {data && items.length === 0 && <p className="alert alert-info" data-testid="queue-empty">{t("queueEmpty")}</p>}
      {items.length > 0 && (
        <>
          <ul className="list-inline" data-testid="queue-counts">
            <li className="list-inline-item"><strong>{t("count", { n: counts.total })}</strong></li>
            <li className="list-inline-item"><span className="badge bg-danger">{t("countOverdue", { n: counts.overdue })}</span></li>
            <li className="list-inline-item"><span className="badge bg-info text-dark">{t("countSuspended", { n: counts.suspended })}</span></li>
            <li className="list-inline-item"><span className="badge bg-warning text-dark">{t("countSoon", { n: counts["due-soon"] })}</span></li>
          </ul>
          <div className="select-wrapper mb-3" style={{ maxWidth: "20rem" }}>
            <label htmlFor={filterId}>{t("filter")}</label>
            <select id={filterId} className="form-select" value={filter} onChange={(e) => setFilter(e.target.value)}>
              <option value="all">{t("filterAll")}</option>
              <option value="overdue">{t("filterOverdue")}</option>
              <option value="suspended">{t("filterSuspended")}</option>
            </select>
          </div>
          <Scroll label={t("queueCaption")}>
            <table className="table table-sm align-middle" data-testid="queue">
              <caption>{t("queueCaption")}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("due")}</th>
                  <th scope="col">{t("term")}</th>
                  <th scope="col">{t("body")}</th>
                  <th scope="col">{t("sections")}</th>
                  <th scope="col">{t("protocol")}</th>
                  <th scope="col">{t("filed")}</th>
                  <th scope="col">{t("verdict")}</th>
                </tr>
              </thead>
              <tbody>
                {shown.map((it) => {
                  const v = it.eligibility?.verdict;
                  return (
                    <tr key={it.applicationId} data-term={termState(it, on)}>
                      <td className="text-nowrap">{formatDate(it.decisionDue, lang)}</td>
                      <td><TermBadge item={it} on={on} /></td>
                      <th scope="row">
                        <Link to={`/ufficio/domande/${encodeURIComponent(it.applicationId)}`} aria-label={t("openApp", { name: it.name })}>
                          {it.name}
                        </Link>
                      </th>
                      <td>
                        {(it.sections || []).map((s) => (
                          <span key={s.section} className="d-block text-nowrap">
                            {t("sectionN", { s: s.section })}: {t(`st_${s.status}`)}
                          </span>
                        ))}
                      </td>
                      <td className="text-nowrap">{it.protocol || "—"}</td>
                      <td className="text-nowrap">{formatDate(it.date, lang)}</td>
                      <td>{v ? <span className={outcomeClass(v)}>{t(`v_${v}`)}</span> : <span className="badge bg-secondary">{t("v_none")}</span>}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </Scroll>
        </>
      )}
    </section>
  );
}
