/**
 * Runtime guards, part B, through the real CLI: credential broker (off, stub,
 * env, command without and with run permission), oss-prod broker refusals,
 * context evidence (`--context-envelope`) and agent identity.
 */

import assert from "node:assert/strict";
import { CLI_PATH, REPO_ROOT, runGait, withTempDir } from "../helpers/cli.ts";
import { assertMatchesSchema } from "../helpers/schema.ts";
import { brokerRequest, brokerRequestDigest } from "../../src/gate/broker.ts";
import { normalizeIntent } from "../../src/gate/mod.ts";

const V4_PRIVATE = `${REPO_ROOT}/fixtures/keys/v4_test_private.key`;

const WRITE_INTENT = {
  tool_name: "tool.write",
  args: { path: "/tmp/x" },
  targets: [{ kind: "path", value: "/tmp/x", operation: "write", endpoint_class: "fs.write" }],
  arg_provenance: [{ arg_path: "$.path", source: "user" }],
  context: { identity: "alice", workspace: "/repo", risk_class: "high", session_id: "s1" },
};

const BROKER_POLICY = `default_verdict: block
rules:
  - name: allow-write
    effect: allow
    require_broker_credential: true
    broker_reference: egress
    broker_scopes: [write]
    match:
      tool_names: [tool.write]
`;

async function evalIn(
  dir: string,
  policy: string,
  intent: unknown,
  flags: string[] = [],
  env: Record<string, string> = {},
) {
  await Deno.writeTextFile(`${dir}/policy.yaml`, policy);
  await Deno.writeTextFile(`${dir}/intent.json`, JSON.stringify(intent));
  const r = await runGait([
    "gate",
    "eval",
    "--policy",
    "policy.yaml",
    "--intent",
    "intent.json",
    "--json",
    ...flags,
  ], { cwd: dir, env });
  return { r, out: r.json() as Record<string, unknown> };
}

Deno.test("broker e2e: broker off blocks with broker_credential_required", async () => {
  await withTempDir(async (dir) => {
    const { r, out } = await evalIn(dir, BROKER_POLICY, WRITE_INTENT);
    assert.equal(r.code, 3);
    assert.ok((out.reason_codes as string[]).includes("broker_credential_required"));
    assert.deepEqual(out.violations, ["broker_credential_missing"]);
  });
});

Deno.test("broker e2e: stub broker allows and writes schema-valid evidence and trace fields", async () => {
  await withTempDir(async (dir) => {
    const { r, out } = await evalIn(dir, BROKER_POLICY, WRITE_INTENT, [
      "--credential-broker",
      "stub",
      "--trace-out",
      "trace.json",
    ]);
    assert.equal(r.code, 0, r.stdout);
    assert.ok((out.reason_codes as string[]).includes("broker_credential_present"));
    assert.equal(out.credential_access_type, "jit");
    assert.equal(out.credential_ttl_seconds, 300);
    assert.equal(out.credential_evidence_path, `credential_evidence_${out.trace_id}.json`);
    const evidence = JSON.parse(await Deno.readTextFile(`${dir}/${out.credential_evidence_path}`));
    await assertMatchesSchema("gate/broker_credential_record", evidence);
    assert.equal(evidence.trace_id, out.trace_id);
    const trace = JSON.parse(await Deno.readTextFile(`${dir}/trace.json`));
    assert.equal(trace.broker_credential_ref, out.credential_ref);
    assert.equal(trace.broker_request_digest, evidence.request_digest);
  });
});

