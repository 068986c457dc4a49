/**
 * Credential broker (spec 02 §6.5): the PascalCase request and its digest,
 * the stub and env brokers (refs, companions, TTL derivation), the command
 * broker's response parsing, and every receipt check code.
 */

import assert from "node:assert/strict";
import { digestJson, sha256Hex } from "../../src/core/digest.ts";
import {
  brokerRequest,
  brokerRequestDigest,
  checkBrokerReceipt,
  envBroker,
  envBrokerVariable,
  parseBrokerKind,
  parseBrokerResponse,
  stubBroker,
} from "../../src/gate/broker.ts";
import { normalizeIntent, parsePolicyYaml } from "../../src/gate/mod.ts";
import { targetsDigest } from "../../src/gate/intent_digest.ts";
import { CLOCK_NOW, writeIntent } from "../gate_cli/_helpers.ts";

const intent = normalizeIntent(writeIntent({ session_id: "s1", run_id: "r1" }));
const request = brokerRequest(intent, {
  reference: "egress",
  ruleScopes: ["Write", "deploy"],
  extraScopes: ["write", "Admin"],
});

function rule(yaml = "") {
  return parsePolicyYaml(
    `rules:\n  - name: r\n    effect: allow\n    require_broker_credential: true\n${yaml}    match:\n      tool_names: [tool.write]\n`,
  ).rules;
}

Deno.test("broker: --credential-broker values", () => {
  assert.equal(parseBrokerKind(""), "off");
  assert.equal(parseBrokerKind("none"), "off");
  assert.equal(parseBrokerKind(" Stub "), "stub");
  assert.throws(() => parseBrokerKind("vault"), /unsupported --credential-broker/);
});

Deno.test("broker: request is PascalCase; scope is uniq then lowercased in order", () => {
  assert.deepEqual(Object.keys(request), [
    "ToolName",
    "Identity",
    "Workspace",
    "SessionID",
    "RequestID",
    "RunID",
    "JobID",
    "Reference",
    "Scope",
    "TargetBinding",
  ]);
  // uniq sorts by code point (Admin, Write, deploy, write), then lower + dedupe.
  assert.deepEqual(request.Scope, ["admin", "write", "deploy"]);
  assert.equal(request.TargetBinding, targetsDigest(intent.targets));
  assert.equal(brokerRequestDigest(request), digestJson(request));
});

Deno.test("broker: stub issues a deterministic JIT credential with TTL 300", () => {
  const r = stubBroker(request, CLOCK_NOW);
  const pre = "tool.write|agent.test|/repo|s1||egress|admin,write,deploy";
  assert.equal(r.credential_ref, `stub:${sha256Hex(pre).slice(0, 24)}`);
  assert.equal(r.access_type, "jit");
  assert.equal(r.source, "stub");
  assert.equal(r.issuer, "stub");
  assert.equal(r.ttl_seconds, 300);
  assert.equal(r.expires_at, "2026-03-01T00:05:00Z");
  assert.equal(r.request_digest, brokerRequestDigest(request));
  assert.deepEqual(checkBrokerReceipt(r, request, rule(), intent), []);
});

Deno.test("broker: env variable name from reference or tool", () => {
  assert.equal(envBrokerVariable("P_", "", "tool.write"), "P_TOOL_WRITE");
  assert.equal(envBrokerVariable("P_", "-prod db-", "x"), "P_PROD_DB");
  assert.equal(envBrokerVariable("P_", "..", "x"), "P_DEFAULT");
});

