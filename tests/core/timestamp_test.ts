/**
 * Timestamps with Go RFC3339Nano semantics (spec 01 §1 rule 4): kept as
 * strings, never passed through Date.
 */

import assert from "node:assert/strict";
import fc from "fast-check";
import { GaitError } from "../../src/core/errors.ts";
import {
  addSeconds,
  compareTimestamps,
  fixedClock,
  formatTimestamp,
  isZeroTimestamp,
  normalizeTimestamp,
  parseTimestamp,
  systemClock,
  toUtcTimestamp,
  tryParseTimestamp,
  unixNanos,
  ZERO_TIME,
} from "../../src/core/timestamp.ts";

const RFC3339NANO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{0,8}[1-9])?Z$/;

Deno.test("rule 4: trailing fractional zeros are trimmed", () => {
  assert.equal(normalizeTimestamp("2026-02-05T00:00:00.100000Z"), "2026-02-05T00:00:00.1Z");
  assert.equal(normalizeTimestamp("2026-02-05T00:00:00.120Z"), "2026-02-05T00:00:00.12Z");
  assert.equal(
    normalizeTimestamp("2026-02-05T00:00:00.000000010Z"),
    "2026-02-05T00:00:00.00000001Z",
  );
});

Deno.test("rule 4: an all-zero fraction is dropped entirely", () => {
  assert.equal(normalizeTimestamp("2026-02-05T00:00:00.000Z"), "2026-02-05T00:00:00Z");
  assert.equal(normalizeTimestamp("2026-02-05T00:00:00.000000000Z"), "2026-02-05T00:00:00Z");
  assert.equal(normalizeTimestamp("2026-02-05T00:00:00.0+01:00"), "2026-02-05T00:00:00+01:00");
});

Deno.test("rule 4: up to 9 fractional digits are kept exactly", () => {
  for (
    const ts of [
      "2026-02-05T00:00:00.1Z",
      "2026-02-05T00:00:00.123Z",
      "2026-02-05T00:00:00.123456Z",
      "2026-02-05T00:00:00.123456789Z",
      "2026-02-05T00:00:00.000000001Z",
      "2026-02-05T00:00:00.999999999Z",
    ]
  ) {
    assert.equal(normalizeTimestamp(ts), ts);
  }
});

Deno.test('rule 4: microseconds survive ("2026-02-05T00:00:00.123456Z" round-trips)', () => {
  const ts = "2026-02-05T00:00:00.123456Z";
  const parsed = parseTimestamp(ts);
  assert.equal(parsed.nanos, 123456000);
  assert.equal(formatTimestamp(parsed), ts);
  // Date would print "2026-02-05T00:00:00.123Z": the reason timestamps stay strings.
  assert.notEqual(new Date(ts).toISOString(), ts);
});

Deno.test("rule 4: a zero offset prints as Z", () => {
  assert.equal(normalizeTimestamp("2026-02-05T00:00:00+00:00"), "2026-02-05T00:00:00Z");
  assert.equal(normalizeTimestamp("2026-02-05T00:00:00-00:00"), "2026-02-05T00:00:00Z");
  assert.equal(normalizeTimestamp("2026-02-05T00:00:00Z"), "2026-02-05T00:00:00Z");
});

Deno.test("rule 4: any other offset is kept as ±hh:mm", () => {
  for (
    const ts of [
      "2026-02-05T00:00:00+01:00",
      "2026-02-05T00:00:00-05:00",
      "2026-02-05T00:00:00.5+05:30",
      "2026-02-05T23:59:59.000001-09:45",
      "2026-02-05T00:00:00+14:00",
    ]
  ) {
    assert.equal(normalizeTimestamp(ts), ts);
  }
});

Deno.test("parseTimestamp reads the instant and the written offset", () => {
  assert.deepEqual(parseTimestamp("2026-02-05T00:00:00Z"), {
    unixSeconds: 1770249600,
    nanos: 0,
    offsetMinutes: 0,
  });
  assert.deepEqual(parseTimestamp("2026-02-05T01:00:00.5+01:00"), {
    unixSeconds: 1770249600,
    nanos: 500000000,
    offsetMinutes: 60,
  });
  assert.equal(parseTimestamp("2026-02-05T00:00:00-05:30").offsetMinutes, -330);
});

Deno.test("toUtcTimestamp converts to UTC and prints Z", () => {
  assert.equal(toUtcTimestamp("2026-02-05T01:00:00+01:00"), "2026-02-05T00:00:00Z");
  assert.equal(toUtcTimestamp("2026-02-04T23:30:00.5-00:30"), "2026-02-05T00:00:00.5Z");
  assert.equal(toUtcTimestamp("2026-01-01T00:30:00+01:00"), "2025-12-31T23:30:00Z");
  assert.equal(toUtcTimestamp("2024-02-29T20:00:00.000123-05:00"), "2024-03-01T01:00:00.000123Z");
  assert.equal(toUtcTimestamp("2026-02-05T00:00:00.100Z"), "2026-02-05T00:00:00.1Z");
});

