/**
 * Kill switch (spec 02 §6.2, §3.1 steps 3/5, §4.3 steps 5/18): state
 * normalization, matching, decision and reason codes, the journal, the
 * unavailable fail-closed path, and `gait kill-switch`.
 */

import assert from "node:assert/strict";
import { normalizeIntent } from "../../src/gate/intent.ts";
import {
  defaultKillSwitchEntryId,
  type KillSwitchState,
  matchKillSwitch,
  normalizeKillSwitchEntry,
  parseKillSwitchState,
} from "../../src/gate/kill_switch.ts";
import { runGait, withTempDir } from "../helpers/cli.ts";
import { gateEval, intent, writeJson } from "./_guards.ts";

const T = "2026-03-01T00:00:00Z";
const ALLOW = "default_verdict: allow\n";

function state(entries: Record<string, unknown>[]): KillSwitchState {
  return parseKillSwitchState({
    schema_id: "gait.gate.kill_switch_state",
    schema_version: "1.0.0",
    created_at: T,
    updated_at: T,
    producer_version: "test",
    entries: entries.map((e) => ({ enabled: true, created_at: T, ...e })) as never,
  });
}

const subject = (tool = "tool.write", ctx: Record<string, unknown> = {}) =>
  normalizeIntent(intent(tool, { agent_id: "bot-1", environment: "Prod", ...ctx }) as never);

Deno.test("§6.2 entries normalize: lower tool/kind/environment, cleaned sorted prefixes, sorted by id", () => {
  const s = state([
    { entry_id: "b", tool_name: " Tool.Write ", environment: "PROD" },
    { entry_id: "a", path_prefixes: ["/srv/b/", "/srv//a/./x"], target_kind: "PATH" },
  ]);
  assert.deepEqual(s.entries.map((e) => e.entry_id), ["a", "b"]);
  assert.deepEqual(s.entries[0]?.path_prefixes, ["/srv/a/x", "/srv/b"]);
  assert.equal(s.entries[0]?.target_kind, "path");
  assert.equal(s.entries[1]?.tool_name, "tool.write");
  assert.equal(s.entries[1]?.environment, "prod");
});

Deno.test("§6.2 invalid states are rejected", () => {
  assert.throws(() => state([{ entry_id: "x" }]), /at least one selector/);
  assert.throws(() => state([{ entry_id: "x", target_kind: "disk" }]), /target_kind/);
  assert.throws(() => state([{ tool_name: "t" }]), /entry_id is required/);
  assert.throws(
    () => state([{ entry_id: "x", tool_name: "t" }, { entry_id: "x", identity: "a" }]),
    /duplicate/,
  );
  assert.throws(() => parseKillSwitchState({ schema_id: "nope" }), /schema_id/);
  assert.throws(
    () => parseKillSwitchState({ schema_id: "gait.gate.kill_switch_state", entries: [] }),
    /created_at and updated_at/,
  );
});

Deno.test("§6.2 each selector emits its code; every set selector must match", () => {
  const cases: [Record<string, unknown>, string][] = [
    [{ agent_id: "bot-1" }, "kill_switch_agent_id_active"],
    [{ identity: "alice" }, "kill_switch_identity_active"],
    [{ tool_name: "TOOL.WRITE" }, "kill_switch_tool_name_active"],
    [{ environment: "prod" }, "kill_switch_environment_active"],
    [{ target_kind: "path", target_value: "/srv/app/x.txt" }, "kill_switch_target_active"],
    [{ path_prefixes: ["/srv/app"] }, "kill_switch_path_active"],
    [{ workspace_prefixes: ["/"] }, "kill_switch_workspace_active"],
  ];
  for (const [sel, code] of cases) {
    const d = matchKillSwitch(state([{ entry_id: "e", ...sel }]), subject(), T);
    assert.equal(d.status, "active", code);
    assert.equal(d.reason_code, code);
    assert.deepEqual(d.reason_codes, ["kill_switch_active", code].sort());
    assert.deepEqual(d.matched_entry_ids, ["e"]);
    assert.equal(d.evaluated_at, T);
  }
  const miss = matchKillSwitch(
    state([{ entry_id: "e", tool_name: "tool.write", identity: "bob" }]),
    subject(),
    T,
  );
  assert.equal(miss.status, "inactive");
  assert.deepEqual(miss.reason_codes, []);
  assert.equal(
    matchKillSwitch(state([{ entry_id: "e", path_prefixes: ["/srv/ap"] }]), subject(), T).status,
    "inactive",
    "prefix matches whole segments",
  );
});

Deno.test("§6.2 disabled and expired entries are skipped at the evaluation time", () => {
  const s = state([
    { entry_id: "off", tool_name: "tool.write", enabled: false },
    { entry_id: "exp", tool_name: "tool.write", expires_at: "2026-03-01T00:00:00Z" },
  ]);
  assert.equal(matchKillSwitch(s, subject(), T).status, "inactive");
  assert.equal(matchKillSwitch(s, subject(), "2026-02-28T23:59:59Z").status, "active");
});

Deno.test("§6.2 default entry_id is 12 bytes of sha256 over NUL-joined fields", () => {
  const e = normalizeKillSwitchEntry({ entry_id: "x", tool_name: "t", created_at: T });
  const id = defaultKillSwitchEntryId(e);
  assert.match(id, /^[0-9a-f]{24}$/);
  assert.equal(id, defaultKillSwitchEntryId({ ...e }));
  assert.notEqual(id, defaultKillSwitchEntryId({ ...e, reason: "r" }));
});

