// The app's end-to-end harness, shared by every e2e/app-*.mjs script:
// Chromium (Debian's, driven by playwright-core), a watchdog, checks that
// print "ok - …", logging in on the development provider's page, axe-core
// on a page (no serious or critical violation), and screenshots at desktop
// and phone width (390 px, where nothing may scroll sideways).
//
// Every script also checks, at its end, that the app's pages kept to their
// Content-Security-Policy (no violation in the console) and fetched
// nothing from another origin (fonts, styles and scripts come from the
// build; only navigations, such as to the login provider, leave it).
//
// TestBrowserApp (app_test.go) runs each script against a fresh demo
// register with the development provider, passing the options below;
// TestBrowserHarness runs e2e/lib/selftest.mjs, which checks that these
// checks do fail on a page that breaks them.
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { parseArgs } from "node:util";
import { chromium } from "playwright-core";

const require = createRequire(import.meta.url);

/** The options every app script takes (TestBrowserApp passes them all). */
export function options() {
  const { values } = parseArgs({
    options: {
      url: { type: "string" }, // the front-end, e.g. http://127.0.0.1:8090/
      user: { type: "string" }, // a legal representative's codice fiscale
      entity: { type: "string" }, // the register ID of that person's body
      report: { type: "string" }, // a valid report of that body, a JSON file
      year: { type: "string", default: "2024" },
      clerk: { type: "string" }, // a clerk of the ministry (role staff)
      officer: { type: "string" }, // a regional officer (role region:12)
      referent: { type: "string" }, // a person a body may request as referent
      password: { type: "string", default: "demo" },
      shots: { type: "string" }, // where screenshots go
      chromium: { type: "string", default: process.env.CHROMIUM || "/usr/bin/chromium" },
      timeout: { type: "string", default: "120" },
    },
  });
  if (!values.url) {
    console.error("usage: node e2e/app-….mjs --url http://HOST:PORT/ [--user CF --entity ID --report FILE --clerk CF …] [--shots DIR]");
    process.exit(2);
  }
  return values;
}

/** The viewports of the screenshots: a desktop and a phone. */
export const viewports = { desktop: { width: 1280, height: 900 }, phone: { width: 390, height: 844 } };

/**
 * run opens Chromium, calls body(t) and exits the process: 0 when every
 * check passed, 1 at the first failure (with a screenshot) or timeout. t
 * holds page, context, opt and the helpers below.
 */