const INVALID: [string, string][] = [
  ["month 13", "2026-13-01T00:00:00Z"],
  ["month 00", "2026-00-01T00:00:00Z"],
  ["day 00", "2026-01-00T00:00:00Z"],
  ["Feb 30", "2026-02-30T00:00:00Z"],
  ["Feb 29 in a common year", "2025-02-29T00:00:00Z"],
  ["Feb 29 in 1900 (century, not leap)", "1900-02-29T00:00:00Z"],
  ["Apr 31", "2026-04-31T00:00:00Z"],
  ["hour 24", "2026-02-05T24:00:00Z"],
  ["minute 60", "2026-02-05T00:60:00Z"],
  ["second 60 (no leap seconds)", "2026-02-05T23:59:60Z"],
  ["missing offset", "2026-02-05T00:00:00"],
  ["10 fraction digits", "2026-02-05T00:00:00.1234567890Z"],
  ["empty fraction", "2026-02-05T00:00:00.Z"],
  ["space instead of T", "2026-02-05 00:00:00Z"],
  ["date only", "2026-02-05"],
  ["single-digit month", "2026-2-05T00:00:00Z"],
  ["offset without colon", "2026-02-05T00:00:00+0100"],
  ["offset minutes 60", "2026-02-05T00:00:00+01:60"],
  ["trailing text", "2026-02-05T00:00:00Zx"],
  ["leading space", " 2026-02-05T00:00:00Z"],
  ["empty", ""],
];

for (const [name, ts] of INVALID) {
  Deno.test(`invalid timestamp is rejected: ${name}`, () => {
    assert.equal(tryParseTimestamp(ts), null);
    assert.throws(() => parseTimestamp(ts, "created_at"), (error: unknown) => {
      assert.ok(error instanceof GaitError);
      assert.equal(error.category, "invalid_input");
      assert.equal(error.message, `created_at: invalid RFC3339 timestamp: ${ts}`);
      return true;
    });
  });
}

Deno.test("leap days are valid in leap years", () => {
  assert.equal(normalizeTimestamp("2024-02-29T00:00:00Z"), "2024-02-29T00:00:00Z");
  assert.equal(normalizeTimestamp("2000-02-29T00:00:00Z"), "2000-02-29T00:00:00Z");
});

Deno.test("zero time is Go's 0001-01-01T00:00:00Z and round-trips", () => {
  assert.equal(ZERO_TIME, "0001-01-01T00:00:00Z");
  assert.equal(normalizeTimestamp(ZERO_TIME), ZERO_TIME);
  assert.equal(isZeroTimestamp(ZERO_TIME), true);
  assert.equal(isZeroTimestamp("0001-01-01T01:00:00+01:00"), true);
  assert.equal(isZeroTimestamp("0001-01-01T00:00:00.000000001Z"), false);
  assert.equal(isZeroTimestamp("1970-01-01T00:00:00Z"), false);
  assert.equal(isZeroTimestamp("not a time"), false);
  assert.equal(unixNanos(ZERO_TIME), -62135596800n * 1_000_000_000n);
});

Deno.test('unixNanos("1980-01-01T00:00:00Z") = 315532800000000000n', () => {
  assert.equal(unixNanos("1980-01-01T00:00:00Z"), 315532800000000000n);
});

Deno.test("unixNanos is exact to the nanosecond, also before the epoch", () => {
  assert.equal(unixNanos("1970-01-01T00:00:00Z"), 0n);
  assert.equal(unixNanos("1970-01-01T00:00:00.000000001Z"), 1n);
  assert.equal(unixNanos("1969-12-31T23:59:59.999999999Z"), -1n);
  assert.equal(unixNanos("2026-02-05T00:00:00.123456789Z"), 1770249600123456789n);
  assert.equal(unixNanos("1970-01-01T01:00:00+01:00"), 0n);
});

const ADD_SECONDS: [string, number, string][] = [
  ["2026-02-05T00:00:00Z", 2, "2026-02-05T00:00:02Z"],
  ["2026-02-05T23:59:59Z", 1, "2026-02-06T00:00:00Z"],
  ["2026-01-31T23:59:59Z", 1, "2026-02-01T00:00:00Z"],
  ["2025-12-31T23:59:59Z", 1, "2026-01-01T00:00:00Z"],
  ["2024-02-28T23:59:59Z", 1, "2024-02-29T00:00:00Z"],
  ["2024-02-29T23:59:59Z", 1, "2024-03-01T00:00:00Z"],
  ["2023-02-28T23:59:59Z", 1, "2023-03-01T00:00:00Z"],
  ["2100-02-28T23:59:59Z", 1, "2100-03-01T00:00:00Z"],
  ["2000-02-28T23:59:59Z", 1, "2000-02-29T00:00:00Z"],
  ["2026-01-01T00:00:00Z", -1, "2025-12-31T23:59:59Z"],
  ["2024-03-01T00:00:00Z", -86400, "2024-02-29T00:00:00Z"],
  ["2026-02-05T00:00:00Z", 365 * 86400, "2027-02-05T00:00:00Z"],
  ["2026-02-05T23:59:59.25+02:00", 1, "2026-02-06T00:00:00.25+02:00"],
  ["2026-02-05T00:00:00.000001Z", 3600, "2026-02-05T01:00:00.000001Z"],
];

