/**
 * Policy YAML parsing and normalization (spec 02 §2). Strict YAML (unknown keys
 * at any depth, duplicate keys and type mismatches are errors), the legacy
 * draft-key scan, alias merging, every rule key and selector normalized and
 * validated, rules sorted by priority then name. Every error is a `GaitError`
 * `invalid_input` prefixed `parse policy yaml: `.
 *
 * @module
 */

import { GaitError } from "../core/errors.ts";
import { cleanPath } from "./_go_path.ts";
import { formatGoDuration, parseGoDurationNanos } from "./_go_duration.ts";
import { compareUtf8, goTrim, isHex64Any, lowerTrim, lowUniq, uniq, utf8Length } from "./_text.ts";
import { type Decoded, decodedPositions, parseStrictYaml, type YamlSpec } from "./_yaml_strict.ts";
import {
  CREDENTIAL_ACCESS_TYPES,
  CREDENTIAL_SOURCES,
  DISCOVERY_METHODS,
  ENDPOINT_CLASSES,
  SANDBOX_ENV_EXPOSURE_MODES,
  SANDBOX_FILESYSTEM_ISOLATIONS,
  SANDBOX_NETWORK_MODES,
  SANDBOX_USER_MODES,
} from "./intent_types.ts";
import type {
  DataflowPolicy,
  EndpointPolicy,
  FailClosedPolicy,
  FreezeWindowPolicy,
  McpTrustPolicy,
  Policy,
  PolicyMatch,
  PolicyRule,
  RateLimitPolicy,
  SandboxPolicy,
  ScriptPolicy,
  ToolAnnotationMatch,
  Verdict,
} from "./policy_types.ts";

const PREFIX = "parse policy yaml: ";
/** Largest accepted policy document, in bytes. */
export const MAX_POLICY_BYTES = 1024 * 1024;

const S = { t: "str" } as const;
const B = { t: "bool" } as const;
const I = { t: "int" } as const;
const F = { t: "float" } as const;
const L = { t: "strs" } as const;

const MATCH_SPEC: YamlSpec = {
  t: "obj",
  name: "match",
  fields: {
    tool_name: S,
    tool_names: L,
    risk_classes: L,
    target_kinds: L,
    target_values: L,
    endpoint_class: L,
    endpoint_classes: L,
    discovery_method: L,
    tool_annotations: {
      t: "obj",
      name: "tool_annotations",
      fields: { readOnlyHint: B, destructiveHint: B, idempotentHint: B, openWorldHint: B },
    },
    skill_publishers: L,
    skill_sources: L,
    data_classes: L,
    destination_kinds: L,
    destination_values: L,
    destination_operations: L,
    provenance_sources: L,
    identities: L,
    workspace_prefixes: L,
    context_tool_names: L,
    context_data_classes: L,
    context_endpoint_classes: L,
    context_autonomy_levels: L,
    require_delegation: B,
    allowed_delegator_identities: L,
    allowed_delegate_identities: L,
    delegation_scopes: L,
    max_delegation_depth: I,
  },
};

const RATE_SPEC = (name: string): YamlSpec => ({
  t: "obj",
  name,
  fields: { requests: I, window: S, scope: S },
});

const RULE_SPEC: YamlSpec = {
  t: "obj",
  name: "rule",
  fields: {
    name: S,
    priority: I,
    effect: S,
    action: S,
    match: MATCH_SPEC,
    reason_codes: L,
    violations: L,
    min_approvals: I,
    require_distinct_approvers: B,
    require_declared_agent: B,
    allowed_agent_ids: L,
    denied_agent_ids: L,
    required_agent_manifest_digest: S,
    allowed_agent_manifest_publishers: L,
    allowed_agent_manifest_sources: L,
    required_agent_lifecycle_states: L,
    require_agent_owner: B,
    require_unexpired_agent: B,
    block_standing_credentials: B,
    allowed_credential_sources: L,
    allowed_credential_issuers: L,
    allowed_credential_access_types: L,
    max_credential_ttl_seconds: I,
    require_jit_credential: B,
    require_context_evidence: B,
    required_context_evidence_mode: S,
    max_context_age_seconds: I,
    require_broker_credential: B,
    broker_reference: S,
    broker_scopes: L,
    freeze_window: {
      t: "obj",
      name: "freeze_window",
      fields: {
        enabled: B,
        timezone: S,
        effect: S,
        reason: S,
        environments: L,
        risk_classes: L,
        windows: {
          t: "list",
          item: { t: "obj", name: "freeze window", fields: { name: S, start: S, end: S } },
        },
      },
    },
    sandbox: {
      t: "obj",
      name: "sandbox",
      fields: {
        enabled: B,
        allowed_network_modes: L,
        allowed_writable_path_prefixes: L,
        required_read_only_roots: L,
        allowed_env_exposure_modes: L,
        max_timeout_seconds: I,
        allowed_filesystem_isolations: L,
        allowed_user_modes: L,
      },
    },
    rate_limit: RATE_SPEC("rate_limit"),
    destructive_budget: RATE_SPEC("destructive_budget"),
    dataflow: {
      t: "obj",
      name: "dataflow",
      fields: {
        enabled: B,
        tainted_sources: L,
        destination_kinds: L,
        destination_values: L,
        destination_operations: L,
        action: S,
        reason_code: S,
        violation: S,
      },
    },
    endpoint: {
      t: "obj",
      name: "endpoint",
      fields: {
        enabled: B,
        path_allowlist: L,
        path_denylist: L,
        domain_allowlist: L,
        domain_denylist: L,
        egress_classes: L,
        action: S,
        destructive_action: S,
        reason_code: S,
        violation: S,
      },
    },
  },
};

