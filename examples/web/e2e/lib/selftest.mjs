// The harness's own test (run by TestBrowserHarness): on a small local
// server of pages built to break each check, it makes sure that axe-core
// does report serious and critical violations, that t.shot does fail a
// page scrolling sideways at 390 px, that requests to another origin and
// Content-Security-Policy violations are recorded — and that a clean page
// passes them all. A harness whose checks cannot fail would pass anything.
import http from "node:http";
import { axeCheck, run } from "./harness.mjs";

const pages = {
  "/good": `<main><h1>Bene</h1><p>Tutto a posto.</p><button type="button">Invia</button></main>`,
  "/bad-axe": `<main><h1>Male</h1><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="><button type="button"></button></main>`,
  "/wide": `<main><h1>Larga</h1><div style="width:600px;height:10px;background:#06c"></div></main>`,
  "/foreign": `<main><h1>Fuori</h1><img alt="x" src="http://127.0.0.2:9/pixel.png"></main>`,
  "/csp": `<main><h1>CSP</h1><script>document.title = "inline"</script></main>`,
};
const server = http.createServer((req, res) => {
  const body = pages[req.url];
  res.writeHead(body ? 200 : 404, {
    "Content-Type": "text/html; charset=utf-8",
    "Content-Security-Policy": "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: http://127.0.0.2:9",
  });
  res.end(`<!doctype html><html lang="it"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>t</title></head><body>${body || ""}</body></html>`);
});
await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
const url = `http://127.0.0.1:${server.address().port}/`;
const chromium = process.argv.includes("--chromium") ? process.argv[process.argv.indexOf("--chromium") + 1] : process.env.CHROMIUM || "/usr/bin/chromium";

const fails = async (f) => {
  try {
    await f();
  } catch (e) {
    return e.message;
  }
  return "";
};

await run("selftest", { url, chromium, timeout: "90" }, async (t) => {
  t.step("a clean page passes");
  await t.go("/good");
  await t.axe("the clean page");
  await t.shot("selftest-good");

  t.step("axe catches violations");
  await t.go("/bad-axe");
  const axe = await fails(() => axeCheck(t.page, "the bad page"));
  t.check(/image-alt/.test(axe) && /button-name/.test(axe), "axe reports the image without alt and the button without a name", axe);

  t.step("t.shot catches a page wider than the phone");
  await t.go("/wide");
  const wide = await fails(() => t.shot("selftest-wide"));
  t.check(/scrolls sideways/.test(wide), "t.shot fails a page 600 px wide at 390 px", wide);

  t.step("requests to another origin are recorded");
  await t.go("/foreign");
  await t.page.waitForTimeout(300);
  t.check(t.foreign.some((r) => r.includes("127.0.0.2")), "the image from another origin is recorded", t.foreign.join(", "));
  t.foreign.length = 0;

  t.step("CSP violations are recorded");
  await t.go("/csp");
  await t.page.waitForTimeout(300);
  t.check(t.consoleErrors.some((m) => /Content Security Policy/i.test(m)), "the inline script's CSP violation is recorded", t.consoleErrors.join(", "));
  t.consoleErrors.length = 0;
  server.close();
});
