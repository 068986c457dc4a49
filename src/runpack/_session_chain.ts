/**
 * Reading session-chain files (`gait.runpack.session_chain`, spec 01 §7) as
 * sources for diff, capture and regress. Only what those commands need: the
 * checkpoints, their linkage, and the runpack each one points at.
 *
 * @module
 */

import { sha256Hex } from "../core/digest.ts";
import { GaitError } from "../core/errors.ts";
import { isJsonObject } from "../core/json_value.ts";
import { parseStrictJsonBytes } from "../core/strict_json.ts";
import { StructView } from "../core/struct_view.ts";
import { readFileLimited } from "../fs/atomic.ts";

/** The schema id of a session chain. */
export const SESSION_CHAIN_SCHEMA = "gait.runpack.session_chain";

/** Largest session-chain file read. */
const MAX_CHAIN_BYTES = 16 * 1024 * 1024;

/** One checkpoint of a chain. */
export interface ChainCheckpoint {
  checkpoint_index: number;
  sequence_start: number;
  sequence_end: number;
  runpack_path: string;
  manifest_digest: string;
  prev_checkpoint_digest: string;
  checkpoint_digest: string;
}

/** A parsed, linkage-checked session chain. */
export interface SessionChain {
  path: string;
  session_id: string;
  run_id: string;
  checkpoints: ChainCheckpoint[];
}

/**
 * `checkpoint_digest`: SHA-256 of the ASCII text
 * `<manifest_digest>:<prev_checkpoint_digest>:<index>:<start>:<end>`.
 *
 * @example
 * ```ts
 * checkpointDigest("ab".repeat(32), "", 1, 1, 3);
 * ```
 */
export function checkpointDigest(
  manifestDigest: string,
  prev: string,
  index: number,
  start: number,
  end: number,
): string {
  return sha256Hex(`${manifestDigest}:${prev}:${index}:${start}:${end}`);
}

/**
 * Reads a session-chain file and checks its linkage: indexes 1, 2, …, ordered
 * non-overlapping sequence ranges, previous-digest links and every
 * checkpoint digest. Parse errors exit 6, broken linkage exits 2.
 *
 * @example
 * ```ts
 * const chain = await readSessionChain("gait-out/session_chain.json");
 * chain.checkpoints.at(-1)?.runpack_path;
 * ```
 */
export async function readSessionChain(path: string): Promise<SessionChain> {
  const bytes = await readFileLimited(path, MAX_CHAIN_BYTES, "session chain");
  const value = parseStrictJsonBytes(bytes, { label: path });
  if (!isJsonObject(value)) {
    throw new GaitError("invalid_input", `${path}: session chain must be a JSON object`);
  }
  const v = new StructView(value, "session_chain");
  if (v.string("schema_id") !== SESSION_CHAIN_SCHEMA) {
    throw new GaitError(
      "invalid_input",
      `${path}: not a session chain (schema_id ${JSON.stringify(v.string("schema_id"))})`,
    );
  }
  const items = v.array("checkpoints") ?? [];
  if (items.length === 0) {
    throw new GaitError("invalid_input", `${path}: session chain has no checkpoints`);
  }
  const checkpoints = items.map((item, i) => {
    const c = StructView.of(item, `session_chain.checkpoints[${i}]`);
    return {
      checkpoint_index: c.integer("checkpoint_index"),
      sequence_start: c.integer("sequence_start"),
      sequence_end: c.integer("sequence_end"),
      runpack_path: c.string("runpack_path"),
      manifest_digest: c.string("manifest_digest"),
      prev_checkpoint_digest: c.string("prev_checkpoint_digest"),
      checkpoint_digest: c.string("checkpoint_digest"),
    };
  });
  const errors: string[] = [];
  let prevEnd = 0;
  let prevDigest = "";
  checkpoints.forEach((c, i) => {
    const n = c.checkpoint_index;
    if (n !== i + 1) errors.push(`checkpoint index mismatch at position ${i + 1}`);
    if (c.sequence_start < 1 || c.sequence_end < c.sequence_start || c.sequence_start <= prevEnd) {
      errors.push(`sequence overlap at checkpoint ${n}`);
    }
    if (i > 0 && c.prev_checkpoint_digest !== prevDigest) {
      errors.push(`prev_checkpoint_digest mismatch at checkpoint ${n}`);
    }
    const expected = checkpointDigest(
      c.manifest_digest,
      c.prev_checkpoint_digest,
      n,
      c.sequence_start,
      c.sequence_end,
    );
    if (expected !== c.checkpoint_digest.toLowerCase()) {
      errors.push(`checkpoint_digest mismatch at checkpoint ${n}`);
    }
    prevEnd = c.sequence_end;
    prevDigest = c.checkpoint_digest;
  });
  if (errors.length > 0) {
    throw new GaitError(
      "verification_failed",
      `session chain ${path} failed linkage checks: ${errors.join("; ")}`,
    );
  }
  return { path, session_id: v.string("session_id"), run_id: v.string("run_id"), checkpoints };
}

/**
 * Picks a checkpoint: `latest` (or empty) is the last one, otherwise a
 * checkpoint index.
 *
 * @example
 * ```ts
 * selectCheckpoint(chain, "latest").checkpoint_index;
 * ```
 */
export function selectCheckpoint(chain: SessionChain, selector: string): ChainCheckpoint {
  const value = selector.trim().toLowerCase();
  if (value === "" || value === "latest") return chain.checkpoints[chain.checkpoints.length - 1]!;
  if (!/^[0-9]+$/.test(value)) {
    throw new GaitError("invalid_input", `--checkpoint must be latest or a checkpoint index`);
  }
  const index = Number(value);
  const found = chain.checkpoints.find((c) => c.checkpoint_index === index);
  if (!found) {
    throw new GaitError("invalid_input", `checkpoint ${index} not found in ${chain.path}`);
  }
  return found;
}

/**
 * True when an argument names a session-chain JSON file rather than a runpack.
 *
 * @example
 * ```ts
 * isJsonPathArgument("gait-out/chain.json"); // true
 * ```
 */
export function isJsonPathArgument(arg: string): boolean {
  return arg.trim().toLowerCase().endsWith(".json");
}
