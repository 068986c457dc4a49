/**
 * The strict JSON parser for hostile input (spec 01 §1: duplicate keys are an
 * error; DESIGN "Untrusted input").
 */

import assert from "node:assert/strict";
import { GaitError } from "../../src/core/errors.ts";
import {
  decodeUtf8Strict,
  parseStrictJson,
  parseStrictJsonBytes,
} from "../../src/core/strict_json.ts";

function assertRejected(text: string, message: RegExp, options = {}): GaitError {
  let caught: unknown;
  try {
    parseStrictJson(text, options);
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof GaitError, `expected a GaitError for ${JSON.stringify(text)}`);
  assert.equal(caught.category, "invalid_input");
  assert.equal(caught.exitCode, 6);
  assert.match(caught.message, message);
  return caught;
}

Deno.test("valid documents parse to the same values as JSON.parse", () => {
  const docs = [
    "null",
    "true",
    "false",
    "0",
    "-0.5e+3",
    "1E2",
    '""',
    '"\\u00e9\\/\\b\\f\\n\\r\\t\\"\\\\"',
    '"\\ud83d\\ude00"',
    "[]",
    "{}",
    ' \t\r\n{ "a" : [ 1 , { "b" : null } ] } \n',
  ];
  for (const doc of docs) assert.deepEqual(parseStrictJson(doc), JSON.parse(doc), doc);
});

Deno.test("duplicate keys are rejected", () => {
  assertRejected('{"a":1,"a":2}', /duplicate key "a"/);
});

Deno.test("duplicate keys are rejected in nested objects", () => {
  assertRejected('{"x":[{"b":{"a":1,"a":1}}]}', /duplicate key "a"/);
});

Deno.test("duplicate keys are detected after unescaping", () => {
  assertRejected('{"a":1,"\\u0061":2}', /duplicate key "a"/);
});

Deno.test("__proto__ twice is a duplicate key", () => {
  assertRejected('{"__proto__":1,"__proto__":2}', /duplicate key "__proto__"/);
});

Deno.test("__proto__ is an ordinary own key and does not pollute prototypes", () => {
  const value = parseStrictJson('{"__proto__":{"polluted":true},"a":1}') as Record<
    string,
    unknown
  >;
  assert.equal(Object.getPrototypeOf(value), Object.prototype);
  assert.ok(Object.hasOwn(value, "__proto__"));
  assert.deepEqual(Object.keys(value), ["__proto__", "a"]);
  assert.equal((value as { polluted?: unknown }).polluted, undefined);
  assert.equal(({} as { polluted?: unknown }).polluted, undefined);
  assert.deepEqual(Object.getOwnPropertyDescriptor(value, "__proto__")?.value, { polluted: true });
});

Deno.test("trailing content is rejected", () => {
  for (const doc of ["{} x", "{}{}", "1 2", "[1]]", "nullnull", '"a""b"', "truex"]) {
    assertRejected(doc, /trailing content/);
  }
});

Deno.test("comments are rejected", () => {
  assertRejected('{"a":1 /* c */}', /expected ','/);
  assertRejected('// c\n{"a":1}', /unexpected character/);
  assertRejected('{"a":1} // c', /trailing content/);
});

Deno.test("single quotes are rejected", () => {
  assertRejected("{'a':1}", /expected string key/);
  assertRejected("'a'", /unexpected character/);
});

Deno.test("NaN, Infinity and out-of-range numbers are rejected", () => {
  assertRejected("NaN", /unexpected character/);
  assertRejected("Infinity", /unexpected character/);
  assertRejected("-Infinity", /invalid number/);
  assertRejected("[1e400]", /out of range/);
});

Deno.test("malformed numbers are rejected (leading zeros, bare dot, plus sign)", () => {
  for (const doc of ["01", "-01", "[00]"]) assertRejected(doc, /trailing content|expected ','/);
  for (const doc of ["1.", "1.e3", "1e", "1e+"]) assertRejected(doc, /trailing content/);
  for (const doc of [".5", "+1"]) assertRejected(doc, /unexpected character/);
  assertRejected("-", /invalid number/);
});

Deno.test("bad escapes are rejected", () => {
  assertRejected('"\\x41"', /invalid escape/);
  assertRejected('"\\\'"', /invalid escape/);
  assertRejected('"\\u12"', /invalid unicode escape/);
  assertRejected('"\\u12G4"', /invalid unicode escape/);
  assertRejected('"\\U0041"', /invalid escape/);
});

Deno.test("unterminated documents are rejected", () => {
  assertRejected('"abc', /unterminated string/);
  assertRejected('"abc\\', /unterminated string|invalid escape/);
  assertRejected('{"a":1', /expected ','/);
  assertRejected("[1,2", /expected ','/);
  assertRejected('{"a":', /unexpected end of input/);
  assertRejected("", /unexpected end of input/);
  assertRejected("   ", /unexpected end of input/);
  assertRejected("tru", /invalid literal/);
});