Deno.test("broker e2e: env broker issues from the variable, blocks when it is unset", async () => {
  await withTempDir(async (dir) => {
    const ok = await evalIn(dir, BROKER_POLICY, WRITE_INTENT, ["--credential-broker", "env"], {
      GAIT_BROKER_TOKEN_EGRESS: "opaque-value",
    });
    assert.equal(ok.r.code, 0, ok.r.stdout);
    assert.match(ok.out.credential_ref as string, /^env:GAIT_BROKER_TOKEN_EGRESS:[0-9a-f]{16}$/);
    const prefixed = await evalIn(dir, BROKER_POLICY, WRITE_INTENT, [
      "--credential-broker",
      "env",
      "--credential-env-prefix",
      "MY_",
      "--credential-ref",
      "db",
    ], { MY_DB: "x" });
    assert.equal(prefixed.r.code, 0, prefixed.r.stdout);
    const missing = await evalIn(dir, BROKER_POLICY, WRITE_INTENT, ["--credential-broker", "env"]);
    assert.equal(missing.r.code, 3);
    assert.ok((missing.out.reason_codes as string[]).includes("broker_credential_missing"));
  });
});

Deno.test("broker e2e: receipt checks block (intent binding differs from the receipt)", async () => {
  await withTempDir(async (dir) => {
    const intent = {
      ...WRITE_INTENT,
      context: { ...WRITE_INTENT.context, credential_run_binding: "run-other" },
    };
    const { r, out } = await evalIn(dir, BROKER_POLICY, intent, ["--credential-broker", "stub"]);
    assert.equal(r.code, 3);
    assert.ok((out.reason_codes as string[]).includes("broker_run_binding_mismatch"));
    assert.ok((out.violations as string[]).includes("broker_run_binding_mismatch"));
  });
});

Deno.test("broker e2e: the shipped permissions refuse the command broker with exit 7", async () => {
  await withTempDir(async (dir) => {
    const { r, out } = await evalIn(dir, BROKER_POLICY, WRITE_INTENT, [
      "--credential-broker",
      "command",
      "--credential-command",
      "/bin/echo",
    ]);
    assert.equal(r.code, 7, r.stdout);
    assert.equal(out.error_category, "dependency_missing");
    assert.match(out.error as string, /subprocess permission \(run\)/);
  });
});

Deno.test("broker e2e: the command broker works with --allow-run (from source)", async () => {
  await withTempDir(async (dir) => {
    const digest = brokerRequestDigest(
      brokerRequest(normalizeIntent(WRITE_INTENT), {
        reference: "egress",
        ruleScopes: ["write"],
        extraScopes: [],
      }),
    );
    const script = `${dir}/broker.sh`;
    await Deno.writeTextFile(
      script,
      `#!/bin/sh\ncat >/dev/null\nprintf '{"credential_ref":"cmd:abc","access_type":"jit","issuer":"test","scope":["write"],"ttl_seconds":120,"request_digest":"%s"}' "$1"\n`,
    );
    await Deno.chmod(script, 0o755);
    await Deno.writeTextFile(`${dir}/policy.yaml`, BROKER_POLICY);
    await Deno.writeTextFile(`${dir}/intent.json`, JSON.stringify(WRITE_INTENT));
    const run = (arg: string) =>
      new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "-q",
          "-A",
          CLI_PATH,
          "gate",
          "eval",
          "--policy",
          "policy.yaml",
          "--intent",
          "intent.json",
          "--credential-broker",
          "command",
          "--credential-command",
          script,
          "--credential-command-args",
          arg,
          "--json",
        ],
        cwd: dir,
        stdout: "piped",
        stderr: "piped",
      }).output();
    const ok = await run(digest);
    const out = JSON.parse(new TextDecoder().decode(ok.stdout));
    assert.equal(ok.code, 0, JSON.stringify(out));
    assert.equal(out.credential_ref, "cmd:abc");
    assert.equal(out.credential_source, "command");
    const bad = await run("0".repeat(64));
    assert.equal(bad.code, 3);
    assert.ok(
      JSON.parse(new TextDecoder().decode(bad.stdout)).reason_codes.includes(
        "broker_request_digest_mismatch",
      ),
    );
  });
});

