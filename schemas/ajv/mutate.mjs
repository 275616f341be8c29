// Invalid documents for the validation benchmark (see bench.sh): reads an
// NDJSON file of valid questionnaires and writes each with one mutation that
// the published schema rejects.
//
// Usage: node mutate.mjs SCHEMA_DIR YEAR [SEED] < valid.ndjson > invalid.ndjson
//
// A mutation changes one place of the document, chosen at random (a seeded
// generator: the same input and seed give the same output): an object gains
// an unknown property or loses one of its properties, an array is emptied or
// gets its first item twice, a string becomes a number, "", an impossible
// date, a malformed e-mail or 301 characters, a number becomes negative,
// fractional, a string, null or huge, a boolean a string. A mutant the
// schema (AJV 8, allErrors) still accepts is drawn again, so every output
// line is invalid; the summary on stderr counts the draws.
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";

const [dir, year, seedArg] = process.argv.slice(2);
if (!dir || !year) {
  console.error("usage: node mutate.mjs SCHEMA_DIR YEAR [SEED] < valid.ndjson > invalid.ndjson");
  process.exit(2);
}
const ajv = new Ajv2020({ strict: true, allErrors: true });
addFormats(ajv);
let target;
for (const f of readdirSync(join(dir, "en")).filter((f) => f.endsWith(".json")).sort()) {
  const s = JSON.parse(readFileSync(join(dir, "en", f), "utf8"));
  ajv.addSchema(s);
  if (f === `questionnaire-${year}.json`) target = s.$id;
}
const validate = ajv.getSchema(target);

// mulberry32: a small seeded generator.
let state = Number(seedArg ?? 1) >>> 0;
function rand() {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = (a) => a[Math.floor(rand() * a.length)];

// sites lists every place of doc as [parent, key, value] (the root has no
// parent).
function sites(v, parent, key, acc) {
  acc.push([parent, key, v]);
  if (Array.isArray(v)) v.forEach((x, i) => sites(x, v, i, acc));
  else if (v !== null && typeof v === "object") for (const k of Object.keys(v)) sites(v[k], v, k, acc);
  return acc;
}

// mutateOnce changes one place of doc (in place).
function mutateOnce(doc) {
  const [parent, key, v] = pick(sites(doc, null, null, []));
  const set = (nv) => (parent === null ? null : (parent[key] = nv));
  if (Array.isArray(v)) {
    if (v.length > 0 && rand() < 0.5) v.push(structuredClone(v[0]));
    else v.length = 0;
  } else if (v !== null && typeof v === "object") {
    const keys = Object.keys(v);
    if (keys.length > 0 && rand() < 0.5) delete v[pick(keys)];
    else v.zzUnknown = true;
  } else if (typeof v === "string") {
    set(pick([7, "", "2024-02-30", "x@", "a".repeat(301)]));
  } else if (typeof v === "number") {
    set(pick([-1, 1.5, String(v), null, 1e15]));
  } else if (typeof v === "boolean") {
    set(String(v));
  } else {
    set(7);
  }
}

let docs = 0;
let draws = 0;
let kept = 0;
const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
const outBuf = [];
for await (const line of lines) {
  if (line.trim() === "") continue;
  docs++;
  let mutant;
  for (let i = 0; i < 50; i++) {
    draws++;
    const m = JSON.parse(line);
    mutateOnce(m);
    if (!validate(m)) {
      mutant = m;
      break;
    }
  }
  if (!mutant) {
    console.error(`mutate.mjs: document ${docs}: no rejected mutant in 50 draws`);
    process.exit(1);
  }
  kept++;
  outBuf.push(JSON.stringify(mutant) + "\n");
  if (outBuf.length >= 256) {
    if (!process.stdout.write(outBuf.join(""))) await new Promise((r) => process.stdout.once("drain", r));
    outBuf.length = 0;
  }
}
process.stdout.write(outBuf.join(""));
console.error(`mutate.mjs: ${kept} of ${docs} documents mutated (${draws} draws)`);
