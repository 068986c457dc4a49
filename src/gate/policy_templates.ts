/**
 * Baseline policy templates for `gait policy init` (spec 02 §7.2), written for
 * Gait from the semantics the spec describes:
 *
 * - low risk: default allow; deletes blocked; writes need an approval; reads allowed.
 * - medium risk: default require_approval; reads allowed only for low/medium
 *   risk intents; deletes blocked for high/critical risk.
 * - high risk: default block; fail-closed evidence for high/critical risk;
 *   destructive operations blocked; reads allowed; egress only for delegated
 *   intents; writes and deploys need two distinct approvals, a JIT brokered
 *   credential and stay within a destructive budget.
 *
 * `examples/policy/base_{low,medium,high}_risk.yaml` are byte-identical copies.
 *
 * @module
 */

import { GaitError } from "../core/errors.ts";

/** The template names `policy init` accepts, canonical first. */
export const POLICY_TEMPLATES = [
  "baseline-lowrisk",
  "baseline-mediumrisk",
  "baseline-highrisk",
] as const;

/** A canonical template name. */
export type PolicyTemplateName = (typeof POLICY_TEMPLATES)[number];

const ALIASES: Readonly<Record<string, PolicyTemplateName>> = {
  "baseline-lowrisk": "baseline-lowrisk",
  "baseline_low_risk": "baseline-lowrisk",
  "low": "baseline-lowrisk",
  "baseline-mediumrisk": "baseline-mediumrisk",
  "baseline_medium_risk": "baseline-mediumrisk",
  "medium": "baseline-mediumrisk",
  "baseline-highrisk": "baseline-highrisk",
  "baseline_high_risk": "baseline-highrisk",
  "high": "baseline-highrisk",
};

const LOW = `# Gait baseline policy: low risk (gait policy init baseline-lowrisk).
# Reads run, writes wait for one approval, deletes are blocked, and anything
# no rule matches is allowed. Start here to observe an agent with few guards.
schema_id: gait.gate.policy
schema_version: 1.0.0
default_verdict: allow
rules:
  - name: block-deletes
    priority: 10
    effect: block
    match:
      endpoint_classes: [fs.delete]
    reason_codes: [delete_blocked]
    violations: [destructive_operation]
  - name: approve-writes
    priority: 20
    effect: require_approval
    match:
      endpoint_classes: [fs.write]
    reason_codes: [write_requires_approval]
  - name: allow-reads
    priority: 30
    effect: allow
    match:
      endpoint_classes: [fs.read]
    reason_codes: [read_allowed]
`;

const MEDIUM = `# Gait baseline policy: medium risk (gait policy init baseline-mediumrisk).
# Every tool call needs an approval unless a rule says otherwise: reads run
# without one for low and medium risk intents, and deletes by high or critical
# risk intents are blocked outright.
schema_id: gait.gate.policy
schema_version: 1.0.0
default_verdict: require_approval
rules:
  - name: block-high-risk-deletes
    priority: 10
    effect: block
    match:
      endpoint_classes: [fs.delete]
      risk_classes: [critical, high]
    reason_codes: [high_risk_delete_blocked]
    violations: [destructive_operation]
  - name: allow-low-medium-risk-reads
    priority: 20
    effect: allow
    match:
      endpoint_classes: [fs.read]
      risk_classes: [low, medium]
    reason_codes: [read_allowed]
`;

const HIGH = `# Gait baseline policy: high risk (gait policy init baseline-highrisk).
# Anything no rule allows is blocked. High and critical risk intents must name
# their targets and argument provenance. Deletes and process execution are
# blocked; reads run; network egress runs only for delegated intents; writes and
# deploys need two distinct approvers, a just-in-time credential from the
# credential broker, and stay within a destructive budget.
schema_id: gait.gate.policy
schema_version: 1.0.0
default_verdict: block
fail_closed:
  enabled: true
  risk_classes: [critical, high]
  required_fields: [arg_provenance, targets]
rules:
  - name: block-destructive
    priority: 10
    effect: block
    match:
      endpoint_classes: [fs.delete, proc.exec]
    reason_codes: [destructive_operation_blocked]
    violations: [destructive_operation]
  - name: allow-reads
    priority: 20
    effect: allow
    match:
      endpoint_classes: [fs.read]
    reason_codes: [read_allowed]
  - name: delegated-egress
    priority: 30
    effect: allow
    match:
      endpoint_classes: [net.dns, net.http]
      require_delegation: true
      delegation_scopes: [egress]
    reason_codes: [delegated_egress_allowed]
  - name: approve-deploys
    priority: 40
    effect: require_approval
    match:
      tool_names: [deploy, tool.deploy]
    reason_codes: [deploy_requires_approval]
    min_approvals: 2
    require_distinct_approvers: true
    require_jit_credential: true
    require_broker_credential: true
    broker_scopes: [deploy]
    destructive_budget:
      requests: 3
      window: hour
      scope: identity
  - name: approve-writes
    priority: 50
    effect: require_approval
    match:
      endpoint_classes: [fs.write]
    reason_codes: [write_requires_approval]
    min_approvals: 2
    require_distinct_approvers: true
    require_jit_credential: true
    require_broker_credential: true
    broker_scopes: [write]
    destructive_budget:
      requests: 5
      window: hour
      scope: tool_identity
`;

const BODIES: Readonly<Record<PolicyTemplateName, string>> = {
  "baseline-lowrisk": LOW,
  "baseline-mediumrisk": MEDIUM,
  "baseline-highrisk": HIGH,
};

/**
 * Resolves a template name or alias to its canonical name.
 *
 * @example
 * ```ts
 * resolvePolicyTemplate("high"); // "baseline-highrisk"
 * ```
 */
export function resolvePolicyTemplate(name: string): PolicyTemplateName {
  const canonical = ALIASES[name.trim().toLowerCase()];
  if (!canonical) {
    throw new GaitError(
      "invalid_input",
      `unsupported policy template ${JSON.stringify(name)} (expected ${
        POLICY_TEMPLATES.join(", ")
      })`,
    );
  }
  return canonical;
}

/**
 * The YAML text of a template.
 *
 * @example
 * ```ts
 * policyTemplate("baseline-lowrisk").includes("default_verdict: allow"); // true
 * ```
 */
export function policyTemplate(name: PolicyTemplateName): string {
  return BODIES[name];
}
