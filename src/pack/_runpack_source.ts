/**
 * Reading runpack documents for packs: the embedded `source/runpack.zip` of a
 * pack (or a legacy runpack) for inspect, diff and export, and the size
 * limits pack readers share.
 *
 * @module
 */

import { openZipBytes, type ZipArchive } from "../archive/mod.ts";
import { GaitError } from "../core/errors.ts";
import { decodeUtf8Strict, parseStrictJsonBytes } from "../core/strict_json.ts";
import { intentFromJson, refsFromJson, resultFromJson, runFromJson } from "../runpack/parse.ts";
import { parseJsonl } from "../runpack/read.ts";
import type {
  IntentRecord,
  RefsDocument,
  ResultRecord,
  RunDocument,
  RunpackManifest,
} from "../runpack/types.ts";
import { readRunpackManifest } from "../runpack/verify.ts";
import { PackFile } from "./types.ts";

/** Largest JSON or JSONL document read from a pack or runpack. */
export const MAX_PACK_DOCUMENT_BYTES = 100 * 1024 * 1024;
/** Largest `pack_manifest.json` read. */
export const MAX_PACK_MANIFEST_BYTES = 8 * 1024 * 1024;
/**
 * Entries of a pack are hashed as streams, so the per-entry limit only bounds
 * time: a pack may embed a runpack larger than the 100 MiB document limit.
 * Ratio (zip bomb) and total limits still apply.
 */
export const PACK_ZIP_LIMITS = { maxEntryBytes: 2 * 1024 * 1024 * 1024 - 1 } as const;

/** A runpack's parsed documents. */
export interface RunpackDocuments {
  manifest: RunpackManifest;
  run: RunDocument;
  intents: IntentRecord[];
  results: ResultRecord[];
  refs: RefsDocument;
}

async function readJson(archive: ZipArchive, name: string, label: string) {
  if (!archive.has(name)) {
    throw new GaitError("invalid_input", `${label}: missing ${name}`);
  }
  const bytes = await archive.readEntry(name, { maxBytes: MAX_PACK_DOCUMENT_BYTES });
  return parseStrictJsonBytes(bytes, { label: `${label} ${name}` });
}

async function readLines(archive: ZipArchive, name: string, label: string) {
  if (!archive.has(name)) return [];
  const bytes = await archive.readEntry(name, { maxBytes: MAX_PACK_DOCUMENT_BYTES });
  return parseJsonl(decodeUtf8Strict(bytes, `${label} ${name}`), `${label} ${name}`);
}

/**
 * Parses a runpack archive's documents without checking hashes (inspect,
 * diff and export read packs as they are; verify is a separate step).
 *
 * @example
 * ```ts
 * const docs = await readRunpackDocuments(archive, "source/runpack.zip");
 * ```
 */
export async function readRunpackDocuments(
  archive: ZipArchive,
  label: string,
): Promise<RunpackDocuments> {
  const { manifest } = await readRunpackManifest(archive);
  const run = runFromJson(await readJson(archive, "run.json", label), "run");
  const intents = (await readLines(archive, "intents.jsonl", label))
    .map((v, i) => intentFromJson(v, `intents.jsonl line ${i + 1}`));
  const results = (await readLines(archive, "results.jsonl", label))
    .map((v, i) => resultFromJson(v, `results.jsonl line ${i + 1}`));
  const refs = refsFromJson(await readJson(archive, "refs.json", label), "refs");
  return { manifest, run, intents, results, refs };
}

/**
 * Reads the runpack embedded in a run or call pack (`source/runpack.zip`).
 *
 * @example
 * ```ts
 * const docs = await readEmbeddedRunpack(pack);
 * ```
 */
export async function readEmbeddedRunpack(pack: ZipArchive): Promise<RunpackDocuments> {
  const bytes = await pack.readEntry(PackFile.sourceRunpack, {
    maxBytes: PACK_ZIP_LIMITS.maxEntryBytes,
  });
  const inner = openZipBytes(bytes, {}, PackFile.sourceRunpack);
  try {
    return await readRunpackDocuments(inner, PackFile.sourceRunpack);
  } finally {
    inner.close();
  }
}
