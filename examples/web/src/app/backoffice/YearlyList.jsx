// The yearly list of regularly enrolled bodies per recipient (GET
// /v1/yearly-list/{year}), with its export as CSV (built here from the
// JSON) or JSON (the service's own answer).
import { useId } from "react";
import { useSearchParams } from "react-router-dom";
import { useLang, useT } from "../i18n.jsx";
import { yearlyCSV } from "./helpers.js";
import { strings } from "./strings.js";
import { formatDate, Problem, Scroll, useLoad } from "./ui.jsx";

/** The years with a yearly list: from 2019 to last year. */
export function listYears(now = new Date()) {
  const out = [];
  for (let y = now.getUTCFullYear() - 1; y >= 2019; y--) out.push(y);
  return out;
}

export default function YearlyList() {
  const t = useT(strings);
  const { lang } = useLang();
  const [params, setParams] = useSearchParams();
  const years = listYears();
  const year = years.includes(Number(params.get("anno"))) ? Number(params.get("anno")) : years[0];
  const recipient = params.get("destinatario") || "";
  const { data, error, loading, reload } = useLoad(`/v1/yearly-list/${year}`);
  const ids = { y: useId(), r: useId() };
  const set = (k, v) => {
    const p = { anno: String(year), destinatario: recipient, [k]: v };
    if (!p.destinatario) delete p.destinatario;
    setParams(p);
  };
  const exportCSV = () => {
    const blob = new Blob(["\ufeff" + yearlyCSV(data, recipient)], { type: "text/csv;charset=utf-8" });
    const a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = `elenco-annuale-${year}${recipient ? `-${recipient}` : ""}.csv`;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  };
  const recips = data?.recipients || [];
  const chosen = recips.find((r) => r.recipient.code === recipient);
  let reg = 0;
  let exc = 0;
  for (const r of recips) {
    reg += r.regular?.length || 0;
    exc += r.excluded?.length || 0;
  }
  return (
    <section aria-labelledby="yl-title">
      <h1 id="yl-title">{t("ylTitle")}</h1>
      <div className="row g-3 mb-3">
        <div className="col-sm-4 select-wrapper">
          <label htmlFor={ids.y}>{t("year")}</label>
          <select id={ids.y} className="form-select" value={year} onChange={(e) => set("anno", e.target.value)}>
            {years.map((y) => <option key={y} value={y}>{y}</option>)}
          </select>
        </div>
        <div className="col-sm-8 select-wrapper">
          <label htmlFor={ids.r}>{t("recipient")}</label>
          <select id={ids.r} className="form-select" value={recipient} onChange={(e) => set("destinatario", e.target.value)}>
            <option value="">{t("allRecipients")}</option>
            {recips.map((r) => <option key={r.recipient.code} value={r.recipient.code}>{r.recipient.name}</option>)}
          </select>
        </div>
      </div>
      <Problem error={error} onRetry={reload} />
      {loading && <p role="status">{t("loading")}</p>}
      {data && (
        <>
          <p>{t("ylIntro", { deadline: formatDate(data.deadline, lang) })}</p>
          <div className="d-flex flex-wrap gap-2 mb-3">
            <button type="button" className="btn btn-primary" onClick={exportCSV} data-testid="export-csv">{t("exportCSV")}</button>
            <a className="btn btn-outline-primary" href={`/v1/yearly-list/${year}${recipient ? `?recipient=${recipient}` : ""}`} download={`elenco-annuale-${year}${recipient ? `-${recipient}` : ""}.json`}>
              {t("exportJSON")}
            </a>
          </div>
          {!chosen && (
            <Scroll label={t("summary")}>
              <table className="table table-sm" data-testid="yearly-summary">
                <caption>{t("summary")} — {year}</caption>
                <thead>
                  <tr><th scope="col">{t("recipient")}</th><th scope="col" className="text-end">{t("regular")}</th><th scope="col" className="text-end">{t("excluded")}</th></tr>
                </thead>
                <tbody>
                  {recips.map((r) => (
                    <tr key={r.recipient.code}>
                      <th scope="row">
                        <a href={`?anno=${year}&destinatario=${r.recipient.code}`} onClick={(e) => { e.preventDefault(); set("destinatario", r.recipient.code); }}>
                          {r.recipient.name}
                        </a>
                      </th>
                      <td className="text-end">{r.regular?.length || 0}</td>
                      <td className="text-end">{r.excluded?.length || 0}</td>
                    </tr>
                  ))}
                </tbody>
                <tfoot>
                  <tr><th scope="row">{t("total")}</th><td className="text-end">{reg}</td><td className="text-end">{exc}</td></tr>
                </tfoot>
              </table>
            </Scroll>
          )}
          {chosen && (
            <>
              <Bodies title={`${t("regular")} — ${chosen.recipient.name}`} list={chosen.regular} />
              <Bodies title={`${t("excluded")} — ${chosen.recipient.name}`} list={chosen.excluded} excluded />
            </>
          )}
        </>
      )}
    </section>
  );
}

function Bodies({ title, list, excluded }) {
  const t = useT(strings);
  const { lang } = useLang();
  const id = useId();
  return (
    <section aria-labelledby={id} className="mb-4">
      <h2 id={id} className="h4">{title} ({list?.length || 0})</h2>
      {!list?.length ? (
        <p data-testid="yearly-empty">{t("noneListed")}</p>
      ) : (
        <Scroll label={title}>
          <table className="table table-sm" data-testid={excluded ? "yearly-excluded" : "yearly-regular"}>
            <thead>
              <tr>
                <th scope="col">{t("body")}</th>
                <th scope="col">{t("entityId")}</th>
                <th scope="col">{t("sections")}</th>
                <th scope="col">{t("seat")}</th>
                <th scope="col">{excluded ? t("why") : t("filedOn")}</th>
              </tr>
            </thead>
            <tbody>
              {list.map((b) => (
                <tr key={b.id}>
                  <th scope="row">{b.name}</th>
                  <td className="text-nowrap">{b.id}</td>
                  <td className="text-nowrap">{(b.sections || []).join(", ")}</td>
                  <td>{[b.comune, b.province].filter(Boolean).join(" ")}</td>
                  <td>{excluded ? t(`r_${b.reason}`) : b.filedOn ? formatDate(b.filedOn, lang) : "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Scroll>
      )}
    </section>
  );
}
