/**
 * Known-answer vectors: spec 02 §1.6 (intent, args, delegation binding, script
 * hash), §2.5 (policy digests, the f4581f55… verdict) and spec 01 §10 V3
 * (trace_id).
 */

import assert from "node:assert/strict";
import {
  argsDigest,
  computeTraceId,
  delegationBindingDigest,
  evaluateIntent,
  normalizeIntent,
  parsePolicyYaml,
  policyDigest,
  prepareIntent,
  scriptHash,
} from "../../src/gate/mod.ts";
import { NOW, readText, scenarioJson } from "./_helpers.ts";

const THIRD_VECTOR = {
  tool_name: "tool.write",
  args: { path: "/tmp/out.txt" },
  targets: [{ kind: "host", value: "api.external.com" }],
  arg_provenance: [{ arg_path: "$.path", source: "user" }],
  context: { identity: "alice", workspace: "/repo/gait", risk_class: "high" },
};

const BLOCK_EXTERNAL_POLICY = `default_verdict: allow
rules:
  - name: block-external-host
    priority: 10
    effect: block
    match:
      tool_names: [tool.write]
      target_kinds: [host]
      target_values: [api.external.com]
    reason_codes: [blocked_external]
    violations: [external_target]
`;

Deno.test("§1.6 approval-token-valid intent digest and args digest", () => {
  const intent = normalizeIntent(scenarioJson("approval-token-valid", "intent.json"));
  assert.equal(
    intent.intent_digest,
    "4b53bb79e35105ac9170963ac6f84ed0ed15530c68f06a46fc1233c5ec766913",
  );
  assert.equal(
    intent.args_digest,
    "3ce5713f41f9b6812880cac570b0f8ce318c7afff371873f241884729e518370",
  );
});

Deno.test("§1.6 approval-expiry-1s-past intent digest", () => {
  const intent = normalizeIntent(scenarioJson("approval-expiry-1s-past", "intent.json"));
  assert.equal(
    intent.intent_digest,
    "5560b84bd90ae0b84079bd0125a27d74750fb25f55a62a12a6b718eaca3dca51",
  );
});

Deno.test("§1.6 third vector: net.http + domain inference intent digest", () => {
  const intent = normalizeIntent(THIRD_VECTOR);
  assert.equal(intent.targets[0]!.endpoint_class, "net.http");
  assert.equal(intent.targets[0]!.endpoint_domain, "api.external.com");
  assert.equal(
    intent.intent_digest,
    "74d4a052fd27c63f110e0879f227215aed15a8e522946d38a2fb515374fbafa8",
  );
});

Deno.test("§1.6 delegation-chain-depth-3 intent digest and delegation binding", () => {
  const intent = normalizeIntent(scenarioJson("delegation-chain-depth-3", "intent.json"));
  assert.equal(
    intent.intent_digest,
    "cda51856ccf74168753405a3cc724fd936ede09c3cb26a5c8cdb191804058f27",
  );
  assert.equal(
    delegationBindingDigest(intent),
    "cacd63947af15d0850bb55ddf8573def88204d13f4bc8290141003635e04dc08",
  );
});

Deno.test("§1.6 script-max-steps-exceeded script_hash and intent digest", () => {
  const intent = normalizeIntent(scenarioJson("script-max-steps-exceeded", "intent.json"));
  assert.equal(
    intent.script_hash,
    "4a132cd1a51cc226c73b0cbae9528905fbbaa80b7fe06bb632a62d9647001c11",
  );
  assert.equal(scriptHash(intent.script!.steps), intent.script_hash);
  assert.equal(
    intent.intent_digest,
    "311e31ce67a6b94a50f2f2e37f1bff8b417730b5da87ec37527848220f2f5d98",
  );
});

Deno.test("§1.3 scripts: args_digest of {} is 44136fa3…", () => {
  assert.equal(argsDigest({}), "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a");
  const intent = normalizeIntent(scenarioJson("script-max-steps-exceeded", "intent.json"));
  assert.equal(intent.args_digest, argsDigest({}));
});

Deno.test("§1.5 preparation without envelope keeps the §1.6 digests", () => {
  for (const name of ["approval-token-valid", "approval-expiry-1s-past"]) {
    const intent = normalizeIntent(scenarioJson(name, "intent.json"));
    assert.equal(
      prepareIntent(intent, { evaluationTime: NOW }).intent_digest,
      intent.intent_digest,
    );
  }
});

Deno.test("§2.5 policy digest: default_verdict require_approval alone", () => {
  assert.equal(
    policyDigest(parsePolicyYaml("default_verdict: require_approval\n")),
    "07a528a879e4f0e0cd5a0e2ca801924746b47dac624862207ef21d4ec266f8f9",
  );
});

Deno.test("§2.5 policy digest: approved-registry-signature-mismatch-high-risk policy", () => {
  const text = readText(
    "fixtures/scenarios/gait/approved-registry-signature-mismatch-high-risk/policy.yaml",
  );
  assert.equal(
    policyDigest(parsePolicyYaml(text)),
    "44ae19688443915c381be9f806b7fc9ddb2736d286c4e40464b7575a874e9420",
  );
});

Deno.test("§2.5 policy digest: block-external-host policy", () => {
  assert.equal(
    policyDigest(parsePolicyYaml(BLOCK_EXTERNAL_POLICY)),
    "f4581f55c41a3ee69b316c95f66fbfc293ae7f06e6458491e3ca232dfb26608c",
  );
});

Deno.test("§2.5 block-external-host policy blocks the third §1.6 intent", () => {
  const policy = parsePolicyYaml(BLOCK_EXTERNAL_POLICY);
  const { prepared, outcome } = evaluateIntent(policy, normalizeIntent(THIRD_VECTOR), {
    evaluationTime: NOW,
  });
  assert.equal(outcome.verdict, "block");
  assert.deepEqual(outcome.reason_codes, ["blocked_external"]);
  assert.deepEqual(outcome.violations, ["external_target"]);
  assert.equal(outcome.matched_rule, "block-external-host");
  assert.equal(
    prepared!.intent_digest,
    "74d4a052fd27c63f110e0879f227215aed15a8e522946d38a2fb515374fbafa8",
  );
});

Deno.test("spec 01 §10 V3: trace_id of the block-external-host decision", () => {
  const policy = parsePolicyYaml(BLOCK_EXTERNAL_POLICY);
  const { prepared, outcome } = evaluateIntent(policy, normalizeIntent(THIRD_VECTOR), {
    evaluationTime: NOW,
  });
  assert.equal(
    computeTraceId(policyDigest(policy), prepared!.intent_digest, outcome.verdict),
    "9a714d67a491c4bd98dd7983",
  );
});
