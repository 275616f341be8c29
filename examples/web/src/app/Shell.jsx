// The frame of every page, in Bootstrap Italia's header and footer: a skip
// link; the slim header (the ministry, the language switch, login or the
// person's name and logout); the centre header (the register's name); the
// navigation, which collapses behind a button on phones and offers each
// person what their role lets them use; the body picker when a person acts
// for several bodies; the page; the footer.
import { useEffect, useRef, useState } from "react";
import { Link, NavLink, Outlet, useLocation } from "react-router-dom";
import { languages, useLang, useT } from "./i18n.jsx";
import { actingFor, navItems } from "./nav.js";
import { useSession } from "./session.jsx";
import "./theme.css";

const strings = {
  it: {
    skip: "Vai al contenuto principale",
    skipNav: "Vai alla navigazione",
    ministry: "Ministero del Lavoro e delle Politiche Sociali",
    title: "Registro delle associazioni per gli immigrati",
    tagline: "Art. 42 D.lgs. 286/1998 — artt. 52–54 DPR 394/1999",
    nav: "Navigazione principale",
    menu: "Apri il menu",
    closeMenu: "Chiudi il menu",
    search: "Elenco pubblico",
    openData: "Dati aperti",
    area: "Area associazione",
    office: "Ufficio",
    login: "Accedi",
    logout: "Esci",
    loggedAs: "Accesso come {name}",
    language: "Lingua",
    langName: { it: "Italiano", en: "English" },
    acting: "Agisci per",
    actingHelp: "L'ente per cui operi nell'area associazione",
    footerAbout:
      "Il registro degli enti e delle associazioni che svolgono attività a favore degli immigrati: prima sezione (attività di integrazione) e seconda sezione (assistenza alle vittime di tratta).",
    footerLinks: "Collegamenti",
    legal: "Note legali",
    privacy: "Privacy: i dati della seconda sezione non sono pubblici",
    api: "API (OpenAPI)",
    licence: "Dati aperti sotto licenza CC BY 4.0",
    region: "Ufficio regionale",
  },
  en: {
    skip: "Skip to main content",
    skipNav: "Skip to navigation",
    ministry: "Ministry of Labour and Social Policies",
    title: "Register of associations working for immigrants",
    tagline: "Art. 42 Legislative Decree 286/1998 — arts. 52–54 Presidential Decree 394/1999",
    nav: "Main navigation",
    menu: "Open the menu",
    closeMenu: "Close the menu",
    search: "Public list",
    openData: "Open data",
    area: "Association area",
    office: "Office",
    login: "Log in",
    logout: "Log out",
    loggedAs: "Logged in as {name}",
    language: "Language",
    langName: { it: "Italiano", en: "English" },
    acting: "Acting for",
    actingHelp: "The body you act for in the association area",
    footerAbout:
      "The register of the bodies and associations working for immigrants: Section I (integration) and Section II (assistance to victims of trafficking).",
    footerLinks: "Links",
    legal: "Legal notes",
    privacy: "Privacy: Section II data are not public",
    api: "API (OpenAPI)",
    licence: "Open data under the CC BY 4.0 licence",
    region: "Regional office",
  },
};

function LanguageSwitch({ t }) {
  const { lang, setLang } = useLang();
  return (
    <div className="registro-lang btn-group" role="group" aria-label={t("language")}>
      {languages.map((l) => (
        <button
          key={l}
          type="button"
          lang={l}
          className={`btn btn-sm ${l === lang ? "btn-light" : "btn-outline-light"}`}
          aria-pressed={l === lang}
          onClick={() => setLang(l)}
          title={strings[l].langName[l]}
        >
          <span aria-hidden="true">{l.toUpperCase()}</span>
          <span className="visually-hidden">{strings[l].langName[l]}</span>
        </button>
      ))}
    </div>
  );
}

