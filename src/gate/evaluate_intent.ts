/**
 * The whole policy stage of `gate eval` for one normalized intent: prepare
 * (§1.5), evaluate (§3), and the fail-closed path for intents that normalize
 * but cannot be prepared (§3.1 step 1).
 *
 * @module
 */

import { GaitError } from "../core/errors.ts";
import type { ContextEnvelope } from "./context_envelope.ts";
import { type EvaluateOptions, evaluatePolicy, intentInvalidOutcome } from "./evaluate.ts";
import type { NormalizedIntent } from "./intent_types.ts";
import type { GateOutcome, KillSwitchInput } from "./outcome.ts";
import type { Policy } from "./policy_types.ts";
import { prepareIntent, type WrkrInventory } from "./prepare.ts";

/** Options of {@link evaluateIntent}. */
export interface EvaluateIntentOptions extends Omit<EvaluateOptions, "killSwitch"> {
  /** A parsed context envelope (`--context-envelope`). */
  envelope?: ContextEnvelope;
  /** A Wrkr inventory (single intents are enriched at preparation, script steps at evaluation). */
  wrkrInventory?: WrkrInventory;
  /**
   * The kill-switch input, or a function computing it from the prepared intent
   * (kill-switch entries match prepared tool names, targets and identities).
   */
  killSwitch?: KillSwitchInput | ((prepared: NormalizedIntent) => KillSwitchInput | undefined);
}

/** The result of {@link evaluateIntent}. */
export interface IntentEvaluation {
  /** The prepared intent (its digests are the ones to report), or null when preparation failed. */
  prepared: NormalizedIntent | null;
  /** The policy outcome. */
  outcome: GateOutcome;
  /** The preparation error when `prepared` is null (fail-closed `block`). */
  preparationError?: GaitError;
}

/**
 * Prepares and evaluates a normalized intent. When preparation fails (context
 * envelope mismatch) and fail-closed covers the intent's risk class, the
 * outcome is `block` / `fail_closed_intent_invalid` with `prepared: null` (use
 * the raw normalized intent's digests); otherwise the error is rethrown.
 *
 * @example
 * ```ts
 * import { normalizeIntent, parsePolicyYaml } from "./mod.ts";
 * const policy = parsePolicyYaml("default_verdict: allow\n");
 * const raw = {
 *   tool_name: "tool.read",
 *   targets: [{ kind: "path", value: "/repo/a", operation: "read" }],
 *   context: { identity: "alice", workspace: "/repo", risk_class: "low" },
 * };
 * const { prepared, outcome } = evaluateIntent(policy, normalizeIntent(raw), {
 *   evaluationTime: "2026-02-18T00:00:00Z",
 *   producerVersion: "1.0.0",
 * });
 * outcome.verdict; // "allow"
 * prepared?.intent_digest.length; // 64
 * ```
 */
export function evaluateIntent(
  policy: Policy,
  intent: NormalizedIntent,
  options: EvaluateIntentOptions,
): IntentEvaluation {
  let prepared: NormalizedIntent;
  try {
    prepared = prepareIntent(intent, {
      envelope: options.envelope,
      evaluationTime: options.evaluationTime,
      wrkrInventory: options.wrkrInventory,
    });
  } catch (error) {
    if (!(error instanceof GaitError) || error.category !== "invalid_input") throw error;
    const outcome = intentInvalidOutcome(policy, intent, options);
    if (outcome === null) throw error;
    return { prepared: null, outcome, preparationError: error };
  }
  const ks = typeof options.killSwitch === "function"
    ? options.killSwitch(prepared)
    : options.killSwitch;
  const outcome = evaluatePolicy(policy, prepared, {
    evaluationTime: options.evaluationTime,
    producerVersion: options.producerVersion,
    wrkrInventory: options.wrkrInventory,
    killSwitch: ks,
  });
  return { prepared, outcome };
}
