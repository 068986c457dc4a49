/**
 * The whole `gait gate eval` pipeline (spec 02 §4.3) as a library function:
 * the CLI parses flags and project config and calls {@link runGateEval}; the
 * in-process library ({@link createGate} in `mod.ts`) calls the same function,
 * so both produce the same verdict, reason codes, digests and trace.
 *
 * Steps (§4.3) and where they live:
 *
 * | step | what | here |
 * |---|---|---|
 * | 1 | flags, project config, defaults | CLI (`src/cli/commands/gate_eval.ts`) |
 * | 2 | profile, evaluation time, oss-prod preconditions | {@link checkProfilePreconditions} |
 * | 3 | load policy; oss-prod default-allow check | {@link readPolicyFile}, {@link checkProfilePolicy} |
 * | 4 | read intent | {@link readIntentFile} |
 * | 5 | kill-switch state | hook {@link GateEvalHooks.killSwitch} |
 * | 6 | context envelope | {@link readContextEnvelopeFile} |
 * | 7 | Wrkr inventory | hook {@link GateEvalHooks.wrkrInventory} |
 * | 8 | broker resolution; oss-prod broker checks | hook {@link GateEvalHooks.brokerEnabled}, {@link checkProfileBroker} |
 * | 9 | approved-script fast path, else evaluate | hook {@link GateEvalHooks.approvedScript}, `evaluateIntent` |
 * | 10 | approval context | {@link approvalExpectation} |
 * | 11 | rate limit, destructive budget | hook {@link GateEvalHooks.rateLimit} |
 * | 12 | signing key | {@link GateEvalOptions.signingKey} |
 * | 13 | delegation | hook {@link GateEvalHooks.delegation} (default: fail closed) |
 * | 14 | approvals | built in |
 * | 15 | credential broker | hook {@link GateEvalHooks.broker} (default: broker off, fail closed) |
 * | 16 | simulate | built in |
 * | 17 | exit code | built in |
 * | 18 | write artifacts, trace last | built in (hooks queue theirs in `state.artifacts`) |
 *
 * Fail closed: every error is thrown before anything is written (no trace
 * claims `allow` for an error), and auxiliary artifacts are written before the
 * trace, so a failed write never leaves a trace behind.
 *
 * @module
 */

import { GaitError } from "../core/errors.ts";
import { compareUtf8, goJson } from "../core/go_json.ts";
import { isJsonObject, type JsonObject, type JsonValue } from "../core/json_value.ts";
import { decodeUtf8Strict, parseStrictJsonBytes } from "../core/strict_json.ts";
import { type Clock, normalizeTimestamp, systemClock, toUtcTimestamp } from "../core/timestamp.ts";
import type { PrivateKeyMaterial, PublicKeyMaterial } from "../crypto/key_material.ts";
import { assertLocalPath, readFileLimited, writeFileAtomic } from "../fs/atomic.ts";
import type { ApprovalCheck, ApprovalExpectation, ApprovalTokenSource } from "./approval.ts";
import { requiredApprovalScope } from "./approval_scope.ts";
import {
  type ContextEnvelope,
  MAX_CONTEXT_ENVELOPE_BYTES,
  parseContextEnvelope,
} from "./context_envelope.ts";
import { evaluateIntent } from "./evaluate_intent.ts";
import { explainDocument } from "./explain.ts";
import { normalizeIntent } from "./intent.ts";
import { delegationBindingDigest } from "./intent_digest.ts";
import type { NormalizedIntent } from "./intent_types.ts";
import type { GateOutcome, KillSwitchInput } from "./outcome.ts";
import { parsePolicyBytes } from "./policy_parse.ts";
import { policyDigest, policyDigestObject } from "./policy_digest.ts";
import { digestJsonAsync } from "./_digest_async.ts";
import type { Policy, Verdict } from "./policy_types.ts";
import type { WrkrInventory } from "./prepare.ts";
import {
  buildTraceRecord,
  freezeWindowObject,
  killSwitchObject,
  renderTraceFile,
  sandboxDecisionObject,
  signTraceRecord,
  stepVerdictObject,
  type TraceDelegationRef,
  type TraceRecord,
} from "./trace.ts";
import { computeTraceId } from "./trace_id.ts";

/** Largest accepted intent file (size is checked before reading). */
export const MAX_INTENT_BYTES = 8 * 1024 * 1024;
/** Largest accepted approval token file. */
export const MAX_APPROVAL_TOKEN_BYTES = 1024 * 1024;

