/**
 * Policy evaluation (spec 02 §3, §6.3, §6.4): fail-closed checks, priority
 * tiers, per-rule checks, tier aggregation, scripts and the kill-switch
 * overlay. Evaluation is pure and synchronous; stateful guards (rate limits,
 * kill-switch state, approvals, delegation, broker) are inputs or are
 * returned for the caller to enforce. Nothing here defaults to `allow`: every
 * verdict comes from a matched rule, the policy default, or a stricter check,
 * and any exception propagates.
 *
 * @module
 */

import { GaitError } from "../core/errors.ts";
import { formatTimestamp, tryParseTimestamp, ZERO_TIME } from "../core/timestamp.ts";
import {
  type CompiledFreeze,
  type CompiledPolicy,
  type CompiledRule,
  compilePolicy,
  domainMatches,
  pathMatches,
} from "./_compile.ts";
import { compareInstants, formatInstant, type Instant } from "./_timezone.ts";
import { compareUtf8, goLower, goTrim, mergeSorted, sortUnique } from "./_text.ts";
import { targetsDigest } from "./intent_digest.ts";
import type {
  ArgProvenance,
  Delegation,
  IntentContext,
  IntentTarget,
  NormalizedIntent,
  SkillProvenance,
} from "./intent_types.ts";
import type {
  FreezeWindowDecision,
  GateOutcome,
  GateResult,
  KillSwitchDecision,
  KillSwitchInput,
  SandboxDecision,
  StepVerdict,
} from "./outcome.ts";
import type { Policy, PolicyRule, RateLimitPolicy, Verdict } from "./policy_types.ts";
import { applyWrkrEntry, type WrkrInventory } from "./prepare.ts";

/** Options of {@link evaluatePolicy}. */
export interface EvaluateOptions {
  /** The evaluation instant (RFC 3339): freeze windows, agent expiry, decisions' `evaluated_at`. */
  evaluationTime: string;
  /** `producer_version` of the GateResult (default `0.0.0-dev`). */
  producerVersion?: string;
  /** Kill-switch state: unavailable-but-required, or the matched decision. */
  killSwitch?: KillSwitchInput;
  /** Wrkr inventory for per-step (scripts) and single-intent enrichment. */
  wrkrInventory?: WrkrInventory;
}

const RANK: Readonly<Record<Verdict, number>> = {
  allow: 0,
  dry_run: 1,
  require_approval: 2,
  block: 3,
};

/**
 * The more restrictive of two verdicts (`allow < dry_run < require_approval < block`).
 *
 * @example
 * ```ts
 * mostRestrictiveVerdict("allow", "require_approval"); // "require_approval"
 * ```
 */
export function mostRestrictiveVerdict(a: Verdict, b: Verdict): Verdict {
  return RANK[b] > RANK[a] ? b : a;
}

/**
 * The restrictiveness rank of a verdict (allow 0 … block 3).
 *
 * @example
 * ```ts
 * verdictRank("block"); // 3
 * ```
 */
export function verdictRank(v: Verdict): number {
  return RANK[v];
}

const STANDING_TYPES: ReadonlySet<string> = new Set([
  "",
  "cloud_admin",
  "inherited",
  "standing",
  "static",
  "unknown",
]);
const DATAFLOW_DEFAULT_KINDS: ReadonlySet<string> = new Set([
  "host",
  "url",
  "bucket",
  "queue",
  "topic",
]);
const EPOCH_1980 = "1980-01-01T00:00:00Z";

/** What one evaluation pass looks at: a single intent or one script step. */
interface Subject {
  readonly toolName: string;
  readonly targets: readonly IntentTarget[];
  readonly provenance: readonly ArgProvenance[];
  readonly context: IntentContext;
  readonly delegation: Delegation | undefined;
  readonly skill: SkillProvenance | undefined;
}

