// End-to-end test of the app's public pages and its shell (run by
// TestBrowserApp): the Section I search (words, case and accents ignored,
// region, province, legal form), a body's page, the open data; that no
// body outside the public Section I list — a Section II body above all —
// appears in any listing, search or page, even for a logged-in clerk; the
// language switch keeping the search; the navigation each role gets, the
// login and logout button with the person's name; the phone menu, the skip
// link and the visible focus; axe-core on every page and screenshots at
// desktop and phone width.
import { options, run, viewports } from "./lib/harness.mjs";

const opt = options();

/** fold is the search's comparison: no accents, lower case. */
const fold = (s) => s.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();

await run("public", opt, async (t) => {
  const { page } = t;
  const resultIDs = () =>
    page.$$eval("#results a[href^='/enti/']", (as) => as.map((a) => decodeURIComponent(a.getAttribute("href").slice(6))));
  const count = async () => {
    // The count shown is that of the search in the address bar.
    await page.waitForFunction(() => {
      const el = document.querySelector("#results-count");
      return el?.dataset.loaded === "1" && el.dataset.for === new URLSearchParams(location.search).toString();
    });
    const s = await page.textContent("#results-count");
    return /^\d+/.test(s) ? Number(s.match(/^\d+/)[0]) : 0;
  };
  /** searchFor opens the search page with params and returns the total and every result's ID (all pages). */
  const searchFor = async (params) => {
    await t.go(`/?${new URLSearchParams(params)}`);
    const n = await count();
    while (await page.$("#more")) {
      const before = (await resultIDs()).length;
      await page.click("#more");
      await page.waitForFunction((b) => document.querySelectorAll("#results li").length > b, before);
    }
    return { n, ids: n ? await resultIDs() : [] };
  };

  t.step("the open data, as the public gets them");
  await t.go("/");
  const open = await page.evaluate(async () => (await (await fetch("/v1/open-data/section-i.json", { credentials: "omit" })).json()).items);
  t.check(open.length > 0, `the open data list ${open.length} bodies of Section I`);
  const publicIDs = new Set(open.map((r) => r.id));

  t.step("the register as a clerk sees it");
  await t.login(opt.clerk);
  const listAll = (query) =>
    page.evaluate(async (query) => {
      const out = [];
      let cursor = "";
      do {
        const r = await fetch(`/v1/entities?limit=1000&${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
        if (!r.ok) throw new Error(`GET /v1/entities: ${r.status}`);
        const j = await r.json();
        out.push(...j.items.map((e) => ({ id: e.id, name: e.name, region: e.seat?.region })));
        cursor = j.next || "";
      } while (cursor);
      return out;
    }, query);
  const everyBody = await listAll("");
  const hidden = everyBody.filter((e) => !publicIDs.has(e.id));
  const sec2only = (await listAll("section=II")).filter((e) => !publicIDs.has(e.id));
  t.check(sec2only.length > 0 && hidden.length >= sec2only.length,
    `the demo register holds ${hidden.length} bodies outside the public list, ${sec2only.length} of them in Section II only`);

  t.step("the shell of a clerk");
  await t.go("/");
  await page.waitForSelector("#user-name");
  const clerkNav = await page.$$eval("#main-nav a.nav-link", (as) => as.map((a) => a.getAttribute("href")));
  t.check(clerkNav.includes("/ufficio") && !clerkNav.includes("/area"), "a clerk gets the back office and no association area", clerkNav.join(" "));
  t.check(/Accesso come/.test(await page.textContent("#user-name")), "the header names the person logged in");

  t.step("Section II bodies stay out of the public pages, even for a clerk");
  for (const e of sec2only.slice(0, 3)) {
    await t.go(`/enti/${encodeURIComponent(e.id)}`);
    await page.waitForSelector("main h1");
    t.check((await page.textContent("main h1")) === "Ente non trovato", `${e.id}'s public page says not found`);
    const { ids } = await searchFor({ q: e.name });
    t.check(!ids.includes(e.id), `searching its exact name does not find Section II body ${e.id}`);
  }
  await t.axe("a body not found");

  t.step("logging out with the header's button");
  // The server ends the session, then sends the browser to the provider's
  // end-session page (the development provider stays there).
  await Promise.all([page.waitForURL((u) => u.origin !== t.origin || !u.search), page.click("#logout")]);
  await t.go("/");
  await page.waitForSelector("#login");
  t.check(!(await page.$("#user-name")), "after logout the header offers login again");

  t.step("the list, anonymous: every page of it");
  const all = await searchFor({});
  t.check(all.n === open.length && all.ids.length === open.length,
    `the list shows the ${open.length} bodies of the open data (${all.n} counted, ${all.ids.length} listed)`);
  t.check(all.ids.every((id) => publicIDs.has(id)) && !all.ids.some((id) => hidden.some((h) => h.id === id)),
    "no body outside the public Section I list is listed");
  const anonNav = await page.$$eval("#main-nav a.nav-link", (as) => as.map((a) => a.getAttribute("href")));
  t.check(anonNav.join(" ") === "/ /dati-aperti", "the public gets the list and the open data only", anonNav.join(" "));
  await t.go("/");
  await count();
  await t.axe("the search page");
  await t.shot("public-search");

  t.step("searching ignores case and accents");
  const accented = open.find((r) => /[àèéìòù]/i.test(r.name));
  let word, expectID;
  if (accented) {
    word = accented.name.split(/\s+/).find((w) => /[àèéìòù]/i.test(w));
    expectID = accented.id;
  } else {
    word = open[0].name.split(/\s+/).sort((a, b) => b.length - a.length)[0];
    expectID = open[0].id;
  }
  const plain = fold(word);
  const expected = open.filter((r) => fold(`${r.name} ${r.comuneName}`).includes(plain)).length;
  for (const q of [plain, plain.toUpperCase(), word.toUpperCase(), plain.replace(/a/g, "à").replace(/e/g, "é")]) {
    const { n, ids } = await searchFor({ q });
    t.check(n === expected && ids.includes(expectID), `"${q}" finds the ${expected} bodies whose name or comune holds "${plain}"`, `found ${n}`);
  }

  t.step("filtering by region, province and legal form with the form");
  const b = open.find((r) => r.id === expectID);
  await t.go("/");
  await count();
  await page.selectOption("#region", b.region);
  await page.selectOption("#province", b.province);
  await page.selectOption("#legalForm", b.legalForm);
  await page.fill("#q", plain.toUpperCase());
  await page.click("#search button[type=submit]");
  await page.waitForURL((u) => u.searchParams.get("province") === b.province);
  const n = await count();
  const want = open.filter((r) => r.region === b.region && r.province === b.province && r.legalForm === b.legalForm &&
    fold(`${r.name} ${r.comuneName}`).includes(plain)).length;
  t.check(n === want && (await resultIDs()).includes(b.id), `region ${b.region}, province ${b.province} and legal form ${b.legalForm} find ${want}`, `found ${n}`);
  for (const h of sec2only) {
    const { n: hn, ids } = await searchFor({ region: h.region });
    const inRegion = open.filter((r) => r.region === h.region).length;
    t.check(hn === inRegion && !ids.includes(h.id), `region ${h.region}'s listing counts only its public bodies (${inRegion})`);
    break; // one region is enough: every listing is the open data's
  }

  t.step("the language switch keeps the search");
  await t.go(`/?q=${encodeURIComponent(plain)}`);
  await count();
  const itTitle = await page.textContent("main h1");
  await page.click(".registro-lang button[lang=en]");
  await page.waitForFunction((h) => document.querySelector("main h1").textContent !== h, itTitle);
  t.check((await page.getAttribute("html", "lang")) === "en" && (await page.inputValue("#q")) === plain,
    "in English the page keeps the words searched", await page.textContent("main h1"));
  t.check(/bod(y|ies) found/.test(await page.textContent("#results-count")), "the results are counted in English");
  await t.axe("the search page in English");
  await page.reload();
  await page.waitForSelector("#results-count");
  t.check((await page.getAttribute("html", "lang")) === "en", "the language is kept after a reload");
  await page.click(".registro-lang button[lang=it]");
  await page.waitForFunction(() => document.documentElement.lang === "it");

  t.step("a body's page");
  await t.go(`/?q=${encodeURIComponent(b.name)}`);
  await count();
  await Promise.all([page.waitForURL(/\/enti\//), page.click(`#results a[href='/enti/${encodeURIComponent(b.id)}']`)]);
  await page.waitForSelector("#body-fields");
  t.check((await page.textContent("main h1")) === b.name, `the body's page is titled with its name, ${b.name}`);
  await page.waitForFunction((c) => document.querySelector("#body-fields").textContent.includes(c), b.comuneName);
  t.check((await page.textContent("#body-fields")).includes(b.regionName), "it shows the seat's comune and region by name");
  await t.axe("a body's page");
  await t.shot("public-body");

  t.step("the open data page");
  await page.click("#main-nav a[href='/dati-aperti']");
  await page.waitForSelector("#downloads a");
  const links = await page.$$eval("#downloads a", (as) => as.map((a) => a.getAttribute("href")));
  t.check(links.includes("/v1/open-data/section-i.csv") && links.includes("/v1/open-data/section-i.json"), "it links the CSV and the JSON");
  const csv = await page.evaluate(async () => {
    const r = await fetch("/v1/open-data/section-i.csv");
    return { status: r.status, type: r.headers.get("Content-Type"), lines: (await r.text()).trim().split("\n").length };
  });
  t.check(csv.status === 200 && csv.type.startsWith("text/csv") && csv.lines === open.length + 1, "the CSV download holds the list", JSON.stringify(csv));
  t.check((await page.getAttribute("#licence", "href")).includes("creativecommons.org/licenses/by/4.0"), "the licence is CC BY 4.0");
  await t.axe("the open data page");
  await t.shot("public-opendata");

  t.step("a page that does not exist");
  await t.go("/nessuna-pagina");
  await page.waitForSelector("main h1");
  t.check(/non trovata/.test(await page.textContent("main h1")), "an unknown address says the page was not found");
  await t.axe("the page not found");

  t.step("the keyboard: skip link and visible focus");
  await t.go("/");
  await count();
  await page.keyboard.press("Tab");
  const skip = await page.evaluate(() => ({ text: document.activeElement.textContent, href: document.activeElement.getAttribute("href") }));
  t.check(skip.href === "#main" && /contenuto/.test(skip.text), "the first Tab reaches the skip link", JSON.stringify(skip));
  const ring = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
  t.check(ring !== "none", `the focused link shows its focus (outline ${ring})`);
  await page.keyboard.press("Enter");
  t.check(page.url().endsWith("#main"), "Enter on the skip link goes to the content");

  t.step("the phone: a menu behind a button");
  await page.setViewportSize(viewports.phone);
  await t.go("/");
  await count();
  t.check(!(await page.isVisible("#main-nav a[href='/dati-aperti']")), "at 390 px the navigation is folded");
  await page.click(".custom-navbar-toggler");
  await page.waitForSelector("#main-nav a[href='/dati-aperti']", { state: "visible" });
  t.check((await page.getAttribute(".custom-navbar-toggler", "aria-expanded")) === "true", "the menu button says it is expanded");
  await t.axe("the phone menu");
  if (opt.shots) await page.screenshot({ path: `${opt.shots}/public-menu-phone.png` });
  await page.keyboard.press("Escape");
  await page.waitForSelector("#main-nav a[href='/dati-aperti']", { state: "hidden" });
  t.check(await page.evaluate(() => document.activeElement.classList.contains("custom-navbar-toggler")), "Escape closes the menu and gives the focus back to its button");
  await page.setViewportSize(viewports.desktop);

  t.step("the shell of a regional officer");
  await t.login(opt.officer);
  await t.go("/");
  await page.waitForSelector("#user-name");
  const officerNav = await page.$$eval("#main-nav a.nav-link", (as) => as.map((a) => [a.getAttribute("href"), a.textContent]));
  t.check(officerNav.some(([h, txt]) => h === "/ufficio" && /regionale/.test(txt)) && !officerNav.some(([h]) => h === "/area"),
    "a regional officer gets the regional office and no association area", officerNav.join(" "));
  await t.logout();

  t.step("the shell of a legal representative");
  await t.login(opt.user);
  await t.go("/");
  await page.waitForSelector("#user-name");
  const repNav = await page.$$eval("#main-nav a.nav-link", (as) => as.map((a) => a.getAttribute("href")));
  t.check(repNav.includes("/area") && !repNav.includes("/ufficio"), "a legal representative gets the association area and no back office", repNav.join(" "));
  await t.axe("the header of a person logged in");
  await t.shot("public-search-loggedin");

  t.step("the body picker of a person acting for several bodies");
  // No demo person acts for two bodies: GET /v1/me answers here as it would
  // for one (the route is the service's; only its answer is made up), to
  // check the shell's picker.
  const two = [{ id: open[0].id, name: open[0].name }, { id: open[1].id, name: open[1].name }];
  await page.route("**/v1/me", (route) =>
    route.fulfill({ status: 200, contentType: "application/json", body: JSON.stringify({ role: "", bodies: two }) }));
  await t.go("/");
  await page.waitForSelector("#acting");
  t.check((await page.$$eval("#acting option", (os) => os.map((o) => o.value))).join() === two.map((x) => x.id).join(),
    "the picker offers the person's two bodies");
  t.check((await page.evaluate(() => sessionStorage.getItem("registro.acting"))) === two[0].id, "the person acts for the first by default");
  await page.selectOption("#acting", two[1].id);
  t.check((await page.evaluate(() => sessionStorage.getItem("registro.acting"))) === two[1].id, "choosing the second body makes it the one acted for");
  await page.reload();
  await page.waitForSelector("#acting");
  t.check((await page.inputValue("#acting")) === two[1].id, "the choice is kept after a reload");
  await t.axe("the body picker");
  await page.unroute("**/v1/me");
  await t.logout();
});
