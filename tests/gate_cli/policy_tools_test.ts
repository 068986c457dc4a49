/**
 * Policy tooling (spec 02 §7.2): fmt is idempotent and keeps the digest on
 * every fixture policy and template; the baseline templates parse and behave
 * as documented; policy test summaries; simulate recommendations.
 */

import assert from "node:assert/strict";
import { GaitError } from "../../src/core/errors.ts";
import { loadedPolicy } from "../../src/gate/eval_pipeline.ts";
import {
  evaluateIntent,
  normalizeIntent,
  parsePolicyYaml,
  policyDigest,
} from "../../src/gate/mod.ts";
import { formatPolicyYaml } from "../../src/gate/policy_format.ts";
import { recommend, simulatePolicies } from "../../src/gate/policy_simulate.ts";
import {
  POLICY_TEMPLATES,
  policyTemplate,
  resolvePolicyTemplate,
} from "../../src/gate/policy_templates.ts";
import { capSummary, policyTestSummary, runPolicyTest } from "../../src/gate/policy_test.ts";
import { ROOT } from "./_helpers.ts";

const NOW = "2026-02-18T12:00:00Z";

function fixturePolicies(): [string, string][] {
  const out: [string, string][] = [];
  const walk = (dir: string) => {
    for (const e of Deno.readDirSync(dir)) {
      const p = `${dir}/${e.name}`;
      if (e.isDirectory) walk(p);
      else if (
        e.name.endsWith(".yaml") && !e.name.startsWith("expected") && !e.name.startsWith("flags")
      ) {
        out.push([p.slice(ROOT.length + 1), Deno.readTextFileSync(p)]);
      }
    }
  };
  walk(`${ROOT}/fixtures/scenarios/gait`);
  walk(`${ROOT}/fixtures/policies`);
  walk(`${ROOT}/examples/policy`);
  for (const t of POLICY_TEMPLATES) out.push([t, policyTemplate(t)]);
  return out;
}

Deno.test("§7.2 fmt keeps the policy_digest and is idempotent on every fixture policy and template", () => {
  const policies = fixturePolicies();
  assert.ok(policies.length >= 15, `only ${policies.length} policies`);
  for (const [name, text] of policies) {
    const p = parsePolicyYaml(text);
    const once = formatPolicyYaml(p);
    const reparsed = parsePolicyYaml(once);
    assert.equal(policyDigest(reparsed), policyDigest(p), name);
    assert.equal(formatPolicyYaml(reparsed), once, name);
    assert.ok(once.endsWith("\n") && !once.endsWith("\n\n"), name);
  }
});

Deno.test("§7.2 fmt prints only enabled sub-blocks and explicit defaults", () => {
  const text = `default_action: ALLOW
rules:
  - name: guarded
    action: block
    match: {tool_name: Tool.Write, endpoint_class: [fs.write]}
    dataflow: {action: block}
    endpoint: {path_denylist: ['C:\\tmp'], destructive_action: require_approval}
    freeze_window:
      timezone: UTC
      windows: [{start: "2026-01-01T00:00:00", end: "2026-01-02T00:00:00"}]
    rate_limit: {window: hour}
`;
  const p = parsePolicyYaml(text);
  const out = formatPolicyYaml(p);
  assert.ok(out.includes("default_verdict: allow\n"));
  assert.ok(out.includes("tool_names: [tool.write]"));
  assert.ok(!out.includes("dataflow"), out);
  assert.ok(!out.includes("rate_limit"), out);
  assert.ok(out.includes('endpoint:\n      enabled: true\n      path_denylist: ["C:/tmp"]'), out);
  assert.ok(out.includes("name: window-1"), out);
  assert.equal(policyDigest(parsePolicyYaml(out)), policyDigest(p));
});

Deno.test("§7.2 fmt quotes strings that YAML would read differently", () => {
  const p = parsePolicyYaml(
    "rules:\n  - name: 'a: b'\n    effect: allow\n    reason_codes: ['#x', '~', '-y', 'null', '[z]']\n    match: {identities: ['', ' q ']}\n",
  );
  const out = formatPolicyYaml(p);
  const again = parsePolicyYaml(out);
  assert.deepEqual(again.rules[0]!.reason_codes, p.rules[0]!.reason_codes);
  assert.equal(again.rules[0]!.name, "a: b");
  assert.equal(policyDigest(again), policyDigest(p));
});

Deno.test("§7.2 template names and aliases", () => {
  assert.equal(resolvePolicyTemplate("baseline_low_risk"), "baseline-lowrisk");
  assert.equal(resolvePolicyTemplate("medium"), "baseline-mediumrisk");
  assert.equal(resolvePolicyTemplate("HIGH"), "baseline-highrisk");
  assert.throws(() => resolvePolicyTemplate("strict"), GaitError);
});

Deno.test("examples/policy/base_*_risk.yaml are the policy init templates", () => {
  for (
    const [file, t] of [["low", "baseline-lowrisk"], ["medium", "baseline-mediumrisk"], [
      "high",
      "baseline-highrisk",
    ]] as const
  ) {
    assert.equal(
      Deno.readTextFileSync(`${ROOT}/examples/policy/base_${file}_risk.yaml`),
      policyTemplate(t),
    );
  }
});

function verdictOf(template: string, intent: Record<string, unknown>): string {
  return evaluateIntent(parsePolicyYaml(template), normalizeIntent(intent), { evaluationTime: NOW })
    .outcome.verdict;
}

