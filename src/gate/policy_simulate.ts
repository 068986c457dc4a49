/**
 * `gait policy simulate` (spec 02 §7.2): a candidate policy against a
 * baseline over a set of intent fixtures, with a rollout recommendation.
 * Fixtures are evaluated like `policy test` (normalized, no tokens).
 *
 * @module
 */

import { compareUtf8 } from "../core/go_json.ts";
import type { JsonObject, JsonValue } from "../core/json_value.ts";
import { evaluatePolicy } from "./evaluate.ts";
import type { LoadedPolicy } from "./eval_pipeline.ts";
import { normalizeIntent } from "./intent.ts";
import type { GateOutcome } from "./outcome.ts";
import type { Verdict } from "./policy_types.ts";

/** One intent fixture. */
export interface SimulationFixture {
  path: string;
  intent: JsonValue;
}

/** A rollout recommendation. */
export type Recommendation = "enforce" | "observe" | "require_approval";

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function counts(verdicts: readonly Verdict[]): JsonObject[] {
  const m = new Map<string, number>();
  for (const v of verdicts) m.set(v, (m.get(v) ?? 0) + 1);
  return [...m.keys()].sort(compareUtf8).map((verdict) => ({ verdict, count: m.get(verdict)! }));
}

/**
 * `enforce` when nothing changed; `observe` when any non-allow became allow;
 * else `require_approval` when any non-block became block; else `enforce`.
 *
 * @example
 * ```ts
 * recommend([{ baseline: "block", candidate: "allow" }]); // "observe"
 * ```
 */
export function recommend(
  changes: readonly { baseline: Verdict; candidate: Verdict }[],
): Recommendation {
  if (changes.length === 0) return "enforce";
  if (changes.some((c) => c.baseline !== "allow" && c.candidate === "allow")) return "observe";
  if (changes.some((c) => c.baseline !== "block" && c.candidate === "block")) {
    return "require_approval";
  }
  return "enforce";
}

/**
 * Simulates `candidate` against `baseline` over the fixtures (sorted by path).
 * `changed` lists the fixtures whose verdict, reason codes, violations or
 * matched rule differ.
 *
 * @example
 * ```ts
 * const report = simulatePolicies(baseline, candidate, fixtures, "2026-02-18T00:00:00Z");
 * report.recommendation; // "enforce"
 * ```
 */
export function simulatePolicies(
  baseline: LoadedPolicy,
  candidate: LoadedPolicy,
  fixtures: readonly SimulationFixture[],
  now: string,
): JsonObject {
  const ordered = [...fixtures].sort((a, b) => compareUtf8(a.path, b.path));
  const baseVerdicts: Verdict[] = [];
  const candVerdicts: Verdict[] = [];
  const changed: JsonObject[] = [];
  const changes: { baseline: Verdict; candidate: Verdict }[] = [];
  for (const f of ordered) {
    const intent = normalizeIntent(f.intent);
    const b: GateOutcome = evaluatePolicy(baseline.policy, intent, { evaluationTime: now });
    const c: GateOutcome = evaluatePolicy(candidate.policy, intent, { evaluationTime: now });
    baseVerdicts.push(b.verdict);
    candVerdicts.push(c.verdict);
    const differs = b.verdict !== c.verdict || !sameList(b.reason_codes, c.reason_codes) ||
      !sameList(b.violations, c.violations) || b.matched_rule !== c.matched_rule;
    if (!differs) continue;
    changes.push({ baseline: b.verdict, candidate: c.verdict });
    const entry: JsonObject = {
      fixture_path: f.path,
      intent_digest: intent.intent_digest,
      baseline_verdict: b.verdict,
      candidate_verdict: c.verdict,
      baseline_reason_codes: [...b.reason_codes],
      candidate_reason_codes: [...c.reason_codes],
      baseline_violations: [...b.violations],
      candidate_violations: [...c.violations],
      baseline_matched_rule: b.matched_rule,
      candidate_matched_rule: c.matched_rule,
      changed: true,
    };
    for (const k of Object.keys(entry)) {
      const v = entry[k];
      if (v === "" || (Array.isArray(v) && v.length === 0)) delete entry[k];
    }
    changed.push(entry);
  }
  const recommendation = recommend(changes);
  return {
    ok: true,
    baseline_policy_digest: baseline.digest,
    candidate_policy_digest: candidate.digest,
    fixtures_total: ordered.length,
    changed_fixtures: changed.length,
    baseline_verdicts: counts(baseVerdicts),
    candidate_verdicts: counts(candVerdicts),
    recommendation,
    summary:
      `policy simulate: fixtures=${ordered.length} changed=${changed.length} recommendation=${recommendation}`,
    changed,
  };
}