Deno.test("oss-prod e2e: high-risk allow rules need require_broker_credential and a broker", async () => {
  await withTempDir(async (dir) => {
    const prod = ["--profile", "oss-prod", "--key-mode", "prod", "--private-key", V4_PRIVATE];
    const highRisk = BROKER_POLICY.replace("tool_names: [tool.write]", "risk_classes: [high]");
    const noBroker = await evalIn(dir, highRisk, WRITE_INTENT, prod);
    assert.equal(noBroker.r.code, 6);
    assert.match(noBroker.out.error as string, /requires --credential-broker/);
    const noFlag = await evalIn(
      dir,
      highRisk.replace("    require_broker_credential: true\n", ""),
      WRITE_INTENT,
      [...prod, "--credential-broker", "stub"],
    );
    assert.equal(noFlag.r.code, 6);
    assert.match(noFlag.out.error as string, /require_broker_credential: true/);
    const ok = await evalIn(dir, highRisk, WRITE_INTENT, [...prod, "--credential-broker", "stub"]);
    assert.equal(ok.r.code, 0, ok.r.stdout);
  });
});

// Context evidence (spec 02 §3.3 step 3, §1.5, §6.6).

const ENVELOPE = {
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
};

function contextPolicy(extra: string): string {
  return `default_verdict: block
rules:
  - name: allow-with-context
    effect: allow
    require_context_evidence: true
${extra}    match:
      tool_names: [tool.read]
`;
}

const READ_INTENT = {
  ...WRITE_INTENT,
  tool_name: "tool.read",
  targets: [{ kind: "path", value: "/tmp/x", operation: "read", endpoint_class: "fs.read" }],
};

async function contextEval(
  dir: string,
  policy: string,
  envelope: unknown | null,
  intent: unknown = READ_INTENT,
) {
  const flags = ["--evaluation-time", "2026-02-18T00:01:00Z"];
  if (envelope) {
    await Deno.writeTextFile(`${dir}/envelope.json`, JSON.stringify(envelope));
    flags.push("--context-envelope", "envelope.json");
  }
  return await evalIn(dir, policy, intent, flags);
}

Deno.test("context e2e: an envelope satisfying mode and age allows", async () => {
  await withTempDir(async (dir) => {
    const { r, out } = await contextEval(
      dir,
      contextPolicy(
        "    required_context_evidence_mode: required\n    max_context_age_seconds: 120\n",
      ),
      ENVELOPE,
    );
    assert.equal(r.code, 0, r.stdout);
    assert.equal(out.context_evidence_mode, "required");
    assert.equal(out.context_ref_count, 1);
    assert.equal(out.context_source, "context_envelope");
  });
});

Deno.test("context e2e: no envelope blocks with context_evidence_missing and context_set_digest_missing", async () => {
  await withTempDir(async (dir) => {
    // A raw claim in the intent never counts as evidence.
    const claimed = {
      ...READ_INTENT,
      context: { ...READ_INTENT.context, context_set_digest: "a".repeat(64) },
    };
    const { r, out } = await contextEval(dir, contextPolicy(""), null, claimed);
    assert.equal(r.code, 3);
    for (const code of ["context_evidence_missing", "context_set_digest_missing"]) {
      assert.ok((out.reason_codes as string[]).includes(code), code);
    }
    assert.ok((out.violations as string[]).includes("missing_context_evidence"));
  });
});

Deno.test("context e2e: a best_effort envelope under a required mode is context_evidence_mode_mismatch", async () => {
  await withTempDir(async (dir) => {
    const { r, out } = await contextEval(
      dir,
      contextPolicy("    required_context_evidence_mode: required\n"),
      { ...ENVELOPE, evidence_mode: "best_effort" },
    );
    assert.equal(r.code, 3);
    assert.ok((out.reason_codes as string[]).includes("context_evidence_mode_mismatch"));
    assert.deepEqual(out.violations, ["context_evidence_mode_violation"]);
  });
});

Deno.test("context e2e: stale evidence is context_freshness_exceeded", async () => {
  await withTempDir(async (dir) => {
    const { r, out } = await contextEval(
      dir,
      contextPolicy("    max_context_age_seconds: 30\n"),
      ENVELOPE,
    );
    assert.equal(r.code, 3);
    assert.ok((out.reason_codes as string[]).includes("context_freshness_exceeded"));
    assert.deepEqual(out.violations, ["context_freshness_violation"]);
  });
});