/** Per-evaluation clock state. */
class Clock {
  #text: string | null = null;
  constructor(readonly now: Instant) {}
  text(): string {
    if (this.#text === null) this.#text = formatInstant(this.now);
    return this.#text;
  }
}

/** A matched rule's running result. */
class RuleState {
  effect: Verdict;
  readonly reasons: string[];
  readonly violations: string[];
  freeze: FreezeWindowDecision | null = null;
  sandbox: SandboxDecision | null = null;
  constructor(readonly cr: CompiledRule) {
    this.effect = cr.rule.effect;
    this.reasons = cr.baseReasons.slice();
    this.violations = cr.rule.violations.slice();
  }
  /** Adds a code as reason and violation and raises the effect. */
  flag(code: string, violation: string = code, effect: Verdict = "block"): void {
    this.reasons.push(code);
    this.violations.push(violation);
    if (RANK[effect] > RANK[this.effect]) this.effect = effect;
  }
  raise(effect: Verdict): void {
    if (RANK[effect] > RANK[this.effect]) this.effect = effect;
  }
}

/** The aggregated result of one tier scan. */
interface TierResult {
  verdict: Verdict;
  reasons: string[];
  violations: string[];
  matchedRule: string;
  tierRules: CompiledRule[];
  minApprovals: number;
  distinct: boolean;
  requireDelegation: boolean;
  delegationScopes: string[];
  requireBroker: boolean;
  brokerReferences: string[];
  brokerScopes: string[];
  rateLimit: RateLimitPolicy | null;
  destructiveBudget: RateLimitPolicy | null;
  freeze: FreezeWindowDecision | null;
  sandbox: SandboxDecision | null;
  isDefault: boolean;
}

function hasAnyKind(targets: readonly IntentTarget[], s: ReadonlySet<string>): boolean {
  for (let i = 0; i < targets.length; i++) if (s.has(targets[i]!.kind)) return true;
  return false;
}
function hasAnyValue(targets: readonly IntentTarget[], s: ReadonlySet<string>): boolean {
  for (let i = 0; i < targets.length; i++) if (s.has(targets[i]!.value)) return true;
  return false;
}
function hasAnyClass(targets: readonly IntentTarget[], s: ReadonlySet<string>): boolean {
  for (let i = 0; i < targets.length; i++) if (s.has(targets[i]!.endpoint_class)) return true;
  return false;
}
function hasAnyDiscovery(targets: readonly IntentTarget[], s: ReadonlySet<string>): boolean {
  for (let i = 0; i < targets.length; i++) if (s.has(targets[i]!.discovery_method)) return true;
  return false;
}
function hasAnyOperation(targets: readonly IntentTarget[], s: ReadonlySet<string>): boolean {
  for (let i = 0; i < targets.length; i++) if (s.has(targets[i]!.operation)) return true;
  return false;
}
function hasAnySensitivity(targets: readonly IntentTarget[], s: ReadonlySet<string>): boolean {
  for (let i = 0; i < targets.length; i++) if (s.has(targets[i]!.sensitivity)) return true;
  return false;
}

function authValueIn(ctx: IntentContext, key: string, s: ReadonlySet<string>): boolean {
  const v = ctx.auth_context?.[key];
  return typeof v === "string" && s.has(goLower(v));
}

function matchDelegation(cr: CompiledRule, d: Delegation | undefined): boolean {
  const m = cr.delegation!;
  if (!d) return false;
  const chain = d.chain;
  if (m.maxDepth !== null && chain.length > m.maxDepth) return false;
  if (m.delegators !== null) {
    let ok = false;
    for (const l of chain) {
      if (m.delegators.has(l.delegator_identity)) {
        ok = true;
        break;
      }
    }
    if (!ok) return false;
  }
  if (m.delegates !== null && !m.delegates.has(d.requester_identity)) {
    let ok = false;
    for (const l of chain) {
      if (m.delegates.has(l.delegate_identity)) {
        ok = true;
        break;
      }
    }
    if (!ok) return false;
  }
  if (m.scopes !== null && !m.scopes.has(d.scope_class)) {
    let ok = false;
    for (const l of chain) {
      if (m.scopes.has(l.scope_class)) {
        ok = true;
        break;
      }
    }
    if (!ok) return false;
  }
  return true;
}

/** True when every set selector of a rule's `match` passes (spec 02 §2.4). */
function matchRule(cr: CompiledRule, s: Subject): boolean {
  if (cr.toolNames !== null && !cr.toolNames.has(s.toolName)) return false;
  const ctx = s.context;
  if (cr.riskClasses !== null && !cr.riskClasses.has(ctx.risk_class)) return false;
  if (cr.identities !== null && !cr.identities.has(ctx.identity)) return false;
  if (cr.workspacePrefixes !== null) {
    let ok = false;
    for (const p of cr.workspacePrefixes) {
      if (ctx.workspace.startsWith(p)) {
        ok = true;
        break;
      }
    }
    if (!ok) return false;
  }
  const t = s.targets;
  if (cr.targetKinds !== null && !hasAnyKind(t, cr.targetKinds)) return false;
  if (cr.destinationKinds !== null && !hasAnyKind(t, cr.destinationKinds)) return false;
  if (cr.targetValues !== null && !hasAnyValue(t, cr.targetValues)) return false;
  if (cr.destinationValues !== null && !hasAnyValue(t, cr.destinationValues)) return false;
  if (cr.endpointClasses !== null && !hasAnyClass(t, cr.endpointClasses)) return false;
  if (cr.discoveryMethods !== null && !hasAnyDiscovery(t, cr.discoveryMethods)) return false;
  if (cr.destinationOperations !== null && !hasAnyOperation(t, cr.destinationOperations)) {
    return false;
  }
  if (cr.dataClasses !== null && !hasAnySensitivity(t, cr.dataClasses)) return false;
  if (cr.annotations !== null) {
    for (const [field, want] of cr.annotations) {
      let ok = false;
      for (let i = 0; i < t.length; i++) {
        if (t[i]![field] === want) {
          ok = true;
          break;
        }
      }
      if (!ok) return false;
    }
  }
  if (cr.skillPublishers !== null) {
    if (!s.skill || !cr.skillPublishers.has(goLower(s.skill.publisher))) return false;
  }
  if (cr.skillSources !== null) {
    if (!s.skill || !cr.skillSources.has(goLower(s.skill.source))) return false;
  }
  if (cr.provenanceSources !== null) {
    let ok = false;
    for (const p of s.provenance) {
      if (cr.provenanceSources.has(p.source)) {
        ok = true;
        break;
      }
    }
    if (!ok) return false;
  }
  if (cr.contextToolNames !== null && !authValueIn(ctx, "wrkr.tool_name", cr.contextToolNames)) {
    return false;
  }
  if (
    cr.contextDataClasses !== null && !authValueIn(ctx, "wrkr.data_class", cr.contextDataClasses)
  ) return false;
  if (
    cr.contextEndpointClasses !== null &&
    !authValueIn(ctx, "wrkr.endpoint_class", cr.contextEndpointClasses)
  ) return false;
  if (
    cr.contextAutonomyLevels !== null &&
    !authValueIn(ctx, "wrkr.autonomy_level", cr.contextAutonomyLevels)
  ) return false;
  if (cr.delegation !== null && !matchDelegation(cr, s.delegation)) return false;
  return true;
}

function checkDataflow(cr: CompiledRule, s: Subject, st: RuleState): void {
  const df = cr.dataflow!;
  let tainted = false;
  for (const p of s.provenance) {
    if (df.tainted.has(p.source)) {
      tainted = true;
      break;
    }
  }
  if (!tainted) return;
  let destination = false;
  const noFilters = df.kinds === null && df.values === null && df.operations === null;
  for (const t of s.targets) {
    if (noFilters) {
      if (DATAFLOW_DEFAULT_KINDS.has(t.kind)) destination = true;
    } else if (
      (df.kinds === null || df.kinds.has(t.kind)) &&
      (df.values === null || df.values.has(t.value)) &&
      (df.operations === null || df.operations.has(t.operation))
    ) destination = true;
    if (destination) break;
  }
  if (!destination) return;
  // Dataflow replaces the rule effect (it may relax a block), unlike every other check.
  st.effect = df.policy.action;
  st.reasons.push(df.policy.reason_code);
  st.violations.push(df.policy.violation);
}

function checkEndpoint(cr: CompiledRule, s: Subject, st: RuleState): void {
  const ep = cr.endpoint!;
  let fired = false;
  let destructiveFired = false;
  const code = (c: string, v: string = c) => {
    st.reasons.push(c);
    st.violations.push(v);
    fired = true;
  };
  for (const t of s.targets) {
    if (t.kind === "path") {
      if (ep.pathDeny.some((p) => pathMatches(p, t.value))) code("endpoint_path_denied");
      if (ep.pathAllow.length > 0 && !ep.pathAllow.some((p) => pathMatches(p, t.value))) {
        code("endpoint_path_not_allowlisted");
      }
    }
    if (t.endpoint_domain !== "") {
      const d = t.endpoint_domain;
      if (ep.domainDeny.some((p) => domainMatches(p, d))) code("endpoint_domain_denied");
      if (ep.domainAllow.length > 0 && !ep.domainAllow.some((p) => domainMatches(p, d))) {
        code("endpoint_domain_not_allowlisted");
      }
    }
    if (
      ep.egress !== null && t.endpoint_class.startsWith("net.") && !ep.egress.has(t.endpoint_class)
    ) code("endpoint_egress_class_not_allowed");
    if (ep.policy.destructive_action !== "" && t.destructive) {
      code("endpoint_destructive_operation", "destructive_operation");
      destructiveFired = true;
    }
  }
  if (!fired) return;
  st.reasons.push(ep.policy.reason_code);
  st.violations.push(ep.policy.violation);
  st.raise(ep.policy.action);
  if (destructiveFired && ep.policy.destructive_action !== "") {
    st.raise(ep.policy.destructive_action);
  }
}

function checkContext(rule: PolicyRule, s: Subject, st: RuleState): void {
  const ctx = s.context;
  if (
    (rule.require_context_evidence || rule.required_context_evidence_mode === "required") &&
    ctx.context_set_digest === ""
  ) {
    st.flag("context_evidence_missing", "missing_context_evidence");
    st.reasons.push("context_set_digest_missing");
  }
  if (
    rule.required_context_evidence_mode === "required" && ctx.context_evidence_mode !== "required"
  ) st.flag("context_evidence_mode_mismatch", "context_evidence_mode_violation");
  if (rule.max_context_age_seconds > 0) {
    const age = ctx.auth_context?.["context_age_seconds"];
    if (
      typeof age !== "number" || !Number.isFinite(age) || age < 0 ||
      age > rule.max_context_age_seconds
    ) st.flag("context_freshness_exceeded", "context_freshness_violation");
  }
}

function instantOf(ts: string): Instant {
  const t = tryParseTimestamp(ts)!;
  return { seconds: t.unixSeconds, nanos: t.nanos };
}

function checkAgent(cr: CompiledRule, s: Subject, st: RuleState, clock: Clock): void {
  const rule = cr.rule;
  const ctx = s.context;
  const agentId = ctx.agent_id;
  const ai = ctx.agent_identity;
  if (rule.require_declared_agent && (agentId === "" || !ai)) {
    st.flag("agent_unknown", "agent_identity_missing");
  }
  if ((cr.agentDenied !== null && cr.agentDenied.has(agentId)) || ai?.revoked) {
    st.flag("agent_revoked");
  }
  if (cr.agentAllowed !== null && !cr.agentAllowed.has(agentId)) {
    st.flag("agent_unknown", "agent_not_declared");
  }
  if (rule.require_agent_owner && (!ai || ai.owner === "")) st.flag("agent_owner_missing");
  if (rule.required_agent_lifecycle_states.length > 0) {
    const have = new Set((ai?.lifecycle_states ?? []).map(goLower));
    if (!rule.required_agent_lifecycle_states.every((x) => have.has(x))) {
      st.flag("agent_lifecycle_state_invalid");
    }
  }
  if (rule.require_unexpired_agent) {
    if (
      !ai || ai.expires_at === ZERO_TIME ||
      compareInstants(instantOf(ai.expires_at), clock.now) <= 0
    ) st.flag("agent_expired");
  }
  const digestBad = rule.required_agent_manifest_digest !== "" &&
    (!ai || ai.manifest_digest !== rule.required_agent_manifest_digest);
  const publisherBad = cr.agentPublishers !== null &&
    (!ai || !cr.agentPublishers.has(goLower(ai.publisher)));
  const sourceBad = cr.agentSources !== null && (!ai || !cr.agentSources.has(goLower(ai.source)));
  if (digestBad || publisherBad || sourceBad) st.flag("agent_manifest_mismatch");
}

function checkCredential(cr: CompiledRule, s: Subject, st: RuleState): void {
  const rule = cr.rule;
  const ctx = s.context;
  const type = ctx.credential_access_type;
  const source = ctx.credential_source;
  const issuer = ctx.credential_issuer;
  if (ctx.credential_ref === "") st.flag("credential_evidence_missing");
  if (source === "") st.flag("credential_source_unknown");
  if (type === "") st.flag("credential_access_type_unknown");
  if (rule.require_jit_credential) {
    if (type === "") st.flag("credential_evidence_missing");
    else if (type !== "jit") st.flag("credential_not_jit");
  }
  if (rule.block_standing_credentials && STANDING_TYPES.has(type)) {
    st.flag("standing_credential_disallowed");
  }
  if (cr.credentialSources !== null && (source === "" || !cr.credentialSources.has(source))) {
    st.flag("credential_source_disallowed");
  }
  if (cr.credentialIssuers !== null && (issuer === "" || !cr.credentialIssuers.has(issuer))) {
    st.flag("credential_issuer_disallowed");
  }
  if (cr.credentialAccessTypes !== null && (type === "" || !cr.credentialAccessTypes.has(type))) {
    st.flag("credential_access_type_disallowed");
  }
  if (rule.max_credential_ttl_seconds > 0) {
    if (ctx.credential_ttl_seconds <= 0) st.flag("credential_evidence_missing");
    else if (ctx.credential_ttl_seconds > rule.max_credential_ttl_seconds) {
      st.flag("credential_ttl_exceeded");
    }
  }
  if (
    ctx.credential_target_binding !== "" &&
    goLower(ctx.credential_target_binding) !== targetsDigest(s.targets)
  ) st.flag("credential_target_binding_mismatch");
  if (
    ctx.credential_run_binding !== "" && ctx.run_id !== "" &&
    ctx.credential_run_binding !== ctx.run_id
  ) st.flag("credential_run_binding_mismatch");
  if (
    ctx.credential_job_binding !== "" && ctx.job_id !== "" &&
    ctx.credential_job_binding !== ctx.job_id
  ) st.flag("credential_job_binding_mismatch");
}

function checkFreeze(f: CompiledFreeze, s: Subject, st: RuleState, clock: Clock): void {
  const fw = f.policy;
  const d: FreezeWindowDecision = {
    status: "inactive",
    effect: fw.effect,
    timezone: fw.timezone,
    evaluated_at: clock.text(),
    window_name: "",
    window_start: ZERO_TIME,
    window_end: ZERO_TIME,
    reason: "",
    reason_code: "",
  };
  st.freeze = d;
  if (f.environments !== null && !f.environments.has(goLower(s.context.environment))) return;
  if (f.riskClasses !== null && !f.riskClasses.has(s.context.risk_class)) return;
  if (!f.timezoneValid || f.anyWindowInvalid) {
    d.status = "invalid";
    d.reason_code = f.timezoneValid
      ? "freeze_window_invalid_window"
      : "freeze_window_invalid_timezone";
    st.flag(d.reason_code);
    return;
  }
  for (const w of f.windows) {
    if (compareInstants(w.start!, clock.now) <= 0 && compareInstants(clock.now, w.end!) < 0) {
      d.status = "active";
      d.window_name = w.name;
      d.window_start = formatInstant(w.start!);
      d.window_end = formatInstant(w.end!);
      d.reason = fw.reason !== "" ? fw.reason : w.name;
      d.reason_code = `freeze_window_active_${fw.effect}`;
      st.flag(d.reason_code, d.reason_code, fw.effect);
      return;
    }
  }
}

function underPrefix(path: string, prefix: string): boolean {
  return prefix === "/" || path === prefix || path.startsWith(prefix + "/");
}

function checkSandbox(cr: CompiledRule, s: Subject, st: RuleState): void {
  const policy = cr.sandbox!;
  const sb = s.context.sandbox;
  if (!sb) {
    st.sandbox = {
      status: "missing",
      network_mode: "",
      env_exposure_mode: "",
      timeout_seconds: 0,
      filesystem_isolation: "",
      user_mode: "",
      evidence_ref: "",
      evidence_digest: "",
      reason_codes: ["sandbox_metadata_missing"],
    };
    st.flag("sandbox_metadata_missing");
    return;
  }
  const codes: string[] = [];
  if (sb.evidence_ref === "" || sb.evidence_digest === "") codes.push("sandbox_evidence_missing");
  const modeCheck = (value: string, allowed: ReadonlySet<string> | null, name: string) => {
    if (allowed === null) return;
    if (value === "") codes.push(`sandbox_${name}_missing`);
    else if (!allowed.has(value)) codes.push(`sandbox_${name}_disallowed`);
  };
  modeCheck(sb.network_mode, cr.sandboxNetwork, "network_mode");
  modeCheck(sb.env_exposure_mode, cr.sandboxEnv, "env_exposure_mode");
  modeCheck(sb.filesystem_isolation, cr.sandboxFs, "filesystem_isolation");
  modeCheck(sb.user_mode, cr.sandboxUser, "user_mode");
  if (policy.max_timeout_seconds > 0) {
    if (sb.timeout_seconds <= 0) codes.push("sandbox_timeout_missing");
    else if (sb.timeout_seconds > policy.max_timeout_seconds) {
      codes.push("sandbox_timeout_exceeded");
    }
  }
  const prefixes = policy.allowed_writable_path_prefixes;
  if (prefixes.length > 0) {
    for (const p of sb.writable_paths) {
      if (!prefixes.some((prefix) => underPrefix(p, prefix))) {
        codes.push("sandbox_writable_path_disallowed");
        break;
      }
    }
  }
  for (const root of policy.required_read_only_roots) {
    if (!sb.read_only_roots.some((r) => underPrefix(root, r))) {
      codes.push("sandbox_read_only_root_missing");
      break;
    }
  }
  const sorted = sortUnique(codes);
  let status: SandboxDecision["status"] = "valid";
  if (sorted.some((c) => c.endsWith("_missing"))) status = "missing";
  else if (sorted.some((c) => c.endsWith("_disallowed") || c.endsWith("_exceeded"))) {
    status = "disallowed";
  } else if (sorted.length > 0) status = "invalid";
  st.sandbox = {
    status,
    network_mode: sb.network_mode,
    env_exposure_mode: sb.env_exposure_mode,
    timeout_seconds: sb.timeout_seconds,
    filesystem_isolation: sb.filesystem_isolation,
    user_mode: sb.user_mode,
    evidence_ref: sb.evidence_ref,
    evidence_digest: sb.evidence_digest,
    reason_codes: sorted,
  };
  for (const c of sorted) st.flag(c);
}

function checkPhase(s: Subject, st: RuleState): void {
  let destructive = false;
  let allExec = true;
  for (const t of s.targets) {
    if (t.destructive) destructive = true;
    if (t.endpoint_class !== "proc.exec") allExec = false;
  }
  if (!destructive) return;
  if (allExec && st.sandbox !== null && st.sandbox.status === "valid") return;
  const phase = s.context.phase;
  if (phase === "plan") {
    st.raise("dry_run");
    st.reasons.push("plan_phase_non_destructive");
  } else if (phase === "apply") {
    st.raise("require_approval");
    st.reasons.push("destructive_apply_requires_approval");
  }
}

/** Evaluates one matched rule (spec 02 §3.3, checks 1–9, in order). */
function evaluateRule(cr: CompiledRule, s: Subject, clock: Clock): RuleState {
  const st = new RuleState(cr);
  if (cr.dataflow !== null) checkDataflow(cr, s, st);
  if (cr.endpoint !== null) checkEndpoint(cr, s, st);
  if (cr.contextCheck) checkContext(cr.rule, s, st);
  if (cr.agentCheck) checkAgent(cr, s, st, clock);
  if (cr.credentialCheck) checkCredential(cr, s, st);
  if (cr.freeze !== null) checkFreeze(cr.freeze, s, st, clock);
  if (cr.sandbox !== null) checkSandbox(cr, s, st);
  checkPhase(s, st);
  return st;
}

const FREEZE_RANK = { invalid: 2, active: 1, inactive: 0 } as const;
const SANDBOX_RANK = { missing: 3, disallowed: 2, invalid: 1, valid: 0 } as const;

function betterFreeze(a: FreezeWindowDecision, b: FreezeWindowDecision): boolean {
  if (FREEZE_RANK[a.status] !== FREEZE_RANK[b.status]) {
    return FREEZE_RANK[a.status] > FREEZE_RANK[b.status];
  }
  if (a.effect !== b.effect) return a.effect === "block";
  return compareUtf8(a.window_name, b.window_name) < 0;
}

function betterSandbox(a: SandboxDecision, b: SandboxDecision): boolean {
  if (SANDBOX_RANK[a.status] !== SANDBOX_RANK[b.status]) {
    return SANDBOX_RANK[a.status] > SANDBOX_RANK[b.status];
  }
  return compareUtf8(a.evidence_digest, b.evidence_digest) < 0;
}

function stricterRate(a: RateLimitPolicy, b: RateLimitPolicy): boolean {
  if (a.requests !== b.requests) return a.requests < b.requests;
  if (a.window !== b.window) return a.window === "minute";
  return compareUtf8(a.scope, b.scope) < 0;
}

function pickRate(
  current: RateLimitPolicy | null,
  candidate: RateLimitPolicy | null,
): RateLimitPolicy | null {
  if (candidate === null || candidate.requests <= 0) return current;
  if (current === null || stricterRate(candidate, current)) return candidate;
  return current;
}

function defaultTier(cp: CompiledPolicy): TierResult {
  const v = cp.policy.default_verdict;
  return {
    verdict: v,
    reasons: cp.defaultReasons.slice(),
    violations: [],
    matchedRule: "",
    tierRules: [],
    minApprovals: v === "require_approval" ? 1 : 0,
    distinct: false,
    requireDelegation: false,
    delegationScopes: [],
    requireBroker: false,
    brokerReferences: [],
    brokerScopes: [],
    rateLimit: null,
    destructiveBudget: null,
    freeze: null,
    sandbox: null,
    isDefault: true,
  };
}

/** Scans the priority tiers and aggregates the first matching tier (spec 02 §3.2, §3.4). */
function evaluateTiers(cp: CompiledPolicy, s: Subject, clock: Clock): TierResult {
  const rules = cp.rules;
  let tierPriority = 0;
  let tier: CompiledRule[] | null = null;
  for (let i = 0; i < rules.length; i++) {
    const cr = rules[i]!;
    if (tier !== null && cr.rule.priority !== tierPriority) break;
    if (!matchRule(cr, s)) continue;
    if (tier === null) {
      tier = [cr];
      tierPriority = cr.rule.priority;
    } else tier.push(cr);
  }
  if (tier === null) return defaultTier(cp);

  const states = tier.map((cr) => evaluateRule(cr, s, clock));
  let verdict: Verdict = "allow";
  for (const st of states) if (RANK[st.effect] > RANK[verdict]) verdict = st.effect;
  const reasons: string[][] = [];
  const violations: string[][] = [];
  const delegationScopes: string[][] = [];
  const brokerScopes: string[][] = [];
  const brokerRefs: string[] = [];
  let minApprovals = 0;
  let distinct = false;
  let requireDelegation = false;
  let requireBroker = false;
  let rateLimit: RateLimitPolicy | null = null;
  let destructiveBudget: RateLimitPolicy | null = null;
  let freeze: FreezeWindowDecision | null = null;
  let sandbox: SandboxDecision | null = null;
  for (const st of states) {
    if (st.effect !== verdict) continue;
    const rule = st.cr.rule;
    reasons.push(st.reasons);
    violations.push(st.violations);
    const approvals = rule.min_approvals > 0
      ? rule.min_approvals
      : st.effect === "require_approval"
      ? 1
      : 0;
    if (approvals > minApprovals) minApprovals = approvals;
    distinct ||= rule.require_distinct_approvers;
    requireDelegation ||= rule.match.require_delegation;
    requireBroker ||= rule.require_broker_credential;
    delegationScopes.push(rule.match.delegation_scopes);
    brokerScopes.push(rule.broker_scopes);
    if (rule.broker_reference !== "") brokerRefs.push(rule.broker_reference);
    rateLimit = pickRate(rateLimit, rule.rate_limit);
    destructiveBudget = pickRate(destructiveBudget, rule.destructive_budget);
    if (st.freeze !== null && (freeze === null || betterFreeze(st.freeze, freeze))) {
      freeze = st.freeze;
    }
    if (st.sandbox !== null && (sandbox === null || betterSandbox(st.sandbox, sandbox))) {
      sandbox = st.sandbox;
    }
  }
  if (verdict !== "require_approval") {
    minApprovals = 0;
    distinct = false;
  }
  return {
    verdict,
    reasons: mergeSorted(...reasons),
    violations: mergeSorted(...violations),
    matchedRule: sortUnique(tier.map((cr) => cr.rule.name)).join(","),
    tierRules: tier,
    minApprovals,
    distinct,
    requireDelegation,
    delegationScopes: mergeSorted(...delegationScopes),
    requireBroker,
    brokerReferences: sortUnique(brokerRefs),
    brokerScopes: mergeSorted(...brokerScopes),
    rateLimit,
    destructiveBudget,
    freeze,
    sandbox,
    isDefault: false,
  };
}

let lastTimeText = "";
let lastTime: Instant = { seconds: 0, nanos: 0 };

function parseEvaluationTime(text: string): Instant {
  if (text === lastTimeText) return lastTime;
  const t = tryParseTimestamp(text);
  if (!t) {
    throw new GaitError("invalid_input", `evaluation time is not an RFC 3339 timestamp: ${text}`);
  }
  lastTime = { seconds: t.unixSeconds, nanos: t.nanos };
  lastTimeText = text;
  return lastTime;
}

function gateResult(
  intent: NormalizedIntent,
  producerVersion: string,
  verdict: Verdict,
  reasons: string[],
  violations: string[],
): GateResult {
  const c = intent.created_at;
  const created = c === ZERO_TIME
    ? EPOCH_1980
    : c.endsWith("Z")
    ? c
    : formatTimestamp({ ...tryParseTimestamp(c)!, offsetMinutes: 0 });
  return {
    schema_id: "gait.gate.result",
    schema_version: "1.0.0",
    created_at: created,
    producer_version: producerVersion,
    verdict,
    reason_codes: reasons,
    violations,
  };
}

function emptyOutcome(
  intent: NormalizedIntent,
  producerVersion: string,
  verdict: Verdict,
  reasons: string[],
  violations: string[],
  path: GateOutcome["decision_path"],
): GateOutcome {
  return {
    verdict,
    reason_codes: reasons,
    violations,
    matched_rule: "",
    matched_rules: [],
    min_approvals: 0,
    require_distinct_approvers: false,
    require_delegation: false,
    required_delegation_scopes: [],
    require_broker_credential: false,
    broker_reference: "",
    broker_scopes: [],
    rate_limit: null,
    destructive_budget: null,
    freeze_window: null,
    sandbox: null,
    kill_switch: null,
    script: intent.script !== undefined,
    step_count: intent.script?.steps.length ?? 0,
    script_hash: intent.script_hash,
    composite_risk_class: "",
    step_verdicts: [],
    phase: intent.context.phase,
    decision_path: path,
    result: gateResult(intent, producerVersion, verdict, reasons, violations),
  };
}

function isOtherClass(t: IntentTarget): boolean {
  return t.endpoint_class === "" || t.endpoint_class === "other";
}

function highRiskFieldMissing(ctx: IntentContext, field: string): boolean {
  switch (field) {
    case "agent_identity":
      return ctx.agent_identity === undefined;
    case "credential_ttl_seconds":
      return ctx.credential_ttl_seconds <= 0;
    default:
      return (ctx as unknown as Record<string, unknown>)[field] === "";
  }
}

/** Fail-closed checks (spec 02 §3.1 step 2); returns [reasons, violations]. */
function failClosedCodes(cp: CompiledPolicy, intent: NormalizedIntent): [string[], string[]] {
  const reasons: string[] = [];
  const violations: string[] = [];
  const ctx = intent.context;
  const targets = intent.targets;
  const fc = cp.policy.fail_closed;
  if (cp.failClosedRiskClasses !== null && cp.failClosedRiskClasses.has(ctx.risk_class)) {
    for (const f of fc.required_fields) {
      switch (f) {
        case "targets":
          if (targets.length === 0) {
            reasons.push("fail_closed_missing_targets");
            violations.push("missing_targets");
          }
          break;
        case "arg_provenance":
          if (intent.arg_provenance.length === 0) {
            reasons.push("fail_closed_missing_arg_provenance");
            violations.push("missing_arg_provenance");
          }
          break;
        case "endpoint_class":
          if (targets.some(isOtherClass)) {
            reasons.push("fail_closed_missing_endpoint_class");
            violations.push("missing_endpoint_class");
          }
          break;
        case "delegation":
          if (!intent.delegation) {
            reasons.push("fail_closed_missing_delegation");
            violations.push("missing_delegation");
          }
          break;
        case "context_evidence":
          if (ctx.context_set_digest === "") {
            reasons.push("context_evidence_missing");
            violations.push("missing_context_evidence");
          }
          break;
      }
    }
    for (const f of fc.required_high_risk_fields) {
      if (highRiskFieldMissing(ctx, f)) {
        reasons.push(`fail_closed_missing_${f}`);
        violations.push(`missing_${f}`);
      }
    }
  }
  if (targets.some(isOtherClass)) {
    reasons.push("fail_closed_endpoint_class_unknown");
    violations.push("endpoint_class_unknown");
  }
  return [reasons, violations];
}

function stepRisk(targets: readonly IntentTarget[]): "low" | "medium" | "high" {
  let risk: "low" | "medium" | "high" = "low";
  for (const t of targets) {
    const c = t.endpoint_class;
    if (c === "fs.delete" || c === "proc.exec" || t.destructive) return "high";
    if (c === "fs.write" || c === "net.http" || c === "net.dns") risk = "medium";
  }
  return risk;
}

const RISK_RANK = { low: 0, medium: 1, high: 2 } as const;

function contextFor(
  ctx: IntentContext,
  toolName: string,
  inventory: WrkrInventory | undefined,
): IntentContext {
  if (!inventory) return ctx;
  const entry = inventory.get(toolName);
  if (!entry) return ctx;
  return { ...ctx, auth_context: applyWrkrEntry(ctx.auth_context, entry) };
}

function policyOrder(rules: readonly CompiledRule[]): PolicyRule[] {
  if (rules.length === 0) return [];
  if (rules.length === 1) return [rules[0]!.rule];
  const sorted = [...rules].sort((a, b) => a.index - b.index);
  const out: PolicyRule[] = [sorted[0]!.rule];
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i]!.index !== sorted[i - 1]!.index) out.push(sorted[i]!.rule);
  }
  return out;
}