for (const [from, seconds, expected] of ADD_SECONDS) {
  Deno.test(`addSeconds(${from}, ${seconds}) = ${expected}`, () => {
    assert.equal(addSeconds(from, seconds), expected);
  });
}

Deno.test("compareTimestamps orders by instant regardless of offset", () => {
  assert.equal(compareTimestamps("2026-01-01T00:00:00Z", "2026-01-01T01:00:00+01:00"), 0);
  assert.ok(compareTimestamps("2026-01-01T00:00:00.000000001Z", "2026-01-01T00:00:00Z") > 0);
  assert.ok(compareTimestamps("2025-12-31T23:00:00-02:00", "2026-01-01T00:00:00Z") > 0);
  assert.ok(compareTimestamps("2026-01-01T00:00:00Z", "2026-01-01T00:00:01Z") < 0);
});

Deno.test("formatTimestamp can drop the fraction (seconds precision)", () => {
  const t = parseTimestamp("2026-02-05T00:00:00.987+01:00");
  assert.equal(formatTimestamp(t, { seconds: true }), "2026-02-05T00:00:00+01:00");
});

Deno.test("formatTimestamp rejects years outside 0000–9999", () => {
  assert.throws(
    () => formatTimestamp({ unixSeconds: 253402300800, nanos: 0, offsetMinutes: 0 }),
    GaitError,
  );
  assert.equal(
    formatTimestamp({ unixSeconds: 253402300799, nanos: 0, offsetMinutes: 0 }),
    "9999-12-31T23:59:59Z",
  );
});

Deno.test("fixedClock returns its normalized instant", () => {
  const clock = fixedClock("2026-02-05T00:00:00.500Z");
  assert.equal(clock.now(), "2026-02-05T00:00:00.5Z");
  assert.equal(clock.now(), "2026-02-05T00:00:00.5Z");
  assert.throws(() => fixedClock("yesterday"), GaitError);
});

Deno.test("systemClock prints UTC RFC3339Nano close to Date.now()", () => {
  const now = systemClock.now();
  assert.match(now, RFC3339NANO_UTC);
  const ms = Number(unixNanos(now) / 1_000_000n);
  assert.ok(Math.abs(ms - Date.now()) < 5000, `${now} vs ${new Date().toISOString()}`);
});

const MIN_MS = -62135596800000; // 0001-01-01T00:00:00Z
const MAX_MS = 253402300799999; // 9999-12-31T23:59:59.999Z

function isoTrimmed(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d*?)0*Z$/, (_, d) => (d ? `.${d}Z` : "Z"));
}

Deno.test("property: millisecond values agree with Date", () => {
  fc.assert(
    fc.property(fc.integer({ min: MIN_MS, max: MAX_MS }), (ms) => {
      const iso = new Date(ms).toISOString();
      const expected = isoTrimmed(ms);
      assert.equal(normalizeTimestamp(iso), expected);
      assert.equal(unixNanos(iso), BigInt(ms) * 1_000_000n);
      const unixSeconds = Math.floor(ms / 1000);
      const nanos = (ms - unixSeconds * 1000) * 1_000_000;
      assert.equal(formatTimestamp({ unixSeconds, nanos, offsetMinutes: 0 }), expected);
    }),
    { numRuns: 500 },
  );
});

Deno.test("property: offsets and addSeconds agree with Date", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 4102444800000 }),
      fc.integer({ min: -14 * 60, max: 14 * 60 }),
      fc.integer({ min: -400 * 86400, max: 400 * 86400 }),
      (ms, offset, delta) => {
        const utc = new Date(ms).toISOString();
        const local = new Date(ms + offset * 60_000).toISOString().slice(0, -1);
        const sign = offset < 0 ? "-" : "+";
        const abs = Math.abs(offset);
        const zone = offset === 0
          ? "Z"
          : `${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}:${
            String(abs % 60).padStart(2, "0")
          }`;
        const written = local + zone;
        assert.equal(toUtcTimestamp(written), isoTrimmed(ms));
        assert.equal(compareTimestamps(written, utc), 0);
        assert.equal(toUtcTimestamp(addSeconds(written, delta)), isoTrimmed(ms + delta * 1000));
      },
    ),
    { numRuns: 300 },
  );
});
