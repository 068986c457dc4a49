/**
 * Delegation tokens (spec 02 §5.4): minting a signed `gait.gate.delegation_token`,
 * normalizing and verifying one token, verifying a delegation chain at
 * `gate eval` (link by link, consuming tokens in order), and the delegation
 * audit record. Shares the signing, timestamp and text helpers of approvals.
 *
 * @module
 */

import { digestJson, isHex64, sha256Hex } from "../core/digest.ts";
import { GaitError } from "../core/errors.ts";
import { compareUtf8, goJson } from "../core/go_json.ts";
import { isJsonObject, type JsonObject, type JsonValue } from "../core/json_value.ts";
import { StructView } from "../core/struct_view.ts";
import { isZeroTimestamp, toUtcTimestamp, unixNanos } from "../core/timestamp.ts";
import type { PrivateKeyMaterial, PublicKeyMaterial } from "../crypto/key_material.ts";
import { signDigest, verifyDigestSignature } from "../crypto/signature.ts";
import { assertLocalPath, readFileLimited } from "../fs/atomic.ts";
import { parseStrictJsonBytes } from "../core/strict_json.ts";
import type { GateEvalState } from "./eval_pipeline.ts";
import { addNanos } from "./approval.ts";
import { goLower, goTrim, lowUniq } from "./_text.ts";

/** The delegation token `schema_id`. */
export const DELEGATION_TOKEN_SCHEMA_ID = "gait.gate.delegation_token";
/** The delegation audit record `schema_id`. */
export const DELEGATION_AUDIT_SCHEMA_ID = "gait.gate.delegation_audit_record";
const SCHEMA_VERSION = "1.0.0";
const ZERO_TIME = "0001-01-01T00:00:00Z";

/** The reason codes of one token check, in check order. */
export const DelegationCode = {
  invalid: "delegation_token_invalid",
  signatureMissing: "delegation_token_signature_missing",
  signatureInvalid: "delegation_token_signature_invalid",
  expired: "delegation_token_expired",
  delegatorMismatch: "delegation_token_delegator_mismatch",
  delegateMismatch: "delegation_token_delegate_mismatch",
  intentMismatch: "delegation_token_intent_mismatch",
  policyMismatch: "delegation_token_policy_mismatch",
  scopeMismatch: "delegation_token_scope_mismatch",
  chainMismatch: "delegation_token_chain_mismatch",
  missing: "delegation_token_missing",
} as const;

/** A normalized delegation token (signature kept as read). */
export interface DelegationToken {
  schema_id: string;
  schema_version: string;
  created_at: string;
  producer_version: string;
  token_id: string;
  delegator_identity: string;
  delegate_identity: string;
  scope: string[];
  scope_class: string;
  intent_digest: string;
  policy_digest: string;
  expires_at: string;
  signature?: JsonValue;
}

/** What `gait delegate mint` mints a token from. */
export interface MintDelegationOptions {
  delegator: string;
  delegate: string;
  scope: readonly string[];
  scopeClass?: string;
  /** Optional 64-hex intent digest the delegation is bound to. */
  intentDigest?: string;
  /** Optional 64-hex policy digest the delegation is bound to. */
  policyDigest?: string;
  /** Time to live in nanoseconds (> 0). */
  ttlNanos: bigint;
  /** Creation instant (RFC 3339). */
  now: string;
  producerVersion: string;
}

/**
 * The struct view of a token (Go field order; `scope_class`, `intent_digest`,
 * `policy_digest` omitted when empty; `signature` omitted when absent).
 *
 * @example
 * ```ts
 * delegationTokenObject(token, false).token_id; // "694428976ab1b10859171a05"
 * ```
 */
