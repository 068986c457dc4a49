/**
 * The `gate eval` pipeline in-process (spec 02 §4.3): scenario fixtures,
 * oss-prod refusals, simulate, explain, the fail-closed defaults of the guard
 * hooks, and output field presence.
 */

import assert from "node:assert/strict";
import { GaitError } from "../../src/core/errors.ts";
import { fixedClock } from "../../src/core/timestamp.ts";
import {
  checkProfileBroker,
  checkProfilePolicy,
  checkProfilePreconditions,
  loadedPolicy,
  parseProfile,
  runGateEval,
} from "../../src/gate/eval_pipeline.ts";
import { normalizeContextEnvelope, parsePolicyYaml } from "../../src/gate/mod.ts";
import { assertMatchesSchema } from "../helpers/schema.ts";
import {
  CLOCK_NOW,
  evalInProcess,
  scenarioApprovalKey,
  scenarioJson,
  scenarioText,
  signingKeyOf,
  v4Key,
  writeIntent,
} from "./_helpers.ts";

function rejectsInvalid(fn: () => unknown, message: string | RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof GaitError);
    assert.equal(e.category, "invalid_input");
    if (typeof message === "string") assert.equal(e.message, message);
    else assert.match(e.message, message);
    return true;
  });
}

Deno.test("§8 approval-token-valid: allow, exit 0, approval_granted", async () => {
  const name = "approval-token-valid";
  const r = await evalInProcess(
    scenarioText(name, "policy.yaml"),
    scenarioJson(name, "intent.json"),
    {
      approvalTokens: [{
        path: "approval-token.json",
        value: scenarioJson(name, "approval-token.json"),
      }],
      approvalVerifyKey: () => scenarioApprovalKey(name),
    },
  );
  assert.equal(r.exitCode, 0);
  assert.equal(r.output.verdict, "allow");
  assert.ok((r.output.reason_codes as string[]).includes("approval_granted"));
  assert.equal(
    r.output.intent_digest,
    "4b53bb79e35105ac9170963ac6f84ed0ed15530c68f06a46fc1233c5ec766913",
  );
  assert.equal(r.output.approval_ref, "ec44f8948261811d131eb04a");
  assert.equal(r.trace.approval_token_ref, "ec44f8948261811d131eb04a");
});

Deno.test("§8 approval-expiry-1s-past: require_approval, exit 4, approval_token_expired", async () => {
  const name = "approval-expiry-1s-past";
  const r = await evalInProcess(
    scenarioText(name, "policy.yaml"),
    scenarioJson(name, "intent.json"),
    {
      approvalTokens: [{
        path: "approval-token.json",
        value: scenarioJson(name, "approval-token.json"),
      }],
      approvalVerifyKey: () => scenarioApprovalKey(name),
    },
  );
  assert.equal(r.exitCode, 4);
  assert.equal(r.output.verdict, "require_approval");
  assert.ok((r.output.reason_codes as string[]).includes("approval_token_expired"));
});

Deno.test("§5.3 dev mode: without an approval key the ephemeral trace key cannot verify tokens", async () => {
  const name = "approval-token-valid";
  const r = await evalInProcess(
    scenarioText(name, "policy.yaml"),
    scenarioJson(name, "intent.json"),
    {
      approvalTokens: [{
        path: "approval-token.json",
        value: scenarioJson(name, "approval-token.json"),
      }],
    },
  );
  assert.equal(r.exitCode, 4);
  assert.ok((r.output.reason_codes as string[]).includes("approval_token_signature_invalid"));
});

Deno.test("§8 dry-run-no-side-effects: --simulate on allow: allow, simulate_mode, exit 0", async () => {
  const name = "dry-run-no-side-effects";
  const r = await evalInProcess(
    scenarioText(name, "policy.yaml"),
    scenarioJson(name, "intent.json"),
    {
      simulate: true,
    },
  );
  assert.equal(r.exitCode, 0);
  assert.equal(r.output.verdict, "allow");
  assert.equal(r.output.simulate_mode, true);
  assert.ok((r.output.reason_codes as string[]).includes("simulate_mode_non_enforcing"));
  assert.equal("would_have_blocked" in r.output, false);
});

