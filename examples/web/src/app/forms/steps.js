// The annual report and the application in steps, and the server's
// problems placed on the step and field they are about.

import { resolve } from "./schema.js";

/**
 * pointerTokens splits a JSON Pointer (RFC 6901) into its tokens.
 * @param {string} pointer
 */
export function pointerTokens(pointer) {
  if (!pointer) return [];
  return pointer.replace(/^\//, "").split("/").map((t) => t.replaceAll("~1", "/").replaceAll("~0", "~"));
}

/**
 * fieldTokens returns the tokens of the field a problem is about: its
 * instancePath and the property it names (a missing, unknown or
 * disallowed one), as the service's schemas.FieldPointer does.
 */
export function fieldTokens(p) {
  const t = pointerTokens(p.instancePath ?? p.pointer ?? "");
  const name = p.params?.missingProperty ?? p.params?.additionalProperty ?? p.params?.property;
  if (typeof name === "string" && name !== "") t.push(name);
  return t;
}

/**
 * reportSteps splits an annual report into steps: the body (with the filer
 * and the sections), the list of projects, each project, the Section II
 * block when the body reports for Section II, the Ukrainian focus, and the
 * review. Each step is {id, kind, keys (top-level properties) or index (a
 * project)}.
 * @param {object} doc the report as filled so far
 */
export function reportSteps(doc) {
  const steps = [{ id: "ente", kind: "keys", keys: ["reportingYear", "sections", "body", "filer", "branches"] }];
  steps.push({ id: "progetti", kind: "projects" });
  const projects = Array.isArray(doc?.projects) ? doc.projects : [];
  projects.forEach((_, i) => steps.push({ id: `progetto-${i + 1}`, kind: "project", index: i }));
  if (Array.isArray(doc?.sections) && doc.sections.includes("II")) steps.push({ id: "sezione-ii", kind: "keys", keys: ["sectionII"] });
  steps.push({ id: "ucraina", kind: "keys", keys: ["ukraineFocus"] });
  steps.push({ id: "riepilogo", kind: "review" });
  return steps;
}

/**
 * applicationSteps splits an application into steps over its top-level
 * properties; the attachments get a step of their own (the files), and the
 * review ends.
 */
export function applicationSteps(schema) {
  const has = (k) => schema?.properties && k in schema.properties;
  const groups = [
    { id: "sezioni", keys: ["sections", "date"] },
    { id: "dati-ente", keys: ["body"], sub: ["taxCode", "name", "legalForm", "qualifications", "legalNature", "seat", "seatCountry", "pec", "email", "phone", "website", "national", "otherRegisters"] },
    { id: "persone", keys: ["body"], sub: ["legalRepresentative", "members"] },
    { id: "statuto", keys: ["body"], sub: ["statute"] },
    { id: "attivita", keys: ["activities", "branches"] },
    { id: "sezione-ii", keys: ["programme", "housing", "partnership", "gdpr", "declaredAbsent"] },
    { id: "dichiarazioni", keys: ["declarations", "signature"] },
  ];
  const out = groups.map((g) => ({ ...g, kind: "keys", keys: g.keys.filter(has) })).filter((g) => g.keys.length);
  out.push({ id: "allegati", kind: "attachments" }, { id: "riepilogo", kind: "review" });
  return out;
}

/**
 * stepOf returns the index of the step a problem's field belongs to (the
 * review step when none: a problem of the whole document).
 */
export function stepOf(steps, tokens) {
  const review = steps.findIndex((s) => s.kind === "review");
  const [head, second] = tokens;
  for (let i = 0; i < steps.length; i++) {
    const s = steps[i];
    if (s.kind === "project" && head === "projects" && second === String(s.index)) return i;
    if (s.kind === "projects" && head === "projects" && tokens.length < 2) return i;
    if (s.kind === "attachments" && head === "attachments") return i;
    if (s.kind === "keys" && s.keys.includes(head) && (!s.sub || tokens.length < 2 || s.sub.includes(second))) {
      return i;
    }
  }
  if (head === "projects") return steps.findIndex((s) => s.kind === "projects");
  return review >= 0 ? review : steps.length - 1;
}

/**
 * placeProblems groups problems by step: {stepIndex: [{tokens (relative
 * to the step's form data), problem}]}. A project's tokens drop
 * "projects/N"; a keys step keeps them (its form data is the document's
 * slice).
 */
export function placeProblems(steps, problems) {
  const out = {};
  for (const p of problems ?? []) {
    const tokens = fieldTokens(p);
    const i = stepOf(steps, tokens);
    const rel = steps[i]?.kind === "project" ? tokens.slice(2) : tokens;
    (out[i] ??= []).push({ tokens: rel, problem: p });
  }
  return out;
}

/**
 * errorSchema builds rjsf's extraErrors from placed problems: a nested
 * object following the data, messages under "__errors", in lang.
 */
export function errorSchema(placed, lang) {
  const root = {};
  for (const { tokens, problem } of placed ?? []) {
    let node = root;
    for (const t of tokens) {
      if (!Object.hasOwn(node, t)) Object.defineProperty(node, t, { value: {}, enumerable: true, writable: true, configurable: true });
      node = node[t];
    }
    if (!Object.hasOwn(node, "__errors")) node.__errors = [];
    node.__errors.push(problemText(problem, lang));
  }
  return root;
}

/** problemText is a problem's message in lang. */
export function problemText(p, lang) {
  return p.messages?.[lang] || p.message || p.code || "?";
}

/**
 * stepSchema returns the schema of a step: an object of the step's
 * top-level properties (and, for a sub step, of the picked properties of
 * that one object), or a project. $defs come along so that $refs resolve.
 */
export function stepSchema(root, step) {
  const top = resolve(root, root);
  if (step.kind === "project") {
    const items = resolve(root, resolve(root, top.properties.projects).items);
    return { ...items, $defs: root.$defs };
  }
  const props = {};
  const required = [];
  for (const k of step.keys) {
    let p = resolve(root, top.properties[k]);
    if (step.sub && p.properties) {
      const sub = {};
      for (const n of step.sub) if (n in p.properties) sub[n] = p.properties[n];
      p = { ...p, properties: sub, required: (p.required || []).filter((n) => n in sub) };
    }
    props[k] = p;
    if ((top.required || []).includes(k)) required.push(k);
  }
  return { type: "object", properties: props, required, $defs: root.$defs };
}

/** stepData returns the part of doc a step edits. */
export function stepData(doc, step) {
  if (step.kind === "project") return doc?.projects?.[step.index] ?? {};
  const out = {};
  for (const k of step.keys) {
    if (doc?.[k] === undefined) continue;
    out[k] = step.sub && doc[k] && typeof doc[k] === "object" ? pick(doc[k], step.sub) : doc[k];
  }
  return out;
}

/** mergeStep returns doc with a step's data put back. */
export function mergeStep(doc, step, data) {
  const next = { ...doc };
  if (step.kind === "project") {
    const projects = [...(doc.projects ?? [])];
    projects[step.index] = data ?? {};
    next.projects = projects;
    return next;
  }
  for (const k of step.keys) {
    if (step.sub) {
      const kept = { ...(doc[k] ?? {}) };
      for (const n of step.sub) delete kept[n];
      next[k] = { ...kept, ...(data?.[k] ?? {}) };
    } else if (data?.[k] === undefined) {
      delete next[k];
    } else {
      next[k] = data[k];
    }
  }
  return next;
}

function pick(o, keys) {
  const out = {};
  for (const k of keys) if (o[k] !== undefined) out[k] = o[k];
  return out;
}

/**
 * fieldTitle returns the titles along tokens in schema (a step's), for
 * people: "Fondi › 1 › Importo" rather than "funds/0/amountCents". A token
 * the schema does not describe is kept as it is.
 */
export function fieldTitle(root, schema, tokens) {
  const out = [];
  let s = resolve(root, schema);
  for (const tok of tokens) {
    if (/^\d+$/.test(tok) && (s.items || s.type === "array")) {
      out.push(String(Number(tok) + 1));
      s = resolve(root, s.items ?? {});
      continue;
    }
    const p = s.properties?.[tok];
    if (!p) {
      out.push(tok);
      s = {};
      continue;
    }
    s = resolve(root, p);
    out.push(s.title ?? tok);
  }
  return out.join(" › ");
}

/** problemSchema is the schema a step's problems are named in: the step's, or the whole document's. */
export function problemSchema(root, step) {
  if (!root || !step) return undefined;
  if (step.kind === "project" || step.kind === "keys") return stepSchema(root, step);
  return resolve(root, root);
}