const POLICY_SPEC: YamlSpec & { t: "obj" } = {
  t: "obj",
  name: "policy",
  fields: {
    schema_id: S,
    schema_version: S,
    default_verdict: S,
    default_action: S,
    scripts: {
      t: "obj",
      name: "scripts",
      fields: { max_steps: I, require_approval_above: I, block_mixed_risk: B },
    },
    fail_closed: {
      t: "obj",
      name: "fail_closed",
      fields: { enabled: B, risk_classes: L, required_fields: L, required_high_risk_fields: L },
    },
    mcp_trust: {
      t: "obj",
      name: "mcp_trust",
      fields: {
        enabled: B,
        snapshot: S,
        action: S,
        required_risk_classes: L,
        min_score: F,
        max_age: S,
        publisher_allowlist: L,
        require_registry: B,
      },
    },
    rules: { t: "list", item: RULE_SPEC },
  },
};

const ENDPOINT_CLASSES_SET: ReadonlySet<string> = new Set(ENDPOINT_CLASSES);
const DISCOVERY_METHODS_SET: ReadonlySet<string> = new Set(DISCOVERY_METHODS);
const CREDENTIAL_SOURCES_SET: ReadonlySet<string> = new Set(CREDENTIAL_SOURCES);
const CREDENTIAL_ACCESS_TYPES_SET: ReadonlySet<string> = new Set(CREDENTIAL_ACCESS_TYPES);
const SANDBOX_NETWORK_MODES_SET: ReadonlySet<string> = new Set(SANDBOX_NETWORK_MODES);
const SANDBOX_ENV_EXPOSURE_MODES_SET: ReadonlySet<string> = new Set(SANDBOX_ENV_EXPOSURE_MODES);
const SANDBOX_FILESYSTEM_ISOLATIONS_SET: ReadonlySet<string> = new Set(
  SANDBOX_FILESYSTEM_ISOLATIONS,
);
const SANDBOX_USER_MODES_SET: ReadonlySet<string> = new Set(SANDBOX_USER_MODES);
const VERDICT_SET: ReadonlySet<string> = new Set(["allow", "block", "dry_run", "require_approval"]);
const GUARD_ACTIONS: ReadonlySet<string> = new Set(["block", "require_approval"]);
const REQUIRED_FIELDS: ReadonlySet<string> = new Set([
  "targets",
  "arg_provenance",
  "endpoint_class",
  "delegation",
  "context_evidence",
]);
/** High-risk context fields `fail_closed.required_high_risk_fields` may list. */
export const HIGH_RISK_FIELDS: readonly string[] = [
  "agent_id",
  "agent_identity",
  "run_id",
  "workflow_id",
  "repo",
  "environment",
  "credential_ref",
  "credential_source",
  "credential_access_type",
  "credential_issuer",
  "credential_ttl_seconds",
  "approval_ref",
  "wrkr_inventory_ref",
  "agent_action_bom_ref",
];
const HIGH_RISK_SET: ReadonlySet<string> = new Set(HIGH_RISK_FIELDS);

interface LegacyField {
  field: string;
  replacements: string[];
  note: string;
}

