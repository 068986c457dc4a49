/**
 * Standard base64 with Go `base64.StdEncoding` decoding rules (key files and
 * `sig` values written by the Go tool must read the same).
 */

import assert from "node:assert/strict";
import fc from "fast-check";
import { Base64DecodeError, decodeBase64, encodeBase64 } from "../../src/crypto/mod.ts";

function bin(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes));
}

Deno.test("encodeBase64 matches btoa (padded standard alphabet)", () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
      assert.equal(encodeBase64(bytes), bin(bytes));
    }),
  );
});

Deno.test("decodeBase64 round-trips every byte string", () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
      assert.deepEqual(decodeBase64(encodeBase64(bytes)), bytes);
    }),
  );
});

Deno.test("decodeBase64 skips CR and LF anywhere, like Go", () => {
  assert.deepEqual(decodeBase64("AQ\r\nID\nBA=\r\n="), new Uint8Array([1, 2, 3, 4]));
  assert.deepEqual(decodeBase64("\n"), new Uint8Array());
  assert.deepEqual(decodeBase64(""), new Uint8Array());
});

function offsetOf(text: string): number {
  try {
    decodeBase64(text);
  } catch (error) {
    assert.ok(error instanceof Base64DecodeError);
    assert.equal(error.message, `illegal base64 data at input byte ${error.offset}`);
    return error.offset;
  }
  throw new Error(`decoded without error: ${text}`);
}

Deno.test("decodeBase64 rejects what Go rejects, at Go's offsets", () => {
  assert.equal(offsetOf("AQID BA=="), 4); // space is not skipped
  assert.equal(offsetOf("AQIDBA"), 4); // padding is required
  assert.equal(offsetOf("AQIDB"), 4); // a lone trailing character
  assert.equal(offsetOf("AQIDBA="), 7); // "==" cut short
  assert.equal(offsetOf("AQIDBA=x"), 6); // bad second pad
  assert.equal(offsetOf("AQIDBA==AQID"), 8); // data after padding
  assert.equal(offsetOf("=AAA"), 0);
  assert.equal(offsetOf("A=AA"), 1);
  assert.equal(offsetOf("AQ-_"), 2); // URL alphabet is not standard base64
  assert.equal(offsetOf("AQIDé"), 4);
});

Deno.test("decodeBase64 accepts non-zero trailing bits, like Go's non-strict decoder", () => {
  assert.deepEqual(decodeBase64("AR=="), new Uint8Array([1]));
  assert.deepEqual(decodeBase64("AQJ="), new Uint8Array([1, 2]));
});
