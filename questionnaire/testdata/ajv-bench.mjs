// AJV's side of BenchmarkCorpus (bench_test.go): the time AJV 8 takes per
// document on the same NDJSON files.
//
// Usage (after npm ci --prefix schemas/ajv, from the repository root):
//
//	go test -cpu 1 -run '^$' -bench BenchmarkCorpus -benchtime 1x ./questionnaire -args -corpus=DIR
//	node questionnaire/testdata/ajv-bench.mjs DIR/valid.ndjson DIR/invalid.ndjson
//
// AJV runs as in schemas/ajv/check.mjs (draft 2020-12, strict, allErrors,
// ajv-formats) on the published English schema of 2024. Each document is
// JSON.parse'd and validated, as the Go pipeline decodes and validates
// bytes; the errors are kept (read), not printed. For each file it prints
// the wall-clock and the process CPU time (user and system) per document,
// over passes repeated for at least three seconds of CPU after one warm-up
// pass.
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";

const require = createRequire(new URL("../../schemas/ajv/package.json", import.meta.url));
const Ajv2020 = require("ajv/dist/2020.js").default;
const addFormats = require("ajv-formats").default;

const schemaFile = new URL("../../schemas/v1/en/questionnaire-2024.json", import.meta.url);
const ajv = new Ajv2020({ strict: true, allErrors: true });
addFormats(ajv);
const dir = new URL("../../schemas/v1/en/", import.meta.url);
for (const n of ["questionnaire-2024.json"]) ajv.addSchema(JSON.parse(readFileSync(new URL(n, dir), "utf8")));
const validate = ajv.getSchema(JSON.parse(readFileSync(schemaFile, "utf8")).$id);

for (const file of process.argv.slice(2)) {
  const lines = readFileSync(file, "utf8").split("\n").filter((l) => l.length > 0);
  let rejected = 0;
  let errors = 0;
  const pass = () => {
    rejected = 0;
    errors = 0;
    for (const l of lines) {
      let doc;
      try {
        doc = JSON.parse(l);
      } catch {
        rejected++;
        errors++;
        continue;
      }
      if (!validate(doc)) {
        rejected++;
        errors += validate.errors.length;
      }
    }
  };
  pass();
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  let passes = 0;
  for (;;) {
    pass();
    passes++;
    const c = process.cpuUsage(cpu0);
    if (c.user + c.system > 3e6 && passes >= 3) break;
  }
  const cpu = process.cpuUsage(cpu0);
  const wall = Number(process.hrtime.bigint() - t0) / 1e3;
  const n = passes * lines.length;
  console.log(
    JSON.stringify({
      file,
      docs: lines.length,
      rejected,
      errors,
      passes,
      "µs/doc": +(wall / n).toFixed(1),
      "cpu-µs/doc": +((cpu.user + cpu.system) / n).toFixed(1),
    }),
  );
}