/** The gate profiles. */
export type GateProfile = "standard" | "oss-prod";

/** A parsed policy with its digest. */
export interface LoadedPolicy {
  policy: Policy;
  digest: string;
}

/**
 * Wraps a parsed policy with its digest.
 *
 * @example
 * ```ts
 * loadedPolicy(parsePolicyYaml("default_verdict: allow\n")).digest.length; // 64
 * ```
 */
export function loadedPolicy(policy: Policy): LoadedPolicy {
  return { policy, digest: policyDigest(policy) };
}

/**
 * Reads and parses a policy file (size-limited, strict UTF-8, strict YAML).
 *
 * @example
 * ```ts
 * const { policy, digest } = await readPolicyFile("policy.yaml");
 * ```
 */
export async function readPolicyFile(path: string): Promise<LoadedPolicy> {
  const bytes = await readLimited(path, 1024 * 1024, "policy");
  return await loadedPolicyAsync(parsePolicyBytes(bytes, { label: path }));
}

/**
 * Like {@link loadedPolicy}, hashing with WebCrypto (faster in a freshly
 * started process; same digest).
 *
 * @example
 * ```ts
 * (await loadedPolicyAsync(parsePolicyYaml("default_verdict: allow\n"))).digest.length; // 64
 * ```
 */
export async function loadedPolicyAsync(policy: Policy): Promise<LoadedPolicy> {
  return { policy, digest: await digestJsonAsync(policyDigestObject(policy)) };
}

async function readLimited(path: string, limit: number, label: string): Promise<Uint8Array> {
  try {
    return await readFileLimited(path, limit, label);
  } catch (error) {
    if (error instanceof GaitError && error.message.includes("too large")) {
      // A policy over the limit is a policy error, whatever its content.
      throw new GaitError(
        "invalid_input",
        `${label === "policy" ? "parse policy yaml: " : ""}${error.message}`,
      );
    }
    throw error;
  }
}

/**
 * Reads an intent file: size-limited, strict UTF-8 and strict JSON (duplicate
 * keys rejected). Returns the parsed JSON; normalization happens in
 * {@link runGateEval}.
 *
 * @example
 * ```ts
 * const raw = await readIntentFile("intent.json");
 * ```
 */
export async function readIntentFile(path: string): Promise<JsonValue> {
  const bytes = await readLimited(path, MAX_INTENT_BYTES, "intent");
  return parseStrictJsonBytes(bytes, { label: `intent ${path}` });
}

/**
 * Reads a context envelope (`--context-envelope`: absolute, or relative
 * without `..`; strict JSON; at most 1 MiB).
 *
 * @example
 * ```ts
 * const envelope = await readContextEnvelopeFile("context_envelope.json");
 * ```
 */
export async function readContextEnvelopeFile(path: string): Promise<ContextEnvelope> {
  assertLocalPath(path);
  const bytes = await readFileLimited(path, MAX_CONTEXT_ENVELOPE_BYTES, "context envelope");
  return parseContextEnvelope(decodeUtf8Strict(bytes, "context envelope"));
}

/**
 * Reads an approval token file (strict JSON, at most 1 MiB).
 *
 * @example
 * ```ts
 * const token = await readApprovalTokenFile("approval_x.json");
 * ```
 */
export async function readApprovalTokenFile(path: string): Promise<JsonValue> {
  const bytes = await readFileLimited(path, MAX_APPROVAL_TOKEN_BYTES, "approval token");
  return parseStrictJsonBytes(bytes, { label: `approval token ${path}` });
}

/**
 * Parses `--profile` (spec 02 §3.6).
 *
 * @example
 * ```ts
 * parseProfile(""); // "standard"
 * ```
 */
export function parseProfile(value: string): GateProfile {
  const v = value.trim().toLowerCase();
  if (v === "" || v === "standard") return "standard";
  if (v === "oss-prod") return "oss-prod";
  throw new GaitError(
    "invalid_input",
    `unsupported --profile value "${value}" (expected standard or oss-prod)`,
  );
}

/**
 * The oss-prod refusals that depend only on flags (spec 02 §3.6), in order:
 * simulate, key mode, private key source.
 *
 * @example
 * ```ts
 * checkProfilePreconditions({ profile: "oss-prod", simulate: true, keyMode: "prod", hasPrivateKey: true }); // throws
 * ```
 */