const LEGACY_FIELDS: readonly LegacyField[] = [
  {
    field: "version",
    replacements: ["schema_id", "schema_version"],
    note: "set schema_id=gait.gate.policy and schema_version=1.0.0",
  },
  {
    field: "name",
    replacements: [],
    note: "remove the top-level policy name; rule names remain under rules[].name when needed",
  },
  { field: "boundaries", replacements: ["rules", "mcp_trust"], note: "" },
  { field: "defaults", replacements: ["default_verdict", "fail_closed"], note: "" },
  {
    field: "trust_sources",
    replacements: ["mcp_trust.snapshot"],
    note: "render external trust data to a local snapshot before evaluation",
  },
  {
    field: "unknown_server",
    replacements: ["mcp_trust.action"],
    note: "enforce unknown servers through local snapshot coverage and a fail-closed action",
  },
];

/** Options of {@link parsePolicyYaml}. */
export interface ParsePolicyOptions {
  /** What the document is (e.g. its path), appended to error messages. */
  label?: string;
}

class PolicyError {
  constructor(readonly message: string, readonly at?: object) {}
}

function bad(message: string, at?: object): never {
  throw new PolicyError(message, at);
}

function str(d: Decoded | undefined, key: string): string {
  return (d?.[key] as string | undefined) ?? "";
}
function bool(d: Decoded | undefined, key: string): boolean {
  return (d?.[key] as boolean | undefined) ?? false;
}
function int(d: Decoded | undefined, key: string): number {
  return (d?.[key] as number | undefined) ?? 0;
}
function list(d: Decoded | undefined, key: string): string[] {
  return (d?.[key] as string[] | undefined) ?? [];
}
function sub(d: Decoded | undefined, key: string): Decoded | undefined {
  return d?.[key] as Decoded | undefined;
}

function enumList(
  values: string[],
  allowed: ReadonlySet<string>,
  what: string,
  at: object,
  suffix = "",
): string[] {
  for (const v of values) {
    if (!allowed.has(v)) bad(`unsupported ${what} ${JSON.stringify(v)}${suffix}`, at);
  }
  return values;
}

function verdictOf(value: string, what: string, at: object, suffix = ""): Verdict {
  if (!VERDICT_SET.has(value)) bad(`unsupported ${what} ${JSON.stringify(value)}${suffix}`, at);
  return value as Verdict;
}

function nonNegative(value: number, what: string, at: object, suffix = ""): number {
  if (value < 0) bad(`${what} must be >= 0${suffix}`, at);
  return value;
}

function normalizeScripts(d: Decoded | undefined, root: object): ScriptPolicy {
  const at = d ?? root;
  return {
    max_steps: nonNegative(int(d, "max_steps"), "scripts.max_steps", at),
    require_approval_above: nonNegative(
      int(d, "require_approval_above"),
      "scripts.require_approval_above",
      at,
    ),
    block_mixed_risk: bool(d, "block_mixed_risk"),
  };
}

function normalizeFailClosed(d: Decoded | undefined, root: object): FailClosedPolicy {
  const at = d ?? root;
  const enabled = bool(d, "enabled");
  let riskClasses = lowUniq(list(d, "risk_classes"));
  if (enabled && riskClasses.length === 0) riskClasses = ["critical", "high"];
  return {
    enabled,
    risk_classes: riskClasses,
    required_fields: enumList(
      lowUniq(list(d, "required_fields")),
      REQUIRED_FIELDS,
      "fail_closed.required_fields entry",
      at,
    ),
    required_high_risk_fields: enumList(
      lowUniq(list(d, "required_high_risk_fields")),
      HIGH_RISK_SET,
      "fail_closed.required_high_risk_fields entry",
      at,
    ),
  };
}

function normalizeMcpTrust(d: Decoded | undefined, root: object): McpTrustPolicy {
  const at = d ?? root;
  const anySet = d !== undefined && Object.keys(d).some((k) => {
    const v = d[k];
    return v === true || (typeof v === "string" && goTrim(v) !== "") ||
      (typeof v === "number" && v !== 0) || (Array.isArray(v) && v.length > 0);
  });
  const enabled = bool(d, "enabled") || anySet;
  const out: McpTrustPolicy = {
    enabled,
    snapshot: goTrim(str(d, "snapshot")),
    action: lowerTrim(str(d, "action")),
    required_risk_classes: lowUniq(list(d, "required_risk_classes")),
    min_score: (d?.min_score as number | undefined) ?? 0,
    max_age: "",
    publisher_allowlist: uniq(list(d, "publisher_allowlist")),
    require_registry: bool(d, "require_registry"),
  };
  if (!enabled) return out;
  if (out.snapshot === "") bad("mcp_trust.snapshot is required when mcp_trust is enabled", at);
  if (out.action === "") out.action = "block";
  if (!GUARD_ACTIONS.has(out.action)) {
    bad(`unsupported mcp_trust.action ${JSON.stringify(out.action)}`, at);
  }
  if (out.required_risk_classes.length === 0) out.required_risk_classes = ["critical", "high"];
  if (out.min_score < 0 || out.min_score > 1) {
    bad("mcp_trust.min_score must be between 0 and 1", at);
  }
  const maxAge = goTrim(str(d, "max_age"));
  if (maxAge !== "") {
    const nanos = parseGoDurationNanos(maxAge);
    if (nanos === null) bad(`invalid mcp_trust.max_age ${JSON.stringify(maxAge)}`, at);
    if (nanos <= 0n) bad("mcp_trust.max_age must be > 0", at);
    out.max_age = formatGoDuration(nanos);
  }
  return out;
}

