/**
 * Key file text (spec 01 §2): base64 of seed ‖ public (64 bytes) or of the
 * public key (32 bytes), trimmed, exact lengths, and our deliberate check that
 * the public half of a private key matches its seed.
 */

import assert from "node:assert/strict";
import {
  decodeBase64,
  encodeBase64,
  encodePrivateKeyFile,
  encodePublicKeyFile,
  generateKeyPair,
  parsePrivateKey,
  parsePublicKey,
} from "../../src/crypto/mod.ts";

const V4_PRIVATE_FILE =
  "bfnf2hYa+313dDWJ/nmRMFIE0Qs2ZhDTJlB9xkbse8wHEtZw0gqX2lFs2bgsc/I/CdWn3TRCRkO1CCI/WGmQUg==";
const V4_PUBLIC = "BxLWcNIKl9pRbNm4LHPyPwnVp900QkZDtQgiP1hpkFI=";
const V4_KEY_ID = "42571c8843a10df565fd17a97a236c3552e8e4b7ff2a0b48bf524409279771d9";

Deno.test("key files are base64 plus a newline and parse back to the same key", async () => {
  const key = await generateKeyPair();
  const privateText = encodePrivateKeyFile(key);
  const publicText = encodePublicKeyFile(key);
  assert.match(privateText, /^[A-Za-z0-9+/]{86}==\n$/);
  assert.match(publicText, /^[A-Za-z0-9+/]{43}=\n$/);
  const again = await parsePrivateKey(privateText, "test");
  assert.equal(again.keyId, key.keyId);
  assert.deepEqual(again.seed, key.seed);
  assert.equal((await parsePublicKey(publicText, "test")).keyId, key.keyId);
});

Deno.test("surrounding space, tabs, CR and LF are trimmed; CR/LF inside are ignored", async () => {
  const wrapped = ` \t${V4_PRIVATE_FILE.slice(0, 44)}\r\n${V4_PRIVATE_FILE.slice(44)}\r\n\t `;
  assert.equal((await parsePrivateKey(wrapped, "test")).keyId, V4_KEY_ID);
  assert.equal((await parsePublicKey(`\n${V4_PUBLIC}\r\n`, "test")).keyId, V4_KEY_ID);
});

Deno.test("a private key whose public half does not match its seed is rejected (divergence from Go)", async () => {
  const bytes = decodeBase64(V4_PRIVATE_FILE);
  bytes[63]! ^= 1;
  await assert.rejects(parsePrivateKey(encodeBase64(bytes), "path:tampered.key"), {
    name: "GaitError",
    category: "invalid_input",
    message:
      "invalid private key (path:tampered.key): bytes 32-63 are not the public key of its seed",
  });
  const other = await generateKeyPair();
  bytes.set(other.publicKey, 32);
  await assert.rejects(parsePrivateKey(encodeBase64(bytes), "env:K"), {
    message: /^invalid private key \(env:K\): bytes 32-63/,
  });
});

Deno.test("bad base64 is rejected with the offset only", async () => {
  await assert.rejects(parsePrivateKey("not base64!", "path:k"), {
    category: "invalid_input",
    message: "decode private key (path:k): illegal base64 data at input byte 3",
  });
  await assert.rejects(parsePublicKey(V4_PUBLIC.replace("=", ""), "env:PUB"), {
    message: "decode public key (env:PUB): illegal base64 data at input byte 40",
  });
  await assert.rejects(parsePublicKey(V4_PUBLIC.replace("N", "_"), "x"), {
    message: "decode public key (x): illegal base64 data at input byte 5",
  });
});

Deno.test("wrong lengths are rejected: private must be 64 bytes, public 32", async () => {
  await assert.rejects(parsePrivateKey(V4_PUBLIC, "path:k"), {
    category: "invalid_input",
    message: "invalid private key length (path:k): 32 bytes, want 64",
  });
  await assert.rejects(parsePrivateKey("", "path:k"), {
    message: "invalid private key length (path:k): 0 bytes, want 64",
  });
  await assert.rejects(parsePublicKey(V4_PRIVATE_FILE, "path:p"), {
    message: "invalid public key length (path:p): 64 bytes, want 32",
  });
  await assert.rejects(parsePublicKey(encodeBase64(new Uint8Array(31)), "path:p"), {
    message: "invalid public key length (path:p): 31 bytes, want 32",
  });
});

Deno.test("private key errors never contain the key text", async () => {
  const bytes = decodeBase64(V4_PRIVATE_FILE);
  const cases = [
    V4_PRIVATE_FILE.slice(0, 60),
    V4_PRIVATE_FILE + "AAAA",
    V4_PRIVATE_FILE.slice(0, 40) + "*" + V4_PRIVATE_FILE.slice(41),
    encodeBase64(bytes.map((b, i) => (i === 40 ? b ^ 1 : b))),
  ];
  for (const text of cases) {
    const error = await parsePrivateKey(text, "path:k").then(() => null, (e: Error) => e);
    assert.ok(error, `expected an error for case ${cases.indexOf(text)}`);
    assert.ok(!error.message.includes(V4_PRIVATE_FILE.slice(0, 12)), error.message);
  }
});

Deno.test("private key material never shows its seed in inspect, JSON or string form", async () => {
  const key = await parsePrivateKey(V4_PRIVATE_FILE, "test");
  const seedB64 = encodeBase64(key.seed);
  const seedHex = Array.from(key.seed, (b) => b.toString(16).padStart(2, "0")).join("");
  const renderings = [
    Deno.inspect(key, { depth: 10, showHidden: true }),
    JSON.stringify(key),
    JSON.stringify({ wrapped: key }),
    String(key),
  ];
  for (const text of renderings) {
    assert.ok(!text.includes(seedHex), text);
    assert.ok(!text.includes(seedB64.slice(0, 20)), text);
    assert.ok(!text.includes("109,249,223"), text); // the first seed bytes as a list
  }
  assert.equal(JSON.stringify(key), `{"key_id":"${V4_KEY_ID}"}`);
  assert.equal(Object.keys(key).includes("seed"), false);
  assert.equal(key.seed.length, 32);
});