function outcomeFromTier(
  intent: NormalizedIntent,
  producerVersion: string,
  tr: TierResult,
): GateOutcome {
  const out = emptyOutcome(
    intent,
    producerVersion,
    tr.verdict,
    tr.reasons,
    tr.violations,
    tr.isDefault ? "default" : "rules",
  );
  out.matched_rule = tr.matchedRule;
  out.matched_rules = policyOrder(tr.tierRules);
  out.min_approvals = tr.minApprovals;
  out.require_distinct_approvers = tr.distinct;
  out.require_delegation = tr.requireDelegation;
  out.required_delegation_scopes = tr.delegationScopes;
  out.require_broker_credential = tr.requireBroker;
  out.broker_reference = tr.brokerReferences.join(",");
  out.broker_scopes = tr.brokerScopes;
  out.rate_limit = tr.rateLimit;
  out.destructive_budget = tr.destructiveBudget;
  out.freeze_window = tr.freeze;
  out.sandbox = tr.sandbox;
  return out;
}

function evaluateScript(
  cp: CompiledPolicy,
  intent: NormalizedIntent,
  options: EvaluateOptions,
  producerVersion: string,
  clock: Clock,
): GateOutcome {
  const steps = intent.script!.steps;
  // Normalization guarantees 1–64 steps; a hand-built intent without steps
  // must not reach the `allow` starting point of the aggregation below.
  if (steps.length === 0) {
    throw new GaitError("invalid_input", "normalize intent: script.steps must not be empty");
  }
  const results: TierResult[] = steps.map((step) =>
    evaluateTiers(cp, {
      toolName: step.tool_name,
      targets: step.targets,
      provenance: step.arg_provenance,
      context: contextFor(intent.context, step.tool_name, options.wrkrInventory),
      delegation: intent.delegation,
      skill: intent.skill_provenance,
    }, clock)
  );
  let verdict: Verdict = "allow";
  let minApprovals = 0;
  let distinct = false;
  let requireDelegation = false;
  let requireBroker = false;
  let brokerReference = "";
  let rateLimit: RateLimitPolicy | null = null;
  let destructiveBudget: RateLimitPolicy | null = null;
  let freeze: FreezeWindowDecision | null = null;
  let sandbox: SandboxDecision | null = null;
  const stepVerdicts: StepVerdict[] = [];
  const tierRules: CompiledRule[] = [];
  const matched: string[] = [];
  const risks = new Set<string>();
  let composite: "low" | "medium" | "high" = "low";
  results.forEach((tr, i) => {
    const step = steps[i]!;
    stepVerdicts.push({
      index: i,
      tool_name: step.tool_name,
      verdict: tr.verdict,
      reason_codes: tr.reasons,
      violations: tr.violations,
      matched_rule: tr.matchedRule,
    });
    if (RANK[tr.verdict] > RANK[verdict]) verdict = tr.verdict;
    if (tr.minApprovals > minApprovals) minApprovals = tr.minApprovals;
    distinct ||= tr.distinct;
    requireDelegation ||= tr.requireDelegation;
    requireBroker ||= tr.requireBroker;
    if (brokerReference === "" && tr.brokerReferences.length > 0) {
      brokerReference = tr.brokerReferences.join(",");
    }
    rateLimit = pickRate(rateLimit, tr.rateLimit);
    destructiveBudget = pickRate(destructiveBudget, tr.destructiveBudget);
    if (tr.freeze !== null && (freeze === null || betterFreeze(tr.freeze, freeze))) {
      freeze = tr.freeze;
    }
    if (tr.sandbox !== null && (sandbox === null || betterSandbox(tr.sandbox, sandbox))) {
      sandbox = tr.sandbox;
    }
    tierRules.push(...tr.tierRules);
    if (tr.matchedRule !== "") matched.push(tr.matchedRule);
    const risk = stepRisk(step.targets);
    risks.add(risk);
    if (RISK_RANK[risk] > RISK_RANK[composite]) composite = risk;
  });
  const extraReasons: string[] = [];
  const extraViolations: string[] = [];
  const scripts = cp.policy.scripts;
  const maxSteps = scripts.max_steps > 0 ? scripts.max_steps : 64;
  if (steps.length > maxSteps) {
    verdict = "block";
    extraReasons.push("script_max_steps_exceeded");
    extraViolations.push("script_max_steps_exceeded");
  }
  if (scripts.require_approval_above > 0 && steps.length > scripts.require_approval_above) {
    verdict = mostRestrictiveVerdict(verdict, "require_approval");
    extraReasons.push("script_step_threshold_approval");
    if (minApprovals < 1) minApprovals = 1;
  }
  if (scripts.block_mixed_risk && risks.size > 1) {
    verdict = "block";
    extraReasons.push("script_mixed_risk_blocked");
    extraViolations.push("script_mixed_risk");
  }
  if (verdict !== "require_approval") {
    minApprovals = 0;
    distinct = false;
  }
  const reasons = mergeSorted(extraReasons, ...results.map((r) => r.reasons));
  const violations = mergeSorted(extraViolations, ...results.map((r) => r.violations));
  const out = emptyOutcome(intent, producerVersion, verdict, reasons, violations, "script");
  out.matched_rule = sortUnique(matched).join(",");
  out.matched_rules = policyOrder(tierRules);
  out.min_approvals = minApprovals;
  out.require_distinct_approvers = distinct;
  out.require_delegation = requireDelegation;
  out.required_delegation_scopes = mergeSorted(...results.map((r) => r.delegationScopes));
  out.require_broker_credential = requireBroker;
  out.broker_reference = brokerReference;
  out.broker_scopes = mergeSorted(...results.map((r) => r.brokerScopes));
  out.rate_limit = rateLimit;
  out.destructive_budget = destructiveBudget;
  out.freeze_window = freeze;
  out.sandbox = sandbox;
  out.composite_risk_class = composite;
  out.step_verdicts = stepVerdicts;
  return out;
}