export function delegationTokenObject(t: DelegationToken, withSignature = true): JsonObject {
  const o: JsonObject = {
    schema_id: t.schema_id,
    schema_version: t.schema_version,
    created_at: t.created_at,
    producer_version: t.producer_version,
    token_id: t.token_id,
    delegator_identity: t.delegator_identity,
    delegate_identity: t.delegate_identity,
    scope: [...t.scope],
  };
  if (t.scope_class !== "") o.scope_class = t.scope_class;
  if (t.intent_digest !== "") o.intent_digest = t.intent_digest;
  if (t.policy_digest !== "") o.policy_digest = t.policy_digest;
  o.expires_at = t.expires_at;
  if (withSignature && t.signature !== undefined && t.signature !== null) {
    o.signature = t.signature;
  }
  return o;
}

/**
 * `token_id` = first 12 bytes hex of
 * sha256(`<delegator>:<delegate>:<scope csv>:<scope_class>:<intent>:<policy>:<expires_at>`).
 *
 * @example
 * ```ts
 * delegationTokenId({ ...fields }).length; // 24
 * ```
 */
export function delegationTokenId(fields: {
  delegator: string;
  delegate: string;
  scope: readonly string[];
  scopeClass: string;
  intentDigest: string;
  policyDigest: string;
  expiresAt: string;
}): string {
  return sha256Hex(
    [
      fields.delegator,
      fields.delegate,
      fields.scope.join(","),
      fields.scopeClass,
      fields.intentDigest,
      fields.policyDigest,
      fields.expiresAt,
    ].join(":"),
  ).slice(0, 24);
}

function optionalDigest(value: string | undefined, label: string): string {
  const d = goLower(goTrim(value ?? ""));
  if (d !== "" && !isHex64(d)) {
    throw new GaitError("invalid_input", `${label} must be 64 hex characters`);
  }
  return d;
}

/**
 * Mints and signs a delegation token (spec 02 §5.4).
 *
 * @example
 * ```ts
 * const token = await mintDelegationToken({ delegator: "agent.lead", delegate: "agent.worker",
 *   scope: ["write"], ttlNanos: 3_600_000_000_000n, now, producerVersion: "0.0.0-dev" }, key);
 * ```
 */
export async function mintDelegationToken(
  options: MintDelegationOptions,
  key: PrivateKeyMaterial,
): Promise<DelegationToken> {
  const delegator = goTrim(options.delegator);
  const delegate = goTrim(options.delegate);
  if (delegator === "") throw new GaitError("invalid_input", "--delegator is required");
  if (delegate === "") throw new GaitError("invalid_input", "--delegate is required");
  const scope = lowUniq(options.scope);
  if (scope.length === 0) throw new GaitError("invalid_input", "scope is required");
  if (options.ttlNanos <= 0n) {
    throw new GaitError("invalid_input", "invalid --ttl, expected positive duration");
  }
  const intentDigest = optionalDigest(options.intentDigest, "--intent-digest");
  const policyDigest = optionalDigest(options.policyDigest, "--policy-digest");
  const scopeClass = goLower(goTrim(options.scopeClass ?? ""));
  const createdAt = toUtcTimestamp(options.now);
  const expiresAt = addNanos(createdAt, options.ttlNanos);
  const token: DelegationToken = {
    schema_id: DELEGATION_TOKEN_SCHEMA_ID,
    schema_version: SCHEMA_VERSION,
    created_at: createdAt,
    producer_version: options.producerVersion,
    token_id: delegationTokenId({
      delegator,
      delegate,
      scope,
      scopeClass,
      intentDigest,
      policyDigest,
      expiresAt,
    }),
    delegator_identity: delegator,
    delegate_identity: delegate,
    scope,
    scope_class: scopeClass,
    intent_digest: intentDigest,
    policy_digest: policyDigest,
    expires_at: expiresAt,
  };
  const signature = await signDigest(key, digestJson(delegationTokenObject(token, false)));
  token.signature = { ...signature };
  return token;
}

/** A token that fails normalization (reason `delegation_token_invalid`). */
export class DelegationTokenInvalid extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DelegationTokenInvalid";
  }
}

