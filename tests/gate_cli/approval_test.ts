/**
 * Approval tokens (spec 02 §5.1–§5.3): minting, the V5 Go-signed token, each
 * verification reason code in order, min_approvals with distinct approvers,
 * and the audit record.
 */

import assert from "node:assert/strict";
import { digestJson, sha256Hex } from "../../src/core/digest.ts";
import type { JsonValue } from "../../src/core/json_value.ts";
import { generateKeyPair, publicKeyOf } from "../../src/crypto/mod.ts";
import {
  addNanos,
  approvalAuditRecord,
  type ApprovalExpectation,
  approvalTokenObject,
  mintApprovalToken,
  normalizeApprovalToken,
  verifyApprovalTokens,
} from "../../src/gate/approval.ts";
import { normalizeIntent, parsePolicyYaml, policyDigest } from "../../src/gate/mod.ts";
import { assertMatchesSchema } from "../helpers/schema.ts";
import {
  CLOCK_NOW,
  evalInProcess,
  scenarioApprovalKey,
  scenarioJson,
  signingKeyOf,
  v4Key,
  writeIntent,
} from "./_helpers.ts";

const HOUR = 3_600_000_000_000n;
const REQUIRE = "default_verdict: require_approval\n";
const REQUIRE_DIGEST = "07a528a879e4f0e0cd5a0e2ca801924746b47dac624862207ef21d4ec266f8f9";

function expectation(patch: Partial<ApprovalExpectation> = {}): ApprovalExpectation {
  return {
    intentDigest: "a".repeat(64),
    policyDigest: "b".repeat(64),
    delegationBindingDigest: "",
    requiredScope: ["tool:tool.write"],
    targetCount: 1,
    opCount: 1,
    ...patch,
  };
}

async function mint(patch: Record<string, unknown> = {}, key?: Awaited<ReturnType<typeof v4Key>>) {
  return await mintApprovalToken({
    intentDigest: "a".repeat(64),
    policyDigest: "b".repeat(64),
    ttlNanos: HOUR,
    scope: ["tool:tool.write"],
    approver: "alice",
    reasonCode: "change_ticket",
    now: CLOCK_NOW,
    producerVersion: "0.0.0-dev",
    ...patch,
  }, key ?? await v4Key());
}

function doc(token: Awaited<ReturnType<typeof mint>>): JsonValue {
  return JSON.parse(JSON.stringify(approvalTokenObject(token)));
}

async function check(
  tokens: JsonValue[],
  patch: Partial<ApprovalExpectation> = {},
  now = CLOCK_NOW,
) {
  return await verifyApprovalTokens({
    tokens: tokens.map((value, i) => ({ path: `t${i}.json`, value })),
    verifier: await publicKeyOf(await v4Key()),
    expected: expectation(patch),
    minApprovals: 1,
    requireDistinctApprovers: false,
    now,
  });
}

Deno.test("spec 01 V5: the Go-signed fixture token verifies (µs timestamps kept)", async () => {
  const token = normalizeApprovalToken(
    scenarioJson("approval-token-valid", "approval-token.json"),
  );
  assert.equal(token.created_at, "2026-02-24T12:42:58.228785Z");
  assert.equal(
    digestJson(approvalTokenObject(token, false)),
    "d470f2e63450ca56d772bebbe269db46318f309181444bb2522bb262061079c0",
  );
  const result = await verifyApprovalTokens({
    tokens: [{ path: "t", value: approvalTokenObject(token) }],
    verifier: await scenarioApprovalKey("approval-token-valid"),
    expected: expectation({
      intentDigest: "4b53bb79e35105ac9170963ac6f84ed0ed15530c68f06a46fc1233c5ec766913",
      policyDigest: REQUIRE_DIGEST,
    }),
    minApprovals: 1,
    requireDistinctApprovers: false,
    now: CLOCK_NOW,
  });
  assert.equal(result.approved, true);
  assert.deepEqual(result.reasonCodes, ["approval_granted"]);
});

Deno.test("§5.1 mint: token_id rule, expires_at = created_at + ttl, scope lowuniq, schema", async () => {
  const token = await mint({
    scope: [" Tool:Tool.Write ", "tool:tool.write", "phase:apply"],
    maxTargets: 2,
  });
  assert.deepEqual(token.scope, ["phase:apply", "tool:tool.write"]);
  assert.equal(token.created_at, CLOCK_NOW);
  assert.equal(token.expires_at, "2026-03-01T01:00:00Z");
  const id = sha256Hex(
    `${"a".repeat(64)}:${
      "b".repeat(64)
    }:alice:change_ticket:phase:apply,tool:tool.write:2:0:2026-03-01T01:00:00Z`,
  ).slice(0, 24);
  assert.equal(token.token_id, id);
  const o = approvalTokenObject(token);
  assert.equal("max_ops" in o, false);
  assert.equal("delegation_binding_digest" in o, false);
  await assertMatchesSchema("gate/approval_token", o);
});