function applyKillSwitch(out: GateOutcome, decision: KillSwitchDecision): void {
  out.kill_switch = decision;
  if (decision.status !== "active") return;
  out.verdict = "block";
  out.reason_codes = mergeSorted(out.reason_codes, decision.reason_codes);
  out.violations = mergeSorted(out.violations, ["kill_switch_active"]);
  out.min_approvals = 0;
  out.require_distinct_approvers = false;
}

/**
 * Evaluates a prepared intent against a policy (spec 02 §3): fail-closed
 * checks (including the always-on `fail_closed_endpoint_class_unknown`), the
 * kill-switch-unavailable stop, script or single-intent tier evaluation, and
 * the kill-switch overlay. Rate limits are returned, not enforced. Throws
 * (never allows) on any internal error; a bad `evaluationTime` is
 * `GaitError` `invalid_input`.
 *
 * @example
 * ```ts
 * import { normalizeIntent, parsePolicyYaml, prepareIntent } from "./mod.ts";
 * const policy = parsePolicyYaml(
 *   "default_verdict: block\nrules:\n  - {name: allow-read, effect: allow, match: {tool_names: [tool.read]}}\n",
 * );
 * const now = "2026-02-18T00:00:00Z";
 * const intent = prepareIntent(
 *   normalizeIntent({
 *     tool_name: "tool.read",
 *     targets: [{ kind: "path", value: "/repo/a", operation: "read" }],
 *     context: { identity: "alice", workspace: "/repo", risk_class: "low" },
 *   }),
 *   { evaluationTime: now },
 * );
 * evaluatePolicy(policy, intent, { evaluationTime: now }).verdict; // "allow"
 * ```
 */
