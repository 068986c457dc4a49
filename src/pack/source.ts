/**
 * The source of a run pack (spec 01 §5.3): resolving `--from` (a run id, a
 * runpack path, or a session chain whose latest checkpoint names the
 * runpack) and loading the verified runpack.
 *
 * @module
 */

import { openZipFile } from "../archive/mod.ts";
import { GaitError } from "../core/errors.ts";
import { isJsonObject } from "../core/json_value.ts";
import { decodeUtf8Strict, parseStrictJsonBytes } from "../core/strict_json.ts";
import { StructView } from "../core/struct_view.ts";
import { readFileLimited } from "../fs/atomic.ts";
import { refsFromJson, runFromJson } from "../runpack/parse.ts";
import { resolveRunpack } from "../runpack/resolve.ts";
import type { RefsDocument, RunDocument, RunpackManifest } from "../runpack/types.ts";
import { verifyRunpackArchive } from "../runpack/verify.ts";
import { MAX_PACK_DOCUMENT_BYTES } from "./_runpack_source.ts";
import { loadNativeSha256IfLarge } from "./verify.ts";

/** Largest session chain file read. */
const MAX_CHAIN_BYTES = 64 * 1024 * 1024;

/** Where a run pack's runpack comes from. */
export interface RunSource {
  /** The runpack file. */
  runpackPath: string;
  /** The chain's latest checkpoint `manifest_digest`, when built from a chain. */
  expectedManifestDigest?: string;
  /** The chain file, when built from a chain. */
  chainPath?: string;
}

/**
 * Reads a session chain and returns its latest checkpoint's runpack. The
 * `runpack_path` is resolved against the current directory, as the Go tool
 * does (spec 01 §11.11).
 *
 * @example
 * ```ts
 * const source = await runSourceFromChain("gait-out/session_chain.json");
 * ```
 */
export async function runSourceFromChain(path: string): Promise<RunSource> {
  const bytes = await readFileLimited(path, MAX_CHAIN_BYTES, "session chain");
  const value = parseStrictJsonBytes(bytes, { label: "session chain" });
  if (!isJsonObject(value)) throw new GaitError("invalid_input", "session chain must be an object");
  const chain = new StructView(value, "session chain");
  const schemaId = chain.string("schema_id");
  if (schemaId !== "gait.runpack.session_chain") {
    throw new GaitError(
      "invalid_input",
      `session chain ${path}: unsupported schema_id ${JSON.stringify(schemaId)}`,
    );
  }
  const checkpoints = chain.array("checkpoints") ?? [];
  if (checkpoints.length === 0) {
    throw new GaitError("invalid_input", `session chain ${path} has no checkpoints`);
  }
  let latest: StructView | undefined;
  let latestIndex = -Infinity;
  checkpoints.forEach((item, i) => {
    const cp = StructView.of(item, `session chain checkpoints[${i}]`);
    const index = cp.integer("checkpoint_index");
    if (index >= latestIndex) {
      latestIndex = index;
      latest = cp;
    }
  });
  const runpackPath = latest!.string("runpack_path").trim();
  if (runpackPath === "") {
    throw new GaitError(
      "invalid_input",
      `session chain ${path}: checkpoint ${latestIndex} has no runpack_path`,
    );
  }
  return {
    runpackPath,
    expectedManifestDigest: latest!.string("manifest_digest").trim().toLowerCase() || undefined,
    chainPath: path,
  };
}

/**
 * Resolves `--from` of a run pack build.
 *
 * @example
 * ```ts
 * await resolveRunSource("run_demo", (n) => Deno.env.get(n));
 * ```
 */
export async function resolveRunSource(
  from: string,
  env: (name: string) => string | undefined,
): Promise<RunSource> {
  const value = from.trim();
  if (value === "") throw new GaitError("invalid_input", "--from is required");
  if (value.toLowerCase().endsWith(".json")) {
    const source = await runSourceFromChain(value);
    try {
      source.runpackPath = await resolveRunpack(source.runpackPath, env);
    } catch (error) {
      if (error instanceof GaitError) {
        throw new GaitError(
          "invalid_input",
          `session chain ${value}: latest checkpoint runpack not found: ${source.runpackPath}`,
        );
      }
      throw error;
    }
    return source;
  }
  return { runpackPath: await resolveRunpack(value, env) };
}

/** What a run pack is built from: everything but the intents and results themselves. */
export interface RunpackSummary {
  manifest: RunpackManifest;
  run: RunDocument;
  refs: RefsDocument;
  intents_count: number;
  results_count: number;
}

/** A runpack that verified, with its entries' bytes for re-zipping. */
export interface VerifiedRunpackSource extends RunpackSummary {
  /** manifest.json and every declared file, by name. */
  files: Map<string, Uint8Array>;
}

/**
 * Counts the records of a JSONL entry, checking that every non-blank line is
 * JSON. The native parser is used: the entry's hash has just been checked
 * against its manifest, and building a pack needs only the count, so the
 * duplicate-key strictness of full reads is not worth 10x the time on
 * large runpacks.
 */
function countJsonlRecords(bytes: Uint8Array, label: string): number {
  const text = decodeUtf8Strict(bytes, label);
  let count = 0;
  let start = 0;
  let lineNo = 0;
  while (start <= text.length) {
    let end = text.indexOf("\n", start);
    if (end < 0) end = text.length;
    lineNo++;
    const line = text.slice(start, end);
    if (line.trim() !== "") {
      try {
        JSON.parse(line);
      } catch {
        throw new GaitError("invalid_input", `${label} line ${lineNo}: invalid JSON`);
      }
      count++;
    }
    start = end + 1;
  }
  return count;
}

/**
 * Opens a runpack file, requires its hashes and manifest digest to verify
 * (signatures are not required), and returns what a run pack is built from:
 * the manifest, run.json, refs.json, record counts, and every entry's bytes.
 * Integrity failures are `verification_failed` (exit 2).
 *
 * @example
 * ```ts
 * const source = await loadVerifiedRunpack("gait-out/runpack_run_demo.zip");
 * ```
 */
export async function loadVerifiedRunpack(path: string): Promise<VerifiedRunpackSource> {
  const archive = await openZipFile(path);
  try {
    await loadNativeSha256IfLarge(archive);
    const verify = await verifyRunpackArchive(archive, {});
    const problems = [
      ...verify.missing_files.map((f) => `missing file ${f}`),
      ...verify.hash_mismatches.map((m) => `hash mismatch ${m.path}`),
      ...verify.undeclared_files.map((f) => `undeclared file ${f}`),
      ...verify.integrity_errors,
    ];
    if (problems.length > 0) {
      throw new GaitError(
        "verification_failed",
        `runpack ${path} failed verification: ${problems.join("; ")}`,
      );
    }
    const files = new Map<string, Uint8Array>();
    const names = ["manifest.json", ...(verify.manifest.files ?? []).map((f) => f.path)];
    for (const name of names) {
      files.set(name, await archive.readEntry(name, { maxBytes: MAX_PACK_DOCUMENT_BYTES }));
    }
    const json = (name: string) =>
      parseStrictJsonBytes(files.get(name) ?? new Uint8Array(), { label: `${path} ${name}` });
    const lines = (name: string) =>
      files.has(name) ? countJsonlRecords(files.get(name)!, `${path} ${name}`) : 0;
    return {
      manifest: verify.manifest,
      run: runFromJson(json("run.json"), "run"),
      refs: refsFromJson(json("refs.json"), "refs"),
      intents_count: lines("intents.jsonl"),
      results_count: lines("results.jsonl"),
      files,
    };
  } finally {
    archive.close();
  }
}
