/**
 * Opening packs for reading (inspect, diff, export): PackSpec v1 packs with a
 * strictly parsed manifest, legacy runpacks presented as run packs, and
 * legacy guard evidence packs (`pack_type` `guard`).
 * Nothing here checks hashes; that is `verifyPackArchive`'s job.
 *
 * @module
 */

import { openZipFile, type ZipArchive } from "../archive/mod.ts";
import { GaitError } from "../core/errors.ts";
import type { JsonObject, JsonValue } from "../core/json_value.ts";
import { decodeUtf8Strict, parseStrictJsonBytes } from "../core/strict_json.ts";
import { pathExists } from "../fs/atomic.ts";
import { readGuardManifest } from "../guard/pack_verify.ts";
import type { RunpackManifest } from "../runpack/types.ts";
import { readRunpackManifest } from "../runpack/verify.ts";
import {
  MAX_PACK_DOCUMENT_BYTES,
  MAX_PACK_MANIFEST_BYTES,
  PACK_ZIP_LIMITS,
  readEmbeddedRunpack,
  readRunpackDocuments,
  type RunpackDocuments,
} from "./_runpack_source.ts";
import { isGuardPackManifest, parsePackManifest, rawManifestDigest } from "./manifest.ts";
import { PackFile, type PackManifest, type PackType } from "./types.ts";

/** A pack (or legacy runpack) opened for reading. */
export interface OpenedPack {
  path: string;
  archive: ZipArchive;
  /** The PackSpec manifest; null for a legacy runpack. */
  manifest: PackManifest | null;
  /** The legacy runpack manifest; null otherwise. */
  runpackManifest: RunpackManifest | null;
  /** A legacy guard evidence pack's manifest as written; null otherwise. */
  guardManifest: JsonObject | null;
  /** `runpack` or `guard` for legacy artifacts. */
  legacyType?: "runpack" | "guard";
  packId: string;
  packType: PackType | "guard";
  sourceRef: string;
  /**
   * The diff/export manifest digest: `H(JCS(raw pack_manifest.json))`, or
   * the stored `manifest_digest` of a legacy runpack.
   */
  manifestDigest: string;
  /** Declared files: path → sha256 as written in the manifest. */
  files: Map<string, string>;
}

/**
 * Checks that a pack argument names an existing file.
 *
 * @example
 * ```ts
 * await requirePackFile("gait-out/pack_x.zip");
 * ```
 */
export async function requirePackFile(path: string): Promise<void> {
  if (path.trim() === "") throw new GaitError("invalid_input", "pack path is required");
  if (!(await pathExists(path)) || !(await Deno.stat(path)).isFile) {
    throw new GaitError("invalid_input", `pack not found: ${path}`);
  }
}

/**
 * Opens a pack or legacy runpack. The caller closes `archive`.
 *
 * @example
 * ```ts
 * const pack = await openPack("gait-out/pack_x.zip");
 * try { pack.packType; } finally { pack.archive.close(); }
 * ```
 */
export async function openPack(path: string): Promise<OpenedPack> {
  await requirePackFile(path);
  const archive = await openZipFile(path, PACK_ZIP_LIMITS);
  try {
    if (!archive.has(PackFile.manifest)) {
      if (!archive.has("manifest.json")) {
        throw new GaitError("invalid_input", `missing ${PackFile.manifest}`);
      }
      const { manifest } = await readRunpackManifest(archive);
      return {
        path,
        archive,
        manifest: null,
        runpackManifest: manifest,
        guardManifest: null,
        legacyType: "runpack",
        packId: manifest.manifest_digest,
        packType: "run",
        sourceRef: manifest.run_id,
        manifestDigest: manifest.manifest_digest,
        files: new Map((manifest.files ?? []).map((f) => [f.path, f.sha256])),
      };
    }
    const bytes = await archive.readEntry(PackFile.manifest, { maxBytes: MAX_PACK_MANIFEST_BYTES });
    let manifest: PackManifest;
    try {
      manifest = parsePackManifest(bytes);
    } catch (error) {
      if (!isGuardPackManifest(bytes)) throw error;
      const guard = await readGuardManifest(archive);
      return {
        path,
        archive,
        manifest: null,
        runpackManifest: null,
        guardManifest: guard.raw,
        legacyType: "guard",
        packId: guard.manifest.pack_id,
        packType: "guard",
        sourceRef: guard.manifest.run_id,
        manifestDigest: rawManifestDigest(bytes),
        files: new Map(guard.manifest.contents.map((e) => [e.path, e.sha256])),
      };
    }
    return {
      path,
      archive,
      manifest,
      runpackManifest: null,
      guardManifest: null,
      packId: manifest.pack_id,
      packType: manifest.pack_type,
      sourceRef: manifest.source_ref,
      manifestDigest: rawManifestDigest(bytes),
      files: new Map((manifest.contents ?? []).map((e) => [e.path, e.sha256])),
    };
  } catch (error) {
    archive.close();
    throw error;
  }
}