function Account({ t, session }) {
  if (session.loading) return null;
  if (!session.loggedIn) {
    if (session.login === false) return null; // no provider configured
    return (
      <a className="btn btn-primary btn-sm btn-icon" href="/auth/login" id="login">
        {t("login")}
      </a>
    );
  }
  return (
    <form method="post" action="/auth/logout" className="d-flex align-items-center gap-2 flex-wrap">
      <span className="registro-user" id="user-name">
        {t("loggedAs", { name: session.name || session.fiscalNumber })}
      </span>
      <button type="submit" className="btn btn-outline-light btn-sm" id="logout">
        {t("logout")}
      </button>
    </form>
  );
}

/** BodyPicker lets a person acting for several bodies choose one. */
function BodyPicker({ t, session }) {
  const { bodies, acting, setActing } = session;
  useEffect(() => {
    const want = actingFor(bodies, acting);
    if (want && want !== acting) setActing(want);
  }, [bodies, acting, setActing]);
  if (!bodies || bodies.length < 2) return null;
  return (
    <div className="registro-acting py-2">
      <div className="container">
        <div className="d-flex flex-wrap align-items-center gap-2">
          <label htmlFor="acting" className="fw-semibold mb-0">
            {t("acting")}
          </label>
          <select
            id="acting"
            className="form-select w-auto"
            value={acting}
            aria-describedby="acting-help"
            onChange={(e) => setActing(e.target.value)}
          >
            {bodies.map((b) => (
              <option key={b.id} value={b.id}>
                {b.name} ({b.id})
              </option>
            ))}
          </select>
          <span id="acting-help" className="visually-hidden">
            {t("actingHelp")}
          </span>
        </div>
      </div>
    </div>
  );
}

