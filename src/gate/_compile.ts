/**
 * A policy precompiled for the hot path: sets instead of lists, compiled
 * globs, freeze windows converted to UTC instants once, default reason codes
 * computed once. Compiled lazily on first evaluation and cached per policy
 * object (policies are immutable).
 *
 * @module
 */

import { goJson } from "../core/go_json.ts";
import { compileGoGlob } from "./_go_path.ts";
import { compareInstants, type Instant, wallClockToInstant, zoneFormatter } from "./_timezone.ts";
import { goLower } from "./_text.ts";
import type {
  DataflowPolicy,
  EndpointPolicy,
  FreezeWindowPolicy,
  Policy,
  PolicyRule,
  SandboxPolicy,
} from "./policy_types.ts";

type StrSet = ReadonlySet<string> | null;

/** A compiled path or domain pattern. */
export interface CompiledPattern {
  readonly exact: string;
  /** For `p/**` path patterns: `p`; for `*.x.y` domain patterns: `.x.y`. */
  readonly prefix: string | null;
  /** The glob, or null when malformed (never matches) or when `prefix` applies. */
  readonly glob: RegExp | null;
}

/** A compiled freeze window. */
export interface CompiledWindow {
  readonly name: string;
  readonly start: Instant | null;
  readonly end: Instant | null;
  /** Unparsable or end ≤ start. */
  readonly invalid: boolean;
}

/** A compiled freeze-window block. */
export interface CompiledFreeze {
  readonly policy: FreezeWindowPolicy;
  readonly environments: StrSet;
  readonly riskClasses: StrSet;
  readonly timezoneValid: boolean;
  readonly anyWindowInvalid: boolean;
  readonly windows: readonly CompiledWindow[];
}

/** A compiled endpoint block. */
export interface CompiledEndpoint {
  readonly policy: EndpointPolicy;
  readonly pathAllow: readonly CompiledPattern[];
  readonly pathDeny: readonly CompiledPattern[];
  readonly domainAllow: readonly CompiledPattern[];
  readonly domainDeny: readonly CompiledPattern[];
  readonly egress: StrSet;
}

/** A compiled dataflow block. */
export interface CompiledDataflow {
  readonly policy: DataflowPolicy;
  readonly tainted: ReadonlySet<string>;
  readonly kinds: StrSet;
  readonly values: StrSet;
  readonly operations: StrSet;
}

/** A compiled delegation selector group. */
export interface CompiledDelegationMatch {
  readonly maxDepth: number | null;
  readonly delegators: StrSet;
  readonly delegates: StrSet;
  readonly scopes: StrSet;
}

/** A compiled rule. */
export interface CompiledRule {
  readonly rule: PolicyRule;
  /** Position in the sorted rule list. */
  readonly index: number;
  readonly toolNames: StrSet;
  readonly riskClasses: StrSet;
  readonly identities: StrSet;
  readonly workspacePrefixes: readonly string[] | null;
  readonly targetKinds: StrSet;
  readonly targetValues: StrSet;
  readonly destinationKinds: StrSet;
  readonly destinationValues: StrSet;
  readonly endpointClasses: StrSet;
  readonly discoveryMethods: StrSet;
  readonly destinationOperations: StrSet;
  readonly dataClasses: StrSet;
  readonly annotations: readonly (readonly [HintField, boolean])[] | null;
  readonly skillPublishers: StrSet;
  readonly skillSources: StrSet;
  readonly provenanceSources: StrSet;
  readonly contextToolNames: StrSet;
  readonly contextDataClasses: StrSet;
  readonly contextEndpointClasses: StrSet;
  readonly contextAutonomyLevels: StrSet;
  readonly delegation: CompiledDelegationMatch | null;
  /** Reason codes a match starts with: the rule's, or `matched_rule_<name>`. */
  readonly baseReasons: readonly string[];
  readonly dataflow: CompiledDataflow | null;
  readonly endpoint: CompiledEndpoint | null;
  readonly contextCheck: boolean;
  readonly agentCheck: boolean;
  readonly agentAllowed: StrSet;
  readonly agentDenied: StrSet;
  readonly agentPublishers: StrSet;
  readonly agentSources: StrSet;
  readonly credentialCheck: boolean;
  readonly credentialSources: StrSet;
  readonly credentialIssuers: StrSet;
  readonly credentialAccessTypes: StrSet;
  readonly freeze: CompiledFreeze | null;
  readonly sandbox: SandboxPolicy | null;
  readonly sandboxNetwork: StrSet;
  readonly sandboxEnv: StrSet;
  readonly sandboxFs: StrSet;
  readonly sandboxUser: StrSet;
}

