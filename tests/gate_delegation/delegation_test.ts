/**
 * Delegation tokens (spec 02 §5.4): the Go-signed fixture tokens, token_id,
 * minting, each single-token reason code in check order, and chain
 * verification (consumption per link, missing links, leftovers).
 */

import assert from "node:assert/strict";
import { generateKeyPair, parsePublicKey, publicKeyOf } from "../../src/crypto/mod.ts";
import {
  checkDelegationToken,
  delegationAuditRecord,
  delegationTokenId,
  delegationTokenObject,
  mintDelegationToken,
  normalizeDelegationToken,
  requiredDelegationLinks,
  verifyDelegationChain,
  verifyDelegationToken,
} from "../../src/gate/delegation.ts";
import type { JsonValue } from "../../src/core/json_value.ts";
import { assertMatchesSchema } from "../helpers/schema.ts";
import { CLOCK_NOW, scenarioJson, scenarioText, v4Key } from "../gate_cli/_helpers.ts";

const SCENARIO = "delegation-chain-depth-3";
const HOUR = 3_600_000_000_000n;

function fixtureKey() {
  return parsePublicKey(scenarioText(SCENARIO, "delegation_public.key"), "delegation");
}

function fixtureToken(i: number): JsonValue {
  return scenarioJson(SCENARIO, `delegation-token-${i}.json`);
}

async function mint(delegator: string, delegate: string, patch: Record<string, unknown> = {}) {
  const token = await mintDelegationToken({
    delegator,
    delegate,
    scope: ["tool:tool.write"],
    scopeClass: "write",
    ttlNanos: HOUR,
    now: CLOCK_NOW,
    producerVersion: "0.0.0-dev",
    ...patch,
  }, await v4Key());
  return delegationTokenObject(token) as JsonValue;
}

Deno.test("delegation: the Go fixture tokens verify with the fixture public key", async () => {
  const key = await fixtureKey();
  for (const i of [1, 2, 3]) {
    const r = await verifyDelegationToken(fixtureToken(i), key, {}, CLOCK_NOW);
    assert.equal(r.code, "", `token ${i}`);
  }
});

Deno.test("delegation: token_id follows the spec's preimage (fixture token 1)", () => {
  const t = normalizeDelegationToken(fixtureToken(1));
  assert.equal(
    delegationTokenId({
      delegator: t.delegator_identity,
      delegate: t.delegate_identity,
      scope: t.scope,
      scopeClass: t.scope_class,
      intentDigest: t.intent_digest,
      policyDigest: t.policy_digest,
      expiresAt: t.expires_at,
    }),
    "694428976ab1b10859171a05",
  );
});

Deno.test("delegation: minted tokens match the schema and verify", async () => {
  const doc = await mint("agent.lead", "agent.worker", { scope: ["Write", " write ", "read"] });
  await assertMatchesSchema("gate/delegation_token", doc);
  const t = normalizeDelegationToken(doc);
  assert.deepEqual(t.scope, ["read", "write"]);
  assert.equal(t.expires_at, "2026-03-01T01:00:00Z");
  const key = await publicKeyOf(await v4Key());
  assert.equal((await verifyDelegationToken(doc, key, {}, CLOCK_NOW)).code, "");
});

Deno.test("delegation: mint rejects a non-positive ttl, empty scope and bad digests", async () => {
  const key = await v4Key();
  const base = {
    delegator: "a",
    delegate: "b",
    scope: ["x"],
    ttlNanos: HOUR,
    now: CLOCK_NOW,
    producerVersion: "0",
  };
  await assert.rejects(mintDelegationToken({ ...base, ttlNanos: 0n }, key), /invalid --ttl/);
  await assert.rejects(mintDelegationToken({ ...base, scope: [" "] }, key), /scope is required/);
  await assert.rejects(mintDelegationToken({ ...base, intentDigest: "xyz" }, key), /64 hex/);
});

Deno.test("delegation: each token check code, first failure wins", async () => {
  const key = await publicKeyOf(await v4Key());
  const other = await publicKeyOf(await generateKeyPair());
  const doc = await mint("agent.lead", "agent.worker", {
    intentDigest: "a".repeat(64),
    policyDigest: "b".repeat(64),
  });
  const t = normalizeDelegationToken(doc);
  const check = (exp: Record<string, unknown>, verifier = key, now = CLOCK_NOW, token = t) =>
    checkDelegationToken(token, verifier, exp, now);
  assert.equal(await check({}, null as never), "delegation_token_signature_invalid");
  assert.equal(await check({}, other), "delegation_token_signature_invalid");
  const { signature: _s, ...unsigned } = doc as Record<string, JsonValue>;
  assert.equal(
    await check({}, key, CLOCK_NOW, normalizeDelegationToken(unsigned)),
    "delegation_token_signature_missing",
  );
  const tampered = normalizeDelegationToken({
    ...(doc as Record<string, JsonValue>),
    scope: ["*"],
  });
  assert.equal(await check({}, key, CLOCK_NOW, tampered), "delegation_token_signature_invalid");
  assert.equal(await check({}, key, "2026-03-01T01:00:00Z"), "delegation_token_expired");
  assert.equal(await check({ delegator: "x" }), "delegation_token_delegator_mismatch");
  assert.equal(await check({ delegate: "x" }), "delegation_token_delegate_mismatch");
  assert.equal(await check({ intentDigest: "c".repeat(64) }), "delegation_token_intent_mismatch");
  assert.equal(await check({ policyDigest: "c".repeat(64) }), "delegation_token_policy_mismatch");
  assert.equal(await check({ requiredScope: ["read"] }), "delegation_token_scope_mismatch");
  assert.equal(await check({ requiredScope: ["read", "write"] }), "", "scope_class counts");
  assert.equal(await check({ requiredScope: ["tool:tool.write"] }), "");
  // Expiry is checked before the identities.
  assert.equal(
    await check({ delegator: "x" }, key, "2027-01-01T00:00:00Z"),
    "delegation_token_expired",
  );
});

