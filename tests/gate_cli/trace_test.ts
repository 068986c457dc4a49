/**
 * Signed trace records (spec 01 §6, spec 02 §4.5): ids, field presence,
 * signing and verification.
 */

import assert from "node:assert/strict";
import { sha256Hex } from "../../src/core/digest.ts";
import { generateKeyPair, publicKeyOf } from "../../src/crypto/mod.ts";
import { normalizeIntent } from "../../src/gate/mod.ts";
import {
  buildTraceRecord,
  computeEventId,
  renderTraceFile,
  signTraceRecord,
  type TraceInput,
  traceSignableDigest,
  verifyTraceRecord,
} from "../../src/gate/trace.ts";
import { assertMatchesSchema } from "../helpers/schema.ts";
import { evalInProcess, v4Key, writeIntent } from "./_helpers.ts";

const V3_POLICY = "f4581f55c41a3ee69b316c95f66fbfc293ae7f06e6458491e3ca232dfb26608c";

function v3Input(): TraceInput {
  const intent = normalizeIntent({
    tool_name: "tool.write",
    args: { path: "/tmp/out.txt" },
    targets: [{ kind: "host", value: "api.external.com" }],
    arg_provenance: [{ arg_path: "$.path", source: "user" }],
    context: { identity: "alice", workspace: "/repo/gait", risk_class: "high" },
  });
  return {
    createdAt: "1980-01-01T00:00:00Z",
    observedAt: "2026-02-18T10:00:00.123456789Z",
    producerVersion: "0.0.0-dev",
    verdict: "block",
    violations: ["external_target"],
    policyDigest: V3_POLICY,
    policyId: "gait.gate.policy",
    policyVersion: "1.0.0",
    intent,
    contextSource: "",
    script: false,
    stepCount: 0,
    scriptHash: "",
    compositeRiskClass: "",
    stepVerdicts: [],
    approvalTokenRef: "",
    freezeWindow: null,
    sandbox: null,
    killSwitch: null,
    delegationRef: null,
  };
}

Deno.test("spec 01 V3: trace_id of the block-external-host decision", () => {
  const record = buildTraceRecord(v3Input());
  assert.equal(
    record.intent_digest,
    "74d4a052fd27c63f110e0879f227215aed15a8e522946d38a2fb515374fbafa8",
  );
  assert.equal(record.trace_id, "9a714d67a491c4bd98dd7983");
});

Deno.test("event_id = first 12 bytes of sha256(trace_id:observed_at UTC RFC3339Nano)", () => {
  const record = buildTraceRecord(v3Input());
  const expected = sha256Hex("9a714d67a491c4bd98dd7983:2026-02-18T10:00:00.123456789Z").slice(
    0,
    24,
  );
  assert.equal(record.event_id, expected);
  assert.equal(
    computeEventId("9a714d67a491c4bd98dd7983", "2026-02-18T11:00:00.123456789+01:00"),
    expected,
  );
});

Deno.test("trace fields: required always, optional omitted when empty, Go struct order", () => {
  const record = buildTraceRecord(v3Input());
  assert.deepEqual(Object.keys(record), [
    "schema_id",
    "schema_version",
    "created_at",
    "observed_at",
    "producer_version",
    "trace_id",
    "event_id",
    "tool_name",
    "args_digest",
    "intent_digest",
    "policy_digest",
    "policy_id",
    "policy_version",
    "verdict",
    "violations",
  ]);
  const noViolations = buildTraceRecord({ ...v3Input(), violations: [] });
  assert.equal("violations" in noViolations, false);
});

Deno.test("trace timestamps are always present in nested decisions and agent identity", () => {
  const input = v3Input();
  input.intent = normalizeIntent(writeIntent({ agent_identity: { owner: "team-a" } }));
  input.freezeWindow = {
    status: "inactive",
    effect: "block",
    timezone: "UTC",
    evaluated_at: "2026-02-18T10:00:00Z",
    window_name: "",
    window_start: "0001-01-01T00:00:00Z",
    window_end: "0001-01-01T00:00:00Z",
    reason: "",
    reason_code: "",
  };
  const record = buildTraceRecord(input);
  const fw = record.freeze_window as Record<string, unknown>;
  assert.equal(fw.window_start, "0001-01-01T00:00:00Z");
  assert.equal(fw.window_end, "0001-01-01T00:00:00Z");
  assert.equal("window_name" in fw, false);
  const agent = record.agent_identity as Record<string, unknown>;
  assert.equal(agent.issued_at, "0001-01-01T00:00:00Z");
  assert.equal(agent.expires_at, "0001-01-01T00:00:00Z");
  assert.equal(agent.owner, "team-a");
});

Deno.test("sign → verify ok; the signature covers the record without signature", async () => {
  const key = await v4Key();
  const signed = await signTraceRecord(buildTraceRecord(v3Input()), key);
  const sig = signed.signature as Record<string, string>;
  assert.equal(sig.alg, "ed25519");
  assert.equal(sig.key_id, key.keyId);
  assert.equal(sig.signed_digest, traceSignableDigest(signed));
  const check = await verifyTraceRecord(
    JSON.parse(renderTraceFile(signed)),
    await publicKeyOf(key),
  );
  assert.deepEqual(check, {
    ok: true,
    trace_id: "9a714d67a491c4bd98dd7983",
    verdict: "block",
    signature_status: "verified",
    key_id: key.keyId,
  });
  await assertMatchesSchema("gate/trace_record", signed);
});

Deno.test("trace verify: a changed field, an added field or a removed signature fails", async () => {
  const key = await v4Key();
  const pub = await publicKeyOf(key);
  const signed = JSON.parse(
    renderTraceFile(await signTraceRecord(buildTraceRecord(v3Input()), key)),
  );
  const changed = { ...signed, verdict: "allow" };
  assert.equal((await verifyTraceRecord(changed, pub)).error, "signed_digest mismatch");
  const added = { ...signed, note: "x" };
  assert.equal((await verifyTraceRecord(added, pub)).signature_status, "failed");
  const { signature: _s, ...unsigned } = signed;
  assert.equal((await verifyTraceRecord(unsigned, pub)).error, "missing signature");
});

Deno.test("trace verify: the wrong key fails with key id mismatch", async () => {
  const signed = JSON.parse(
    renderTraceFile(await signTraceRecord(buildTraceRecord(v3Input()), await v4Key())),
  );
  const other = await publicKeyOf(await generateKeyPair());
  const check = await verifyTraceRecord(signed, other);
  assert.equal(check.ok, false);
  assert.equal(check.error, "key id mismatch");
});

Deno.test("trace file: pretty JSON, 2-space indent, Go escaping, trailing newline", () => {
  const text = renderTraceFile({ schema_id: "gait.gate.trace", tool_name: "a<b>&c" });
  assert.equal(
    text,
    '{\n  "schema_id": "gait.gate.trace",\n  "tool_name": "a\\u003cb\\u003e\\u0026c"\n}\n',
  );
});

Deno.test("pipeline trace: matches the schema, carries context fields, verdict final", async () => {
  const result = await evalInProcess(
    "default_verdict: allow\n",
    writeIntent({ agent_id: "agent-7", run_id: "run-1", credential_ttl_seconds: 60 }),
  );
  const trace = result.trace;
  assert.equal(trace.verdict, "allow");
  assert.equal(trace.agent_id, "agent-7");
  assert.equal(trace.run_id, "run-1");
  assert.equal(trace.credential_ttl_seconds, 60);
  assert.equal(trace.trace_id, result.output.trace_id);
  assert.equal("reason_codes" in trace, false);
  await assertMatchesSchema("gate/trace_record", trace);
});
