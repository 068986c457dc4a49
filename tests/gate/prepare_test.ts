/**
 * Context envelopes (spec 02 §6.6), intent preparation (§1.5), Wrkr
 * enrichment (§6.7) and the fail-closed path for intents that cannot be
 * prepared (§3.1 step 1).
 */

import assert from "node:assert/strict";
import { GaitError } from "../../src/core/errors.ts";
import {
  contextSetDigest,
  evaluateIntent,
  normalizeIntent,
  parseContextEnvelope,
  parsePolicyYaml,
  prepareIntent,
  wrkrInventoryFromJson,
} from "../../src/gate/mod.ts";
import { assertInvalidInput, NOW, rawIntent } from "./_helpers.ts";

const HEX_A = "a".repeat(64);
const RECORD = {
  ref_id: "doc-2",
  source_type: "kb",
  source_locator: "kb://b",
  query_digest: HEX_A.toUpperCase(),
  content_digest: HEX_A,
  retrieved_at: "2026-02-18T11:00:00.5+01:00",
  redaction_mode: "reference",
};

function envelopeText(extra: Record<string, unknown> = {}, records: unknown[] = [RECORD]): string {
  return JSON.stringify({
    schema_id: "gait.context.envelope",
    schema_version: "1.0.0",
    created_at: "2026-02-18T09:00:00Z",
    producer_version: "test",
    context_set_id: "ctx-1",
    evidence_mode: "required",
    records,
    ...extra,
  });
}

Deno.test("§6.6 envelope: records normalized (UTC, lower digests, immutability default) and sorted", () => {
  const env = parseContextEnvelope(
    envelopeText({}, [RECORD, {
      ...RECORD,
      ref_id: "doc-1",
      retrieved_at: "0001-01-01T00:00:00Z",
    }]),
  );
  assert.deepEqual(env.records.map((r) => r.ref_id), ["doc-1", "doc-2"]);
  assert.equal(env.records[0]!.retrieved_at, "1980-01-01T00:00:00Z");
  assert.equal(env.records[1]!.retrieved_at, "2026-02-18T10:00:00.5Z");
  assert.equal(env.records[1]!.query_digest, HEX_A);
  assert.equal(env.records[1]!.immutability, "unknown");
  assert.equal(env.context_set_digest, contextSetDigest(env.records));
});

Deno.test("§6.6 envelope: a declared context_set_digest must match the records", () => {
  const env = parseContextEnvelope(envelopeText());
  assert.equal(
    parseContextEnvelope(envelopeText({ context_set_digest: env.context_set_digest.toUpperCase() }))
      .context_set_digest,
    env.context_set_digest,
  );
  assertInvalidInput(
    () => parseContextEnvelope(envelopeText({ context_set_digest: HEX_A })),
    /^context envelope: context_set_digest mismatch/,
  );
});

Deno.test("§6.6 envelope: unknown keys are rejected (top level and records)", () => {
  assertInvalidInput(
    () => parseContextEnvelope(envelopeText({ extra: 1 })),
    /unknown field "extra" in envelope/,
  );
  assertInvalidInput(
    () => parseContextEnvelope(envelopeText({}, [{ ...RECORD, note: "x" }])),
    /unknown field "note" in records\[0\]/,
  );
});

Deno.test("§6.6 envelope: strict JSON, required fields, enums, digests", () => {
  assertInvalidInput(
    () => parseContextEnvelope('{"context_set_id":"a","context_set_id":"b"}'),
    /duplicate key/,
  );
  assertInvalidInput(
    () => parseContextEnvelope(envelopeText({ context_set_id: " " })),
    /context_set_id is required/,
  );
  assertInvalidInput(
    () => parseContextEnvelope(envelopeText({ evidence_mode: "strict" })),
    /evidence_mode "strict"/,
  );
  assertInvalidInput(
    () => parseContextEnvelope(envelopeText({ schema_id: "x" })),
    /unsupported schema_id/,
  );
  assertInvalidInput(
    () => parseContextEnvelope(envelopeText({}, [{ ...RECORD, source_type: "" }])),
    /records\[0\]\.source_type is required/,
  );
  assertInvalidInput(
    () => parseContextEnvelope(envelopeText({}, [{ ...RECORD, immutability: "frozen" }])),
    /immutability "frozen"/,
  );
  assertInvalidInput(
    () => parseContextEnvelope(envelopeText({}, [{ ...RECORD, content_digest: "xyz" }])),
    /content_digest must be 64 hex/,
  );
  assertInvalidInput(
    () => parseContextEnvelope("x".repeat(1024 * 1024 + 1)),
    /exceeds 1048576 bytes/,
  );
  assert.equal(
    parseContextEnvelope('{"context_set_id":"c","records":[]}').evidence_mode,
    "best_effort",
  );
});