/** Target hint fields matched by `tool_annotations`. */
export type HintField =
  | "read_only_hint"
  | "destructive_hint"
  | "idempotent_hint"
  | "open_world_hint";

/** A compiled policy. */
export interface CompiledPolicy {
  readonly policy: Policy;
  readonly rules: readonly CompiledRule[];
  readonly failClosedRiskClasses: StrSet;
  readonly defaultReasons: readonly string[];
}

function set(list: readonly string[]): StrSet {
  return list.length > 0 ? new Set(list) : null;
}

/**
 * `matched_rule_` + the rule name JSON-escaped (Go style), quotes stripped,
 * spaces and `-` → `_`, lower-cased.
 */
export function sanitizeRuleName(name: string): string {
  let s = goJson(name);
  let start = 0;
  let end = s.length;
  while (start < end && s[start] === '"') start++;
  while (end > start && s[end - 1] === '"') end--;
  s = s.slice(start, end);
  return goLower(s.replaceAll(" ", "_").replaceAll("-", "_"));
}

function compilePathPattern(p: string): CompiledPattern {
  if (p.endsWith("/**")) return { exact: p, prefix: p.slice(0, -3), glob: null };
  return { exact: p, prefix: null, glob: compileGoGlob(p) };
}

function compileDomainPattern(p: string): CompiledPattern {
  if (p.startsWith("*.") && p.length > 2) return { exact: p, prefix: p.slice(1), glob: null };
  return { exact: p, prefix: null, glob: compileGoGlob(p) };
}

function compileFreeze(fw: FreezeWindowPolicy): CompiledFreeze {
  const fmt = zoneFormatter(fw.timezone);
  let anyInvalid = false;
  const windows = fw.windows.map((w) => {
    if (!fmt) return { name: w.name, start: null, end: null, invalid: true };
    const start = wallClockToInstant(w.start, fmt);
    const end = wallClockToInstant(w.end, fmt);
    const invalid = start === null || end === null || compareInstants(end, start) <= 0;
    if (invalid) anyInvalid = true;
    return { name: w.name, start, end, invalid };
  });
  return {
    policy: fw,
    environments: set(fw.environments),
    riskClasses: set(fw.risk_classes),
    timezoneValid: fmt !== null,
    anyWindowInvalid: anyInvalid,
    windows,
  };
}