export function evaluatePolicy(
  policy: Policy,
  prepared: NormalizedIntent,
  options: EvaluateOptions,
): GateOutcome {
  const cp = compilePolicy(policy);
  const producerVersion = options.producerVersion || "0.0.0-dev";
  const clock = new Clock(parseEvaluationTime(options.evaluationTime));

  const [fcReasons, fcViolations] = failClosedCodes(cp, prepared);
  if (fcReasons.length > 0) {
    return emptyOutcome(
      prepared,
      producerVersion,
      "block",
      sortUnique(fcReasons),
      sortUnique(fcViolations),
      "fail_closed",
    );
  }

  const ks = options.killSwitch;
  if (ks !== undefined && "unavailable" in ks) {
    const codes = ["kill_switch_state_unavailable"];
    const out = emptyOutcome(
      prepared,
      producerVersion,
      "block",
      codes,
      codes.slice(),
      "kill_switch_unavailable",
    );
    out.kill_switch = {
      status: "unavailable",
      reason_code: "kill_switch_state_unavailable",
      reason_codes: codes.slice(),
      matched_entry_ids: [],
      evaluated_at: clock.text(),
    };
    return out;
  }

  let out: GateOutcome;
  if (prepared.script) {
    out = evaluateScript(cp, prepared, options, producerVersion, clock);
  } else {
    const subject: Subject = {
      toolName: prepared.tool_name,
      targets: prepared.targets,
      provenance: prepared.arg_provenance,
      context: contextFor(prepared.context, prepared.tool_name, options.wrkrInventory),
      delegation: prepared.delegation,
      skill: prepared.skill_provenance,
    };
    out = outcomeFromTier(prepared, producerVersion, evaluateTiers(cp, subject, clock));
  }
  if (ks !== undefined && "decision" in ks) applyKillSwitch(out, ks.decision);
  out.result = gateResult(prepared, producerVersion, out.verdict, out.reason_codes, out.violations);
  return out;
}