function normalizeMatch(d: Decoded | undefined, at: object, suffix: string): PolicyMatch {
  const toolNames = lowUniq([...list(d, "tool_names"), str(d, "tool_name")]);
  const endpointClasses = enumList(
    lowUniq([...list(d, "endpoint_classes"), ...list(d, "endpoint_class")]),
    ENDPOINT_CLASSES_SET,
    "match.endpoint_classes entry",
    at,
    suffix,
  );
  const discovery = enumList(
    lowUniq(list(d, "discovery_method").map((v) => v.replaceAll("-", "_").replaceAll(" ", "_"))),
    DISCOVERY_METHODS_SET,
    "match.discovery_method entry",
    at,
    suffix,
  );
  const annotations = sub(d, "tool_annotations");
  let toolAnnotations: ToolAnnotationMatch | undefined;
  if (annotations) {
    const ta: ToolAnnotationMatch = {};
    for (
      const k of ["readOnlyHint", "destructiveHint", "idempotentHint", "openWorldHint"] as const
    ) {
      const v = annotations[k];
      if (typeof v === "boolean") ta[k] = v;
    }
    if (Object.keys(ta).length > 0) toolAnnotations = ta;
  }
  const depth = d?.max_delegation_depth as number | undefined;
  if (depth !== undefined && depth < 0) bad(`match.max_delegation_depth must be >= 0${suffix}`, at);
  const m: PolicyMatch = {
    tool_names: toolNames,
    risk_classes: lowUniq(list(d, "risk_classes")),
    target_kinds: lowUniq(list(d, "target_kinds")),
    target_values: uniq(list(d, "target_values")),
    provenance_sources: lowUniq(list(d, "provenance_sources")),
    identities: uniq(list(d, "identities")),
    workspace_prefixes: uniq(list(d, "workspace_prefixes")),
    endpoint_classes: endpointClasses,
    discovery_methods: discovery,
    skill_publishers: lowUniq(list(d, "skill_publishers")),
    skill_sources: lowUniq(list(d, "skill_sources")),
    data_classes: lowUniq(list(d, "data_classes")),
    destination_kinds: lowUniq(list(d, "destination_kinds")),
    destination_values: uniq(list(d, "destination_values")),
    destination_operations: lowUniq(list(d, "destination_operations")),
    context_tool_names: lowUniq(list(d, "context_tool_names")),
    context_data_classes: lowUniq(list(d, "context_data_classes")),
    context_endpoint_classes: lowUniq(list(d, "context_endpoint_classes")),
    context_autonomy_levels: lowUniq(list(d, "context_autonomy_levels")),
    require_delegation: bool(d, "require_delegation"),
    allowed_delegator_identities: uniq(list(d, "allowed_delegator_identities")),
    allowed_delegate_identities: uniq(list(d, "allowed_delegate_identities")),
    delegation_scopes: lowUniq(list(d, "delegation_scopes")),
    max_delegation_depth: depth ?? null,
  };
  if (toolAnnotations) m.tool_annotations = toolAnnotations;
  return m;
}

function guardAction(
  value: string,
  fallback: "block" | "require_approval",
  what: string,
  at: object,
  suffix: string,
): "block" | "require_approval" {
  const v = lowerTrim(value) || fallback;
  if (!GUARD_ACTIONS.has(v)) bad(`unsupported ${what} ${JSON.stringify(v)}${suffix}`, at);
  return v as "block" | "require_approval";
}

