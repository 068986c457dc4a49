/**
 * `gait gate eval`, `gait trace verify` and `gait approve` end to end through
 * the real CLI with the shipped permission set (spec 02 §4, §5; spec 01 §6).
 */

import assert from "node:assert/strict";
import { type GaitResult, REPO_ROOT, runGait, withTempDir } from "../helpers/cli.ts";
import { assertMatchesSchema } from "../helpers/schema.ts";

const S = `${REPO_ROOT}/fixtures/scenarios/gait`;
const V4_PRIVATE = `${REPO_ROOT}/fixtures/keys/v4_test_private.key`;
const V4_PUBLIC = `${REPO_ROOT}/fixtures/keys/v4_test_public.key`;
const PROD = ["--key-mode", "prod", "--private-key", V4_PRIVATE];

function mode(path: string): number {
  return Deno.statSync(path).mode! & 0o777;
}

function files(dir: string): string[] {
  return [...Deno.readDirSync(dir)].map((e) => e.name).sort();
}

function assertEnvelope(r: GaitResult, code: number, error: RegExp): void {
  assert.equal(r.code, code, r.stdout + r.stderr);
  const out = r.json();
  assert.equal(out.ok, false);
  assert.match(String(out.error), error);
  assert.equal(out.error_code, code === 6 ? "invalid_input" : out.error_code);
  assert.equal(typeof out.correlation_id, "string");
  assert.equal(out.retryable, false);
}

Deno.test("gate eval: approval-token-valid fixture → allow, trace 0600, audit, JSON fields", async () => {
  await withTempDir(async (dir) => {
    const name = "approval-token-valid";
    const r = await runGait([
      "gate",
      "eval",
      "--policy",
      `${S}/${name}/policy.yaml`,
      "--intent",
      `${S}/${name}/intent.json`,
      "--approval-token",
      `${S}/${name}/approval-token.json`,
      "--approval-public-key",
      `${S}/${name}/approval_public.key`,
      "--json",
    ], { cwd: dir });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const out = r.json();
    assert.equal(out.verdict, "allow");
    assert.deepEqual(out.reason_codes, ["approval_granted", "default_require_approval"]);
    assert.equal(
      out.intent_digest,
      "4b53bb79e35105ac9170963ac6f84ed0ed15530c68f06a46fc1233c5ec766913",
    );
    assert.equal(
      out.policy_digest,
      "07a528a879e4f0e0cd5a0e2ca801924746b47dac624862207ef21d4ec266f8f9",
    );
    assert.equal(out.approval_ref, "ec44f8948261811d131eb04a");
    assert.deepEqual(out.warnings, [
      "dev mode: ephemeral keypair generated; signatures will not verify across machines",
    ]);
    const tracePath = `${dir}/${out.trace_path}`;
    assert.equal(out.trace_path, `trace_${out.trace_id}.json`);
    assert.equal(mode(tracePath), 0o600);
    const trace = JSON.parse(Deno.readTextFileSync(tracePath));
    assert.ok(Deno.readTextFileSync(tracePath).endsWith("}\n"));
    await assertMatchesSchema("gate/trace_record", trace);
    assert.equal(trace.approval_token_ref, "ec44f8948261811d131eb04a");
    const audit = JSON.parse(Deno.readTextFileSync(`${dir}/${out.approval_audit_path}`));
    await assertMatchesSchema("gate/approval_audit_record", audit);
    assert.deepEqual(audit.approvers, ["human.reviewer"]);
  });
});

Deno.test("gate eval: approval-expiry-1s-past fixture → exit 4, approval_token_expired, text output", async () => {
  await withTempDir(async (dir) => {
    const name = "approval-expiry-1s-past";
    const r = await runGait([
      "gate",
      "eval",
      "--policy",
      `${S}/${name}/policy.yaml`,
      "--intent",
      `${S}/${name}/intent.json`,
      "--approval-token",
      `${S}/${name}/approval-token.json`,
      "--approval-public-key",
      `${S}/${name}/approval_public.key`,
    ], { cwd: dir });
    assert.equal(r.code, 4, r.stdout + r.stderr);
    const lines = r.stdout.trim().split("\n");
    assert.equal(lines[0], "gate eval: verdict=require_approval");
    assert.match(lines[1]!, /^trace: trace_[0-9a-f]{24}\.json$/);
    assert.ok(lines.includes("approvals: 0/1"), r.stdout);
    assert.ok(r.stdout.includes("approval_token_expired"));
    assert.ok(lines.some((l) => l.startsWith("warning: dev mode")));
  });
});

