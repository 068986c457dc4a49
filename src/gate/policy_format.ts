/**
 * `gait policy fmt` (spec 02 §7.2): the normalized policy as YAML, 2-space
 * indented with a trailing newline. Aliases are merged, defaults made explicit
 * and lists normalized, so formatting is idempotent and keeps the
 * `policy_digest`. Keys that hold their zero value are left out, and a
 * `freeze_window`, `sandbox`, `dataflow` or `endpoint` block is printed only
 * when enabled (setting any of its fields would enable it on the next parse);
 * `rate_limit`/`destructive_budget` only when `requests > 0`.
 *
 * @module
 */

import type {
  DataflowPolicy,
  EndpointPolicy,
  FreezeWindowPolicy,
  Policy,
  PolicyMatch,
  PolicyRule,
  RateLimitPolicy,
  SandboxPolicy,
} from "./policy_types.ts";

type Scalar = string | number | boolean;
type Node = Scalar | readonly Scalar[] | Entries | readonly Entries[];
/** An ordered mapping. */
type Entries = [string, Node][];

const NULL_WORDS = new Set(["", "~", "null", "Null", "NULL"]);
const PLAIN = /^[A-Za-z0-9_./@$+=-]+$/;

function quote(s: string): string {
  if (PLAIN.test(s) && !NULL_WORDS.has(s) && !s.startsWith("-") && !s.startsWith("@")) return s;
  return JSON.stringify(s);
}

function scalar(v: Scalar): string {
  return typeof v === "string" ? quote(v) : String(v);
}

function isEntries(v: unknown): v is Entries {
  return Array.isArray(v) && v.length > 0 && Array.isArray(v[0]);
}

function emit(entries: Entries, indent: string, out: string[]): void {
  for (const [key, value] of entries) {
    if (Array.isArray(value) && value.length > 0 && isEntries(value[0])) {
      out.push(`${indent}${key}:`);
      for (const item of value as unknown as readonly Entries[]) {
        const lines: string[] = [];
        emit(item, `${indent}    `, lines);
        if (lines.length === 0) {
          out.push(`${indent}  - {}`);
          continue;
        }
        lines[0] = `${indent}  - ${lines[0]!.slice(indent.length + 4)}`;
        out.push(...lines);
      }
    } else if (isEntries(value)) {
      out.push(`${indent}${key}:`);
      emit(value, `${indent}  `, out);
    } else if (Array.isArray(value)) {
      out.push(`${indent}${key}: [${(value as Scalar[]).map(scalar).join(", ")}]`);
    } else {
      out.push(`${indent}${key}: ${scalar(value as Scalar)}`);
    }
  }
}

function put(e: Entries, key: string, v: Node | undefined): void {
  if (v === undefined || v === "" || v === false || v === 0) return;
  if (Array.isArray(v) && v.length === 0) return;
  e.push([key, v]);
}

function matchEntries(m: PolicyMatch): Entries {
  const e: Entries = [];
  put(e, "tool_names", m.tool_names);
  put(e, "risk_classes", m.risk_classes);
  put(e, "target_kinds", m.target_kinds);
  put(e, "target_values", m.target_values);
  put(e, "provenance_sources", m.provenance_sources);
  put(e, "identities", m.identities);
  put(e, "workspace_prefixes", m.workspace_prefixes);
  put(e, "endpoint_classes", m.endpoint_classes);
  put(e, "discovery_method", m.discovery_methods);
  if (m.tool_annotations) {
    const a: Entries = [];
    for (
      const k of ["readOnlyHint", "destructiveHint", "idempotentHint", "openWorldHint"] as const
    ) {
      const v = m.tool_annotations[k];
      if (v !== undefined) a.push([k, v]);
    }
    if (a.length > 0) e.push(["tool_annotations", a]);
  }
  put(e, "skill_publishers", m.skill_publishers);
  put(e, "skill_sources", m.skill_sources);
  put(e, "data_classes", m.data_classes);
  put(e, "destination_kinds", m.destination_kinds);
  put(e, "destination_values", m.destination_values);
  put(e, "destination_operations", m.destination_operations);
  put(e, "context_tool_names", m.context_tool_names);
  put(e, "context_data_classes", m.context_data_classes);
  put(e, "context_endpoint_classes", m.context_endpoint_classes);
  put(e, "context_autonomy_levels", m.context_autonomy_levels);
  put(e, "require_delegation", m.require_delegation);
  put(e, "allowed_delegator_identities", m.allowed_delegator_identities);
  put(e, "allowed_delegate_identities", m.allowed_delegate_identities);
  put(e, "delegation_scopes", m.delegation_scopes);
  if (m.max_delegation_depth !== null) e.push(["max_delegation_depth", m.max_delegation_depth]);
  return e;
}