export function checkProfilePreconditions(options: {
  profile: GateProfile;
  simulate: boolean;
  keyMode: string;
  hasPrivateKey: boolean;
}): void {
  if (options.profile !== "oss-prod") return;
  if (options.simulate) {
    throw new GaitError("invalid_input", "oss-prod profile does not allow --simulate");
  }
  if (options.keyMode.trim().toLowerCase() !== "prod") {
    throw new GaitError("invalid_input", "oss-prod profile requires --key-mode prod");
  }
  if (!options.hasPrivateKey) {
    throw new GaitError(
      "invalid_input",
      "oss-prod profile requires --private-key or --private-key-env",
    );
  }
}

/**
 * The oss-prod refusal of `default_verdict: allow` (spec 02 §3.6).
 *
 * @example
 * ```ts
 * checkProfilePolicy("oss-prod", parsePolicyYaml("default_verdict: allow\n")); // throws
 * ```
 */
export function checkProfilePolicy(profile: GateProfile, policy: Policy): void {
  if (profile === "oss-prod" && policy.default_verdict === "allow") {
    throw new GaitError(
      "invalid_input",
      "oss-prod profile rejects policy default_verdict=allow; use default_verdict: block or require_approval",
    );
  }
}

/**
 * The oss-prod broker refusals (spec 02 §3.6): every non-block rule matching
 * `high`/`critical` risk must set `require_broker_credential`, and such rules
 * need a credential broker.
 *
 * @example
 * ```ts
 * checkProfileBroker("oss-prod", policy, false); // throws when the policy has high-risk rules
 * ```
 */
export function checkProfileBroker(
  profile: GateProfile,
  policy: Policy,
  brokerEnabled: boolean,
): void {
  if (profile !== "oss-prod") return;
  let highRisk = false;
  for (const rule of policy.rules) {
    if (rule.effect === "block") continue;
    if (!rule.match.risk_classes.some((c) => c === "high" || c === "critical")) continue;
    if (!rule.require_broker_credential) {
      throw new GaitError(
        "invalid_input",
        "oss-prod profile requires high-risk allow/approval rules to set require_broker_credential: true",
      );
    }
    highRisk = true;
  }
  if (highRisk && !brokerEnabled) {
    throw new GaitError(
      "invalid_input",
      "oss-prod profile requires --credential-broker for high-risk policies",
    );
  }
}

/** The trace signing key (step 12). */
export interface SigningKeyInfo {
  signer: PrivateKeyMaterial;
  verifier: PublicKeyMaterial;
  /** Warnings to report (the dev-mode warning). */
  warnings: string[];
}

/** A file a pipeline step wants written (step 18). */
export interface PendingArtifact {
  /** Destination path. */
  path: string;
  /**
   * Exact file content, or a function of the final trace id (for records that
   * carry `trace_id`, which is known only once the verdict is final).
   */
  text: string | ((traceId: string) => string);
}

/**
 * The mutable state the pipeline threads through its steps; hooks read it and
 * change the decision only through these fields.
 */
export interface GateEvalState {
  readonly profile: GateProfile;
  readonly policy: LoadedPolicy;
  /** The raw normalized intent. */
  readonly intent: NormalizedIntent;
  /** The prepared intent, or null when preparation failed (fail-closed block). */
  readonly prepared: NormalizedIntent | null;
  /** The intent whose digests are reported: prepared, else raw. */
  readonly subject: NormalizedIntent;
  /** The policy outcome (before approvals, guards and simulate). */
  readonly outcome: GateOutcome;
  /** The evaluation instant (`--evaluation-time` or now). */
  readonly evaluationTime: string;
  /** The wall clock (token expiry and rate-limit buckets always use it). */
  readonly clock: Clock;
  /** The current verdict; only tighten it, except where the spec relaxes it. */
  verdict: Verdict;
  /** Reason codes so far. */
  readonly reasonCodes: Set<string>;
  /** Violations so far. */
  readonly violations: Set<string>;
  /**
   * Extra `--json` output fields (e.g. `rate_limit_scope`, `delegation_required`,
   * `credential_ref`, `pre_approved`); empty values are dropped at render time.
   */
  readonly output: Record<string, JsonValue | undefined>;
  /** Extra trace fields (`broker_*`, `mcp_trust`, `relationship`). */
  readonly traceExtra: Record<string, JsonValue | undefined>;
  /** The trace `delegation_ref` (prefilled from the intent's delegation). */
  delegationRef: TraceDelegationRef | null;
  /** Sources of context enrichment (`context_envelope`, the Wrkr inventory path). */
  readonly contextSources: string[];
  /** Warnings for the output. */
  readonly warnings: string[];
  /** Files to write before the trace. Their paths may use {trace_id}. */
  readonly artifacts: PendingArtifact[];
  /** The approval binding (step 10). */
  readonly approval: ApprovalExpectation;
  /** The trace signing key, once loaded (step 12). */
  signingKey: SigningKeyInfo | null;
  /** The trace id the final verdict will give (recomputed after each change). */
  traceId(): string;
}

