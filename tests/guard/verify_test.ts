import assert from "node:assert/strict";
import { canonicalJsonBytes } from "../../src/core/canonical_json.ts";
import { GaitError } from "../../src/core/errors.ts";
import { parseStrictJsonBytes } from "../../src/core/strict_json.ts";
import type { JsonObject } from "../../src/core/json_value.ts";
import { generateKeyPair, publicKeyOf } from "../../src/crypto/key_material.ts";
import type { PublicKeyMaterial } from "../../src/crypto/key_material.ts";
import { verifyDigestSignature } from "../../src/crypto/signature.ts";
import {
  buildGuardPack,
  type GuardVerifyOptions,
  verifyGuardPackFile,
} from "../../src/guard/mod.ts";
import { withTempDir } from "../helpers/cli.ts";
import { rawZip } from "../helpers/raw_zip.ts";
import { readZipEntries, rewriteZip, v4Key, writeDemoRunpack } from "./_helpers.ts";

const enc = new TextEncoder();

function checker(pub: PublicKeyMaterial): GuardVerifyOptions["checkSignature"] {
  return async (signature, digest) => {
    const r = await verifyDigestSignature(pub, signature, digest);
    return r.valid ? null : r.reason;
  };
}

async function signedPack(dir: string): Promise<{ path: string; pub: PublicKeyMaterial }> {
  const runpack = await writeDemoRunpack(dir);
  const key = await v4Key();
  const { path } = await buildGuardPack({
    runpackPath: runpack,
    signer: key,
    producerVersion: "0.0.0-dev",
  });
  return { path, pub: await publicKeyOf(key) };
}

Deno.test("guard verify: an intact signed pack verifies with its key", async () => {
  await withTempDir(async (dir) => {
    const { path, pub } = await signedPack(dir);
    const r = await verifyGuardPackFile(path, {
      requireSignature: true,
      checkSignature: checker(pub),
    });
    assert.equal(r.ok, true);
    assert.equal(r.files_checked, 4);
    assert.equal(r.signature_status, "verified");
    assert.equal(r.signatures_valid, 1);
    const skipped = await verifyGuardPackFile(path);
    assert.equal(skipped.ok, true, "without a key the signature check is skipped");
    assert.equal(skipped.signature_status, "skipped");
  });
});

Deno.test("guard verify: a changed byte is a hash mismatch", async () => {
  await withTempDir(async (dir) => {
    const { path, pub } = await signedPack(dir);
    await rewriteZip(path, (e) => {
      const data = new Uint8Array(e.get("runpack_summary.json")!);
      data[10] = data[10]! ^ 1;
      e.set("runpack_summary.json", data);
    });
    const r = await verifyGuardPackFile(path, { checkSignature: checker(pub) });
    assert.equal(r.ok, false);
    assert.deepEqual(r.hash_mismatches.map((m) => m.path), ["runpack_summary.json"]);
    assert.equal(r.signature_status, "verified", "the manifest itself is intact");
  });
});

Deno.test("guard verify: a removed entry is a missing file", async () => {
  await withTempDir(async (dir) => {
    const { path } = await signedPack(dir);
    await rewriteZip(path, (e) => e.delete("referenced_runpacks.json"));
    const r = await verifyGuardPackFile(path);
    assert.equal(r.ok, false);
    assert.deepEqual(r.missing_files, ["referenced_runpacks.json"]);
  });
});

Deno.test("guard verify: duplicate entries fail verification (exit 2)", async () => {
  await withTempDir(async (dir) => {
    const { path } = await signedPack(dir);
    const entries = await readZipEntries(path);
    const list = [...entries].map(([name, data]) => ({ name, data }));
    list.push({ name: "runpack_summary.json", data: enc.encode("{}") });
    await Deno.writeFile(path, rawZip(list));
    await assert.rejects(verifyGuardPackFile(path), (error: unknown) => {
      assert.ok(error instanceof GaitError);
      assert.equal(error.exitCode, 2);
      assert.match(error.message, /zip contains duplicate entries: runpack_summary\.json/);
      return true;
    });
  });
});