function compileRule(rule: PolicyRule, index: number): CompiledRule {
  const m = rule.match;
  const annotations: [HintField, boolean][] = [];
  const ta = m.tool_annotations;
  if (ta) {
    if (ta.readOnlyHint !== undefined) annotations.push(["read_only_hint", ta.readOnlyHint]);
    if (ta.destructiveHint !== undefined) {
      annotations.push(["destructive_hint", ta.destructiveHint]);
    }
    if (ta.idempotentHint !== undefined) annotations.push(["idempotent_hint", ta.idempotentHint]);
    if (ta.openWorldHint !== undefined) annotations.push(["open_world_hint", ta.openWorldHint]);
  }
  const delegationSet = m.require_delegation || m.allowed_delegator_identities.length > 0 ||
    m.allowed_delegate_identities.length > 0 || m.delegation_scopes.length > 0 ||
    m.max_delegation_depth !== null;
  const df = rule.dataflow;
  const ep = rule.endpoint;
  let freeze: CompiledFreeze | undefined;
  return {
    rule,
    index,
    toolNames: set(m.tool_names),
    riskClasses: set(m.risk_classes),
    identities: set(m.identities),
    workspacePrefixes: m.workspace_prefixes.length > 0 ? m.workspace_prefixes : null,
    targetKinds: set(m.target_kinds),
    targetValues: set(m.target_values),
    destinationKinds: set(m.destination_kinds),
    destinationValues: set(m.destination_values),
    endpointClasses: set(m.endpoint_classes),
    discoveryMethods: set(m.discovery_methods),
    destinationOperations: set(m.destination_operations),
    dataClasses: set(m.data_classes),
    annotations: annotations.length > 0 ? annotations : null,
    skillPublishers: set(m.skill_publishers),
    skillSources: set(m.skill_sources),
    provenanceSources: set(m.provenance_sources),
    contextToolNames: set(m.context_tool_names),
    contextDataClasses: set(m.context_data_classes),
    contextEndpointClasses: set(m.context_endpoint_classes),
    contextAutonomyLevels: set(m.context_autonomy_levels),
    delegation: delegationSet
      ? {
        maxDepth: m.max_delegation_depth,
        delegators: set(m.allowed_delegator_identities),
        delegates: set(m.allowed_delegate_identities),
        scopes: set(m.delegation_scopes),
      }
      : null,
    baseReasons: rule.reason_codes.length > 0
      ? rule.reason_codes
      : ["matched_rule_" + sanitizeRuleName(rule.name)],
    dataflow: df.enabled
      ? {
        policy: df,
        tainted: new Set(df.tainted_sources),
        kinds: set(df.destination_kinds),
        values: set(df.destination_values),
        operations: set(df.destination_operations),
      }
      : null,
    endpoint: ep.enabled
      ? {
        policy: ep,
        pathAllow: ep.path_allowlist.map(compilePathPattern),
        pathDeny: ep.path_denylist.map(compilePathPattern),
        domainAllow: ep.domain_allowlist.map(compileDomainPattern),
        domainDeny: ep.domain_denylist.map(compileDomainPattern),
        egress: set(ep.egress_classes),
      }
      : null,
    contextCheck: rule.require_context_evidence || rule.required_context_evidence_mode !== "" ||
      rule.max_context_age_seconds > 0,
    agentCheck: rule.require_declared_agent || rule.allowed_agent_ids.length > 0 ||
      rule.denied_agent_ids.length > 0 || rule.required_agent_manifest_digest !== "" ||
      rule.allowed_agent_manifest_publishers.length > 0 ||
      rule.allowed_agent_manifest_sources.length > 0 ||
      rule.required_agent_lifecycle_states.length > 0 || rule.require_agent_owner ||
      rule.require_unexpired_agent,
    agentAllowed: set(rule.allowed_agent_ids),
    agentDenied: set(rule.denied_agent_ids),
    agentPublishers: set(rule.allowed_agent_manifest_publishers),
    agentSources: set(rule.allowed_agent_manifest_sources),
    credentialCheck: rule.block_standing_credentials ||
      rule.allowed_credential_sources.length > 0 || rule.allowed_credential_issuers.length > 0 ||
      rule.allowed_credential_access_types.length > 0 || rule.max_credential_ttl_seconds > 0 ||
      rule.require_jit_credential,
    credentialSources: set(rule.allowed_credential_sources),
    credentialIssuers: set(rule.allowed_credential_issuers),
    credentialAccessTypes: set(rule.allowed_credential_access_types),
    // Compiled on first use: resolving an IANA zone loads ICU data (tens of
    // milliseconds), which only a rule that actually matches should pay for.
    get freeze(): CompiledFreeze | null {
      if (!rule.freeze_window.enabled) return null;
      freeze ??= compileFreeze(rule.freeze_window);
      return freeze;
    },
    sandbox: rule.sandbox.enabled ? rule.sandbox : null,
    sandboxNetwork: set(rule.sandbox.allowed_network_modes),
    sandboxEnv: set(rule.sandbox.allowed_env_exposure_modes),
    sandboxFs: set(rule.sandbox.allowed_filesystem_isolations),
    sandboxUser: set(rule.sandbox.allowed_user_modes),
  };
}

const cache = new WeakMap<Policy, CompiledPolicy>();

/** Compiles a policy (cached per policy object). */
export function compilePolicy(policy: Policy): CompiledPolicy {
  let compiled = cache.get(policy);
  if (!compiled) {
    compiled = {
      policy,
      rules: policy.rules.map(compileRule),
      failClosedRiskClasses: policy.fail_closed.enabled
        ? set(policy.fail_closed.risk_classes)
        : null,
      defaultReasons: [`default_${policy.default_verdict}`],
    };
    cache.set(policy, compiled);
  }
  return compiled;
}

/** True when a value matches a compiled path pattern (spec 02 §3.3 step 2). */
export function pathMatches(p: CompiledPattern, value: string): boolean {
  if (value === p.exact) return true;
  if (p.prefix !== null) return value === p.prefix || value.startsWith(p.prefix + "/");
  return p.glob !== null && p.glob.test(value);
}

/** True when a domain matches a compiled domain pattern. */
export function domainMatches(p: CompiledPattern, value: string): boolean {
  if (value === p.exact) return true;
  if (p.prefix !== null) return value.endsWith(p.prefix);
  return p.glob !== null && p.glob.test(value);
}
