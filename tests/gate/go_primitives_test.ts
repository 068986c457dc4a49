/**
 * Go-compatible primitives the gate depends on (spec 02 §0): trim, lower,
 * uniq/lowuniq, path.Clean, path.Match globs, durations, URL host names and
 * IANA wall-clock conversion (DST gaps and overlaps like Go's time.Date).
 */

import assert from "node:assert/strict";
import { compileGoGlob } from "../../src/gate/_go_path.ts";
import { goUrlHostname } from "../../src/gate/_go_url.ts";
import { formatInstant, wallClockToInstant, zoneFormatter } from "../../src/gate/_timezone.ts";
import {
  cleanPath,
  formatGoDuration,
  goLower,
  goTrim,
  lowUniq,
  parseGoDurationNanos,
  uniq,
} from "../../src/gate/mod.ts";

Deno.test("§0 trim: Go whitespace set (not U+FEFF)", () => {
  const ws = " \t\n\v\f\r\u0085\u00a0\u1680\u2000\u200a\u2028\u2029\u202f\u205f\u3000";
  assert.equal(goTrim(ws + "x y" + ws), "x y");
  assert.equal(goTrim("\ufeffx"), "\ufeffx");
  assert.equal(goTrim("\u200bx"), "\u200bx");
});

Deno.test("§0 lower: per-code-point simple mapping", () => {
  assert.equal(goLower("ABC-Ä"), "abc-ä");
  assert.equal(goLower("İ"), "i");
  assert.equal(goLower("ΣΑΣ"), "σασ");
  assert.equal(goLower("already"), "already");
});

Deno.test("§0 uniq and lowuniq: trim, drop empties, dedupe, UTF-8 sort", () => {
  assert.deepEqual(uniq([" b", "a", "", "b", "\u{1F600}", "\uFFFD"]), [
    "a",
    "b",
    "\uFFFD",
    "\u{1F600}",
  ]);
  assert.deepEqual(lowUniq(["B", "b ", " "]), ["b"]);
  assert.deepEqual(uniq(undefined), []);
});

Deno.test("Go path.Clean", () => {
  const cases: [string, string][] = [
    ["", "."],
    ["/", "/"],
    ["//a//b/", "/a/b"],
    ["a/./b/../c", "a/c"],
    ["/../x", "/x"],
    ["../../x", "../../x"],
    ["a/..", "."],
    ["/a/b/../../..", "/"],
  ];
  for (const [input, want] of cases) assert.equal(cleanPath(input), want, input);
});

Deno.test("Go path.Match globs: *, ?, classes, negation, escapes, bad patterns", () => {
  const cases: [string, string, boolean | null][] = [
    ["/a/*.txt", "/a/b.txt", true],
    ["/a/*.txt", "/a/b/c.txt", false],
    ["/a/?", "/a/b", true],
    ["/a/?", "/a//", false],
    ["/a/[b-d]x", "/a/cx", true],
    ["/a/[^b-d]x", "/a/cx", false],
    ["/a/[^b-d]x", "/a/ex", true],
    ["/a/\\*", "/a/*", true],
    ["/a/\\*", "/a/b", false],
    ["cdn-?.net", "cdn-1.net", true],
    ["a.b(c)", "a.b(c)", true],
    ["[\\]]", "]", true],
    ["/a/[", "/a/[", null],
    ["/a/[]", "/a/x", null],
    ["/a/\\", "/a/\\", null],
    ["/a/[z-a]", "/a/b", null],
    ["*", "é", true],
  ];
  for (const [pattern, value, want] of cases) {
    const re = compileGoGlob(pattern);
    if (want === null) assert.equal(re, null, pattern);
    else assert.equal(re!.test(value), want, `${pattern} ~ ${value}`);
  }
});

Deno.test("Go durations: parse and render", () => {
  assert.equal(formatGoDuration(parseGoDurationNanos("24h")!), "24h0m0s");
  assert.equal(formatGoDuration(parseGoDurationNanos("30m")!), "30m0s");
  assert.equal(formatGoDuration(parseGoDurationNanos("1.5s")!), "1.5s");
  assert.equal(formatGoDuration(parseGoDurationNanos("500ms")!), "500ms");
  assert.equal(formatGoDuration(parseGoDurationNanos("90s")!), "1m30s");
  assert.equal(formatGoDuration(parseGoDurationNanos("1.5h")!), "1h30m0s");
  assert.equal(formatGoDuration(parseGoDurationNanos("1µs")!), "1µs");
  assert.equal(formatGoDuration(parseGoDurationNanos("0")!), "0s");
  assert.equal(formatGoDuration(-1_500_000_000n), "-1.5s");
  for (const bad of ["", "1d", "h", ".s", "1", "1.h5", "9999999999999h"]) {
    assert.equal(parseGoDurationNanos(bad), null, bad);
  }
});