function intent(
  tool: string,
  op: string,
  cls: string,
  risk: string,
  extra: Record<string, unknown> = {},
) {
  return {
    tool_name: tool,
    args: { path: "/srv/x" },
    targets: [{ kind: "path", value: "/srv/x", operation: op, endpoint_class: cls }],
    arg_provenance: [{ arg_path: "$.path", source: "user" }],
    context: { identity: "agent", workspace: "/srv", risk_class: risk },
    ...extra,
  };
}

Deno.test("template low: default allow, block delete, approve write, allow read", () => {
  const t = policyTemplate("baseline-lowrisk");
  assert.equal(parsePolicyYaml(t).default_verdict, "allow");
  assert.equal(verdictOf(t, intent("tool.delete", "delete", "fs.delete", "low")), "block");
  assert.equal(verdictOf(t, intent("tool.write", "write", "fs.write", "low")), "require_approval");
  assert.equal(verdictOf(t, intent("tool.read", "read", "fs.read", "high")), "allow");
  assert.equal(
    verdictOf(t, { ...intent("tool.search", "query", "fs.read", "low"), targets: [] }),
    "allow",
  );
});

Deno.test("template medium: default require_approval, reads only for low/medium risk", () => {
  const t = policyTemplate("baseline-mediumrisk");
  assert.equal(parsePolicyYaml(t).default_verdict, "require_approval");
  assert.equal(verdictOf(t, intent("tool.read", "read", "fs.read", "low")), "allow");
  assert.equal(verdictOf(t, intent("tool.read", "read", "fs.read", "medium")), "allow");
  assert.equal(verdictOf(t, intent("tool.read", "read", "fs.read", "high")), "require_approval");
  assert.equal(verdictOf(t, intent("tool.write", "write", "fs.write", "low")), "require_approval");
  assert.equal(verdictOf(t, intent("tool.delete", "delete", "fs.delete", "high")), "block");
});

Deno.test("template high: default block, fail-closed, delegated egress, JIT + 2 approvers + broker, budget", () => {
  const t = policyTemplate("baseline-highrisk");
  const p = parsePolicyYaml(t);
  assert.equal(p.default_verdict, "block");
  assert.equal(p.fail_closed.enabled, true);
  assert.equal(verdictOf(t, intent("tool.unknown", "x", "other", "low")), "block");
  assert.equal(verdictOf(t, intent("tool.read", "read", "fs.read", "high")), "allow");
  assert.equal(
    verdictOf(t, { ...intent("tool.read", "read", "fs.read", "high"), arg_provenance: [] }),
    "block",
  );
  assert.equal(verdictOf(t, intent("tool.exec", "exec", "proc.exec", "low")), "block");
  assert.equal(verdictOf(t, intent("tool.fetch", "get", "net.http", "low")), "block");
  const delegated = {
    ...intent("tool.fetch", "get", "net.http", "low"),
    delegation: { requester_identity: "agent", scope_class: "egress" },
  };
  const egress = evaluateIntent(p, normalizeIntent(delegated), { evaluationTime: NOW }).outcome;
  assert.equal(egress.verdict, "allow");
  assert.equal(egress.require_delegation, true);
  const jit = {
    ...intent("tool.write", "write", "fs.write", "medium"),
    context: {
      identity: "agent",
      workspace: "/srv",
      risk_class: "medium",
      credential_ref: "vault:x",
      credential_source: "vault_dynamic",
      credential_access_type: "jit",
    },
  };
  const write = evaluateIntent(p, normalizeIntent(jit), { evaluationTime: NOW }).outcome;
  assert.equal(write.verdict, "require_approval");
  assert.equal(write.min_approvals, 2);
  assert.equal(write.require_distinct_approvers, true);
  assert.equal(write.require_broker_credential, true);
  assert.ok(write.destructive_budget && write.destructive_budget.requests === 5);
  assert.equal(verdictOf(t, intent("tool.write", "write", "fs.write", "medium")), "block");
});

Deno.test("§7.2 policy test summary format and the 240-character cap", () => {
  assert.equal(
    policyTestSummary("block", ["a", "b"], []),
    "policy test verdict=block reasons=a,b violations=none",
  );
  const long = capSummary("x".repeat(300));
  assert.equal(long.length, 240);
  assert.ok(long.endsWith("...(+68)"), long);
  assert.equal(capSummary("short"), "short");
});

Deno.test("§7.2 policy test uses the raw normalized intent (claims not stripped)", () => {
  const raw = intent("tool.read", "read", "fs.read", "low");
  (raw.context as Record<string, unknown>).context_set_digest = "a".repeat(64);
  const run = runPolicyTest(loadedPolicy(parsePolicyYaml("default_verdict: allow\n")), raw, NOW);
  assert.equal(run.result.intent_digest, normalizeIntent(raw).intent_digest);
  assert.equal(run.result.schema_id, "gait.policytest.result");
  assert.equal(run.exitCode, 0);
});

Deno.test("§7.2 simulate recommendations", () => {
  assert.equal(recommend([]), "enforce");
  assert.equal(
    recommend([{ baseline: "block", candidate: "allow" }, {
      baseline: "allow",
      candidate: "block",
    }]),
    "observe",
  );
  assert.equal(recommend([{ baseline: "allow", candidate: "block" }]), "require_approval");
  assert.equal(
    recommend([{ baseline: "require_approval", candidate: "require_approval" }]),
    "enforce",
  );
  const low = loadedPolicy(parsePolicyYaml(policyTemplate("baseline-lowrisk")));
  const report = simulatePolicies(low, low, [{
    path: "b.json",
    intent: intent("tool.read", "read", "fs.read", "low"),
  }], NOW);
  assert.equal(report.recommendation, "enforce");
  assert.equal(report.changed_fixtures, 0);
  assert.deepEqual(report.baseline_verdicts, [{ verdict: "allow", count: 1 }]);
});
