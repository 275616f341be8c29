// The back office's shared pieces: the staff gate, the local navigation,
// the service's problems shown as alerts, a loader hook.
import { useCallback, useEffect, useRef, useState } from "react";
import { NavLink, Outlet } from "react-router-dom";
import { api, ApiError } from "../api.js";
import { useLang, useT } from "../i18n.jsx";
import { useSession } from "../session.jsx";
import { strings } from "./strings.js";
import "./backoffice.css";

/**
 * useStaff says whether the person may use the back office: "loading",
 * "anonymous", "refused" or "staff". The role comes from GET /v1/me; when
 * the service does not state one, a logged-in person is staff when the
 * review queue (a staff-only route) answers them.
 */
export function useStaff() {
  const s = useSession();
  const [probe, setProbe] = useState("");
  const needProbe = !!s && !s.loading && s.loggedIn && !s.role;
  useEffect(() => {
    if (!needProbe) return undefined;
    let live = true;
    api("/v1/review-queue?limit=1")
      .then(() => live && setProbe("staff"))
      .catch(() => live && setProbe("refused"));
    return () => {
      live = false;
    };
  }, [needProbe]);
  if (!s || s.loading) return "loading";
  if (!s.loggedIn) return "anonymous";
  if (s.role) return s.role === "staff" ? "staff" : "refused";
  return probe || "loading";
}

/** BackOffice is the frame of every /ufficio page: the gate, then the local navigation and the page. */
export function BackOffice() {
  const t = useT(strings);
  const who = useStaff();
  if (who === "loading") return <p role="status">{t("loading")}</p>;
  if (who === "anonymous") {
    return (
      <div className="container my-4">
        <h1>{t("area")}</h1>
        <div className="alert alert-info" role="status">
          <p>{t("needLogin")}</p>
          <a className="btn btn-primary" href="/auth/login">{t("login")}</a>
        </div>
      </div>
    );
  }
  if (who === "refused") {
    return (
      <div className="container my-4">
        <h1>{t("area")}</h1>
        <div className="alert alert-danger" role="alert" data-testid="backoffice-refused">{t("refused")}</div>
      </div>
    );
  }
  const links = [
    ["/ufficio", "navQueue", true],
    ["/ufficio/referenti", "navReferents"],
    ["/ufficio/accessi", "navAccess"],
    ["/ufficio/elenco-annuale", "navYearly"],
    ["/ufficio/relazione-annuale", "navReport"],
  ];
  return (
    <div className="container my-4 backoffice">
      <nav aria-label={t("nav")} className="mb-4">
        <ul className="nav nav-tabs flex-wrap">
          {links.map(([to, key, end]) => (
            <li className="nav-item" key={to}>
              <NavLink to={to} end={end} className={({ isActive }) => "nav-link" + (isActive ? " active" : "")}>
                {t(key)}
              </NavLink>
            </li>
          ))}
        </ul>
      </nav>
      <Outlet />
    </div>
  );
}

/** Problem shows an ApiError: its title and detail, and each field's problem with its JSON Pointer. */
export function Problem({ error, onRetry }) {
  const t = useT(strings);
  const ref = useRef(null);
  useEffect(() => {
    if (error) ref.current?.focus();
  }, [error]);
  if (!error) return null;
  const p = error instanceof ApiError ? error.problem : { detail: String(error?.message || error) };
  const errors = error instanceof ApiError ? error.errors : [];
  return (
    <div className="alert alert-danger" role="alert" tabIndex={-1} ref={ref} data-testid="problem">
      <p className="fw-bold mb-1">{p.title || t("problem")}</p>
      {p.detail && p.detail !== p.title && <p className="mb-1">{p.detail}</p>}
      {errors.length > 0 && (
        <ul className="mb-1">
          {errors.map((e, i) => (
            <li key={i}>
              {e.instancePath ? <code>{e.instancePath}</code> : null} {e.message}
            </li>
          ))}
        </ul>
      )}
      {error.status ? <p className="small mb-0">{t("status")}: {error.status}</p> : null}
      {onRetry && (
        <button type="button" className="btn btn-outline-danger btn-sm mt-2" onClick={onRetry}>
          {t("reload")}
        </button>
      )}
    </div>
  );
}

/** Done announces a successful action's outcome (a polite live region that takes the focus). */
export function Done({ children }) {
  const ref = useRef(null);
  useEffect(() => {
    if (children) ref.current?.focus();
  }, [children]);
  if (!children) return null;
  return (
    <div className="alert alert-success" role="status" tabIndex={-1} ref={ref} data-testid="outcome">
      {children}
    </div>
  );
}

/**
 * useLoad calls the service for path (nothing while path is empty) in the
 * app's language and returns {data, error, loading, reload}.
 */
export function useLoad(path) {
  const { lang } = useLang();
  const [state, setState] = useState({ data: null, error: null, loading: !!path });
  const [n, setN] = useState(0);
  useEffect(() => {
    if (!path) return undefined;
    let live = true;
    setState((s) => ({ ...s, loading: true, error: null }));
    api(path, { lang })
      .then((r) => live && setState({ data: r.data, error: null, loading: false }))
      .catch((e) => live && setState({ data: null, error: e, loading: false }));
    return () => {
      live = false;
    };
  }, [path, lang, n]);
  const reload = useCallback(() => setN((x) => x + 1), []);
  return { ...state, reload };
}

/** Scroll is a table's own horizontal scroll box, so the page never scrolls sideways. */
export function Scroll({ label, children }) {
  return (
    <div className="table-responsive" role="region" aria-label={label} tabIndex={0}>
      {children}
    </div>
  );
}

/** formatDate writes "YYYY-MM-DD" as the language writes dates (UTC, no time shift). */
export function formatDate(d, lang) {
  if (!d) return "—";
  const day = /^\d{4}-\d{2}-\d{2}/.test(d) ? d.slice(0, 10) : null;
  if (!day) return d;
  const t = new Date(day + "T00:00:00Z");
  return t.toLocaleDateString(lang === "en" ? "en-GB" : "it-IT", { timeZone: "UTC", day: "numeric", month: "long", year: "numeric" });
}

/** formatSize writes a size in bytes. */
export function formatSize(n, lang) {
  if (n == null) return "—";
  const f = new Intl.NumberFormat(lang === "en" ? "en-GB" : "it-IT", { maximumFractionDigits: 1 });
  if (n < 1024) return `${f.format(n)} B`;
  if (n < 1024 * 1024) return `${f.format(n / 1024)} KiB`;
  return `${f.format(n / 1024 / 1024)} MiB`;
}