async function addEntry(dir: string, flags: string[]) {
  const r = await runGait(["kill-switch", "add", "--state", "ks/state.json", "--json", ...flags], {
    cwd: dir,
  });
  assert.equal(r.code, 0, r.stdout + r.stderr);
  return r.json();
}

Deno.test("§6.2 gate eval: an active entry blocks with its codes and appends a journal line", async () => {
  await withTempDir(async (dir) => {
    Deno.writeTextFileSync(`${dir}/policy.yaml`, ALLOW);
    writeJson(`${dir}/intent.json`, intent("tool.write", { job_id: "job-9" }));
    const added = await addEntry(dir, ["--tool-name", "tool.write", "--reason", "incident"]);
    const r = await gateEval(dir, ["--kill-switch-state", "ks/state.json"]);
    assert.equal(r.code, 3, r.stdout);
    const j = r.json();
    assert.equal(j.verdict, "block");
    assert.deepEqual(j.reason_codes, [
      "default_allow",
      "kill_switch_active",
      "kill_switch_tool_name_active",
    ]);
    assert.deepEqual(j.violations, ["kill_switch_active"]);
    const ks = j.kill_switch as Record<string, unknown>;
    assert.equal(ks.status, "active");
    assert.deepEqual(ks.matched_entry_ids, [added.entry_id]);
    const lines = Deno.readTextFileSync(`${dir}/ks/kill_switch_journal.jsonl`).trim().split("\n");
    assert.equal(lines.length, 1);
    const rec = JSON.parse(lines[0] ?? "{}");
    assert.equal(rec.schema_id, "gait.gate.kill_switch_journal");
    assert.equal(rec.source, "gate_eval");
    assert.equal(rec.trace_id, j.trace_id);
    assert.equal(rec.job_id, "job-9");
    assert.equal(rec.tool_name, "tool.write");
    const trace = JSON.parse(Deno.readTextFileSync(`${dir}/.gait-out/trace.json`));
    assert.equal(trace.kill_switch.status, "active");
  });
});

Deno.test("§6.2 gate eval: inactive state → decision attached, verdict unchanged, no journal", async () => {
  await withTempDir(async (dir) => {
    Deno.writeTextFileSync(`${dir}/policy.yaml`, ALLOW);
    writeJson(`${dir}/intent.json`, intent("tool.read"));
    const added = await addEntry(dir, ["--tool-name", "tool.write"]);
    let r = await gateEval(dir, ["--kill-switch-state", "ks/state.json"]);
    assert.equal(r.code, 0);
    assert.equal((r.json().kill_switch as Record<string, unknown>).status, "inactive");
    // disable / expire turn an entry off.
    writeJson(`${dir}/intent.json`, intent("tool.write"));
    const dis = await runGait([
      "kill-switch",
      "disable",
      "--state",
      "ks/state.json",
      "--entry-id",
      String(added.entry_id),
      "--json",
    ], { cwd: dir });
    assert.equal(dis.code, 0, dis.stdout);
    r = await gateEval(dir, ["--kill-switch-state", "ks/state.json"]);
    assert.equal(r.code, 0);
    const add2 = await addEntry(dir, ["--identity", "alice", "--entry-id", "e2"]);
    assert.equal(add2.entry_id, "e2");
    assert.equal((await gateEval(dir, ["--kill-switch-state", "ks/state.json"])).code, 3);
    const exp = await runGait([
      "kill-switch",
      "expire",
      "--state",
      "ks/state.json",
      "--entry-id",
      "e2",
      "--json",
    ], { cwd: dir });
    assert.equal(exp.code, 0, exp.stdout);
    assert.equal((await gateEval(dir, ["--kill-switch-state", "ks/state.json"])).code, 0);
    const list = await runGait(["kill-switch", "list", "--state", "ks/state.json", "--json"], {
      cwd: dir,
    });
    assert.equal((list.json().entries as unknown[]).length, 2);
    const missing = await runGait([
      "kill-switch",
      "disable",
      "--state",
      "ks/state.json",
      "--entry-id",
      "zz",
      "--json",
    ], { cwd: dir });
    assert.equal(missing.code, 6);
  });
});

Deno.test("§3.1 step 3: unreadable state, high risk or oss-prod → block kill_switch_state_unavailable; else exit 6", async () => {
  await withTempDir(async (dir) => {
    Deno.writeTextFileSync(`${dir}/policy.yaml`, ALLOW);
    Deno.writeTextFileSync(`${dir}/bad.json`, "{oops");
    writeJson(`${dir}/intent.json`, intent("tool.write", { risk_class: "high" }));
    for (const path of ["bad.json", "missing.json"]) {
      const r = await gateEval(dir, ["--kill-switch-state", path]);
      assert.equal(r.code, 3, r.stdout);
      const j = r.json();
      assert.deepEqual(j.reason_codes, ["kill_switch_state_unavailable"]);
      assert.deepEqual(j.violations, ["kill_switch_state_unavailable"]);
      assert.equal((j.kill_switch as Record<string, unknown>).status, "unavailable");
    }
    writeJson(`${dir}/intent.json`, intent("tool.write", { risk_class: "low" }));
    const low = await gateEval(dir, ["--kill-switch-state", "bad.json"]);
    assert.equal(low.code, 6, low.stdout);
    assert.match(String(low.json().error), /kill switch state bad\.json is invalid/);
    // Project config gate.kill_switch_state is honoured.
    Deno.mkdirSync(`${dir}/.gait`);
    Deno.writeTextFileSync(`${dir}/.gait/config.yaml`, "gate:\n  kill_switch_state: bad.json\n");
    assert.equal((await gateEval(dir)).code, 6);
  });
});
