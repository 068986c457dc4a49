/**
 * Signed gate trace records `trace_<trace_id>.json` (spec 01 §6, spec 02 §4.5):
 * building the record with the Go struct's field order and presence rules
 * (required fields always, everything else omit-if-empty, timestamps always),
 * signing it, rendering the file and verifying a trace read back from disk.
 *
 * @module
 */

import { digestJson, sha256Hex } from "../core/digest.ts";
import { compareUtf8, goJson } from "../core/go_json.ts";
import type { JsonObject, JsonValue } from "../core/json_value.ts";
import { isJsonObject } from "../core/json_value.ts";
import { toUtcTimestamp } from "../core/timestamp.ts";
import type { PrivateKeyMaterial, PublicKeyMaterial } from "../crypto/key_material.ts";
import { type Signature, signDigest, verifyDigestSignature } from "../crypto/signature.ts";
import { digestJsonAsync } from "./_digest_async.ts";
import type { AgentIdentity, NormalizedIntent, SkillProvenance } from "./intent_types.ts";
import type {
  FreezeWindowDecision,
  KillSwitchDecision,
  SandboxDecision,
  StepVerdict,
} from "./outcome.ts";

/** The trace `schema_id`. */
export const TRACE_SCHEMA_ID = "gait.gate.trace";
/** The trace `schema_version`. */
export const TRACE_SCHEMA_VERSION = "1.0.0";

/** The `delegation_ref` object of a trace. */
export interface TraceDelegationRef {
  delegation_token_ref: string;
  requester_identity: string;
  delegation_depth: number;
  scope_class: string;
  chain_digest: string;
  reason_codes: string[];
}

/**
 * A trace record as written: a plain JSON object whose keys follow the Go
 * struct order; optional keys are absent when empty.
 */
export type TraceRecord = Record<string, JsonValue>;

/** Everything a trace is built from. */
export interface TraceInput {
  /** The GateResult `created_at`. */
  createdAt: string;
  /** When the decision was observed (now, UTC). */
  observedAt: string;
  producerVersion: string;
  /** The final verdict. */
  verdict: string;
  /** The final violations. */
  violations: readonly string[];
  policyDigest: string;
  policyId: string;
  policyVersion: string;
  /** The intent whose digests and context the trace carries (prepared, or raw when preparation failed). */
  intent: NormalizedIntent;
  contextSource: string;
  script: boolean;
  stepCount: number;
  scriptHash: string;
  compositeRiskClass: string;
  stepVerdicts: readonly StepVerdict[];
  /** Approved-script fast path fields (issue 4 hook). */
  preApproved?: boolean;
  patternId?: string;
  registryReason?: string;
  latencyMs?: number;
  approvalTokenRef: string;
  freezeWindow: FreezeWindowDecision | null;
  sandbox: SandboxDecision | null;
  killSwitch: KillSwitchDecision | null;
  delegationRef: TraceDelegationRef | null;
  /** Extra fields set by later pipeline steps (broker credential fields); merged in struct order. */
  extra?: Record<string, JsonValue | undefined>;
}

/**
 * `trace_id` = first 12 bytes (24 hex) of sha256(`<policy_digest>:<intent_digest>:<verdict>`).
 * Re-exported here for callers that only deal with traces.
 */
export { computeTraceId } from "./trace_id.ts";

/**
 * `event_id` = first 12 bytes (24 hex) of sha256(`<trace_id>:<observed_at>`),
 * with `observed_at` in UTC RFC3339Nano.
 *
 * @example
 * ```ts
 * computeEventId("9a714d67a491c4bd98dd7983", "2026-02-18T00:00:00Z").length; // 24
 * ```
 */
export function computeEventId(traceId: string, observedAt: string): string {
  return sha256Hex(`${traceId}:${toUtcTimestamp(observedAt)}`).slice(0, 24);
}

type Obj = Record<string, JsonValue>;

function putStr(o: Obj, key: string, v: string | undefined): void {
  if (v !== undefined && v !== "") o[key] = v;
}
function putNum(o: Obj, key: string, v: number | undefined): void {
  if (v !== undefined && v !== 0) o[key] = v;
}
function putTrue(o: Obj, key: string, v: boolean | undefined): void {
  if (v) o[key] = true;
}
function putList(o: Obj, key: string, v: readonly JsonValue[] | undefined): void {
  if (v !== undefined && v.length > 0) o[key] = [...v];
}

