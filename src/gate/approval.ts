/**
 * Approval tokens (spec 02 §5.1–§5.3): minting a signed `gait.gate.approval_token`,
 * normalizing and verifying tokens read from disk, checking a set of tokens
 * against an evaluation (reason codes in the spec's order, `min_approvals`
 * with distinct approvers) and the approval audit record.
 *
 * @module
 */

import { digestJson, isHex64, sha256Hex } from "../core/digest.ts";
import { GaitError } from "../core/errors.ts";
import { compareUtf8 } from "../core/go_json.ts";
import { isJsonObject, type JsonObject, type JsonValue } from "../core/json_value.ts";
import { StructView } from "../core/struct_view.ts";
import {
  formatTimestamp,
  isZeroTimestamp,
  parseTimestamp,
  toUtcTimestamp,
  unixNanos,
} from "../core/timestamp.ts";
import type { PrivateKeyMaterial, PublicKeyMaterial } from "../crypto/key_material.ts";
import { signDigest, verifyDigestSignature } from "../crypto/signature.ts";
import { goLower, goTrim, lowUniq } from "./_text.ts";

/** The approval token `schema_id`. */
export const APPROVAL_TOKEN_SCHEMA_ID = "gait.gate.approval_token";
/** The approval audit record `schema_id`. */
export const APPROVAL_AUDIT_SCHEMA_ID = "gait.gate.approval_audit_record";
const SCHEMA_VERSION = "1.0.0";

/** A normalized approval token (signature kept as read). */
export interface ApprovalToken {
  schema_id: string;
  schema_version: string;
  created_at: string;
  producer_version: string;
  token_id: string;
  approver_identity: string;
  reason_code: string;
  intent_digest: string;
  policy_digest: string;
  delegation_binding_digest: string;
  scope: string[];
  max_targets: number;
  max_ops: number;
  expires_at: string;
  signature?: JsonValue;
}

/** What `gait approve` mints a token from. */
export interface MintApprovalOptions {
  intentDigest: string;
  policyDigest: string;
  /** Optional 64-hex delegation binding digest ("" for none). */
  delegationBindingDigest?: string;
  /** Time to live in nanoseconds (> 0). */
  ttlNanos: bigint;
  /** Scope entries (lower-cased, trimmed, deduplicated, sorted). */
  scope: readonly string[];
  approver: string;
  reasonCode: string;
  /** 0 = unbounded. */
  maxTargets?: number;
  /** 0 = unbounded. */
  maxOps?: number;
  /** Creation instant (UTC RFC 3339). */
  now: string;
  producerVersion: string;
}

/**
 * The struct view of a token (Go field order; `delegation_binding_digest`,
 * `max_targets`, `max_ops` omitted when empty; `signature` omitted when absent).
 *
 * @example
 * ```ts
 * approvalTokenObject(token).token_id; // "ec44f8948261811d131eb04a"
 * ```
 */
export function approvalTokenObject(t: ApprovalToken, withSignature = true): JsonObject {
  const o: JsonObject = {
    schema_id: t.schema_id,
    schema_version: t.schema_version,
    created_at: t.created_at,
    producer_version: t.producer_version,
    token_id: t.token_id,
    approver_identity: t.approver_identity,
    reason_code: t.reason_code,
    intent_digest: t.intent_digest,
    policy_digest: t.policy_digest,
  };
  if (t.delegation_binding_digest !== "") o.delegation_binding_digest = t.delegation_binding_digest;
  o.scope = [...t.scope];
  if (t.max_targets !== 0) o.max_targets = t.max_targets;
  if (t.max_ops !== 0) o.max_ops = t.max_ops;
  o.expires_at = t.expires_at;
  if (withSignature && t.signature !== undefined && t.signature !== null) {
    o.signature = t.signature;
  }
  return o;
}

/**
 * `token_id` = first 12 bytes hex of
 * sha256(`<intent>:<policy>:<approver>:<reason>:<scope csv>:<max_targets>:<max_ops>:<expires_at>`).
 *
 * @example
 * ```ts
 * approvalTokenId({ ...fields }).length; // 24
 * ```
 */
export function approvalTokenId(fields: {
  intentDigest: string;
  policyDigest: string;
  approver: string;
  reasonCode: string;
  scope: readonly string[];
  maxTargets: number;
  maxOps: number;
  expiresAt: string;
}): string {
  return sha256Hex(
    [
      fields.intentDigest,
      fields.policyDigest,
      fields.approver,
      fields.reasonCode,
      fields.scope.join(","),
      String(fields.maxTargets),
      String(fields.maxOps),
      fields.expiresAt,
    ].join(":"),
  ).slice(0, 24);
}

