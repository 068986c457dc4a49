/**
 * Signature objects and the ordered verification checks of spec 01 §2.
 */

import assert from "node:assert/strict";
import fc from "fast-check";
import { bytesToHex, sha256Hex } from "../../src/core/digest.ts";
import {
  encodeBase64,
  generateKeyPair,
  parsePrivateKey,
  parsePublicKey,
  publicKeyOf,
  type Signature,
  signBytes,
  signDigest,
  verifyBytes,
  verifyDigestSignature,
} from "../../src/crypto/mod.ts";

const V4_PRIVATE_FILE =
  "bfnf2hYa+313dDWJ/nmRMFIE0Qs2ZhDTJlB9xkbse8wHEtZw0gqX2lFs2bgsc/I/CdWn3TRCRkO1CCI/WGmQUg==";
const V4_PUBLIC = "BxLWcNIKl9pRbNm4LHPyPwnVp900QkZDtQgiP1hpkFI=";
const DIGEST = "4aad73ff9f3c7e5a680dec3bc05684221f4770e6c47a58ed95bd7d6e1adbfe71";
const OTHER_DIGEST = sha256Hex("other");

const v4Key = () => parsePrivateKey(V4_PRIVATE_FILE, "test:v4");
const v4Pub = () => parsePublicKey(V4_PUBLIC, "test:v4");

async function validSignature(): Promise<Signature> {
  return await signDigest(await v4Key(), DIGEST);
}

async function reason(signature: unknown, recomputed = DIGEST): Promise<string> {
  const check = await verifyDigestSignature(await v4Pub(), signature, recomputed);
  return check.valid ? "valid" : check.reason;
}

Deno.test("signDigest signs the 32 raw digest bytes, not the hex text", async () => {
  const key = await v4Key();
  const pub = await v4Pub();
  const sig = await signDigest(key, DIGEST);
  const raw = Uint8Array.from(DIGEST.match(/../g)!, (h) => parseInt(h, 16));
  const sigBytes = Uint8Array.from(atob(sig.sig), (c) => c.charCodeAt(0));
  assert.equal(await verifyBytes(pub, raw, sigBytes), true);
  assert.equal(await verifyBytes(pub, new TextEncoder().encode(DIGEST), sigBytes), false);
});

Deno.test("signDigest rejects a digest that is not 32 bytes of hex", async () => {
  const key = await v4Key();
  await assert.rejects(signDigest(key, "abcd"), { message: "invalid digest length: 2" });
  await assert.rejects(signDigest(key, "zz".repeat(32)), { message: /invalid hex digest/ });
});

Deno.test("a valid signature verifies", async () => {
  assert.equal(await reason(await validSignature()), "valid");
});

Deno.test("check 1: missing signed_digest comes first", async () => {
  assert.equal(await reason({ alg: "rsa", key_id: "x", sig: "!!" }), "missing signed_digest");
  assert.equal(
    await reason({ ...(await validSignature()), signed_digest: "" }),
    "missing signed_digest",
  );
  assert.equal(await reason(null), "missing signed_digest");
  assert.equal(await reason("not an object"), "missing signed_digest");
  assert.equal(await reason([]), "missing signed_digest");
});

Deno.test("check 2: signed_digest must equal the recomputed digest exactly", async () => {
  const sig = await validSignature();
  assert.equal(await reason({ ...sig, alg: "rsa" }, OTHER_DIGEST), "signed_digest mismatch");
  assert.equal(
    await reason({ ...sig, signed_digest: DIGEST.toUpperCase() }),
    "signed_digest mismatch",
  );
});

Deno.test("check 3: the digest must decode to 32 bytes", async () => {
  const sig = await validSignature();
  assert.equal(
    await reason({ ...sig, signed_digest: "abcd", alg: "rsa" }, "abcd"),
    "invalid digest length: 2",
  );
  const long = DIGEST + "00";
  assert.equal(await reason({ ...sig, signed_digest: long }, long), "invalid digest length: 33");
});

