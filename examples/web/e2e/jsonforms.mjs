// End-to-end test of the JSON Forms page (jsonforms.html) in Debian's
// Chromium, driven by playwright-core. Run by TestBrowser (main_test.go),
// which starts the Go server; by hand:
//
//   go run ./examples/web --dist examples/web/dist --addr 127.0.0.1:8090 &
//   node examples/web/e2e/jsonforms.mjs --url http://127.0.0.1:8090/ --repo . --shots /tmp
//
// With the vanilla and the material renderers it checks that every year's
// questionnaire and the application render every top-level field with no
// "No applicable renderer/cell" warning; that in the 2024 questionnaire the
// Section II block shows only for a Section II report; and that an invalid
// document shows each kind of problem — required, type, wrong code, unknown
// field — from the browser (ajv-i18n) and from the server next to its field
// (the unknown field, which has no field in the form, in the list above it),
// in Italian and in English. It exits 1 at the first failed check.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { chromium } from "playwright-core";

const { values: opt } = parseArgs({
  options: {
    url: { type: "string" },
    repo: { type: "string", default: "." },
    shots: { type: "string" },
    chromium: { type: "string", default: process.env.CHROMIUM || "/usr/bin/chromium" },
    timeout: { type: "string", default: "200" },
  },
});
if (!opt.url) {
  console.error("usage: node jsonforms.mjs --url http://HOST:PORT/ [--repo DIR] [--shots DIR] [--chromium PATH] [--timeout S]");
  process.exit(2);
}
const readJSON = async (...p) => JSON.parse(await readFile(join(opt.repo, ...p), "utf8"));
const schemaOf = (name, lang) => readJSON("schemas", "v1", lang, `${name}.json`);
const NAMES = ["application", ...[2019, 2020, 2021, 2022, 2023, 2024, 2025].map((y) => `questionnaire-${y}`)];

let step = "start";
const watchdog = setTimeout(() => {
  console.error(`FAIL: timed out after ${opt.timeout}s at step: ${step}`);
  process.exit(1);
}, Number(opt.timeout) * 1000);
function check(cond, what, detail = "") {
  if (!cond) throw new Error(`${what}${detail ? `\n  ${detail}` : ""}`);
  console.log(`ok - ${what}`);
}