/**
 * Extension points for the guards of issue 4 (kill switch, Wrkr, rate
 * limits, delegation tokens, credential broker, approved scripts). Every hook
 * is optional; the defaults are the reference tool's behaviour with the
 * corresponding flags unset.
 */
export interface GateEvalHooks {
  /**
   * Step 5: the kill-switch input for the raw intent (or a function of the
   * prepared intent). Default: none (no state loaded).
   */
  killSwitch?: (
    intent: NormalizedIntent,
  ) => Promise<
    KillSwitchInput | ((prepared: NormalizedIntent) => KillSwitchInput | undefined) | undefined
  >;
  /** Step 7: the Wrkr inventory and its path (added to `context_source`). Default: none. */
  wrkrInventory?: (
    intent: NormalizedIntent,
  ) => Promise<{ inventory: WrkrInventory; source: string } | undefined>;
  /** Step 8: whether a credential broker is configured. Default: false (broker off). */
  brokerEnabled?: () => Promise<boolean>;
  /**
   * Step 9: the approved-script fast path. Return an outcome to use instead of
   * evaluating the policy (set `state.output.pre_approved` etc. afterwards in
   * another hook), or undefined to evaluate normally.
   */
  approvedScript?: (
    intent: NormalizedIntent,
    policy: LoadedPolicy,
  ) => Promise<
    | { outcome: GateOutcome; prepared: NormalizedIntent; output?: Record<string, JsonValue> }
    | undefined
  >;
  /**
   * Step 11: rate limit and destructive budget. Default: a policy outcome that
   * carries a rate limit or (with a destructive target) a destructive budget is
   * an error, because no rate-limit store is configured.
   */
  rateLimit?: (state: GateEvalState) => Promise<void>;
  /**
   * Step 13: delegation (only called when the outcome requires delegation).
   * Default: no delegation tokens → `block`, `delegation_token_missing`,
   * violation `delegation_not_granted`.
   */
  delegation?: (state: GateEvalState) => Promise<void>;
  /**
   * Step 15: credential broker (only called when the outcome requires a
   * brokered credential and the verdict is `allow`). Default: broker off →
   * `block`, `broker_credential_required`, violation `broker_credential_missing`.
   */
  broker?: (state: GateEvalState) => Promise<void>;
}

/** Options of {@link runGateEval}. */
export interface GateEvalOptions {
  profile?: GateProfile;
  /** `--simulate`: non-enforcing; exit 0. */
  simulate?: boolean;
  /** `--evaluation-time` (RFC 3339); default now. */
  evaluationTime?: string;
  /** The wall clock. Default: the system clock. */
  clock?: Clock;
  /** `producer_version` of the artifacts. Default `0.0.0-dev`. */
  producerVersion?: string;
  /** A parsed context envelope (`--context-envelope`). */
  contextEnvelope?: ContextEnvelope;
  /** Step 12: the trace signing key (loaded only then). */
  signingKey: () => Promise<SigningKeyInfo>;
  /**
   * Step 14: the approval verify key from the approval key flags; null means
   * none was given (the trace key is used). Loaded only when approvals are checked.
   */
  approvalVerifyKey?: () => Promise<PublicKeyMaterial | null>;
  /** Approval tokens: file paths (read when checked) or parsed documents. */
  approvalTokens?: readonly (string | ApprovalTokenSource)[];
  /** `--approval-token-ref`: recorded in the trace when no token grants. */
  approvalTokenRef?: string;
  /** `--approval-audit-out` (default `approval_audit_<trace_id>.json`). */
  approvalAuditOut?: string;
  /** `--trace-out` (default `trace_<trace_id>.json`); null writes no trace file. */
  traceOut?: string | null;
  /** Write approval audits and other artifacts (default true; the library may turn it off). */
  writeArtifacts?: boolean;
  /** Extension hooks (issue 4). */
  hooks?: GateEvalHooks;
}

