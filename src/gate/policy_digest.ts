/**
 * `policy_digest` (spec 02 §2.5): the digest of the normalized policy rendered
 * with Go's PascalCase field names and presence rules.
 *
 * @module
 */

import { digestJson } from "../core/digest.ts";
import type { Policy, PolicyMatch, PolicyRule, RateLimitPolicy } from "./policy_types.ts";

type Obj = Record<string, unknown>;

function opt(o: Obj, key: string, value: unknown): void {
  if (Array.isArray(value) ? value.length > 0 : value !== "" && value !== false && value !== 0) {
    o[key] = value;
  }
}

function matchObject(m: PolicyMatch): Obj {
  const o: Obj = {
    ToolNames: m.tool_names,
    RiskClasses: m.risk_classes,
    TargetKinds: m.target_kinds,
    TargetValues: m.target_values,
    ProvenanceSources: m.provenance_sources,
    Identities: m.identities,
    WorkspacePrefixes: m.workspace_prefixes,
  };
  opt(o, "EndpointClasses", m.endpoint_classes);
  opt(o, "DiscoveryMethods", m.discovery_methods);
  if (m.tool_annotations) {
    const ta: Obj = {};
    const a = m.tool_annotations;
    if (a.readOnlyHint !== undefined) ta.ReadOnlyHint = a.readOnlyHint;
    if (a.destructiveHint !== undefined) ta.DestructiveHint = a.destructiveHint;
    if (a.idempotentHint !== undefined) ta.IdempotentHint = a.idempotentHint;
    if (a.openWorldHint !== undefined) ta.OpenWorldHint = a.openWorldHint;
    if (Object.keys(ta).length > 0) o.ToolAnnotations = ta;
  }
  opt(o, "SkillPublishers", m.skill_publishers);
  opt(o, "SkillSources", m.skill_sources);
  opt(o, "DataClasses", m.data_classes);
  opt(o, "DestinationKinds", m.destination_kinds);
  opt(o, "DestinationValues", m.destination_values);
  opt(o, "DestinationOps", m.destination_operations);
  opt(o, "ContextToolNames", m.context_tool_names);
  opt(o, "ContextDataClasses", m.context_data_classes);
  opt(o, "ContextEndpointClasses", m.context_endpoint_classes);
  opt(o, "ContextAutonomyLevels", m.context_autonomy_levels);
  opt(o, "RequireDelegation", m.require_delegation);
  opt(o, "AllowedDelegatorIdentities", m.allowed_delegator_identities);
  opt(o, "AllowedDelegateIdentities", m.allowed_delegate_identities);
  opt(o, "DelegationScopes", m.delegation_scopes);
  if (m.max_delegation_depth !== null) o.MaxDelegationDepth = m.max_delegation_depth;
  return o;
}

function rateObject(r: RateLimitPolicy): Obj {
  return { Requests: r.requests, Window: r.window, Scope: r.scope };
}