export async function run(name, opt, body) {
  let step = "start";
  const watchdog = setTimeout(() => {
    console.error(`FAIL ${name}: timed out after ${opt.timeout}s at step: ${step}`);
    process.exit(1);
  }, Number(opt.timeout) * 1000);
  const browser = await chromium.launch({
    executablePath: opt.chromium,
    args: [
      "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ],
  });
  const context = await browser.newContext({ viewport: viewports.desktop, locale: "it-IT", reducedMotion: "reduce" });
  const page = await context.newPage();
  page.setDefaultTimeout(15000);
  const origin = new URL(opt.url).origin;
  const consoleErrors = [];
  page.on("console", (m) => m.type() === "error" && consoleErrors.push(m.text()));
  page.on("pageerror", (e) => consoleErrors.push(String(e)));
  const foreign = []; // requests of the app's pages to another origin
  page.on("request", (req) => {
    if (req.isNavigationRequest()) return;
    let from, to;
    try {
      from = new URL(req.frame().url()).origin;
      to = new URL(req.url());
    } catch {
      return;
    }
    if (from === origin && (to.protocol === "http:" || to.protocol === "https:") && to.origin !== origin) {
      foreign.push(`${req.resourceType()} ${req.url()}`);
    }
  });
  const t = {
    opt, page, context, origin, consoleErrors, foreign,
    /** step names what the script does now (printed on failure). */
    step(s) {
      step = s;
    },
    /** check fails the script unless cond holds. */
    check(cond, what, detail = "") {
      if (!cond) throw new Error(`${what}${detail ? `\n  ${detail}` : ""}`);
      console.log(`ok - ${what}`);
    },
    /** go opens a path of the front-end. */
    async go(path) {
      await page.goto(new URL(path, opt.url).href);
    },
    /** login logs user in on the provider's page and comes back. */
    async login(user, password = opt.password) {
      await page.goto(new URL("/auth/login", opt.url).href);
      await page.waitForSelector("#username");
      await page.fill("#username", user);
      await page.fill("#password", password);
      await Promise.all([page.waitForURL((u) => u.origin === origin), page.click("button[type=submit]")]);
    },
    /**
     * logout ends the session: a POST with the context's cookies, from
     * outside the page (the page's own logout button is the app's to test),
     * not following the redirect to the provider's end-session page.
     */
    async logout() {
      const r = await context.request.post(new URL("/auth/logout", opt.url).href, { maxRedirects: 0 });
      if (r.status() >= 400) throw new Error(`logout: HTTP ${r.status()}`);
    },
    /** axe runs axe-core on the page as it is and fails on a serious or critical violation. */
    async axe(label) {
      await axeCheck(page, label);
      console.log(`ok - axe: no serious or critical violation on ${label}`);
    },
    /**
     * shot writes label-desktop.png and label-phone.png (full page) when
     * --shots is set, and at phone width fails if the page scrolls sideways.
     */
    async shot(label) {
      const size = page.viewportSize();
      await page.evaluate(() => document.fonts.ready);
      if (opt.shots) await page.screenshot({ path: `${opt.shots}/${label}-desktop.png`, fullPage: true });
      await page.setViewportSize(viewports.phone);
      await page.waitForTimeout(150);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      if (opt.shots) await page.screenshot({ path: `${opt.shots}/${label}-phone.png`, fullPage: true });
      await page.setViewportSize(size);
      t.check(overflow <= 0, `${label}: nothing scrolls sideways at 390 px`, `${overflow} px too wide`);
    },
    /** report reads --report (a valid report of --entity) as an object. */
    async report() {
      return JSON.parse(await readFile(opt.report, "utf8"));
    },
  };
  let failed = false;
  try {
    await body(t);
    t.step("end: the page's policy and origin");
    const csp = consoleErrors.filter((m) => /Content Security Policy/i.test(m));
    t.check(csp.length === 0, "no Content-Security-Policy violation", csp.join("\n  "));
    t.check(foreign.length === 0, "nothing fetched from another origin", foreign.join("\n  "));
  } catch (e) {
    failed = true;
    console.error(`FAIL ${name} at step "${step}": ${e.message}`);
    if (consoleErrors.length) console.error(`console errors:\n  ${consoleErrors.join("\n  ")}`);
    if (opt.shots) await page.screenshot({ path: `${opt.shots}/${name}-failure.png`, fullPage: true }).catch(() => {});
  } finally {
    clearTimeout(watchdog);
    await browser.close();
  }
  process.exit(failed ? 1 : 0);
}

let axeSource;

/**
 * axeCheck injects axe-core (through the DevTools protocol, which the
 * page's Content-Security-Policy does not govern) and throws on any
 * violation of impact serious or critical, listing each with its nodes.
 */
export async function axeCheck(page, label) {
  axeSource ??= await readFile(require.resolve("axe-core/axe.min.js"), "utf8");
  if (!(await page.evaluate(() => typeof window.axe === "object"))) await page.evaluate(axeSource);
  const res = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ["violations"] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map((n) => n.target.join(" ")) }));
  });
  const bad = res.filter((v) => v.impact === "serious" || v.impact === "critical");
  if (bad.length) {
    throw new Error(`axe on ${label}: ${bad.length} serious or critical violation(s):\n  ` +
      bad.map((v) => `${v.impact} ${v.id} (${v.help}): ${v.nodes.join(", ")}`).join("\n  "));
  }
}