function normalizeFreezeWindow(
  d: Decoded | undefined,
  at: object,
  suffix: string,
): FreezeWindowPolicy {
  const windowsRaw = (d?.windows as Decoded[] | undefined) ?? [];
  const fw: FreezeWindowPolicy = {
    enabled: false,
    timezone: goTrim(str(d, "timezone")),
    effect: "block",
    reason: goTrim(str(d, "reason")),
    environments: lowUniq(list(d, "environments")),
    risk_classes: lowUniq(list(d, "risk_classes")),
    windows: windowsRaw.map((w, i) => ({
      name: goTrim(str(w, "name")) || `window-${i + 1}`,
      start: goTrim(str(w, "start")),
      end: goTrim(str(w, "end")),
    })),
  };
  const effectRaw = lowerTrim(str(d, "effect"));
  fw.enabled = bool(d, "enabled") || fw.timezone !== "" || effectRaw !== "" || fw.reason !== "" ||
    fw.environments.length > 0 || fw.risk_classes.length > 0 || fw.windows.length > 0;
  if (!fw.enabled) return fw;
  const where = d ?? at;
  fw.effect = guardAction(effectRaw, "block", "freeze_window.effect", where, suffix);
  if (fw.timezone === "") bad(`freeze_window.timezone is required${suffix}`, where);
  if (fw.windows.length === 0) bad(`freeze_window.windows must not be empty${suffix}`, where);
  fw.windows.forEach((w, i) => {
    if (w.start === "" || w.end === "") {
      bad(`freeze_window.windows[${i}] requires start and end${suffix}`, windowsRaw[i] ?? where);
    }
  });
  return fw;
}

function cleanedList(values: string[]): string[] {
  const out: string[] = [];
  for (const v of values) {
    const t = goTrim(v);
    if (t === "") continue;
    out.push(cleanPath(t));
  }
  return uniq(out);
}

function normalizeSandbox(d: Decoded | undefined, at: object, suffix: string): SandboxPolicy {
  const where = d ?? at;
  const sb: SandboxPolicy = {
    enabled: false,
    allowed_network_modes: enumList(
      lowUniq(list(d, "allowed_network_modes")),
      SANDBOX_NETWORK_MODES_SET,
      "sandbox.allowed_network_modes entry",
      where,
      suffix,
    ),
    allowed_writable_path_prefixes: cleanedList(list(d, "allowed_writable_path_prefixes")),
    required_read_only_roots: cleanedList(list(d, "required_read_only_roots")),
    allowed_env_exposure_modes: enumList(
      lowUniq(list(d, "allowed_env_exposure_modes")),
      SANDBOX_ENV_EXPOSURE_MODES_SET,
      "sandbox.allowed_env_exposure_modes entry",
      where,
      suffix,
    ),
    max_timeout_seconds: nonNegative(
      int(d, "max_timeout_seconds"),
      "sandbox.max_timeout_seconds",
      where,
      suffix,
    ),
    allowed_filesystem_isolations: enumList(
      lowUniq(list(d, "allowed_filesystem_isolations")),
      SANDBOX_FILESYSTEM_ISOLATIONS_SET,
      "sandbox.allowed_filesystem_isolations entry",
      where,
      suffix,
    ),
    allowed_user_modes: enumList(
      lowUniq(list(d, "allowed_user_modes")),
      SANDBOX_USER_MODES_SET,
      "sandbox.allowed_user_modes entry",
      where,
      suffix,
    ),
  };
  sb.enabled = bool(d, "enabled") || sb.allowed_network_modes.length > 0 ||
    sb.allowed_writable_path_prefixes.length > 0 || sb.required_read_only_roots.length > 0 ||
    sb.allowed_env_exposure_modes.length > 0 || sb.max_timeout_seconds > 0 ||
    sb.allowed_filesystem_isolations.length > 0 || sb.allowed_user_modes.length > 0;
  return sb;
}

function normalizeRate(
  d: Decoded | undefined,
  what: "rate_limit" | "destructive_budget",
  at: object,
  suffix: string,
): RateLimitPolicy {
  const where = d ?? at;
  const requests = int(d, "requests");
  const windowRaw = lowerTrim(str(d, "window"));
  const scopeRaw = lowerTrim(str(d, "scope"));
  const window = windowRaw || "minute";
  const scope = scopeRaw || "tool_identity";
  if (window !== "minute" && window !== "hour") {
    bad(`unsupported ${what}.window ${JSON.stringify(window)}${suffix}`, where);
  }
  if (scope !== "tool" && scope !== "identity" && scope !== "tool_identity") {
    bad(`unsupported ${what}.scope ${JSON.stringify(scope)}${suffix}`, where);
  }
  if (requests < 0) bad(`${what}.requests must be >= 0${suffix}`, where);
  if (what === "destructive_budget" && requests <= 0 && (windowRaw !== "" || scopeRaw !== "")) {
    bad(`destructive_budget.requests must be >= 1${suffix}`, where);
  }
  return { requests, window, scope };
}

