/**
 * Writing runpacks: JCS documents, the manifest, optional signatures, and the
 * deterministic zip (spec 01 §4).
 *
 * @module
 */

import { buildDeterministicZip } from "../archive/mod.ts";
import { canonicalJson } from "../core/canonical_json.ts";
import { sha256Hex } from "../core/digest.ts";
import { compareUtf8 } from "../core/go_json.ts";
import { joinPath, writeFileAtomic } from "../fs/atomic.ts";
import { computeManifestDigest, computeManifestSignableDigest } from "./manifest.ts";
import {
  RUNPACK_SCHEMA_VERSION,
  type RunpackContent,
  type RunpackManifest,
  RunpackSchema,
  type SignatureObject,
} from "./types.ts";

const encoder = new TextEncoder();

/** Signs a hex digest, returning a signature object (injected from src/crypto). */
export type DigestSigner = (digestHex: string) => Promise<SignatureObject>;

/** A runpack ready to be written. */
export interface BuiltRunpack {
  /** The manifest, including signatures when signed. */
  manifest: RunpackManifest;
  /** The zip bytes. */
  zip: Uint8Array;
  /** The entries (path → bytes). */
  entries: Map<string, Uint8Array>;
}

function jsonl(records: readonly unknown[]): Uint8Array {
  let text = "";
  for (const r of records) text += canonicalJson(r) + "\n";
  return encoder.encode(text);
}

/**
 * The data entries of normalized content: run.json, intents.jsonl,
 * results.jsonl and refs.json.
 *
 * @example
 * ```ts
 * const entries = runpackEntries(content);
 * ```
 */
export function runpackEntries(content: RunpackContent): Map<string, Uint8Array> {
  return new Map([
    ["intents.jsonl", jsonl(content.intents)],
    ["refs.json", encoder.encode(canonicalJson(content.refs))],
    ["results.jsonl", jsonl(content.results)],
    ["run.json", encoder.encode(canonicalJson(content.run))],
  ]);
}

/**
 * Builds the manifest and zip of normalized content, signing when a signer is
 * given.
 *
 * @example
 * ```ts
 * const built = await buildRunpack(normalizeRunpack(draft));
 * ```
 */
export async function buildRunpack(
  content: RunpackContent,
  options: { signer?: DigestSigner } = {},
): Promise<BuiltRunpack> {
  const entries = runpackEntries(content);
  const files = [...entries.entries()]
    .map(([path, bytes]) => ({ path, sha256: sha256Hex(bytes) }))
    .sort((a, b) => compareUtf8(a.path, b.path));
  const manifest: RunpackManifest = {
    schema_id: RunpackSchema.manifest,
    schema_version: RUNPACK_SCHEMA_VERSION,
    created_at: content.run.created_at,
    producer_version: content.run.producer_version,
    run_id: content.run.run_id,
    capture_mode: content.captureMode,
    files,
    manifest_digest: "",
  };
  manifest.manifest_digest = computeManifestDigest(manifest);
  if (options.signer) {
    manifest.signatures = [await options.signer(computeManifestSignableDigest(manifest))];
  }
  const all = new Map(entries);
  all.set("manifest.json", encoder.encode(canonicalJson(manifest)));
  const zip = await buildDeterministicZip([...all].map(([path, data]) => ({ path, data })));
  return { manifest, zip, entries: all };
}

/**
 * The default runpack path for a run id in a directory.
 *
 * @example
 * ```ts
 * runpackPath("./gait-out", "run_demo"); // "./gait-out/runpack_run_demo.zip"
 * ```
 */
export function runpackPath(outDir: string, runId: string): string {
  return joinPath(outDir, `runpack_${runId}.zip`);
}

/**
 * Builds and writes a runpack atomically (mode 0600, parents 0750).
 *
 * @example
 * ```ts
 * await writeRunpack("./gait-out/runpack_x.zip", content);
 * ```
 */
export async function writeRunpack(
  path: string,
  content: RunpackContent,
  options: { signer?: DigestSigner } = {},
): Promise<BuiltRunpack> {
  const built = await buildRunpack(content, options);
  await writeFileAtomic(path, built.zip, { mode: 0o600, createParents: true });
  return built;
}
