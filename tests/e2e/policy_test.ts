/**
 * `gait policy init|validate|fmt|test|simulate` and `gait demo --policy` end
 * to end (spec 02 §7.2, spec 03 §2.1).
 */

import assert from "node:assert/strict";
import { REPO_ROOT, runGait, withTempDir } from "../helpers/cli.ts";

const S = `${REPO_ROOT}/fixtures/scenarios/gait`;

Deno.test("policy init: templates and aliases, no overwrite without --force, next commands", async () => {
  await withTempDir(async (dir) => {
    const r = await runGait(["policy", "init", "high", "--json"], { cwd: dir });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.deepEqual(r.json(), {
      correlation_id: r.json().correlation_id,
      ok: true,
      template: "baseline-highrisk",
      policy_path: "gait.policy.yaml",
      next_commands: [
        "gait policy validate gait.policy.yaml --json",
        "gait policy fmt gait.policy.yaml --write --json",
        "gait doctor --json",
      ],
    });
    assert.equal(
      Deno.readTextFileSync(`${dir}/gait.policy.yaml`),
      Deno.readTextFileSync(`${REPO_ROOT}/examples/policy/base_high_risk.yaml`),
    );
    const again = await runGait(["policy", "init", "baseline-lowrisk", "--json"], { cwd: dir });
    assert.equal(again.code, 6);
    assert.match(String(again.json().error), /already exists \(use --force\)/);
    const forced = await runGait([
      "policy",
      "init",
      "baseline_low_risk",
      "--force",
      "--out",
      "p/low.yaml",
    ], {
      cwd: dir,
    });
    assert.equal(forced.code, 0, forced.stderr);
    assert.match(forced.stdout, /^policy init ok: template=baseline-lowrisk path=p\/low\.yaml/);
    const unknown = await runGait(["policy", "init", "strict", "--json"], { cwd: dir });
    assert.equal(unknown.code, 6);
  });
});

