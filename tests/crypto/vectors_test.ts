/**
 * Known-answer vectors of spec 01 §10 for keys and signatures (V4, V5, V6).
 */

import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { sha256Bytes } from "../../src/core/digest.ts";
import {
  decodeBase64,
  encodePrivateKeyFile,
  encodePublicKeyFile,
  keyIdOf,
  loadVerifyKey,
  parsePrivateKey,
  parsePublicKey,
  privateKeyFromSeed,
  publicKeyOf,
  signDigest,
  verifyDigestSignature,
} from "../../src/crypto/mod.ts";

const FIXTURES = new URL("../../fixtures/keys/", import.meta.url);

const V4_SEED_TEXT = "gait-action-contract-activation-development-key-v1";
const V4_SEED_HEX = "6df9dfda161afb7d77743589fe7991305204d10b366610d326507dc646ec7bcc";
const V4_PRIVATE_FILE =
  "bfnf2hYa+313dDWJ/nmRMFIE0Qs2ZhDTJlB9xkbse8wHEtZw0gqX2lFs2bgsc/I/CdWn3TRCRkO1CCI/WGmQUg==";
const V4_PUBLIC = "BxLWcNIKl9pRbNm4LHPyPwnVp900QkZDtQgiP1hpkFI=";
const V4_KEY_ID = "42571c8843a10df565fd17a97a236c3552e8e4b7ff2a0b48bf524409279771d9";
const V4_DIGEST = "4aad73ff9f3c7e5a680dec3bc05684221f4770e6c47a58ed95bd7d6e1adbfe71";
const V4_SIG =
  "qxqoJgKGFxq04vrCK3KbmDMgVtzKl2ofpU1lTfarZGTSe0ElLjNSieARGPl0C8SuEj53hojDADhJ1VJBLe3LDQ==";

const V5_PUBLIC = "2452IFcJJprSJUSaASiKpWRN4bzs7KbckliBk2cKGeg=";
const V5_KEY_ID = "8393424682c702d59a923d26924b2d4827711e6c585117077766645e22efeb52";

const V6_DIGEST = "575a6483e14e15db1d73a996f0aa96a1f4621f668414295684544d00e379c6b5";
const V6_SIG =
  "D4p3gvAX6JcWagRr2yEl7eN+E6qIp8pbaYXG2ZwgcTTplyKxSxnCVKPIPF3ghQ8YmkHwjExSZtpdDwn0a0x3AA==";

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

Deno.test("V4: the seed is H(development key label)", () => {
  assert.equal(hex(sha256Bytes(V4_SEED_TEXT)), V4_SEED_HEX);
});

Deno.test("V4: the seed derives the public key, key_id and the Go private key file", async () => {
  const key = await privateKeyFromSeed(sha256Bytes(V4_SEED_TEXT));
  assert.equal(encodePublicKeyFile(key), V4_PUBLIC + "\n");
  assert.equal(key.keyId, V4_KEY_ID);
  assert.equal(keyIdOf(decodeBase64(V4_PUBLIC)), V4_KEY_ID);
  assert.equal(encodePrivateKeyFile(key), V4_PRIVATE_FILE + "\n");
});

Deno.test("V4: signing the raw digest bytes reproduces the Go signature byte for byte", async () => {
  const key = await parsePrivateKey(V4_PRIVATE_FILE, "test:v4");
  const sig = await signDigest(key, V4_DIGEST);
  assert.deepEqual(sig, {
    alg: "ed25519",
    key_id: V4_KEY_ID,
    sig: V4_SIG,
    signed_digest: V4_DIGEST,
  });
  const pub = await parsePublicKey(V4_PUBLIC, "test:v4");
  assert.deepEqual(await verifyDigestSignature(pub, sig, V4_DIGEST), { valid: true });
});

Deno.test("V4: the committed test key fixtures load and match", async () => {
  const verify = await loadVerifyKey({
    publicKeyPath: fileURLToPath(new URL("v4_test_public.key", FIXTURES)),
  });
  assert.equal(verify?.key.keyId, V4_KEY_ID);
  const priv = await parsePrivateKey(
    await Deno.readTextFile(new URL("v4_test_private.key", FIXTURES)),
    "path:v4_test_private.key",
  );
  assert.equal(priv.keyId, V4_KEY_ID);
  assert.equal((await publicKeyOf(priv)).keyId, V4_KEY_ID);
});

Deno.test("V5: the Go approval public key has the published key_id", async () => {
  const pub = await parsePublicKey(V5_PUBLIC + "\n", "test:v5");
  assert.equal(pub.keyId, V5_KEY_ID);
  const fromFile = await loadVerifyKey({
    publicKeyPath: fileURLToPath(new URL("v5_approval_public.key", FIXTURES)),
  });
  assert.equal(fromFile?.key.keyId, V5_KEY_ID);
});

Deno.test("V5: a signature with the V5 key_id but made by another key fails", async () => {
  const pub = await parsePublicKey(V5_PUBLIC, "test:v5");
  const other = await parsePrivateKey(V4_PRIVATE_FILE, "test:v4");
  const sig = await signDigest(other, V4_DIGEST);
  const check = await verifyDigestSignature(pub, { ...sig, key_id: V5_KEY_ID }, V4_DIGEST);
  assert.deepEqual(check, { valid: false, reason: "signature verification failed" });
});

Deno.test("V6 (derived): the V2 manifest digest signed with the V4 key", async () => {
  const key = await parsePrivateKey(V4_PRIVATE_FILE, "test:v4");
  const sig = await signDigest(key, V6_DIGEST);
  assert.equal(sig.sig, V6_SIG);
  assert.equal(sig.signed_digest, V6_DIGEST);
  assert.equal(sig.key_id, V4_KEY_ID);
});