/**
 * Adds nanoseconds to a UTC timestamp exactly.
 *
 * @example
 * ```ts
 * addNanos("2026-02-24T12:42:58.228785Z", 1_000_000_000n); // "2026-02-24T12:42:59.228785Z"
 * ```
 */
export function addNanos(timestamp: string, nanos: bigint): string {
  const total = unixNanos(timestamp) + nanos;
  const seconds = total / 1_000_000_000n - (total % 1_000_000_000n < 0n ? 1n : 0n);
  const rest = total - seconds * 1_000_000_000n;
  return formatTimestamp({ unixSeconds: Number(seconds), nanos: Number(rest), offsetMinutes: 0 });
}

/**
 * Mints and signs an approval token (spec 02 §5.1).
 *
 * @example
 * ```ts
 * const token = await mintApprovalToken({ ...options }, key);
 * token.expires_at; // created_at + ttl
 * ```
 */
export async function mintApprovalToken(
  options: MintApprovalOptions,
  key: PrivateKeyMaterial,
): Promise<ApprovalToken> {
  const intentDigest = goLower(goTrim(options.intentDigest));
  const policyDigest = goLower(goTrim(options.policyDigest));
  const binding = goLower(goTrim(options.delegationBindingDigest ?? ""));
  if (!isHex64(intentDigest)) {
    throw new GaitError("invalid_input", "intent digest must be 64 lowercase hex characters");
  }
  if (!isHex64(policyDigest)) {
    throw new GaitError("invalid_input", "policy digest must be 64 lowercase hex characters");
  }
  if (binding !== "" && !isHex64(binding)) {
    throw new GaitError(
      "invalid_input",
      "delegation binding digest must be 64 lowercase hex characters",
    );
  }
  if (options.ttlNanos <= 0n) {
    throw new GaitError("invalid_input", "invalid --ttl, expected positive duration");
  }
  const scope = lowUniq(options.scope);
  if (scope.length === 0) throw new GaitError("invalid_input", "scope is required");
  const approver = goTrim(options.approver);
  if (approver === "") throw new GaitError("invalid_input", "approver is required");
  const reasonCode = goTrim(options.reasonCode);
  if (reasonCode === "") throw new GaitError("invalid_input", "reason code is required");
  const maxTargets = options.maxTargets ?? 0;
  const maxOps = options.maxOps ?? 0;
  if (maxTargets < 0 || maxOps < 0) {
    throw new GaitError("invalid_input", "max targets and max ops must be >= 0");
  }
  const createdAt = toUtcTimestamp(options.now);
  const expiresAt = addNanos(createdAt, options.ttlNanos);
  const token: ApprovalToken = {
    schema_id: APPROVAL_TOKEN_SCHEMA_ID,
    schema_version: SCHEMA_VERSION,
    created_at: createdAt,
    producer_version: options.producerVersion,
    token_id: approvalTokenId({
      intentDigest,
      policyDigest,
      approver,
      reasonCode,
      scope,
      maxTargets,
      maxOps,
      expiresAt,
    }),
    approver_identity: approver,
    reason_code: reasonCode,
    intent_digest: intentDigest,
    policy_digest: policyDigest,
    delegation_binding_digest: binding,
    scope,
    max_targets: maxTargets,
    max_ops: maxOps,
    expires_at: expiresAt,
  };
  const signature = await signDigest(key, digestJson(approvalTokenObject(token, false)));
  token.signature = { ...signature };
  return token;
}

/** A token that fails normalization (reason `approval_token_invalid`). */
export class ApprovalTokenInvalid extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ApprovalTokenInvalid";
  }
}

/**
 * Reads a parsed token file the way Go fills its struct (unknown keys
 * ignored, case-insensitive keys, wrong JSON types are `invalid_input`
 * errors) and returns the raw field values, before normalization.
 */
