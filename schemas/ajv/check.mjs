// AJV cross-check for Registro's JSON Schemas.
//
// Usage: node check.mjs SCHEMA_DIR [CASES.json]
//
// Compiles every schema under SCHEMA_DIR/{en,it}/*.json with AJV 8
// (ajv/dist/2020, strict mode, ajv-formats) and, when CASES.json is given
// ([{"schema": "questionnaire-2024", "file": "/abs/path.json"}, …]),
// validates each file against its schema. Prints one JSON object on stdout:
// {"compiled": ["en/problem", …], "verdicts": [{"schema", "file", "valid", "errors"}]}.
// Exits 1 when a schema does not compile (the message names it).
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";

const [dir, casesFile] = process.argv.slice(2);
if (!dir) {
  console.error("usage: node check.mjs SCHEMA_DIR [CASES.json]");
  process.exit(2);
}

function newAjv() {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  addFormats(ajv);
  return ajv;
}

const compiled = [];
const validators = {};
for (const lang of ["en", "it"]) {
  const ajv = newAjv();
  const names = readdirSync(join(dir, lang)).filter((f) => f.endsWith(".json")).sort();
  const docs = names.map((f) => [f.slice(0, -5), JSON.parse(readFileSync(join(dir, lang, f), "utf8"))]);
  for (const [, s] of docs) ajv.addSchema(s);
  for (const [name, s] of docs) {
    let validate;
    try {
      validate = ajv.getSchema(s.$id);
      if (!validate) throw new Error("no schema with $id " + s.$id);
    } catch (e) {
      console.error(`ajv: ${lang}/${name}: ${e.message}`);
      process.exit(1);
    }
    compiled.push(`${lang}/${name}`);
    validators[`${lang}/${name}`] = validate;
  }
}

const verdicts = [];
if (casesFile) {
  const cases = JSON.parse(readFileSync(casesFile, "utf8"));
  for (const c of cases) {
    for (const lang of ["en", "it"]) {
      const validate = validators[`${lang}/${c.schema}`];
      if (!validate) {
        console.error(`ajv: no schema ${lang}/${c.schema} for ${c.file}`);
        process.exit(1);
      }
      let doc;
      try {
        doc = JSON.parse(readFileSync(c.file, "utf8"));
      } catch (e) {
        verdicts.push({ schema: c.schema, lang, file: c.file, valid: false, errors: [{ keyword: "json", message: e.message }] });
        continue;
      }
      const valid = validate(doc);
      verdicts.push({ schema: c.schema, lang, file: c.file, valid, errors: valid ? [] : validate.errors });
    }
  }
}
process.stdout.write(JSON.stringify({ compiled, verdicts }) + "\n");