/**
 * Normalizes a parsed delegation token. JSON type errors throw `GaitError`
 * `invalid_input` (unparseable file, exit 6); rule violations throw
 * {@link DelegationTokenInvalid}. Timestamps keep their written offset so the
 * signature digest matches the signer's.
 *
 * @example
 * ```ts
 * normalizeDelegationToken(JSON.parse(text)).delegate_identity; // "agent.worker"
 * ```
 */
export function normalizeDelegationToken(
  value: JsonValue,
  label = "delegation token",
): DelegationToken {
  if (!isJsonObject(value)) {
    throw new GaitError("invalid_input", `${label}: delegation token must be a JSON object`);
  }
  const v = new StructView(value, label);
  const time = (name: string): string => {
    const t = v.raw(name);
    if (t === undefined || t === null) return "";
    if (typeof t !== "string") {
      throw new GaitError("invalid_input", `${label}.${name} must be an RFC3339 timestamp`);
    }
    return v.time(name);
  };
  const schemaId = goTrim(v.string("schema_id")) || DELEGATION_TOKEN_SCHEMA_ID;
  const schemaVersion = goTrim(v.string("schema_version")) || SCHEMA_VERSION;
  const createdAt = time("created_at");
  const expiresAt = time("expires_at");
  const scopeRaw = v.stringArray("scope") ?? [];
  const signature = v.raw("signature");
  if (schemaId !== DELEGATION_TOKEN_SCHEMA_ID) {
    throw new DelegationTokenInvalid(`unsupported schema_id ${JSON.stringify(schemaId)}`);
  }
  if (schemaVersion !== SCHEMA_VERSION) {
    throw new DelegationTokenInvalid(`unsupported schema_version ${JSON.stringify(schemaVersion)}`);
  }
  const tokenId = goTrim(v.string("token_id"));
  const delegator = goTrim(v.string("delegator_identity"));
  const delegate = goTrim(v.string("delegate_identity"));
  if (tokenId === "") throw new DelegationTokenInvalid("token_id is required");
  if (delegator === "") throw new DelegationTokenInvalid("delegator_identity is required");
  if (delegate === "") throw new DelegationTokenInvalid("delegate_identity is required");
  const scope = lowUniq(scopeRaw);
  if (scope.length === 0) throw new DelegationTokenInvalid("scope is required");
  const intentDigest = goLower(goTrim(v.string("intent_digest")));
  const policyDigest = goLower(goTrim(v.string("policy_digest")));
  if (intentDigest !== "" && !isHex64(intentDigest)) {
    throw new DelegationTokenInvalid("intent_digest must be 64 hex");
  }
  if (policyDigest !== "" && !isHex64(policyDigest)) {
    throw new DelegationTokenInvalid("policy_digest must be 64 hex");
  }
  if (createdAt === "" || isZeroTimestamp(createdAt)) {
    throw new DelegationTokenInvalid("created_at is required");
  }
  if (expiresAt === "" || isZeroTimestamp(expiresAt)) {
    throw new DelegationTokenInvalid("expires_at is required");
  }
  const token: DelegationToken = {
    schema_id: schemaId,
    schema_version: schemaVersion,
    created_at: createdAt,
    producer_version: v.string("producer_version"),
    token_id: tokenId,
    delegator_identity: delegator,
    delegate_identity: delegate,
    scope,
    scope_class: goLower(goTrim(v.string("scope_class"))),
    intent_digest: intentDigest,
    policy_digest: policyDigest,
    expires_at: expiresAt,
  };
  if (signature !== undefined) token.signature = signature;
  return token;
}

/** What a token is checked against. Empty strings mean "not expected". */
export interface DelegationExpectation {
  delegator?: string;
  delegate?: string;
  /** Passes when the token's scope ∪ {scope_class} holds `*` or any entry (empty: any). */
  requiredScope?: readonly string[];
  intentDigest?: string;
  policyDigest?: string;
}

/**
 * Checks one normalized token (spec 02 §5.4 order, first failure wins).
 * Returns "" when valid, else the reason code.
 *
 * @example
 * ```ts
 * await checkDelegationToken(token, key, { delegate: "agent.worker" }, now); // ""
 * ```
 */