function readTokenFields(value: JsonValue, label: string) {
  if (!isJsonObject(value)) {
    throw new GaitError("invalid_input", `${label}: approval token must be a JSON object`);
  }
  const v = new StructView(value, label);
  const rawTime = (name: string): string => {
    const t = v.raw(name);
    if (t === undefined) return "";
    if (typeof t !== "string") {
      throw new GaitError("invalid_input", `${label}.${name} must be an RFC3339 timestamp`);
    }
    return v.time(name);
  };
  return {
    schema_id: v.string("schema_id"),
    schema_version: v.string("schema_version"),
    created_at: rawTime("created_at"),
    producer_version: v.string("producer_version"),
    token_id: v.string("token_id"),
    approver_identity: v.string("approver_identity"),
    reason_code: v.string("reason_code"),
    intent_digest: v.string("intent_digest"),
    policy_digest: v.string("policy_digest"),
    delegation_binding_digest: v.string("delegation_binding_digest"),
    scope: v.stringArray("scope") ?? [],
    max_targets: v.integer("max_targets"),
    max_ops: v.integer("max_ops"),
    expires_at: rawTime("expires_at"),
    signature: v.raw("signature"),
  };
}

/**
 * Normalizes a parsed approval token. JSON type errors throw `GaitError`
 * `invalid_input` (the file is unparseable: exit 6); rule violations throw
 * {@link ApprovalTokenInvalid} (`approval_token_invalid`). Timestamps keep
 * their written offset, so the signature digest matches the signer's.
 *
 * @example
 * ```ts
 * normalizeApprovalToken(parseStrictJson(text), "approval-token.json").token_id;
 * ```
 */
export function normalizeApprovalToken(value: JsonValue, label = "approval token"): ApprovalToken {
  const f = readTokenFields(value, label);
  const schemaId = goTrim(f.schema_id) || APPROVAL_TOKEN_SCHEMA_ID;
  const schemaVersion = goTrim(f.schema_version) || SCHEMA_VERSION;
  if (schemaId !== APPROVAL_TOKEN_SCHEMA_ID) {
    throw new ApprovalTokenInvalid(`unsupported schema_id ${JSON.stringify(schemaId)}`);
  }
  if (schemaVersion !== SCHEMA_VERSION) {
    throw new ApprovalTokenInvalid(`unsupported schema_version ${JSON.stringify(schemaVersion)}`);
  }
  const tokenId = goTrim(f.token_id);
  const approver = goTrim(f.approver_identity);
  const reason = goTrim(f.reason_code);
  if (tokenId === "") throw new ApprovalTokenInvalid("token_id is required");
  if (approver === "") throw new ApprovalTokenInvalid("approver_identity is required");
  if (reason === "") throw new ApprovalTokenInvalid("reason_code is required");
  const intentDigest = goLower(goTrim(f.intent_digest));
  const policyDigest = goLower(goTrim(f.policy_digest));
  const binding = goLower(goTrim(f.delegation_binding_digest));
  if (!isHex64(intentDigest)) throw new ApprovalTokenInvalid("intent_digest must be 64 hex");
  if (!isHex64(policyDigest)) throw new ApprovalTokenInvalid("policy_digest must be 64 hex");
  if (binding !== "" && !isHex64(binding)) {
    throw new ApprovalTokenInvalid("delegation_binding_digest must be 64 hex");
  }
  const scope = lowUniq(f.scope);
  if (scope.length === 0) throw new ApprovalTokenInvalid("scope is required");
  if (f.max_targets < 0 || f.max_ops < 0) {
    throw new ApprovalTokenInvalid("max_targets and max_ops must be >= 0");
  }
  if (f.created_at === "" || isZeroTimestamp(f.created_at)) {
    throw new ApprovalTokenInvalid("created_at is required");
  }
  if (f.expires_at === "" || isZeroTimestamp(f.expires_at)) {
    throw new ApprovalTokenInvalid("expires_at is required");
  }
  const token: ApprovalToken = {
    schema_id: schemaId,
    schema_version: schemaVersion,
    created_at: f.created_at,
    producer_version: f.producer_version,
    token_id: tokenId,
    approver_identity: approver,
    reason_code: reason,
    intent_digest: intentDigest,
    policy_digest: policyDigest,
    delegation_binding_digest: binding,
    scope,
    max_targets: f.max_targets,
    max_ops: f.max_ops,
    expires_at: f.expires_at,
  };
  if (f.signature !== undefined) token.signature = f.signature;
  return token;
}

/** What the evaluation expects every token to be bound to. */
export interface ApprovalExpectation {
  intentDigest: string;
  policyDigest: string;
  /** The intent's delegation binding digest ("" when the intent has no delegation). */
  delegationBindingDigest: string;
  /** The required scope (spec 02 §5.2). */
  requiredScope: readonly string[];
  /** Targets counted against `max_targets`. */
  targetCount: number;
  /** Operations counted against `max_ops`. */
  opCount: number;
}

