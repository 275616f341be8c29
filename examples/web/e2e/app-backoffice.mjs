// End-to-end test of the back office of the ministry's clerks (run by
// TestBrowserApp): the back office refuses the anonymous public and a
// body's legal representative; the clerk opens the review queue (by due
// date, overdue marked), an application with its eligibility decision rule
// by rule, enrols one body by decree and rejects another with reasons,
// enables a referent, grants a Section II access request, reads the yearly
// list and exports it, and reads the annual report; axe-core on every page,
// screenshots of each main page (backoffice-*.png).
import { readFile } from "node:fs/promises";
import { options, run } from "./lib/harness.mjs";

const opt = options();
for (const need of ["user", "entity", "clerk", "referent"]) {
  if (!opt[need]) {
    console.error(`app-backoffice: --${need} is required`);
    process.exit(2);
  }
}

/** call is a same-origin JSON request from the page (the session's cookie goes with it). */
async function call(page, method, path, body, headers = {}) {
  return page.evaluate(
    async ({ method, path, body, headers }) => {
      const h = { Accept: "application/json", ...headers };
      if (body !== undefined) h["Content-Type"] = "application/json";
      if (method === "POST") h["Idempotency-Key"] = crypto.randomUUID();
      const r = await fetch(path, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body) });
      return { status: r.status, body: await r.text() };
    },
    { method, path, body, headers },
  );
}

