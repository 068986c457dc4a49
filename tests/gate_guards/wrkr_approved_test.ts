/**
 * Wrkr inventory and approved scripts at `gate eval` (spec 02 §6.7, §3.6,
 * §8 scenarios 3 and 13), plus `gait approve-script` / `gait list-scripts`.
 */

import assert from "node:assert/strict";
import { runGait, withTempDir } from "../helpers/cli.ts";
import { SCENARIOS, V4_PRIVATE, V4_PUBLIC } from "../gate_cli/_helpers.ts";
import { gateEval, intent, writeJson } from "./_guards.ts";

const SCRIPT_INTENT = (risk = "medium") => ({
  tool_name: "script",
  context: { identity: "alice", workspace: "/repo/gait", risk_class: risk },
  script: {
    steps: [
      {
        tool_name: "tool.read",
        args: { path: "/tmp/in" },
        targets: [{ kind: "path", value: "/tmp/in", operation: "read" }],
      },
      {
        tool_name: "tool.write",
        args: { path: "/tmp/out" },
        targets: [{ kind: "path", value: "/tmp/out", operation: "write" }],
      },
    ],
  },
});
const APPROVAL_POLICY =
  "default_verdict: allow\nrules:\n  - name: w\n    priority: 10\n    effect: require_approval\n    match: {tool_names: [tool.write]}\n";

Deno.test("§8 wrkr-missing-fail-closed-high-risk: exit 3, ok:false", async () => {
  await withTempDir(async (dir) => {
    const name = "wrkr-missing-fail-closed-high-risk";
    Deno.writeTextFileSync(`${dir}/policy.yaml`, "default_verdict: allow\n");
    Deno.copyFileSync(`${SCENARIOS}/${name}/intent.json`, `${dir}/intent.json`);
    const r = await gateEval(dir, ["--wrkr-inventory", "missing_wrkr_inventory.json"]);
    assert.equal(r.code, 3, r.stdout);
    assert.equal(r.json().ok, false);
    assert.match(String(r.json().error), /^wrkr inventory unavailable in fail-closed mode: /);
  });
});

Deno.test("§6.7 wrkr: low risk warns and continues; oss-prod fails closed for every risk", async () => {
  await withTempDir(async (dir) => {
    Deno.writeTextFileSync(`${dir}/policy.yaml`, "default_verdict: allow\n");
    writeJson(`${dir}/intent.json`, intent("tool.write"));
    const r = await gateEval(dir, ["--wrkr-inventory", "nope.json"]);
    assert.equal(r.code, 0, r.stdout);
    assert.deepEqual(
      r.json().warnings?.toString().includes(
        "wrkr inventory unavailable; continuing without context enrichment",
      ),
      true,
    );
    Deno.writeTextFileSync(`${dir}/policy.yaml`, "default_verdict: require_approval\n");
    const prod = await gateEval(dir, [
      "--wrkr-inventory",
      "nope.json",
      "--profile",
      "oss-prod",
      "--key-mode",
      "prod",
      "--private-key",
      V4_PRIVATE,
    ]);
    assert.equal(prod.code, 3, prod.stdout);
    assert.match(String(prod.json().error), /wrkr inventory unavailable in fail-closed mode/);
  });
});

Deno.test("§6.7 wrkr: a loaded inventory enriches the context and is a context_source", async () => {
  await withTempDir(async (dir) => {
    Deno.writeTextFileSync(
      `${dir}/policy.yaml`,
      "default_verdict: allow\nrules:\n  - name: pii\n    effect: block\n    match: {context_data_classes: [pii]}\n",
    );
    writeJson(`${dir}/intent.json`, intent("tool.write"));
    writeJson(`${dir}/wrkr.json`, { items: [{ tool_name: "Tool.Write", data_class: "PII" }] });
    const r = await gateEval(dir, ["--wrkr-inventory", "wrkr.json"]);
    assert.equal(r.code, 3, r.stdout);
    assert.equal(r.json().context_source, "wrkr.json");
    Deno.mkdirSync(`${dir}/.gait`);
    Deno.writeTextFileSync(`${dir}/.gait/config.yaml`, "gate:\n  wrkr_inventory_path: wrkr.json\n");
    assert.equal((await gateEval(dir)).code, 3);
  });
});

Deno.test("§8 approved-registry-signature-mismatch-high-risk: exit 3 naming entry 0", async () => {
  const name = "approved-registry-signature-mismatch-high-risk";
  const d = `${SCENARIOS}/${name}`;
  const r = await runGait([
    "gate",
    "eval",
    "--policy",
    `${d}/policy.yaml`,
    "--intent",
    `${d}/intent.json`,
    "--approved-script-registry",
    `${d}/approved_scripts_tampered.json`,
    "--approved-script-public-key",
    `${d}/approval_public.key`,
    "--json",
  ]);
  assert.equal(r.code, 3, r.stdout);
  assert.equal(r.json().ok, false);
  assert.match(
    String(r.json().error),
    /^approved script registry verification failed at entry 0: signed_digest mismatch/,
  );
});