/** One token to check: where it came from and its parsed JSON. */
export interface ApprovalTokenSource {
  path: string;
  value: JsonValue;
}

/** One entry of the approval audit record. */
export interface ApprovalAuditEntry {
  token_id: string;
  approver_identity: string;
  reason_code: string;
  scope: string[];
  expires_at: string;
  valid: boolean;
  error_code: string;
}

/** The result of {@link verifyApprovalTokens}. */
export interface ApprovalCheck {
  /** Required approvals: max(1, min_approvals). */
  required: number;
  /** Distinct valid tokens (by token_id). */
  valid: number;
  /** True when the approval is granted (verdict becomes `allow`). */
  approved: boolean;
  /** Unique valid approver identities, sorted. */
  approvers: string[];
  /** Sorted valid token ids. */
  validTokenIds: string[];
  /** Reason codes to add: every token failure code plus the outcome code. */
  reasonCodes: string[];
  /** Violations to add (`approval_not_granted` when not granted). */
  violations: string[];
  /** One entry per token, sorted. */
  entries: ApprovalAuditEntry[];
}

/** Options of {@link verifyApprovalTokens}. */
export interface VerifyApprovalOptions {
  tokens: readonly ApprovalTokenSource[];
  /** The verify key; null means every signature check fails. */
  verifier: PublicKeyMaterial | null;
  expected: ApprovalExpectation;
  /** max(1, min_approvals) is used. */
  minApprovals: number;
  requireDistinctApprovers: boolean;
  /** The wall clock instant (token expiry ignores `--evaluation-time`). */
  now: string;
}

async function checkToken(
  token: ApprovalToken,
  verifier: PublicKeyMaterial | null,
  expected: ApprovalExpectation,
  now: string,
): Promise<string> {
  if (verifier === null) return "approval_token_signature_invalid";
  if (token.signature === undefined || token.signature === null) {
    return "approval_token_signature_missing";
  }
  const digest = digestJson(approvalTokenObject(token, false));
  const sig = await verifyDigestSignature(verifier, token.signature, digest);
  if (!sig.valid) return "approval_token_signature_invalid";
  if (token.intent_digest !== expected.intentDigest) return "approval_token_intent_mismatch";
  if (token.policy_digest !== expected.policyDigest) return "approval_token_policy_mismatch";
  if (
    expected.delegationBindingDigest !== "" &&
    token.delegation_binding_digest !== expected.delegationBindingDigest
  ) {
    return "approval_token_delegation_binding_mismatch";
  }
  if (unixNanos(now) >= unixNanos(token.expires_at)) return "approval_token_expired";
  if (!token.scope.includes("*") && !expected.requiredScope.every((s) => token.scope.includes(s))) {
    return "approval_token_scope_mismatch";
  }
  if (token.max_targets > 0 && expected.targetCount > token.max_targets) {
    return "approval_token_max_targets_exceeded";
  }
  if (token.max_ops > 0 && expected.opCount > token.max_ops) {
    return "approval_token_max_ops_exceeded";
  }
  return "";
}

function entryFromRaw(value: JsonValue): ApprovalAuditEntry {
  const o = isJsonObject(value) ? value : {};
  const s = (k: string) => (typeof o[k] === "string" ? goTrim(o[k] as string) : "");
  const scope = Array.isArray(o.scope)
    ? lowUniq(o.scope.filter((x): x is string => typeof x === "string"))
    : [];
  let expires = "0001-01-01T00:00:00Z";
  if (typeof o.expires_at === "string") {
    try {
      expires = formatTimestampText(o.expires_at);
    } catch {
      // An unparseable expiry stays zero in the audit.
    }
  }
  return {
    token_id: s("token_id"),
    approver_identity: s("approver_identity"),
    reason_code: s("reason_code"),
    scope,
    expires_at: expires,
    valid: false,
    error_code: "approval_token_invalid",
  };
}

function formatTimestampText(text: string): string {
  return formatTimestamp(parseTimestamp(text));
}

function compareEntries(a: ApprovalAuditEntry, b: ApprovalAuditEntry): number {
  return compareUtf8(a.token_id, b.token_id) ||
    compareUtf8(a.approver_identity, b.approver_identity) ||
    compareUtf8(a.reason_code, b.reason_code) ||
    compareUtf8(a.expires_at, b.expires_at) ||
    compareUtf8(a.scope.join(","), b.scope.join(","));
}

