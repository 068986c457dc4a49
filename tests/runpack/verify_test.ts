/**
 * verifyRunpackArchive hashes the declared entries concurrently (largest
 * first); what it reports must not depend on that order.
 */

import assert from "node:assert/strict";
import { openZipBytes } from "../../src/archive/mod.ts";
import { canonicalJson } from "../../src/core/canonical_json.ts";
import { sha256Hex } from "../../src/core/digest.ts";
import { GaitError } from "../../src/core/errors.ts";
import { computeManifestDigest } from "../../src/runpack/manifest.ts";
import { normalizeRunpack } from "../../src/runpack/normalize.ts";
import type { RunpackManifest } from "../../src/runpack/types.ts";
import { verifyRunpackArchive } from "../../src/runpack/verify.ts";
import { buildRunpack } from "../../src/runpack/write.ts";
import { type RawEntry, rawZip } from "../archive/_zip_builder.ts";
import { v2Draft } from "./_fixtures.ts";

const enc = new TextEncoder();

async function packWith(
  files: { path: string; sha256: string }[],
  entries: RawEntry[],
): Promise<Uint8Array> {
  const base = (await buildRunpack(normalizeRunpack(v2Draft()))).manifest;
  const manifest: RunpackManifest = { ...base, files, manifest_digest: "" };
  manifest.manifest_digest = computeManifestDigest(manifest);
  return rawZip([{ name: "manifest.json", data: canonicalJson(manifest) }, ...entries]);
}

Deno.test("verify: with several broken entries, the error names the first in manifest order", async () => {
  const small = enc.encode("a".repeat(100));
  const big = enc.encode("b".repeat(50_000));
  for (const [first, second] of [[small, big], [big, small]]) {
    const zip = await packWith(
      [{ path: "first.bin", sha256: sha256Hex(first!) }, {
        path: "second.bin",
        sha256: sha256Hex(second!),
      }],
      [{ name: "first.bin", data: first, crc: 1 }, { name: "second.bin", data: second, crc: 2 }],
    );
    await assert.rejects(verifyRunpackArchive(openZipBytes(zip)), (error: unknown) => {
      assert.ok(error instanceof GaitError);
      assert.match(error.message, /^zip entry first\.bin failed CRC check /);
      return true;
    });
  }
});

Deno.test("verify: mismatches are sorted by path and a path declared twice is reported twice", async () => {
  const a = enc.encode("a".repeat(10));
  const b = enc.encode("b".repeat(20_000));
  const wrong = "0".repeat(64);
  const zip = await packWith(
    [
      { path: "b.bin", sha256: wrong },
      { path: "a.bin", sha256: wrong },
      { path: "b.bin", sha256: sha256Hex(b) },
      { path: "b.bin", sha256: wrong },
    ],
    [{ name: "a.bin", data: a }, { name: "b.bin", data: b }],
  );
  const result = await verifyRunpackArchive(openZipBytes(zip));
  assert.equal(result.ok, false);
  assert.equal(result.files_checked, 4);
  assert.deepEqual(result.hash_mismatches, [
    { path: "a.bin", expected: wrong, actual: sha256Hex(a) },
    { path: "b.bin", expected: wrong, actual: sha256Hex(b) },
    { path: "b.bin", expected: wrong, actual: sha256Hex(b) },
  ]);
  assert.deepEqual(result.missing_files, [
    "intents.jsonl",
    "refs.json",
    "results.jsonl",
    "run.json",
  ]);
});
