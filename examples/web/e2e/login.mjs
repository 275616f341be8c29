// End-to-end test of logging in through OpenID Connect in a real browser
// (Debian's Chromium driven by playwright-core). Run by TestBrowserLogin
// (login_test.go), which seeds a demo register, starts the development
// provider (examples/idp's) and the front-end; by hand, with the demo path of
// the README running:
//
//   node examples/web/e2e/login.mjs --url http://127.0.0.1:8090/ \
//     --user CODICE_FISCALE --password demo --entity REGISTER_ID --report report.json
//
// A legal representative logs in on the provider's page (Authorization Code
// with PKCE), comes back logged in (the session cookie is HttpOnly: the page
// cannot read it), files their body's annual report from the page with the
// Registro-Entity header (201), and logs out. It exits 1 at the first failed
// check, and never waits more than --timeout seconds in all.
import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { chromium } from "playwright-core";

const { values: opt } = parseArgs({
  options: {
    url: { type: "string" },
    user: { type: "string" },
    password: { type: "string", default: "demo" },
    entity: { type: "string" },
    report: { type: "string" },
    year: { type: "string", default: "2024" },
    shots: { type: "string" },
    chromium: { type: "string", default: process.env.CHROMIUM || "/usr/bin/chromium" },
    timeout: { type: "string", default: "90" },
  },
});
if (!opt.url || !opt.user || !opt.entity || !opt.report) {
  console.error("usage: node login.mjs --url http://HOST:PORT/ --user CF --entity ID --report FILE [--password P] [--shots DIR]");
  process.exit(2);
}
const report = await readFile(opt.report, "utf8");

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
const page = await browser.newPage({ viewport: { width: 1000, height: 800 } });
const origin = new URL(opt.url).origin;
try {
  page.setDefaultTimeout(15000);
  step = "open the login";
  await page.goto(new URL("/auth/login", opt.url).href);
  await page.waitForSelector("#username");
  check(new URL(page.url()).origin !== origin, "the login page is the identity provider's", page.url());
  if (opt.shots) await page.screenshot({ path: `${opt.shots}/login-provider.png` });

  step = "log in";
  await page.fill("#username", opt.user);
  await page.fill("#password", opt.password);
  await Promise.all([page.waitForURL((u) => u.origin === origin), page.click("button[type=submit]")]);
  check(new URL(page.url()).pathname === "/", "back on the front-end after the login", page.url());

  step = "session";
  const who = await page.evaluate(async () => (await fetch("/auth/session")).json());
  check(who.loggedIn === true && who.fiscalNumber === opt.user, "the front-end knows who logged in", JSON.stringify(who));
  const jsCookies = await page.evaluate(() => document.cookie);
  check(!jsCookies.includes("registro_session"), "the session cookie is out of the page's reach (HttpOnly)", jsCookies);
  const cookies = await page.context().cookies();
  const sc = cookies.find((c) => c.name.endsWith("registro_session"));
  check(sc && sc.httpOnly && sc.sameSite === "Lax", "the session cookie is HttpOnly and SameSite=Lax", JSON.stringify(sc));

  step = "file the report";
  const filed = await page.evaluate(
    async ({ year, entity, report }) => {
      const r = await fetch(`/v1/filings/${year}`, {
        method: "POST",
        headers: { "Content-Type": "application/json", "Registro-Entity": entity },
        body: report,
      });
      return { status: r.status, body: await r.text() };
    },
    { year: opt.year, entity: opt.entity, report },
  );
  check(filed.status === 201, "the legal representative files the body's report (201)", `${filed.status} ${filed.body.slice(0, 400)}`);

  step = "log out";
  await page.evaluate(async () => fetch("/auth/logout", { method: "POST", redirect: "manual" }));
  const after = await page.evaluate(async () => (await fetch("/auth/session")).json());
  check(after.loggedIn === false, "logged out", JSON.stringify(after));
  if (opt.shots) await page.screenshot({ path: `${opt.shots}/login-done.png` });
} catch (e) {
  failed = true;
  console.error(`FAIL at step "${step}": ${e.message}`);
  if (opt.shots) await page.screenshot({ path: `${opt.shots}/login-failure.png` }).catch(() => {});
} finally {
  clearTimeout(watchdog);
  await browser.close();
}
process.exit(failed ? 1 : 0);
