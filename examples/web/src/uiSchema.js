// Code lists that take several answers — arrays of codes with uniqueItems,
// such as the sections, the sectors or the funding sources' kinds — read
// better as groups of checkboxes than as multi-select boxes. The published
// schemas mark exactly those arrays with uniqueItems and items that are a
// code list (enum, or oneOf of const + title), so the uiSchema is derived
// from the schema itself: no field is named by hand.

/**
 * Resolves a local $ref ("#/$defs/name") against root.
 * @param {object} root
 * @param {object} s
 * @returns {object}
 */
function resolve(root, s) {
  let seen = 0;
  while (s && typeof s.$ref === "string" && s.$ref.startsWith("#/") && seen++ < 32) {
    let t = root;
    for (const tok of s.$ref.slice(2).split("/")) {
      t = t?.[tok.replaceAll("~1", "/").replaceAll("~0", "~")];
    }
    s = t;
  }
  return s ?? {};
}

/** @param {object} s */
function isCodeList(s) {
  return Array.isArray(s.enum) || (Array.isArray(s.oneOf) && s.oneOf.length > 0 && s.oneOf.every((o) => o && "const" in o));
}

/**
 * Returns the uiSchema that shows every array of distinct codes in schema as
 * checkboxes, nested as the properties and items are.
 * @param {object} schema a published JSON Schema (draft 2020-12)
 * @returns {object}
 */
export function checkboxUiSchema(schema) {
  const walk = (node, depth) => {
    const s = resolve(schema, node);
    if (depth > 16) return undefined;
    if (s.type === "array" || s.items) {
      const items = resolve(schema, s.items);
      if (s.uniqueItems && isCodeList(items)) return { "ui:widget": "checkboxes" };
      const inner = walk(s.items, depth + 1);
      return inner ? { items: inner } : undefined;
    }
    if (s.properties) {
      const out = {};
      for (const [name, p] of Object.entries(s.properties)) {
        const u = walk(p, depth + 1);
        if (u) out[name] = u;
      }
      return Object.keys(out).length ? out : undefined;
    }
    return undefined;
  };
  return walk(schema, 0) ?? {};
}
