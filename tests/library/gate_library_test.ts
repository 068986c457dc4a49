/**
 * The TypeScript library (mod.ts): `createGate().evaluate()` gives exactly
 * what `gait gate eval --json` gives for the scenario fixtures, writes
 * verifiable traces when asked, pulls in no CLI code, and needs no env or
 * write permission.
 */

import assert from "node:assert/strict";
import {
  createGate,
  parsePrivateKey,
  parsePublicKey,
  publicKeyOf,
  verifyTraceRecord,
} from "../../mod.ts";
import { fixedClock } from "../../src/core/timestamp.ts";
import { REPO_ROOT, runGait, withTempDir } from "../helpers/cli.ts";

const S = `${REPO_ROOT}/fixtures/scenarios/gait`;
const V4_PRIVATE = `${REPO_ROOT}/fixtures/keys/v4_test_private.key`;
const COMPARED = [
  "verdict",
  "reason_codes",
  "violations",
  "policy_digest",
  "intent_digest",
  "trace_id",
  "matched_rule",
  "script_hash",
  "step_count",
  "approval_ref",
  "required_approvals",
  "valid_approvals",
  "simulate_mode",
];

interface Case {
  name: string;
  intent: string;
  args: string[];
  approval?: boolean;
  simulate?: boolean;
}

const CASES: Case[] = [
  { name: "approval-token-valid", intent: "intent.json", args: [], approval: true },
  { name: "approval-expiry-1s-past", intent: "intent.json", args: [], approval: true },
  { name: "dry-run-no-side-effects", intent: "intent.json", args: ["--simulate"], simulate: true },
  { name: "script-max-steps-exceeded", intent: "intent.json", args: [] },
  { name: "script-mixed-risk-block", intent: "intent.json", args: [] },
  { name: "script-threshold-approval-determinism", intent: "intent.json", args: [] },
  { name: "approval-token-valid", intent: "../dry-run-no-side-effects/intent.json", args: [] },
];

Deno.test("library vs CLI: identical verdict, reason codes, digests and trace_id on the scenario fixtures", async () => {
  await withTempDir(async (dir) => {
    for (const c of CASES) {
      const policy = `${S}/${c.name}/policy.yaml`;
      const intent = `${S}/${c.name}/${c.intent}`;
      const tokenArgs = c.approval
        ? [
          "--approval-token",
          `${S}/${c.name}/approval-token.json`,
          "--approval-public-key",
          `${S}/${c.name}/approval_public.key`,
        ]
        : [];
      const cli = await runGait(
        ["gate", "eval", "--policy", policy, "--intent", intent, ...tokenArgs, ...c.args, "--json"],
        { cwd: dir },
      );
      const cliOut = cli.json();
      const gate = createGate({
        policy: await Deno.readTextFile(policy),
        simulate: c.simulate,
        approvalPublicKey: c.approval
          ? await parsePublicKey(await Deno.readTextFile(`${S}/${c.name}/approval_public.key`), "k")
          : undefined,
      });
      const lib = await gate.evaluate(JSON.parse(await Deno.readTextFile(intent)), {
        approvalTokens: c.approval ? [`${S}/${c.name}/approval-token.json`] : [],
      });
      assert.equal(lib.exitCode, cli.code, c.name);
      for (const key of COMPARED) {
        assert.deepEqual(lib.output[key], cliOut[key], `${c.name}: ${key}`);
      }
      const { correlation_id: _c, trace_path: _t, approval_audit_path: _a, ...rest } = cliOut;
      const { trace_path: _lt, ...libRest } = lib.output;
      assert.deepEqual(libRest, rest, c.name);
      assert.equal(lib.trace.trace_id, cliOut.trace_id);
    }
  });
});

Deno.test("library: traces are written when asked and verify with the signing key", async () => {
  await withTempDir(async (dir) => {
    const key = await parsePrivateKey(await Deno.readTextFile(V4_PRIVATE), "v4");
    const gate = createGate({
      policy:
        "default_verdict: block\nrules:\n  - {name: reads, effect: allow, match: {tool_names: [tool.read]}}\n",
      signingKey: key,
      traceDir: `${dir}/traces`,
      clock: fixedClock("2026-03-01T00:00:00Z"),
    });
    const result = await gate.evaluate(
      '{"tool_name":"tool.read","context":{"identity":"a","workspace":"/w","risk_class":"low"}}',
    );
    assert.equal(result.allowed, true);
    assert.deepEqual(result.warnings, []);
    assert.equal(result.tracePath, `${dir}/traces/trace_${result.output.trace_id}.json`);
    const written = JSON.parse(await Deno.readTextFile(result.tracePath));
    assert.deepEqual(written, JSON.parse(JSON.stringify(result.trace)));
    assert.equal((await verifyTraceRecord(written, await publicKeyOf(key))).ok, true);
    const blocked = await gate.evaluate({
      tool_name: "tool.delete",
      context: { identity: "a", workspace: "/w", risk_class: "low" },
    });
    assert.equal(blocked.allowed, false);
    assert.equal(blocked.exitCode, 3);
  });
});

Deno.test("library: oss-prod refuses a gate without a signing key", () => {
  assert.throws(
    () => createGate({ policy: "default_verdict: block\n", profile: "oss-prod" }),
    /oss-prod profile requires --key-mode prod/,
  );
});

Deno.test("library: mod.ts imports no CLI code", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", "--config", `${REPO_ROOT}/deno.json`, `${REPO_ROOT}/mod.ts`],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.ok(out.success, new TextDecoder().decode(out.stderr));
  const info = JSON.parse(new TextDecoder().decode(out.stdout)) as {
    modules: { specifier: string }[];
  };
  const cli = info.modules.map((m) => m.specifier).filter((s) => s.includes("/src/cli/"));
  assert.deepEqual(cli, []);
});

Deno.test("library: evaluating needs only read permission (no env, write or net prompt)", async () => {
  const script = `
import { createGate } from "${REPO_ROOT}/mod.ts";
const gate = createGate({ policy: Deno.readTextFileSync("${S}/policy-block-destructive/policy.yaml") });
const r = await gate.evaluate(JSON.parse(Deno.readTextFileSync("${S}/dry-run-no-side-effects/intent.json")));
console.log(JSON.stringify({ verdict: r.verdict, trace_id: r.output.trace_id }));
`;
  await withTempDir(async (dir) => {
    await Deno.writeTextFile(`${dir}/agent.ts`, script);
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--quiet",
        "--no-prompt",
        "--config",
        `${REPO_ROOT}/deno.json`,
        `--allow-read=${REPO_ROOT},${dir}`,
        `${dir}/agent.ts`,
      ],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(out.stderr);
    assert.ok(out.success, stderr);
    const result = JSON.parse(new TextDecoder().decode(out.stdout));
    assert.match(result.trace_id, /^[0-9a-f]{24}$/);
  });
});
