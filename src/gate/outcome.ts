/**
 * What policy evaluation returns (spec 02 §3): the verdict with its reason
 * codes and everything the CLI needs to finish a `gate eval` (approvals,
 * delegation, broker, rate limits, decisions, script details).
 *
 * @module
 */

import type { PolicyRule, RateLimitPolicy, Verdict } from "./policy_types.ts";

/** A freeze-window decision (spec 02 §6.3); timestamps are always present. */
export interface FreezeWindowDecision {
  status: "active" | "inactive" | "invalid";
  effect: "block" | "require_approval";
  timezone: string;
  evaluated_at: string;
  window_name: string;
  window_start: string;
  window_end: string;
  reason: string;
  reason_code: string;
}

/** A sandbox decision (spec 02 §6.4). */
export interface SandboxDecision {
  status: "missing" | "disallowed" | "invalid" | "valid";
  network_mode: string;
  env_exposure_mode: string;
  timeout_seconds: number;
  filesystem_isolation: string;
  user_mode: string;
  evidence_ref: string;
  evidence_digest: string;
  reason_codes: string[];
}

/** A kill-switch decision (spec 02 §6.2), computed by the stateful kill-switch code. */
export interface KillSwitchDecision {
  status: "active" | "inactive" | "unavailable";
  reason_code: string;
  reason_codes: string[];
  matched_entry_ids: string[];
  evaluated_at: string;
}

/**
 * The kill-switch input of an evaluation: `{ unavailable: true }` when the
 * state was required but unreadable (§3.1 step 3 → block), or the decision
 * matched against the loaded state (§3.1 step 5 overlay).
 */
export type KillSwitchInput = { unavailable: true } | { decision: KillSwitchDecision };

/** One script step's verdict (spec 02 §3.5). */
export interface StepVerdict {
  index: number;
  tool_name: string;
  verdict: Verdict;
  reason_codes: string[];
  violations: string[];
  matched_rule: string;
}

/** The `gait.gate.result` document (spec 02 §3.4). */
export interface GateResult {
  schema_id: "gait.gate.result";
  schema_version: "1.0.0";
  created_at: string;
  producer_version: string;
  verdict: Verdict;
  reason_codes: string[];
  violations: string[];
}

/** How the verdict was reached (for explain output and debugging). */
export type DecisionPath =
  | "intent_invalid"
  | "fail_closed"
  | "kill_switch_unavailable"
  | "rules"
  | "default"
  | "script";

/** The outcome of evaluating a prepared intent against a policy. */
export interface GateOutcome {
  /** Final verdict of the policy stage (before approvals, delegation, broker, simulate). */
  verdict: Verdict;
  /** Uniq-sorted reason codes. */
  reason_codes: string[];
  /** Uniq-sorted violations. */
  violations: string[];
  /** Tier rule names (scripts: step values), sorted unique, `,`-joined; "" on the default path. */
  matched_rule: string;
  /** The rules named in `matched_rule`, in policy order (explain, broker receipt checks). */
  matched_rules: readonly PolicyRule[];
  /** Approvals required; 0 unless the verdict is `require_approval`. */
  min_approvals: number;
  /** Approvers must be distinct (only with verdict `require_approval`). */
  require_distinct_approvers: boolean;
  /** A winning rule requires delegation (`match.require_delegation`). */
  require_delegation: boolean;
  /** Union of the winning rules' `match.delegation_scopes`. */
  required_delegation_scopes: string[];
  /** A winning rule requires a brokered credential. */
  require_broker_credential: boolean;
  /** Sorted unique non-empty `broker_reference`s, `,`-joined (scripts: first non-empty). */
  broker_reference: string;
  /** Union of the winning rules' `broker_scopes`. */
  broker_scopes: string[];
  /** Most restrictive winning `rate_limit` (requests > 0), or null. Enforced by the caller. */
  rate_limit: RateLimitPolicy | null;
  /** Most restrictive winning `destructive_budget` (requests > 0), or null. Enforced by the caller. */
  destructive_budget: RateLimitPolicy | null;
  /** Picked freeze-window decision of the winning rules, or null. */
  freeze_window: FreezeWindowDecision | null;
  /** Picked sandbox decision of the winning rules, or null. */
  sandbox: SandboxDecision | null;
  /** The kill-switch decision when state was loaded (or unavailable), else null. */
  kill_switch: KillSwitchDecision | null;
  /** The intent is a script. */
  script: boolean;
  /** Number of script steps (0 for single intents). */
  step_count: number;
  /** The script hash ("" for single intents). */
  script_hash: string;
  /** Highest step risk (`low|medium|high`; "" for single intents). */
  composite_risk_class: string;
  /** Per-step verdicts (empty for single intents). */
  step_verdicts: StepVerdict[];
  /** The prepared context phase (`plan` or `apply`). */
  phase: string;
  /** How the verdict was reached. */
  decision_path: DecisionPath;
  /** The `gait.gate.result` document for this outcome. */
  result: GateResult;
}
