/**
 * RFC 8785 (JCS) canonical JSON: spec 01 §1 and the RFC's own examples.
 */

import assert from "node:assert/strict";
import fc from "fast-check";
import { canonicalJson, canonicalJsonBytes } from "../../src/core/canonical_json.ts";
import { GaitError } from "../../src/core/errors.ts";
import { parseStrictJson } from "../../src/core/strict_json.ts";
import { jsonValue } from "../helpers/arbitraries.ts";

function doubleFromHex(hex: string): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setBigUint64(0, BigInt("0x" + hex));
  return view.getFloat64(0);
}

function assertInvalidInput(fn: () => unknown, message: RegExp): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof GaitError, `expected GaitError, got ${String(error)}`);
    assert.equal(error.category, "invalid_input");
    assert.match(error.message, message);
    return true;
  });
}

Deno.test("RFC 8785 §3.2.3: object keys sort by UTF-16 code units", () => {
  const input = {
    "\u20ac": "Euro Sign",
    "\r": "Carriage Return",
    "\ufb33": "Hebrew Letter Dalet With Dagesh",
    "1": "One",
    "\ud83d\ude00": "Emoji: Grinning Face",
    "\u0080": "Control",
    "\u00f6": "Latin Small Letter O With Diaeresis",
  };
  const out = canonicalJson(input);
  assert.equal(
    out,
    '{"\\r":"Carriage Return","1":"One","\u0080":"Control",' +
      '"\u00f6":"Latin Small Letter O With Diaeresis","\u20ac":"Euro Sign",' +
      '"\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
  );
  // The property order as written (JS objects would list the integer-like key "1" first).
  const order = [...out.matchAll(/"([^"]*)":"[^"]*"/g)].map((m) => JSON.parse(`"${m[1]}"`));
  assert.deepEqual(order, ["\r", "1", "\u0080", "\u00f6", "\u20ac", "\ud83d\ude00", "\ufb33"]);
});

Deno.test("key sorting is by UTF-16 code unit, not by code point or UTF-8 bytes", () => {
  // U+1F600 is 0xD83D 0xDE00 in UTF-16: before U+E000 by code unit, after it by code point.
  assert.equal(canonicalJson({ "\ue000": 1, "\u{1f600}": 2 }), '{"\u{1f600}":2,"\ue000":1}');
  assert.equal(
    canonicalJson({ b: 1, a: 2, B: 3, "": 4, aa: 5 }),
    '{"":4,"B":3,"a":2,"aa":5,"b":1}',
  );
});

Deno.test("RFC 8785 §3.2.2: the canonicalization example", () => {
  const input = `{
    "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
    "string": "\\u20ac$\\u000F\\u000aA'\\u0042\\u0022\\u005c\\\\\\"\\/",
    "literals": [null, true, false]
  }`;
  assert.equal(
    canonicalJson(parseStrictJson(input)),
    '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],' +
      '"string":"\u20ac$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
  );
});

// RFC 8785 Appendix B: IEEE 754 bit patterns and their ES6 serialization.
const APPENDIX_B: [string, string][] = [
  ["0000000000000000", "0"],
  ["8000000000000000", "0"],
  ["0000000000000001", "5e-324"],
  ["8000000000000001", "-5e-324"],
  ["7fefffffffffffff", "1.7976931348623157e+308"],
  ["ffefffffffffffff", "-1.7976931348623157e+308"],
  ["4340000000000000", "9007199254740992"],
  ["c340000000000000", "-9007199254740992"],
  ["4430000000000000", "295147905179352830000"],
  ["44b52d02c7e14af5", "9.999999999999997e+22"],
  ["44b52d02c7e14af6", "1e+23"],
  ["44b52d02c7e14af7", "1.0000000000000001e+23"],
  ["444b1ae4d6e2ef4e", "999999999999999700000"],
  ["444b1ae4d6e2ef4f", "999999999999999900000"],
  ["444b1ae4d6e2ef50", "1e+21"],
  ["3eb0c6f7a0b5ed8c", "9.999999999999997e-7"],
  ["3eb0c6f7a0b5ed8d", "0.000001"],
  ["41b3de4355555553", "333333333.3333332"],
  ["41b3de4355555554", "333333333.33333325"],
  ["41b3de4355555555", "333333333.3333333"],
  ["41b3de4355555556", "333333333.3333334"],
  ["41b3de4355555557", "333333333.33333343"],
  ["becbf647612f3696", "-0.0000033333333333333333"],
  ["43143ff3c1cb0959", "1424953923781206.2"],
];

for (const [hex, expected] of APPENDIX_B) {
  Deno.test(`RFC 8785 Appendix B: ${hex} serializes as ${expected}`, () => {
    assert.equal(canonicalJson(doubleFromHex(hex)), expected);
  });
}

const NUMBER_LITERALS: [number, string][] = [
  [-0, "0"],
  [1e21, "1e+21"],
  [1e20, "100000000000000000000"],
  [1e-7, "1e-7"],
  [1e-6, "0.000001"],
  [333333333.33333329, "333333333.3333333"],
  [9007199254740991, "9007199254740991"],
  [9007199254740992, "9007199254740992"],
  [4.5, "4.5"],
  [2e-3, "0.002"],
  [0.1, "0.1"],
  [-1.5, "-1.5"],
  [100, "100"],
  [1e30, "1e+30"],
];

for (const [value, expected] of NUMBER_LITERALS) {
  Deno.test(`number ${Object.is(value, -0) ? "-0" : value} serializes as ${expected}`, () => {
    assert.equal(canonicalJson(value), expected);
    assert.equal(canonicalJson([value]), `[${expected}]`);
  });
}

