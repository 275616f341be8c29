import { test } from "node:test";
import assert from "node:assert/strict";
import { actingFor, isOffice, navItems } from "./nav.js";

const paths = (s) => navItems(s).map((i) => i.to);

test("navItems gives each person what their role lets them use", () => {
  const cases = [
    ["anonymous", { loggedIn: false }, ["/", "/dati-aperti"]],
    ["a person with no body and no role", { loggedIn: true, role: "", bodies: [] }, ["/", "/dati-aperti", "/area"]],
    ["a legal representative", { loggedIn: true, role: "", bodies: [{ id: "A" }] }, ["/", "/dati-aperti", "/area"]],
    ["a clerk", { loggedIn: true, role: "staff", bodies: [] }, ["/", "/dati-aperti", "/ufficio"]],
    ["a regional officer", { loggedIn: true, role: "region:12", bodies: [] }, ["/", "/dati-aperti", "/ufficio"]],
    ["a clerk acting for a body", { loggedIn: true, role: "staff", bodies: [{ id: "A" }] }, ["/", "/dati-aperti", "/area", "/ufficio"]],
    ["a made-up role", { loggedIn: true, role: "region:lazio", bodies: [] }, ["/", "/dati-aperti", "/area"]],
  ];
  for (const [who, s, want] of cases) assert.deepEqual(paths(s), want, who);
  assert.equal(navItems({ loggedIn: true, role: "region:12" }).at(-1).key, "region");
  assert.equal(navItems({ loggedIn: true, role: "staff" }).at(-1).key, "office");
});

test("isOffice", () => {
  assert.ok(isOffice("staff"));
  assert.ok(isOffice("region:01"));
  assert.ok(!isOffice(""));
  assert.ok(!isOffice(undefined));
  assert.ok(!isOffice("region:"));
});

test("actingFor keeps a chosen body of the person's, else their first", () => {
  const bodies = [{ id: "A" }, { id: "B" }];
  assert.equal(actingFor(bodies, "B"), "B");
  assert.equal(actingFor(bodies, "Z"), "A");
  assert.equal(actingFor(bodies, ""), "A");
  assert.equal(actingFor([], "A"), "");
  assert.equal(actingFor(undefined, "A"), "");
});
