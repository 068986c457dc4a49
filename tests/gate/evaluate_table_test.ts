/**
 * Table-driven evaluation tests (spec 02 §3, §6.3, §6.4): every top-level key,
 * rule key and `match` selector (pass and fail), every verdict-precedence case
 * and every reason code the engine emits. One Deno.test per row.
 */

import assert from "node:assert/strict";
import {
  type EvaluateIntentOptions,
  type GateOutcome,
  normalizeContextEnvelope,
  type Verdict,
  wrkrInventoryFromJson,
} from "../../src/gate/mod.ts";
import { evaluateRaw, rawIntent } from "./_helpers.ts";

interface Row {
  name: string;
  policy: string;
  intent?: Record<string, unknown>;
  options?: Partial<EvaluateIntentOptions>;
  verdict: Verdict;
  reasons?: string[];
  violations?: string[];
  check?: (o: GateOutcome) => void;
}

/** A policy with default `block` and one rule named `r` (body lines indented under the rule). */
function R(body: string, effect: Verdict = "allow", defaultVerdict: Verdict = "block"): string {
  const lines = body.trim() === "" ? [] : body.trim().split("\n").map((l) => "    " + l);
  return `default_verdict: ${defaultVerdict}\nrules:\n  - name: r\n    effect: ${effect}\n${
    lines.join("\n")
  }\n`;
}

const HEX_A = "a".repeat(64);
const HEX_B = "b".repeat(64);
const SANDBOX_OK = {
  network_mode: "disabled",
  writable_paths: ["/tmp/build"],
  read_only_roots: ["/usr"],
  env_exposure_mode: "none",
  timeout_seconds: 60,
  filesystem_isolation: "container",
  user_mode: "unprivileged",
  evidence_ref: "sandbox:run-1",
  evidence_digest: HEX_A,
};
const EXEC_TARGET = {
  targets: [{ kind: "other", value: "make", operation: "exec" }],
  tool_name: "shell.exec",
};
const DELETE_TARGET = { targets: [{ kind: "path", value: "/repo/x", operation: "delete" }] };
const HOST_TARGET = (value = "api.example.com") => ({ targets: [{ kind: "host", value }] });
const URL_TARGET = (value: string) => ({ targets: [{ kind: "url", value }] });
const PATH_TARGET = (value: string, operation = "read") => ({
  targets: [{ kind: "path", value, operation }],
});
const CHAIN = {
  requester_identity: "agent.worker",
  scope_class: "write",
  chain: [
    { delegator_identity: "agent.lead", delegate_identity: "agent.mid", scope_class: "read" },
    { delegator_identity: "agent.mid", delegate_identity: "agent.worker" },
  ],
};
const CREDS = {
  credential_ref: "vault:db/creds",
  credential_source: "vault_dynamic",
  credential_access_type: "jit",
  credential_issuer: "vault",
  credential_ttl_seconds: 300,
};
const AGENT = {
  agent_id: "agent-1",
  agent_identity: {
    owner: "team-a",
    manifest_digest: HEX_A,
    publisher: "Acme",
    source: "registry",
    lifecycle_states: ["Active", "approved"],
    issued_at: "2026-01-01T00:00:00Z",
    expires_at: "2027-01-01T00:00:00Z",
  },
};
const ENVELOPE = normalizeContextEnvelope({
  created_at: "2026-02-18T11:00:00Z",
  context_set_id: "ctx-1",
  evidence_mode: "required",
  records: [{
    ref_id: "doc-1",
    source_type: "kb",
    source_locator: "kb://a",
    query_digest: HEX_A,
    content_digest: HEX_B,
    retrieved_at: "2026-02-18T11:30:00Z",
    redaction_mode: "reference",
  }],
});
const INVENTORY = wrkrInventoryFromJson([
  {
    tool_name: "tool.read",
    data_class: "PII",
    endpoint_class: "fs.read",
    autonomy_level: "Autonomous",
  },
]);