/** The struct view of an agent identity, in schema order (timestamps always present). */
function agentIdentityObject(a: AgentIdentity): Obj {
  const o: Obj = {};
  putList(o, "lifecycle_states", a.lifecycle_states);
  putStr(o, "owner", a.owner);
  putStr(o, "manifest_digest", a.manifest_digest);
  putStr(o, "publisher", a.publisher);
  putStr(o, "source", a.source);
  o.issued_at = a.issued_at;
  o.approved_at = a.approved_at;
  o.expires_at = a.expires_at;
  putTrue(o, "revoked", a.revoked);
  return o;
}

function skillObject(s: SkillProvenance): Obj {
  const o: Obj = { skill_name: s.skill_name };
  putStr(o, "skill_version", s.skill_version);
  o.source = s.source;
  o.publisher = s.publisher;
  putStr(o, "digest", s.digest);
  putStr(o, "signature_key_id", s.signature_key_id);
  return o;
}

/**
 * The struct view of a step verdict (index, tool_name and verdict always).
 *
 * @example
 * ```ts
 * stepVerdictObject({ index: 0, tool_name: "a", verdict: "allow", reason_codes: [], violations: [], matched_rule: "" });
 * // { index: 0, tool_name: "a", verdict: "allow" }
 * ```
 */
export function stepVerdictObject(s: StepVerdict): Obj {
  const o: Obj = { index: s.index, tool_name: s.tool_name, verdict: s.verdict };
  putList(o, "reason_codes", s.reason_codes);
  putList(o, "violations", s.violations);
  putStr(o, "matched_rule", s.matched_rule);
  return o;
}

/**
 * The struct view of a freeze-window decision (timestamps always present).
 *
 * @example
 * ```ts
 * freezeWindowObject(decision).evaluated_at; // "2026-02-18T00:00:00Z"
 * ```
 */
export function freezeWindowObject(d: FreezeWindowDecision): Obj {
  const o: Obj = {};
  putStr(o, "status", d.status);
  putStr(o, "effect", d.effect);
  putStr(o, "timezone", d.timezone);
  o.evaluated_at = d.evaluated_at;
  putStr(o, "window_name", d.window_name);
  o.window_start = d.window_start;
  o.window_end = d.window_end;
  putStr(o, "reason", d.reason);
  putStr(o, "reason_code", d.reason_code);
  return o;
}

/**
 * The struct view of a sandbox decision (omit-if-empty fields).
 *
 * @example
 * ```ts
 * sandboxDecisionObject(decision).status; // "valid"
 * ```
 */
export function sandboxDecisionObject(d: SandboxDecision): Obj {
  const o: Obj = {};
  putStr(o, "status", d.status);
  putStr(o, "network_mode", d.network_mode);
  putStr(o, "env_exposure_mode", d.env_exposure_mode);
  putNum(o, "timeout_seconds", d.timeout_seconds);
  putStr(o, "filesystem_isolation", d.filesystem_isolation);
  putStr(o, "user_mode", d.user_mode);
  putStr(o, "evidence_ref", d.evidence_ref);
  putStr(o, "evidence_digest", d.evidence_digest);
  putList(o, "reason_codes", d.reason_codes);
  return o;
}

/**
 * The struct view of a kill-switch decision (`evaluated_at` always present).
 *
 * @example
 * ```ts
 * killSwitchObject(decision).status; // "inactive"
 * ```
 */
export function killSwitchObject(d: KillSwitchDecision): Obj {
  const o: Obj = {};
  putStr(o, "status", d.status);
  putStr(o, "reason_code", d.reason_code);
  putList(o, "reason_codes", d.reason_codes);
  putList(o, "matched_entry_ids", d.matched_entry_ids);
  o.evaluated_at = d.evaluated_at;
  return o;
}

function delegationRefObject(d: TraceDelegationRef): Obj {
  const o: Obj = {};
  putStr(o, "delegation_token_ref", d.delegation_token_ref);
  putStr(o, "requester_identity", d.requester_identity);
  putNum(o, "delegation_depth", d.delegation_depth);
  putStr(o, "scope_class", d.scope_class);
  putStr(o, "chain_digest", d.chain_digest);
  putList(o, "reason_codes", d.reason_codes);
  return o;
}