Deno.test("§5.1 mint: ttl must be positive, scope required, digests 64-hex", async () => {
  await assert.rejects(() => mint({ ttlNanos: 0n }), /invalid --ttl, expected positive duration/);
  await assert.rejects(() => mint({ scope: [" "] }), /scope is required/);
  await assert.rejects(() => mint({ intentDigest: "abc" }), /intent digest/);
});

Deno.test("addNanos keeps nanosecond precision", () => {
  assert.equal(
    addNanos("2026-02-24T12:42:58.228785Z", 1_000_000_001n),
    "2026-02-24T12:42:59.228785001Z",
  );
});

Deno.test("§5.3 verification reason codes, first failure wins, in the spec's order", async () => {
  const key = await v4Key();
  const good = doc(await mint({}, key));
  const cases: [JsonValue, Partial<ApprovalExpectation>, string, string?][] = [
    [{ ...good as object, approver_identity: " " }, {}, "approval_token_invalid"],
    [{ ...good as object, signature: null }, {}, "approval_token_signature_missing"],
    [{ ...good as object, reason_code: "other" }, {}, "approval_token_signature_invalid"],
    [good, { intentDigest: "c".repeat(64) }, "approval_token_intent_mismatch"],
    [good, { policyDigest: "c".repeat(64) }, "approval_token_policy_mismatch"],
    [
      good,
      { delegationBindingDigest: "d".repeat(64) },
      "approval_token_delegation_binding_mismatch",
    ],
    [good, {}, "approval_token_expired", "2026-03-01T01:00:00Z"],
    [good, { requiredScope: ["tool:tool.delete"] }, "approval_token_scope_mismatch"],
  ];
  for (const [token, patch, code, now] of cases) {
    const r = await check([JSON.parse(JSON.stringify(token))], patch, now);
    assert.equal(r.approved, false, code);
    assert.deepEqual(r.reasonCodes, [code, "approval_chain_insufficient"].sort(), code);
    assert.deepEqual(r.violations, ["approval_not_granted"]);
  }
  const limited = doc(await mint({ maxTargets: 1, maxOps: 2 }, key));
  assert.ok(
    (await check([limited], { targetCount: 2 })).reasonCodes.includes(
      "approval_token_max_targets_exceeded",
    ),
  );
  assert.ok(
    (await check([limited], { opCount: 3 })).reasonCodes.includes(
      "approval_token_max_ops_exceeded",
    ),
  );
  assert.equal((await check([limited], { targetCount: 1, opCount: 2 })).approved, true);
});

Deno.test("§5.3 a token scoped * satisfies any required scope", async () => {
  const star = doc(await mint({ scope: ["*"] }));
  assert.equal(
    (await check([star], { requiredScope: ["destructive:apply", "phase:apply", "tool:x"] }))
      .approved,
    true,
  );
});

Deno.test("§5.3 no tokens → approval_token_missing", async () => {
  const r = await check([]);
  assert.deepEqual(r.reasonCodes, ["approval_token_missing"]);
  assert.equal(r.approved, false);
});

Deno.test("§5.3 min_approvals 2 with distinct approvers: same approver twice is not enough", async () => {
  const key = await v4Key();
  const a1 = doc(await mint({ reasonCode: "r1" }, key));
  const a2 = doc(await mint({ reasonCode: "r2" }, key));
  const b = doc(await mint({ approver: "bob" }, key));
  const run = (tokens: JsonValue[]) =>
    verifyApprovalTokens({
      tokens: tokens.map((value, i) => ({ path: `t${i}`, value })),
      verifier: null,
      expected: expectation(),
      minApprovals: 2,
      requireDistinctApprovers: true,
      now: CLOCK_NOW,
    });
  const pub = await publicKeyOf(key);
  const withKey = (tokens: JsonValue[]) =>
    verifyApprovalTokens({
      tokens: tokens.map((value, i) => ({ path: `t${i}`, value })),
      verifier: pub,
      expected: expectation(),
      minApprovals: 2,
      requireDistinctApprovers: true,
      now: CLOCK_NOW,
    });
  const same = await withKey([a1, a2]);
  assert.equal(same.valid, 2);
  assert.deepEqual(same.reasonCodes, ["approval_distinct_approvers_required"]);
  const distinct = await withKey([a1, b]);
  assert.equal(distinct.approved, true);
  assert.deepEqual(distinct.approvers, ["alice", "bob"]);
  const noKey = await run([a1, b]);
  assert.deepEqual(noKey.reasonCodes, [
    "approval_chain_insufficient",
    "approval_token_signature_invalid",
  ]);
});

Deno.test("§5.3 copies of one token count once toward min_approvals", async () => {
  const key = await v4Key();
  const t = doc(await mint({}, key));
  const r = await verifyApprovalTokens({
    tokens: [{ path: "a", value: t }, { path: "b", value: t }],
    verifier: await publicKeyOf(key),
    expected: expectation(),
    minApprovals: 2,
    requireDistinctApprovers: false,
    now: CLOCK_NOW,
  });
  assert.equal(r.valid, 1);
  assert.deepEqual(r.reasonCodes, ["approval_chain_insufficient"]);
});