Deno.test("trace verify: signed with a prod key → verified; changed byte → 2; wrong key → 2; no key → 6", async () => {
  await withTempDir(async (dir) => {
    const r = await runGait([
      "gate",
      "eval",
      "--policy",
      `${S}/policy-block-destructive/policy.yaml`,
      "--intent",
      `${S}/dry-run-no-side-effects/intent.json`,
      "--trace-out",
      "traces/t.json",
      ...PROD,
      "--json",
    ], { cwd: dir });
    assert.ok(r.code === 0 || r.code === 3, r.stdout + r.stderr);
    const out = r.json();
    assert.equal(out.trace_path, "traces/t.json");
    assert.equal("warnings" in out, false);
    const ok = await runGait([
      "trace",
      "verify",
      "traces/t.json",
      "--public-key",
      V4_PUBLIC,
      "--json",
    ], {
      cwd: dir,
    });
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    const v = ok.json();
    assert.equal(v.signature_status, "verified");
    assert.equal(v.trace_id, out.trace_id);
    assert.equal(v.verdict, out.verdict);
    assert.equal(v.key_id, "42571c8843a10df565fd17a97a236c3552e8e4b7ff2a0b48bf524409279771d9");
    const viaFlag = await runGait([
      "trace",
      "verify",
      "--path",
      "traces/t.json",
      "--private-key",
      V4_PRIVATE,
    ], {
      cwd: dir,
    });
    assert.equal(viaFlag.code, 0, viaFlag.stdout);
    assert.match(viaFlag.stdout, /^trace verify: ok /);

    const text = Deno.readTextFileSync(`${dir}/traces/t.json`);
    Deno.writeTextFileSync(
      `${dir}/tampered.json`,
      text.replace(/"tool_name": "tool\.write"/, '"tool_name": "tool.wrote"'),
    );
    const bad = await runGait([
      "trace",
      "verify",
      "tampered.json",
      "--public-key",
      V4_PUBLIC,
      "--json",
    ], { cwd: dir });
    assert.equal(bad.code, 2, bad.stdout);
    assert.equal(bad.json().signature_status, "failed");
    assert.equal(bad.json().error_code, "verification_failed");

    const wrong = await runGait([
      "trace",
      "verify",
      "traces/t.json",
      "--public-key",
      `${S}/approval-token-valid/approval_public.key`,
      "--json",
    ], { cwd: dir });
    assert.equal(wrong.code, 2);
    assert.equal(wrong.json().error, "key id mismatch");

    const noKey = await runGait(["trace", "verify", "traces/t.json", "--json"], { cwd: dir });
    assertEnvelope(noKey, 6, /requires a key/);
    const missing = await runGait([
      "trace",
      "verify",
      "nope.json",
      "--public-key",
      V4_PUBLIC,
      "--json",
    ], { cwd: dir });
    assert.equal(missing.code, 2);
  });
});