/**
 * Checks approval tokens for a `require_approval` decision (spec 02 §5.3).
 * Per token the first failure wins, in the spec's order; every failure code
 * is reported. The approval is granted when the distinct valid tokens reach
 * max(1, min_approvals) and, when distinct approvers are required (and more
 * than one approval), as many distinct approver identities.
 *
 * @example
 * ```ts
 * const check = await verifyApprovalTokens({ tokens, verifier, expected, minApprovals: 1, requireDistinctApprovers: false, now });
 * check.approved; // true → verdict allow, reason approval_granted
 * ```
 */
export async function verifyApprovalTokens(options: VerifyApprovalOptions): Promise<ApprovalCheck> {
  const required = Math.max(1, options.minApprovals);
  const entries: ApprovalAuditEntry[] = [];
  const failureCodes = new Set<string>();
  const validIds = new Set<string>();
  const approvers = new Set<string>();
  for (const source of options.tokens) {
    let token: ApprovalToken;
    try {
      token = normalizeApprovalToken(source.value, source.path);
    } catch (error) {
      if (!(error instanceof ApprovalTokenInvalid)) throw error;
      failureCodes.add("approval_token_invalid");
      entries.push(entryFromRaw(source.value));
      continue;
    }
    const code = await checkToken(token, options.verifier, options.expected, options.now);
    if (code !== "") failureCodes.add(code);
    else {
      validIds.add(token.token_id);
      approvers.add(token.approver_identity);
    }
    entries.push({
      token_id: token.token_id,
      approver_identity: token.approver_identity,
      reason_code: token.reason_code,
      scope: token.scope,
      expires_at: token.expires_at,
      valid: code === "",
      error_code: code,
    });
  }
  entries.sort(compareEntries);
  const reasons = [...failureCodes];
  const valid = validIds.size;
  let outcome = "";
  if (options.tokens.length === 0) outcome = "approval_token_missing";
  else if (valid < required) outcome = "approval_chain_insufficient";
  else if (options.requireDistinctApprovers && required > 1 && approvers.size < required) {
    outcome = "approval_distinct_approvers_required";
  }
  const approved = outcome === "";
  reasons.push(approved ? "approval_granted" : outcome);
  return {
    required,
    valid,
    approved,
    approvers: [...approvers].sort(compareUtf8),
    validTokenIds: [...validIds].sort(compareUtf8),
    reasonCodes: reasons.sort(compareUtf8),
    violations: approved ? [] : ["approval_not_granted"],
    entries,
  };
}

/** Fields of the approval audit record besides the check itself. */
export interface ApprovalAuditInput {
  createdAt: string;
  producerVersion: string;
  traceId: string;
  toolName: string;
  intentDigest: string;
  policyDigest: string;
}

/**
 * The `gait.gate.approval_audit_record` document (Go field order; `approvers`
 * omitted when empty; entry `expires_at` and `valid` always present).
 *
 * @example
 * ```ts
 * approvalAuditRecord(input, check).approved; // true
 * ```
 */
export function approvalAuditRecord(input: ApprovalAuditInput, check: ApprovalCheck): JsonObject {
  const o: JsonObject = {
    schema_id: APPROVAL_AUDIT_SCHEMA_ID,
    schema_version: SCHEMA_VERSION,
    created_at: input.createdAt,
    producer_version: input.producerVersion,
    trace_id: input.traceId,
    tool_name: input.toolName,
    intent_digest: input.intentDigest,
    policy_digest: input.policyDigest,
    required_approvals: check.required,
    valid_approvals: check.valid,
    approved: check.approved,
  };
  if (check.approvers.length > 0) o.approvers = [...check.approvers];
  o.entries = check.entries.map((e) => {
    const entry: JsonObject = {};
    if (e.token_id !== "") entry.token_id = e.token_id;
    if (e.approver_identity !== "") entry.approver_identity = e.approver_identity;
    if (e.reason_code !== "") entry.reason_code = e.reason_code;
    if (e.scope.length > 0) entry.scope = [...e.scope];
    entry.expires_at = e.expires_at;
    entry.valid = e.valid;
    if (e.error_code !== "") entry.error_code = e.error_code;
    return entry;
  });
  return o;
}
