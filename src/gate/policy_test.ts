/**
 * `gait policy test` (spec 02 §7.2): one intent against one policy, without
 * tokens, at the wall clock. Like the reference tool, the intent is only
 * normalized (context claims are not stripped and no Wrkr inventory is
 * applied), so its `intent_digest` may differ from `gate eval`'s.
 *
 * @module
 */

import type { JsonObject, JsonValue } from "../core/json_value.ts";
import { toUtcTimestamp } from "../core/timestamp.ts";
import { evaluatePolicy } from "./evaluate.ts";
import type { LoadedPolicy } from "./eval_pipeline.ts";
import { normalizeIntent } from "./intent.ts";
import type { GateOutcome } from "./outcome.ts";

/** The policy test result `schema_id`. */
export const POLICY_TEST_SCHEMA_ID = "gait.policytest.result";
/** The longest summary; longer ones are cut and end in `...(+N)`. */
export const MAX_SUMMARY_CHARS = 240;

/**
 * Caps a summary at 240 characters: a longer one is cut and ends with
 * `...(+N)`, N being the number of characters left out.
 *
 * @example
 * ```ts
 * capSummary("x".repeat(300)).length; // 240
 * ```
 */
export function capSummary(summary: string): string {
  if (summary.length <= MAX_SUMMARY_CHARS) return summary;
  let keep = MAX_SUMMARY_CHARS;
  for (;;) {
    const suffix = `...(+${summary.length - keep})`;
    if (keep + suffix.length <= MAX_SUMMARY_CHARS) return summary.slice(0, keep) + suffix;
    keep--;
  }
}

/**
 * `policy test verdict=<v> reasons=<csv|none> violations=<csv|none>`, capped.
 *
 * @example
 * ```ts
 * policyTestSummary("allow", ["default_allow"], []); // "policy test verdict=allow reasons=default_allow violations=none"
 * ```
 */
export function policyTestSummary(
  verdict: string,
  reasons: readonly string[],
  violations: readonly string[],
): string {
  const csv = (l: readonly string[]) => (l.length > 0 ? l.join(",") : "none");
  return capSummary(
    `policy test verdict=${verdict} reasons=${csv(reasons)} violations=${csv(violations)}`,
  );
}

/** The outcome of {@link runPolicyTest}: the result document and the raw outcome. */
export interface PolicyTestRun {
  result: JsonObject;
  outcome: GateOutcome;
  exitCode: 0 | 3 | 4;
}

/**
 * Evaluates a raw intent against a policy the way `policy test` does.
 *
 * @example
 * ```ts
 * const { result, exitCode } = runPolicyTest(loadedPolicy(policy), rawIntent, "2026-02-18T00:00:00Z");
 * ```
 */
export function runPolicyTest(
  policy: LoadedPolicy,
  rawIntent: JsonValue,
  now: string,
  producerVersion = "0.0.0-dev",
): PolicyTestRun {
  const intent = normalizeIntent(rawIntent);
  const outcome = evaluatePolicy(policy.policy, intent, { evaluationTime: now, producerVersion });
  const result: JsonObject = {
    ok: true,
    schema_id: POLICY_TEST_SCHEMA_ID,
    schema_version: "1.0.0",
    created_at: toUtcTimestamp(now),
    policy_digest: policy.digest,
    intent_digest: intent.intent_digest,
    verdict: outcome.verdict,
    reason_codes: [...outcome.reason_codes],
    violations: [...outcome.violations],
    matched_rule: outcome.matched_rule,
    summary: policyTestSummary(outcome.verdict, outcome.reason_codes, outcome.violations),
  };
  if (outcome.matched_rule === "") delete result.matched_rule;
  const exitCode = outcome.verdict === "block" ? 3 : outcome.verdict === "require_approval" ? 4 : 0;
  return { result, outcome, exitCode };
}