/**
 * The outcome when the raw intent normalizes but preparation fails and
 * fail-closed covers its risk class (spec 02 §3.1 step 1): `block`,
 * `[fail_closed_intent_invalid]`, `[intent_not_evaluable]`. Returns null when
 * fail-closed does not cover the risk class (the caller reports the error).
 *
 * @example
 * ```ts
 * import { normalizeIntent, parsePolicyYaml } from "./mod.ts";
 * const policy = parsePolicyYaml("fail_closed:\n  enabled: true\n");
 * const raw = normalizeIntent({
 *   tool_name: "tool.read",
 *   context: { identity: "alice", workspace: "/repo", risk_class: "high" },
 * });
 * intentInvalidOutcome(policy, raw, {})?.reason_codes; // ["fail_closed_intent_invalid"]
 * ```
 */
export function intentInvalidOutcome(
  policy: Policy,
  intent: NormalizedIntent,
  options: Pick<EvaluateOptions, "producerVersion">,
): GateOutcome | null {
  const cp = compilePolicy(policy);
  if (cp.failClosedRiskClasses === null) return null;
  if (!cp.failClosedRiskClasses.has(goLower(goTrim(intent.context.risk_class)))) return null;
  return emptyOutcome(
    intent,
    options.producerVersion || "0.0.0-dev",
    "block",
    ["fail_closed_intent_invalid"],
    ["intent_not_evaluable"],
    "intent_invalid",
  );
}