function normalizeDataflow(d: Decoded | undefined, at: object, suffix: string): DataflowPolicy {
  const where = d ?? at;
  const df: DataflowPolicy = {
    enabled: false,
    tainted_sources: lowUniq(list(d, "tainted_sources")),
    destination_kinds: lowUniq(list(d, "destination_kinds")),
    destination_values: uniq(list(d, "destination_values")),
    destination_operations: lowUniq(list(d, "destination_operations")),
    action: "require_approval",
    reason_code: goTrim(str(d, "reason_code")),
    violation: goTrim(str(d, "violation")),
  };
  df.enabled = bool(d, "enabled") || df.tainted_sources.length > 0 ||
    df.destination_kinds.length > 0 || df.destination_values.length > 0 ||
    df.destination_operations.length > 0;
  df.action = guardAction(str(d, "action"), "require_approval", "dataflow.action", where, suffix);
  if (df.enabled) {
    if (df.tainted_sources.length === 0) df.tainted_sources = ["external", "tool_output"];
    if (df.reason_code === "") df.reason_code = "dataflow_tainted_destination";
    if (df.violation === "") df.violation = "tainted_dataflow";
  }
  return df;
}

function normalizeEndpoint(d: Decoded | undefined, at: object, suffix: string): EndpointPolicy {
  const where = d ?? at;
  const paths = (key: string) => uniq(list(d, key).map((p) => goTrim(p).replaceAll("\\", "/")));
  const egress = lowUniq(list(d, "egress_classes"));
  for (const c of egress) {
    if (c !== "net.http" && c !== "net.dns") {
      bad(
        `unsupported endpoint.egress_classes entry ${JSON.stringify(c)} (net.* only)${suffix}`,
        where,
      );
    }
  }
  const destructiveRaw = lowerTrim(str(d, "destructive_action"));
  const ep: EndpointPolicy = {
    enabled: false,
    path_allowlist: paths("path_allowlist"),
    path_denylist: paths("path_denylist"),
    domain_allowlist: lowUniq(list(d, "domain_allowlist")),
    domain_denylist: lowUniq(list(d, "domain_denylist")),
    egress_classes: egress,
    action: guardAction(str(d, "action"), "block", "endpoint.action", where, suffix),
    destructive_action: destructiveRaw === ""
      ? ""
      : guardAction(destructiveRaw, "block", "endpoint.destructive_action", where, suffix),
    reason_code: goTrim(str(d, "reason_code")),
    violation: goTrim(str(d, "violation")),
  };
  ep.enabled = bool(d, "enabled") || ep.path_allowlist.length > 0 ||
    ep.path_denylist.length > 0 || ep.domain_allowlist.length > 0 ||
    ep.domain_denylist.length > 0 || ep.egress_classes.length > 0 || ep.destructive_action !== "";
  if (ep.enabled) {
    if (ep.reason_code === "") ep.reason_code = "endpoint_constraint_violation";
    if (ep.violation === "") ep.violation = "endpoint_constraint_violation";
  }
  return ep;
}