export async function checkDelegationToken(
  token: DelegationToken,
  verifier: PublicKeyMaterial | null,
  expected: DelegationExpectation,
  now: string,
): Promise<string> {
  if (verifier === null) return DelegationCode.signatureInvalid;
  if (token.signature === undefined || token.signature === null) {
    return DelegationCode.signatureMissing;
  }
  const digest = digestJson(delegationTokenObject(token, false));
  const sig = await verifyDigestSignature(verifier, token.signature, digest);
  if (!sig.valid) return DelegationCode.signatureInvalid;
  if (unixNanos(now) >= unixNanos(token.expires_at)) return DelegationCode.expired;
  const delegator = goTrim(expected.delegator ?? "");
  if (delegator !== "" && token.delegator_identity !== delegator) {
    return DelegationCode.delegatorMismatch;
  }
  const delegate = goTrim(expected.delegate ?? "");
  if (delegate !== "" && token.delegate_identity !== delegate) {
    return DelegationCode.delegateMismatch;
  }
  const intent = goLower(goTrim(expected.intentDigest ?? ""));
  if (intent !== "" && token.intent_digest !== "" && token.intent_digest !== intent) {
    return DelegationCode.intentMismatch;
  }
  const policy = goLower(goTrim(expected.policyDigest ?? ""));
  if (policy !== "" && token.policy_digest !== "" && token.policy_digest !== policy) {
    return DelegationCode.policyMismatch;
  }
  const required = lowUniq(expected.requiredScope ?? []);
  if (required.length > 0) {
    const held = new Set(token.scope);
    if (token.scope_class !== "") held.add(token.scope_class);
    if (!held.has("*") && !required.some((s) => held.has(s))) return DelegationCode.scopeMismatch;
  }
  return "";
}

/**
 * Normalizes and checks one token; normalization failures are
 * `delegation_token_invalid` (JSON type errors still throw `invalid_input`).
 *
 * @example
 * ```ts
 * (await verifyDelegationToken(json, key, {}, now)).code; // ""
 * ```
 */
export async function verifyDelegationToken(
  value: JsonValue,
  verifier: PublicKeyMaterial | null,
  expected: DelegationExpectation,
  now: string,
  label = "delegation token",
): Promise<{ token: DelegationToken | null; code: string; detail: string }> {
  let token: DelegationToken;
  try {
    token = normalizeDelegationToken(value, label);
  } catch (error) {
    if (error instanceof DelegationTokenInvalid) {
      return { token: null, code: DelegationCode.invalid, detail: error.message };
    }
    throw error;
  }
  return { token, code: await checkDelegationToken(token, verifier, expected, now), detail: "" };
}

/** One delegation token to check: where it came from and its parsed JSON. */
export interface DelegationTokenSource {
  path: string;
  value: JsonValue;
}

/** A required link: expected delegator ("" = any) and delegate. */
export interface RequiredDelegationLink {
  delegator: string;
  delegate: string;
}

/** One entry of the delegation audit record. */
export interface DelegationAuditEntry {
  token_id: string;
  delegator_identity: string;
  delegate_identity: string;
  scope: string[];
  expires_at: string;
  valid: boolean;
  error_code: string;
}

/** The result of {@link verifyDelegationChain}. */
export interface DelegationCheck {
  /** Every required link was matched by a valid token. */
  complete: boolean;
  /** Valid (consumed) tokens. */
  valid: number;
  /** Sorted valid token ids. */
  validTokenIds: string[];
  /** Reason codes to add. */
  reasonCodes: string[];
  /** Violations to add. */
  violations: string[];
  /** Audit entries, sorted by delegator, delegate, token_id. */
  entries: DelegationAuditEntry[];
}