Deno.test("broker: env broker reads the credential and its companions", () => {
  const vars: Record<string, string> = {
    GAIT_BROKER_TOKEN_EGRESS: "value-1",
    GAIT_BROKER_TOKEN_EGRESS_ISSUED_AT: "2026-03-01T00:00:00Z",
    GAIT_BROKER_TOKEN_EGRESS_EXPIRES_AT: "2026-03-01T00:10:00Z",
    GAIT_BROKER_TOKEN_EGRESS_ACCESS_TYPE: "jit",
    GAIT_BROKER_TOKEN_EGRESS_ISSUER: "vault",
    GAIT_BROKER_TOKEN_EGRESS_SCOPE: "Write,admin,deploy",
  };
  const r = envBroker(request, { kind: "env", env: (n) => vars[n], now: CLOCK_NOW });
  assert.equal(
    r.credential_ref,
    `env:GAIT_BROKER_TOKEN_EGRESS:${sha256Hex("value-1").slice(0, 16)}`,
  );
  assert.equal(r.ttl_seconds, 600, "TTL derived from issued/expires");
  assert.equal(r.source, "env");
  assert.equal(r.issuer, "vault");
  assert.equal(r.subject, "agent.test");
  assert.equal(r.run_binding, "r1");
  assert.deepEqual(checkBrokerReceipt(r, request, rule(), intent), []);
  const ttlOnly = envBroker(request, {
    kind: "env",
    env: (n) => ({ GAIT_BROKER_TOKEN_EGRESS: "v", GAIT_BROKER_TOKEN_EGRESS_TTL_SECONDS: "60" })[n],
    now: CLOCK_NOW,
  });
  assert.equal(ttlOnly.expires_at, "2026-03-01T00:01:00Z", "expires from issued + TTL");
  assert.equal(ttlOnly.access_type, "unknown");
  assert.throws(
    () => envBroker(request, { kind: "env", env: () => undefined, now: CLOCK_NOW }),
    /not set/,
  );
});

Deno.test("broker: command response parsing and post-processing", () => {
  const r = parseBrokerResponse(
    JSON.stringify({ credential_ref: "cmd:x", ttl_seconds: 60, access_type: "JIT" }),
    "command",
    CLOCK_NOW,
  );
  assert.equal(r.issued_by, "command");
  assert.equal(r.source, "command");
  assert.equal(r.access_type, "jit");
  assert.equal(r.expires_at, "2026-03-01T00:01:00Z");
  assert.throws(() => parseBrokerResponse("nope", "command", CLOCK_NOW), /not JSON/);
  assert.throws(() => parseBrokerResponse("{}", "command", CLOCK_NOW), /no credential_ref/);
});

Deno.test("broker: every receipt check code", () => {
  const good = stubBroker(request, CLOCK_NOW);
  const codes = (patch: Partial<typeof good>, yaml = "", claims = {}) =>
    checkBrokerReceipt(
      { ...good, ...patch },
      request,
      rule(yaml),
      normalizeIntent(writeIntent({ session_id: "s1", run_id: "r1", ...claims })),
    );
  assert.deepEqual(codes({ request_digest: "" }), ["broker_request_digest_missing"]);
  assert.deepEqual(codes({ request_digest: "0".repeat(64) }), ["broker_request_digest_mismatch"]);
  assert.deepEqual(codes({ scope: ["write"] }), ["broker_scope_mismatch"]);
  assert.deepEqual(codes({}, "    max_credential_ttl_seconds: 60\n"), ["broker_ttl_exceeded"]);
  assert.deepEqual(codes({ ttl_seconds: 0 }, "    max_credential_ttl_seconds: 600\n"), [
    "broker_ttl_exceeded",
  ]);
  assert.deepEqual(codes({ access_type: "standing" }, "    require_jit_credential: true\n"), [
    "credential_not_jit",
  ]);
  assert.deepEqual(codes({ access_type: "static" }, "    block_standing_credentials: true\n"), [
    "standing_credential_disallowed",
  ]);
  assert.deepEqual(codes({}, "    allowed_credential_sources: [vault_dynamic]\n"), [
    "credential_source_disallowed",
  ]);
  assert.deepEqual(codes({}, "    allowed_credential_issuers: [vault]\n"), [
    "credential_issuer_disallowed",
  ]);
  assert.deepEqual(codes({}, "    allowed_credential_access_types: [static]\n"), [
    "credential_access_type_disallowed",
  ]);
  assert.deepEqual(codes({}, "", { credential_ref: "ref:other" }), [
    "broker_credential_ref_mismatch",
  ]);
  assert.deepEqual(codes({}, "", { credential_target_binding: "b".repeat(64) }), [
    "broker_target_binding_mismatch",
  ]);
  assert.deepEqual(codes({}, "", { credential_run_binding: "r2" }), [
    "broker_run_binding_mismatch",
  ]);
  assert.deepEqual(codes({}, "", { credential_job_binding: "j2" }), [
    "broker_job_binding_mismatch",
  ]);
});
