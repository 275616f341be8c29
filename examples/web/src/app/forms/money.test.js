import { test } from "node:test";
import assert from "node:assert/strict";
import { centsToEuros, eurosToCents } from "./money.js";

test("eurosToCents reads what people type", () => {
  const cases = [
    ["", null], ["  ", null], ["0", 0], ["12", 1200], ["12,5", 1250], ["12,50", 1250], ["12.50", 1250],
    ["1.234,56", 123456], ["1,234.56", 123456], ["1.234", 123400], ["1,234", 123400], ["1 234,56", 123456],
    ["€ 15,00", 1500], ["1.000.000", 100000000], ["0,07", 7],
  ];
  for (const [input, want] of cases) assert.equal(eurosToCents(input), want, JSON.stringify(input));
});

test("eurosToCents refuses what is no amount", () => {
  for (const input of ["abc", "-5", "1,234,5678", "12,345,6", "1e5", "12.3.4,5"]) {
    assert.ok(Number.isNaN(eurosToCents(input)), JSON.stringify(input));
  }
});

test("centsToEuros writes euros in the language and round-trips", () => {
  assert.equal(centsToEuros(123456, "it"), "1.234,56");
  assert.equal(centsToEuros(123456, "en"), "1,234.56");
  assert.equal(centsToEuros(7, "it"), "0,07");
  assert.equal(centsToEuros(null), "");
  for (const c of [0, 1, 99, 100, 123456, 99999999999]) {
    assert.equal(eurosToCents(centsToEuros(c, "it")), c);
    assert.equal(eurosToCents(centsToEuros(c, "en")), c);
  }
});
