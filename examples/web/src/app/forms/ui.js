// The uiSchema of a step, derived from its schema: no field is named by
// hand but by what it holds — amounts in cents, ISTAT places, code lists.
import { isCodeList, resolve } from "./schema.js";

const regionPattern = "^(0[1-9]|1[0-9]|2[0-2])$";

/**
 * uiFor returns the uiSchema of schema (whose $refs resolve against root).
 * @param {object} root
 * @param {object} schema
 */
export function uiFor(root, schema) {
  const walk = (node, name, depth) => {
    const s = resolve(root, node);
    if (depth > 24) return undefined;
    if ((s.type === "integer" || s.type === "number") && /Cents$/.test(name ?? "")) return { "ui:widget": "euro" };
    if (s.type === "string" && s.pattern === regionPattern) return { "ui:widget": "region" };
    if (s.const !== undefined) return { "ui:readonly": true };
    if (s.type === "string" && s.maxLength > 300) return { "ui:widget": "textarea" };
    if (s.type === "array" || s.items) {
      const items = resolve(root, s.items);
      if (items.type === "string" && items.pattern === regionPattern) return { "ui:field": "places", "ui:options": { kind: "regions" } };
      if (items.type === "string" && items.pattern === "^[A-Z]{2}$" && /province/i.test(name ?? "")) return { "ui:field": "places", "ui:options": { kind: "provinces" } };
      if (s.uniqueItems && isCodeList(items)) return { "ui:widget": "checkboxes" };
      const inner = walk(s.items, "", depth + 1);
      return inner ? { items: inner } : undefined;
    }
    if (s.properties) {
      if (s.properties.region && s.properties.province && s.properties.comune) return { "ui:field": "address" };
      const out = {};
      for (const [k, p] of Object.entries(s.properties)) {
        const u = walk(p, k, depth + 1);
        if (u) out[k] = u;
      }
      return Object.keys(out).length ? out : undefined;
    }
    return undefined;
  };
  return walk(schema, "", 0) ?? {};
}