function freezeEntries(f: FreezeWindowPolicy): Entries {
  const e: Entries = [["enabled", true]];
  put(e, "timezone", f.timezone);
  put(e, "effect", f.effect);
  put(e, "reason", f.reason);
  put(e, "environments", f.environments);
  put(e, "risk_classes", f.risk_classes);
  e.push([
    "windows",
    f.windows.map((w): Entries => [["name", w.name], ["start", w.start], ["end", w.end]]),
  ]);
  return e;
}

function sandboxEntries(s: SandboxPolicy): Entries {
  const e: Entries = [["enabled", true]];
  put(e, "allowed_network_modes", s.allowed_network_modes);
  put(e, "allowed_writable_path_prefixes", s.allowed_writable_path_prefixes);
  put(e, "required_read_only_roots", s.required_read_only_roots);
  put(e, "allowed_env_exposure_modes", s.allowed_env_exposure_modes);
  put(e, "max_timeout_seconds", s.max_timeout_seconds);
  put(e, "allowed_filesystem_isolations", s.allowed_filesystem_isolations);
  put(e, "allowed_user_modes", s.allowed_user_modes);
  return e;
}

function rateEntries(r: RateLimitPolicy): Entries {
  return [["requests", r.requests], ["window", r.window], ["scope", r.scope]];
}

function dataflowEntries(d: DataflowPolicy): Entries {
  const e: Entries = [["enabled", true]];
  put(e, "tainted_sources", d.tainted_sources);
  put(e, "destination_kinds", d.destination_kinds);
  put(e, "destination_values", d.destination_values);
  put(e, "destination_operations", d.destination_operations);
  put(e, "action", d.action);
  put(e, "reason_code", d.reason_code);
  put(e, "violation", d.violation);
  return e;
}

function endpointEntries(p: EndpointPolicy): Entries {
  const e: Entries = [["enabled", true]];
  put(e, "path_allowlist", p.path_allowlist);
  put(e, "path_denylist", p.path_denylist);
  put(e, "domain_allowlist", p.domain_allowlist);
  put(e, "domain_denylist", p.domain_denylist);
  put(e, "egress_classes", p.egress_classes);
  put(e, "action", p.action);
  put(e, "destructive_action", p.destructive_action);
  put(e, "reason_code", p.reason_code);
  put(e, "violation", p.violation);
  return e;
}