Deno.test("§1.5 without an envelope, context claims are stripped", () => {
  const intent = normalizeIntent(rawIntent({
    context: {
      context_set_digest: HEX_A,
      context_evidence_mode: "required",
      context_refs: ["r1"],
      auth_context: { context_age_seconds: 3, tenant: "t1" },
    },
  }));
  const prepared = prepareIntent(intent, { evaluationTime: NOW });
  assert.equal(prepared.context.context_set_digest, "");
  assert.equal(prepared.context.context_evidence_mode, "");
  assert.deepEqual(prepared.context.context_refs, []);
  assert.deepEqual(prepared.context.auth_context, { tenant: "t1" });
  assert.notEqual(prepared.intent_digest, intent.intent_digest);
  assert.equal(normalizeIntent(prepared).intent_digest, prepared.intent_digest);
  assert.equal(intent.context.context_set_digest, HEX_A, "input not modified");
});

Deno.test("§1.5 an auth_context holding only the age claim is dropped", () => {
  const intent = normalizeIntent(
    rawIntent({ context: { auth_context: { context_age_seconds: 3 } } }),
  );
  assert.equal(prepareIntent(intent, { evaluationTime: NOW }).context.auth_context, undefined);
});

Deno.test("§1.5 with an envelope: digest, mode, refs and age come from it", () => {
  const env = parseContextEnvelope(
    envelopeText({}, [
      RECORD,
      { ...RECORD, ref_id: "doc-1", retrieved_at: "2026-02-18T11:59:00Z" },
      { ...RECORD, ref_id: "doc-3", retrieved_at: "2026-02-19T00:00:00Z" },
    ]),
  );
  const prepared = prepareIntent(normalizeIntent(rawIntent()), {
    evaluationTime: NOW,
    envelope: env,
  });
  assert.equal(prepared.context.context_set_digest, env.context_set_digest);
  assert.equal(prepared.context.context_evidence_mode, "required");
  assert.deepEqual(prepared.context.context_refs, ["doc-1", "doc-2", "doc-3"]);
  assert.deepEqual(prepared.context.auth_context, { context_age_seconds: 7199 });
  assert.equal(normalizeIntent(prepared).intent_digest, prepared.intent_digest);
});

Deno.test("§1.5 with an envelope and no records: age since the envelope's created_at", () => {
  const env = parseContextEnvelope(envelopeText({}, []));
  const prepared = prepareIntent(normalizeIntent(rawIntent()), {
    evaluationTime: NOW,
    envelope: env,
  });
  assert.equal(prepared.context.auth_context?.context_age_seconds, 3 * 3600);
});

Deno.test("§1.5 the prepared intent_digest depends on the evaluation time with an envelope", () => {
  const env = parseContextEnvelope(envelopeText());
  const a = prepareIntent(normalizeIntent(rawIntent()), { evaluationTime: NOW, envelope: env });
  const b = prepareIntent(normalizeIntent(rawIntent()), {
    evaluationTime: "2026-02-18T12:00:01Z",
    envelope: env,
  });
  assert.notEqual(a.intent_digest, b.intent_digest);
});

Deno.test("§1.5 claimed digest or mode different from the envelope fails preparation", () => {
  const env = parseContextEnvelope(envelopeText());
  assertInvalidInput(
    () =>
      prepareIntent(normalizeIntent(rawIntent({ context: { context_set_digest: HEX_A } })), {
        evaluationTime: NOW,
        envelope: env,
      }),
    /^prepare intent: context_set_digest does not match/,
  );
  assertInvalidInput(
    () =>
      prepareIntent(
        normalizeIntent(rawIntent({ context: { context_evidence_mode: "best_effort" } })),
        { evaluationTime: NOW, envelope: env },
      ),
    /context_evidence_mode does not match/,
  );
  const ok = prepareIntent(
    normalizeIntent(
      rawIntent({
        context: {
          context_set_digest: env.context_set_digest.toUpperCase(),
          context_evidence_mode: "REQUIRED",
        },
      }),
    ),
    { evaluationTime: NOW, envelope: env },
  );
  assert.equal(ok.context.context_set_digest, env.context_set_digest);
});

