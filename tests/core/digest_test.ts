/**
 * SHA-256 digests and hex helpers (spec 01 §1, known-answer vectors of §10).
 */

import assert from "node:assert/strict";
import fc from "fast-check";
import { canonicalJson } from "../../src/core/canonical_json.ts";
import {
  bytesToHex,
  createSha256,
  digestJson,
  hexToBytes,
  isHex64,
  isHex64AnyCase,
  sha256Bytes,
  sha256Hex,
} from "../../src/core/digest.ts";
import { parseStrictJson } from "../../src/core/strict_json.ts";
import { unicodeString } from "../helpers/arbitraries.ts";

const ABC = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
const EMPTY = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

Deno.test('V1: H("abc") is the FIPS 180-2 value', () => {
  assert.equal(sha256Hex("abc"), ABC);
  assert.equal(sha256Hex(new TextEncoder().encode("abc")), ABC);
});

Deno.test("H of the empty input", () => {
  assert.equal(sha256Hex(""), EMPTY);
  assert.equal(sha256Hex(new Uint8Array()), EMPTY);
});

Deno.test("strings are hashed as UTF-8", () => {
  assert.equal(sha256Hex("\u00e9"), sha256Hex(new Uint8Array([0xc3, 0xa9])));
});

Deno.test("sha256Bytes is the raw form of sha256Hex", () => {
  const bytes = sha256Bytes("abc");
  assert.equal(bytes.length, 32);
  assert.equal(bytesToHex(bytes), ABC);
});

Deno.test("createSha256 over chunks equals the one-shot digest", () => {
  const h = createSha256();
  h.update(new TextEncoder().encode("a"));
  h.update(new Uint8Array());
  h.update(new TextEncoder().encode("bc"));
  assert.equal(h.hex(), ABC);
});

Deno.test("digest of a value is H(JCS(value))", () => {
  const value = { b: [1, "\u00e9"], a: { d: null, c: true } };
  assert.equal(digestJson(value), sha256Hex(canonicalJson(value)));
  assert.equal(digestJson({ b: 1, a: 2 }), sha256Hex('{"a":2,"b":1}'));
  assert.equal(digestJson({ b: 1, a: 2 }), digestJson({ a: 2, b: 1 }));
});

Deno.test('V2: args_digest of intent_1 ({"query":"offline test"})', () => {
  assert.equal(
    digestJson({ query: "offline test" }),
    "a6de3762bf639c5d3ff501fe06d72c84cf09e14c0ac244b4cf479f890dc988ff",
  );
});

Deno.test("V4: the development key seed is H of its label", () => {
  assert.equal(
    sha256Hex("gait-action-contract-activation-development-key-v1"),
    "6df9dfda161afb7d77743589fe7991305204d10b366610d326507dc646ec7bcc",
  );
});

Deno.test("V9: the demo run payload is canonical and hashes to its pinned digest", () => {
  const payload =
    '{"capture_mode":"reference","context_privacy_mode":"reference","context_ref_count":3,' +
    '"created_at":"2026-02-05T00:00:00Z","intents_count":3,' +
    '"manifest_digest":"436474ad70446539c909ae85bcc156d30197ba68efb8debdaed4f5d2eef2922e",' +
    '"refs_count":3,"results_count":3,"run_id":"run_demo","schema_id":"gait.pack.run",' +
    '"schema_version":"1.0.0"}';
  assert.equal(new TextEncoder().encode(payload).length, 330);
  assert.equal(canonicalJson(parseStrictJson(payload)), payload);
  assert.equal(
    sha256Hex(payload),
    "82a160735ce8501e0dc2ea18345d05bdc5b7411fea31f3f2216371aed8c34f4a",
  );
});

Deno.test("isHex64 accepts exactly 64 lowercase hex characters", () => {
  assert.equal(isHex64(ABC), true);
  assert.equal(isHex64("0".repeat(64)), true);
  assert.equal(isHex64(ABC.toUpperCase()), false);
  assert.equal(isHex64(ABC.slice(1)), false);
  assert.equal(isHex64(ABC + "0"), false);
  assert.equal(isHex64("g" + ABC.slice(1)), false);
  assert.equal(isHex64(`sha256:${ABC}`), false);
  assert.equal(isHex64(` ${ABC}`), false);
  assert.equal(isHex64(`${ABC}\n`), false);
  assert.equal(isHex64(null), false);
  assert.equal(isHex64(42), false);
});

Deno.test("isHex64AnyCase accepts either case", () => {
  assert.equal(isHex64AnyCase(ABC.toUpperCase()), true);
  assert.equal(isHex64AnyCase(ABC), true);
  assert.equal(isHex64AnyCase(ABC.slice(2)), false);
  assert.equal(isHex64AnyCase(undefined), false);
});

Deno.test("hexToBytes decodes either case and rejects odd length or non-hex", () => {
  assert.deepEqual(hexToBytes("00ff7fAB"), new Uint8Array([0, 255, 127, 171]));
  assert.deepEqual(hexToBytes(""), new Uint8Array());
  assert.equal(hexToBytes("abc"), null);
  assert.equal(hexToBytes("zz"), null);
  assert.equal(hexToBytes("0x00"), null);
  assert.equal(hexToBytes(" 00"), null);
});

Deno.test("bytesToHex is lowercase and zero-padded", () => {
  assert.equal(bytesToHex(new Uint8Array([0, 1, 15, 16, 255])), "00010f10ff");
  assert.equal(bytesToHex(new Uint8Array()), "");
});

Deno.test("property: hexToBytes(bytesToHex(b)) round-trips", () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 64 }), (b) => {
      const hex = bytesToHex(b);
      assert.match(hex, /^[0-9a-f]*$/);
      assert.equal(hex.length, b.length * 2);
      assert.deepEqual(hexToBytes(hex), b);
      assert.deepEqual(hexToBytes(hex.toUpperCase()), b);
    }),
  );
});

Deno.test("property: sha256Hex output is always isHex64", () => {
  fc.assert(fc.property(unicodeString(), (s) => isHex64(sha256Hex(s))));
});
