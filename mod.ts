/**
 * Gait as a TypeScript library: evaluate tool-call intents against a policy
 * in-process with exactly the result `gait gate eval` gives (verdict, reason
 * codes, digests, signed trace), mint and verify approval tokens, verify
 * traces and runpacks, and load Ed25519 keys in the formats the CLI uses.
 * No CLI code is imported: nothing here prints, reads argv or exits.
 *
 * ```ts
 * import { createGate } from "./mod.ts";
 *
 * const gate = createGate({ policy: await Deno.readTextFile("gait.policy.yaml") });
 * const result = await gate.evaluate({
 *   tool_name: "tool.write",
 *   args: { path: "/srv/app/config.yaml" },
 *   targets: [{ kind: "path", value: "/srv/app/config.yaml", operation: "write" }],
 *   context: { identity: "agent", workspace: "/srv/app", risk_class: "medium" },
 * });
 * if (!result.allowed) throw new Error(`gait: ${result.verdict} ${result.output.reason_codes}`);
 * ```
 *
 * See docs/library.md.
 *
 * @module
 */

export {
  createGate,
  type CreateGateOptions,
  type EvaluateCallOptions,
  type Gate,
  type GateEvaluation,
} from "./src/gate/create_gate.ts";
export {
  approvalExpectation,
  checkProfileBroker,
  checkProfilePolicy,
  checkProfilePreconditions,
  type GateEvalHooks,
  type GateEvalOptions,
  type GateEvalResult,
  type GateEvalState,
  type GateProfile,
  type LoadedPolicy,
  loadedPolicy,
  parseProfile,
  readApprovalTokenFile,
  readContextEnvelopeFile,
  readIntentFile,
  readPolicyFile,
  runGateEval,
  type SigningKeyInfo,
  tightenVerdict,
} from "./src/gate/eval_pipeline.ts";
export {
  buildTraceRecord,
  computeEventId,
  renderTraceFile,
  signTraceRecord,
  type TraceRecord,
  traceSignableDigest,
  type TraceVerification,
  verifyTraceRecord,
} from "./src/gate/trace.ts";
export {
  type ApprovalCheck,
  type ApprovalToken,
  approvalTokenId,
  approvalTokenObject,
  type MintApprovalOptions,
  mintApprovalToken,
  normalizeApprovalToken,
  verifyApprovalTokens,
} from "./src/gate/approval.ts";
export { formatPolicyYaml } from "./src/gate/policy_format.ts";
export { runPolicyTest } from "./src/gate/policy_test.ts";
export { simulatePolicies } from "./src/gate/policy_simulate.ts";
export { policyTemplate, resolvePolicyTemplate } from "./src/gate/policy_templates.ts";
export {
  computeTraceId,
  evaluateIntent,
  evaluatePolicy,
  type GateOutcome,
  intentDigest,
  normalizeContextEnvelope,
  type NormalizedIntent,
  normalizeIntent,
  parsePolicyBytes,
  parsePolicyYaml,
  type Policy,
  policyDigest,
  prepareIntent,
  requiredApprovalScope,
  type Verdict,
} from "./src/gate/mod.ts";
export {
  type RunpackVerifyOptions,
  type RunpackVerifyResult,
  verifyRunpackFile,
} from "./src/runpack/verify.ts";
export {
  DEV_MODE_WARNING,
  generateKeyPair,
  loadSigningKey,
  loadVerifyKey,
  parsePrivateKey,
  parsePublicKey,
  type PrivateKeyMaterial,
  type PublicKeyMaterial,
  publicKeyOf,
} from "./src/crypto/mod.ts";
export { GaitError } from "./src/core/errors.ts";
export { canonicalJson } from "./src/core/canonical_json.ts";
export { digestJson, sha256Hex } from "./src/core/digest.ts";