/**
 * Reads a JSON entry of an opened pack (undefined when absent).
 *
 * @example
 * ```ts
 * await readPackJson(pack, "run_payload.json");
 * ```
 */
export async function readPackJson(
  pack: OpenedPack,
  name: string,
): Promise<JsonValue | undefined> {
  if (!pack.archive.has(name)) return undefined;
  const bytes = await pack.archive.readEntry(name, { maxBytes: MAX_PACK_DOCUMENT_BYTES });
  return parseStrictJsonBytes(bytes, { label: name });
}

/**
 * Reads a text entry of an opened pack (undefined when absent).
 *
 * @example
 * ```ts
 * await readPackText(pack, "job_events.jsonl");
 * ```
 */
export async function readPackText(pack: OpenedPack, name: string): Promise<string | undefined> {
  if (!pack.archive.has(name)) return undefined;
  const bytes = await pack.archive.readEntry(name, { maxBytes: MAX_PACK_DOCUMENT_BYTES });
  return decodeUtf8Strict(bytes, name);
}

/**
 * The runpack documents behind a run pack: the legacy runpack itself, or the
 * embedded `source/runpack.zip` of a run or call pack; null when there is none.
 *
 * @example
 * ```ts
 * const docs = await readPackRunpack(pack);
 * ```
 */
export async function readPackRunpack(pack: OpenedPack): Promise<RunpackDocuments | null> {
  if (pack.legacyType === "runpack") return await readRunpackDocuments(pack.archive, pack.path);
  if (!pack.archive.has(PackFile.sourceRunpack)) return null;
  return await readEmbeddedRunpack(pack.archive);
}

/** `run_lineage` of inspect (spec 01 §5.3). */
export interface RunLineage {
  timeline_events: number;
  receipt_count: number;
  intent_results: { intent_id: string; tool_name?: string; status?: string }[];
}

/**
 * Summarizes a run's lineage: timeline size, receipts, and each intent with
 * its result status (results without an intent are listed after).
 *
 * @example
 * ```ts
 * runLineageOf(docs).intent_results[0]; // { intent_id: "intent_1", tool_name: "tool.search", status: "ok" }
 * ```
 */
export function runLineageOf(docs: RunpackDocuments): RunLineage {
  const status = new Map<string, string>();
  for (const r of docs.results) if (!status.has(r.intent_id)) status.set(r.intent_id, r.status);
  const seen = new Set<string>();
  const intentResults: RunLineage["intent_results"] = [];
  for (const intent of docs.intents) {
    seen.add(intent.intent_id);
    const item: RunLineage["intent_results"][number] = { intent_id: intent.intent_id };
    if (intent.tool_name !== "") item.tool_name = intent.tool_name;
    const s = status.get(intent.intent_id);
    if (s) item.status = s;
    intentResults.push(item);
  }
  for (const r of docs.results) {
    if (seen.has(r.intent_id)) continue;
    seen.add(r.intent_id);
    const item: RunLineage["intent_results"][number] = { intent_id: r.intent_id };
    if (r.status !== "") item.status = r.status;
    intentResults.push(item);
  }
  return {
    timeline_events: docs.run.timeline?.length ?? 0,
    receipt_count: docs.refs.receipts.length,
    intent_results: intentResults,
  };
}