/** Options of {@link verifyDelegationChain}. */
export interface VerifyDelegationChainOptions {
  tokens: readonly DelegationTokenSource[];
  verifier: PublicKeyMaterial | null;
  links: readonly RequiredDelegationLink[];
  requiredScope: readonly string[];
  intentDigest: string;
  policyDigest: string;
  /** Wall clock instant (token expiry ignores `--evaluation-time`). */
  now: string;
}

/**
 * The links a delegation must cover: the intent chain, or one pseudo-link to
 * the requester (any delegator) when the chain is empty.
 *
 * @example
 * ```ts
 * requiredDelegationLinks({ requester_identity: "w", chain: [] }); // [{ delegator: "", delegate: "w" }]
 * ```
 */
export function requiredDelegationLinks(
  delegation: {
    requester_identity: string;
    chain: readonly { delegator_identity: string; delegate_identity: string }[];
  } | undefined,
): RequiredDelegationLink[] {
  if (!delegation) return [];
  if (delegation.chain.length === 0) {
    return [{ delegator: "", delegate: delegation.requester_identity }];
  }
  return delegation.chain.map((l) => ({
    delegator: l.delegator_identity,
    delegate: l.delegate_identity,
  }));
}

function entryOf(token: DelegationToken, code: string): DelegationAuditEntry {
  return {
    token_id: token.token_id,
    delegator_identity: token.delegator_identity,
    delegate_identity: token.delegate_identity,
    scope: [...token.scope],
    expires_at: token.expires_at,
    valid: code === "",
    error_code: code,
  };
}

function rawEntry(value: JsonValue, code: string): DelegationAuditEntry {
  const o = isJsonObject(value) ? value : {};
  const s = (k: string) => (typeof o[k] === "string" ? goTrim(o[k] as string) : "");
  return {
    token_id: s("token_id"),
    delegator_identity: s("delegator_identity"),
    delegate_identity: s("delegate_identity"),
    scope: Array.isArray(o.scope)
      ? lowUniq(o.scope.filter((x): x is string => typeof x === "string"))
      : [],
    expires_at: ZERO_TIME,
    valid: false,
    error_code: code,
  };
}

/**
 * Verifies a delegation chain at `gate eval` (spec 02 §5.4): for each
 * required link in order, the first unused token that validates against it is
 * consumed; unmatched links become `delegation_token_missing` entries;
 * leftover tokens become invalid entries carrying the code from validating
 * against the first unmatched link (default `delegation_token_chain_mismatch`).
 *
 * @example
 * ```ts
 * const check = await verifyDelegationChain({ tokens, verifier, links, requiredScope: ["write"],
 *   intentDigest, policyDigest, now });
 * check.complete; // true → delegation_granted
 * ```
 */