Deno.test("§4.3 step 16 simulate on block: allow, would_have_blocked, simulated_block, violations cleared", async () => {
  const policy =
    "default_verdict: allow\nrules:\n  - {name: no-writes, effect: block, match: {tool_names: [tool.write]}, violations: [write]}\n";
  const r = await evalInProcess(policy, writeIntent(), { simulate: true });
  assert.equal(r.exitCode, 0);
  assert.equal(r.output.verdict, "allow");
  assert.equal(r.output.would_have_blocked, true);
  assert.equal(r.output.simulated_verdict, "block");
  assert.deepEqual(r.output.simulated_reason_codes, ["matched_rule_no_writes"]);
  assert.deepEqual(r.output.reason_codes, [
    "matched_rule_no_writes",
    "simulate_mode_non_enforcing",
    "simulated_block",
  ]);
  assert.equal("violations" in r.output, false);
  assert.equal(r.trace.verdict, "allow");
});

Deno.test("§8 policy-block-destructive and policy-allow-safe-tools: exit codes by verdict", async () => {
  for (const name of ["policy-block-destructive", "policy-allow-safe-tools"]) {
    const policy = scenarioText(name, "policy.yaml");
    const intents = scenarioText(name, "intents.jsonl").trim().split("\n").map((l) =>
      JSON.parse(l)
    );
    const wanted = scenarioText(name, "expected-verdicts.jsonl").trim().split("\n").map((l) =>
      JSON.parse(l)
    );
    for (let i = 0; i < intents.length; i++) {
      const r = await evalInProcess(policy, intents[i]);
      assert.equal(r.output.verdict, wanted[i].verdict, `${name}[${i}]`);
      assert.equal(r.exitCode, wanted[i].exit_code, `${name}[${i}]`);
    }
  }
});

Deno.test("§8 concurrent-evaluation-10: ten concurrent evaluations all allow", async () => {
  const intent = scenarioJson("concurrent-evaluation-10", "intent.json");
  const results = await Promise.all(
    Array.from({ length: 10 }, () => evalInProcess("default_verdict: allow\n", intent)),
  );
  for (const r of results) assert.equal(r.output.verdict, "allow");
  assert.equal(new Set(results.map((r) => r.output.trace_id)).size, 1);
});

Deno.test("§8 script scenarios: verdicts, step fields and matched_rule_ids in the trace", async () => {
  const cases: [string, string, number][] = [
    ["script-max-steps-exceeded", "script_max_steps_exceeded", 3],
    ["script-mixed-risk-block", "script_mixed_risk_blocked", 3],
    ["script-threshold-approval-determinism", "script_step_threshold_approval", 4],
  ];
  for (const [name, code, exit] of cases) {
    const r = await evalInProcess(
      scenarioText(name, "policy.yaml"),
      scenarioJson(name, "intent.json"),
    );
    assert.equal(r.exitCode, exit, name);
    assert.ok((r.output.reason_codes as string[]).includes(code), name);
    assert.equal(r.output.script, true);
    assert.equal(r.output.step_count, 2);
    assert.equal(r.output.composite_risk_class, "medium");
    assert.equal(r.trace.script, true);
    assert.equal((r.output.step_verdicts as unknown[]).length, 2);
    await assertMatchesSchema("gate/trace_record", r.trace);
  }
});