Deno.test("§1.5 step 4: a Wrkr entry enriches single intents, not scripts", () => {
  const inventory = wrkrInventoryFromJson({
    items: [{ tool_name: "Tool.Read", data_class: "PII", autonomy_level: "supervised" }],
  });
  const single = prepareIntent(normalizeIntent(rawIntent()), {
    evaluationTime: NOW,
    wrkrInventory: inventory,
  });
  assert.deepEqual(single.context.auth_context, {
    "wrkr.tool_name": "tool.read",
    "wrkr.data_class": "pii",
    "wrkr.autonomy_level": "supervised",
  });
  const script = prepareIntent(
    normalizeIntent(rawIntent({ script: { steps: [{ tool_name: "tool.read" }] } })),
    { evaluationTime: NOW, wrkrInventory: inventory },
  );
  assert.equal(script.context.auth_context, undefined);
});

Deno.test("§6.7 Wrkr inventory JSON: array or {items}, strings only", () => {
  assert.equal(wrkrInventoryFromJson([{ tool_name: "a" }]).size, 1);
  assertInvalidInput(() => wrkrInventoryFromJson("x"), /wrkr inventory/);
  assertInvalidInput(
    () => wrkrInventoryFromJson([{ tool_name: 1 }]),
    /items\[0\]\.tool_name must be a string/,
  );
});

Deno.test("§3.1 step 1: preparation failure under fail-closed → block fail_closed_intent_invalid", () => {
  const env = parseContextEnvelope(envelopeText());
  const policy = parsePolicyYaml("default_verdict: allow\nfail_closed:\n  enabled: true\n");
  const intent = normalizeIntent(
    rawIntent({ context: { risk_class: "HIGH", context_set_digest: HEX_A } }),
  );
  const result = evaluateIntent(policy, intent, { evaluationTime: NOW, envelope: env });
  assert.equal(result.prepared, null);
  assert.ok(result.preparationError instanceof GaitError);
  assert.equal(result.outcome.verdict, "block");
  assert.deepEqual(result.outcome.reason_codes, ["fail_closed_intent_invalid"]);
  assert.deepEqual(result.outcome.violations, ["intent_not_evaluable"]);
  assert.equal(result.outcome.decision_path, "intent_invalid");
});

Deno.test("§3.1 step 1: preparation failure without fail-closed coverage is an error", () => {
  const env = parseContextEnvelope(envelopeText());
  const policy = parsePolicyYaml("default_verdict: allow\nfail_closed:\n  enabled: true\n");
  const intent = normalizeIntent(
    rawIntent({ context: { risk_class: "low", context_set_digest: HEX_A } }),
  );
  assertInvalidInput(
    () => evaluateIntent(policy, intent, { evaluationTime: NOW, envelope: env }),
    /prepare intent/,
  );
});

Deno.test("§3 evaluation time must be RFC 3339", () => {
  const policy = parsePolicyYaml("default_verdict: allow\n");
  assertInvalidInput(
    () => evaluateIntent(policy, normalizeIntent(rawIntent()), { evaluationTime: "now" }),
    /evaluation time/,
  );
});

Deno.test("§3.4 GateResult: created_at in UTC (1980 when unset), producer_version default", () => {
  const policy = parsePolicyYaml("default_verdict: allow\n");
  const a = evaluateIntent(
    policy,
    normalizeIntent(rawIntent({ created_at: "2026-02-18T02:00:00+02:00" })),
    { evaluationTime: NOW, producerVersion: "1.2.3" },
  ).outcome.result;
  assert.deepEqual(a, {
    schema_id: "gait.gate.result",
    schema_version: "1.0.0",
    created_at: "2026-02-18T00:00:00Z",
    producer_version: "1.2.3",
    verdict: "allow",
    reason_codes: ["default_allow"],
    violations: [],
  });
  const b =
    evaluateIntent(policy, normalizeIntent(rawIntent()), { evaluationTime: NOW }).outcome.result;
  assert.equal(b.created_at, "1980-01-01T00:00:00Z");
  assert.equal(b.producer_version, "0.0.0-dev");
});

Deno.test("fail closed: a hand-built script without steps is an error, never a verdict", () => {
  const policy = parsePolicyYaml("default_verdict: allow\n");
  const intent = normalizeIntent(rawIntent({ script: { steps: [{ tool_name: "a" }] } }));
  intent.script!.steps = [];
  assertInvalidInput(
    () => evaluateIntent(policy, intent, { evaluationTime: NOW }),
    /script\.steps must not be empty/,
  );
});