function ruleEntries(r: PolicyRule): Entries {
  const e: Entries = [["name", r.name], ["priority", r.priority], ["effect", r.effect]];
  const match = matchEntries(r.match);
  if (match.length > 0) e.push(["match", match]);
  put(e, "reason_codes", r.reason_codes);
  put(e, "violations", r.violations);
  put(e, "min_approvals", r.min_approvals);
  put(e, "require_distinct_approvers", r.require_distinct_approvers);
  put(e, "require_declared_agent", r.require_declared_agent);
  put(e, "allowed_agent_ids", r.allowed_agent_ids);
  put(e, "denied_agent_ids", r.denied_agent_ids);
  put(e, "required_agent_manifest_digest", r.required_agent_manifest_digest);
  put(e, "allowed_agent_manifest_publishers", r.allowed_agent_manifest_publishers);
  put(e, "allowed_agent_manifest_sources", r.allowed_agent_manifest_sources);
  put(e, "required_agent_lifecycle_states", r.required_agent_lifecycle_states);
  put(e, "require_agent_owner", r.require_agent_owner);
  put(e, "require_unexpired_agent", r.require_unexpired_agent);
  put(e, "block_standing_credentials", r.block_standing_credentials);
  put(e, "allowed_credential_sources", r.allowed_credential_sources);
  put(e, "allowed_credential_issuers", r.allowed_credential_issuers);
  put(e, "allowed_credential_access_types", r.allowed_credential_access_types);
  put(e, "max_credential_ttl_seconds", r.max_credential_ttl_seconds);
  put(e, "require_jit_credential", r.require_jit_credential);
  put(e, "require_context_evidence", r.require_context_evidence);
  put(e, "required_context_evidence_mode", r.required_context_evidence_mode);
  put(e, "max_context_age_seconds", r.max_context_age_seconds);
  put(e, "require_broker_credential", r.require_broker_credential);
  put(e, "broker_reference", r.broker_reference);
  put(e, "broker_scopes", r.broker_scopes);
  if (r.freeze_window.enabled) e.push(["freeze_window", freezeEntries(r.freeze_window)]);
  if (r.sandbox.enabled) e.push(["sandbox", sandboxEntries(r.sandbox)]);
  if (r.rate_limit.requests > 0) e.push(["rate_limit", rateEntries(r.rate_limit)]);
  if (r.destructive_budget.requests > 0) {
    e.push(["destructive_budget", rateEntries(r.destructive_budget)]);
  }
  if (r.dataflow.enabled) e.push(["dataflow", dataflowEntries(r.dataflow)]);
  if (r.endpoint.enabled) e.push(["endpoint", endpointEntries(r.endpoint)]);
  return e;
}

/**
 * Formats a normalized policy as YAML (idempotent; the result parses to a
 * policy with the same `policy_digest`).
 *
 * @example
 * ```ts
 * formatPolicyYaml(parsePolicyYaml("default_action: ALLOW\n"));
 * // "schema_id: gait.gate.policy\nschema_version: 1.0.0\ndefault_verdict: allow\n"
 * ```
 */
export function formatPolicyYaml(policy: Policy): string {
  const e: Entries = [
    ["schema_id", policy.schema_id],
    ["schema_version", policy.schema_version],
    ["default_verdict", policy.default_verdict],
  ];
  const fc = policy.fail_closed;
  if (
    fc.enabled || fc.risk_classes.length > 0 || fc.required_fields.length > 0 ||
    fc.required_high_risk_fields.length > 0
  ) {
    const f: Entries = [["enabled", fc.enabled]];
    put(f, "risk_classes", fc.risk_classes);
    put(f, "required_fields", fc.required_fields);
    put(f, "required_high_risk_fields", fc.required_high_risk_fields);
    e.push(["fail_closed", f]);
  }
  const s = policy.scripts;
  if (s.max_steps !== 0 || s.require_approval_above !== 0 || s.block_mixed_risk) {
    const sc: Entries = [];
    put(sc, "max_steps", s.max_steps);
    put(sc, "require_approval_above", s.require_approval_above);
    put(sc, "block_mixed_risk", s.block_mixed_risk);
    e.push(["scripts", sc]);
  }
  const t = policy.mcp_trust;
  if (t.enabled) {
    const m: Entries = [["enabled", true]];
    put(m, "snapshot", t.snapshot);
    put(m, "action", t.action);
    put(m, "required_risk_classes", t.required_risk_classes);
    put(m, "min_score", t.min_score);
    put(m, "max_age", t.max_age);
    put(m, "publisher_allowlist", t.publisher_allowlist);
    put(m, "require_registry", t.require_registry);
    e.push(["mcp_trust", m]);
  }
  if (policy.rules.length > 0) e.push(["rules", policy.rules.map(ruleEntries)]);
  const out: string[] = [];
  emit(e, "", out);
  return out.join("\n") + "\n";
}
