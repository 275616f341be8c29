// End-to-end test of the association area (run by TestBrowserApp):
//
//  1. a person with no body (--referent) applies for a new one in the
//     wizard — data loaded from the CLI's eligible example, then edited in
//     the form, seven attachments uploaded — and gets the receipt;
//  2. a legal representative (--user) acting for their body (--entity)
//     starts the annual report, which is autosaved as a server draft,
//     reloads the page and resumes it (also in English, data kept), edits
//     a project, sees the service's problems next to the field, files and
//     gets the receipt, then reads the filed report back.
//
// axe-core runs on every page; screenshots are association-*.png.
import { readFile } from "node:fs/promises";
import { options, run } from "./lib/harness.mjs";

const opt = options();

// A minimal PDF and a CAdES envelope (.p7m), as the API's tests use.
const pdf = Buffer.from("%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n");

/** vatNumber returns a valid 11-digit codice fiscale of a body (partita IVA). */
function vatNumber() {
  // Seven digits of the number, three of the tax office (001-099), the check digit.
  const d = [];
  for (let i = 0; i < 7; i++) d.push(i === 0 ? 1 + Math.floor(Math.random() * 9) : Math.floor(Math.random() * 10));
  d.push(0, Math.floor(Math.random() * 9), 1 + Math.floor(Math.random() * 9));
  let sum = 0;
  d.forEach((x, i) => {
    if (i % 2 === 0) sum += x;
    else sum += x * 2 > 9 ? x * 2 - 9 : x * 2;
  });
  return d.join("") + String((10 - (sum % 10)) % 10);
}

const today = new Date().toISOString().slice(0, 10);

