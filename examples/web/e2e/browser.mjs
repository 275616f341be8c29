// End-to-end test of the reference front-end in a real browser (Debian's
// Chromium driven by playwright-core). Run by TestBrowser (main_test.go),
// which starts the Go server; by hand:
//
//   go run ./examples/web --dist examples/web/dist --addr 127.0.0.1:8090 &
//   node examples/web/e2e/browser.mjs --url http://127.0.0.1:8090/ --repo . --shots /tmp
//
// It checks that the form is rendered from the published schema in the chosen
// language, that a document valid for the schema but breaking a server-only
// rule (funds by source not adding up to the total, funds_sum_mismatch) shows
// the server's message next to the funds field in Italian and English, and
// that a missing required field is reported by the browser without asking the
// server. It exits 1 at the first failed check, and never waits more than
// --timeout seconds in all.
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
    timeout: { type: "string", default: "90" },
  },
});
if (!opt.url) {
  console.error("usage: node browser.mjs --url http://HOST:PORT/ [--repo DIR] [--shots DIR] [--chromium PATH] [--timeout S]");
  process.exit(2);
}

const year = 2024;
const readJSON = async (...p) => JSON.parse(await readFile(join(opt.repo, ...p), "utf8"));
// Expected words come from the committed files, never typed here.
const example = await readJSON("schemas", "testdata", "examples", `questionnaire-${year}`, "valid-section-i.json");
const schemaIn = {
  it: await readJSON("schemas", "v1", "it", `questionnaire-${year}.json`),
  en: await readJSON("schemas", "v1", "en", `questionnaire-${year}.json`),
};
const title = (lang, def, prop) => schemaIn[lang].$defs[def].properties[prop].title;

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
  args: [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
  ],
});
let failed = false;
const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
try {
  page.setDefaultTimeout(15000);
  const pageErrors = [];
  page.on("pageerror", (e) => pageErrors.push(e.message));
  page.on("console", (m) => m.type() === "error" && pageErrors.push(m.text()));
  const foreign = [];
  const origin = new URL(opt.url).origin;
  page.on("request", (r) => {
    if (!r.url().startsWith(origin) && !r.url().startsWith("data:")) foreign.push(r.url());
  });
  let validateCalls = 0;
  page.on("request", (r) => {
    if (r.method() === "POST" && new URL(r.url()).pathname === `/v1/questionnaires/${year}/validate`) validateCalls++;
  });
  const text = (sel) => page.locator(sel).innerText();

  step = "open the page";
  await page.goto(opt.url);
  await page.locator("#root__title").waitFor();
  await page.selectOption("#year", String(year));
  await page.locator("#root_projects__title").waitFor();
  check((await text("#root__title")).startsWith(schemaIn.it.title), "form titled from the Italian schema", await text("#root__title"));

  step = "switch language";
  await page.click("#lang-en");
  await page.locator(`#root_projects__title:text("${title("en", "questionnaire.Document", "projects")}")`).waitFor();
  check((await text("#root_body__title")).startsWith(title("en", "questionnaire.Document", "body")), "English titles after switching to EN");
  await page.click("#lang-it");
  await page.locator(`#root_projects__title:text("${title("it", "questionnaire.Document", "projects")}")`).waitFor();
  check((await text("#root_body__title")).startsWith(title("it", "questionnaire.Document", "body")), "Italian titles after switching back to IT",
    `body: ${await text("#root_body__title")}`);

  step = "fill the form";
  await page.click("details.json summary");
  await page.fill("#json", JSON.stringify(example, null, 2));
  await page.click("#apply-json");
  check((await page.inputValue("#root_body_name")) === example.body.name, "example document applied to the form");
  const total = example.projects[0].funds.totalCents;
  const sum = example.projects[0].funds.bySource.reduce((s, a) => s + a.amountCents, 0);
  check(total === sum, "the example's funds add up before the edit");
  await page.fill("#root_projects_0_funds_totalCents", String(total + 100000)); // still valid for the schema

  step = "submit: server-only rule";
  await page.click("button[type=submit]");
  await page.locator("#verdict").waitFor();
  check(validateCalls === 1, "the document passed the browser's checks and went to the server", `validate calls: ${validateCalls}`);
  const fundsError = page.locator("#root_projects_0_funds__error");
  await fundsError.waitFor();
  const it = await fundsError.innerText();
  check(it.includes("la somma dei fondi per fonte") && it.includes(String(total + 100000)),
    "server's funds_sum_mismatch shown next to the funds field, in Italian", it);
  check((await text("#verdict")).includes("funds_sum_mismatch"), "verdict names the problem code");
  await fundsError.scrollIntoViewIfNeeded();
  await page.evaluate(() => window.scrollBy(0, -250));
  if (opt.shots) await page.screenshot({ path: join(opt.shots, "web-server-error.png") });

  step = "server message follows the language";
  await page.click("#lang-en");
  await page.locator(`#root_projects_0_funds__title:text("${title("en", "questionnaire.Project", "funds")}")`).waitFor();
  const en = await page.locator("#root_projects_0_funds__error").innerText();
  check(en.includes("funds by source add up to"), "the same problem in English after switching to EN", en);
  check(validateCalls === 1, "switching language did not ask the server again");
  await page.click("#lang-it");
  await page.locator(`#root_projects_0_funds__title:text("${title("it", "questionnaire.Project", "funds")}")`).waitFor();

  step = "submit: missing required field";
  await page.fill("#root_body_name", "");
  check(await page.locator("#root_projects_0_funds__error").count() === 0, "editing the form drops the server's stale problems");
  await page.click("button[type=submit]");
  const nameError = page.locator("#root_body_name__error");
  await nameError.waitFor();
  const req = await nameError.innerText();
  check(/obbligatori/.test(req), "missing name reported next to the field by the browser, in Italian", req);
  check(validateCalls === 1, "an invalid document is not sent to the server", `validate calls: ${validateCalls}`);
  await nameError.scrollIntoViewIfNeeded();
  if (opt.shots) await page.screenshot({ path: join(opt.shots, "web-client-error.png") });

  step = "submit: unknown field";
  await page.fill("#json", JSON.stringify({ ...example, body: { ...example.body, extra: 1 } }));
  await page.click("#apply-json");
  await page.click("button[type=submit]");
  const bodyError = page.locator("#root_body__error");
  await bodyError.waitFor();
  const unknown = await bodyError.innerText();
  check(/aggiuntiv/.test(unknown) && unknown.includes("extra"), "an unknown field reported at the object that holds it, naming the field", unknown);
  check(validateCalls === 1, "a document with an unknown field is not sent to the server", `validate calls: ${validateCalls}`);

  step = "submit: valid document";
  await page.fill("#json", JSON.stringify(example));
  await page.click("#apply-json");
  await page.click("button[type=submit]");
  await page.locator("#verdict.valid").waitFor();
  check(validateCalls === 2, "the example document is valid for the server");

  check(foreign.length === 0, "no request left the page's origin", foreign.join(", "));
  check(pageErrors.length === 0, "no errors in the page", pageErrors.join("\n  "));
} catch (e) {
  failed = true;
  console.error(`FAIL at step "${step}": ${e.message}`);
  const list = page.locator(".errors");
  if (await list.count()) console.error(`form's error list:\n${await list.first().innerText()}`);
  if (opt.shots) {
    await page.screenshot({ path: join(opt.shots, "web-failure.png"), fullPage: true });
    console.error(`screenshot: ${join(opt.shots, "web-failure.png")}`);
  }
} finally {
  await browser.close();
  clearTimeout(watchdog);
}
process.exit(failed ? 1 : 0);
