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
// Section II block shows only for a Section II report; that in Italian the
// 2024 questionnaire shows none of JSON Forms' own English words ("Add to",
// "No data", …); and that an invalid document shows each kind of problem —
// required, type, wrong code, unknown field — from the browser (ajv-i18n)
// and from the server (its check of the questionnaires and of the
// application) next to its field (the unknown field at the object that
// holds it), in Italian and in English. It exits 1 at the first failed
// check.
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { chromium } from "playwright-core";
import { arrayDefaultTranslations, combinatorDefaultTranslations } from "@jsonforms/core";
import { i18nDefaults } from "@jsonforms/vanilla-renderers";
import { ITALIAN } from "../src/jsonforms.js";

const { values: opt } = parseArgs({
  options: {
    url: { type: "string" },
    repo: { type: "string", default: "." },
    shots: { type: "string" },
    chromium: { type: "string", default: process.env.CHROMIUM || "/usr/bin/chromium" },
    timeout: { type: "string", default: "600" },
    renderers: { type: "string", default: "vanilla,material" },
  },
});
if (!opt.url) {
  console.error("usage: node jsonforms.mjs --url http://HOST:PORT/ [--repo DIR] [--shots DIR] [--chromium PATH] [--timeout S] [--renderers vanilla,material]");
  process.exit(2);
}
const readJSON = async (...p) => JSON.parse(await readFile(join(opt.repo, ...p), "utf8"));
const schemaOf = (name, lang) => readJSON("schemas", "v1", lang, `${name}.json`);
const YEARS = [2019, 2020, 2021, 2022, 2023, 2024, 2025];
const NAMES = ["application", "decision", "entity", "problem", ...YEARS.map((y) => `questionnaire-${y}`)];

// The fields of a schema as JSON Forms lays them out, and a document that
// opens every list of objects (one empty item each) so that its items'
// fields render too: every field's possible labels (its own title, its
// definition's, JSON Forms' start case of its name) and whether it is a
// single value (a text, number, code or date: an input or a select) or a
// yes/no (a checkbox); skip names top-level fields left out.
function layout(schema, skip = new Set()) {
  const def = (s) => (s?.$ref ? def(schema.$defs[s.$ref.slice("#/$defs/".length)]) : s);
  const start = (n) => n.replace(/([a-z0-9])([A-Z])/g, "$1 $2").replace(/^./, (c) => c.toUpperCase());
  const fields = [];
  const walk = (obj, top) => {
    const doc = {};
    for (const [name, raw] of Object.entries(obj.properties || {})) {
      if (top && skip.has(name)) continue;
      const s = def(raw);
      const labels = [raw.title, s?.title, start(name)].filter(Boolean);
      if (s?.properties) {
        fields.push({ name, labels, kind: "object" });
        doc[name] = walk(s, false);
      } else if (s?.type === "array" && def(s.items)?.properties) {
        fields.push({ name, labels: [...labels, def(s.items).title].filter(Boolean), kind: "list" });
        doc[name] = [walk(def(s.items), false)];
      } else {
        const kind = s?.type === "array" ? "list" : s?.type === "boolean" ? "check" : "value";
        fields.push({ name, labels, kind });
      }
    }
    return doc;
  };
  const doc = walk(def(schema), true);
  return { doc, fields };
}

// JSON Forms' own English words (its default translations, with no list's
// label and up to the label: "Add", "Add to"), but those Italian writes
// alike ("No").
const mark = "\u0000";
const ENGLISH = [
  ...[...arrayDefaultTranslations, ...combinatorDefaultTranslations]
    .filter((d) => ITALIAN[d.key]() !== d.default())
    .flatMap((d) => [d.default(mark).split(mark)[0].trim(), d.default()]),
  ...Object.entries(i18nDefaults).filter(([k, v]) => ITALIAN[k]() !== v).map(([, v]) => v),
];

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
const open = async (name, renderers, lang, layoutName = "derived") => {
  warnings.length = 0;
  await page.goto(new URL(`jsonforms.html?schema=${name}&renderers=${renderers}&lang=${lang}&layout=${layoutName}`, opt.url).href);
  const schema = await schemaOf(name, lang);
  await page.locator("h1", { hasText: schema.title }).waitFor();
  await page.locator("main form, main .vertical-layout, main .MuiGrid-root, main .MuiStack-root").first().waitFor();
  return schema;
};
const apply = async (doc) => {
  await page.click("details.json summary");
  await page.fill("#json", JSON.stringify(doc));
  await page.click("#apply-json");
  await page.click("details.json summary");
};
// The field prop inside the object control of holder (its fieldset; JSON
// Forms numbers repeated ids: #/properties/name, #/properties/name2, …):
// its text (label, value, messages) and the value its input shows (a
// select's chosen label).
const field = (holder, prop) =>
  page.evaluate(([holder, prop]) => {
    const box = document.getElementById(`#/properties/${holder}`);
    const re = new RegExp(`^#/properties/${prop}\\d*$`);
    const el = [...(box?.querySelectorAll("[id]") ?? [])].find((e) => re.test(e.id));
    if (!el) return null;
    const input = el.matches("input,select") ? el : el.querySelector("input,select");
    const value = input?.tagName === "SELECT" ? input.options[input.selectedIndex]?.label ?? "" : input?.value;
    // The control around the input: the nearest element that holds its
    // messages (vanilla's div.validation, MUI's helper text).
    let at = el;
    while (at && at !== box && !at.querySelector(".validation, .MuiFormHelperText-root")) at = at.parentElement;
    return { text: at?.innerText ?? "", value };
  }, [holder, prop]);