Deno.test("Go url.Parse(...).Hostname()", () => {
  const cases: [string, string][] = [
    ["https://API.example.com:443/x", "API.example.com"],
    ["http://u:p@h.test/", "h.test"],
    ["//h.test/x", "h.test"],
    ["http://[fe80::1]:8080/", "fe80::1"],
    ["ftp://h.test?x#y", "h.test"],
    ["h.test/x", ""],
    ["http://h test/", ""],
    ["http://h.test:80a/", ""],
    ["http://%41.test/", ""],
    ["http://h.test/%zz", ""],
    ["1http://h.test", ""],
    [":x", ""],
    ["http:opaque", ""],
    ["http:///path", ""],
  ];
  for (const [input, want] of cases) assert.equal(goUrlHostname(input), want, input);
});

Deno.test("IANA zones: invalid and case-variant names are rejected", () => {
  assert.ok(zoneFormatter("America/New_York"));
  assert.ok(zoneFormatter("UTC"));
  assert.equal(zoneFormatter("Mars/Olympus"), null);
  assert.equal(zoneFormatter("america/new_york"), null);
  assert.equal(zoneFormatter("Local"), null);
  assert.equal(zoneFormatter(""), null);
});

Deno.test("IANA wall clock → UTC: standard and daylight time", () => {
  const ny = zoneFormatter("America/New_York")!;
  assert.equal(
    formatInstant(wallClockToInstant("2026-01-15T09:00:00", ny)!),
    "2026-01-15T14:00:00Z",
  );
  assert.equal(
    formatInstant(wallClockToInstant("2026-07-15T09:00:00", ny)!),
    "2026-07-15T13:00:00Z",
  );
  const kolkata = zoneFormatter("Asia/Kolkata")!;
  assert.equal(
    formatInstant(wallClockToInstant("2026-07-15T09:00:00.25", kolkata)!),
    "2026-07-15T03:30:00.25Z",
  );
});

Deno.test("IANA wall clock → UTC: a DST gap resolves like Go (02:30 → 01:30 standard)", () => {
  const ny = zoneFormatter("America/New_York")!;
  assert.equal(
    formatInstant(wallClockToInstant("2026-03-08T02:30:00", ny)!),
    "2026-03-08T06:30:00Z",
  );
  assert.equal(
    formatInstant(wallClockToInstant("2026-03-08T03:30:00", ny)!),
    "2026-03-08T07:30:00Z",
  );
});

Deno.test("IANA wall clock → UTC: a DST overlap resolves like Go's time.Date zone lookup", () => {
  // Go looks the zone up at the wall time read as UTC: west of UTC that is
  // still daylight time (first instant), east of UTC already standard time.
  const ny = zoneFormatter("America/New_York")!;
  assert.equal(
    formatInstant(wallClockToInstant("2026-11-01T01:30:00", ny)!),
    "2026-11-01T05:30:00Z",
  );
  const berlin = zoneFormatter("Europe/Berlin")!;
  assert.equal(
    formatInstant(wallClockToInstant("2026-10-25T02:30:00", berlin)!),
    "2026-10-25T01:30:00Z",
  );
});

Deno.test("IANA wall clock: Go layout rules (1-digit hour ok, ranges checked)", () => {
  const utc = zoneFormatter("UTC")!;
  assert.equal(
    formatInstant(wallClockToInstant("2026-02-18T9:05:00", utc)!),
    "2026-02-18T09:05:00Z",
  );
  for (
    const bad of [
      "2026-02-30T00:00:00",
      "2026-13-01T00:00:00",
      "2026-02-18T24:00:00",
      "2026-02-18 00:00:00",
      "2026-2-18T00:00:00",
      "2026-02-18T00:00:00Z",
    ]
  ) {
    assert.equal(wallClockToInstant(bad, utc), null, bad);
  }
});
