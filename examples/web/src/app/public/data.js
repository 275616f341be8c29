// What the public pages read: the service's public answers only. Every
// request omits the session cookie, so that a public page shows what the
// public sees whoever is logged in — the published fields of the bodies
// enrolled in Section I, never a Section II body.
import { ApiError } from "../api.js";

/** publicGet fetches path anonymously and returns its JSON, or throws ApiError. */
export async function publicGet(path, signal) {
  let res;
  try {
    res = await fetch(path, { headers: { Accept: "application/json, application/problem+json" }, credentials: "omit", signal });
  } catch (err) {
    if (err.name === "AbortError") throw err;
    throw new ApiError(0, { title: "Servizio non raggiungibile", detail: String(err) });
  }
  const data = await res.json().catch(() => null);
  if (!res.ok) throw new ApiError(res.status, data || {});
  return data;
}

/** search calls GET /v1/open-data/search with params (q, region, province, legalForm, cursor, limit). */
export function search(params, signal) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v) q.set(k, v);
  return publicGet(`/v1/open-data/search?${q}`, signal);
}

let facets;

/** facets returns the regions, provinces and legal forms of the list (read once). */
export async function loadFacets() {
  facets ??= search({ limit: "1" }).then((r) => r.facets).catch((e) => {
    facets = undefined;
    throw e;
  });
  return facets;
}

/** label returns a facet's name in lang ({it, en}), or its code. */
export function label(list, code, lang) {
  const f = list?.find((x) => x.code === code);
  return (f && (f.name[lang] || f.name.it)) || code;
}