/** The result of {@link runGateEval}. */
export interface GateEvalResult {
  /** 0 (allow, dry_run, simulate), 3 (block) or 4 (require_approval). */
  exitCode: 0 | 3 | 4;
  /** The `gate eval --json` object without `correlation_id` (empty fields omitted). */
  output: JsonObject;
  /** The `--explain --json` document. */
  explain: JsonObject;
  /** The signed trace record. */
  trace: TraceRecord;
  /** Where the trace was written ("" when not written). */
  tracePath: string;
  /** The approval audit record when approvals were checked. */
  approvalAudit: JsonObject | null;
  /** Warnings (also in `output.warnings`). */
  warnings: string[];
}

const VERDICT_RANK: Record<Verdict, number> = {
  allow: 0,
  dry_run: 1,
  require_approval: 2,
  block: 3,
};

/**
 * Tightens a state's verdict to at least `v`.
 *
 * @example
 * ```ts
 * tightenVerdict(state, "block");
 * ```
 */
export function tightenVerdict(state: { verdict: Verdict }, v: Verdict): void {
  if (VERDICT_RANK[v] > VERDICT_RANK[state.verdict]) state.verdict = v;
}

/**
 * The approval binding of an evaluation (spec 02 §4.3 step 10, §5.2–§5.3).
 *
 * @example
 * ```ts
 * approvalExpectation(prepared, policyDigest).requiredScope; // ["tool:tool.write"]
 * ```
 */
export function approvalExpectation(
  intent: NormalizedIntent,
  policyDigestHex: string,
): ApprovalExpectation {
  let targetCount = intent.targets.length;
  let opCount: number;
  if (intent.script) {
    const stepTargets = intent.script.steps.reduce((n, s) => n + s.targets.length, 0);
    if (stepTargets > 0) targetCount = stepTargets;
    opCount = intent.script.steps.length;
  } else {
    opCount = targetCount > 0 ? targetCount : 1;
  }
  return {
    intentDigest: intent.intent_digest,
    policyDigest: policyDigestHex,
    delegationBindingDigest: intent.delegation ? delegationBindingDigest(intent) : "",
    requiredScope: requiredApprovalScope(intent),
    targetCount,
    opCount,
  };
}

function sorted(set: Iterable<string>): string[] {
  return [...set].sort(compareUtf8);
}

async function defaultRateLimit(state: GateEvalState): Promise<void> {
  const destructive = state.subject.targets.some((t) => t.destructive) ||
    (state.subject.script?.steps.some((s) => s.targets.some((t) => t.destructive)) ?? false);
  if (state.outcome.rate_limit || (state.outcome.destructive_budget && destructive)) {
    throw new GaitError(
      "internal_failure",
      "policy rate_limit/destructive_budget needs a rate-limit state store, which this build does not provide",
    );
  }
  await Promise.resolve();
}

async function defaultDelegation(state: GateEvalState): Promise<void> {
  state.verdict = "block";
  state.reasonCodes.add("delegation_token_missing");
  state.violations.add("delegation_not_granted");
  if (state.delegationRef) state.delegationRef.reason_codes = ["delegation_token_missing"];
  await Promise.resolve();
}

async function defaultBroker(state: GateEvalState): Promise<void> {
  state.verdict = "block";
  state.reasonCodes.add("broker_credential_required");
  state.violations.add("broker_credential_missing");
  await Promise.resolve();
}

function nonEmpty(o: JsonObject, key: string, v: JsonValue | undefined): void {
  if (v === undefined || v === null || v === "" || v === 0 || v === false) return;
  if (Array.isArray(v) && v.length === 0) return;
  if (isJsonObject(v) && Object.keys(v).length === 0) return;
  o[key] = v;
}

async function readTokens(
  sources: readonly (string | ApprovalTokenSource)[],
): Promise<ApprovalTokenSource[]> {
  const paths = new Set<string>();
  const docs: ApprovalTokenSource[] = [];
  for (const s of sources) {
    if (typeof s === "string") {
      const p = s.trim();
      if (p !== "") paths.add(p);
    } else docs.push(s);
  }
  const out: ApprovalTokenSource[] = [];
  for (const path of sorted(paths)) out.push({ path, value: await readApprovalTokenFile(path) });
  return [...out, ...docs];
}

