// Amounts: people type euros with decimals ("1.234,56" in Italian, "1,234.56"
// or "1234.56" in English); documents hold whole euro cents (123456), so no
// amount is ever a binary fraction.

/**
 * eurosToCents reads an amount in euros as typed and returns its cents, or
 * null for an empty input, or NaN for something that is no amount (letters,
 * more than two decimals, a negative sign).
 * @param {string} text
 * @returns {number|null}
 */
export function eurosToCents(text) {
  let s = String(text ?? "").trim().replace(/^€\s*|\s*€$/g, "").replace(/[\s\u00a0']/g, "");
  if (s === "") return null;
  const comma = s.lastIndexOf(","), dot = s.lastIndexOf(".");
  // The last separator followed by one or two digits is the decimal one;
  // the others group thousands.
  let intPart = s, dec = "";
  const sep = Math.max(comma, dot);
  if (sep >= 0 && s.length - sep - 1 <= 2 && s.length - sep - 1 >= 1) {
    intPart = s.slice(0, sep);
    dec = s.slice(sep + 1);
    // The decimal separator cannot also group thousands.
    if (intPart.includes(s[sep])) return NaN;
  }
  intPart = intPart.replace(/[.,]/g, (m, i) => (isGrouping(intPart, i) ? "" : "x"));
  if (!/^\d+$/.test(intPart) || !/^\d{0,2}$/.test(dec)) return NaN;
  const cents = Number(intPart) * 100 + Number(dec.padEnd(2, "0") || 0);
  return Number.isSafeInteger(cents) ? cents : NaN;
}

// isGrouping reports whether the separator at i groups thousands: three
// digits follow it before the next separator or the end.
function isGrouping(s, i) {
  const rest = s.slice(i + 1);
  const m = /^(\d+)/.exec(rest);
  return !!m && m[1].length === 3;
}

/**
 * centsToEuros writes cents as euros for lang ("it": "1.234,56", "en":
 * "1,234.56"); "" for null or undefined.
 * @param {number|null|undefined} cents
 * @param {"it"|"en"} lang
 */
export function centsToEuros(cents, lang = "it") {
  if (cents === null || cents === undefined || Number.isNaN(cents)) return "";
  const locale = lang === "en" ? "en-GB" : "it-IT";
  return new Intl.NumberFormat(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2, useGrouping: "always" }).format(cents / 100);
}