function normalizeRule(d: Decoded, index: number): PolicyRule {
  const name = goTrim(str(d, "name"));
  if (name === "") bad(`rules[${index}].name is required`, d);
  const suffix = ` for ${name}`;
  const effectRaw = lowerTrim(str(d, "effect"));
  const actionRaw = lowerTrim(str(d, "action"));
  if (effectRaw !== "" && actionRaw !== "" && effectRaw !== actionRaw) {
    bad(`effect and action must match${suffix}`, d);
  }
  const effectText = effectRaw || actionRaw;
  if (effectText === "") bad(`effect is required${suffix}`, d);
  const effect = verdictOf(effectText, "effect", d, suffix);
  const minApprovals = nonNegative(int(d, "min_approvals"), "min_approvals", d, suffix);
  const manifestDigest = lowerTrim(str(d, "required_agent_manifest_digest"));
  if (manifestDigest !== "" && !isHex64Any(manifestDigest)) {
    bad(`required_agent_manifest_digest must be 64 hex characters${suffix}`, d);
  }
  const contextMode = lowerTrim(str(d, "required_context_evidence_mode"));
  if (contextMode !== "" && contextMode !== "required") {
    bad(`unsupported required_context_evidence_mode ${JSON.stringify(contextMode)}${suffix}`, d);
  }
  const requireContext = bool(d, "require_context_evidence");
  return {
    name,
    priority: int(d, "priority"),
    effect,
    match: normalizeMatch(sub(d, "match"), sub(d, "match") ?? d, suffix),
    reason_codes: uniq(list(d, "reason_codes")),
    violations: uniq(list(d, "violations")),
    min_approvals: minApprovals,
    require_distinct_approvers: bool(d, "require_distinct_approvers") || minApprovals > 1,
    require_declared_agent: bool(d, "require_declared_agent"),
    allowed_agent_ids: uniq(list(d, "allowed_agent_ids")),
    denied_agent_ids: uniq(list(d, "denied_agent_ids")),
    required_agent_manifest_digest: manifestDigest,
    allowed_agent_manifest_publishers: lowUniq(list(d, "allowed_agent_manifest_publishers")),
    allowed_agent_manifest_sources: lowUniq(list(d, "allowed_agent_manifest_sources")),
    required_agent_lifecycle_states: lowUniq(list(d, "required_agent_lifecycle_states")),
    require_agent_owner: bool(d, "require_agent_owner"),
    require_unexpired_agent: bool(d, "require_unexpired_agent"),
    block_standing_credentials: bool(d, "block_standing_credentials"),
    allowed_credential_sources: enumList(
      lowUniq(list(d, "allowed_credential_sources")),
      CREDENTIAL_SOURCES_SET,
      "allowed_credential_sources entry",
      d,
      suffix,
    ),
    allowed_credential_issuers: uniq(list(d, "allowed_credential_issuers")),
    allowed_credential_access_types: enumList(
      lowUniq(list(d, "allowed_credential_access_types")),
      CREDENTIAL_ACCESS_TYPES_SET,
      "allowed_credential_access_types entry",
      d,
      suffix,
    ),
    max_credential_ttl_seconds: nonNegative(
      int(d, "max_credential_ttl_seconds"),
      "max_credential_ttl_seconds",
      d,
      suffix,
    ),
    require_jit_credential: bool(d, "require_jit_credential"),
    require_context_evidence: requireContext,
    required_context_evidence_mode: requireContext ? "required" : contextMode as "" | "required",
    max_context_age_seconds: nonNegative(
      int(d, "max_context_age_seconds"),
      "max_context_age_seconds",
      d,
      suffix,
    ),
    require_broker_credential: bool(d, "require_broker_credential"),
    broker_reference: goTrim(str(d, "broker_reference")),
    broker_scopes: lowUniq(list(d, "broker_scopes")),
    freeze_window: normalizeFreezeWindow(sub(d, "freeze_window"), d, suffix),
    sandbox: normalizeSandbox(sub(d, "sandbox"), d, suffix),
    rate_limit: normalizeRate(sub(d, "rate_limit"), "rate_limit", d, suffix),
    destructive_budget: normalizeRate(
      sub(d, "destructive_budget"),
      "destructive_budget",
      d,
      suffix,
    ),
    dataflow: normalizeDataflow(sub(d, "dataflow"), d, suffix),
    endpoint: normalizeEndpoint(sub(d, "endpoint"), d, suffix),
  };
}

/**
 * Orders rules by priority ascending, then name in UTF-8 byte order (stable).
 *
 * @example
 * ```ts
 * const policy = parsePolicyYaml("rules:\n  - {name: b, effect: allow}\n  - {name: a, effect: allow}\n");
 * [...policy.rules].sort(compareRules).map((r) => r.name); // ["a", "b"]
 * ```
 */
export function compareRules(a: PolicyRule, b: PolicyRule): number {
  return a.priority - b.priority || compareUtf8(a.name, b.name);
}

function normalizePolicy(d: Decoded): Policy {
  const schemaId = goTrim(str(d, "schema_id")) || "gait.gate.policy";
  if (schemaId !== "gait.gate.policy") bad(`unsupported schema_id ${JSON.stringify(schemaId)}`, d);
  const schemaVersion = goTrim(str(d, "schema_version")) || "1.0.0";
  if (schemaVersion !== "1.0.0") {
    bad(`unsupported schema_version ${JSON.stringify(schemaVersion)}`, d);
  }
  const dv = lowerTrim(str(d, "default_verdict"));
  const da = lowerTrim(str(d, "default_action"));
  if (dv !== "" && da !== "" && dv !== da) bad("default_verdict and default_action must match", d);
  const defaultVerdict = verdictOf(dv || da || "require_approval", "default_verdict", d);
  const rulesRaw = (d.rules as Decoded[] | undefined) ?? [];
  const rules = rulesRaw.map((r, i) => normalizeRule(r, i));
  rules.sort(compareRules);
  return {
    schema_id: schemaId,
    schema_version: schemaVersion,
    default_verdict: defaultVerdict,
    scripts: normalizeScripts(sub(d, "scripts"), d),
    fail_closed: normalizeFailClosed(sub(d, "fail_closed"), d),
    mcp_trust: normalizeMcpTrust(sub(d, "mcp_trust"), d),
    rules,
  };
}