Deno.test("§5.3 audit record: entries sorted, expires_at and valid always, schema", async () => {
  const key = await v4Key();
  const r = await check([doc(await mint({ approver: "zed" }, key)), doc(await mint({}, key))]);
  const audit = approvalAuditRecord({
    createdAt: "1980-01-01T00:00:00Z",
    producerVersion: "0.0.0-dev",
    traceId: "0".repeat(24),
    toolName: "tool.write",
    intentDigest: "a".repeat(64),
    policyDigest: "b".repeat(64),
  }, r);
  await assertMatchesSchema("gate/approval_audit_record", audit);
  const entries = audit.entries as Record<string, unknown>[];
  assert.equal(entries.length, 2);
  assert.ok(String(entries[0]!.token_id) < String(entries[1]!.token_id));
  assert.equal(audit.approved, true);
  const invalid = await check([{ token_id: "x" }]);
  const invalidAudit = approvalAuditRecord({
    createdAt: "1980-01-01T00:00:00Z",
    producerVersion: "0.0.0-dev",
    traceId: "0".repeat(24),
    toolName: "tool.write",
    intentDigest: "a".repeat(64),
    policyDigest: "b".repeat(64),
  }, invalid);
  assert.deepEqual(invalidAudit.entries, [
    {
      token_id: "x",
      expires_at: "0001-01-01T00:00:00Z",
      valid: false,
      error_code: "approval_token_invalid",
    },
  ]);
  await assertMatchesSchema("gate/approval_audit_record", invalidAudit);
});

Deno.test("pipeline: a minted token turns require_approval into allow; bad tokens do not", async () => {
  const key = await v4Key();
  const intent = writeIntent();
  const digest = normalizeIntent(intent).intent_digest;
  const policyHex = policyDigest(parsePolicyYaml(REQUIRE));
  assert.equal(policyHex, REQUIRE_DIGEST);
  const base = { intentDigest: digest, policyDigest: policyHex };
  const run = async (tokens: JsonValue[], signingKey = key) =>
    await evalInProcess(REQUIRE, intent, {
      signingKey: signingKeyOf(signingKey),
      approvalTokens: tokens.map((value, i) => ({ path: `t${i}`, value })),
    });
  const ok = await run([doc(await mint(base, key))]);
  assert.equal(ok.exitCode, 0);
  assert.equal(ok.output.verdict, "allow");
  assert.deepEqual(ok.output.reason_codes, ["approval_granted", "default_require_approval"]);
  assert.equal(ok.output.required_approvals, 1);
  assert.equal(ok.output.valid_approvals, 1);
  await assertMatchesSchema("gate/approval_audit_record", ok.approvalAudit);

  const bad: [JsonValue, string][] = [
    [
      doc(await mint({ ...base, ttlNanos: 1n, now: "2026-02-28T00:00:00Z" }, key)),
      "approval_token_expired",
    ],
    [
      doc(await mint({ ...base, intentDigest: "c".repeat(64) }, key)),
      "approval_token_intent_mismatch",
    ],
    [
      doc(await mint({ ...base, policyDigest: "c".repeat(64) }, key)),
      "approval_token_policy_mismatch",
    ],
    [doc(await mint({ ...base, scope: ["tool:tool.read"] }, key)), "approval_token_scope_mismatch"],
    [doc(await mint(base, await generateKeyPair())), "approval_token_signature_invalid"],
  ];
  for (const [token, code] of bad) {
    const r = await run([token]);
    assert.equal(r.exitCode, 4, code);
    assert.equal(r.output.verdict, "require_approval");
    assert.ok(
      (r.output.reason_codes as string[]).includes(code),
      `${code}: ${r.output.reason_codes}`,
    );
    assert.deepEqual(r.output.violations, ["approval_not_granted"]);
  }
});

Deno.test("pipeline: two distinct approvers are required when the rule says so", async () => {
  const key = await v4Key();
  const policy =
    "default_verdict: block\nrules:\n  - name: two-person\n    effect: require_approval\n    min_approvals: 2\n    match: {tool_names: [tool.write]}\n";
  const intent = writeIntent();
  const base = {
    intentDigest: normalizeIntent(intent).intent_digest,
    policyDigest: policyDigest(parsePolicyYaml(policy)),
  };
  const run = async (tokens: JsonValue[]) =>
    await evalInProcess(policy, intent, {
      signingKey: signingKeyOf(key),
      approvalTokens: tokens.map((value, i) => ({ path: `t${i}`, value })),
    });
  const dup = await run([
    doc(await mint({ ...base, reasonCode: "a" }, key)),
    doc(await mint({ ...base, reasonCode: "b" }, key)),
  ]);
  assert.equal(dup.exitCode, 4);
  assert.ok((dup.output.reason_codes as string[]).includes("approval_distinct_approvers_required"));
  const two = await run([
    doc(await mint(base, key)),
    doc(await mint({ ...base, approver: "bob" }, key)),
  ]);
  assert.equal(two.exitCode, 0);
  assert.equal(two.output.valid_approvals, 2);
  assert.equal(
    two.output.approval_ref,
    [two.approvalAudit!.entries].flat().map((e) => (e as Record<string, string>).token_id).sort()
      .join(","),
  );
});
