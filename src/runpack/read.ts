/**
 * Reading a runpack's documents after checking its integrity, for inspect,
 * migrate, replay and diff. Content is never trusted before its hashes match.
 *
 * @module
 */

import { openZipFile, type ZipArchive } from "../archive/mod.ts";
import { GaitError } from "../core/errors.ts";
import type { JsonValue } from "../core/json_value.ts";
import { decodeUtf8Strict, parseStrictJson, parseStrictJsonBytes } from "../core/strict_json.ts";
import { intentFromJson, refsFromJson, resultFromJson, runFromJson } from "./parse.ts";
import type {
  CaptureMode,
  IntentRecord,
  ResultRecord,
  RunpackContent,
  RunpackManifest,
} from "./types.ts";
import { type RunpackVerifyResult, verifyRunpackArchive } from "./verify.ts";

/** Longest JSONL line accepted (spec 01 §3). */
export const MAX_JSONL_LINE_BYTES = 10 * 1024 * 1024;

/** A verified runpack's documents. */
export interface LoadedRunpack {
  path: string;
  manifest: RunpackManifest;
  content: RunpackContent;
  verify: RunpackVerifyResult;
}

/**
 * Parses JSONL text: one JSON value per non-empty line, each line bounded.
 *
 * @example
 * ```ts
 * parseJsonl('{"a":1}\n', "x.jsonl"); // [{ a: 1 }]
 * ```
 */
export function parseJsonl(
  text: string,
  label: string,
  maxLineBytes = MAX_JSONL_LINE_BYTES,
): JsonValue[] {
  const out: JsonValue[] = [];
  let lineNo = 0;
  for (const line of text.split("\n")) {
    lineNo++;
    if (line.trim() === "") continue;
    if (line.length > maxLineBytes) {
      throw new GaitError("invalid_input", `${label} line ${lineNo} exceeds ${maxLineBytes} bytes`);
    }
    out.push(parseStrictJson(line, { label: `${label} line ${lineNo}` }));
  }
  return out;
}

async function readJsonl(archive: ZipArchive, name: string): Promise<JsonValue[]> {
  if (!archive.has(name)) return [];
  return parseJsonl(decodeUtf8Strict(await archive.readEntry(name), name), name);
}

function describeFailure(v: RunpackVerifyResult): string {
  const parts: string[] = [];
  if (v.missing_files.length) parts.push(`missing files: ${v.missing_files.join(", ")}`);
  for (const m of v.hash_mismatches) parts.push(`hash mismatch: ${m.path}`);
  if (v.undeclared_files.length) parts.push(`undeclared files: ${v.undeclared_files.join(", ")}`);
  parts.push(...v.integrity_errors);
  return parts.join("; ");
}

/**
 * Opens a runpack, checks its hashes and manifest digest (signatures are not
 * required), and parses its documents.
 *
 * @example
 * ```ts
 * const { content } = await loadRunpack("gait-out/runpack_run_demo.zip");
 * ```
 */
export async function loadRunpack(path: string): Promise<LoadedRunpack> {
  const archive = await openZipFile(path);
  try {
    const verify = await verifyRunpackArchive(archive, {});
    if (
      verify.missing_files.length > 0 || verify.hash_mismatches.length > 0 ||
      verify.undeclared_files.length > 0 || verify.integrity_errors.length > 0
    ) {
      throw new GaitError(
        "verification_failed",
        `runpack verification failed: ${describeFailure(verify)}`,
      );
    }
    const run = runFromJson(
      parseStrictJsonBytes(await archive.readEntry("run.json"), { label: "run.json" }),
    );
    const intents: IntentRecord[] = (await readJsonl(archive, "intents.jsonl"))
      .map((v, i) => intentFromJson(v, `intents.jsonl line ${i + 1}`));
    const results: ResultRecord[] = (await readJsonl(archive, "results.jsonl"))
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
    return {
      path,
      manifest: verify.manifest,
      content: { run, intents, results, refs, captureMode: mode as CaptureMode },
      verify,
    };
  } finally {
    archive.close();
  }
}
