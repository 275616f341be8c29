// The app's language: Italian by default, English on request; the choice
// is kept in localStorage and changes no data. Each area keeps its own
// strings beside its pages, as {it: {...}, en: {...}} tables read with
// useT(table).
import { createContext, useCallback, useContext, useEffect, useState } from "react";

/** The languages the app speaks. */
export const languages = ["it", "en"];

const LangContext = createContext({ lang: "it", setLang: () => {} });

/** LangProvider holds the language of the whole app. */
export function LangProvider({ children }) {
  const [lang, setLangState] = useState(() => {
    const saved = typeof localStorage !== "undefined" ? localStorage.getItem("registro.lang") : null;
    return languages.includes(saved) ? saved : "it";
  });
  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);
  const setLang = useCallback((l) => {
    if (!languages.includes(l)) return;
    localStorage.setItem("registro.lang", l);
    setLangState(l);
  }, []);
  return <LangContext.Provider value={{ lang, setLang }}>{children}</LangContext.Provider>;
}

/** useLang returns {lang, setLang}. */
export function useLang() {
  return useContext(LangContext);
}

/**
 * useT returns t(key, vars) reading table[lang][key] (falling back to
 * Italian, then to the key), with {name} placeholders filled from vars.
 */
export function useT(table) {
  const { lang } = useLang();
  return useCallback(
    (key, vars) => {
      let s = table[lang]?.[key] ?? table.it?.[key] ?? key;
      if (vars) for (const [k, v] of Object.entries(vars)) s = s.replaceAll(`{${k}}`, String(v));
      return s;
    },
    [table, lang],
  );
}
