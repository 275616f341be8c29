// The territory (GET /v1/territory): regions and provinces by name, and the
// comuni of a province, fetched once each and kept for the page's life.
import { api } from "../api.js";

let base;
const comuni = new Map();

/** territory returns {regions, provinces} (a promise, fetched once). */
export function territory() {
  base ??= api("/v1/territory").then((r) => r.data).catch((e) => {
    base = undefined;
    throw e;
  });
  return base;
}

/** comuniOf returns the comuni [{code, name}] of the province sigla. */
export function comuniOf(sigla) {
  if (!sigla) return Promise.resolve([]);
  if (!comuni.has(sigla)) {
    comuni.set(sigla, api(`/v1/territory?province=${encodeURIComponent(sigla)}`).then((r) => r.data.comuni ?? []).catch((e) => {
      comuni.delete(sigla);
      throw e;
    }));
  }
  return comuni.get(sigla);
}

/** byName sorts items by name in Italian collation. */
export function byName(items) {
  return [...items].sort((a, b) => a.name.localeCompare(b.name, "it"));
}
