/**
 * `gait demo --policy` (spec 03 §2.1): writes a high-risk demo policy and a
 * destructive intent under ./gait-out, evaluates the intent in-process and
 * shows the gate blocking it. Any verdict but `block` is a failure (exit 2).
 *
 * @module
 */

import { GaitError } from "../../core/errors.ts";
import { goJson } from "../../core/go_json.ts";
import { writeFileAtomic } from "../../fs/atomic.ts";
import { evaluateIntent } from "../../gate/evaluate_intent.ts";
import { normalizeIntent } from "../../gate/intent.ts";
import { parsePolicyYaml } from "../../gate/policy_parse.ts";
import type { CommandContext, CommandOutput } from "../command.ts";
import { gaitVersion } from "../build_info.ts";

const POLICY_PATH = "./gait-out/policy_demo_high_risk.yaml";
const INTENT_PATH = "./gait-out/intent_demo_delete.json";
const METRICS_OPT_IN = "export GAIT_ADOPTION_LOG=./gait-out/adoption.jsonl";
const RULE = "block-destructive-tool-delete";

const POLICY_YAML = `schema_id: gait.gate.policy
schema_version: 1.0.0
default_verdict: allow
rules:
  - name: ${RULE}
    priority: 10
    effect: block
    match:
      tool_names: [tool.delete]
      risk_classes: [high]
    reason_codes: [destructive_tool_blocked]
`;

function demoIntent(producerVersion: string): Record<string, unknown> {
  return {
    schema_id: "gait.gate.intent_request",
    schema_version: "1.0.0",
    created_at: "2026-02-14T00:00:00Z",
    producer_version: producerVersion,
    tool_name: "tool.delete",
    args: { path: "/tmp/demo/delete-me.txt" },
    targets: [{
      kind: "path",
      value: "/tmp/demo/delete-me.txt",
      operation: "delete",
      endpoint_class: "fs.delete",
      destructive: true,
    }],
    context: { identity: "demo.user", workspace: "/tmp/demo", risk_class: "high" },
  };
}

const NEXT_COMMANDS = [
  `gait gate eval --policy ${POLICY_PATH} --intent ${INTENT_PATH} --simulate --json`,
  `gait gate eval --policy ${POLICY_PATH} --intent ${INTENT_PATH} --json`,
  "gait policy simulate --baseline examples/policy/base_medium_risk.yaml --policy examples/policy/base_high_risk.yaml --fixtures examples/policy/intents --json",
];

/** Runs the policy demo. */
export async function run(ctx: CommandContext): Promise<CommandOutput> {
  const started = performance.now();
  const intent = demoIntent(gaitVersion());
  await writeFileAtomic(POLICY_PATH, POLICY_YAML, { createParents: true });
  await writeFileAtomic(INTENT_PATH, goJson(intent, { indent: "  " }) + "\n", {
    createParents: true,
  });
  const policy = parsePolicyYaml(POLICY_YAML, { label: POLICY_PATH });
  const { outcome } = evaluateIntent(policy, normalizeIntent(intent), {
    evaluationTime: ctx.clock.now(),
    producerVersion: gaitVersion(),
  });
  if (outcome.verdict !== "block") {
    throw new GaitError(
      "verification_failed",
      `policy demo expected verdict block, got ${outcome.verdict}`,
    );
  }
  const durationMs = Math.round(performance.now() - started);
  const json: Record<string, unknown> = {
    ok: true,
    mode: "policy",
    bundle: INTENT_PATH,
    pack_path: POLICY_PATH,
    verify: "ok",
    policy_verdict: outcome.verdict,
    matched_rule: outcome.matched_rule,
    reason_codes: outcome.reason_codes,
    next_commands: NEXT_COMMANDS,
    metrics_opt_in: METRICS_OPT_IN,
    duration_ms: durationMs > 0 ? durationMs : undefined,
  };
  const text = [
    "mode=policy",
    `bundle=${INTENT_PATH}`,
    `pack_path=${POLICY_PATH}`,
    "verify=ok",
    `policy_verdict=${outcome.verdict}`,
    `matched_rule=${outcome.matched_rule}`,
    `reason_codes=${outcome.reason_codes.join(",")}`,
    `next=${NEXT_COMMANDS.join(",")}`,
    `metrics_opt_in=${METRICS_OPT_IN}`,
  ].join("\n");
  return { exitCode: 0, json, text };
}