/** `matched_rule_ids` come from script step verdicts only (spec 02 §4.5). */
function matchedRuleIds(steps: readonly StepVerdict[]): string[] {
  const ids = new Set<string>();
  for (const s of steps) {
    for (const name of s.matched_rule.split(",")) if (name !== "") ids.add(name);
  }
  return [...ids].sort(compareUtf8);
}

const BROKER_FIELDS = [
  "broker_credential_ref",
  "broker_credential_source",
  "broker_credential_access_type",
  "broker_credential_issuer",
  "broker_request_digest",
  "broker_target_binding",
  "broker_run_binding",
  "broker_job_binding",
] as const;

/**
 * Builds the unsigned trace record: exactly the schema's fields, in the Go
 * struct's order, with Go presence rules. `trace_id` and `event_id` are
 * derived from the digests, the final verdict and `observed_at`.
 *
 * @example
 * ```ts
 * const record = buildTraceRecord({ ...input, verdict: "block" });
 * record.trace_id; // "9a714d67a491c4bd98dd7983" for the spec 01 V3 inputs
 * ```
 */
export function buildTraceRecord(input: TraceInput): TraceRecord {
  const intent = input.intent;
  const ctx = intent.context;
  const traceId = sha256Hex(`${input.policyDigest}:${intent.intent_digest}:${input.verdict}`)
    .slice(0, 24);
  const observedAt = toUtcTimestamp(input.observedAt);
  const o: Obj = {
    schema_id: TRACE_SCHEMA_ID,
    schema_version: TRACE_SCHEMA_VERSION,
    created_at: input.createdAt,
    observed_at: observedAt,
    producer_version: input.producerVersion,
    trace_id: traceId,
    event_id: computeEventId(traceId, observedAt),
    tool_name: intent.tool_name,
    args_digest: intent.args_digest,
    intent_digest: intent.intent_digest,
    policy_digest: input.policyDigest,
  };
  putStr(o, "agent_id", ctx.agent_id);
  if (ctx.agent_identity) o.agent_identity = agentIdentityObject(ctx.agent_identity);
  putStr(o, "run_id", ctx.run_id);
  putStr(o, "workflow_id", ctx.workflow_id);
  putStr(o, "repo", ctx.repo);
  putStr(o, "environment", ctx.environment);
  putStr(o, "credential_ref", ctx.credential_ref);
  putStr(o, "credential_source", ctx.credential_source);
  putStr(o, "credential_access_type", ctx.credential_access_type);
  putStr(o, "credential_issuer", ctx.credential_issuer);
  putStr(o, "credential_subject", ctx.credential_subject);
  putStr(o, "credential_owner", ctx.credential_owner);
  putStr(o, "credential_target_binding", ctx.credential_target_binding);
  putStr(o, "credential_run_binding", ctx.credential_run_binding);
  putStr(o, "credential_job_binding", ctx.credential_job_binding);
  putNum(o, "credential_ttl_seconds", ctx.credential_ttl_seconds);
  const extra = input.extra ?? {};
  for (const key of BROKER_FIELDS) {
    const v = extra[key];
    if (typeof v === "string") putStr(o, key, v);
  }
  putStr(o, "approval_ref", ctx.approval_ref);
  putStr(o, "wrkr_inventory_ref", ctx.wrkr_inventory_ref);
  putStr(o, "agent_action_bom_ref", ctx.agent_action_bom_ref);
  putStr(o, "policy_id", input.policyId);
  putStr(o, "policy_version", input.policyVersion);
  putList(o, "matched_rule_ids", matchedRuleIds(input.stepVerdicts));
  o.verdict = input.verdict;
  putStr(o, "context_set_digest", ctx.context_set_digest);
  putStr(o, "context_evidence_mode", ctx.context_evidence_mode);
  putNum(o, "context_ref_count", ctx.context_refs.length);
  putStr(o, "context_source", input.contextSource);
  putTrue(o, "script", input.script);
  putNum(o, "step_count", input.stepCount);
  putStr(o, "script_hash", input.scriptHash);
  putStr(o, "composite_risk_class", input.compositeRiskClass);
  putList(o, "step_verdicts", input.stepVerdicts.map(stepVerdictObject));
  putTrue(o, "pre_approved", input.preApproved);
  putStr(o, "pattern_id", input.patternId);
  putStr(o, "registry_reason", input.registryReason);
  putList(o, "violations", input.violations);
  putNum(o, "latency_ms", input.latencyMs);
  putStr(o, "approval_token_ref", input.approvalTokenRef);
  if (input.freezeWindow) o.freeze_window = freezeWindowObject(input.freezeWindow);
  if (input.sandbox) o.sandbox = sandboxDecisionObject(input.sandbox);
  if (input.killSwitch) o.kill_switch = killSwitchObject(input.killSwitch);
  const mcp = extra.mcp_trust;
  if (mcp !== undefined && mcp !== null) o.mcp_trust = mcp;
  if (input.delegationRef) {
    const ref = delegationRefObject(input.delegationRef);
    if (Object.keys(ref).length > 0) o.delegation_ref = ref;
  }
  if (intent.skill_provenance) o.skill_provenance = skillObject(intent.skill_provenance);
  const rel = extra.relationship;
  if (rel !== undefined && rel !== null) o.relationship = rel;
  return o;
}

