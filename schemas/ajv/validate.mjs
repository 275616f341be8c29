// AJV side of the validation benchmark (see bench.sh): validates an NDJSON
// file of questionnaires line by line, as `registro validate --format
// ndjson` does, and writes one result per line.
//
// Usage: node validate.mjs SCHEMA_DIR YEAR FILE.ndjson > results.ndjson
//
// AJV 8 (ajv/dist/2020, strict mode, allErrors, ajv-formats) compiles the
// published English schemas under SCHEMA_DIR/en (questionnaire-YEAR.json and
// the schemas it may reference) once, then reads FILE one line at a time
// (memory does not grow with the file) and writes, for each non-blank line,
// {"line": N, "valid": bool, "errors": [ErrorObject…]}. A summary goes to
// stderr: documents, valid, invalid, errors. Exits 1 when any document is
// invalid, as registro validate does.
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { createReadStream, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";

const [dir, year, file] = process.argv.slice(2);
if (!dir || !year || !file) {
  console.error("usage: node validate.mjs SCHEMA_DIR YEAR FILE.ndjson");
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
if (!target) {
  console.error(`validate.mjs: no schema questionnaire-${year}.json under ${dir}/en`);
  process.exit(2);
}
const validate = ajv.getSchema(target);

// out buffers results and honours the stream's back-pressure, so that a
// slow reader of stdout does not make memory grow.
let buf = [];
let bufLen = 0;
async function out(s) {
  buf.push(s);
  bufLen += s.length;
  if (bufLen < 1 << 16) return;
  await flush();
}
async function flush() {
  const chunk = buf.join("");
  buf = [];
  bufLen = 0;
  if (!process.stdout.write(chunk)) {
    await new Promise((resolve) => process.stdout.once("drain", resolve));
  }
}

let n = 0;
let docs = 0;
let invalid = 0;
let errors = 0;
const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
for await (const line of lines) {
  n++;
  if (line.trim() === "") continue;
  docs++;
  let doc;
  try {
    doc = JSON.parse(line);
  } catch (e) {
    invalid++;
    errors++;
    await out(JSON.stringify({ line: n, valid: false, errors: [{ keyword: "json", message: e.message }] }) + "\n");
    continue;
  }
  const valid = validate(doc);
  if (!valid) {
    invalid++;
    errors += validate.errors.length;
  }
  await out(JSON.stringify({ line: n, valid, errors: valid ? [] : validate.errors }) + "\n");
}
await flush();
console.error(`validate.mjs: ${docs} documents, ${docs - invalid} valid, ${invalid} invalid, ${errors} errors`);
process.exitCode = invalid > 0 ? 1 : 0;
