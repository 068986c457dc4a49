/**
 * schemas/v1/gate: what Gait writes and ships matches its own schemas
 * (gate result, intent requests, baseline policies).
 */

import { parse as parseYaml } from "yaml";
import { evaluateIntent, normalizeIntent, parsePolicyYaml } from "../../src/gate/mod.ts";
import { POLICY_TEMPLATES, policyTemplate } from "../../src/gate/policy_templates.ts";
import { assertMatchesSchema } from "../helpers/schema.ts";
import { ROOT, scenarioJson } from "./_helpers.ts";

Deno.test("schemas: the gait.gate.result of an evaluation matches gate/gate_result", async () => {
  const { outcome } = evaluateIntent(
    parsePolicyYaml("default_verdict: require_approval\n"),
    normalizeIntent(scenarioJson("approval-token-valid", "intent.json")),
    { evaluationTime: "2026-02-18T00:00:00Z" },
  );
  await assertMatchesSchema("gate/gate_result", outcome.result);
});

Deno.test("schemas: example and scenario intents match gate/intent_request", async () => {
  for (const e of Deno.readDirSync(`${ROOT}/examples/policy/intents`)) {
    await assertMatchesSchema(
      "gate/intent_request",
      JSON.parse(Deno.readTextFileSync(`${ROOT}/examples/policy/intents/${e.name}`)),
    );
  }
  await assertMatchesSchema(
    "gate/intent_request",
    scenarioJson("approval-token-valid", "intent.json"),
  );
});

Deno.test("schemas: the baseline templates match gate/policy", async () => {
  for (const t of POLICY_TEMPLATES) {
    await assertMatchesSchema("gate/policy", parseYaml(policyTemplate(t)));
  }
});