Deno.test("§3.6 oss-prod refusals: simulate, key mode, private key, default allow, brokers", () => {
  rejectsInvalid(
    () => parseProfile("prod"),
    'unsupported --profile value "prod" (expected standard or oss-prod)',
  );
  const pre = {
    profile: "oss-prod" as const,
    simulate: false,
    keyMode: "prod",
    hasPrivateKey: true,
  };
  rejectsInvalid(
    () => checkProfilePreconditions({ ...pre, simulate: true }),
    "oss-prod profile does not allow --simulate",
  );
  rejectsInvalid(
    () => checkProfilePreconditions({ ...pre, keyMode: "dev" }),
    "oss-prod profile requires --key-mode prod",
  );
  rejectsInvalid(
    () => checkProfilePreconditions({ ...pre, hasPrivateKey: false }),
    "oss-prod profile requires --private-key or --private-key-env",
  );
  checkProfilePreconditions({ ...pre, profile: "standard", simulate: true, keyMode: "dev" });
  rejectsInvalid(
    () => checkProfilePolicy("oss-prod", parsePolicyYaml("default_verdict: allow\n")),
    "oss-prod profile rejects policy default_verdict=allow; use default_verdict: block or require_approval",
  );
  const noBroker = parsePolicyYaml(
    "default_verdict: block\nrules:\n  - {name: w, effect: require_approval, match: {risk_classes: [high]}}\n",
  );
  rejectsInvalid(
    () => checkProfileBroker("oss-prod", noBroker, false),
    "oss-prod profile requires high-risk allow/approval rules to set require_broker_credential: true",
  );
  const brokered = parsePolicyYaml(
    "default_verdict: block\nrules:\n  - {name: w, effect: allow, require_broker_credential: true, match: {risk_classes: [critical]}}\n",
  );
  rejectsInvalid(
    () => checkProfileBroker("oss-prod", brokered, false),
    "oss-prod profile requires --credential-broker for high-risk policies",
  );
  checkProfileBroker("oss-prod", brokered, true);
  checkProfileBroker("standard", noBroker, false);
});

Deno.test("§3.6 oss-prod: approval tokens need an explicit approval key", async () => {
  const key = await v4Key();
  await assert.rejects(
    () =>
      runGateEval(
        loadedPolicy(parsePolicyYaml("default_verdict: require_approval\n")),
        writeIntent(),
        {
          profile: "oss-prod",
          clock: fixedClock(CLOCK_NOW),
          signingKey: signingKeyOf(key),
          approvalTokens: [{ path: "t", value: {} }],
          traceOut: null,
        },
      ),
    /oss-prod profile requires --approval-public-key/,
  );
});

Deno.test("§4.3 step 13 default: a rule requiring delegation blocks without tokens", async () => {
  const policy =
    "default_verdict: block\nrules:\n  - {name: egress, effect: allow, match: {require_delegation: true}}\n";
  const intent = {
    ...writeIntent(),
    delegation: { requester_identity: "agent.test", token_refs: ["d-1"] },
  };
  const r = await evalInProcess(policy, intent, {});
  assert.equal(r.exitCode, 3);
  assert.equal(r.output.delegation_required, true);
  assert.ok((r.output.reason_codes as string[]).includes("delegation_token_missing"));
  assert.deepEqual(r.output.violations, ["delegation_not_granted"]);
  const ref = r.trace.delegation_ref as Record<string, unknown>;
  assert.equal(ref.delegation_token_ref, "d-1");
  assert.equal(ref.requester_identity, "agent.test");
  assert.deepEqual(ref.reason_codes, ["delegation_token_missing"]);
  assert.match(String(ref.chain_digest), /^[0-9a-f]{64}$/);
});

Deno.test("§4.3 step 15 default: broker off blocks an allow that requires a brokered credential", async () => {
  const policy =
    "default_verdict: block\nrules:\n  - {name: w, effect: allow, require_broker_credential: true, match: {tool_names: [tool.write]}}\n";
  const r = await evalInProcess(policy, writeIntent(), {});
  assert.equal(r.exitCode, 3);
  assert.ok((r.output.reason_codes as string[]).includes("broker_credential_required"));
  assert.deepEqual(r.output.violations, ["broker_credential_missing"]);
});

Deno.test("§4.3 step 11 default: a rate-limited rule fails closed without a rate-limit store", async () => {
  const policy =
    "default_verdict: block\nrules:\n  - {name: w, effect: allow, rate_limit: {requests: 5}, match: {tool_names: [tool.write]}}\n";
  await assert.rejects(() => evalInProcess(policy, writeIntent(), {}), (e: unknown) => {
    assert.ok(e instanceof GaitError);
    assert.equal(e.exitCode, 1);
    return true;
  });
});