Deno.test("guard verify: an undeclared entry fails (the reference tool ignores it)", async () => {
  await withTempDir(async (dir) => {
    const { path, pub } = await signedPack(dir);
    await rewriteZip(path, (e) => e.set("payload.sh", enc.encode("#!/bin/sh\n")));
    const r = await verifyGuardPackFile(path, { checkSignature: checker(pub) });
    assert.equal(r.ok, false);
    assert.deepEqual(r.undeclared_files, ["payload.sh"]);
    assert.deepEqual(r.missing_files, []);
    assert.deepEqual(r.hash_mismatches, []);
  });
});

Deno.test("guard verify: a pack_id that does not match the contents fails", async () => {
  await withTempDir(async (dir) => {
    const { path } = await signedPack(dir);
    await rewriteZip(path, (e) => {
      const m = parseStrictJsonBytes(e.get("pack_manifest.json")!) as JsonObject;
      m.pack_id = "pack_0000000000000000";
      delete m.signatures;
      e.set("pack_manifest.json", canonicalJsonBytes(m));
    });
    const r = await verifyGuardPackFile(path);
    assert.equal(r.ok, false);
    assert.equal(r.integrity_errors.length, 1);
    assert.match(r.integrity_errors[0]!, /^pack_id mismatch: manifest declares "pack_0{16}"/);
  });
});

Deno.test("guard verify: a wrong key fails the signature", async () => {
  await withTempDir(async (dir) => {
    const { path } = await signedPack(dir);
    const other = await publicKeyOf(await generateKeyPair());
    const r = await verifyGuardPackFile(path, { checkSignature: checker(other) });
    assert.equal(r.ok, false);
    assert.equal(r.signature_status, "failed");
    assert.deepEqual(r.signature_errors, ["key id mismatch"]);
  });
});

Deno.test("guard verify: a modified manifest fails its signature", async () => {
  await withTempDir(async (dir) => {
    const { path, pub } = await signedPack(dir);
    await rewriteZip(path, (e) => {
      const m = parseStrictJsonBytes(e.get("pack_manifest.json")!) as JsonObject;
      m.case_id = "INC-forged";
      e.set("pack_manifest.json", canonicalJsonBytes(m));
    });
    const r = await verifyGuardPackFile(path, { checkSignature: checker(pub) });
    assert.equal(r.ok, false);
    assert.equal(r.signature_status, "failed");
    assert.deepEqual(r.signature_errors, ["signed_digest mismatch"]);
  });
});

Deno.test("guard verify: require-signature fails an unsigned pack", async () => {
  await withTempDir(async (dir) => {
    const runpack = await writeDemoRunpack(dir);
    const { path } = await buildGuardPack({ runpackPath: runpack, producerVersion: "0.0.0-dev" });
    const loose = await verifyGuardPackFile(path);
    assert.equal(loose.ok, true);
    assert.equal(loose.signature_status, "missing");
    const strict = await verifyGuardPackFile(path, { requireSignature: true });
    assert.equal(strict.ok, false);
    assert.deepEqual(strict.signature_errors, ["pack manifest has no signatures"]);
  });
});

Deno.test("guard verify: a missing or foreign manifest is invalid input (exit 6)", async () => {
  await withTempDir(async (dir) => {
    const { path } = await signedPack(dir);
    const noManifest = `${dir}/no_manifest.zip`;
    await rewriteZip(path, (e) => e.delete("pack_manifest.json"), noManifest);
    await assert.rejects(verifyGuardPackFile(noManifest), (error: unknown) => {
      assert.ok(error instanceof GaitError);
      assert.equal(error.exitCode, 6);
      assert.match(error.message, /missing pack_manifest\.json/);
      return true;
    });
    const foreign = `${dir}/foreign.zip`;
    await rewriteZip(path, (e) => {
      const m = parseStrictJsonBytes(e.get("pack_manifest.json")!) as JsonObject;
      m.schema_id = "gait.pack.manifest";
      e.set("pack_manifest.json", canonicalJsonBytes(m));
    }, foreign);
    await assert.rejects(
      verifyGuardPackFile(foreign),
      /unsupported schema_id "gait\.pack\.manifest"/,
    );
  });
});
