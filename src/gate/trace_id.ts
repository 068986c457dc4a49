/**
 * Deterministic identifiers derived from a gate decision (spec 02 §4.5).
 *
 * @module
 */

import { sha256Hex } from "../core/digest.ts";

/**
 * `trace_id` = first 12 bytes (24 hex) of sha256(`<policy_digest>:<intent_digest>:<verdict>`).
 *
 * @example
 * ```ts
 * computeTraceId(
 *   "f4581f55c41a3ee69b316c95f66fbfc293ae7f06e6458491e3ca232dfb26608c",
 *   "74d4a052fd27c63f110e0879f227215aed15a8e522946d38a2fb515374fbafa8",
 *   "block",
 * ); // "9a714d67a491c4bd98dd7983"
 * ```
 */
export function computeTraceId(
  policyDigest: string,
  intentDigest: string,
  verdict: string,
): string {
  return sha256Hex(`${policyDigest}:${intentDigest}:${verdict}`).slice(0, 24);
}