Deno.test("check 4: alg must be exactly ed25519", async () => {
  const sig = await validSignature();
  assert.equal(
    await reason({ ...sig, alg: "ED25519", key_id: "ff".repeat(32) }),
    "unsupported alg: ED25519",
  );
  const { alg: _alg, ...noAlg } = sig;
  assert.equal(await reason(noAlg), "unsupported alg: ");
});

Deno.test("check 5: a non-empty key_id must be H(pub)", async () => {
  const sig = await validSignature();
  assert.equal(await reason({ ...sig, key_id: "ff".repeat(32), sig: "!!" }), "key id mismatch");
  assert.equal(await reason({ ...sig, key_id: sig.key_id.toUpperCase() }), "key id mismatch");
  assert.equal(await reason({ ...sig, key_id: "" }), "valid");
  const { key_id: _kid, ...noKeyId } = sig;
  assert.equal(await reason(noKeyId), "valid");
});

Deno.test("check 6: sig must be base64 of 64 bytes", async () => {
  const sig = await validSignature();
  assert.equal(
    await reason({ ...sig, sig: "!!!!" }),
    "decode sig: illegal base64 data at input byte 0",
  );
  assert.equal(
    await reason({ ...sig, sig: sig.sig.slice(0, -2) }),
    `decode sig: illegal base64 data at input byte ${sig.sig.length - 4}`,
  );
  assert.equal(
    await reason({ ...sig, sig: encodeBase64(new Uint8Array(63)) }),
    "invalid signature length: 63",
  );
  assert.equal(await reason({ ...sig, sig: "" }), "invalid signature length: 0");
  const { sig: _sig, ...noSig } = sig;
  assert.equal(await reason(noSig), "decode sig: sig is not a string");
});

Deno.test("check 6: CR/LF inside sig are ignored, as by Go's decoder", async () => {
  const sig = await validSignature();
  const wrapped = sig.sig.slice(0, 40) + "\r\n" + sig.sig.slice(40);
  assert.equal(await reason({ ...sig, sig: wrapped }), "valid");
});

Deno.test("check 7: a wrong signature fails the Ed25519 check", async () => {
  const sig = await validSignature();
  const bytes = Uint8Array.from(atob(sig.sig), (c) => c.charCodeAt(0));
  bytes[0]! ^= 1;
  assert.equal(
    await reason({ ...sig, sig: encodeBase64(bytes) }),
    "signature verification failed",
  );
  const other = await generateKeyPair();
  const foreign = await signDigest(other, DIGEST);
  assert.equal(await reason({ ...foreign, key_id: "" }), "signature verification failed");
  assert.equal(await reason(foreign), "key id mismatch");
});

Deno.test("signBytes and verifyBytes round-trip arbitrary bytes", async () => {
  const key = await generateKeyPair();
  const pub = await publicKeyOf(key);
  const text = new TextEncoder().encode("sha256:" + DIGEST);
  const sig = await signBytes(key, text);
  assert.equal(sig.length, 64);
  assert.equal(await verifyBytes(pub, text, sig), true);
  assert.equal(await verifyBytes(pub, text, sig.subarray(0, 63)), false);
  assert.equal(await verifyBytes(pub, new TextEncoder().encode("sha256:x"), sig), false);
});

Deno.test("property: any digest signed by a fresh key verifies, and only with that digest", async () => {
  const key = await generateKeyPair();
  const pub = await publicKeyOf(key);
  await fc.assert(
    fc.asyncProperty(fc.uint8Array({ minLength: 32, maxLength: 32 }), async (bytes) => {
      const digest = bytesToHex(bytes);
      const sig = await signDigest(key, digest);
      assert.deepEqual(await verifyDigestSignature(pub, sig, digest), { valid: true });
      const flipped = bytesToHex(bytes.map((b, i) => (i === 0 ? b ^ 1 : b)));
      const forged = { ...sig, signed_digest: flipped };
      assert.deepEqual(await verifyDigestSignature(pub, forged, flipped), {
        valid: false,
        reason: "signature verification failed",
      });
    }),
    { numRuns: 50 },
  );
});