const ROWS: Row[] = [
  // --- top-level keys / default path ---------------------------------------------------
  {
    name: "default_verdict allow → allow, default_allow",
    policy: "default_verdict: allow\n",
    verdict: "allow",
    reasons: ["default_allow"],
    violations: [],
  },
  {
    name: "default_verdict block → block, default_block",
    policy: "default_verdict: block\n",
    verdict: "block",
    reasons: ["default_block"],
  },
  {
    name: "default_verdict dry_run → dry_run",
    policy: "default_verdict: dry_run\n",
    verdict: "dry_run",
    reasons: ["default_dry_run"],
  },
  {
    name: "default_verdict require_approval → min_approvals 1",
    policy: "default_verdict: require_approval\n",
    verdict: "require_approval",
    reasons: ["default_require_approval"],
    check: (o) => {
      assert.equal(o.min_approvals, 1);
      assert.equal(o.matched_rule, "");
      assert.equal(o.decision_path, "default");
    },
  },
  {
    name: "no default_verdict → require_approval",
    policy: "rules: []\n",
    verdict: "require_approval",
    reasons: ["default_require_approval"],
  },
  {
    name: "default_action alias",
    policy: "default_action: allow\n",
    verdict: "allow",
    reasons: ["default_allow"],
  },
  {
    name: "default path: no phase adjustment for destructive targets",
    policy: "default_verdict: allow\n",
    intent: DELETE_TARGET,
    verdict: "allow",
    reasons: ["default_allow"],
  },
  {
    name: "mcp_trust is digested but not enforced by the gate",
    policy: "default_verdict: allow\nmcp_trust:\n  snapshot: ./trust.json\n",
    verdict: "allow",
  },

  // --- fail-closed (§3.1 step 2) ---------------------------------------------------------
  {
    name: "fail_closed_endpoint_class_unknown is always on (no config)",
    policy: "default_verdict: allow\n",
    intent: { targets: [{ kind: "repo", value: "org/r" }] },
    verdict: "block",
    reasons: ["fail_closed_endpoint_class_unknown"],
    violations: ["endpoint_class_unknown"],
    check: (o) => assert.equal(o.decision_path, "fail_closed"),
  },
  {
    name: "fail_closed_endpoint_class_unknown: explicit class other",
    policy: "default_verdict: allow\n",
    intent: { targets: [{ kind: "path", value: "/x", endpoint_class: "other" }] },
    verdict: "block",
    reasons: ["fail_closed_endpoint_class_unknown"],
  },
  {
    name: "fail_closed required_fields targets",
    policy: "default_verdict: allow\nfail_closed:\n  enabled: true\n  required_fields: [targets]\n",
    intent: { targets: [], context: { risk_class: "high" } },
    verdict: "block",
    reasons: ["fail_closed_missing_targets"],
    violations: ["missing_targets"],
  },
  {
    name: "fail_closed required_fields arg_provenance",
    policy:
      "default_verdict: allow\nfail_closed:\n  enabled: true\n  required_fields: [arg_provenance]\n",
    intent: { arg_provenance: [], context: { risk_class: "critical" } },
    verdict: "block",
    reasons: ["fail_closed_missing_arg_provenance"],
    violations: ["missing_arg_provenance"],
  },
  {
    name: "fail_closed required_fields endpoint_class (and the always-on code)",
    policy:
      "default_verdict: allow\nfail_closed:\n  enabled: true\n  required_fields: [endpoint_class]\n",
    intent: { targets: [{ kind: "table", value: "t" }], context: { risk_class: "high" } },
    verdict: "block",
    reasons: ["fail_closed_endpoint_class_unknown", "fail_closed_missing_endpoint_class"],
    violations: ["endpoint_class_unknown", "missing_endpoint_class"],
  },
  {
    name: "fail_closed required_fields delegation",
    policy:
      "default_verdict: allow\nfail_closed:\n  enabled: true\n  required_fields: [delegation]\n",
    intent: { context: { risk_class: "high" } },
    verdict: "block",
    reasons: ["fail_closed_missing_delegation"],
    violations: ["missing_delegation"],
  },
  {
    name: "fail_closed required_fields context_evidence (claims stripped without envelope)",
    policy:
      "default_verdict: allow\nfail_closed:\n  enabled: true\n  required_fields: [context_evidence]\n",
    intent: { context: { risk_class: "high", context_set_digest: HEX_A } },
    verdict: "block",
    reasons: ["context_evidence_missing"],
    violations: ["missing_context_evidence"],
  },
  {
    name: "fail_closed required_fields context_evidence satisfied by an envelope",
    policy:
      "default_verdict: allow\nfail_closed:\n  enabled: true\n  required_fields: [context_evidence]\n",
    intent: { context: { risk_class: "high" } },
    options: { envelope: ENVELOPE },
    verdict: "allow",
  },
  {
    name: "fail_closed required_high_risk_fields (strings, agent_identity, ttl)",
    policy:
      "default_verdict: allow\nfail_closed:\n  enabled: true\n  required_high_risk_fields: [run_id, agent_identity, credential_ttl_seconds, approval_ref]\n",
    intent: { context: { risk_class: "high", approval_ref: "chg-1" } },
    verdict: "block",
    reasons: [
      "fail_closed_missing_agent_identity",
      "fail_closed_missing_credential_ttl_seconds",
      "fail_closed_missing_run_id",
    ],
    violations: ["missing_agent_identity", "missing_credential_ttl_seconds", "missing_run_id"],
  },
  {
    name: "fail_closed does not apply to uncovered risk classes",
    policy:
      "default_verdict: allow\nfail_closed:\n  enabled: true\n  required_fields: [targets, delegation]\n",
    intent: { targets: [], context: { risk_class: "low" } },
    verdict: "allow",
  },
  {
    name: "fail_closed explicit risk_classes",
    policy:
      "default_verdict: allow\nfail_closed:\n  enabled: true\n  risk_classes: [medium]\n  required_fields: [delegation]\n",
    verdict: "block",
    reasons: ["fail_closed_missing_delegation"],
  },

  // --- kill switch (§3.1 steps 3, 5) -----------------------------------------------------
  {
    name: "kill-switch state unavailable → block, kill_switch_state_unavailable",
    policy: "default_verdict: allow\n",
    options: { killSwitch: { unavailable: true } },
    verdict: "block",
    reasons: ["kill_switch_state_unavailable"],
    violations: ["kill_switch_state_unavailable"],
    check: (o) => {
      assert.equal(o.kill_switch?.status, "unavailable");
      assert.equal(o.kill_switch?.evaluated_at, "2026-02-18T12:00:00Z");
    },
  },
  {
    name: "kill-switch active decision → block, codes merged, kill_switch_active violation",
    policy: "default_verdict: allow\n",
    options: {
      killSwitch: {
        decision: {
          status: "active",
          reason_code: "kill_switch_tool_name_active",
          reason_codes: ["kill_switch_active", "kill_switch_tool_name_active"],
          matched_entry_ids: ["e1"],
          evaluated_at: "2026-02-18T12:00:00Z",
        },
      },
    },
    verdict: "block",
    reasons: ["default_allow", "kill_switch_active", "kill_switch_tool_name_active"],
    violations: ["kill_switch_active"],
    check: (o) => assert.equal(o.result.verdict, "block"),
  },
  {
    name: "kill-switch inactive decision is attached without changing the verdict",
    policy: "default_verdict: allow\n",
    options: {
      killSwitch: (p) => ({
        decision: {
          status: "inactive",
          reason_code: "",
          reason_codes: [],
          matched_entry_ids: [],
          evaluated_at: p.created_at,
        },
      }),
    },
    verdict: "allow",
    check: (o) => assert.equal(o.kill_switch?.status, "inactive"),
  },
  {
    name: "fail-closed stops before the kill-switch overlay",
    policy: "default_verdict: allow\n",
    intent: { targets: [{ kind: "repo", value: "r" }] },
    options: { killSwitch: { unavailable: true } },
    verdict: "block",
    reasons: ["fail_closed_endpoint_class_unknown"],
  },

  // --- rule basics -----------------------------------------------------------------------
  {
    name: "rule without reason_codes → matched_rule_<sanitized name>",
    policy:
      'default_verdict: block\nrules:\n  - name: Allow Safe-Tools "v2" <x>\n    effect: allow\n',
    verdict: "allow",
    reasons: ['matched_rule_allow_safe_tools_\\"v2\\"_\\u003cx\\u003e'],
    check: (o) => assert.equal(o.matched_rule, 'Allow Safe-Tools "v2" <x>'),
  },
  {
    name: "rule reason_codes and violations replace the default reason",
    policy: R("reason_codes: [why]\nviolations: [what]", "block"),
    verdict: "block",
    reasons: ["why"],
    violations: ["what"],
    check: (o) => assert.deepEqual(o.matched_rules.map((r) => r.name), ["r"]),
  },
  {
    name: "effect dry_run",
    policy: R("", "dry_run"),
    verdict: "dry_run",
    reasons: ["matched_rule_r"],
  },
  {
    name: "effect require_approval → min_approvals 1",
    policy: R("", "require_approval"),
    verdict: "require_approval",
    check: (o) => assert.equal(o.min_approvals, 1),
  },
  {
    name: "min_approvals 3 → distinct approvers",
    policy: R("min_approvals: 3", "require_approval"),
    verdict: "require_approval",
    check: (o) => {
      assert.equal(o.min_approvals, 3);
      assert.equal(o.require_distinct_approvers, true);
    },
  },
  {
    name: "require_distinct_approvers without min_approvals",
    policy: R("require_distinct_approvers: true", "require_approval"),
    verdict: "require_approval",
    check: (o) => assert.deepEqual([o.min_approvals, o.require_distinct_approvers], [1, true]),
  },
  {
    name: "min_approvals dropped when the verdict is not require_approval",
    policy: R("min_approvals: 2"),
    verdict: "allow",
    check: (o) => assert.deepEqual([o.min_approvals, o.require_distinct_approvers], [0, false]),
  },
  {
    name: "broker keys are returned on the outcome",
    policy: R(
      "require_broker_credential: true\nbroker_reference: vault/writer\nbroker_scopes: [fs:write, FS:Read]",
    ),
    verdict: "allow",
    check: (o) => {
      assert.equal(o.require_broker_credential, true);
      assert.equal(o.broker_reference, "vault/writer");
      assert.deepEqual(o.broker_scopes, ["fs:read", "fs:write"]);
    },
  },
  {
    name: "rate_limit and destructive_budget are returned, not enforced",
    policy: R(
      "rate_limit: {requests: 10, window: hour, scope: identity}\ndestructive_budget: {requests: 2}",
    ),
    verdict: "allow",
    check: (o) => {
      assert.deepEqual(o.rate_limit, { requests: 10, window: "hour", scope: "identity" });
      assert.deepEqual(o.destructive_budget, {
        requests: 2,
        window: "minute",
        scope: "tool_identity",
      });
    },
  },
  {
    name: "rate_limit with requests 0 is inert",
    policy: R("rate_limit: {requests: 0, window: hour}"),
    verdict: "allow",
    check: (o) => assert.equal(o.rate_limit, null),
  },

  // --- tiers and precedence (§3.2, §3.4) ---------------------------------------------------
  {
    name: "tiers: the first matching priority wins even when less restrictive",
    policy:
      "default_verdict: block\nrules:\n  - {name: late-block, priority: 20, effect: block}\n  - {name: early-allow, priority: 10, effect: allow}\n",
    verdict: "allow",
    reasons: ["matched_rule_early_allow"],
    check: (o) => assert.equal(o.matched_rule, "early-allow"),
  },
  {
    name:
      "tiers: most restrictive effect within the tier; only winners contribute; all tier names matched",
    policy:
      "default_verdict: allow\nrules:\n  - {name: b-allow, priority: 5, effect: allow, reason_codes: [ok], broker_reference: x}\n  - {name: a-approve, priority: 5, effect: require_approval, reason_codes: [check], min_approvals: 2}\n  - {name: later, priority: 6, effect: block}\n",
    verdict: "require_approval",
    reasons: ["check"],
    check: (o) => {
      assert.equal(o.matched_rule, "a-approve,b-allow");
      assert.equal(o.min_approvals, 2);
      assert.equal(o.broker_reference, "");
      assert.deepEqual(o.matched_rules.map((r) => r.name), ["a-approve", "b-allow"]);
    },
  },
  {
    name: "tiers: non-matching rules of the first priority are skipped",
    policy:
      "default_verdict: allow\nrules:\n  - {name: other-tool, priority: 1, effect: block, match: {tool_names: [x]}}\n  - {name: second, priority: 2, effect: dry_run}\n",
    verdict: "dry_run",
    check: (o) => assert.equal(o.matched_rule, "second"),
  },
  {
    name: "tiers: winners aggregate broker references (sorted, comma-joined) and scopes",
    policy:
      "default_verdict: allow\nrules:\n  - {name: a, effect: allow, broker_reference: z/ref, broker_scopes: [s1], match: {delegation_scopes: []}}\n  - {name: b, effect: allow, broker_reference: a/ref, broker_scopes: [s2], require_broker_credential: true}\n",
    verdict: "allow",
    check: (o) => {
      assert.equal(o.broker_reference, "a/ref,z/ref");
      assert.deepEqual(o.broker_scopes, ["s1", "s2"]);
      assert.equal(o.require_broker_credential, true);
    },
  },
  {
    name: "tiers: the most restrictive rate limit wins (fewest, then minute, then scope)",
    policy:
      "default_verdict: allow\nrules:\n  - {name: a, effect: allow, rate_limit: {requests: 5, window: hour, scope: tool}}\n  - {name: b, effect: allow, rate_limit: {requests: 5, window: minute, scope: tool_identity}}\n  - {name: c, effect: allow, rate_limit: {requests: 5, window: minute, scope: identity}}\n  - {name: d, effect: allow, rate_limit: {requests: 9}}\n",
    verdict: "allow",
    check: (o) =>
      assert.deepEqual(o.rate_limit, { requests: 5, window: "minute", scope: "identity" }),
  },
  {
    name: "destructive apply: an allow rule over a destructive target requires approval",
    policy: R(""),
    intent: DELETE_TARGET,
    verdict: "require_approval",
    reasons: ["destructive_apply_requires_approval", "matched_rule_r"],
    violations: [],
    check: (o) => assert.equal(o.min_approvals, 1),
  },
  {
    name: "plan phase: a destructive target caps at dry_run",
    policy: R(""),
    intent: { ...DELETE_TARGET, context: { phase: "plan" } },
    verdict: "dry_run",
    reasons: ["matched_rule_r", "plan_phase_non_destructive"],
    check: (o) => assert.equal(o.phase, "plan"),
  },
  {
    name: "plan phase: a block rule stays block",
    policy: R("", "block"),
    intent: { ...DELETE_TARGET, context: { phase: "plan" } },
    verdict: "block",
  },
  {
    name: "plan phase without destructive targets: no adjustment",
    policy: R(""),
    intent: { context: { phase: "plan" } },
    verdict: "allow",
    reasons: ["matched_rule_r"],
  },
  {
    name: "dataflow relaxes a block rule to its action",
    policy: R("dataflow:\n  enabled: true", "block"),
    intent: { ...HOST_TARGET(), arg_provenance: [{ arg_path: "$.body", source: "external" }] },
    verdict: "require_approval",
    reasons: ["dataflow_tainted_destination", "matched_rule_r"],
    violations: ["tainted_dataflow"],
  },

  // --- §3.3 step 1: dataflow -------------------------------------------------------------------
  {
    name: "dataflow: untainted provenance has no effect",
    policy: R("dataflow:\n  enabled: true"),
    intent: HOST_TARGET(),
    verdict: "allow",
  },
  {
    name: "dataflow: default destinations are host url bucket queue topic only",
    policy: R("dataflow:\n  enabled: true\n  action: block"),
    intent: { arg_provenance: [{ arg_path: "$", source: "tool_output" }] },
    verdict: "allow",
  },
  {
    name: "dataflow: filters must all hold on one target",
    policy: R(
      "dataflow:\n  tainted_sources: [user]\n  destination_kinds: [path]\n  destination_operations: [write]\n  action: block\n  reason_code: leak\n  violation: leak_v",
    ),
    intent: { targets: [{ kind: "path", value: "/a", operation: "write" }] },
    verdict: "block",
    reasons: ["leak", "matched_rule_r"],
    violations: ["leak_v"],
  },
  {
    name: "dataflow: filters failing → no effect",
    policy: R(
      "dataflow:\n  tainted_sources: [user]\n  destination_values: [/other]\n  action: block",
    ),
    verdict: "allow",
  },

  // --- §3.3 step 2: endpoint -------------------------------------------------------------------
  {
    name: "endpoint: path denylist (p/** matches p itself)",
    policy: R("endpoint:\n  path_denylist: [/etc/**]"),
    intent: PATH_TARGET("/etc"),
    verdict: "block",
    reasons: ["endpoint_constraint_violation", "endpoint_path_denied", "matched_rule_r"],
    violations: ["endpoint_constraint_violation", "endpoint_path_denied"],
  },
  {
    name: "endpoint: path allowlist miss",
    policy: R(
      "endpoint:\n  path_allowlist: [/srv/**]\n  reason_code: outside\n  violation: outside_v",
    ),
    intent: PATH_TARGET("/repo/a"),
    verdict: "block",
    reasons: ["endpoint_path_not_allowlisted", "matched_rule_r", "outside"],
    violations: ["endpoint_path_not_allowlisted", "outside_v"],
  },
  {
    name: "endpoint: path glob * does not cross /",
    policy: R("endpoint:\n  path_allowlist: ['/repo/*.txt']"),
    intent: PATH_TARGET("/repo/sub/a.txt"),
    verdict: "block",
    reasons: ["endpoint_constraint_violation", "endpoint_path_not_allowlisted", "matched_rule_r"],
  },
  {
    name: "endpoint: path glob with class and ? matches",
    policy: R("endpoint:\n  path_allowlist: ['/repo/[a-c]?.txt']"),
    intent: PATH_TARGET("/repo/b1.txt"),
    verdict: "allow",
  },
  {
    name: "endpoint: malformed glob never matches",
    policy: R("endpoint:\n  path_denylist: ['/repo/[', '/repo/\\\\']"),
    intent: PATH_TARGET("/repo/x"),
    verdict: "allow",
  },
  {
    name: "endpoint: domain denylist *.x.y",
    policy: R("endpoint:\n  domain_denylist: ['*.evil.test']"),
    intent: URL_TARGET("https://a.b.evil.test/x"),
    verdict: "block",
    reasons: ["endpoint_constraint_violation", "endpoint_domain_denied", "matched_rule_r"],
  },
  {
    name: "endpoint: *.x.y does not match x.y itself",
    policy: R("endpoint:\n  domain_allowlist: ['*.example.com']\n  action: require_approval"),
    intent: HOST_TARGET("example.com"),
    verdict: "require_approval",
    reasons: ["endpoint_constraint_violation", "endpoint_domain_not_allowlisted", "matched_rule_r"],
  },
  {
    name: "endpoint: an exact path matches even when it is not a valid glob",
    policy: R("endpoint:\n  path_denylist: ['/repo/[']"),
    intent: PATH_TARGET("/repo/["),
    verdict: "block",
    reasons: ["endpoint_constraint_violation", "endpoint_path_denied", "matched_rule_r"],
  },
  {
    name: "endpoint: domain allowlist hit",
    policy: R("endpoint:\n  domain_allowlist: ['*.example.com', 'cdn-?.net']"),
    intent: HOST_TARGET("cdn-1.net"),
    verdict: "allow",
  },
  {
    name: "endpoint: egress class not allowed",
    policy: R("endpoint:\n  egress_classes: [net.dns]"),
    intent: HOST_TARGET(),
    verdict: "block",
    reasons: [
      "endpoint_constraint_violation",
      "endpoint_egress_class_not_allowed",
      "matched_rule_r",
    ],
  },
  {
    name:
      "endpoint: destructive_action require_approval alone still blocks (action defaults to block)",
    policy: R("endpoint:\n  destructive_action: require_approval"),
    intent: DELETE_TARGET,
    verdict: "block",
    reasons: [
      "destructive_apply_requires_approval",
      "endpoint_constraint_violation",
      "endpoint_destructive_operation",
      "matched_rule_r",
    ],
    violations: ["destructive_operation", "endpoint_constraint_violation"],
  },
  {
    name: "endpoint: action and destructive_action require_approval → require_approval",
    policy: R("endpoint:\n  action: require_approval\n  destructive_action: require_approval"),
    intent: DELETE_TARGET,
    verdict: "require_approval",
  },
  {
    name: "endpoint: nothing fired → no codes",
    policy: R("endpoint:\n  path_allowlist: [/repo/**]\n  destructive_action: block"),
    verdict: "allow",
    reasons: ["matched_rule_r"],
  },

  // --- §3.3 step 3: context --------------------------------------------------------------------
  {
    name: "context: require_context_evidence without envelope",
    policy: R("require_context_evidence: true"),
    verdict: "block",
    reasons: [
      "context_evidence_missing",
      "context_evidence_mode_mismatch",
      "context_set_digest_missing",
      "matched_rule_r",
    ],
    violations: ["context_evidence_mode_violation", "missing_context_evidence"],
  },
  {
    name: "context: envelope with required mode satisfies it",
    policy: R("require_context_evidence: true\nmax_context_age_seconds: 3600"),
    options: { envelope: ENVELOPE },
    verdict: "allow",
    check: (o) => assert.equal(o.reason_codes.includes("context_freshness_exceeded"), false),
  },
  {
    name: "context: freshness exceeded",
    policy: R("max_context_age_seconds: 600"),
    options: { envelope: ENVELOPE },
    verdict: "block",
    reasons: ["context_freshness_exceeded", "matched_rule_r"],
    violations: ["context_freshness_violation"],
  },
  {
    name: "context: freshness without any age is exceeded",
    policy: R("max_context_age_seconds: 600"),
    verdict: "block",
    reasons: ["context_freshness_exceeded", "matched_rule_r"],
  },
  {
    name: "context: a claimed context_age_seconds never counts without an envelope",
    policy: R("max_context_age_seconds: 600"),
    intent: { context: { auth_context: { context_age_seconds: 1 } } },
    verdict: "block",
    reasons: ["context_freshness_exceeded", "matched_rule_r"],
  },

  // --- §3.3 step 4: agent identity -----------------------------------------------------------
  {
    name: "agent: require_declared_agent without agent → agent_unknown / agent_identity_missing",
    policy: R("require_declared_agent: true"),
    verdict: "block",
    reasons: ["agent_unknown", "matched_rule_r"],
    violations: ["agent_identity_missing"],
  },
  {
    name: "agent: a fully declared agent passes every check",
    policy: R(
      `require_declared_agent: true\nallowed_agent_ids: [agent-1]\nrequired_agent_manifest_digest: ${HEX_A}\nallowed_agent_manifest_publishers: [acme]\nallowed_agent_manifest_sources: [registry]\nrequired_agent_lifecycle_states: [active, approved]\nrequire_agent_owner: true\nrequire_unexpired_agent: true`,
    ),
    intent: { context: AGENT },
    verdict: "allow",
    reasons: ["matched_rule_r"],
  },
  {
    name: "agent: denied id → agent_revoked",
    policy: R("denied_agent_ids: [agent-1]"),
    intent: { context: AGENT },
    verdict: "block",
    reasons: ["agent_revoked", "matched_rule_r"],
    violations: ["agent_revoked"],
  },
  {
    name: "agent: revoked identity → agent_revoked",
    policy: R("require_agent_owner: true"),
    intent: { context: { ...AGENT, agent_identity: { ...AGENT.agent_identity, revoked: true } } },
    verdict: "block",
    reasons: ["agent_revoked", "matched_rule_r"],
  },
  {
    name: "agent: not in allow list → agent_unknown / agent_not_declared",
    policy: R("allowed_agent_ids: [agent-2]"),
    intent: { context: AGENT },
    verdict: "block",
    reasons: ["agent_unknown", "matched_rule_r"],
    violations: ["agent_not_declared"],
  },
  {
    name: "agent: owner missing",
    policy: R("require_agent_owner: true"),
    intent: { context: { agent_id: "agent-1", agent_identity: { source: "x" } } },
    verdict: "block",
    reasons: ["agent_owner_missing", "matched_rule_r"],
  },
  {
    name: "agent: lifecycle states missing one required",
    policy: R("required_agent_lifecycle_states: [active, certified]"),
    intent: { context: AGENT },
    verdict: "block",
    reasons: ["agent_lifecycle_state_invalid", "matched_rule_r"],
  },
  {
    name: "agent: expired identity",
    policy: R("require_unexpired_agent: true"),
    intent: { context: { ...AGENT, agent_identity: { expires_at: "2026-02-18T12:00:00Z" } } },
    verdict: "block",
    reasons: ["agent_expired", "matched_rule_r"],
  },
  {
    name: "agent: zero expiry counts as expired",
    policy: R("require_unexpired_agent: true"),
    intent: { context: { agent_identity: { owner: "o" } } },
    verdict: "block",
    reasons: ["agent_expired", "matched_rule_r"],
  },
  {
    name: "agent: manifest digest mismatch",
    policy: R(`required_agent_manifest_digest: ${HEX_B}`),
    intent: { context: AGENT },
    verdict: "block",
    reasons: ["agent_manifest_mismatch", "matched_rule_r"],
  },
  {
    name: "agent: publisher not allowed",
    policy: R("allowed_agent_manifest_publishers: [other]"),
    intent: { context: AGENT },
    verdict: "block",
    reasons: ["agent_manifest_mismatch", "matched_rule_r"],
  },

  // --- §3.3 step 5: credential posture ---------------------------------------------------------
  {
    name: "credential: no evidence at all",
    policy: R("block_standing_credentials: true"),
    verdict: "block",
    reasons: [
      "credential_access_type_unknown",
      "credential_evidence_missing",
      "credential_source_unknown",
      "matched_rule_r",
      "standing_credential_disallowed",
    ],
  },
  {
    name: "credential: JIT evidence passes every check",
    policy: R(
      "block_standing_credentials: true\nrequire_jit_credential: true\nallowed_credential_sources: [vault_dynamic]\nallowed_credential_issuers: [vault]\nallowed_credential_access_types: [jit]\nmax_credential_ttl_seconds: 900",
    ),
    intent: { context: CREDS },
    verdict: "allow",
    reasons: ["matched_rule_r"],
  },
  {
    name: "credential: not JIT",
    policy: R("require_jit_credential: true"),
    intent: { context: { ...CREDS, credential_access_type: "standing" } },
    verdict: "block",
    reasons: ["credential_not_jit", "matched_rule_r"],
  },
  {
    name: "credential: standing disallowed",
    policy: R("block_standing_credentials: true"),
    intent: { context: { ...CREDS, credential_access_type: "static" } },
    verdict: "block",
    reasons: ["matched_rule_r", "standing_credential_disallowed"],
  },
  {
    name: "credential: source, issuer and access type not allowed",
    policy: R(
      "allowed_credential_sources: [aws_sts]\nallowed_credential_issuers: [iam]\nallowed_credential_access_types: [standing]",
    ),
    intent: { context: CREDS },
    verdict: "block",
    reasons: [
      "credential_access_type_disallowed",
      "credential_issuer_disallowed",
      "credential_source_disallowed",
      "matched_rule_r",
    ],
  },
  {
    name: "credential: ttl exceeded",
    policy: R("max_credential_ttl_seconds: 60"),
    intent: { context: CREDS },
    verdict: "block",
    reasons: ["credential_ttl_exceeded", "matched_rule_r"],
  },
  {
    name: "credential: ttl missing counts as missing evidence",
    policy: R("max_credential_ttl_seconds: 60"),
    intent: { context: { ...CREDS, credential_ttl_seconds: 0 } },
    verdict: "block",
    reasons: ["credential_evidence_missing", "matched_rule_r"],
  },
  {
    name: "credential: target binding mismatch; run and job binding mismatch",
    policy: R("max_credential_ttl_seconds: 900"),
    intent: {
      context: {
        ...CREDS,
        credential_target_binding: HEX_A,
        credential_run_binding: "run-1",
        run_id: "run-2",
        credential_job_binding: "job-1",
        job_id: "job-2",
      },
    },
    verdict: "block",
    reasons: [
      "credential_job_binding_mismatch",
      "credential_run_binding_mismatch",
      "credential_target_binding_mismatch",
      "matched_rule_r",
    ],
  },
  {
    name: "credential: a matching target binding passes",
    policy: R("max_credential_ttl_seconds: 900"),
    intent: {
      targets: [],
      context: {
        ...CREDS,
        credential_target_binding:
          "4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945",
        run_id: "run-2",
        credential_run_binding: "run-2",
      },
    },
    verdict: "allow",
  },

  // --- §3.3 step 6: freeze window (§6.3) -------------------------------------------------------
  {
    name: "freeze window active (block), UTC",
    policy: R(
      "freeze_window:\n  timezone: UTC\n  reason: change freeze\n  windows:\n    - {name: feb, start: '2026-02-18T00:00:00', end: '2026-02-19T00:00:00'}",
    ),
    verdict: "block",
    reasons: ["freeze_window_active_block", "matched_rule_r"],
    violations: ["freeze_window_active_block"],
    check: (o) =>
      assert.deepEqual(o.freeze_window, {
        status: "active",
        effect: "block",
        timezone: "UTC",
        evaluated_at: "2026-02-18T12:00:00Z",
        window_name: "feb",
        window_start: "2026-02-18T00:00:00Z",
        window_end: "2026-02-19T00:00:00Z",
        reason: "change freeze",
        reason_code: "freeze_window_active_block",
      }),
  },
  {
    name: "freeze window active (require_approval) in a time zone; reason defaults to window name",
    policy: R(
      "freeze_window:\n  timezone: America/New_York\n  effect: require_approval\n  windows:\n    - {start: '2026-02-18T07:00:00', end: '2026-02-18T07:00:01'}",
    ),
    verdict: "require_approval",
    reasons: ["freeze_window_active_require_approval", "matched_rule_r"],
    check: (o) => {
      assert.equal(o.freeze_window?.window_start, "2026-02-18T12:00:00Z");
      assert.equal(o.freeze_window?.reason, "window-1");
    },
  },
  {
    name: "freeze window: end is exclusive → inactive decision still reported",
    policy: R(
      "freeze_window:\n  timezone: UTC\n  windows:\n    - {start: '2026-02-18T00:00:00', end: '2026-02-18T12:00:00'}",
    ),
    verdict: "allow",
    reasons: ["matched_rule_r"],
    check: (o) => {
      assert.equal(o.freeze_window?.status, "inactive");
      assert.equal(o.freeze_window?.window_start, "0001-01-01T00:00:00Z");
    },
  },
  {
    name: "freeze window: environment filter unmet → inactive",
    policy: R(
      "freeze_window:\n  timezone: UTC\n  environments: [prod]\n  windows:\n    - {start: '2026-02-18T00:00:00', end: '2026-02-19T00:00:00'}",
    ),
    intent: { context: { environment: "staging" } },
    verdict: "allow",
  },
  {
    name: "freeze window: environment filter met (case-insensitive)",
    policy: R(
      "freeze_window:\n  timezone: UTC\n  environments: [prod]\n  windows:\n    - {start: '2026-02-18T00:00:00', end: '2026-02-19T00:00:00'}",
    ),
    intent: { context: { environment: "PROD" } },
    verdict: "block",
  },
  {
    name: "freeze window: risk filter unmet → inactive",
    policy: R(
      "freeze_window:\n  timezone: UTC\n  risk_classes: [high]\n  windows:\n    - {start: '2026-02-18T00:00:00', end: '2026-02-19T00:00:00'}",
    ),
    verdict: "allow",
  },
  {
    name: "freeze window: unknown time zone → invalid, block",
    policy: R(
      "freeze_window:\n  timezone: Mars/Olympus\n  windows:\n    - {start: '2026-02-18T00:00:00', end: '2026-02-19T00:00:00'}",
    ),
    verdict: "block",
    reasons: ["freeze_window_invalid_timezone", "matched_rule_r"],
    check: (o) => assert.equal(o.freeze_window?.status, "invalid"),
  },
  {
    name: "freeze window: unparsable window → invalid, block",
    policy: R(
      "freeze_window:\n  timezone: UTC\n  windows:\n    - {start: '2026-02-18', end: '2026-02-19T00:00:00'}",
    ),
    verdict: "block",
    reasons: ["freeze_window_invalid_window", "matched_rule_r"],
  },
  {
    name: "freeze window: end before start → invalid",
    policy: R(
      "freeze_window:\n  timezone: UTC\n  windows:\n    - {start: '2026-02-19T00:00:00', end: '2026-02-18T00:00:00'}",
    ),
    verdict: "block",
    reasons: ["freeze_window_invalid_window", "matched_rule_r"],
  },

  // --- §3.3 step 7: sandbox (§6.4) ---------------------------------------------------------
  {
    name: "sandbox: metadata missing",
    policy: R("sandbox:\n  enabled: true"),
    verdict: "block",
    reasons: ["matched_rule_r", "sandbox_metadata_missing"],
    violations: ["sandbox_metadata_missing"],
    check: (o) => assert.equal(o.sandbox?.status, "missing"),
  },
  {
    name: "sandbox: valid metadata",
    policy: R(
      "sandbox:\n  allowed_network_modes: [disabled]\n  allowed_env_exposure_modes: [none]\n  allowed_filesystem_isolations: [container]\n  allowed_user_modes: [unprivileged]\n  allowed_writable_path_prefixes: [/tmp]\n  required_read_only_roots: [/usr/lib]\n  max_timeout_seconds: 60",
    ),
    intent: { context: { sandbox: SANDBOX_OK } },
    verdict: "allow",
    check: (o) =>
      assert.deepEqual(o.sandbox, {
        status: "valid",
        network_mode: "disabled",
        env_exposure_mode: "none",
        timeout_seconds: 60,
        filesystem_isolation: "container",
        user_mode: "unprivileged",
        evidence_ref: "sandbox:run-1",
        evidence_digest: HEX_A,
        reason_codes: [],
      }),
  },
  {
    name: "sandbox: disallowed modes, exceeded timeout, writable path → disallowed",
    policy: R(
      "sandbox:\n  allowed_network_modes: [disabled]\n  allowed_env_exposure_modes: [allowlist]\n  allowed_filesystem_isolations: [workspace]\n  allowed_user_modes: [root]\n  allowed_writable_path_prefixes: [/work]\n  max_timeout_seconds: 30",
    ),
    intent: { context: { sandbox: { ...SANDBOX_OK, network_mode: "full" } } },
    verdict: "block",
    reasons: [
      "matched_rule_r",
      "sandbox_env_exposure_mode_disallowed",
      "sandbox_filesystem_isolation_disallowed",
      "sandbox_network_mode_disallowed",
      "sandbox_timeout_exceeded",
      "sandbox_user_mode_disallowed",
      "sandbox_writable_path_disallowed",
    ],
    check: (o) => assert.equal(o.sandbox?.status, "disallowed"),
  },
  {
    name: "sandbox: missing modes, evidence, timeout and read-only root → missing",
    policy: R(
      "sandbox:\n  allowed_network_modes: [disabled]\n  allowed_env_exposure_modes: [none]\n  allowed_filesystem_isolations: [container]\n  allowed_user_modes: [unprivileged]\n  required_read_only_roots: [/etc]\n  max_timeout_seconds: 30",
    ),
    intent: { context: { sandbox: { writable_paths: ["/tmp"] } } },
    verdict: "block",
    reasons: [
      "matched_rule_r",
      "sandbox_env_exposure_mode_missing",
      "sandbox_evidence_missing",
      "sandbox_filesystem_isolation_missing",
      "sandbox_network_mode_missing",
      "sandbox_read_only_root_missing",
      "sandbox_timeout_missing",
      "sandbox_user_mode_missing",
    ],
    check: (o) => assert.equal(o.sandbox?.status, "missing"),
  },
  {
    name: "sandbox: writable prefix / allows everything",
    policy: R("sandbox:\n  allowed_writable_path_prefixes: [/]"),
    intent: { context: { sandbox: { ...SANDBOX_OK, writable_paths: ["/anything/at/all"] } } },
    verdict: "allow",
  },
  {
    name: "sandbox: a valid sandbox over proc.exec targets skips the destructive-apply adjustment",
    policy: R("sandbox:\n  allowed_network_modes: [disabled]"),
    intent: { ...EXEC_TARGET, context: { sandbox: SANDBOX_OK } },
    verdict: "allow",
    reasons: ["matched_rule_r"],
  },
  {
    name: "sandbox: an exec target without a sandbox rule still requires approval in apply",
    policy: R(""),
    intent: EXEC_TARGET,
    verdict: "require_approval",
    reasons: ["destructive_apply_requires_approval", "matched_rule_r"],
  },

  // --- match selectors (§2.4), pass and fail ------------------------------------------------------
  {
    name: "match tool_names pass",
    policy: R("match: {tool_names: [tool.read]}"),
    verdict: "allow",
  },
  {
    name: "match tool_names fail",
    policy: R("match: {tool_names: [tool.write]}"),
    verdict: "block",
    reasons: ["default_block"],
  },
  {
    name: "match tool_name (alias) pass",
    policy: R("match: {tool_name: Tool.Read}"),
    verdict: "allow",
  },
  {
    name: "match risk_classes pass",
    policy: R("match: {risk_classes: [medium]}"),
    verdict: "allow",
  },
  { name: "match risk_classes fail", policy: R("match: {risk_classes: [high]}"), verdict: "block" },
  {
    name: "match identities pass (case kept)",
    policy: R("match: {identities: [alice]}"),
    verdict: "allow",
  },
  {
    name: "match identities fail (case kept)",
    policy: R("match: {identities: [Alice]}"),
    verdict: "block",
  },
  {
    name: "match workspace_prefixes pass",
    policy: R("match: {workspace_prefixes: [/re]}"),
    verdict: "allow",
  },
  {
    name: "match workspace_prefixes fail",
    policy: R("match: {workspace_prefixes: [/srv]}"),
    verdict: "block",
  },
  { name: "match target_kinds pass", policy: R("match: {target_kinds: [path]}"), verdict: "allow" },
  { name: "match target_kinds fail", policy: R("match: {target_kinds: [host]}"), verdict: "block" },
  {
    name: "match destination_kinds pass",
    policy: R("match: {destination_kinds: [path]}"),
    verdict: "allow",
  },
  {
    name: "match destination_kinds fail",
    policy: R("match: {destination_kinds: [url]}"),
    verdict: "block",
  },
  {
    name: "match target_values pass",
    policy: R("match: {target_values: [/repo/a.txt]}"),
    verdict: "allow",
  },
  {
    name: "match target_values fail (case kept)",
    policy: R("match: {target_values: [/REPO/a.txt]}"),
    verdict: "block",
  },
  {
    name: "match destination_values pass",
    policy: R("match: {destination_values: [/repo/a.txt]}"),
    verdict: "allow",
  },
  {
    name: "match destination_values fail",
    policy: R("match: {destination_values: [/x]}"),
    verdict: "block",
  },
  {
    name: "match endpoint_classes pass",
    policy: R("match: {endpoint_classes: [fs.read]}"),
    verdict: "allow",
  },
  {
    name: "match endpoint_class (alias) fail",
    policy: R("match: {endpoint_class: [fs.write]}"),
    verdict: "block",
  },
  {
    name: "match discovery_method pass",
    policy: R("match: {discovery_method: [mcp]}"),
    intent: {
      targets: [{ kind: "path", value: "/a", operation: "read", discovery_method: "MCP" }],
    },
    verdict: "allow",
  },
  {
    name: "match discovery_method fail (default unknown)",
    policy: R("match: {discovery_method: [mcp]}"),
    verdict: "block",
  },
  {
    name: "match destination_operations pass",
    policy: R("match: {destination_operations: [read]}"),
    verdict: "allow",
  },
  {
    name: "match destination_operations fail",
    policy: R("match: {destination_operations: [write]}"),
    verdict: "block",
  },
  {
    name: "match data_classes pass",
    policy: R("match: {data_classes: [pii]}"),
    intent: { targets: [{ kind: "path", value: "/a", operation: "read", sensitivity: "PII" }] },
    verdict: "allow",
  },
  { name: "match data_classes fail", policy: R("match: {data_classes: [pii]}"), verdict: "block" },
  {
    name: "match tool_annotations pass (hints may be met by different targets)",
    policy: R("match:\n  tool_annotations: {readOnlyHint: true, openWorldHint: false}"),
    intent: {
      targets: [{
        kind: "path",
        value: "/a",
        operation: "read",
        read_only_hint: true,
        open_world_hint: true,
      }, { kind: "path", value: "/b", operation: "read" }],
    },
    verdict: "allow",
  },
  {
    name: "match tool_annotations fail",
    policy: R("match:\n  tool_annotations: {destructiveHint: true}"),
    verdict: "block",
  },
  {
    name: "match tool_annotations: no targets → fail",
    policy: R("match:\n  tool_annotations: {idempotentHint: false}"),
    intent: { targets: [] },
    verdict: "block",
  },
  {
    name: "match skill_publishers and skill_sources pass (lowered)",
    policy: R("match: {skill_publishers: [acme], skill_sources: [registry]}"),
    intent: { skill_provenance: { skill_name: "s", source: "Registry", publisher: "ACME" } },
    verdict: "allow",
  },
  {
    name: "match skill_publishers: no skill provenance → fail",
    policy: R("match: {skill_publishers: [acme]}"),
    verdict: "block",
  },
  {
    name: "match skill_sources fail",
    policy: R("match: {skill_sources: [marketplace]}"),
    intent: { skill_provenance: { skill_name: "s", source: "registry", publisher: "acme" } },
    verdict: "block",
  },
  {
    name: "match provenance_sources pass",
    policy: R("match: {provenance_sources: [user]}"),
    verdict: "allow",
  },
  {
    name: "match provenance_sources fail",
    policy: R("match: {provenance_sources: [external]}"),
    verdict: "block",
  },
  {
    name: "match context_* selectors pass with a Wrkr inventory",
    policy: R(
      "match: {context_tool_names: [tool.read], context_data_classes: [pii], context_endpoint_classes: [fs.read], context_autonomy_levels: [autonomous]}",
    ),
    options: { wrkrInventory: INVENTORY },
    verdict: "allow",
  },
  {
    name: "match context_data_classes fail without Wrkr",
    policy: R("match: {context_data_classes: [pii]}"),
    verdict: "block",
  },
  {
    name: "match context_tool_names fail with a claimed non-string value",
    policy: R("match: {context_tool_names: ['1']}"),
    intent: { context: { auth_context: { "wrkr.tool_name": 1 } } },
    verdict: "block",
  },
  {
    name: "match delegation selectors pass (delegator, requester as delegate, link scope, depth)",
    policy: R(
      "match:\n  require_delegation: true\n  allowed_delegator_identities: [agent.lead]\n  allowed_delegate_identities: [agent.worker]\n  delegation_scopes: [read]\n  max_delegation_depth: 2",
    ),
    intent: { delegation: CHAIN, context: { identity: "agent.worker" } },
    verdict: "allow",
    check: (o) => {
      assert.equal(o.require_delegation, true);
      assert.deepEqual(o.required_delegation_scopes, ["read"]);
    },
  },
  {
    name: "match require_delegation: no delegation → fail",
    policy: R("match: {require_delegation: true}"),
    verdict: "block",
  },
  {
    name: "match max_delegation_depth fail",
    policy: R("match: {max_delegation_depth: 1}"),
    intent: { delegation: CHAIN },
    verdict: "block",
  },
  {
    name: "match max_delegation_depth 0 with an empty chain passes",
    policy: R("match: {max_delegation_depth: 0}"),
    intent: { delegation: { requester_identity: "alice" } },
    verdict: "allow",
  },
  {
    name: "match allowed_delegator_identities fail",
    policy: R("match: {allowed_delegator_identities: [boss]}"),
    intent: { delegation: CHAIN },
    verdict: "block",
  },
  {
    name: "match allowed_delegate_identities fail",
    policy: R("match: {allowed_delegate_identities: [nobody]}"),
    intent: { delegation: CHAIN },
    verdict: "block",
  },
  {
    name: "match delegation_scopes via delegation scope_class",
    policy: R("match: {delegation_scopes: [write]}"),
    intent: { delegation: CHAIN },
    verdict: "allow",
  },
  {
    name: "match delegation_scopes fail",
    policy: R("match: {delegation_scopes: [admin]}"),
    intent: { delegation: CHAIN },
    verdict: "block",
  },
  { name: "match: empty match matches everything", policy: R("match: {}"), verdict: "allow" },
  {
    name: "match: selectors AND together",
    policy: R("match: {tool_names: [tool.read], risk_classes: [high]}"),
    verdict: "block",
  },

  // --- scripts (§3.5) -------------------------------------------------------------------------
  {
    name: "script: steps evaluated separately; verdict max; reasons union; matched_rule joined",
    policy:
      "default_verdict: allow\nrules:\n  - {name: w, effect: require_approval, match: {tool_names: [tool.write]}, min_approvals: 2, broker_reference: ref-w}\n  - {name: r, effect: allow, match: {tool_names: [tool.read]}}\n",
    intent: {
      targets: [],
      script: {
        steps: [
          {
            tool_name: "tool.read",
            args: {},
            targets: [{ kind: "path", value: "/a", operation: "read" }],
          },
          {
            tool_name: "tool.write",
            args: {},
            targets: [{ kind: "path", value: "/b", operation: "write" }],
          },
          {
            tool_name: "tool.other",
            args: {},
            targets: [{ kind: "path", value: "/c", operation: "read" }],
          },
        ],
      },
    },
    verdict: "require_approval",
    reasons: ["default_allow", "matched_rule_r", "matched_rule_w"],
    check: (o) => {
      assert.equal(o.matched_rule, "r,w");
      assert.equal(o.min_approvals, 2);
      assert.equal(o.broker_reference, "ref-w");
      assert.equal(o.composite_risk_class, "medium");
      assert.deepEqual(o.step_verdicts.map((s) => s.verdict), [
        "allow",
        "require_approval",
        "allow",
      ]);
      assert.deepEqual(o.matched_rules.map((r) => r.name), ["r", "w"]);
      assert.equal(o.decision_path, "script");
    },
  },
  {
    name: "script: a destructive step is high risk",
    policy: "default_verdict: allow\nscripts:\n  block_mixed_risk: true\n",
    intent: {
      targets: [],
      script: {
        steps: [{ tool_name: "a", targets: [{ kind: "path", value: "/a", operation: "delete" }] }, {
          tool_name: "b",
          targets: [{ kind: "path", value: "/b", operation: "delete" }],
        }],
      },
    },
    verdict: "allow",
    check: (o) => assert.equal(o.composite_risk_class, "high"),
  },
  {
    name: "script: wrkr inventory applies per step",
    policy: R("match: {context_data_classes: [pii]}"),
    options: { wrkrInventory: INVENTORY },
    intent: {
      targets: [],
      script: {
        steps: [{
          tool_name: "tool.read",
          targets: [{ kind: "path", value: "/a", operation: "read" }],
        }, { tool_name: "tool.list", targets: [{ kind: "path", value: "/a", operation: "read" }] }],
      },
    },
    verdict: "block",
    check: (o) => assert.deepEqual(o.step_verdicts.map((s) => s.verdict), ["allow", "block"]),
  },
];