export async function verifyDelegationChain(
  options: VerifyDelegationChainOptions,
): Promise<DelegationCheck> {
  const parsed: ({ token: DelegationToken; raw: JsonValue } | { token: null; raw: JsonValue })[] =
    [];
  for (const source of options.tokens) {
    try {
      parsed.push({
        token: normalizeDelegationToken(source.value, source.path),
        raw: source.value,
      });
    } catch (error) {
      if (!(error instanceof DelegationTokenInvalid)) throw error;
      parsed.push({ token: null, raw: source.value });
    }
  }
  const expectationFor = (link: RequiredDelegationLink): DelegationExpectation => ({
    delegator: link.delegator,
    delegate: link.delegate,
    requiredScope: options.requiredScope,
    intentDigest: options.intentDigest,
    policyDigest: options.policyDigest,
  });
  const used = new Set<number>();
  const entries: DelegationAuditEntry[] = [];
  const validIds = new Set<string>();
  let firstUnmatched: RequiredDelegationLink | null = null;
  for (const link of options.links) {
    let matched = false;
    for (let i = 0; i < parsed.length; i++) {
      const p = parsed[i]!;
      if (used.has(i) || p.token === null) continue;
      const code = await checkDelegationToken(
        p.token,
        options.verifier,
        expectationFor(link),
        options.now,
      );
      if (code !== "") continue;
      used.add(i);
      validIds.add(p.token.token_id);
      entries.push(entryOf(p.token, ""));
      matched = true;
      break;
    }
    if (!matched) {
      firstUnmatched ??= link;
      entries.push({
        token_id: "",
        delegator_identity: link.delegator,
        delegate_identity: link.delegate,
        scope: [],
        expires_at: ZERO_TIME,
        valid: false,
        error_code: DelegationCode.missing,
      });
    }
  }
  for (let i = 0; i < parsed.length; i++) {
    if (used.has(i)) continue;
    const p = parsed[i]!;
    if (p.token === null) {
      entries.push(rawEntry(p.raw, DelegationCode.invalid));
      continue;
    }
    let code = "";
    if (firstUnmatched) {
      code = await checkDelegationToken(
        p.token,
        options.verifier,
        expectationFor(firstUnmatched),
        options.now,
      );
    }
    entries.push(entryOf(p.token, code || DelegationCode.chainMismatch));
  }
  entries.sort((a, b) =>
    compareUtf8(a.delegator_identity, b.delegator_identity) ||
    compareUtf8(a.delegate_identity, b.delegate_identity) ||
    compareUtf8(a.token_id, b.token_id)
  );
  const complete = options.tokens.length > 0 && firstUnmatched === null &&
    options.links.length > 0;
  const reasons = new Set<string>();
  const violations: string[] = [];
  if (options.tokens.length === 0) {
    reasons.add(DelegationCode.missing);
    violations.push("delegation_not_granted");
  } else if (!complete) {
    for (const e of entries) if (e.error_code !== "") reasons.add(e.error_code);
    reasons.add("delegation_chain_insufficient");
    violations.push("delegation_not_granted");
  } else {
    reasons.add("delegation_granted");
  }
  return {
    complete,
    valid: validIds.size,
    validTokenIds: [...validIds].sort(compareUtf8),
    reasonCodes: [...reasons].sort(compareUtf8),
    violations,
    entries,
  };
}

/** Fields of the delegation audit record besides the check itself. */
export interface DelegationAuditInput {
  createdAt: string;
  producerVersion: string;
  traceId: string;
  toolName: string;
  intentDigest: string;
  policyDigest: string;
  delegationRequired: boolean;
}

/**
 * The `gait.gate.delegation_audit_record` document (Go field order; entry
 * `expires_at` and `valid` always present).
 *
 * @example
 * ```ts
 * delegationAuditRecord(input, check).delegated; // true
 * ```
 */
export function delegationAuditRecord(
  input: DelegationAuditInput,
  check: DelegationCheck,
): JsonObject {
  const o: JsonObject = {
    schema_id: DELEGATION_AUDIT_SCHEMA_ID,
    schema_version: SCHEMA_VERSION,
    created_at: input.createdAt,
    producer_version: input.producerVersion,
    trace_id: input.traceId,
    tool_name: input.toolName,
    intent_digest: input.intentDigest,
    policy_digest: input.policyDigest,
    delegation_required: input.delegationRequired,
    valid_delegations: check.valid,
    delegated: check.valid > 0,
  };
  if (check.complete && check.validTokenIds.length > 0) {
    o.delegation_ref = check.validTokenIds.join(",");
  }
  o.entries = check.entries.map((e) => {
    const entry: JsonObject = {};
    if (e.token_id !== "") entry.token_id = e.token_id;
    if (e.delegator_identity !== "") entry.delegator_identity = e.delegator_identity;
    if (e.delegate_identity !== "") entry.delegate_identity = e.delegate_identity;
    if (e.scope.length > 0) entry.scope = [...e.scope];
    entry.expires_at = e.expires_at;
    entry.valid = e.valid;
    if (e.error_code !== "") entry.error_code = e.error_code;
    return entry;
  });
  return o;
}

/** Largest accepted delegation token file. */
export const MAX_DELEGATION_TOKEN_BYTES = 1024 * 1024;