Deno.test("approve → gate eval: a minted token turns require_approval into allow; wrong scope does not", async () => {
  await withTempDir(async (dir) => {
    const intent = `${S}/approval-token-valid/intent.json`;
    const policy = `${S}/approval-token-valid/policy.yaml`;
    const minted = await runGait([
      "approve",
      "--intent-digest",
      "4b53bb79e35105ac9170963ac6f84ed0ed15530c68f06a46fc1233c5ec766913",
      "--policy-digest",
      "07a528a879e4f0e0cd5a0e2ca801924746b47dac624862207ef21d4ec266f8f9",
      "--ttl",
      "1h",
      "--scope",
      "tool:tool.write",
      "--approver",
      "alice",
      "--reason-code",
      "ticket-42",
      "--out",
      "tokens/ok.json",
      ...PROD,
      "--json",
    ], { cwd: dir });
    assert.equal(minted.code, 0, minted.stdout + minted.stderr);
    const m = minted.json();
    assert.equal(m.token_path, "tokens/ok.json");
    assert.equal(m.description, "signed approval token created");
    assert.match(String(m.expires_at), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.equal(m.key_id, "42571c8843a10df565fd17a97a236c3552e8e4b7ff2a0b48bf524409279771d9");
    assert.equal(mode(`${dir}/tokens/ok.json`), 0o600);
    await assertMatchesSchema(
      "gate/approval_token",
      JSON.parse(Deno.readTextFileSync(`${dir}/tokens/ok.json`)),
    );

    const wrongScope = await runGait([
      "approve",
      "--intent-digest",
      "4b53bb79e35105ac9170963ac6f84ed0ed15530c68f06a46fc1233c5ec766913",
      "--policy-digest",
      "07a528a879e4f0e0cd5a0e2ca801924746b47dac624862207ef21d4ec266f8f9",
      "--ttl",
      "1h",
      "--scope",
      "tool.write",
      "--approver",
      "alice",
      "--reason-code",
      "ticket-42",
      "--out",
      "tokens/scope.json",
      ...PROD,
    ], { cwd: dir });
    assert.equal(wrongScope.code, 0, wrongScope.stdout + wrongScope.stderr);

    const evalWith = (token: string) =>
      runGait([
        "gate",
        "eval",
        "--policy",
        policy,
        "--intent",
        intent,
        "--approval-token",
        token,
        "--approval-public-key",
        V4_PUBLIC,
        "--json",
      ], { cwd: dir });
    const allowed = await evalWith("tokens/ok.json");
    assert.equal(allowed.code, 0, allowed.stdout + allowed.stderr);
    assert.equal(allowed.json().verdict, "allow");
    assert.equal(allowed.json().approval_ref, m.token_id);
    const denied = await evalWith("tokens/scope.json");
    assert.equal(denied.code, 4);
    assert.ok((denied.json().reason_codes as string[]).includes("approval_token_scope_mismatch"));
  });
});

Deno.test("approve: usage errors are exit 6 (ttl, scope, digests)", async () => {
  const base = [
    "approve",
    "--intent-digest",
    "a".repeat(64),
    "--policy-digest",
    "b".repeat(64),
    "--approver",
    "a",
    "--reason-code",
    "r",
    "--json",
  ];
  assertEnvelope(
    await runGait([...base, "--scope", "x"]),
    6,
    /^invalid --ttl, expected positive duration$/,
  );
  assertEnvelope(await runGait([...base, "--scope", "x", "--ttl", "-1h"]), 6, /^invalid --ttl/);
  assertEnvelope(await runGait([...base, "--ttl", "1h"]), 6, /^scope is required$/);
  const badDigest = base.map((a) => (a === "a".repeat(64) ? "abc" : a));
  assertEnvelope(await runGait([...badDigest, "--ttl", "1h", "--scope", "x"]), 6, /intent-digest/);
});

Deno.test("gate eval: usage and profile errors are exit 6 with the spec's messages", async () => {
  await withTempDir(async (dir) => {
    const pol = `${S}/dry-run-no-side-effects/policy.yaml`;
    const int = `${S}/dry-run-no-side-effects/intent.json`;
    assertEnvelope(
      await runGait(["gate", "eval", "--policy", pol, "--json"], { cwd: dir }),
      6,
      /^both --policy and --intent are required$/,
    );
    assertEnvelope(
      await runGait([
        "gate",
        "eval",
        "--policy",
        pol,
        "--intent",
        int,
        "--profile",
        "fast",
        "--json",
      ], { cwd: dir }),
      6,
      /^unsupported --profile value "fast" \(expected standard or oss-prod\)$/,
    );
    assertEnvelope(
      await runGait([
        "gate",
        "eval",
        "--policy",
        pol,
        "--intent",
        int,
        "--profile",
        "oss-prod",
        "--json",
      ], { cwd: dir }),
      6,
      /^oss-prod profile requires --key-mode prod$/,
    );
    assertEnvelope(
      await runGait([
        "gate",
        "eval",
        "--policy",
        pol,
        "--intent",
        int,
        "--profile",
        "oss-prod",
        ...PROD,
        "--json",
      ], {
        cwd: dir,
      }),
      6,
      /^oss-prod profile rejects policy default_verdict=allow/,
    );
    assertEnvelope(
      await runGait(["gate", "eval", "--policy", pol, "--intent", int, "extra", "--json"], {
        cwd: dir,
      }),
      6,
      /^unexpected positional arguments: extra$/,
    );
    assertEnvelope(
      await runGait([
        "gate",
        "eval",
        "--policy",
        pol,
        "--intent",
        int,
        "--context-envelope",
        "../x.json",
        "--json",
      ], {
        cwd: dir,
      }),
      6,
      /path must be local relative or absolute/,
    );
    assertEnvelope(
      await runGait([
        "gate",
        "eval",
        "--policy",
        pol,
        "--intent",
        int,
        "--trace-out",
        "../t.json",
        "--json",
      ], {
        cwd: dir,
      }),
      6,
      /path must be local relative or absolute/,
    );
    assert.deepEqual(files(dir), []);
  });
});

Deno.test("gate eval --explain: alone prints the group sentence; with --json the explain document", async () => {
  await withTempDir(async (dir) => {
    const plain = await runGait(["gate", "eval", "--explain"], { cwd: dir });
    assert.equal(plain.code, 0);
    assert.match(plain.stdout, /^Evaluate a structured tool-call intent/);
    const doc = await runGait([
      "gate",
      "eval",
      "--policy",
      `${S}/approval-token-valid/policy.yaml`,
      "--intent",
      `${S}/approval-token-valid/intent.json`,
      "--json",
      "--explain",
    ], { cwd: dir });
    assert.equal(doc.code, 4, doc.stdout + doc.stderr);
    const out = doc.json();
    assert.equal(out.schema_id, "gait.gate.policy_explain");
    assert.equal(out.verdict, "require_approval");
    assert.equal(typeof (out.proof_refs as Record<string, unknown>).trace_path, "string");
    delete out.correlation_id;
    await assertMatchesSchema("gate/policy_explain", out);
  });
});

Deno.test(".gait/config.yaml: defaults apply, flags win, missing explicit --config is exit 6, --no-config", async () => {
  await withTempDir(async (dir) => {
    await Deno.mkdir(`${dir}/.gait`);
    Deno.writeTextFileSync(
      `${dir}/.gait/config.yaml`,
      `gate:\n  policy: ${S}/policy-block-destructive/policy.yaml\n  trace_path: out/trace.json\n  profile: standard\n`,
    );
    const intent = `${S}/dry-run-no-side-effects/intent.json`;
    const viaConfig = await runGait(["gate", "eval", "--intent", intent, "--json"], { cwd: dir });
    assert.ok([0, 3].includes(viaConfig.code), viaConfig.stdout + viaConfig.stderr);
    assert.equal(viaConfig.json().trace_path, "out/trace.json");
    const flagWins = await runGait([
      "gate",
      "eval",
      "--intent",
      intent,
      "--policy",
      `${S}/approval-token-valid/policy.yaml`,
      "--json",
    ], { cwd: dir });
    assert.equal(flagWins.code, 4);
    assert.equal(
      flagWins.json().policy_digest,
      "07a528a879e4f0e0cd5a0e2ca801924746b47dac624862207ef21d4ec266f8f9",
    );
    assertEnvelope(
      await runGait(["gate", "eval", "--intent", intent, "--config", "missing.yaml", "--json"], {
        cwd: dir,
      }),
      6,
      /project config not found: missing\.yaml/,
    );
    assertEnvelope(
      await runGait(["gate", "eval", "--intent", intent, "--no-config", "--json"], { cwd: dir }),
      6,
      /^both --policy and --intent are required$/,
    );
  });
});

const GOOD_INTENT = JSON.stringify({
  tool_name: "tool.write",
  args: { path: "/tmp/x" },
  targets: [{ kind: "path", value: "/tmp/x", operation: "write" }],
  context: { identity: "a", workspace: "/w", risk_class: "low" },
});

Deno.test("malformed policies: exit 6 with the envelope, never allow, no trace written", async () => {
  await withTempDir(async (dir) => {
    Deno.writeTextFileSync(`${dir}/intent.json`, GOOD_INTENT);
    const bomb = [
      "a: &a [x, x, x, x, x, x, x, x, x, x]",
      "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]",
      "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]",
      "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]",
      "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]",
      "f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]",
      "rules:",
      "  - name: x",
      "    effect: allow",
      "    reason_codes: *f",
    ].join("\n");
    const policies: [string, string | Uint8Array][] = [
      ["bad_yaml.yaml", "default_verdict: allow\nrules: [\n"],
      [
        "wrong_type.yaml",
        "default_verdict: allow\nrules:\n  - name: x\n    effect: allow\n    priority: high\n",
      ],
      ["unknown_key.yaml", "default_verdict: allow\nsurprise: true\n"],
      ["empty.yaml", ""],
      ["big.yaml", "default_verdict: allow\n# " + "x".repeat(10 * 1024 * 1024) + "\n"],
      ["bomb.yaml", bomb],
      [
        "latin1.yaml",
        new Uint8Array([0x64, 0x65, 0x66, 0x61, 0x75, 0x6c, 0x74, 0x3a, 0x20, 0xe9, 0x0a]),
      ],
      ["legacy.yaml", "version: 1\ndefault_verdict: allow\n"],
    ];
    for (const [name, body] of policies) {
      if (typeof body === "string") Deno.writeTextFileSync(`${dir}/${name}`, body);
      else Deno.writeFileSync(`${dir}/${name}`, body);
    }
    for (const [name] of policies) {
      const r = await runGait([
        "gate",
        "eval",
        "--policy",
        name,
        "--intent",
        "intent.json",
        "--json",
      ], { cwd: dir });
      assertEnvelope(r, 6, /parse policy yaml: /);
      assert.notEqual(r.json().verdict, "allow", name);
    }
    const legacy = await runGait([
      "gate",
      "eval",
      "--policy",
      "legacy.yaml",
      "--intent",
      "intent.json",
      "--json",
    ], {
      cwd: dir,
    });
    assert.equal((legacy.json().migration as Record<string, unknown>).kind, "policy_fields");
    assert.ok(files(dir).every((f) => !f.startsWith("trace_")), files(dir).join(","));
  });
});

Deno.test("malformed intents: exit 6 with the envelope, never allow, no trace written", async () => {
  await withTempDir(async (dir) => {
    Deno.writeTextFileSync(`${dir}/policy.yaml`, "default_verdict: allow\n");
    const intents: [string, string | Uint8Array, RegExp][] = [
      ["syntax.json", "{", /intent/],
      ["dup.json", '{"tool_name":"a","tool_name":"b"}', /duplicate/],
      [
        "wrong_type.json",
        GOOD_INTENT.replace(
          '"risk_class":"low"',
          '"risk_class":"low","credential_ttl_seconds":"x"',
        ),
        /normalize intent/,
      ],
      ["empty.json", "", /intent/],
      [
        "no_tool.json",
        '{"context":{"identity":"a","workspace":"/w","risk_class":"low"}}',
        /tool_name is required/,
      ],
      [
        "secret.json",
        GOOD_INTENT.replace('"path":"/tmp/x"', '"api_key":"sk-live1234567890abcdef"'),
        /raw credential/,
      ],
      [
        "big.json",
        `{"tool_name":"t","args":{"blob":"${"x".repeat(10 * 1024 * 1024)}"}}`,
        /too large/,
      ],
      ["latin1.json", new Uint8Array([0x7b, 0x22, 0xe9, 0x22, 0x3a, 0x31, 0x7d]), /UTF-8/],
    ];
    for (const [name, body] of intents) {
      if (typeof body === "string") Deno.writeTextFileSync(`${dir}/${name}`, body);
      else Deno.writeFileSync(`${dir}/${name}`, body);
    }
    for (const [name, , error] of intents) {
      const r = await runGait([
        "gate",
        "eval",
        "--policy",
        "policy.yaml",
        "--intent",
        name,
        "--json",
      ], { cwd: dir });
      assertEnvelope(r, 6, error);
    }
    assertEnvelope(
      await runGait([
        "gate",
        "eval",
        "--policy",
        "policy.yaml",
        "--intent",
        "absent.json",
        "--json",
      ], { cwd: dir }),
      6,
      /no such file/,
    );
    assert.ok(files(dir).every((f) => !f.startsWith("trace_")), files(dir).join(","));
  });
});

Deno.test("§8 concurrent-evaluation-10: ten concurrent CLI evaluations all allow, one valid trace", async () => {
  await withTempDir(async (dir) => {
    Deno.writeTextFileSync(`${dir}/allow.yaml`, "default_verdict: allow\n");
    const runs = await Promise.all(
      Array.from({ length: 10 }, () =>
        runGait([
          "gate",
          "eval",
          "--policy",
          "allow.yaml",
          "--intent",
          `${S}/concurrent-evaluation-10/intent.json`,
          "--json",
        ], { cwd: dir })),
    );
    for (const r of runs) {
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.equal(r.json().verdict, "allow");
    }
    const traces = files(dir).filter((f) => f.startsWith("trace_"));
    assert.equal(traces.length, 1, files(dir).join(","));
    assert.equal(JSON.parse(Deno.readTextFileSync(`${dir}/${traces[0]}`)).verdict, "allow");
  });
});