await run("association", opt, async (t) => {
  const { page } = t;

  // ---- 1. A new body applies.
  t.step("log in as a person with no body");
  await t.login(opt.referent);
  await t.go("/area");
  await page.waitForSelector("main h1");
  await page.waitForFunction(() => !document.querySelector("main")?.textContent.includes("Caricamento"));
  t.check(await page.getByText("Non risulta alcun ente").isVisible(), "a person with no body is told so");
  await t.axe("area, no body");

  t.step("application wizard");
  await page.getByRole("link", { name: "Presenta una domanda di iscrizione" }).click();
  await page.waitForSelector("#import-application");
  await t.axe("application: first step");
  await t.shot("association-application");
  const example = JSON.parse(await readFile(new URL("../../registro/testdata/eligibility/eligible-I.json", import.meta.url), "utf8"));
  delete example.id;
  delete example.entityId;
  delete example.attachments;
  example.date = today;
  example.body.taxCode = vatNumber();
  example.body.legalRepresentative = { firstName: "Luca", lastName: "Verdi", taxCode: opt.referent, sex: "male", citizenship: "IT" };
  example.signature = { ...example.signature, signerTaxCode: opt.referent, signedAt: today };
  await page.setInputFiles("#import-application", { name: "domanda.json", mimeType: "application/json", buffer: Buffer.from(JSON.stringify(example)) });

  t.step("application: the body, edited in the form");
  await page.getByRole("button", { name: /^2\. / }).click();
  const name = page.getByLabel("Denominazione", { exact: false }).first();
  await name.fill("Associazione Prova Browser");
  const comune = page.locator("select[id$='_comune']").first();
  await page.waitForFunction(() => [...document.querySelectorAll("select[id$='_comune'] option")].length > 10);
  t.check(await comune.inputValue() === "058091", "the seat's comune is the example's (Roma)");
  t.check((await comune.locator("option:checked").textContent()) === "Roma", "the comune is shown by name");
  t.check((await page.locator("select[id$='_region'] option:checked").first().textContent()) === "Lazio", "the region is shown by name");
  await t.axe("application: the body");
  await t.shot("association-application-body");

  t.step("application: the service's problems on the review page, before sending");
  await name.fill("");
  await page.getByRole("button", { name: /Riepilogo e invio/ }).click();
  const backToBody = page.locator("[data-problems] button", { hasText: "Vai al passo 2" });
  await backToBody.first().waitFor({ timeout: 30000 });
  t.check(!(await page.locator("[data-checked]").count()), "an application without the body's name is not passed");
  t.check(/Denominazione/.test(await page.locator("[data-problems]").textContent()),
    "the review names the missing field by its title", await page.locator("[data-problems]").textContent());
  await backToBody.first().click();
  await name.fill("Associazione Prova Browser");

  t.step("application: attachments");
  await page.getByRole("button", { name: /Allegati/ }).click();
  const kinds = ["statute", "founding_act", "balance_sheet", "activity_report", "legal_rep_declaration", "board_declarations", "identity_document"];
  for (const k of kinds) await page.setInputFiles(`#file-${k}`, { name: `${k}.pdf`, mimeType: "application/pdf", buffer: pdf });
  await t.axe("application: attachments");

  t.step("application: review and send");
  await page.getByRole("button", { name: /Riepilogo e invio/ }).click();
  // Until the service answers, the earlier check's problems (the name and
  // the attachments missing) are not shown as if they still held.
  t.check(await page.locator("[data-problems]").count() === 0,
    "the review shows no problems of an earlier check while the service checks again");
  await page.getByRole("button", { name: "Invia la domanda" }).waitFor();
  await page.locator("[data-checked], [data-problems]").first().waitFor({ timeout: 30000 });
  t.check(await page.locator("[data-checked]").count() === 1, "the service checked the application before sending: no problems",
    (await page.locator("[data-problems]").count()) ? await page.locator("[data-problems]").textContent() : "");
  await t.axe("application: review");
  await t.shot("association-application-review");
  await page.getByRole("button", { name: "Invia la domanda" }).click();
  await page.locator("[data-testid=protocol], [data-problems], .alert-danger").first().waitFor({ timeout: 30000 });
  if (!(await page.locator("[data-testid=protocol]").count())) {
    throw new Error(`the application was refused: ${await page.locator("[data-problems], .alert-danger").first().textContent()}`);
  }
  const appProtocol = await page.locator("[data-testid=protocol]").textContent();
  t.check(/\S/.test(appProtocol), "the application's receipt has a protocol number", appProtocol);
  await t.axe("application: receipt");
  await t.shot("association-application-receipt");
  await page.getByRole("link", { name: "Torna ai miei enti" }).click();
  await page.getByText("Associazione Prova Browser").first().waitFor();
  t.check(await page.getByText("Domanda presentata").first().isVisible(), "the new body is listed, its application presented");
  await t.logout();

  // ---- 2. A body's annual report.
  t.step("log in as the legal representative");
  await t.login(opt.user);
  await t.go("/area");
  const card = page.locator(".card", { hasText: opt.entity });
  await card.waitFor();
  // The shell acts for a person's only body by itself; with several, the person chooses here.
  const actHere = card.getByRole("button", { name: "Opera per questo ente" });
  if (await actHere.count()) await actHere.click();
  await card.getByText("Sta operando per questo ente").waitFor();
  t.check(await card.locator(`[data-overdue="${opt.year}"]`).count() === 1, `the ${opt.year} report is marked overdue (its deadline has passed)`);
  await t.axe("area: my bodies");
  await t.shot("association-home");

  t.step("the report: a new draft");
  await t.go(`/area/relazione/${opt.year}`);
  await page.waitForSelector("#import-report");
  await t.axe("report: first step");
  await t.shot("association-report");
  const report = await t.report();
  await page.setInputFiles("#import-report", { name: "relazione.json", mimeType: "application/json", buffer: Buffer.from(JSON.stringify(report)) });
  await page.waitForSelector("[data-save=saved][data-pending='0']", { timeout: 30000 });
  t.check(true, "the draft is saved on the server");

  t.step("the report: edit a project");
  t.check(report.projects?.length > 0, "the report has projects");
  await page.getByRole("button", { name: /^3\. Progetto 1/ }).click();
  const title = page.getByLabel("Titolo", { exact: false }).first();
  await title.fill("Progetto modificato nel browser");
  const amount = page.locator("input[inputmode=decimal]").first();
  if (await amount.count()) {
    t.check(/^\d{1,3}(\.\d{3})*,\d{2}$/.test(await amount.inputValue()), "amounts are shown in euros with decimals", await amount.inputValue());
  }
  await page.waitForSelector("[data-save=saved][data-pending='0']", { timeout: 30000 });
  await t.axe("report: a project");
  await t.shot("association-report-project");

  t.step("reload and resume");
  await page.reload();
  await page.getByText("Bozza ripresa").waitFor();
  await page.getByRole("button", { name: /^3\. Progetto 1/ }).click();
  t.check(await page.getByLabel("Titolo", { exact: false }).first().inputValue() === "Progetto modificato nel browser", "the draft resumes with the edit");

  t.step("in English, the data stay");
  await page.evaluate(() => localStorage.setItem("registro.lang", "en"));
  await page.reload();
  await page.getByText("Draft resumed").waitFor();
  await page.getByRole("button", { name: /^3\. Project 1/ }).click();
  await page.getByRole("heading", { name: `Annual report ${opt.year}` }).waitFor();
  t.check(await page.getByLabel("Title", { exact: false }).first().inputValue() === "Progetto modificato nel browser", "the English form holds the same data");
  await t.axe("report in English");
  await page.evaluate(() => localStorage.setItem("registro.lang", "it"));
  await page.reload();
  await page.getByText("Bozza ripresa").waitFor();

  t.step("problems next to their field");
  await page.getByRole("button", { name: /^3\. Progetto 1/ }).click();
  await page.getByLabel("Titolo", { exact: false }).first().fill("");
  await page.waitForSelector("[data-save=saved][data-pending='0']", { timeout: 30000 });
  await page.getByRole("button", { name: /Riepilogo e invio/ }).click();
  await page.getByRole("button", { name: "Verifica" }).click();
  await page.getByText(/problemi da correggere/).waitFor({ timeout: 30000 });
  t.check(await page.locator("li", { hasText: "Titolo:" }).count() > 0, "the review names the problem's field by its title");
  await t.axe("report: problems");
  await t.shot("association-report-problems");
  await page.getByRole("button", { name: /Vai al passo 3/ }).click();
  const fieldError = page.locator(".invalid-feedback, .error-detail, .text-danger").first();
  await fieldError.waitFor();
  t.check(/\S/.test(await fieldError.textContent()), "the service's problem is shown on the project's step", await fieldError.textContent());
  await page.getByLabel("Titolo", { exact: false }).first().fill("Progetto modificato nel browser");

  t.step("file and read back");
  await page.getByRole("button", { name: /Riepilogo e invio/ }).click();
  await page.getByRole("button", { name: "Verifica" }).click();
  await page.getByText("Nessun problema").waitFor({ timeout: 30000 });
  await t.axe("report: review");
  await t.shot("association-report-review");
  await page.getByRole("button", { name: "Presenta la relazione" }).click();
  const protocol = (await page.locator("[data-testid=protocol]").textContent({ timeout: 30000 })).trim();
  t.check(/^REG-\d{4}-\d{8}$/.test(protocol), "the report's receipt has its protocol number", protocol);
  await t.axe("report: receipt");
  await t.shot("association-report-receipt");
  await page.getByRole("link", { name: "Vedi la relazione presentata" }).click();
  await page.getByText("Progetto modificato nel browser").first().waitFor();
  t.check((await page.locator("[data-testid=protocol]").textContent()).trim() === protocol, "the filed report reads back with its protocol");
  await t.axe("report read back");
  await t.shot("association-report-filed");
  await t.go("/area/relazioni");
  await page.getByRole("cell", { name: protocol }).waitFor();
  t.check(true, "the past reports list the filing");
  await t.go("/area");
  await page.locator(".card", { hasText: opt.entity }).getByText("Sta operando per questo ente").waitFor();
  t.check(await page.locator(`.card [data-overdue="${opt.year}"]`).count() === 0, `the ${opt.year} report is no longer overdue`);
  await t.go("/area/relazioni");
  await page.getByRole("cell", { name: protocol }).waitFor();
  await t.axe("past reports");
  await t.shot("association-reports");
  const errors = t.consoleErrors.filter((e) => !/Failed to load resource/.test(e));
  t.check(errors.length === 0, "no console errors (but the answers the page expects: a draft not yet made, 404)", errors.join("\n"));
});
