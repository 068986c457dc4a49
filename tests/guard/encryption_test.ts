import assert from "node:assert/strict";
import { canonicalJsonBytes } from "../../src/core/canonical_json.ts";
import { sha256Hex } from "../../src/core/digest.ts";
import { GaitError } from "../../src/core/errors.ts";
import { encodeBase64 } from "../../src/crypto/base64.ts";
import {
  decryptArtifact,
  decryptedPath,
  encryptArtifact,
  type EncryptionKey,
  parseEncryptedArtifact,
  resolveEncryptionKey,
} from "../../src/guard/encryption.ts";
import { withTempDir } from "../helpers/cli.ts";
import { assertMatchesSchema } from "../helpers/schema.ts";

const enc = new TextEncoder();
const KEY_B64 = encodeBase64(enc.encode("0123456789abcdef0123456789abcdef"));
const OTHER_B64 = encodeBase64(enc.encode("fedcba9876543210fedcba9876543210"));
const NOW = "2026-02-06T10:00:00.123456Z";

function envKey(b64: string): Promise<EncryptionKey> {
  return resolveEncryptionKey({ keyEnv: "K", env: (n) => (n === "K" ? b64 : undefined) });
}

async function listDir(dir: string): Promise<string[]> {
  return (await Array.fromAsync(Deno.readDir(dir))).map((e) => e.name).sort();
}

async function encryptFixture(dir: string, plain: string): Promise<string> {
  await Deno.writeTextFile(`${dir}/artifact.json`, plain);
  const { path } = await encryptArtifact({
    inputPath: `${dir}/artifact.json`,
    key: await envKey(KEY_B64),
    now: NOW,
    producerVersion: "0.0.0-dev",
  });
  return path;
}

async function assertDecryptFailsCleanly(
  dir: string,
  input: string,
  key: EncryptionKey,
  message: RegExp,
): Promise<void> {
  const before = await listDir(dir);
  const out = `${dir}/restored.json`;
  await assert.rejects(
    decryptArtifact({ inputPath: input, outputPath: out, key }),
    (e: unknown) => {
      assert.ok(e instanceof GaitError);
      assert.equal(e.exitCode, 6);
      assert.match(e.message, message);
      return true;
    },
  );
  await assert.rejects(Deno.stat(out), Deno.errors.NotFound, "no partial plaintext");
  assert.deepEqual(await listDir(dir), before, "no temp files left behind");
}

Deno.test("encryption: encrypt then decrypt round-trips the bytes", async () => {
  await withTempDir(async (dir) => {
    const plain = '{"k":"v","emoji":"\u{1F512}"}';
    const path = await encryptFixture(dir, plain);
    assert.equal(path, `${dir}/artifact.json.gaitenc`);
    const envelope = JSON.parse(await Deno.readTextFile(path));
    await assertMatchesSchema("guard/encrypted_artifact", envelope);
    assert.equal(envelope.created_at, NOW);
    assert.deepEqual(envelope.key_source, { mode: "env", ref: "K" });
    assert.equal(envelope.plain_sha256, sha256Hex(enc.encode(plain)));
    assert.equal(envelope.plain_size, enc.encode(plain).length);
    assert.equal(
      await Deno.readTextFile(path),
      new TextDecoder().decode(canonicalJsonBytes(envelope)),
      "the envelope is canonical JSON",
    );
    // The default output drops .gaitenc; move the original away first.
    await Deno.remove(`${dir}/artifact.json`);
    const out = await decryptArtifact({ inputPath: path, key: await envKey(KEY_B64) });
    assert.equal(out.path, `${dir}/artifact.json`);
    assert.equal(await Deno.readTextFile(out.path), plain);
    assert.equal((await Deno.stat(out.path)).mode! & 0o777, 0o600);
  });
});

Deno.test("encryption: the wire format is AES-256-GCM, 12-byte nonce, tag appended, no AAD", async () => {
  await withTempDir(async (dir) => {
    const path = await encryptFixture(dir, "hello");
    const envelope = JSON.parse(await Deno.readTextFile(path));
    const nonce = Uint8Array.from(atob(envelope.nonce), (c) => c.charCodeAt(0));
    const sealed = Uint8Array.from(atob(envelope.ciphertext), (c) => c.charCodeAt(0));
    assert.equal(nonce.length, 12);
    assert.equal(sealed.length, 5 + 16);
    const key = await crypto.subtle.importKey(
      "raw",
      enc.encode("0123456789abcdef0123456789abcdef"),
      "AES-GCM",
      false,
      ["decrypt"],
    );
    const plain = await crypto.subtle.decrypt({ name: "AES-GCM", iv: nonce }, key, sealed);
    assert.equal(new TextDecoder().decode(plain), "hello");
  });
});