/**
 * Reads a delegation token file (strict JSON, at most 1 MiB). Unreadable or
 * unparseable files are `invalid_input` (exit 6).
 *
 * @example
 * ```ts
 * const source = await readDelegationTokenFile("delegation_x.json");
 * ```
 */
export async function readDelegationTokenFile(path: string): Promise<DelegationTokenSource> {
  const bytes = await readFileLimited(path, MAX_DELEGATION_TOKEN_BYTES, "delegation token");
  return { path, value: parseStrictJsonBytes(bytes, { label: `delegation token ${path}` }) };
}

/** Options of {@link delegationStep}. */
export interface DelegationStepOptions {
  /** Token files (primary then chain; deduplicated, order kept) or parsed documents. */
  tokens: readonly (string | DelegationTokenSource)[];
  /**
   * The explicit verify key (delegation key flags, else approval key flags);
   * null means none was given and the trace key verifies.
   */
  verifyKey?: () => Promise<PublicKeyMaterial | null>;
  /** `--delegation-audit-out` (default `delegation_audit_<trace_id>.json`). */
  auditOut?: string;
  producerVersion: string;
}

/**
 * The `gate eval` delegation step (spec 02 §4.3 step 13, §5.4), as a
 * `GateEvalHooks.delegation` hook: verifies the chain, sets the verdict,
 * reason codes, `valid_delegations`, `delegation_ref`, the trace
 * `delegation_ref` and queues the delegation audit record.
 *
 * @example
 * ```ts
 * await runGateEval(policy, intent, { ...options, hooks: { delegation: delegationStep({ tokens, producerVersion }) } });
 * ```
 */
export function delegationStep(
  options: DelegationStepOptions,
): (state: GateEvalState) => Promise<void> {
  return async (state) => {
    const seen = new Set<string>();
    const sources: DelegationTokenSource[] = [];
    for (const t of options.tokens) {
      if (typeof t !== "string") {
        sources.push(t);
        continue;
      }
      const path = t.trim();
      if (path === "" || seen.has(path)) continue;
      seen.add(path);
      sources.push(await readDelegationTokenFile(path));
    }
    let verifier: PublicKeyMaterial | null = null;
    if (sources.length > 0) {
      const explicit = options.verifyKey ? await options.verifyKey() : null;
      if (state.profile === "oss-prod" && explicit === null) {
        throw new GaitError(
          "invalid_input",
          "oss-prod profile requires --delegation-public-key or --approval-public-key to verify delegation tokens",
        );
      }
      verifier = explicit ?? state.signingKey?.verifier ?? null;
    }
    const subject = state.subject;
    const check = await verifyDelegationChain({
      tokens: sources,
      verifier,
      links: requiredDelegationLinks(subject.delegation),
      requiredScope: state.outcome.required_delegation_scopes,
      intentDigest: subject.intent_digest,
      policyDigest: state.policy.digest,
      now: state.clock.now(),
    });
    for (const code of check.reasonCodes) state.reasonCodes.add(code);
    for (const v of check.violations) state.violations.add(v);
    if (!check.complete) state.verdict = "block";
    state.output.delegation_required = true;
    state.output.valid_delegations = check.valid;
    if (check.complete) state.output.delegation_ref = check.validTokenIds.join(",");
    if (state.delegationRef && check.validTokenIds.length > 0) {
      state.delegationRef.delegation_token_ref = check.validTokenIds.join(",");
    }
    const auditPath = options.auditOut?.trim() || "delegation_audit_{trace_id}.json";
    assertLocalPath(auditPath);
    state.output.delegation_audit_path = auditPath;
    state.artifacts.push({
      path: auditPath,
      text: (traceId) =>
        goJson(
          delegationAuditRecord({
            createdAt: state.outcome.result.created_at,
            producerVersion: options.producerVersion,
            traceId,
            toolName: subject.tool_name,
            intentDigest: subject.intent_digest,
            policyDigest: state.policy.digest,
            delegationRequired: true,
          }, check),
          { indent: "  " },
        ) + "\n",
    });
  };
}
