/**
 * The normalized IntentRequest (spec 02 §1.1). Field names are the JSON names of
 * `schemas/v1/gate/intent_request.schema.json`, so a normalized intent is itself
 * a valid input to `normalizeIntent` (normalization is idempotent). Strings are
 * `""` when unset, lists `[]`, timestamps `"0001-01-01T00:00:00Z"`.
 *
 * @module
 */

import type { JsonObject, JsonValue } from "../core/json_value.ts";

/** Target kinds. */
export const TARGET_KINDS = [
  "path",
  "url",
  "host",
  "repo",
  "bucket",
  "table",
  "queue",
  "topic",
  "other",
] as const;
/** Endpoint classes. */
export const ENDPOINT_CLASSES = [
  "fs.read",
  "fs.write",
  "fs.delete",
  "proc.exec",
  "net.http",
  "net.dns",
  "ui.click",
  "ui.type",
  "ui.navigate",
  "other",
] as const;
/** Discovery methods. */
export const DISCOVERY_METHODS = [
  "webmcp",
  "dynamic_mcp",
  "a2a",
  "mcp",
  "static_mcp",
  "manual",
  "unknown",
] as const;
/** Argument provenance sources. */
export const PROVENANCE_SOURCES = ["user", "tool_output", "external", "system"] as const;
/** Credential sources. */
export const CREDENTIAL_SOURCES = [
  "aws_iam_user",
  "aws_sts",
  "azure_federated",
  "command",
  "env",
  "gcp_sts",
  "github_oidc",
  "github_pat",
  "kubernetes_service_account",
  "stub",
  "unknown",
  "vault_dynamic",
] as const;
/** Credential access types. */
export const CREDENTIAL_ACCESS_TYPES = [
  "cloud_admin",
  "inherited",
  "jit",
  "standing",
  "static",
  "unknown",
] as const;
/** Context evidence modes. */
export const CONTEXT_EVIDENCE_MODES = ["best_effort", "required"] as const;
/** Intent phases. */
export const PHASES = ["plan", "apply"] as const;
/** Sandbox network modes. */
export const SANDBOX_NETWORK_MODES = ["disabled", "egress_allowlist", "full"] as const;
/** Sandbox environment exposure modes. */
export const SANDBOX_ENV_EXPOSURE_MODES = ["allowlist", "full", "none"] as const;
/** Sandbox filesystem isolation modes. */
export const SANDBOX_FILESYSTEM_ISOLATIONS = ["container", "none", "workspace"] as const;
/** Sandbox user modes. */
export const SANDBOX_USER_MODES = ["default", "root", "unprivileged"] as const;

/** Maximum number of script steps. */
export const MAX_SCRIPT_STEPS = 64;

/** One normalized target. */
export interface IntentTarget {
  kind: string;
  value: string;
  operation: string;
  sensitivity: string;
  endpoint_class: string;
  endpoint_domain: string;
  destructive: boolean;
  discovery_method: string;
  read_only_hint: boolean;
  destructive_hint: boolean;
  idempotent_hint: boolean;
  open_world_hint: boolean;
}

/** One normalized argument provenance entry. */
export interface ArgProvenance {
  arg_path: string;
  source: string;
  source_ref: string;
  integrity_digest: string;
}

/** Normalized skill provenance. */
export interface SkillProvenance {
  skill_name: string;
  skill_version: string;
  source: string;
  publisher: string;
  digest: string;
  signature_key_id: string;
}

/** One normalized delegation link. */
export interface DelegationLink {
  delegator_identity: string;
  delegate_identity: string;
  scope_class: string;
  token_ref: string;
  issued_at: string;
  expires_at: string;
}

/** Normalized delegation. */
export interface Delegation {
  requester_identity: string;
  scope_class: string;
  token_refs: string[];
  issued_at: string;
  expires_at: string;
  chain: DelegationLink[];
}

/** Normalized agent identity. */
export interface AgentIdentity {
  lifecycle_states: string[];
  owner: string;
  manifest_digest: string;
  publisher: string;
  source: string;
  issued_at: string;
  approved_at: string;
  expires_at: string;
  revoked: boolean;
}

/** Normalized sandbox metadata. */
export interface SandboxContext {
  network_mode: string;
  writable_paths: string[];
  read_only_roots: string[];
  env_exposure_mode: string;
  timeout_seconds: number;
  filesystem_isolation: string;
  user_mode: string;
  evidence_ref: string;
  evidence_digest: string;
}

/** Normalized intent context. */
export interface IntentContext {
  identity: string;
  workspace: string;
  risk_class: string;
  phase: string;
  agent_id: string;
  agent_identity?: AgentIdentity;
  run_id: string;
  workflow_id: string;
  repo: string;
  environment: string;
  job_id: string;
  session_id: string;
  request_id: string;
  credential_ref: string;
  credential_source: string;
  credential_access_type: string;
  credential_issuer: string;
  credential_subject: string;
  credential_owner: string;
  credential_target_binding: string;
  credential_run_binding: string;
  credential_job_binding: string;
  credential_ttl_seconds: number;
  approval_ref: string;
  wrkr_inventory_ref: string;
  agent_action_bom_ref: string;
  sandbox?: SandboxContext;
  auth_context?: JsonObject;
  credential_scopes: string[];
  environment_fingerprint: string;
  context_set_digest: string;
  context_evidence_mode: string;
  context_refs: string[];
}

/** One normalized script step. */
export interface ScriptStep {
  tool_name: string;
  args: JsonObject;
  targets: IntentTarget[];
  arg_provenance: ArgProvenance[];
}

/** A normalized script. */
export interface IntentScript {
  steps: ScriptStep[];
}

/**
 * A normalized IntentRequest with its computed digests (`args_digest`,
 * `intent_digest`, `script_hash`; the latter `""` for single intents).
 */
export interface NormalizedIntent {
  schema_id: string;
  schema_version: string;
  created_at: string;
  producer_version: string;
  tool_name: string;
  args: JsonObject;
  args_digest: string;
  intent_digest: string;
  script_hash: string;
  script?: IntentScript;
  targets: IntentTarget[];
  arg_provenance: ArgProvenance[];
  skill_provenance?: SkillProvenance;
  delegation?: Delegation;
  relationship?: JsonValue;
  context: IntentContext;
}