const browser = await chromium.launch({
  executablePath: opt.chromium,
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
let failed = false;
const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
const warnings = [];
page.on("pageerror", (e) => warnings.push(e.message));
page.on("console", (m) => (m.type() === "error" || m.type() === "warning") && warnings.push(m.text()));
const open = async (name, renderers, lang) => {
  warnings.length = 0;
  await page.goto(new URL(`jsonforms.html?schema=${name}&renderers=${renderers}&lang=${lang}`, opt.url).href);
  const schema = await schemaOf(name, lang);
  await page.locator("h1", { hasText: schema.title }).waitFor();
  await page.locator("main form, main .vertical-layout, main .MuiGrid-root, main .MuiStack-root").first().waitFor();
  return schema;
};
// The control of the field at a JSON Forms scope: the nearest element around
// its input that holds the field's messages (vanilla's div.validation, MUI's
// helper text).
const control = (scope) => page.locator(`[id="${scope}"], [id="${scope}-input"]`).first()
  .locator("xpath=ancestor-or-self::*[.//*[contains(@class,'validation') or contains(@class,'MuiFormHelperText-root')]][1]");

try {
  page.setDefaultTimeout(20000);
  for (const renderers of ["vanilla", "material"]) {
    for (const name of NAMES) {
      step = `${renderers} ${name}`;
      const schema = await open(name, renderers, "it");
      const root = schema.$defs[schema.$ref.slice("#/$defs/".length)];
      const text = await page.locator("main").innerText();
      // A field's label: its own title, its definition's, or (an array of
      // objects) its item's. Conditional blocks are hidden on an empty form.
      const def = (s) => (s?.$ref ? schema.$defs[s.$ref.slice("#/$defs/".length)] : s);
      const conditional = new Set((schema.allOf || []).flatMap((b) => b.else?.not?.required ?? b.then?.not?.required ?? []));
      const missing = Object.entries(root.properties)
        .filter(([p]) => !conditional.has(p))
        .filter(([, s]) => ![s.title, def(s)?.title, def(s.items)?.title].some((t) => t && text.includes(t)))
        .map(([p]) => p);
      check(missing.length === 0, `${renderers}: ${name} renders every top-level field`, `missing: ${missing.join(", ")}`);
      check(!/No applicable/.test(text) && !warnings.some((w) => /No applicable/.test(w)),
        `${renderers}: ${name} has no "No applicable renderer/cell"`, warnings.join("\n  "));
    }

    step = `${renderers}: conditional block`;
    const example = await readJSON("schemas", "testdata", "examples", "questionnaire-2024", "valid-section-i.json");
    const schema = await open("questionnaire-2024", renderers, "it");
    const block = schema.$defs["questionnaire.SectionIIProgramme"].title;
    const apply = async (doc) => {
      await page.click("details.json summary");
      await page.fill("#json", JSON.stringify(doc));
      await page.click("#apply-json");
      await page.click("details.json summary");
    };
    await apply(example);
    await page.waitForTimeout(300);
    check(!(await page.locator("main").innerText()).includes(block), `${renderers}: Section II block hidden for a Section I report`);
    await apply({ ...example, sections: ["I", "II"] });
    await page.locator(`text=${block}`).first().waitFor();
    check(true, `${renderers}: Section II block shown for a Section II report`);

    step = `${renderers}: invalid document`;
    const bad = structuredClone(example);
    delete bad.body.name; // required
    bad.body.registerId = 12; // type
    bad.body.legalForm = "zzz"; // wrong code
    bad.body.extra = 1; // unknown field
    await apply(bad);
    // The server's answer, to find each of its messages on the page.
    const verdict = async () => {
      const res = page.waitForResponse((r) => r.url().includes("/v1/questionnaires/2024/validate"));
      await page.click("#submit");
      const body = await (await res).json();
      await page.locator("#verdict").waitFor();
      return body.errors;
    };
    // Each kind of problem: the field's scope (null: no field in the form)
    // and AJV's own message for it in the browser (ajv-i18n).
    const kinds = {
      required: { scope: "#/properties/body/properties/name", client: { it: "deve avere l'attributo obbligatorio name", en: "must have required property 'name'" } },
      type: { scope: "#/properties/body/properties/registerId", client: { it: "deve essere di tipo string", en: "must be string" } },
      not_in_list: { scope: "#/properties/body/properties/legalForm", client: { it: "deve corrispondere", en: "must match exactly one schema" } },
      unknown_field: { scope: null },
    };
    for (const lang of ["it", "en"]) {
      if (lang === "en") {
        await page.click("#lang-en");
        await page.locator("h1", { hasText: (await schemaOf("questionnaire-2024", "en")).title }).waitFor();
      }
      const problems = await verdict();
      check(Object.keys(kinds).every((k) => problems.some((p) => p.code === k)),
        `${renderers}/${lang}: the server reports the four kinds`, problems.map((p) => p.code).join(", "));
      for (const p of problems) {
        const kind = kinds[p.code];
        check(kind, `${renderers}/${lang}: expected problem ${p.code}`, JSON.stringify(p));
        if (!kind.scope) {
          const unplaced = await page.locator("#unplaced").innerText();
          check(unplaced.includes(p.messages[lang]), `${renderers}/${lang}: ${p.code} listed above the form (no such field in the form)`, unplaced);
          continue;
        }
        const c = control(kind.scope);
        await c.waitFor();
        const t = await c.innerText();
        check(t.includes(p.messages[lang]), `${renderers}/${lang}: server's ${p.code} shown at its field`, t);
        check(t.includes(kind.client[lang]), `${renderers}/${lang}: browser's ${p.code} shown at its field (ajv-i18n)`, t);
      }
      if (opt.shots) await page.screenshot({ path: join(opt.shots, `jsonforms-${renderers}-${lang}.png`), fullPage: true });
    }
  }
  check(true, "done");
} catch (e) {
  failed = true;
  console.error(`FAIL at step "${step}": ${e.message}`);
  if (opt.shots) {
    await page.screenshot({ path: join(opt.shots, "jsonforms-failure.png"), fullPage: true });
    console.error(`screenshot: ${join(opt.shots, "jsonforms-failure.png")}`);
  }
} finally {
  await browser.close();
  clearTimeout(watchdog);
}
process.exit(failed ? 1 : 0);
