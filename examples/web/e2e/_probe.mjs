import { chromium } from "playwright-core";
const [name, renderers, layout, dataJSON] = process.argv.slice(2);
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--headless", "--no-sandbox", "--disable-gpu"] });
const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
const warnings = [];
page.on("console", (m) => (m.type() === "error" || m.type() === "warning") && warnings.push(m.text()));
page.on("pageerror", (e) => warnings.push(e.message));
await page.goto(`http://127.0.0.1:8093/jsonforms.html?schema=${name}&renderers=${renderers}&layout=${layout}`);
await page.locator("h1").waitFor();
await page.waitForTimeout(1500);
if (dataJSON) {
  await page.click("details.json summary");
  await page.fill("#json", dataJSON);
  await page.click("#apply-json");
  await page.waitForTimeout(1500);
}
const ids = await page.$$eval("main [id^='#']", (els) => els.map((e) => `${e.tagName} ${e.id}`));
console.log(ids.join("\n"));
console.log("WARN", warnings.slice(0, 5).join("\n"));
await page.screenshot({ path: `/tmp/jfshots/probe-${name}-${renderers}-${layout}.png`, fullPage: true });
await browser.close();