Deno.test("encryption: a wrong key fails and leaves no plaintext", async () => {
  await withTempDir(async (dir) => {
    const path = await encryptFixture(dir, "secret evidence");
    await assertDecryptFailsCleanly(dir, path, await envKey(OTHER_B64), /authentication failed/);
  });
});

Deno.test("encryption: one flipped ciphertext byte fails and leaves no plaintext", async () => {
  await withTempDir(async (dir) => {
    const path = await encryptFixture(dir, "secret evidence");
    const envelope = JSON.parse(await Deno.readTextFile(path));
    const sealed = Uint8Array.from(atob(envelope.ciphertext), (c) => c.charCodeAt(0));
    sealed[3] = sealed[3]! ^ 0x01;
    envelope.ciphertext = encodeBase64(sealed);
    await Deno.writeFile(path, canonicalJsonBytes(envelope));
    await assertDecryptFailsCleanly(dir, path, await envKey(KEY_B64), /authentication failed/);
  });
});

Deno.test("encryption: a wrong plain_sha256 fails the digest check", async () => {
  await withTempDir(async (dir) => {
    const path = await encryptFixture(dir, "secret evidence");
    const envelope = JSON.parse(await Deno.readTextFile(path));
    envelope.plain_sha256 = "0".repeat(64);
    await Deno.writeFile(path, canonicalJsonBytes(envelope));
    await assertDecryptFailsCleanly(
      dir,
      path,
      await envKey(KEY_B64),
      /decrypted payload digest mismatch/,
    );
  });
});

Deno.test("encryption: envelopes are parsed strictly", () => {
  const base = {
    schema_id: "gait.guard.encrypted_artifact",
    schema_version: "1.0.0",
    created_at: NOW,
    producer_version: "0.0.0-dev",
    algorithm: "aes-256-gcm",
    key_source: { mode: "env", ref: "K" },
    nonce: encodeBase64(new Uint8Array(12)),
    ciphertext: encodeBase64(new Uint8Array(16)),
    plain_sha256: "a".repeat(64),
    plain_size: 0,
  };
  assert.equal(parseEncryptedArtifact(canonicalJsonBytes(base)).plain_size, 0);
  const bad = (v: unknown) => parseEncryptedArtifact(enc.encode(JSON.stringify(v)));
  assert.throws(() => bad({ ...base, extra: 1 }), /unknown field "extra"/);
  assert.throws(() => bad({ ...base, key_source: { mode: "env", x: 1 } }), /unknown field "x"/);
  assert.throws(() => bad({ ...base, algorithm: "aes-128-cbc" }), /unsupported algorithm/);
  assert.throws(() => bad({ ...base, schema_id: "x" }), /unsupported schema_id/);
  assert.throws(() => bad({ ...base, plain_sha256: "xyz" }), /plain_sha256/);
  assert.throws(() => parseEncryptedArtifact(enc.encode("{")), /encrypted artifact/);
  assert.throws(
    () => parseEncryptedArtifact(enc.encode('{"nonce":"a","nonce":"b"}')),
    /duplicate/i,
  );
});

Deno.test("encryption: key sources and their errors", async () => {
  await assert.rejects(
    resolveEncryptionKey({ keyEnv: "K", env: () => "  " }),
    /encryption key env var is empty: K/,
  );
  await assert.rejects(
    resolveEncryptionKey({}),
    /missing key source: provide --key-env or --key-command/,
  );
  await assert.rejects(
    resolveEncryptionKey({ keyEnv: "K", env: () => "not-base64" }),
    /decode encryption key/,
  );
  await assert.rejects(
    resolveEncryptionKey({ keyEnv: "K", env: () => encodeBase64(enc.encode("short")) }),
    /must decode to 32 bytes, got 5/,
  );
  // --key-env takes precedence over --key-command.
  const k = await resolveEncryptionKey({
    keyEnv: "K",
    keyCommand: "/nonexistent",
    env: () => KEY_B64,
  });
  assert.deepEqual(k.source, { mode: "env", ref: "K" });
});

Deno.test("encryption: a key command's stdout supplies the key (with run permission)", async () => {
  const k = await resolveEncryptionKey({
    keyCommand: "/bin/sh",
    keyCommandArgs: ["-c", `printf '%s\\n' '${KEY_B64}'`],
  });
  assert.equal(k.key.length, 32);
  assert.deepEqual(k.source, { mode: "command", command: "/bin/sh" });
  await assert.rejects(
    resolveEncryptionKey({ keyCommand: "/bin/sh", keyCommandArgs: ["-c", "exit 3"] }),
    /failed with exit code 3/,
  );
});

Deno.test("encryption: default decrypt output drops .gaitenc, else appends .plain", () => {
  assert.equal(decryptedPath("a/pack.zip.gaitenc"), "a/pack.zip");
  assert.equal(decryptedPath("a/blob.bin"), "a/blob.bin.plain");
  assert.equal(decryptedPath(".gaitenc"), ".gaitenc.plain");
});