Deno.test("§4.5 explain: pre-approval verdict, matched rules, missing fields, schema", async () => {
  const policy =
    "default_verdict: allow\nfail_closed:\n  enabled: true\n  required_fields: [delegation]\nrules:\n  - {name: w, priority: 5, effect: require_approval, match: {tool_names: [tool.write]}}\n";
  const r = await evalInProcess(
    policy,
    writeIntent({ credential_ref: "vault:x", credential_source: "vault_dynamic" }),
  );
  const doc = r.explain;
  await assertMatchesSchema("gate/policy_explain", doc);
  assert.equal(doc.verdict, "block");
  assert.deepEqual(doc.missing_fields, ["delegation"]);
  assert.deepEqual(doc.fail_closed_reason_codes, ["fail_closed_missing_delegation"]);
  assert.deepEqual(doc.credential_posture, {
    present: true,
    source: "vault_dynamic",
    credential_ref: "vault:x",
  });
  assert.equal(doc.context_evidence_status, "not_required");
  const approval = await evalInProcess("default_verdict: require_approval\n", writeIntent());
  assert.equal(approval.explain.verdict, "require_approval");
  assert.equal(approval.explain.approval_required, true);
  assert.equal(approval.explain.required_approvals, 1);
  assert.equal(approval.exitCode, 4);
});

Deno.test("§1.5 context envelope mismatch under fail-closed: block, fail_closed_intent_invalid, raw digests", async () => {
  const envelope = normalizeContextEnvelope({
    schema_id: "gait.context.envelope",
    schema_version: "1.0.0",
    created_at: "2026-02-18T00:00:00Z",
    context_set_id: "set-1",
    evidence_mode: "required",
    records: [],
  });
  const intent = writeIntent({ context_set_digest: "f".repeat(64) });
  const r = await evalInProcess("fail_closed:\n  enabled: true\n", intent, {
    contextEnvelope: envelope,
  });
  assert.equal(r.exitCode, 3);
  assert.deepEqual(r.output.reason_codes, ["fail_closed_intent_invalid"]);
  assert.deepEqual(r.output.violations, ["intent_not_evaluable"]);
  assert.equal(r.output.context_set_digest, "f".repeat(64));
  await assert.rejects(
    () => evalInProcess("default_verdict: allow\n", intent, { contextEnvelope: envelope }),
    /prepare intent/,
  );
});

Deno.test("§4.4 output: empty fields omitted, context_source for an envelope", async () => {
  const envelope = normalizeContextEnvelope({
    schema_id: "gait.context.envelope",
    schema_version: "1.0.0",
    created_at: "2026-02-18T00:00:00Z",
    context_set_id: "set-1",
    evidence_mode: "required",
    records: [{
      ref_id: "r1",
      source_type: "doc",
      source_locator: "kb://1",
      query_digest: "1".repeat(64),
      content_digest: "2".repeat(64),
      retrieved_at: "2026-02-18T00:00:00Z",
      redaction_mode: "reference",
    }],
  });
  const r = await evalInProcess("default_verdict: allow\n", writeIntent(), {
    contextEnvelope: envelope,
    evaluationTime: "2026-02-18T00:01:00Z",
  });
  assert.deepEqual(Object.keys(r.output).sort(), [
    "context_evidence_mode",
    "context_ref_count",
    "context_set_digest",
    "context_source",
    "intent_digest",
    "ok",
    "phase",
    "policy_digest",
    "profile",
    "reason_codes",
    "trace_id",
    "verdict",
  ]);
  assert.equal(r.output.context_source, "context_envelope");
  assert.equal(r.output.context_ref_count, 1);
  assert.equal(r.trace.context_source, "context_envelope");
  assert.equal(r.explain.context_evidence_status, "verified");
});

Deno.test("§4.2 normalization errors are invalid input and nothing is evaluated", async () => {
  await assert.rejects(
    () => evalInProcess("default_verdict: allow\n", { tool_name: "", context: {} }),
    (e: unknown) =>
      e instanceof GaitError && e.exitCode === 6 && /normalize intent/.test(e.message),
  );
});
