// End-to-end test of the app's public pages (run by TestBrowserApp).
import { options, run } from "./lib/harness.mjs";

const opt = options();
await run("public", opt, async (t) => {
  t.step("home");
  await t.go("/");
  await t.page.waitForSelector("main h1");
  t.check(await t.page.title(), "the app's home page opens");
  await t.axe("home");
  await t.shot("public-home");
});
