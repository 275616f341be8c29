// The page of an address the app does not have.
import { useEffect } from "react";
import { Link } from "react-router-dom";
import { useT } from "../i18n.jsx";

const strings = {
  it: { title: "Pagina non trovata", text: "L'indirizzo non corrisponde a nessuna pagina del registro.", home: "Vai all'elenco pubblico" },
  en: { title: "Page not found", text: "The address matches no page of the register.", home: "Go to the public list" },
};

export default function NotFound() {
  const t = useT(strings);
  useEffect(() => {
    document.title = `${t("title")} — Registro`;
  }, [t]);
  return (
    <>
      <h1>{t("title")}</h1>
      <p>{t("text")}</p>
      <Link to="/" className="btn btn-primary">
        {t("home")}
      </Link>
    </>
  );
}
