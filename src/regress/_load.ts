/**
 * Loading runpacks for regress from bytes, so a fixture's runpack is checked
 * and copied from exactly the same bytes, and PackSpec run packs can be
 * unwrapped in memory (`source/runpack.zip`) without touching the disk.
 *
 * @module
 */

import { openZipBytes, type ZipArchive } from "../archive/mod.ts";
import { GaitError } from "../core/errors.ts";
import { decodeUtf8Strict, parseStrictJsonBytes } from "../core/strict_json.ts";
import { readFileLimited } from "../fs/atomic.ts";
import { intentFromJson, refsFromJson, resultFromJson, runFromJson } from "../runpack/parse.ts";
import { parseJsonl } from "../runpack/read.ts";
import type { CaptureMode, RunpackContent, RunpackManifest } from "../runpack/types.ts";
import { type RunpackVerifyResult, verifyRunpackArchive } from "../runpack/verify.ts";

/** Largest runpack or pack file read into memory. */
export const MAX_SOURCE_BYTES = 512 * 1024 * 1024;

/** The entry of a PackSpec run or call pack that holds its runpack. */
export const PACK_SOURCE_RUNPACK = "source/runpack.zip";

/** A runpack checked and parsed from bytes. */
export interface LoadedRunpackBytes {
  /** The runpack zip bytes (the inner zip for an unwrapped pack). */
  bytes: Uint8Array;
  manifest: RunpackManifest;
  content: RunpackContent;
  verify: RunpackVerifyResult;
  /** True when the bytes came from a pack's `source/runpack.zip`. */
  unwrapped: boolean;
}

/**
 * Describes what failed in a verification result, or "" when it is clean.
 *
 * @example
 * ```ts
 * integrityProblems(verify); // "hash mismatch: intents.jsonl"
 * ```
 */
export function integrityProblems(v: RunpackVerifyResult): string {
  const parts: string[] = [];
  if (v.missing_files.length) parts.push(`missing files: ${v.missing_files.join(", ")}`);
  for (const m of v.hash_mismatches) parts.push(`hash mismatch: ${m.path}`);
  if (v.undeclared_files.length) parts.push(`undeclared files: ${v.undeclared_files.join(", ")}`);
  parts.push(...v.integrity_errors);
  if (v.signature_status === "failed") parts.push("signature verification failed");
  return parts.join("; ");
}

async function jsonl(archive: ZipArchive, name: string) {
  if (!archive.has(name)) return [];
  return parseJsonl(decodeUtf8Strict(await archive.readEntry(name), name), name);
}

async function parseArchive(
  archive: ZipArchive,
  verify: RunpackVerifyResult,
): Promise<RunpackContent> {
  const run = runFromJson(
    parseStrictJsonBytes(await archive.readEntry("run.json"), { label: "run.json" }),
  );
  const intents = (await jsonl(archive, "intents.jsonl"))
    .map((v, i) => intentFromJson(v, `intents.jsonl line ${i + 1}`));
  const results = (await jsonl(archive, "results.jsonl"))
    .map((v, i) => resultFromJson(v, `results.jsonl line ${i + 1}`));
  const refs = refsFromJson(
    parseStrictJsonBytes(await archive.readEntry("refs.json"), { label: "refs.json" }),
  );
  const mode = verify.manifest.capture_mode;
  if (mode !== "reference" && mode !== "raw") {
    throw new GaitError(
      "invalid_input",
      `manifest.json: unsupported capture_mode ${JSON.stringify(mode)}`,
    );
  }
  return { run, intents, results, refs, captureMode: mode as CaptureMode };
}

/**
 * Opens runpack bytes, or a PackSpec pack holding `source/runpack.zip`,
 * verifies the runpack (hashes, manifest digest; no key) and parses it.
 * An integrity failure throws `verification_failed` whose message starts
 * with `failMessage`.
 *
 * @example
 * ```ts
 * const loaded = await loadRunpackBytes(bytes, "pack_x.zip", "source runpack failed integrity checks");
 * ```
 */
export async function loadRunpackBytes(
  bytes: Uint8Array,
  label: string,
  failMessage: string,
): Promise<LoadedRunpackBytes> {
  let archive = openZipBytes(bytes, {}, label);
  let runpackBytes = bytes;
  let unwrapped = false;
  try {
    if (!archive.has("manifest.json") && archive.has(PACK_SOURCE_RUNPACK)) {
      runpackBytes = await archive.readEntry(PACK_SOURCE_RUNPACK);
      archive.close();
      archive = openZipBytes(runpackBytes, {}, `${label}:${PACK_SOURCE_RUNPACK}`);
      unwrapped = true;
    }
    const verify = await verifyRunpackArchive(archive, {});
    const problems = integrityProblems(verify);
    if (problems !== "") {
      throw new GaitError("verification_failed", `${failMessage}: ${problems}`, {
        details: {
          missing_files: verify.missing_files,
          hash_mismatches: verify.hash_mismatches,
        },
      });
    }
    const content = await parseArchive(archive, verify);
    return { bytes: runpackBytes, manifest: verify.manifest, content, verify, unwrapped };
  } finally {
    archive.close();
  }
}

/**
 * Reads a runpack (or pack) file and loads it with {@link loadRunpackBytes}.
 *
 * @example
 * ```ts
 * const loaded = await loadRunpackFile("fixtures/run_demo/runpack.zip", "fixture run_demo runpack failed integrity checks");
 * ```
 */
export async function loadRunpackFile(
  path: string,
  failMessage: string,
): Promise<LoadedRunpackBytes> {
  const bytes = await readFileLimited(path, MAX_SOURCE_BYTES, "runpack");
  return await loadRunpackBytes(bytes, path, failMessage);
}