Deno.test("§6.7 approve-script → list-scripts → gate eval fast path (approved_script_match)", async () => {
  await withTempDir(async (dir) => {
    Deno.writeTextFileSync(`${dir}/policy.yaml`, APPROVAL_POLICY);
    writeJson(`${dir}/intent.json`, SCRIPT_INTENT("high"));
    // Without a registry the write step needs approval.
    assert.equal((await gateEval(dir)).code, 4);
    const keyFlags = ["--key-mode", "prod", "--private-key", V4_PRIVATE];
    const a = await runGait([
      "approve-script",
      "--policy",
      "policy.yaml",
      "--intent",
      "intent.json",
      "--registry",
      "reg.json",
      "--approver",
      "secops",
      "--scope",
      "risk:high,workspace_prefix:/repo",
      "--json",
      ...keyFlags,
    ], { cwd: dir });
    assert.equal(a.code, 0, a.stdout + a.stderr);
    const aj = a.json();
    assert.match(String(aj.pattern_id), /^pattern_[0-9a-f]{12}$/);
    assert.deepEqual(aj.tool_sequence, ["tool.read", "tool.write"]);
    // Upsert by pattern_id: approving again keeps one entry.
    const again = await runGait([
      "approve-script",
      "--policy",
      "policy.yaml",
      "--intent",
      "intent.json",
      "--registry",
      "reg.json",
      "--approver",
      "secops",
      "--scope",
      "risk:high",
      "--json",
      ...keyFlags,
    ], { cwd: dir });
    assert.equal(again.json().entry_count, 1);
    const list = await runGait(["list-scripts", "--registry", "reg.json", "--json"], { cwd: dir });
    assert.equal(list.code, 0);
    assert.equal((list.json().entries as unknown[]).length, 1);

    const r = await gateEval(dir, [
      "--approved-script-registry",
      "reg.json",
      "--approved-script-public-key",
      V4_PUBLIC,
    ]);
    assert.equal(r.code, 0, r.stdout);
    const j = r.json();
    assert.equal(j.verdict, "allow");
    assert.deepEqual(j.reason_codes, ["approved_script_match"]);
    assert.equal(j.pre_approved, true);
    assert.equal(j.pattern_id, aj.pattern_id);
    // The approval key is the fallback verify key.
    const viaApproval = await gateEval(dir, [
      "--approved-script-registry",
      "reg.json",
      "--approval-public-key",
      V4_PUBLIC,
    ]);
    assert.equal(viaApproval.code, 0, viaApproval.stdout);

    // A different script (scope risk:high unmet at medium risk) → not found.
    writeJson(`${dir}/intent.json`, SCRIPT_INTENT("medium"));
    const nf = await gateEval(dir, [
      "--approved-script-registry",
      "reg.json",
      "--approved-script-public-key",
      V4_PUBLIC,
    ]);
    assert.equal(nf.code, 4);
    assert.equal(nf.json().registry_reason, "approved_script_not_found");
    // Not a script.
    writeJson(`${dir}/intent.json`, intent("tool.read"));
    const ns = await gateEval(dir, [
      "--approved-script-registry",
      "reg.json",
      "--approved-script-public-key",
      V4_PUBLIC,
    ]);
    assert.equal(ns.code, 0);
    assert.equal(ns.json().registry_reason, "not_script");

    // Tampered entry, medium risk: warning and normal evaluation; high risk: exit 3.
    const reg = JSON.parse(Deno.readTextFileSync(`${dir}/reg.json`));
    reg.entries[0].approver_identity = "mallory";
    writeJson(`${dir}/reg.json`, reg);
    writeJson(`${dir}/intent.json`, SCRIPT_INTENT("medium"));
    const warn = await gateEval(dir, [
      "--approved-script-registry",
      "reg.json",
      "--approved-script-public-key",
      V4_PUBLIC,
    ]);
    assert.equal(warn.code, 4);
    assert.match(String(warn.json().warnings), /approved script registry unavailable/);
    writeJson(`${dir}/intent.json`, SCRIPT_INTENT("high"));
    const bad = await gateEval(dir, [
      "--approved-script-registry",
      "reg.json",
      "--approved-script-public-key",
      V4_PUBLIC,
    ]);
    assert.equal(bad.code, 3);
    assert.match(String(bad.json().error), /verification failed at entry 0/);
  });
});

Deno.test("§6.7 a pre-approval never overrides an active kill switch", async () => {
  await withTempDir(async (dir) => {
    Deno.writeTextFileSync(`${dir}/policy.yaml`, APPROVAL_POLICY);
    writeJson(`${dir}/intent.json`, SCRIPT_INTENT("high"));
    const keyFlags = ["--key-mode", "prod", "--private-key", V4_PRIVATE];
    await runGait([
      "approve-script",
      "--policy",
      "policy.yaml",
      "--intent",
      "intent.json",
      "--registry",
      "reg.json",
      "--approver",
      "secops",
      ...keyFlags,
    ], { cwd: dir });
    await runGait(["kill-switch", "add", "--state", "ks.json", "--tool-name", "tool.write"], {
      cwd: dir,
    });
    const r = await gateEval(dir, [
      "--approved-script-registry",
      "reg.json",
      "--approved-script-public-key",
      V4_PUBLIC,
      "--kill-switch-state",
      "ks.json",
    ]);
    assert.equal(r.code, 3, r.stdout);
    assert.ok((r.json().reason_codes as string[]).includes("kill_switch_tool_name_active"));
  });
});