function ruleObject(r: PolicyRule): Obj {
  const o: Obj = {
    Name: r.name,
    Priority: r.priority,
    Effect: r.effect,
    ReasonCodes: r.reason_codes,
    Violations: r.violations,
    Match: matchObject(r.match),
  };
  opt(o, "MinApprovals", r.min_approvals);
  opt(o, "RequireDeclaredAgent", r.require_declared_agent);
  opt(o, "AllowedAgentIDs", r.allowed_agent_ids);
  opt(o, "DeniedAgentIDs", r.denied_agent_ids);
  opt(o, "RequiredAgentManifestDigest", r.required_agent_manifest_digest);
  opt(o, "AllowedAgentManifestPublishers", r.allowed_agent_manifest_publishers);
  opt(o, "AllowedAgentManifestSources", r.allowed_agent_manifest_sources);
  opt(o, "RequiredAgentLifecycleStates", r.required_agent_lifecycle_states);
  opt(o, "RequireAgentOwner", r.require_agent_owner);
  opt(o, "RequireUnexpiredAgent", r.require_unexpired_agent);
  opt(o, "BlockStandingCredentials", r.block_standing_credentials);
  opt(o, "AllowedCredentialSources", r.allowed_credential_sources);
  opt(o, "AllowedCredentialIssuers", r.allowed_credential_issuers);
  opt(o, "AllowedCredentialAccessTypes", r.allowed_credential_access_types);
  opt(o, "MaxCredentialTTLSeconds", r.max_credential_ttl_seconds);
  opt(o, "RequireJITCredential", r.require_jit_credential);
  opt(o, "RequireDistinctApprovers", r.require_distinct_approvers);
  opt(o, "RequireContextEvidence", r.require_context_evidence);
  opt(o, "RequiredContextEvidenceMode", r.required_context_evidence_mode);
  opt(o, "MaxContextAgeSeconds", r.max_context_age_seconds);
  opt(o, "RequireBrokerCredential", r.require_broker_credential);
  opt(o, "BrokerReference", r.broker_reference);
  opt(o, "BrokerScopes", r.broker_scopes);
  const fw = r.freeze_window;
  if (fw.enabled) {
    o.FreezeWindow = {
      Enabled: fw.enabled,
      Timezone: fw.timezone,
      Effect: fw.effect,
      Reason: fw.reason,
      Environments: fw.environments,
      RiskClasses: fw.risk_classes,
      Windows: fw.windows.map((w) => ({ Name: w.name, Start: w.start, End: w.end })),
    };
  }
  const sb = r.sandbox;
  if (sb.enabled) {
    o.Sandbox = {
      Enabled: sb.enabled,
      AllowedNetworkModes: sb.allowed_network_modes,
      AllowedWritablePathPrefixes: sb.allowed_writable_path_prefixes.length > 0
        ? sb.allowed_writable_path_prefixes
        : null,
      RequiredReadOnlyRoots: sb.required_read_only_roots.length > 0
        ? sb.required_read_only_roots
        : null,
      AllowedEnvExposureModes: sb.allowed_env_exposure_modes,
      MaxTimeoutSeconds: sb.max_timeout_seconds,
      AllowedFilesystemIsolations: sb.allowed_filesystem_isolations,
      AllowedUserModes: sb.allowed_user_modes,
    };
  }
  if (r.rate_limit.requests > 0) o.RateLimit = rateObject(r.rate_limit);
  if (r.destructive_budget.requests > 0) o.DestructiveBudget = rateObject(r.destructive_budget);
  const df = r.dataflow;
  if (df.enabled) {
    const d: Obj = {
      Enabled: df.enabled,
      TaintedSources: df.tainted_sources,
      Action: df.action,
      ReasonCode: df.reason_code,
      Violation: df.violation,
    };
    opt(d, "DestinationKinds", df.destination_kinds);
    opt(d, "DestinationValues", df.destination_values);
    opt(d, "DestinationOperations", df.destination_operations);
    o.Dataflow = d;
  }
  const ep = r.endpoint;
  if (ep.enabled) {
    o.Endpoint = {
      Enabled: ep.enabled,
      PathAllowlist: ep.path_allowlist,
      PathDenylist: ep.path_denylist,
      DomainAllowlist: ep.domain_allowlist,
      DomainDenylist: ep.domain_denylist,
      EgressClasses: ep.egress_classes,
      Action: ep.action,
      DestructiveAction: ep.destructive_action,
      ReasonCode: ep.reason_code,
      Violation: ep.violation,
    };
  }
  return o;
}

/**
 * The PascalCase object `P` whose digest is `policy_digest` (spec 02 §2.5).
 *
 * @example
 * ```ts
 * import { parsePolicyYaml } from "./mod.ts";
 * policyDigestObject(parsePolicyYaml("default_verdict: allow\n")).DefaultVerdict; // "allow"
 * ```
 */
export function policyDigestObject(policy: Policy): Record<string, unknown> {
  const fc = policy.fail_closed;
  const failClosed: Obj = {
    Enabled: fc.enabled,
    RiskClasses: fc.risk_classes,
    RequiredFields: fc.required_fields,
  };
  opt(failClosed, "RequiredHighRiskFields", fc.required_high_risk_fields);
  const p: Obj = {
    SchemaID: policy.schema_id,
    SchemaVersion: policy.schema_version,
    DefaultVerdict: policy.default_verdict,
    FailClosed: failClosed,
    Rules: policy.rules.map(ruleObject),
  };
  const s = policy.scripts;
  if (s.max_steps !== 0 || s.require_approval_above !== 0 || s.block_mixed_risk) {
    p.Scripts = {
      MaxSteps: s.max_steps,
      RequireApprovalAbove: s.require_approval_above,
      BlockMixedRisk: s.block_mixed_risk,
    };
  }
  const m = policy.mcp_trust;
  if (m.enabled) {
    p.MCPTrust = {
      Enabled: m.enabled,
      SnapshotPath: m.snapshot,
      Action: m.action,
      RequiredRiskClasses: m.required_risk_classes,
      MinScore: m.min_score,
      MaxAge: m.max_age,
      PublisherAllowlist: m.publisher_allowlist,
      RequireRegistry: m.require_registry,
    };
  }
  return p;
}

/**
 * `policy_digest` = digest of {@link policyDigestObject}.
 *
 * @example
 * ```ts
 * import { parsePolicyYaml } from "./mod.ts";
 * policyDigest(parsePolicyYaml("default_verdict: require_approval\n"));
 * // "07a528a879e4f0e0cd5a0e2ca801924746b47dac624862207ef21d4ec266f8f9"
 * ```
 */
export function policyDigest(policy: Policy): string {
  return digestJson(policyDigestObject(policy));
}