const observed = new Set<string>();

for (const row of ROWS) {
  Deno.test(`table: ${row.name}`, () => {
    const outcome = evaluateRaw(row.policy, rawIntent(row.intent ?? {}), row.options ?? {});
    for (const c of outcome.reason_codes) observed.add(c);
    for (const c of outcome.violations) observed.add(c);
    assert.equal(outcome.verdict, row.verdict, JSON.stringify(outcome.reason_codes));
    assert.equal(outcome.result.verdict, outcome.verdict);
    if (row.reasons) assert.deepEqual(outcome.reason_codes, row.reasons);
    if (row.violations) assert.deepEqual(outcome.violations, row.violations);
    assert.deepEqual(outcome.reason_codes, [...outcome.reason_codes].sort());
    assert.deepEqual(outcome.violations, [...new Set(outcome.violations)].sort());
    row.check?.(outcome);
  });
}

/** Every reason code and violation the policy engine itself can emit. */
const ENGINE_CODES = [
  "default_allow",
  "default_block",
  "default_dry_run",
  "default_require_approval",
  "fail_closed_endpoint_class_unknown",
  "endpoint_class_unknown",
  "fail_closed_missing_targets",
  "missing_targets",
  "fail_closed_missing_arg_provenance",
  "missing_arg_provenance",
  "fail_closed_missing_endpoint_class",
  "missing_endpoint_class",
  "fail_closed_missing_delegation",
  "missing_delegation",
  "context_evidence_missing",
  "missing_context_evidence",
  "fail_closed_missing_run_id",
  "missing_run_id",
  "kill_switch_state_unavailable",
  "kill_switch_active",
  "dataflow_tainted_destination",
  "tainted_dataflow",
  "endpoint_path_denied",
  "endpoint_path_not_allowlisted",
  "endpoint_domain_denied",
  "endpoint_domain_not_allowlisted",
  "endpoint_egress_class_not_allowed",
  "endpoint_destructive_operation",
  "destructive_operation",
  "endpoint_constraint_violation",
  "context_set_digest_missing",
  "context_evidence_mode_mismatch",
  "context_evidence_mode_violation",
  "context_freshness_exceeded",
  "context_freshness_violation",
  "agent_unknown",
  "agent_identity_missing",
  "agent_not_declared",
  "agent_revoked",
  "agent_owner_missing",
  "agent_lifecycle_state_invalid",
  "agent_expired",
  "agent_manifest_mismatch",
  "credential_evidence_missing",
  "credential_source_unknown",
  "credential_access_type_unknown",
  "credential_not_jit",
  "standing_credential_disallowed",
  "credential_source_disallowed",
  "credential_issuer_disallowed",
  "credential_access_type_disallowed",
  "credential_ttl_exceeded",
  "credential_target_binding_mismatch",
  "credential_run_binding_mismatch",
  "credential_job_binding_mismatch",
  "freeze_window_active_block",
  "freeze_window_active_require_approval",
  "freeze_window_invalid_timezone",
  "freeze_window_invalid_window",
  "sandbox_metadata_missing",
  "sandbox_evidence_missing",
  "sandbox_network_mode_missing",
  "sandbox_network_mode_disallowed",
  "sandbox_env_exposure_mode_missing",
  "sandbox_env_exposure_mode_disallowed",
  "sandbox_filesystem_isolation_missing",
  "sandbox_filesystem_isolation_disallowed",
  "sandbox_user_mode_missing",
  "sandbox_user_mode_disallowed",
  "sandbox_timeout_missing",
  "sandbox_timeout_exceeded",
  "sandbox_writable_path_disallowed",
  "sandbox_read_only_root_missing",
  "plan_phase_non_destructive",
  "destructive_apply_requires_approval",
];

Deno.test("table: every engine reason code and violation is exercised by a row", () => {
  const missing = ENGINE_CODES.filter((c) => !observed.has(c));
  assert.deepEqual(missing, []);
});
