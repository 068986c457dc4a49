/**
 * CRC-32: the pure-JS slicing-by-8 table used before `node:zlib` is loaded
 * must agree with zlib's, on every length and alignment, and when continued.
 */

import assert from "node:assert/strict";
import { crc32 as zlibCrc32 } from "node:zlib";
import { crc32, crc32Js } from "../../src/archive/_crc32.ts";
import { loadZlib } from "../../src/archive/_zlib.ts";

const enc = new TextEncoder();

function noise(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

Deno.test("crc32: known values", () => {
  assert.equal(crc32Js(new Uint8Array(0)), 0);
  assert.equal(crc32Js(enc.encode("123456789")), 0xcbf43926);
  assert.equal(crc32Js(enc.encode("The quick brown fox jumps over the lazy dog")), 0x414fa339);
  assert.equal(crc32Js(new Uint8Array(32)), 0x190a55ad);
  assert.equal(crc32Js(new Uint8Array(32).fill(0xff)), 0xff6cab0b);
});

Deno.test("crc32: the JS table agrees with zlib on every length and alignment", () => {
  const data = noise(4096 + 16, 7);
  for (let length = 0; length <= 300; length++) {
    for (const offset of [0, 1, 3, 7]) {
      const view = data.subarray(offset, offset + length);
      assert.equal(crc32Js(view), zlibCrc32(view) >>> 0, `length ${length} offset ${offset}`);
    }
  }
  for (const length of [1023, 1024, 1025, 4096]) {
    const view = data.subarray(5, 5 + length);
    assert.equal(crc32Js(view), zlibCrc32(view) >>> 0, `length ${length}`);
  }
});

Deno.test("crc32: continuing over pieces gives the CRC of the whole", () => {
  const data = noise(10_000, 3);
  for (const cut of [0, 1, 7, 8, 9, 4999, 10_000]) {
    const first = crc32Js(data.subarray(0, cut));
    assert.equal(crc32Js(data.subarray(cut), first), crc32Js(data), `cut ${cut}`);
  }
});

Deno.test("crc32: native once node:zlib is loaded, with the same values", async () => {
  await loadZlib();
  const data = noise(100_000, 11);
  assert.equal(crc32(data), crc32Js(data));
  assert.equal(crc32(data.subarray(50_000), crc32(data.subarray(0, 50_000))), crc32Js(data));
});
