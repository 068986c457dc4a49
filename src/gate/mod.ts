/**
 * The gate engine (spec 02 §0–§3, §6.3, §6.4, §6.6): IntentRequest
 * normalization and digests, context envelopes, intent preparation, the policy
 * YAML DSL with `policy_digest`, and pure, synchronous policy evaluation.
 * No I/O: callers read files and pass text, bytes or parsed JSON in.
 *
 * ```ts
 * import { evaluateIntent, normalizeIntent, parsePolicyYaml, policyDigest } from "./mod.ts";
 * import { parseStrictJson } from "../core/strict_json.ts";
 *
 * const policyText = "default_verdict: block\nrules:\n  - {name: reads, effect: allow, match: {tool_names: [tool.read]}}\n";
 * const intentText = '{"tool_name":"tool.read","context":{"identity":"alice","workspace":"/repo","risk_class":"low"}}';
 * const policy = parsePolicyYaml(policyText, { label: "gait.policy.yaml" });
 * const intent = normalizeIntent(parseStrictJson(intentText));
 * const { prepared, outcome } = evaluateIntent(policy, intent, { evaluationTime: "2026-02-18T00:00:00Z" });
 * console.log(outcome.verdict, outcome.reason_codes, policyDigest(policy), prepared?.intent_digest);
 * ```
 *
 * @module
 */

export * from "./intent_types.ts";
export { compareTargets, normalizeIntent } from "./intent.ts";
export {
  agentIdentityView,
  argsDigest,
  contextView,
  delegationBindingDigest,
  delegationView,
  intentDigest,
  intentDigestObject,
  provenanceView,
  sandboxView,
  scriptHash,
  stepView,
  targetsDigest,
  targetView,
} from "./intent_digest.ts";
export {
  type ContextEnvelope,
  type ContextRecord,
  contextSetDigest,
  MAX_CONTEXT_ENVELOPE_BYTES,
  normalizeContextEnvelope,
  parseContextEnvelope,
} from "./context_envelope.ts";
export {
  applyWrkrEntry,
  prepareIntent,
  type PrepareOptions,
  type WrkrEntry,
  type WrkrInventory,
  wrkrInventoryFromJson,
} from "./prepare.ts";
export * from "./policy_types.ts";
export {
  compareRules,
  HIGH_RISK_FIELDS,
  MAX_POLICY_BYTES,
  parsePolicyBytes,
  type ParsePolicyOptions,
  parsePolicyYaml,
} from "./policy_parse.ts";
export { policyDigest, policyDigestObject } from "./policy_digest.ts";
export * from "./outcome.ts";
export {
  type EvaluateOptions,
  evaluatePolicy,
  intentInvalidOutcome,
  mostRestrictiveVerdict,
  verdictRank,
} from "./evaluate.ts";
export {
  evaluateIntent,
  type EvaluateIntentOptions,
  type IntentEvaluation,
} from "./evaluate_intent.ts";
export { computeTraceId } from "./trace_id.ts";
export { hasDestructiveTarget, requiredApprovalScope } from "./approval_scope.ts";
export { goLower, goTrim, lowUniq, uniq } from "./_text.ts";
export { cleanPath } from "./_go_path.ts";
export { formatGoDuration, parseGoDurationNanos } from "./_go_duration.ts";
