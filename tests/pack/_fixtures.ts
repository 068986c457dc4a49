/**
 * Shared inputs of the pack tests: the demo runpack, packs built from it, and
 * helpers that take a pack apart and put it back together (optionally with a
 * recomputed `pack_id`, so a test can reach the checks behind it).
 *
 * @module
 */

import { openZipBytes } from "../../src/archive/mod.ts";
import { sha256Hex } from "../../src/core/digest.ts";
import { computePackId, packManifestFromJson } from "../../src/pack/manifest.ts";
import { buildRunPack, type BuiltPack } from "../../src/pack/build.ts";
import { loadVerifiedRunpack, type VerifiedRunpackSource } from "../../src/pack/source.ts";
import type { PrivateKeyMaterial } from "../../src/crypto/key_material.ts";
import { demoRunpackDraft } from "../../src/runpack/demo.ts";
import { normalizeRunpack } from "../../src/runpack/normalize.ts";
import type { RunpackContent } from "../../src/runpack/types.ts";
import { buildRunpack } from "../../src/runpack/write.ts";
import { rawZip } from "../helpers/raw_zip.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

/** Writes a runpack of normalized content into `dir` and returns its path. */
export async function writeRunpackFile(
  dir: string,
  content: RunpackContent,
  name = "runpack.zip",
): Promise<string> {
  const path = `${dir}/${name}`;
  await Deno.writeFile(path, (await buildRunpack(content)).zip);
  return path;
}

/** The demo runpack, loaded and verified as `pack build` loads it. */
export async function demoSource(
  mutate?: (content: RunpackContent) => void,
): Promise<VerifiedRunpackSource> {
  const dir = await Deno.makeTempDir({ prefix: "gait-pack-fixture-" });
  try {
    const content = normalizeRunpack(demoRunpackDraft("0.0.0-dev"));
    mutate?.(content);
    return await loadVerifiedRunpack(await writeRunpackFile(dir, content));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** A run pack of the demo (producer 0.0.0-dev), optionally signed. */
export async function demoPack(
  signer?: PrivateKeyMaterial,
  mutate?: (content: RunpackContent) => void,
): Promise<BuiltPack> {
  return await buildRunPack(await demoSource(mutate), {
    producerVersion: "0.0.0-dev",
    signer: signer ?? null,
  });
}

/** Every entry of a zip, by name. */
export async function zipEntries(bytes: Uint8Array): Promise<Map<string, Uint8Array>> {
  const zip = openZipBytes(bytes, {}, "test");
  try {
    const out = new Map<string, Uint8Array>();
    for (const name of zip.names) out.set(name, await zip.readEntry(name));
    return out;
  } finally {
    zip.close();
  }
}

/** Writes entries (in the given order, no validation) as a zip file. */
export async function writeEntries(
  path: string,
  entries: Map<string, Uint8Array> | [string, Uint8Array | string][],
): Promise<string> {
  const list = entries instanceof Map ? [...entries] : entries;
  await Deno.writeFile(path, rawZip(list.map(([name, data]) => ({ name, data }))));
  return path;
}

/** The parsed pack manifest of entries. */
export function manifestOf(entries: Map<string, Uint8Array>): Record<string, unknown> {
  return JSON.parse(dec.decode(entries.get("pack_manifest.json")!));
}

/**
 * Replaces the manifest after `edit`: declared hashes are recomputed from the
 * entries (unless `keepHashes`), signatures dropped, and `pack_id`
 * recomputed, so verification gets past the manifest to the next check.
 */
export function reseal(
  entries: Map<string, Uint8Array>,
  edit: (manifest: Record<string, unknown>) => void = () => {},
  options: { keepHashes?: boolean } = {},
): Map<string, Uint8Array> {
  const manifest = manifestOf(entries);
  delete manifest.signatures;
  edit(manifest);
  if (!options.keepHashes) {
    for (const item of manifest.contents as { path: string; sha256: string }[]) {
      const data = entries.get(item.path);
      if (data) item.sha256 = sha256Hex(data);
    }
  }
  manifest.pack_id = "0".repeat(64);
  manifest.pack_id = computePackId(packManifestFromJson(JSON.parse(JSON.stringify(manifest))));
  const out = new Map(entries);
  out.set("pack_manifest.json", enc.encode(JSON.stringify(manifest)));
  return out;
}

/** A parsed JSON document that tests edit freely. */
// deno-lint-ignore no-explicit-any
export type Doc = any;

/** JSON text as bytes. */
export function jsonBytes(value: unknown): Uint8Array {
  return enc.encode(JSON.stringify(value));
}