await run("backoffice", opt, async (t) => {
  const { page } = t;
  await page.addInitScript(() => localStorage.setItem("registro.lang", "it"));

  t.step("anonymous");
  await t.go("/ufficio");
  await page.waitForSelector("main a[href='/auth/login']");
  t.check(await page.isVisible("text=riservato al personale"), "the back office asks the anonymous public to log in");
  await t.axe("back office, anonymous");

  t.step("legal representative refused");
  await t.login(opt.user);
  await t.go("/ufficio");
  await page.waitForSelector("[data-testid=backoffice-refused]");
  t.check((await page.locator("[data-testid=queue]").count()) === 0, "a body's legal representative is refused the back office (no queue shown)");
  await t.axe("back office, refused");
  await t.shot("backoffice-refused");
  // The body asks for a referent, whom the clerk verifies below.
  const ref = await call(page, "POST", `/v1/entities/${opt.entity}/referents`,
    { firstName: "Luca", lastName: "Verdi", taxCode: opt.referent, phone: "0612345678", email: "luca.verdi@example.it" },
    { "Registro-Entity": opt.entity });
  t.check(ref.status === 201, "the body requests a referent through the API", `${ref.status} ${ref.body}`);
  await t.logout();

  t.step("clerk: queue");
  await t.login(opt.clerk);
  // A regional office's request for the Section II list, recorded by the clerk (received by PEC).
  const acc = await call(page, "POST", "/v1/access-requests",
    { grantee: "regione-lazio:ufficio-immigrazione", region: "12", purpose: "Programmazione dei servizi di accoglienza regionali" });
  t.check(acc.status === 201, "the clerk records a Section II access request", `${acc.status} ${acc.body}`);
  await t.go("/ufficio");
  await page.waitForSelector("[data-testid=queue] tbody tr");
  const dues = await page.$$eval("[data-testid=queue] tbody tr td:first-child", (tds) => tds.map((td) => td.textContent));
  const rows = await page.$$eval("[data-testid=queue] tbody tr", (trs) => trs.map((tr) => tr.dataset.term));
  t.check(rows.length >= 2, `the queue lists the pending applications (${rows.length})`);
  t.check(rows[0] === "overdue", "the earliest due application comes first, marked overdue", rows.join(","));
  t.check(dues.length === rows.length, "every application shows its due date");
  t.check(await page.isVisible("[data-testid=queue-counts] >> text=scadute"), "the queue counts the overdue applications");
  await t.axe("review queue");
  await t.shot("backoffice-queue");

  t.step("clerk: application");
  const links = await page.$$eval("[data-testid=queue] tbody tr th a", (as) => as.map((a) => ({ href: a.getAttribute("href"), name: a.textContent })));
  await page.click(`[data-testid=queue] tbody tr:nth-child(1) th a`);
  await page.waitForSelector("[data-testid=eligibility] .rule");
  const rules = await page.$$eval("[data-testid=eligibility] .rule", (lis) => lis.map((li) => ({ rule: li.dataset.rule, outcome: li.dataset.outcome, text: li.textContent })));
  t.check(rules.length > 3, `the application shows its eligibility decision rule by rule (${rules.length} rules)`);
  t.check(rules.every((r) => ["pass", "fail", "missing", "not_applicable"].includes(r.outcome)), "each rule has an outcome");
  t.check(rules.some((r) => /DPR 394\/1999|D\.?lgs/.test(r.text)), "rules cite their legal basis");
  await page.waitForFunction(() => document.querySelectorAll("[data-testid=eligibility] .rule li code").length > 0).catch(() => {});
  const facts = await page.locator("[data-testid=eligibility] .rule li code").count();
  t.check(facts > 0, `rules show the facts they used (${facts})`);
  await t.axe("application");
  await t.shot("backoffice-application");

  t.step("clerk: enrol by decree");
  const pendingSections = await page.locator("[data-decide]").count();
  const decide = page.locator("[data-decide]").first();
  const section = await decide.getAttribute("data-decide");
  await decide.locator("button", { hasText: "Iscrivi con decreto" }).click();
  await decide.locator("form[data-form=enrol] input").first().fill("42/2026");
  await decide.locator("form[data-form=enrol] button[type=submit]").click();
  await page.waitForSelector("[data-testid=confirm]");
  t.check(await page.isVisible("[data-testid=confirm] >> text=42/2026"), "the clerk is asked to confirm the decree");
  await t.axe("enrolment confirmation");
  await page.click("[data-testid=confirm] button:has-text('Conferma')");
  await page.waitForSelector("[data-testid=outcome]");
  t.check(/iscritta nella Sezione/.test(await page.textContent("[data-testid=outcome]")), "the outcome says the body is enrolled");
  const enrolledNow = await page.waitForSelector(`[data-testid=section-status] [data-section='${section}'][data-status=enrolled]`).then(() => true, () => false);
  t.check(enrolledNow, `section ${section} of the application now reads enrolled`);
  await t.axe("application decided");
  await t.shot("backoffice-enrolled");

  t.step("clerk: reject with reasons");
  await t.go(links[1].href);
  await page.waitForSelector("[data-decide]");
  const d2 = page.locator("[data-decide]").first();
  await d2.locator("button", { hasText: "Respingi" }).click();
  // A rejection without reasons is not sent: the form requires them.
  await d2.locator("form[data-form=reject] button[type=submit]").click();
  t.check((await page.locator("[data-testid=confirm]").count()) === 0, "a rejection without reasons asks for them before confirming");
  await d2.locator("form[data-form=reject] textarea").fill("Esperienza biennale nel settore non dimostrata");
  await d2.locator("form[data-form=reject] button[type=submit]").click();
  await page.click("[data-testid=confirm] button:has-text('Conferma')");
  await page.waitForSelector("[data-testid=outcome]");
  t.check(/respinta: Esperienza biennale/.test(await page.textContent("[data-testid=outcome]")), "the outcome says the application is rejected, with its reasons");
  await page.waitForSelector("[data-testid=section-status] [data-status=rejected]");
  await t.axe("application rejected");

  t.step("clerk: the queue no longer lists them");
  await t.go("/ufficio");
  await page.waitForSelector("[data-testid=queue] tbody tr, [data-testid=queue-empty]");
  const after = await page.$$eval("[data-testid=queue] tbody tr th a", (as) => as.map((a) => a.getAttribute("href")));
  if (pendingSections === 1) t.check(!after.includes(links[0].href), "the enrolled application has left the queue");
  t.check(!after.includes(links[1].href), "the rejected application has left the queue");

  t.step("clerk: referents");
  await t.go("/ufficio/referenti");
  await page.waitForSelector("[data-testid=referents] tbody tr");
  t.check(await page.isVisible(`[data-testid=referents] >> text=${opt.referent}`), "the requested referent waits to be verified");
  await t.axe("referents");
  await t.shot("backoffice-referents");
  await page.click("[data-testid=referents] button[aria-label='Abilita Luca Verdi']");
  await page.waitForSelector("[data-testid=outcome]");
  t.check(/abilitato/.test(await page.textContent("[data-testid=outcome]")), "the clerk enables the referent and sees it");

  t.step("clerk: Section II access");
  await t.go("/ufficio/accessi");
  await page.waitForSelector("[data-testid=access-requests] li");
  await t.axe("access requests");
  await t.shot("backoffice-access");
  const req = page.locator("[data-testid=access-requests] > li", { hasText: "regione-lazio:ufficio-immigrazione" });
  await req.locator("button", { hasText: "Concedi" }).click();
  await req.locator("form button[type=submit]").click();
  await page.click("[data-testid=confirm] button:has-text('Conferma')");
  await page.waitForSelector("[data-testid=outcome]");
  t.check(/Accesso concesso/.test(await page.textContent("[data-testid=outcome]")), "the clerk grants access with an end date and sees it");

  t.step("clerk: yearly list");
  await t.go(`/ufficio/elenco-annuale?anno=${opt.year}`);
  await page.waitForSelector("[data-testid=yearly-summary] tfoot");
  const [regular, excluded] = await page.$$eval("[data-testid=yearly-summary] tfoot td", (tds) => tds.map((td) => Number(td.textContent)));
  const total = regular + excluded;
  t.check(total > 0, `the yearly list counts the enrolled bodies per recipient (${regular} regular, ${excluded} excluded)`);
  await t.axe("yearly list");
  await t.shot("backoffice-yearly-list");
  const [download] = await Promise.all([page.waitForEvent("download"), page.click("[data-testid=export-csv]")]);
  const csv = (await readFile(await download.path(), "utf8")).replace(/^\ufeff/, "").split("\r\n");
  t.check(csv[0].startsWith("recipient,recipientName,list,id,name"), "the CSV export has its header");
  t.check(csv.filter((l) => /^\d\d,[^,]*,(regular|excluded),/.test(l)).length === total, `the CSV export has one row per listed body (${total})`);
  await page.click("[data-testid=yearly-summary] tbody tr:has-text('Lazio') a");
  await page.waitForSelector("[data-testid=yearly-regular], [data-testid=yearly-empty]");
  await t.axe("yearly list of one recipient");
  await t.shot("backoffice-yearly-list-recipient");

  t.step("clerk: annual report");
  await t.go(`/ufficio/relazione-annuale?anno=${opt.year}`);
  await page.waitForSelector("[data-testid=report-header]");
  const tables = await page.locator("details[data-table]").count();
  t.check(tables > 5, `the annual report shows its tables (${tables})`);
  await page.click("details[data-table] summary");
  await t.axe("annual report");
  await t.shot("backoffice-annual-report");

  t.step("English");
  await page.evaluate(() => localStorage.setItem("registro.lang", "en"));
  await page.addInitScript(() => localStorage.setItem("registro.lang", "en"));
  await t.go("/ufficio");
  await page.waitForSelector("h1:has-text('Applications to review')");
  t.check(await page.isVisible("nav >> text=Annual report"), "the back office speaks English on request");
  await t.axe("review queue in English");
  t.check(t.consoleErrors.filter((e) => !/Failed to load resource/.test(e)).length === 0, "no error in the page's console", t.consoleErrors.join("\n"));
});
