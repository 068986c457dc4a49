/**
 * Scenario fixtures of the Go tool (fixtures/scenarios/gait, spec 02 §8) whose
 * expected verdict needs no tokens or keys: the policy stage of `gate eval`.
 */

import assert from "node:assert/strict";
import { parse as parseYaml } from "yaml";
import {
  evaluateIntent,
  normalizeIntent,
  parsePolicyYaml,
  type Verdict,
} from "../../src/gate/mod.ts";
import { NOW, readText, scenarioJson, scenarioPolicy } from "./_helpers.ts";

const EXIT: Record<Verdict, number> = { allow: 0, dry_run: 0, require_approval: 4, block: 3 };

interface Expected {
  exit_code: number;
  verdict: Verdict;
  script?: boolean;
  step_count?: number;
  step_verdict_count?: number;
  composite_risk_class?: string;
  reason_codes_must_include?: string[];
}

function expected(name: string): Expected {
  return parseYaml(readText(`fixtures/scenarios/gait/${name}/expected.yaml`)) as Expected;
}

for (const name of ["policy-allow-safe-tools", "policy-block-destructive"]) {
  Deno.test(`scenario ${name}: expected-verdicts.jsonl`, () => {
    const policy = scenarioPolicy(name);
    const intents = readText(`fixtures/scenarios/gait/${name}/intents.jsonl`).trim().split("\n");
    const wanted = readText(`fixtures/scenarios/gait/${name}/expected-verdicts.jsonl`).trim()
      .split("\n").map((l) =>
        JSON.parse(l) as { index: number; tool_name: string; verdict: Verdict; exit_code: number }
      );
    assert.equal(intents.length, wanted.length);
    wanted.forEach((w, i) => {
      const intent = normalizeIntent(JSON.parse(intents[i]!));
      assert.equal(intent.tool_name, w.tool_name);
      const { outcome } = evaluateIntent(policy, intent, { evaluationTime: NOW });
      assert.equal(outcome.verdict, w.verdict, `intent ${w.index} (${w.tool_name})`);
      assert.equal(EXIT[outcome.verdict], w.exit_code);
    });
  });
}

for (
  const name of [
    "script-max-steps-exceeded",
    "script-mixed-risk-block",
    "script-threshold-approval-determinism",
  ]
) {
  Deno.test(`scenario ${name}: script verdict, reasons and composite risk`, () => {
    const want = expected(name);
    const policy = scenarioPolicy(name);
    const { outcome } = evaluateIntent(policy, normalizeIntent(scenarioJson(name, "intent.json")), {
      evaluationTime: NOW,
    });
    assert.equal(outcome.verdict, want.verdict);
    assert.equal(EXIT[outcome.verdict], want.exit_code);
    assert.equal(outcome.script, want.script);
    assert.equal(outcome.step_count, want.step_count);
    assert.equal(outcome.step_verdicts.length, want.step_verdict_count);
    assert.equal(outcome.composite_risk_class, want.composite_risk_class);
    for (const code of want.reason_codes_must_include ?? []) {
      assert.ok(outcome.reason_codes.includes(code), `missing ${code} in ${outcome.reason_codes}`);
    }
  });
}

Deno.test("scenario script-threshold-approval-determinism: repeated runs are identical", () => {
  const name = "script-threshold-approval-determinism";
  const policy = scenarioPolicy(name);
  const run = () =>
    evaluateIntent(policy, normalizeIntent(scenarioJson(name, "intent.json")), {
      evaluationTime: NOW,
    });
  const a = run();
  const b = run();
  assert.equal(a.prepared!.script_hash, b.prepared!.script_hash);
  assert.deepEqual(a.outcome.reason_codes, b.outcome.reason_codes);
  assert.deepEqual(a.outcome.step_verdicts, b.outcome.step_verdicts);
  assert.equal(a.outcome.min_approvals, 1);
});

Deno.test("scenario script-max-steps-exceeded: violation and step verdicts", () => {
  const name = "script-max-steps-exceeded";
  const { outcome } = evaluateIntent(
    scenarioPolicy(name),
    normalizeIntent(scenarioJson(name, "intent.json")),
    { evaluationTime: NOW },
  );
  assert.deepEqual(outcome.violations, ["script_max_steps_exceeded"]);
  assert.deepEqual(outcome.step_verdicts.map((s) => [s.index, s.tool_name, s.verdict]), [
    [0, "tool.read", "allow"],
    [1, "tool.write", "allow"],
  ]);
});

Deno.test("scenario script-mixed-risk-block: violation script_mixed_risk", () => {
  const name = "script-mixed-risk-block";
  const { outcome } = evaluateIntent(
    scenarioPolicy(name),
    normalizeIntent(scenarioJson(name, "intent.json")),
    { evaluationTime: NOW },
  );
  assert.deepEqual(outcome.violations, ["script_mixed_risk"]);
});

Deno.test("scenario dry-run-no-side-effects: policy verdict before simulate is allow", () => {
  const name = "dry-run-no-side-effects";
  const want = expected(name);
  const { outcome } = evaluateIntent(
    scenarioPolicy(name),
    normalizeIntent(scenarioJson(name, "intent.json")),
    { evaluationTime: NOW },
  );
  assert.equal(outcome.verdict, want.verdict);
  assert.deepEqual(outcome.reason_codes, ["default_allow"]);
});

Deno.test("scenario concurrent-evaluation-10: ten evaluations all allow", async () => {
  const name = "concurrent-evaluation-10";
  const policy = parsePolicyYaml("default_verdict: allow\n");
  const intent = normalizeIntent(scenarioJson(name, "intent.json"));
  const results = await Promise.all(
    Array.from(
      { length: 10 },
      () => Promise.resolve().then(() => evaluateIntent(policy, intent, { evaluationTime: NOW })),
    ),
  );
  const want = expected(name);
  for (const r of results) assert.equal(r.outcome.verdict, want.verdict);
  assert.equal(new Set(results.map((r) => r.prepared!.intent_digest)).size, 1);
});

Deno.test("scenario approval-token-valid: policy stage requires approval (one approver)", () => {
  const name = "approval-token-valid";
  const { outcome } = evaluateIntent(
    scenarioPolicy(name),
    normalizeIntent(scenarioJson(name, "intent.json")),
    { evaluationTime: NOW },
  );
  assert.equal(outcome.verdict, "require_approval");
  assert.deepEqual(outcome.reason_codes, ["default_require_approval"]);
  assert.equal(outcome.min_approvals, 1);
});

Deno.test("scenario delegation-chain-depth-3: policy stage allows and requires delegation", () => {
  const name = "delegation-chain-depth-3";
  const { outcome } = evaluateIntent(
    scenarioPolicy(name),
    normalizeIntent(scenarioJson(name, "intent.json")),
    { evaluationTime: NOW },
  );
  assert.equal(outcome.verdict, "allow");
  assert.equal(outcome.require_delegation, true);
  assert.deepEqual(outcome.required_delegation_scopes, ["write"]);
  assert.equal(outcome.matched_rule, "allow-delegated-write");
});
