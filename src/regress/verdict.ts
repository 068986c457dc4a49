/**
 * Tool and verdict sequences of a run, the trajectory a fixture expects
 * (spec 03 §4 fixture.json).
 *
 * @module
 */

import { isJsonObject } from "../core/json_value.ts";
import type { ResultRecord, RunpackContent } from "../runpack/types.ts";

/** The verdicts a trajectory can expect. */
export type Verdict = "allow" | "block" | "require_approval" | "dry_run" | "error";

const SYNONYMS: Record<string, Verdict> = {
  allow: "allow",
  allowed: "allow",
  ok: "allow",
  pass: "allow",
  passed: "allow",
  success: "allow",
  block: "block",
  blocked: "block",
  deny: "block",
  denied: "block",
  reject: "block",
  rejected: "block",
  require_approval: "require_approval",
  requires_approval: "require_approval",
  approval_required: "require_approval",
  needs_approval: "require_approval",
  pending_approval: "require_approval",
  dry_run: "dry_run",
  "dry-run": "dry_run",
  dryrun: "dry_run",
  error: "error",
  failed: "error",
  failure: "error",
};

/**
 * Normalizes a verdict or one of its synonyms (case-insensitive), or
 * undefined when it is none of them.
 *
 * @example
 * ```ts
 * normalizeVerdict("Denied"); // "block"
 * normalizeVerdict("maybe"); // undefined
 * ```
 */
export function normalizeVerdict(value: string): Verdict | undefined {
  return SYNONYMS[value.trim().toLowerCase()];
}

/**
 * The verdict of one result: its payload's `verdict` when it has one, else
 * its status mapped through the synonyms, else `error`.
 *
 * @example
 * ```ts
 * resultVerdict({ status: "ok" } as ResultRecord); // "allow"
 * ```
 */
export function resultVerdict(result: ResultRecord): Verdict {
  const payload = result.result;
  if (isJsonObject(payload) && typeof payload.verdict === "string" && payload.verdict !== "") {
    return normalizeVerdict(payload.verdict) ?? "error";
  }
  return normalizeVerdict(result.status) ?? "error";
}

/**
 * The tool names of a run's intents, in order.
 *
 * @example
 * ```ts
 * toolSequence(content); // ["tool.search", "tool.fetch", "tool.summarize"]
 * ```
 */
export function toolSequence(content: RunpackContent): string[] {
  return content.intents.map((i) => i.tool_name);
}

/**
 * The verdicts of a run's results, in results.jsonl order.
 *
 * @example
 * ```ts
 * verdictSequence(content); // ["allow", "allow", "allow"]
 * ```
 */
export function verdictSequence(content: RunpackContent): Verdict[] {
  return content.results.map(resultVerdict);
}