function fillPath(template: string, traceId: string): string {
  return template.replaceAll("{trace_id}", traceId);
}

/**
 * Runs `gate eval` on a loaded policy and a raw intent (spec 02 §4.3 steps
 * 4–18). Throws `GaitError` for invalid input (exit 6) and I/O failures
 * (exit 1) before anything is written.
 *
 * @example
 * ```ts
 * const result = await runGateEval(await readPolicyFile("policy.yaml"), await readIntentFile("intent.json"), {
 *   signingKey: async () => ({ signer, verifier, warnings: [] }),
 * });
 * result.output.verdict; // "allow"
 * ```
 */
export async function runGateEval(
  policy: LoadedPolicy,
  rawIntent: JsonValue,
  options: GateEvalOptions,
): Promise<GateEvalResult> {
  const started = performance.now();
  const clock = options.clock ?? systemClock;
  const profile = options.profile ?? "standard";
  const hooks = options.hooks ?? {};
  const producerVersion = options.producerVersion || "0.0.0-dev";
  const evaluationTime = options.evaluationTime
    ? toUtcTimestamp(normalizeTimestamp(options.evaluationTime, "--evaluation-time"))
    : clock.now();
  checkProfilePolicy(profile, policy.policy);
  // Output paths are checked before anything runs, so a bad path never
  // leaves some artifacts written and others not.
  for (const path of [options.traceOut, options.approvalAuditOut]) {
    if (typeof path === "string" && path.trim() !== "") assertLocalPath(path.trim());
  }

  // Step 4: normalization errors are invalid input (exit 6).
  const intent = normalizeIntent(rawIntent);

  // Steps 5–8.
  const killSwitch = hooks.killSwitch ? await hooks.killSwitch(intent) : undefined;
  const contextSources: string[] = [];
  if (options.contextEnvelope) contextSources.push("context_envelope");
  const wrkr = hooks.wrkrInventory ? await hooks.wrkrInventory(intent) : undefined;
  if (wrkr) contextSources.push(wrkr.source);
  const brokerEnabled = hooks.brokerEnabled ? await hooks.brokerEnabled() : false;
  checkProfileBroker(profile, policy.policy, brokerEnabled);

  // Step 9.
  let prepared: NormalizedIntent | null;
  let outcome: GateOutcome;
  let fastPathOutput: Record<string, JsonValue> | undefined;
  const fast = hooks.approvedScript ? await hooks.approvedScript(intent, policy) : undefined;
  if (fast) {
    prepared = fast.prepared;
    outcome = fast.outcome;
    fastPathOutput = fast.output;
  } else {
    const evaluation = evaluateIntent(policy.policy, intent, {
      evaluationTime,
      producerVersion,
      envelope: options.contextEnvelope,
      wrkrInventory: wrkr?.inventory,
      killSwitch,
    });
    prepared = evaluation.prepared;
    outcome = evaluation.outcome;
  }
  const subject = prepared ?? intent;

  // Step 10.
  const approval = approvalExpectation(subject, policy.digest);

  const state: GateEvalState = {
    profile,
    policy,
    intent,
    prepared,
    subject,
    outcome,
    evaluationTime,
    clock,
    verdict: outcome.verdict,
    reasonCodes: new Set(outcome.reason_codes),
    violations: new Set(outcome.violations),
    output: { ...(fastPathOutput ?? {}) },
    traceExtra: {},
    delegationRef: subject.delegation
      ? {
        delegation_token_ref: subject.delegation.token_refs[0] ?? "",
        requester_identity: subject.delegation.requester_identity,
        delegation_depth: subject.delegation.chain.length,
        scope_class: subject.delegation.scope_class,
        chain_digest: approval.delegationBindingDigest,
        reason_codes: [],
      }
      : null,
    contextSources,
    warnings: [],
    artifacts: [],
    approval,
    signingKey: null,
    traceId() {
      return computeTraceId(policy.digest, subject.intent_digest, this.verdict);
    },
  };

  // Step 11.
  await (hooks.rateLimit ?? defaultRateLimit)(state);

  // Step 12.
  state.signingKey = await options.signingKey();
  for (const w of state.signingKey.warnings) state.warnings.push(w);

  // Step 13.
  if (outcome.require_delegation) {
    state.output.delegation_required = true;
    await (hooks.delegation ?? defaultDelegation)(state);
  }

  // Step 14.
  let approvalCheck: ApprovalCheck | null = null;
  // Loaded only when needed: most evaluations never check a token.
  let approvalModule: typeof import("./approval.ts") | null = null;
  if (state.verdict === "require_approval") {
    approvalModule = await import("./approval.ts");
    const tokens = await readTokens(options.approvalTokens ?? []);
    const explicitKey = options.approvalVerifyKey ? await options.approvalVerifyKey() : null;
    if (profile === "oss-prod" && tokens.length > 0 && explicitKey === null) {
      throw new GaitError(
        "invalid_input",
        "oss-prod profile requires --approval-public-key or --approval-private-key to verify approval tokens",
      );
    }
    approvalCheck = await approvalModule.verifyApprovalTokens({
      tokens,
      verifier: explicitKey ?? state.signingKey.verifier,
      expected: approval,
      minApprovals: outcome.min_approvals,
      requireDistinctApprovers: outcome.require_distinct_approvers,
      now: clock.now(),
    });
    for (const code of approvalCheck.reasonCodes) state.reasonCodes.add(code);
    for (const v of approvalCheck.violations) state.violations.add(v);
    if (approvalCheck.approved) state.verdict = "allow";
  }

  // Step 15.
  if (outcome.require_broker_credential && state.verdict === "allow") {
    await (hooks.broker ?? defaultBroker)(state);
  }

  // Step 16.
  const simulate = options.simulate === true;
  let simulated: { verdict: Verdict; reasons: string[]; wouldHaveBlocked: boolean } | null = null;
  if (simulate) {
    const before = state.verdict;
    simulated = {
      verdict: before,
      reasons: sorted(state.reasonCodes),
      wouldHaveBlocked: before === "block" || before === "require_approval",
    };
    state.reasonCodes.add("simulate_mode_non_enforcing");
    if (simulated.wouldHaveBlocked) {
      state.reasonCodes.add(`simulated_${before}`);
      state.violations.clear();
      state.verdict = "allow";
    }
  }

  // Step 17.
  const exitCode: 0 | 3 | 4 = simulate
    ? 0
    : state.verdict === "block"
    ? 3
    : state.verdict === "require_approval"
    ? 4
    : 0;

  // Step 18: trace and artifacts.
  const reasonCodes = sorted(state.reasonCodes);
  const violations = sorted(state.violations);
  if (state.delegationRef) {
    const delegationCodes = reasonCodes.filter((c) => c.startsWith("delegation_"));
    if (delegationCodes.length > 0) state.delegationRef.reason_codes = delegationCodes;
  }
  const approvalRef = approvalCheck?.approved ? approvalCheck.validTokenIds.join(",") : "";
  const contextSource = sorted(new Set(contextSources)).join(",");
  const latencyMs = Math.round((performance.now() - started) * 1000) / 1000;
  const unsigned = buildTraceRecord({
    createdAt: outcome.result.created_at,
    observedAt: clock.now(),
    producerVersion,
    verdict: state.verdict,
    violations,
    policyDigest: policy.digest,
    policyId: policy.policy.schema_id,
    policyVersion: policy.policy.schema_version,
    intent: subject,
    contextSource,
    script: outcome.script,
    stepCount: outcome.step_count,
    scriptHash: outcome.script_hash,
    compositeRiskClass: outcome.composite_risk_class,
    stepVerdicts: outcome.step_verdicts,
    preApproved: state.output.pre_approved === true,
    patternId: typeof state.output.pattern_id === "string" ? state.output.pattern_id : "",
    registryReason: typeof state.output.registry_reason === "string"
      ? state.output.registry_reason
      : "",
    latencyMs,
    approvalTokenRef: approvalRef !== "" ? approvalRef : (options.approvalTokenRef ?? "").trim(),
    freezeWindow: outcome.freeze_window,
    sandbox: outcome.sandbox,
    killSwitch: outcome.kill_switch,
    delegationRef: state.delegationRef,
    extra: state.traceExtra,
  });
  const trace = await signTraceRecord(unsigned, state.signingKey.signer);
  const traceId = trace.trace_id as string;
  const writeArtifacts = options.writeArtifacts ?? true;
  const tracePath = options.traceOut === null
    ? ""
    : fillPath(options.traceOut?.trim() || `trace_${traceId}.json`, traceId);

  let approvalAudit: JsonObject | null = null;
  let approvalAuditPath = "";
  if (approvalCheck && approvalModule) {
    approvalAudit = approvalModule.approvalAuditRecord({
      createdAt: outcome.result.created_at,
      producerVersion,
      traceId,
      toolName: subject.tool_name,
      intentDigest: subject.intent_digest,
      policyDigest: policy.digest,
    }, approvalCheck);
    if (writeArtifacts) {
      approvalAuditPath = fillPath(
        options.approvalAuditOut?.trim() || `approval_audit_${traceId}.json`,
        traceId,
      );
      state.artifacts.unshift({
        path: approvalAuditPath,
        text: goJson(approvalAudit, { indent: "  " }) + "\n",
      });
    }
  }

  const output: JsonObject = { ok: true };
  nonEmpty(output, "profile", profile);
  nonEmpty(output, "verdict", state.verdict);
  nonEmpty(output, "reason_codes", reasonCodes);
  nonEmpty(output, "violations", violations);
  nonEmpty(output, "approval_ref", approvalRef);
  nonEmpty(output, "required_approvals", approvalCheck?.required);
  nonEmpty(output, "valid_approvals", approvalCheck?.valid);
  nonEmpty(output, "approval_audit_path", approvalAuditPath);
  nonEmpty(output, "trace_id", traceId);
  nonEmpty(output, "trace_path", tracePath);
  nonEmpty(output, "policy_digest", policy.digest);
  nonEmpty(output, "intent_digest", subject.intent_digest);
  nonEmpty(output, "context_set_digest", subject.context.context_set_digest);
  nonEmpty(output, "context_evidence_mode", subject.context.context_evidence_mode);
  nonEmpty(output, "context_ref_count", subject.context.context_refs.length);
  nonEmpty(output, "context_source", contextSource);
  nonEmpty(output, "script", outcome.script);
  nonEmpty(output, "step_count", outcome.step_count);
  nonEmpty(output, "script_hash", outcome.script_hash);
  nonEmpty(output, "composite_risk_class", outcome.composite_risk_class);
  nonEmpty(output, "step_verdicts", outcome.step_verdicts.map(stepVerdictObject));
  nonEmpty(output, "matched_rule", outcome.matched_rule);
  if (outcome.freeze_window) output.freeze_window = freezeWindowObject(outcome.freeze_window);
  if (outcome.kill_switch) output.kill_switch = killSwitchObject(outcome.kill_switch);
  if (outcome.sandbox) output.sandbox = sandboxDecisionObject(outcome.sandbox);
  nonEmpty(output, "phase", outcome.phase);
  for (const [k, v] of Object.entries(state.output)) {
    // Artifact paths queued by hooks may use {trace_id}, like state.artifacts.
    const value = k.endsWith("_path") && typeof v === "string" ? fillPath(v, traceId) : v;
    if (!(k in output)) nonEmpty(output, k, value);
  }
  if (simulated) {
    output.simulate_mode = true;
    nonEmpty(output, "would_have_blocked", simulated.wouldHaveBlocked);
    nonEmpty(output, "simulated_verdict", simulated.verdict);
    nonEmpty(output, "simulated_reason_codes", simulated.reasons);
  }
  nonEmpty(output, "warnings", [...state.warnings]);

  const explain = explainDocument({
    outcome,
    finalReasonCodes: reasonCodes,
    context: subject.context,
    claimedContext: intent.context,
    requiredApprovals: approvalCheck?.required ?? 0,
    validApprovals: approvalCheck?.valid ?? 0,
    proofRefs: {
      trace_id: traceId,
      trace_path: tracePath,
      approval_audit_path: approvalAuditPath,
      delegation_audit_path: typeof output.delegation_audit_path === "string"
        ? output.delegation_audit_path
        : "",
      credential_evidence_path: typeof output.credential_evidence_path === "string"
        ? output.credential_evidence_path
        : "",
    },
  });

  if (writeArtifacts) {
    for (const artifact of state.artifacts) {
      const text = typeof artifact.text === "string" ? artifact.text : artifact.text(traceId);
      await writeFileAtomic(fillPath(artifact.path, traceId), text, {
        createParents: true,
      });
    }
  }
  if (tracePath !== "") {
    await writeFileAtomic(tracePath, renderTraceFile(trace), { createParents: true });
  }

  return {
    exitCode,
    output,
    explain,
    trace,
    tracePath,
    approvalAudit,
    warnings: [...state.warnings],
  };
}