Deno.test("policy validate: digest, counts and summary; invalid policy exit 6", async () => {
  const r = await runGait([
    "policy",
    "validate",
    `${S}/approval-token-valid/policy.yaml`,
    "--json",
  ]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const out = r.json();
  assert.equal(
    out.policy_digest,
    "07a528a879e4f0e0cd5a0e2ca801924746b47dac624862207ef21d4ec266f8f9",
  );
  assert.equal(out.rule_count, 0);
  assert.equal(out.schema_id, "gait.gate.policy");
  assert.equal(
    out.summary,
    "policy validate ok: default=require_approval rules=0 digest=07a528a879e4f0e0cd5a0e2ca801924746b47dac624862207ef21d4ec266f8f9",
  );
  await withTempDir(async (dir) => {
    Deno.writeTextFileSync(`${dir}/bad.yaml`, "default_verdict: maybe\n");
    const bad = await runGait(["policy", "validate", "bad.yaml", "--json"], { cwd: dir });
    assert.equal(bad.code, 6);
    assert.match(String(bad.json().error), /^parse policy yaml: /);
  });
});

Deno.test("policy fmt: prints normalized YAML; --write rewrites once, then reports unchanged", async () => {
  await withTempDir(async (dir) => {
    Deno.writeTextFileSync(
      `${dir}/p.yaml`,
      "# comment\ndefault_action: Block\nrules:\n  - {name: r, action: allow, match: {tool_name: Tool.Read}}\n",
    );
    const show = await runGait(["policy", "fmt", "p.yaml"], { cwd: dir });
    assert.equal(show.code, 0, show.stderr);
    assert.ok(show.stdout.includes("default_verdict: block\n"), show.stdout);
    assert.ok(show.stdout.includes("      tool_names: [tool.read]\n"), show.stdout);
    const json = await runGait(["policy", "fmt", "p.yaml", "--json"], { cwd: dir });
    assert.equal(json.json().changed, true);
    assert.equal(json.json().written, false);
    assert.equal(json.json().formatted, show.stdout);
    const validate = (await runGait(["policy", "validate", "p.yaml", "--json"], { cwd: dir }))
      .json();
    const write = await runGait(["policy", "fmt", "p.yaml", "--write", "--json"], { cwd: dir });
    assert.equal(write.json().written, true);
    assert.equal(write.json().policy_digest, validate.policy_digest);
    assert.equal("formatted" in write.json(), false);
    const second = await runGait(["policy", "fmt", "p.yaml", "--write", "--json"], { cwd: dir });
    assert.equal(second.json().changed, false);
    assert.equal(second.json().written, false);
    assert.equal(second.json().policy_digest, validate.policy_digest);
  });
});

Deno.test("policy test: result document and exit codes by verdict", async () => {
  const block = await runGait([
    "policy",
    "test",
    `${S}/policy-block-destructive/policy.yaml`,
    `${S}/dry-run-no-side-effects/intent.json`,
    "--json",
  ]);
  const out = block.json();
  assert.equal(out.schema_id, "gait.policytest.result");
  assert.equal(out.schema_version, "1.0.0");
  assert.equal(
    block.code,
    out.verdict === "block" ? 3 : out.verdict === "require_approval" ? 4 : 0,
  );
  assert.match(String(out.summary), /^policy test verdict=\w+ reasons=\S+ violations=\S+$/);
  const approval = await runGait([
    "policy",
    "test",
    `${S}/approval-token-valid/policy.yaml`,
    `${S}/approval-token-valid/intent.json`,
  ]);
  assert.equal(approval.code, 4);
  assert.equal(
    approval.stdout.trim(),
    "policy test verdict=require_approval reasons=default_require_approval violations=none",
  );
});

Deno.test("demo --policy: exact output, files, and its next commands work", async () => {
  await withTempDir(async (dir) => {
    const r = await runGait(["demo", "--policy"], { cwd: dir });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const next = [
      "gait gate eval --policy ./gait-out/policy_demo_high_risk.yaml --intent ./gait-out/intent_demo_delete.json --simulate --json",
      "gait gate eval --policy ./gait-out/policy_demo_high_risk.yaml --intent ./gait-out/intent_demo_delete.json --json",
      "gait policy simulate --baseline examples/policy/base_medium_risk.yaml --policy examples/policy/base_high_risk.yaml --fixtures examples/policy/intents --json",
    ];
    assert.equal(
      r.stdout,
      [
        "mode=policy",
        "bundle=./gait-out/intent_demo_delete.json",
        "pack_path=./gait-out/policy_demo_high_risk.yaml",
        "verify=ok",
        "policy_verdict=block",
        "matched_rule=block-destructive-tool-delete",
        "reason_codes=destructive_apply_requires_approval,destructive_tool_blocked",
        `next=${next.join(",")}`,
        "metrics_opt_in=export GAIT_ADOPTION_LOG=./gait-out/adoption.jsonl",
        "",
      ].join("\n"),
    );
    const json = (await runGait(["demo", "--policy", "--json"], { cwd: dir })).json();
    assert.equal(json.mode, "policy");
    assert.deepEqual(json.next_commands, next);
    assert.ok((json.reason_codes as string[]).includes("destructive_tool_blocked"));
    const intent = JSON.parse(Deno.readTextFileSync(`${dir}/gait-out/intent_demo_delete.json`));
    assert.equal(intent.tool_name, "tool.delete");
    assert.equal(intent.created_at, "2026-02-14T00:00:00Z");

    const sim = await runGait(next[0]!.split(" ").slice(1), { cwd: dir });
    assert.equal(sim.code, 0, sim.stdout + sim.stderr);
    assert.equal(sim.json().would_have_blocked, true);
    const enforce = await runGait(next[1]!.split(" ").slice(1), { cwd: dir });
    assert.equal(enforce.code, 3);
    assert.equal(enforce.json().matched_rule, "block-destructive-tool-delete");
  });
  const simulate = await runGait(
    "policy simulate --baseline examples/policy/base_medium_risk.yaml --policy examples/policy/base_high_risk.yaml --fixtures examples/policy/intents --json"
      .split(" "),
    { cwd: REPO_ROOT },
  );
  assert.equal(simulate.code, 0, simulate.stdout + simulate.stderr);
  const report = simulate.json();
  assert.equal(report.fixtures_total, 3);
  assert.equal(report.recommendation, "require_approval");
  assert.match(
    String(report.summary),
    /^policy simulate: fixtures=3 changed=\d+ recommendation=require_approval$/,
  );
});

Deno.test("policy simulate: missing flags and fixtures are exit 6", async () => {
  const r = await runGait(["policy", "simulate", "--policy", "a.yaml", "--json"]);
  assert.equal(r.code, 6);
  assert.match(String(r.json().error), /--baseline/);
});
