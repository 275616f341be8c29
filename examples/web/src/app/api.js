// The app's one way to call the service: same-origin fetch (the Go server
// adds the logged-in person's token), JSON in and out, RFC 9457 problems as
// thrown ApiError values, Idempotency-Key on writing POSTs, If-Match when an
// ETag is given, Registro-Entity when the person acts for a body.

/** ApiError is a problem answered by the service (or a network failure). */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem || {};
  }
  /** The field problems (each with instancePath, keyword, code, message). */
  get errors() {
    return Array.isArray(this.problem.errors) ? this.problem.errors : [];
  }
}

let actingFor = "";

/** actAs sets the body (register ID) the person acts for; "" for none. */
export function actAs(entityID) {
  actingFor = entityID || "";
}

/** acting returns the body the person acts for, or "". */
export function acting() {
  return actingFor;
}

/**
 * api calls the service. opts: {method, body (JSON-encoded unless FormData
 * or string), etag (If-Match), lang (Accept-Language), idempotencyKey,
 * raw (return the Response)}. It returns {data, etag, status, location}.
 */
export async function api(path, opts = {}) {
  const method = opts.method || "GET";
  const headers = { Accept: "application/json, application/problem+json" };
  if (opts.lang) headers["Accept-Language"] = opts.lang;
  if (actingFor) headers["Registro-Entity"] = actingFor;
  if (opts.etag) headers["If-Match"] = opts.etag;
  let body = opts.body;
  if (body !== undefined && !(body instanceof FormData) && typeof body !== "string") {
    body = JSON.stringify(body);
  }
  if (typeof body === "string") headers["Content-Type"] = opts.contentType || "application/json";
  if (method === "POST" && opts.idempotencyKey !== false) {
    headers["Idempotency-Key"] = opts.idempotencyKey || crypto.randomUUID();
  }
  let res;
  try {
    res = await fetch(path, { method, headers, body, credentials: "same-origin" });
  } catch (err) {
    throw new ApiError(0, { title: "Servizio non raggiungibile", detail: String(err) });
  }
  if (opts.raw) return res;
  const type = res.headers.get("Content-Type") || "";
  const data = type.includes("json") ? await res.json().catch(() => null) : await res.text();
  if (!res.ok) throw new ApiError(res.status, typeof data === "object" ? data : { detail: data });
  return { data, etag: res.headers.get("ETag"), status: res.status, location: res.headers.get("Location") };
}
