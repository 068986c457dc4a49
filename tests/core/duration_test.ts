/**
 * Go `time.ParseDuration` syntax, returned in milliseconds.
 */

import assert from "node:assert/strict";
import { GaitError } from "../../src/core/errors.ts";
import { parseGoDuration } from "../../src/core/duration.ts";

const VALID: [string, number][] = [
  ["24h", 86_400_000],
  ["1h30m", 5_400_000],
  ["30m1h", 5_400_000],
  ["500ms", 500],
  ["1.5h", 5_400_000],
  ["-1.5s", -1500],
  ["+5s", 5000],
  ["0", 0],
  ["-0", 0],
  ["0s", 0],
  ["2m3s", 123_000],
  [".5s", 500],
  ["1.s", 1000],
  ["1000ns", 0.001],
  ["1us", 0.001],
  ["1\u00b5s", 0.001],
  ["1\u03bcs", 0.001],
  ["1h1m1s1ms", 3_661_001],
];

for (const [text, ms] of VALID) {
  Deno.test(`duration "${text}" is ${ms} ms`, () => {
    assert.equal(parseGoDuration(text), ms);
  });
}

const INVALID: [string, string][] = [
  ["empty", ""],
  ["sign only", "-"],
  ["missing unit", "1"],
  ["missing unit after a valid part", "1h30"],
  ["unknown unit d", "1d"],
  ["upper-case unit", "1H"],
  ["unit without number", "h"],
  ["lone dot", ".s"],
  ["inner space", "1h 30m"],
  ["leading space", " 1h"],
  ["double sign", "--1s"],
  ["sign inside", "1h-30m"],
  ["exponent", "1e3s"],
];

for (const [name, text] of INVALID) {
  Deno.test(`invalid duration is rejected: ${name} (${JSON.stringify(text)})`, () => {
    assert.throws(() => parseGoDuration(text), (error: unknown) => {
      assert.ok(error instanceof GaitError);
      assert.equal(error.category, "invalid_input");
      assert.equal(error.message, `time: invalid duration "${text}"`);
      return true;
    });
  });
}