/**
 * The digest a trace signature covers: `H(JCS(record without signature))`.
 *
 * @example
 * ```ts
 * traceSignableDigest(record).length; // 64
 * ```
 */
export function traceSignableDigest(record: JsonObject): string {
  const { signature: _omit, ...rest } = record;
  return digestJson(rest);
}

/**
 * Signs a trace record (adds `signature` over the record without it).
 *
 * @example
 * ```ts
 * const signed = await signTraceRecord(record, key);
 * signed.signature; // { alg: "ed25519", key_id, sig, signed_digest }
 * ```
 */
export async function signTraceRecord(
  record: TraceRecord,
  key: PrivateKeyMaterial,
): Promise<TraceRecord> {
  const { signature: _omit, ...rest } = record;
  const signature: Signature = await signDigest(key, await digestJsonAsync(rest));
  return { ...record, signature: { ...signature } };
}

/**
 * The trace file text: pretty JSON (2-space indent, Go escaping) and a newline.
 *
 * @example
 * ```ts
 * renderTraceFile({ schema_id: "gait.gate.trace" }); // '{\n  "schema_id": "gait.gate.trace"\n}\n'
 * ```
 */
export function renderTraceFile(record: JsonObject): string {
  return goJson(record, { indent: "  " }) + "\n";
}

/** The result of {@link verifyTraceRecord}. */
export interface TraceVerification {
  /** True when the signature verifies. */
  ok: boolean;
  trace_id: string;
  verdict: string;
  /** `verified` or `failed`. */
  signature_status: "verified" | "failed";
  /** The signature's key_id ("" when absent). */
  key_id: string;
  /** Why verification failed. */
  error?: string;
}

/**
 * Verifies a trace read back from disk: the signature must be present and
 * verify over the document minus `signature`, hashed as written (unknown keys
 * included, so any edit of the document fails).
 *
 * @example
 * ```ts
 * const result = await verifyTraceRecord(parseStrictJson(text), publicKey);
 * result.signature_status; // "verified"
 * ```
 */
export async function verifyTraceRecord(
  doc: JsonValue,
  key: PublicKeyMaterial,
): Promise<TraceVerification> {
  if (!isJsonObject(doc)) {
    return failed("", "", "", "trace record must be a JSON object");
  }
  const traceId = typeof doc.trace_id === "string" ? doc.trace_id : "";
  const verdict = typeof doc.verdict === "string" ? doc.verdict : "";
  if (doc.schema_id !== undefined && doc.schema_id !== TRACE_SCHEMA_ID) {
    return failed(traceId, verdict, "", `unsupported schema_id: ${String(doc.schema_id)}`);
  }
  const sig = doc.signature;
  if (sig === undefined || sig === null) return failed(traceId, verdict, "", "missing signature");
  if (!isJsonObject(sig)) return failed(traceId, verdict, "", "signature must be an object");
  const keyId = typeof sig.key_id === "string" ? sig.key_id : "";
  const { signature: _omit, ...rest } = doc;
  const check = await verifyDigestSignature(key, sig, await digestJsonAsync(rest));
  if (!check.valid) return failed(traceId, verdict, keyId, check.reason);
  return { ok: true, trace_id: traceId, verdict, signature_status: "verified", key_id: keyId };
}

function failed(
  traceId: string,
  verdict: string,
  keyId: string,
  error: string,
): TraceVerification {
  return {
    ok: false,
    trace_id: traceId,
    verdict,
    signature_status: "failed",
    key_id: keyId,
    error,
  };
}