export default function Shell() {
  const t = useT(strings);
  const session = useSession();
  const [open, setOpen] = useState(false);
  const location = useLocation();
  const toggler = useRef(null);
  const closer = useRef(null);
  // A new page closes the phone menu and moves focus to the page's heading,
  // so that screen readers and keyboards start at the new content.
  const first = useRef(true);
  useEffect(() => {
    setOpen(false);
    if (first.current) {
      first.current = false;
      return;
    }
    const h = document.querySelector("main h1");
    if (h) {
      h.setAttribute("tabindex", "-1");
      h.focus({ preventScroll: false });
    }
  }, [location.pathname]);
  useEffect(() => {
    if (!open) return;
    closer.current?.focus();
    const onKey = (e) => {
      if (e.key === "Escape") {
        setOpen(false);
        toggler.current?.focus();
      }
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [open]);
  const items = navItems(session);
  return (
    <>
      <div className="skiplinks">
        <a className="visually-hidden-focusable" href="#main">
          {t("skip")}
        </a>
        <a className="visually-hidden-focusable" href="#main-nav">
          {t("skipNav")}
        </a>
      </div>
      <header className="it-header-wrapper">
        <div className="it-header-slim-wrapper">
          <div className="container">
            <div className="row">
              <div className="col-12">
                <div className="it-header-slim-wrapper-content">
                  <span className="navbar-brand d-block">{t("ministry")}</span>
                  <div className="it-header-slim-right-zone d-flex align-items-center">
                    <LanguageSwitch t={t} />
                    <Account t={t} session={session} />
                  </div>
                </div>
              </div>
            </div>
          </div>
        </div>
        <div className="it-nav-wrapper">
          <div className="it-header-center-wrapper">
            <div className="container">
              <div className="row">
                <div className="col-12">
                  <div className="it-header-center-content-wrapper">
                    <Brand title={t("title")} tagline={t("tagline")} taglineClass="d-none d-md-block" />
                  </div>
                </div>
              </div>
            </div>
          </div>
          <div className="it-header-navbar-wrapper">
            <div className="container">
              <div className="row">
                <div className="col-12">
                  <nav className="navbar navbar-expand-lg" aria-label={t("nav")} id="main-nav">
                    <button
                      ref={toggler}
                      className="custom-navbar-toggler"
                      type="button"
                      aria-controls="nav-menu"
                      aria-expanded={open}
                      onClick={() => setOpen(true)}
                    >
                      <span className="visually-hidden">{t("menu")}</span>
                      <svg className="icon" aria-hidden="true" viewBox="0 0 24 24" width="24" height="24">
                        <path d="M3 6h18v2H3zm0 5h18v2H3zm0 5h18v2H3z" fill="currentColor" />
                      </svg>
                    </button>
                    <div
                      className={`navbar-collapsable${open ? " expanded" : ""}`}
                      id="nav-menu"
                      style={open ? { display: "block" } : undefined}
                    >
                      <div
                        className="overlay"
                        style={{ display: open ? "block" : "none" }}
                        onClick={() => setOpen(false)}
                        aria-hidden="true"
                      />
                      <div className="close-div">
                        <button
                          ref={closer}
                          className="btn close-menu"
                          type="button"
                          onClick={() => {
                            setOpen(false);
                            toggler.current?.focus();
                          }}
                        >
                          <span className="visually-hidden">{t("closeMenu")}</span>
                          <svg className="icon" aria-hidden="true" viewBox="0 0 24 24" width="24" height="24">
                            <path
                              d="M6.4 5 5 6.4 10.6 12 5 17.6 6.4 19l5.6-5.6 5.6 5.6 1.4-1.4-5.6-5.6L19 6.4 17.6 5 12 10.6z"
                              fill="currentColor"
                            />
                          </svg>
                        </button>
                      </div>
                      <div className="menu-wrapper">
                        <ul className="navbar-nav">
                          {items.map((it) => (
                            <li className="nav-item" key={it.to}>
                              <NavLink
                                className={({ isActive }) => `nav-link${isActive ? " active" : ""}`}
                                to={it.to}
                                end={it.end}
                              >
                                <span>{t(it.key)}</span>
                              </NavLink>
                            </li>
                          ))}
                        </ul>
                      </div>
                    </div>
                  </nav>
                </div>
              </div>
            </div>
          </div>
        </div>
      </header>
      {session.loggedIn && <BodyPicker t={t} session={session} />}
      <main id="main" className="container my-4 my-lg-5">
        <Outlet />
      </main>
      <footer className="it-footer">
        <div className="it-footer-main">
          <div className="container">
            <div className="row clearfix">
              <div className="col-sm-12">
                <Brand title={t("title")} tagline={t("ministry")} />
              </div>
            </div>
            <div className="row">
              <div className="col-lg-8 pb-3">
                <p className="text-white">{t("footerAbout")}</p>
              </div>
              <div className="col-lg-4 pb-3">
                <h2 className="h5 text-white">{t("footerLinks")}</h2>
                <ul className="list-unstyled">
                  <li>
                    <Link className="text-white" to="/dati-aperti">
                      {t("licence")}
                    </Link>
                  </li>
                  <li>
                    <a className="text-white" href="/v1/openapi.json">
                      {t("api")}
                    </a>
                  </li>
                </ul>
              </div>
            </div>
          </div>
        </div>
        <div className="it-footer-small-prints clearfix">
          <div className="container">
            <ul className="it-footer-small-prints-list list-inline mb-0 d-flex flex-column flex-md-row">
              <li className="list-inline-item">{t("privacy")}</li>
            </ul>
          </div>
        </div>
      </footer>
    </>
  );
}

/** Brand is the register's mark and name, linking home (header and footer). */
function Brand({ title, tagline, taglineClass = "" }) {
  return (
    <div className="it-brand-wrapper">
      <Link to="/">
        <span className="registro-mark" aria-hidden="true">
          R
        </span>
        <div className="it-brand-text">
          <div className="it-brand-title">{title}</div>
          <div className={`it-brand-tagline ${taglineClass}`.trim()}>{tagline}</div>
        </div>
      </Link>
    </div>
  );
}