Deno.test("delegation: intent/policy digests are checked only when both sides are set", async () => {
  const key = await publicKeyOf(await v4Key());
  const t = normalizeDelegationToken(await mint("a", "b"));
  assert.equal(
    await checkDelegationToken(t, key, { intentDigest: "c".repeat(64) }, CLOCK_NOW),
    "",
  );
});

Deno.test("delegation: normalization failures are delegation_token_invalid", async () => {
  const key = await publicKeyOf(await v4Key());
  const doc = (await mint("a", "b")) as Record<string, JsonValue>;
  for (
    const bad of [
      { ...doc, schema_id: "gait.gate.approval_token" },
      { ...doc, delegate_identity: " " },
      { ...doc, scope: [] },
      { ...doc, intent_digest: "abc" },
    ]
  ) {
    assert.equal(
      (await verifyDelegationToken(bad, key, {}, CLOCK_NOW)).code,
      "delegation_token_invalid",
    );
  }
  assert.throws(() => normalizeDelegationToken({ ...doc, scope: "x" }), /scope/);
});

Deno.test("delegation chain: the fixture chain is complete; audit matches its schema", async () => {
  const intent = scenarioJson(SCENARIO, "intent.json") as Record<string, JsonValue>;
  const links = requiredDelegationLinks({
    requester_identity: "agent.worker",
    chain:
      (intent.delegation as { chain: { delegator_identity: string; delegate_identity: string }[] })
        .chain,
  });
  assert.equal(links.length, 3);
  const check = await verifyDelegationChain({
    tokens: [3, 1, 2].map((i) => ({ path: `t${i}`, value: fixtureToken(i) })),
    verifier: await fixtureKey(),
    links,
    requiredScope: ["write"],
    intentDigest: "a".repeat(64),
    policyDigest: "b".repeat(64),
    now: CLOCK_NOW,
  });
  assert.equal(check.complete, true);
  assert.equal(check.valid, 3);
  assert.deepEqual(check.reasonCodes, ["delegation_granted"]);
  const audit = delegationAuditRecord({
    createdAt: CLOCK_NOW,
    producerVersion: "0.0.0-dev",
    traceId: "0".repeat(24),
    toolName: "tool.write",
    intentDigest: "a".repeat(64),
    policyDigest: "b".repeat(64),
    delegationRequired: true,
  }, check);
  await assertMatchesSchema("gate/delegation_audit_record", audit);
  assert.deepEqual(
    (audit.entries as { delegator_identity: string }[]).map((e) => e.delegator_identity),
    ["agent.lead", "agent.manager", "agent.senior"],
  );
});

Deno.test("delegation chain: a missing link and a leftover token are reported", async () => {
  const key = await publicKeyOf(await v4Key());
  const check = await verifyDelegationChain({
    tokens: [
      { path: "a", value: await mint("agent.lead", "agent.manager") },
      { path: "b", value: await mint("agent.manager", "agent.other") },
    ],
    verifier: key,
    links: [
      { delegator: "agent.lead", delegate: "agent.manager" },
      { delegator: "agent.manager", delegate: "agent.worker" },
    ],
    requiredScope: ["write"],
    intentDigest: "",
    policyDigest: "",
    now: CLOCK_NOW,
  });
  assert.equal(check.complete, false);
  assert.equal(check.valid, 1);
  assert.deepEqual(check.reasonCodes, [
    "delegation_chain_insufficient",
    "delegation_token_delegate_mismatch",
    "delegation_token_missing",
  ]);
  assert.deepEqual(check.violations, ["delegation_not_granted"]);
});

Deno.test("delegation chain: an empty chain needs one token to the requester", async () => {
  const key = await publicKeyOf(await v4Key());
  const links = requiredDelegationLinks({ requester_identity: "agent.worker", chain: [] });
  assert.deepEqual(links, [{ delegator: "", delegate: "agent.worker" }]);
  const ok = await verifyDelegationChain({
    tokens: [{ path: "a", value: await mint("anyone", "agent.worker") }],
    verifier: key,
    links,
    requiredScope: [],
    intentDigest: "",
    policyDigest: "",
    now: CLOCK_NOW,
  });
  assert.equal(ok.complete, true);
  const none = await verifyDelegationChain({
    tokens: [],
    verifier: key,
    links,
    requiredScope: [],
    intentDigest: "",
    policyDigest: "",
    now: CLOCK_NOW,
  });
  assert.deepEqual(none.reasonCodes, ["delegation_token_missing"]);
});