Deno.test("NaN and Infinity are rejected as invalid_input", () => {
  for (const value of [NaN, Infinity, -Infinity]) {
    assertInvalidInput(() => canonicalJson(value), /non-finite/);
    assertInvalidInput(() => canonicalJson({ a: [value] }), /non-finite/);
  }
});

Deno.test("non-JSON values (bigint, function, symbol) are rejected", () => {
  assertInvalidInput(() => canonicalJson(1n), /bigint/);
  assertInvalidInput(() => canonicalJson({ f: () => 1 }), /unsupported/);
  assertInvalidInput(() => canonicalJson(Symbol("x")), /unsupported/);
});

Deno.test('string escaping: only " and \\ and \\b \\f \\n \\r \\t have short escapes', () => {
  assert.equal(canonicalJson('"\\\b\f\n\r\t'), '"\\"\\\\\\b\\f\\n\\r\\t"');
});

Deno.test("string escaping: other controls are \\u00xx with lowercase hex", () => {
  assert.equal(canonicalJson("\u0000"), '"\\u0000"');
  assert.equal(canonicalJson("\u0001\u000b\u000e\u001f"), '"\\u0001\\u000b\\u000e\\u001f"');
  for (let c = 0; c < 0x20; c++) {
    const out = canonicalJson(String.fromCharCode(c));
    assert.ok(out === out.toLowerCase() || /^"\\[bfnrt]"$/.test(out), out);
  }
});

Deno.test("string escaping: everything else is raw UTF-8, including U+2028, DEL and /", () => {
  const raw = "/<>&'\u007f\u0080\u00e9\u2028\u2029\ufeff\u{1f600}";
  assert.equal(canonicalJson(raw), `"${raw}"`);
  assert.deepEqual(
    canonicalJsonBytes("\u2028"),
    new Uint8Array([0x22, 0xe2, 0x80, 0xa8, 0x22]),
  );
});

Deno.test("lone surrogates are replaced by U+FFFD", () => {
  assert.equal(canonicalJson("a\ud800b"), '"a\ufffdb"');
  assert.equal(canonicalJson("\udc00"), '"\ufffd"');
  assert.equal(canonicalJson({ "\ud83d": "\ude00x" }), '{"\ufffd":"\ufffdx"}');
  assert.equal(canonicalJson("\ud83d\ude00"), '"\ud83d\ude00"');
});

Deno.test("no whitespace is emitted and there is no trailing newline", () => {
  const out = canonicalJson({ a: [1, { b: null, c: [true, false, "x y"] }], d: {} });
  assert.equal(out, '{"a":[1,{"b":null,"c":[true,false,"x y"]}],"d":{}}');
});

Deno.test("nested structures are sorted at every depth, arrays keep order", () => {
  const out = canonicalJson({ z: { y: [{ b: 2, a: 1 }, [3, 2, 1]], x: {} }, a: [] });
  assert.equal(out, '{"a":[],"z":{"x":{},"y":[{"a":1,"b":2},[3,2,1]]}}');
});

Deno.test("undefined properties are omitted; undefined array items become null", () => {
  assert.equal(canonicalJson({ a: undefined, b: 1 }), '{"b":1}');
  assert.equal(canonicalJson([undefined, 1]), "[null,1]");
});

Deno.test("__proto__ as an own key is serialized like any other key", () => {
  const value = parseStrictJson('{"__proto__":{"x":1},"a":2}');
  assert.equal(canonicalJson(value), '{"__proto__":{"x":1},"a":2}');
});

Deno.test("canonicalJsonBytes is the UTF-8 encoding of canonicalJson", () => {
  const value = { "\u00e9": ["\u{1f600}", 1.5] };
  assert.deepEqual(canonicalJsonBytes(value), new TextEncoder().encode(canonicalJson(value)));
  assert.equal(canonicalJsonBytes({ a: 1 }).length, 7);
});

const anyJson = jsonValue();

Deno.test("property: parseStrictJson(canonicalJson(v)) deep-equals v", () => {
  fc.assert(
    fc.property(anyJson, (v) => {
      // JSON has no -0; JSON.parse(JSON.stringify(v)) is v with -0 read back as 0.
      const expected = JSON.parse(JSON.stringify(v));
      assert.deepEqual(parseStrictJson(canonicalJson(v)), expected);
    }),
    { numRuns: 300 },
  );
});

Deno.test("property: canonicalJson is idempotent through a re-parse", () => {
  fc.assert(
    fc.property(anyJson, (v) => {
      const once = canonicalJson(v);
      assert.equal(canonicalJson(parseStrictJson(once)), once);
    }),
    { numRuns: 300 },
  );
});

Deno.test("property: canonicalJson matches a JSON.stringify reference with sorted keys", () => {
  // Built as text: JS objects list integer-like keys first whatever the insertion order.
  const reference = (v: unknown): string => {
    if (Array.isArray(v)) return `[${v.map(reference).join(",")}]`;
    if (v !== null && typeof v === "object") {
      const record = v as Record<string, unknown>;
      const members = Object.keys(record).sort().map((k) =>
        `${JSON.stringify(k)}:${reference(record[k])}`
      );
      return `{${members.join(",")}}`;
    }
    return JSON.stringify(v);
  };
  fc.assert(
    fc.property(anyJson, (v) => {
      assert.equal(canonicalJson(v), reference(v));
    }),
    { numRuns: 300 },
  );
});
