/**
 * Script mode end to end through the CLI (spec 02 §3.5, §8 scenarios 10–12).
 */

import assert from "node:assert/strict";
import { runGait } from "../helpers/cli.ts";

const SCENARIOS = new URL("../../fixtures/scenarios/gait", import.meta.url).pathname;

function evalScenario(name: string) {
  return runGait([
    "gate",
    "eval",
    "--policy",
    `${SCENARIOS}/${name}/policy.yaml`,
    "--intent",
    `${SCENARIOS}/${name}/intent.json`,
    "--json",
  ]);
}

Deno.test("§8 script-max-steps-exceeded: block, exit 3, step_count 2, composite medium", async () => {
  const r = await evalScenario("script-max-steps-exceeded");
  assert.equal(r.code, 3, r.stdout);
  const j = r.json();
  assert.equal(j.verdict, "block");
  assert.equal(j.script, true);
  assert.equal(j.step_count, 2);
  assert.equal((j.step_verdicts as unknown[]).length, 2);
  assert.equal(j.composite_risk_class, "medium");
  assert.ok((j.reason_codes as string[]).includes("script_max_steps_exceeded"));
  assert.ok((j.violations as string[]).includes("script_max_steps_exceeded"));
});

Deno.test("§8 script-mixed-risk-block: block, script_mixed_risk_blocked", async () => {
  const r = await evalScenario("script-mixed-risk-block");
  assert.equal(r.code, 3, r.stdout);
  const j = r.json();
  assert.equal(j.verdict, "block");
  assert.equal(j.composite_risk_class, "medium");
  assert.ok((j.reason_codes as string[]).includes("script_mixed_risk_blocked"));
  assert.ok((j.violations as string[]).includes("script_mixed_risk"));
});

Deno.test("§8 script-threshold-approval-determinism: exit 4, repeated runs identical", async () => {
  const a = await evalScenario("script-threshold-approval-determinism");
  const b = await evalScenario("script-threshold-approval-determinism");
  assert.equal(a.code, 4, a.stdout);
  assert.equal(b.code, 4);
  const ja = a.json();
  const jb = b.json();
  assert.equal(ja.verdict, "require_approval");
  assert.equal(ja.step_count, 2);
  assert.equal(ja.composite_risk_class, "medium");
  assert.ok((ja.reason_codes as string[]).includes("script_step_threshold_approval"));
  for (const k of ["script_hash", "reason_codes", "step_verdicts", "intent_digest", "trace_id"]) {
    assert.deepEqual(ja[k], jb[k], k);
  }
});
