/**
 * JSON as Go's encoding/json prints it (spec 03 §1 "Output"): HTML-safe
 * escaping, map keys sorted in Go string order, MarshalIndent layout.
 */

import assert from "node:assert/strict";
import fc from "fast-check";
import { compareUtf8, goJson } from "../../src/core/go_json.ts";
import { unicodeString } from "../helpers/arbitraries.ts";

Deno.test("Go escaping: < > & U+2028 U+2029 become \\u escapes", () => {
  assert.equal(
    goJson("<a href='x'>&</a>\u2028\u2029"),
    "\"\\u003ca href='x'\\u003e\\u0026\\u003c/a\\u003e\\u2028\\u2029\"",
  );
});

Deno.test("Go escaping also applies to object keys", () => {
  assert.equal(goJson({ "a<b": "&" }), '{"a\\u003cb":"\\u0026"}');
});

Deno.test("Go escaping: quote, backslash and controls as encoding/json writes them", () => {
  assert.equal(goJson('"\\\b\f\n\r\t'), '"\\"\\\\\\b\\f\\n\\r\\t"');
  assert.equal(goJson("\u0000\u001f"), '"\\u0000\\u001f"');
  assert.equal(goJson("/\u007f\u00e9\u{1f600}"), '"/\u007f\u00e9\u{1f600}"');
});

Deno.test("lone surrogates are replaced by U+FFFD", () => {
  assert.equal(goJson("a\ud800"), '"a\ufffd"');
});

Deno.test("keys are sorted at every depth with sortKeys; arrays keep order", () => {
  const value = { b: { d: 1, c: [{ z: 1, y: 2 }, 3] }, a: [{ k: { q: 1, p: 2 } }] };
  assert.equal(
    goJson(value, { sortKeys: true }),
    '{"a":[{"k":{"p":2,"q":1}}],"b":{"c":[{"y":2,"z":1},3],"d":1}}',
  );
});

Deno.test("without sortKeys insertion order is kept (struct field order)", () => {
  assert.equal(goJson({ z: 1, a: { y: 2, b: 3 } }), '{"z":1,"a":{"y":2,"b":3}}');
});

Deno.test("sorted keys use Go string order (UTF-8 bytes), not UTF-16", () => {
  assert.equal(
    goJson({ "\u{1f600}": 1, "\uffff": 2 }, { sortKeys: true }),
    '{"\uffff":2,"\u{1f600}":1}',
  );
});

Deno.test('indentation equals Go\'s json.MarshalIndent(v, "", "  ")', () => {
  const value = { a: [1, 2], b: {}, c: [], d: { e: null, f: [{ g: "h" }] }, i: "j" };
  assert.equal(
    goJson(value, { indent: "  " }),
    [
      "{",
      '  "a": [',
      "    1,",
      "    2",
      "  ],",
      '  "b": {},',
      '  "c": [],',
      '  "d": {',
      '    "e": null,',
      '    "f": [',
      "      {",
      '        "g": "h"',
      "      }",
      "    ]",
      "  },",
      '  "i": "j"',
      "}",
    ].join("\n"),
  );
});

Deno.test("scalars and empty containers have no indentation", () => {
  assert.equal(goJson(1, { indent: "  " }), "1");
  assert.equal(goJson([], { indent: "  " }), "[]");
  assert.equal(goJson({}, { indent: "  " }), "{}");
  assert.equal(goJson([[]], { indent: "  " }), "[\n  []\n]");
});

Deno.test("compact output has no whitespace", () => {
  assert.equal(goJson({ a: [1, { b: true }], c: "d e" }), '{"a":[1,{"b":true}],"c":"d e"}');
});

Deno.test("undefined properties are omitted, null and undefined values print null", () => {
  assert.equal(goJson({ a: undefined, b: null }), '{"b":null}');
  assert.equal(goJson([undefined, null]), "[null,null]");
});

Deno.test("numbers print as in JSON.stringify; bigint prints its digits", () => {
  assert.equal(
    goJson([0, -0, 1.5, 1e21, 1e-7, 12345678901234567890n]),
    "[0,0,1.5,1e+21,1e-7,12345678901234567890]",
  );
});

Deno.test("compareUtf8: astral characters sort after U+E000–U+FFFF", () => {
  assert.ok(compareUtf8("\uffff", "\u{1f600}") < 0);
  assert.ok(compareUtf8("\ue000", "\u{10000}") < 0);
  assert.ok(compareUtf8("\u{1f600}", "\uffff") > 0);
  // JS `<` compares UTF-16 code units and says the opposite.
  assert.ok("\u{1f600}" < "\uffff");
});

Deno.test("compareUtf8: prefixes sort first and equal strings compare 0", () => {
  assert.ok(compareUtf8("a", "ab") < 0);
  assert.ok(compareUtf8("ab", "a") > 0);
  assert.equal(compareUtf8("x\u{1f600}", "x\u{1f600}"), 0);
  assert.equal(compareUtf8("", ""), 0);
  assert.deepEqual(["b", "B", "a", "\u00e9", "\u{1f600}", "\uffff"].sort(compareUtf8), [
    "B",
    "a",
    "b",
    "\u00e9",
    "\uffff",
    "\u{1f600}",
  ]);
});

function compareBytes(a: string, b: string): number {
  const x = new TextEncoder().encode(a);
  const y = new TextEncoder().encode(b);
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
}

// Strings over a small alphabet that straddles every UTF-8 length boundary, so
// random pairs share prefixes and differ at interesting code points.
const interesting = fc.string({
  unit: fc.constantFrom(
    "a",
    "b",
    "\u007f",
    "\u0080",
    "\u07ff",
    "\u0800",
    "\ud7ff",
    "\ue000",
    "\uffff",
    "\u{10000}",
    "\u{1f600}",
    "\u{10ffff}",
  ),
  maxLength: 6,
});

Deno.test("property: compareUtf8 agrees with a byte-wise UTF-8 comparison", () => {
  for (const arb of [unicodeString(), interesting]) {
    fc.assert(
      fc.property(arb, arb, (a, b) => {
        assert.equal(Math.sign(compareUtf8(a, b)), Math.sign(compareBytes(a, b)));
      }),
      { numRuns: 500 },
    );
  }
});
