// Server problems → react-jsonschema-form extraErrors.
//
// The service answers with problems in AJV's ErrorObject shape plus a stable
// code and the message in Italian and English (see README "Using the schemas
// from a front-end"). The field a problem is about is its instancePath plus
// params.missingProperty (a missing field), params.additionalProperty (an
// unknown field) or params.property (a field not allowed in this case) — the
// same rule as schemas.FieldPointer in Go.

/**
 * Splits a JSON Pointer (RFC 6901) into its unescaped tokens.
 * @param {string} pointer "" or "/a/0/b~1c"
 * @returns {string[]}
 */
export function pointerTokens(pointer) {
  if (!pointer) return [];
  if (!pointer.startsWith("/")) throw new Error(`not a JSON Pointer: ${JSON.stringify(pointer)}`);
  return pointer
    .slice(1)
    .split("/")
    .map((t) => t.replaceAll("~1", "/").replaceAll("~0", "~"));
}

/**
 * The tokens of the field a problem is about.
 * @param {{instancePath: string, params?: Record<string, unknown>}} p
 * @returns {string[]}
 */
export function fieldTokens(p) {
  const tokens = pointerTokens(p.instancePath);
  const name = p.params?.missingProperty ?? p.params?.additionalProperty ?? p.params?.property;
  if (typeof name === "string" && name !== "") tokens.push(name);
  return tokens;
}

/**
 * The message of a problem in lang, falling back to AJV's English message.
 * @param {{message?: string, messages?: Record<string, string>}} p
 * @param {"it"|"en"} lang
 */
export function problemMessage(p, lang) {
  return p.messages?.[lang] || p.message || p.code || "?";
}

/**
 * Builds rjsf's extraErrors (an ErrorSchema): a nested object that follows the
 * document, array indexes as keys, messages under "__errors". An unknown
 * field's problem (keyword additionalProperties) goes to the object that holds
 * it, as rjsf places AJV's own; problems of the whole document go under the
 * root's "__errors".
 * @param {Array<object>} problems the server's problem list
 * @param {"it"|"en"} lang
 * @returns {object} e.g. {"projects": {"0": {"funds": {"__errors": ["…"]}}}}
 */
export function toExtraErrors(problems, lang) {
  const root = {};
  for (const p of problems ?? []) {
    let node = root;
    // An unknown field, or one of other years, has no field in the form: its
    // problem goes to the object that holds it (its message names the field).
    const tokens = p.keyword === "additionalProperties" ? pointerTokens(p.instancePath) : fieldTokens(p);
    for (const t of tokens) {
      // Own properties only: a field named "__proto__" must not reach the prototype.
      if (!Object.hasOwn(node, t)) Object.defineProperty(node, t, { value: {}, enumerable: true, writable: true, configurable: true });
      node = node[t];
    }
    if (!Object.hasOwn(node, "__errors")) node.__errors = [];
    node.__errors.push(problemMessage(p, lang));
  }
  return root;
}
