import { deepStrictEqual as eq } from "node:assert/strict";
import fc from "fast-check";
import { Sha256, sha256 } from "../../src/core/_sha256.ts";
import { bytesToHex } from "../../src/core/digest.ts";

const enc = new TextEncoder();
const hex = (b: Uint8Array) => bytesToHex(b);

Deno.test("sha256: FIPS 180-4 vectors (empty, abc, 448-bit, 896-bit, one million a)", () => {
  eq(
    hex(sha256(new Uint8Array())),
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
  );
  eq(
    hex(sha256(enc.encode("abc"))),
    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
  );
  eq(
    hex(sha256(enc.encode("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"))),
    "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
  );
  eq(
    hex(sha256(enc.encode(
      "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
    ))),
    "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1",
  );
  eq(
    hex(sha256(new Uint8Array(1_000_000).fill(0x61))),
    "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0",
  );
});

Deno.test("sha256: padding boundaries (lengths 55, 56, 63, 64, 65) match WebCrypto", async () => {
  for (const n of [0, 1, 55, 56, 57, 63, 64, 65, 119, 120, 127, 128, 129]) {
    const data = new Uint8Array(n).map((_, i) => (i * 31 + 7) & 0xff);
    const native = new Uint8Array(await crypto.subtle.digest("SHA-256", data));
    eq(hex(sha256(data)), hex(native), `length ${n}`);
  }
});

Deno.test("sha256: incremental updates in any split equal one-shot and WebCrypto", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.uint8Array({ maxLength: 600 }),
      fc.array(fc.nat(600), { maxLength: 8 }),
      async (data, cuts) => {
        const h = new Sha256();
        let at = 0;
        for (const c of [...cuts].sort((a, b) => a - b)) {
          const end = Math.min(c, data.length);
          if (end > at) {
            h.update(data.subarray(at, end));
            at = end;
          }
        }
        h.update(data.subarray(at));
        const native = new Uint8Array(await crypto.subtle.digest("SHA-256", data));
        eq(hex(h.digest()), hex(native));
      },
    ),
    { numRuns: 300 },
  );
});
