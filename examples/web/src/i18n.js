// The page's own words in Italian and English. Field titles, descriptions and
// code labels come from the schema of the chosen language; client-side
// validation messages from ajv-i18n; server messages from the problems.
import { englishStringTranslator, TranslatableString as T } from "@rjsf/utils";

export const LANGS = ["it", "en"];

export const UI = {
  it: {
    heading: "Registro — relazione annuale",
    intro: "Il modulo è generato dallo schema JSON pubblicato per l'anno scelto. Il browser controlla lo schema; all'invio il servizio applica anche le regole che uno schema non esprime e i suoi errori appaiono accanto ai campi.",
    year: "Anno di riferimento",
    language: "Lingua",
    loading: "Caricamento dello schema…",
    submit: "Controlla sul server",
    checking: "Controllo in corso…",
    valid: "Il servizio non ha trovato errori: la relazione è valida.",
    invalid: (n) => `Il servizio ha trovato ${n} ${n === 1 ? "problema" : "problemi"}: sono indicati accanto ai campi.`,
    warnings: (n) => `${n} ${n === 1 ? "avviso" : "avvisi"}.`,
    failed: "Richiesta non riuscita",
    json: "Documento JSON",
    jsonHelp: "Incolla una relazione in JSON e applicala al modulo, o copia quella compilata.",
    apply: "Applica JSON",
    badJson: "JSON non valido",
  },
  en: {
    heading: "Registro — annual report",
    intro: "The form is generated from the published JSON Schema of the chosen year. The browser checks the schema; on submit the service also applies the rules a schema cannot express, and its errors appear next to the fields.",
    year: "Reporting year",
    language: "Language",
    loading: "Loading the schema…",
    submit: "Check on the server",
    checking: "Checking…",
    valid: "The service found no errors: the report is valid.",
    invalid: (n) => `The service found ${n} ${n === 1 ? "problem" : "problems"}: they are shown next to the fields.`,
    warnings: (n) => `${n} ${n === 1 ? "warning" : "warnings"}.`,
    failed: "Request failed",
    json: "JSON document",
    jsonHelp: "Paste a report as JSON and apply it to the form, or copy the one filled in.",
    apply: "Apply JSON",
    badJson: "Invalid JSON",
  },
};

// rjsf's own strings (buttons, the error list) in Italian.
const RJSF_IT = {
  [T.ArrayItemTitle]: "Elemento",
  [T.EmptyArray]: "Nessun elemento: aggiungine con il pulsante qui sotto.",
  [T.YesLabel]: "Sì",
  [T.NoLabel]: "No",
  [T.CloseLabel]: "Chiudi",
  [T.ErrorsLabel]: "Errori",
  [T.NewStringDefault]: "Nuovo valore",
  [T.AddButton]: "Aggiungi",
  [T.AddItemButton]: "Aggiungi elemento",
  [T.CopyButton]: "Copia",
  [T.MoveDownButton]: "Sposta giù",
  [T.MoveUpButton]: "Sposta su",
  [T.RemoveButton]: "Rimuovi",
  [T.ClearLabel]: "Cancella",
  [T.OptionalObjectAdd]: "Aggiungi i dati del campo facoltativo",
  [T.OptionalObjectRemove]: "Rimuovi i dati del campo facoltativo",
  [T.OptionalObjectEmptyMsg]: "Nessun dato per il campo facoltativo",
};

/** rjsf's translateString for lang. */
export function rjsfStrings(lang) {
  if (lang !== "it") return englishStringTranslator;
  return (key, params) => (RJSF_IT[key] ? RJSF_IT[key] : englishStringTranslator(key, params));
}