/**
 * Freezes the policy, its rule list and each rule (shallow, so parsing a
 * 100k-rule document stays fast). Nested lists are not frozen: policies are
 * immutable by contract because evaluation caches a compiled form per object.
 */
function freezePolicy(policy: Policy): Policy {
  for (const r of policy.rules) Object.freeze(r);
  Object.freeze(policy.rules);
  return Object.freeze(policy);
}

function legacyError(found: LegacyField[]): GaitError {
  const details = found.map((f) => {
    if (f.replacements.length === 0) return `${f.field}->${f.note}`;
    const repl = f.replacements.join("|");
    return f.note === "" ? `${f.field}->${repl}` : `${f.field}->${repl} (${f.note})`;
  }).join("; ");
  const names = found.map((f) => f.field);
  return new GaitError(
    "invalid_input",
    `${PREFIX}legacy policy proposal fields are not supported [${names.join(", ")}]: ${details}`,
    {
      hint:
        "migrate the legacy policy fields to the gait.gate.policy 1.0.0 keys listed in migration",
      details: {
        migration: {
          kind: "policy_fields",
          deprecated_fields: names,
          field_replacements: found.map((f) => ({
            field: f.field,
            replacement_fields: f.replacements,
            note: f.note,
          })),
        },
      },
    },
  );
}

/**
 * Parses and normalizes a policy from YAML text (spec 02 §2). The policy, its
 * rule list and rules are frozen; treat the whole value as immutable. Rejects, with `GaitError` `invalid_input` prefixed
 * `parse policy yaml: `: documents over 1 MiB, empty documents
 * (`parse policy yaml: empty policy`), non-mapping top levels, YAML syntax
 * errors, duplicate keys, unknown keys at any depth, type mismatches,
 * non-core tags, multiple documents, recursive or exploding aliases, legacy
 * draft keys (with `details.migration`) and every §2.2–2.4 validation rule.
 *
 * @example
 * ```ts
 * const policy = parsePolicyYaml("default_verdict: block\nrules:\n  - name: allow-read\n    effect: allow\n    match: {tool_names: [tool.read]}\n");
 * policy.rules[0]?.match.tool_names; // ["tool.read"]
 * ```
 */
export function parsePolicyYaml(text: string, options: ParsePolicyOptions = {}): Policy {
  const label = options.label ? ` (${options.label})` : "";
  if (text.length > MAX_POLICY_BYTES || utf8Length(text) > MAX_POLICY_BYTES) {
    throw new GaitError(
      "invalid_input",
      `${PREFIX}policy exceeds ${MAX_POLICY_BYTES} bytes${label}`,
    );
  }
  if (text.includes("\u0000")) {
    throw new GaitError("invalid_input", `${PREFIX}policy contains NUL bytes${label}`);
  }
  const parsed = parseStrictYaml(text, PREFIX);
  const keys = new Set(parsed.rootKeys());
  const found = LEGACY_FIELDS.filter((f) => keys.has(f.field));
  if (found.length > 0) throw legacyError(found);
  const decoded = parsed.decode(POLICY_SPEC);
  try {
    return freezePolicy(normalizePolicy(decoded));
  } catch (error) {
    if (!(error instanceof PolicyError)) throw error;
    const pos = error.at ? decodedPositions.get(error.at) : undefined;
    const where = pos ? `line ${pos.line}, column ${pos.col}: ` : "";
    throw new GaitError("invalid_input", `${PREFIX}${where}${error.message}${label}`);
  }
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Parses a policy from raw bytes: size-checked before decoding, strict UTF-8
 * (invalid sequences are `parse policy yaml: invalid UTF-8`), then
 * {@link parsePolicyYaml}.
 *
 * @example
 * ```ts
 * parsePolicyBytes(new TextEncoder().encode("default_verdict: allow\n")).default_verdict; // "allow"
 * ```
 */
export function parsePolicyBytes(bytes: Uint8Array, options: ParsePolicyOptions = {}): Policy {
  const label = options.label ? ` (${options.label})` : "";
  if (bytes.length > MAX_POLICY_BYTES) {
    throw new GaitError(
      "invalid_input",
      `${PREFIX}policy exceeds ${MAX_POLICY_BYTES} bytes${label}`,
    );
  }
  let text: string;
  try {
    text = strictUtf8.decode(bytes);
  } catch {
    throw new GaitError("invalid_input", `${PREFIX}invalid UTF-8${label}`);
  }
  return parsePolicyYaml(text, options);
}