Deno.test("trailing commas and missing separators are rejected", () => {
  assertRejected("[1,]", /unexpected character/);
  assertRejected('{"a":1,}', /expected string key/);
  assertRejected('{"a" 1}', /expected ':'/);
  assertRejected("[1 2]", /expected ','/);
  assertRejected("{1:2}", /expected string key/);
});

Deno.test("raw control characters inside strings are rejected", () => {
  for (const c of ["\u0000", "\t", "\n", "\u001f"]) {
    assertRejected(`"a${c}b"`, /control character/);
  }
  assert.equal(parseStrictJson('"a\u007fb"'), "a\u007fb");
});

Deno.test("whitespace outside the four JSON whitespace characters is rejected", () => {
  assertRejected("\u00a0{}", /unexpected character/);
  assertRejected("{}\u000b", /trailing content/);
  assertRejected("\ufeff{}", /unexpected character/);
});

Deno.test("nesting depth is limited (default 512)", () => {
  const nested = (n: number) => "[".repeat(n) + "]".repeat(n);
  assert.ok(Array.isArray(parseStrictJson(nested(512))));
  assertRejected(nested(513), /nesting too deep/);
  const objects = (n: number) => '{"a":'.repeat(n) + "1" + "}".repeat(n);
  parseStrictJson(objects(512));
  assertRejected(objects(513), /nesting too deep/);
  assertRejected(nested(100_000), /nesting too deep/);
});

Deno.test("maxDepth option sets the limit", () => {
  assert.deepEqual(parseStrictJson("[[1]]", { maxDepth: 2 }), [[1]]);
  assertRejected("[[[1]]]", /nesting too deep/, { maxDepth: 2 });
  assertRejected('{"a":{"b":{}}}', /nesting too deep/, { maxDepth: 2 });
});

Deno.test("error messages include the label, line and column", () => {
  const err = assertRejected('{\n  "a": 1,\n  "a": 2\n}', /duplicate key/, {
    label: "manifest.json",
  });
  assert.equal(
    err.message,
    'manifest.json: invalid JSON at line 3, column 3: duplicate key "a"',
  );
  assert.match(assertRejected("[1,\n\n   x]", /unexpected/).message, /line 3, column 4/);
  assert.match(assertRejected("{}x", /trailing/).message, /^json: .*line 1, column 3/);
});

Deno.test("error messages are one line even for multi-line input", () => {
  const err = assertRejected('{\n"a":\n"b\nc"}', /control character/);
  assert.ok(!err.message.includes("\n"));
});

Deno.test("parseStrictJsonBytes parses valid UTF-8", () => {
  const bytes = new TextEncoder().encode('{"k":"\u00e9\u{1f600}"}');
  assert.deepEqual(parseStrictJsonBytes(bytes), { k: "\u00e9\u{1f600}" });
});

Deno.test("parseStrictJsonBytes rejects invalid UTF-8 bytes", () => {
  const cases: [string, number[]][] = [
    ["0xff byte", [0x22, 0xff, 0x22]],
    ["truncated sequence", [0x22, 0xc3, 0x22]],
    ["overlong encoding of /", [0x22, 0xc0, 0xaf, 0x22]],
    ["encoded surrogate", [0x22, 0xed, 0xa0, 0x80, 0x22]],
    ["beyond U+10FFFF", [0x22, 0xf4, 0x90, 0x80, 0x80, 0x22]],
  ];
  for (const [name, bytes] of cases) {
    assert.throws(
      () => parseStrictJsonBytes(new Uint8Array(bytes), { label: "input.json" }),
      (error: unknown) => {
        assert.ok(error instanceof GaitError, name);
        assert.equal(error.category, "invalid_input");
        assert.equal(error.message, "input.json: invalid UTF-8");
        return true;
      },
      name,
    );
  }
});

Deno.test("decodeUtf8Strict rejects a leading byte order mark", () => {
  const bom = new Uint8Array([0xef, 0xbb, 0xbf, 0x7b, 0x7d]);
  assert.throws(() => decodeUtf8Strict(bom, "input"), (error: unknown) => {
    assert.ok(error instanceof GaitError);
    assert.equal(error.category, "invalid_input");
    assert.match(error.message, /^input: /);
    return true;
  });
  assert.throws(() => parseStrictJsonBytes(bom), GaitError);
  assert.equal(decodeUtf8Strict(new Uint8Array([0x7b, 0x7d])), "{}");
});

Deno.test("lone surrogate escapes are accepted as JSON text (canonical JSON replaces them)", () => {
  assert.equal(parseStrictJson('"\\ud800"'), "\ud800");
});

Deno.test("-0 parses to negative zero and large integers keep double precision", () => {
  assert.ok(Object.is(parseStrictJson("-0"), -0));
  assert.equal(parseStrictJson("9007199254740993"), 9007199254740992);
});