Deno.test("context e2e: a claimed digest mismatch fails closed, or is invalid input (exit 6)", async () => {
  await withTempDir(async (dir) => {
    const claimed = {
      ...READ_INTENT,
      context: { ...READ_INTENT.context, context_set_digest: "f".repeat(64) },
    };
    const closed = await contextEval(
      dir,
      "default_verdict: allow\nfail_closed:\n  enabled: true\n  risk_classes: [high]\n",
      ENVELOPE,
      claimed,
    );
    assert.equal(closed.r.code, 3, closed.r.stdout);
    assert.deepEqual(closed.out.reason_codes, ["fail_closed_intent_invalid"]);
    const open = await contextEval(dir, "default_verdict: allow\n", ENVELOPE, claimed);
    assert.equal(open.r.code, 6, open.r.stdout);
  });
});

// Agent identity (spec 02 §3.3 step 4).

const AGENT_POLICY = `default_verdict: block
rules:
  - name: allow-declared-agents
    effect: allow
    require_declared_agent: true
    allowed_agent_ids: [agent.build]
    denied_agent_ids: [agent.rogue]
    require_agent_owner: true
    required_agent_lifecycle_states: [approved]
    require_unexpired_agent: true
    allowed_agent_manifest_publishers: [acme]
    match:
      tool_names: [tool.read]
`;

function agentIntent(agentId: string, identity: Record<string, unknown> | null) {
  const context: Record<string, unknown> = { ...READ_INTENT.context, agent_id: agentId };
  if (identity) context.agent_identity = identity;
  return { ...READ_INTENT, context };
}

const GOOD_AGENT = {
  owner: "team-a",
  publisher: "acme",
  lifecycle_states: ["approved"],
  issued_at: "2026-01-01T00:00:00Z",
  expires_at: "2027-01-01T00:00:00Z",
};

Deno.test("agent identity e2e: a declared, owned, approved, unexpired agent is allowed", async () => {
  await withTempDir(async (dir) => {
    const { r, out } = await evalIn(dir, AGENT_POLICY, agentIntent("agent.build", GOOD_AGENT), [
      "--evaluation-time",
      "2026-06-01T00:00:00Z",
    ]);
    assert.equal(r.code, 0, r.stdout);
    assert.equal(out.verdict, "allow");
  });
});

Deno.test("agent identity e2e: each non-allow code", async () => {
  await withTempDir(async (dir) => {
    const cases: [unknown, string][] = [
      [agentIntent("agent.build", null), "agent_unknown"],
      [agentIntent("agent.rogue", GOOD_AGENT), "agent_revoked"],
      [agentIntent("agent.build", { ...GOOD_AGENT, revoked: true }), "agent_revoked"],
      [agentIntent("agent.other", GOOD_AGENT), "agent_unknown"],
      [agentIntent("agent.build", { ...GOOD_AGENT, owner: "" }), "agent_owner_missing"],
      [
        agentIntent("agent.build", { ...GOOD_AGENT, lifecycle_states: ["draft"] }),
        "agent_lifecycle_state_invalid",
      ],
      [
        agentIntent("agent.build", { ...GOOD_AGENT, expires_at: "2026-02-01T00:00:00Z" }),
        "agent_expired",
      ],
      [agentIntent("agent.build", { ...GOOD_AGENT, publisher: "evil" }), "agent_manifest_mismatch"],
    ];
    for (const [intent, code] of cases) {
      const { r, out } = await evalIn(dir, AGENT_POLICY, intent, [
        "--evaluation-time",
        "2026-06-01T00:00:00Z",
      ]);
      assert.equal(r.code, 3, `${code}: ${r.stdout}`);
      assert.ok((out.reason_codes as string[]).includes(code), `${code}: ${r.stdout}`);
    }
  });
});
