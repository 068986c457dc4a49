/**
 * The normalized gate policy (spec 02 §2): defaults applied, lists normalized,
 * aliases merged, rules sorted by priority then name. Policies returned by
 * `parsePolicyYaml` are deeply frozen; treat them as immutable.
 *
 * @module
 */

/** A verdict, least to most restrictive: allow < dry_run < require_approval < block. */
export type Verdict = "allow" | "dry_run" | "require_approval" | "block";

/** Verdicts in restrictiveness order. */
export const VERDICTS: readonly Verdict[] = ["allow", "dry_run", "require_approval", "block"];

/** `scripts` settings. `max_steps` 0 means the built-in limit of 64. */
export interface ScriptPolicy {
  max_steps: number;
  require_approval_above: number;
  block_mixed_risk: boolean;
}

/** `fail_closed` settings. */
export interface FailClosedPolicy {
  enabled: boolean;
  risk_classes: string[];
  required_fields: string[];
  required_high_risk_fields: string[];
}

/** `mcp_trust` settings (digested; enforced only by the MCP proxy/serve paths). */
export interface McpTrustPolicy {
  enabled: boolean;
  snapshot: string;
  action: string;
  required_risk_classes: string[];
  min_score: number;
  /** Go-rendered duration (`24h0m0s`), or "" when unset. */
  max_age: string;
  publisher_allowlist: string[];
  require_registry: boolean;
}

/** MCP tool annotation hints (tri-state: undefined = not set). */
export interface ToolAnnotationMatch {
  readOnlyHint?: boolean;
  destructiveHint?: boolean;
  idempotentHint?: boolean;
  openWorldHint?: boolean;
}

/** A rule's `match` block with aliases merged. */
export interface PolicyMatch {
  tool_names: string[];
  risk_classes: string[];
  target_kinds: string[];
  target_values: string[];
  provenance_sources: string[];
  identities: string[];
  workspace_prefixes: string[];
  endpoint_classes: string[];
  discovery_methods: string[];
  tool_annotations?: ToolAnnotationMatch;
  skill_publishers: string[];
  skill_sources: string[];
  data_classes: string[];
  destination_kinds: string[];
  destination_values: string[];
  destination_operations: string[];
  context_tool_names: string[];
  context_data_classes: string[];
  context_endpoint_classes: string[];
  context_autonomy_levels: string[];
  require_delegation: boolean;
  allowed_delegator_identities: string[];
  allowed_delegate_identities: string[];
  delegation_scopes: string[];
  /** null when unset (0 is a real limit). */
  max_delegation_depth: number | null;
}

/** One freeze window, times local to the block's timezone (`YYYY-MM-DDTHH:MM:SS`). */
export interface FreezeWindowSpec {
  name: string;
  start: string;
  end: string;
}

/** A rule's `freeze_window` block. */
export interface FreezeWindowPolicy {
  enabled: boolean;
  timezone: string;
  effect: "block" | "require_approval";
  reason: string;
  environments: string[];
  risk_classes: string[];
  windows: FreezeWindowSpec[];
}

/** A rule's `sandbox` block. */
export interface SandboxPolicy {
  enabled: boolean;
  allowed_network_modes: string[];
  allowed_writable_path_prefixes: string[];
  required_read_only_roots: string[];
  allowed_env_exposure_modes: string[];
  max_timeout_seconds: number;
  allowed_filesystem_isolations: string[];
  allowed_user_modes: string[];
}

/** A `rate_limit` or `destructive_budget` block (inert when `requests` is 0). */
export interface RateLimitPolicy {
  requests: number;
  window: "minute" | "hour";
  scope: "tool" | "identity" | "tool_identity";
}

/** A rule's `dataflow` block. */
export interface DataflowPolicy {
  enabled: boolean;
  tainted_sources: string[];
  destination_kinds: string[];
  destination_values: string[];
  destination_operations: string[];
  action: "block" | "require_approval";
  reason_code: string;
  violation: string;
}

/** A rule's `endpoint` block. */
export interface EndpointPolicy {
  enabled: boolean;
  path_allowlist: string[];
  path_denylist: string[];
  domain_allowlist: string[];
  domain_denylist: string[];
  egress_classes: string[];
  action: "block" | "require_approval";
  destructive_action: "" | "block" | "require_approval";
  reason_code: string;
  violation: string;
}

/** One normalized rule. */
export interface PolicyRule {
  name: string;
  priority: number;
  effect: Verdict;
  match: PolicyMatch;
  reason_codes: string[];
  violations: string[];
  min_approvals: number;
  require_distinct_approvers: boolean;
  require_declared_agent: boolean;
  allowed_agent_ids: string[];
  denied_agent_ids: string[];
  required_agent_manifest_digest: string;
  allowed_agent_manifest_publishers: string[];
  allowed_agent_manifest_sources: string[];
  required_agent_lifecycle_states: string[];
  require_agent_owner: boolean;
  require_unexpired_agent: boolean;
  block_standing_credentials: boolean;
  allowed_credential_sources: string[];
  allowed_credential_issuers: string[];
  allowed_credential_access_types: string[];
  max_credential_ttl_seconds: number;
  require_jit_credential: boolean;
  require_context_evidence: boolean;
  required_context_evidence_mode: "" | "required";
  max_context_age_seconds: number;
  require_broker_credential: boolean;
  broker_reference: string;
  broker_scopes: string[];
  freeze_window: FreezeWindowPolicy;
  sandbox: SandboxPolicy;
  rate_limit: RateLimitPolicy;
  destructive_budget: RateLimitPolicy;
  dataflow: DataflowPolicy;
  endpoint: EndpointPolicy;
}

/** A normalized policy. */
export interface Policy {
  schema_id: string;
  schema_version: string;
  default_verdict: Verdict;
  scripts: ScriptPolicy;
  fail_closed: FailClosedPolicy;
  mcp_trust: McpTrustPolicy;
  rules: PolicyRule[];
}