// JSON Forms' English words the page shows: in its text (each text node
// apart: textContent runs "No data" into the next word) or in the buttons'
// accessible names and tooltips.
const englishOnPage = async () => {
  const text = await page.locator("main").evaluate((e) => {
    const texts = [];
    for (const w = document.createTreeWalker(e, NodeFilter.SHOW_TEXT); w.nextNode();) texts.push(w.currentNode.data);
    const attrs = [...e.querySelectorAll("[aria-label], [title]")].flatMap((el) => [el.getAttribute("aria-label"), el.getAttribute("title")]);
    return [...texts, ...attrs].join("\n");
  });
  return [...new Set(ENGLISH)].filter((w) => new RegExp(`(?<!\\w)${w.replace(/[?.]/g, "\\$&")}(?!\\w)`).test(text));
};
// The errors an object control shows about the object itself.
const objectErrors = (holder) =>
  page.evaluate((holder) => document.getElementById(`#/properties/${holder}`)?.querySelector(":scope > .object-errors")?.innerText ?? "", holder);

try {
  page.setDefaultTimeout(20000);
  for (const renderers of opt.renderers.split(",")) {
    // Every schema, with JSON Forms' generated layout and with the page's
    // derived one: every field has its control, no "No applicable
    // renderer/cell", every message in the form's language.
    for (const name of NAMES) {
      for (const layoutName of ["generated", "derived"]) {
        step = `${renderers} ${layoutName} ${name}`;
        const schema = await open(name, renderers, "it", layoutName);
        const what = `${renderers}/${layoutName}: ${name}`;
        // In Italian, JSON Forms' own words too: the empty lists' ("No
        // data", "Add to …") before the document, the items' (delete, up,
        // down) after, once the lists show them.
        const italianUI = async (when, shown) => {
          if (name !== "questionnaire-2024") return;
          await page.waitForFunction((w) => document.querySelector(`main [aria-label="${w}"]`) || document.querySelector("main").textContent.includes(w), shown);
          const english = await englishOnPage();
          check(english.length === 0, `${what}: JSON Forms' own words in Italian (${when})`, english.join(", "));
        };
        await italianUI("empty lists", ITALIAN.noDataMessage());
        // The derived layout hides the conditional blocks on this document.
        const conditional = new Set((schema.allOf || []).flatMap((b) => b.else?.not?.required ?? b.then?.not?.required ?? []));
        const { doc, fields } = layout(schema, layoutName === "derived" ? conditional : new Set());
        await apply(doc);
        await page.waitForTimeout(400);
        // textContent: the material set's list items are collapsed panels,
        // rendered but hidden until opened.
        const text = await page.locator("main").evaluate((e) => e.textContent);
        const missing = fields.filter((f) => !f.labels.some((l) => text.includes(l))).map((f) => f.name);
        const inputs = await page.locator("main input:not([type=checkbox]):not([type=radio]), main select").count();
        const values = fields.filter((f) => f.kind === "value").length;
        check(missing.length === 0, `${what}: every field labelled (${fields.length} fields)`, `missing: ${missing.join(", ")}`);
        check(inputs >= values, `${what}: an input for every single-value field (${inputs} inputs, ${values} fields)`);
        check(!/No applicable/.test(text) && !warnings.some((w) => /No applicable/.test(w)),
          `${what}: no "No applicable renderer/cell"`, warnings.join("\n  "));
        check(!/\bmust (have|be|NOT|match|pass)\b/.test(text), `${what}: the browser's messages in Italian`);
        await italianUI("items", ITALIAN.removeAriaLabel());
      }
    }

    step = `${renderers}: conditional block`;
    const example = await readJSON("schemas", "testdata", "examples", "questionnaire-2024", "valid-section-i.json");
    const schema = await open("questionnaire-2024", renderers, "it");
    const block = schema.$defs["questionnaire.SectionIIProgramme"].title;
    await apply(example);
    await page.waitForTimeout(300);
    check(!(await page.locator("main").innerText()).includes(block), `${renderers}: Section II block hidden for a Section I report`);
    await apply({ ...example, sections: ["I", "II"] });
    await page.locator(`text=${block}`).first().waitFor();
    check(true, `${renderers}: Section II block shown for a Section II report`);

    // An invalid document, for every year's questionnaire and for the
    // application: each kind of problem — required, type, wrong code,
    // unknown field — next to its field, from the browser (AJV, ajv-i18n)
    // and from the server, in Italian and English.
    // The unknown field is at the object that holds it (the body).
    const client = {
      required: { it: "deve avere l'attributo obbligatorio name", en: "must have required property name" }, // ajv-i18n's English
      type: { it: "deve essere di tipo string", en: "must be string" },
      not_in_list: { it: "deve corrispondere", en: "must match exactly one schema" },
      unknown_field: { it: "non deve avere attributi aggiuntivi: extra", en: "must NOT have additional properties: extra" },
    };
    for (const name of ["application", ...YEARS.map((y) => `questionnaire-${y}`)]) {
      const year = /questionnaire-(\d+)/.exec(name)?.[1];
      const dir = join("schemas", "testdata", "examples", name);
      const valid = (await readdir(join(opt.repo, dir))).find((f) => f.startsWith("valid-"));
      const bad = structuredClone(await readJSON(dir, valid));
      const typed = year ? "registerId" : "taxCode";
      delete bad.body.name; // required
      bad.body[typed] = 12; // type
      bad.body.legalForm = "zzz"; // wrong code
      bad.body.extra = 1; // unknown field
      // Each kind: the field whose control shows it (the body itself for the
      // unknown field).
      const kinds = { required: "name", type: typed, not_in_list: "legalForm", unknown_field: null };
      step = `${renderers}: invalid ${name}`;
      await open(name, renderers, "it");
      await apply(bad);
      for (const lang of ["it", "en"]) {
        if (lang === "en") {
          await page.click("#lang-en");
          await page.locator("h1", { hasText: (await schemaOf(name, "en")).title }).waitFor();
        }
        const route = year ? `/v1/questionnaires/${year}/validate` : "/v1/applications/validate";
        const res = page.waitForResponse((r) => r.url().includes(route));
        await page.click("#submit");
        const problems = (await (await res).json()).errors;
        await page.locator("#verdict").waitFor();
        check(Object.keys(kinds).every((k) => problems.some((p) => p.code === k)),
          `${renderers}/${lang}/${name}: the server reports the four kinds`, problems.map((p) => p.code).join(", "));
        for (const [kind, prop] of Object.entries(kinds)) {
          const server = problems.filter((p) => p.code === kind).map((p) => p.messages[lang]);
          await page.waitForFunction(([prop, want]) => {
            const box = document.getElementById("#/properties/body");
            return box && want.every((w) => box.innerText.includes(w));
          }, [prop, [client[kind][lang], ...server]], { timeout: 10000 }).catch(() => {});
          const at = prop ? (await field("body", prop))?.text ?? "" : await objectErrors("body");
          check(server.every((m) => at.includes(m)), `${renderers}/${lang}/${name}: server's ${kind} shown at its field`, `${server}\n  at: ${at}`);
          check(at.includes(client[kind][lang]), `${renderers}/${lang}/${name}: browser's ${kind} shown at its field (ajv-i18n)`, at);
        }
        const code = await field("body", "legalForm");
        check(code?.value === "zzz", `${renderers}/${lang}/${name}: the wrong code shows as itself`, JSON.stringify(code));
        check(!(await page.locator("#unplaced").count()), `${renderers}/${lang}/${name}: no problem left above the form`,
          (await page.locator("#unplaced").count()) ? await page.locator("#unplaced").innerText() : "");
        if (opt.shots && name === "questionnaire-2024") await page.screenshot({ path: join(opt.shots, `jsonforms-${renderers}-${lang}.png`), fullPage: true });
      }
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
