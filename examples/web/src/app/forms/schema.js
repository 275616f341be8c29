// Published JSON Schemas → what a form shows. The schemas are written for
// programs as much as for people: option descriptions name the code list
// («Codice "own" dell'elenco …»), help texts give formats the widgets make
// needless ("AAAA-MM-GG", "in centesimi", "codice ISTAT"). The form shows
// titles, the useful help, and widgets that speak names and euros.

/** resolve follows local $refs ("#/$defs/x") of root from s. */
export function resolve(root, s) {
  let seen = 0;
  while (s && typeof s.$ref === "string" && s.$ref.startsWith("#/") && seen++ < 32) {
    const { $ref, ...rest } = s;
    let t = root;
    for (const tok of $ref.slice(2).split("/")) t = t?.[tok.replaceAll("~1", "/").replaceAll("~0", "~")];
    s = { ...t, ...rest };
  }
  return s ?? {};
}

/** isCodeList reports whether s is a list of codes (enum or oneOf consts). */
export function isCodeList(s) {
  return Array.isArray(s?.enum) || (Array.isArray(s?.oneOf) && s.oneOf.length > 0 && s.oneOf.every((o) => o && "const" in o));
}

// Help texts that only speak to programs: dropped from the form.
const internalHelp = [
  /\(?\s*(AAAA-MM-GG|YYYY-MM-DD)\s*\)?/g,
  /\s*\((\d+ cifre, )?"[^"]*"\)/g, // ("058091"), (6 cifre, "058091")
  /\s*\(\s*"?[A-Z]{2}"?\s*\)/g,
];

/**
 * cleanHelp returns a description fit for people, or "" when what is left
 * is only about codes or formats.
 * @param {string|undefined} text
 */
export function cleanHelp(text) {
  if (!text) return "";
  if (/^Codice «[^»]*» dell'elenco|^Code "[^"]*" of the list|^Code «[^»]*» of the/i.test(text)) return "";
  if (/codice ISTAT|ISTAT code|in centesimi|in euro cents|La sigla della provincia|The province'?s? (sigla|code)|ISO 3166|«[a-z]+_[a-z_]+»|"[a-z]+_[a-z_]+"/i.test(text)) return "";
  let s = text;
  for (const re of internalHelp) s = s.replace(re, "");
  return s.replace(/\s+([;.,])/g, "$1").trim();
}

/**
 * cleanSchema returns schema with every description fit for people (see
 * cleanHelp): the options of code lists keep only their titles. $id and
 * $schema are dropped (the form compiles pieces of one schema).
 */
export function cleanSchema(schema) {
  const walk = (n, depth) => {
    if (depth > 64 || n === null || typeof n !== "object") return n;
    if (Array.isArray(n)) return n.map((x) => walk(x, depth + 1));
    const out = {};
    for (const [k, v] of Object.entries(n)) {
      if ((k === "$id" || k === "$schema" || k === "$comment") && typeof v === "string") continue;
      if (k === "description" && typeof v === "string") {
        const d = cleanHelp(v);
        if (d) out.description = d;
        continue;
      }
      out[k] = walk(v, depth + 1);
    }
    return out;
  };
  return walk(schema, 0);
}

// The fields the register fills in, never the applicant.
const serverFields = {
  root: ["id", "version", "entityId", "receipt", "channel"],
  body: ["id", "version", "enrolments", "referents", "formerRepresentatives", "legalRepresentativeSince", "branchOf", "branches"],
};

/** applicationSchema returns the application schema without the fields the register fills in. */
export function applicationSchema(schema) {
  const s = cleanSchema(schema);
  const root = resolve(s, s);
  const app = { ...root, properties: { ...root.properties } };
  for (const k of serverFields.root) delete app.properties[k];
  const body = resolve(s, app.properties.body);
  const bp = { ...body.properties };
  for (const k of serverFields.body) delete bp[k];
  app.properties.body = { ...body, properties: bp, required: (body.required || []).filter((k) => k in bp) };
  app.required = (app.required || []).filter((k) => k in app.properties);
  delete app.$ref;
  return { ...app, $defs: s.$defs };
}
