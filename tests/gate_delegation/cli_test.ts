/**
 * `gait delegate mint|verify` and `gate eval --delegation-*` through the real
 * CLI (spec 02 §5.4, §4.3 step 13): a minted depth-3 chain verifies; a
 * broken link, a wrong key, an expired token and an out-of-scope hop block.
 */

import assert from "node:assert/strict";
import { runGait, withTempDir } from "../helpers/cli.ts";
import { assertMatchesSchema } from "../helpers/schema.ts";
import { ROOT, SCENARIOS, V4_PRIVATE, V4_PUBLIC } from "../gate_cli/_helpers.ts";

const SCENARIO = `${SCENARIOS}/delegation-chain-depth-3`;
const PROD = ["--key-mode", "prod", "--private-key", V4_PRIVATE];
const WRONG_PUBLIC = `${ROOT}/fixtures/keys/v5_approval_public.key`;

async function mint(
  dir: string,
  name: string,
  delegator: string,
  delegate: string,
  extra: string[] = [],
): Promise<string> {
  const out = `${dir}/${name}.json`;
  const r = await runGait([
    "delegate",
    "mint",
    "--delegator",
    delegator,
    "--delegate",
    delegate,
    "--scope",
    "tool:tool.write",
    "--scope-class",
    "write",
    "--ttl",
    "1h",
    "--out",
    out,
    ...PROD,
    ...extra,
    "--json",
  ], { cwd: dir });
  assert.equal(r.code, 0, r.stdout + r.stderr);
  return out;
}

async function evalChain(dir: string, tokens: string[], key = V4_PUBLIC, extra: string[] = []) {
  const args = [
    "gate",
    "eval",
    "--policy",
    `${SCENARIO}/policy.yaml`,
    "--intent",
    `${SCENARIO}/intent.json`,
    "--trace-out",
    `${dir}/trace.json`,
    "--delegation-audit-out",
    `${dir}/audit.json`,
    "--json",
    ...extra,
  ];
  if (tokens.length > 0) args.push("--delegation-token", tokens[0]!);
  if (tokens.length > 1) args.push("--delegation-token-chain", tokens.slice(1).join(","));
  if (key !== "") args.push("--delegation-public-key", key);
  const r = await runGait(args, { cwd: dir });
  return { r, out: r.json() as Record<string, unknown> };
}

async function mintChain(
  dir: string,
  middle: [string, string] = ["agent.manager", "agent.senior"],
) {
  return [
    await mint(dir, "t1", "agent.lead", "agent.manager"),
    await mint(dir, "t2", middle[0], middle[1]),
    await mint(dir, "t3", "agent.senior", "agent.worker"),
  ];
}

Deno.test("delegate e2e: the Go scenario delegation-chain-depth-3 allows with 3 delegations", async () => {
  await withTempDir(async (dir) => {
    const { r, out } = await evalChain(
      dir,
      [1, 2, 3].map((i) => `${SCENARIO}/delegation-token-${i}.json`),
      `${SCENARIO}/delegation_public.key`,
    );
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(out.verdict, "allow");
    assert.equal(out.valid_delegations, 3);
    assert.ok((out.reason_codes as string[]).includes("delegation_granted"));
    assert.equal(
      out.intent_digest,
      "cda51856ccf74168753405a3cc724fd936ede09c3cb26a5c8cdb191804058f27",
    );
    const trace = JSON.parse(await Deno.readTextFile(`${dir}/trace.json`));
    assert.equal(
      trace.delegation_ref.chain_digest,
      "cacd63947af15d0850bb55ddf8573def88204d13f4bc8290141003635e04dc08",
    );
  });
});

Deno.test("delegate e2e: a depth-3 chain minted with gait delegate mint verifies at eval", async () => {
  await withTempDir(async (dir) => {
    const tokens = await mintChain(dir);
    const { r, out } = await evalChain(dir, tokens);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(out.verdict, "allow");
    assert.equal(out.valid_delegations, 3);
    assert.equal(out.delegation_required, true);
    assert.deepEqual(out.reason_codes, [
      "delegation_granted",
      "matched_rule_allow_delegated_write",
    ]);
    assert.equal(out.delegation_audit_path, `${dir}/audit.json`);
    const audit = JSON.parse(await Deno.readTextFile(`${dir}/audit.json`));
    await assertMatchesSchema("gate/delegation_audit_record", audit);
    assert.equal(audit.delegated, true);
    assert.equal(audit.trace_id, out.trace_id);
    const trace = JSON.parse(await Deno.readTextFile(`${dir}/trace.json`));
    assert.equal(trace.delegation_ref.delegation_depth, 3);
    assert.deepEqual(trace.delegation_ref.reason_codes, ["delegation_granted"]);
    assert.equal(trace.delegation_ref.delegation_token_ref, out.delegation_ref);
  });
});

Deno.test("delegate e2e: a broken link blocks with delegation_chain_insufficient", async () => {
  await withTempDir(async (dir) => {
    const tokens = await mintChain(dir, ["agent.manager", "agent.other"]);
    const { r, out } = await evalChain(dir, tokens);
    assert.equal(r.code, 3, r.stdout);
    assert.equal(out.verdict, "block");
    assert.equal(out.valid_delegations, 2);
    for (
      const code of [
        "delegation_chain_insufficient",
        "delegation_token_delegate_mismatch",
        "delegation_token_missing",
      ]
    ) assert.ok((out.reason_codes as string[]).includes(code), code);
    assert.deepEqual(out.violations, ["delegation_not_granted"]);
    const trace = JSON.parse(await Deno.readTextFile(`${dir}/trace.json`));
    assert.ok(trace.delegation_ref.reason_codes.includes("delegation_chain_insufficient"));
  });
});

Deno.test("delegate e2e: a wrong verify key blocks with delegation_token_signature_invalid", async () => {
  await withTempDir(async (dir) => {
    const { r, out } = await evalChain(dir, await mintChain(dir), WRONG_PUBLIC);
    assert.equal(r.code, 3);
    assert.ok((out.reason_codes as string[]).includes("delegation_token_signature_invalid"));
    assert.ok((out.reason_codes as string[]).includes("delegation_chain_insufficient"));
  });
});

Deno.test("delegate e2e: without a delegation key the approval key verifies, else the (dev) trace key", async () => {
  await withTempDir(async (dir) => {
    const tokens = await mintChain(dir);
    const viaApproval = await evalChain(dir, tokens, "", ["--approval-public-key", V4_PUBLIC]);
    assert.equal(viaApproval.r.code, 0, viaApproval.r.stdout);
    const viaTrace = await evalChain(dir, tokens, "");
    assert.equal(viaTrace.r.code, 3);
    assert.ok(
      (viaTrace.out.reason_codes as string[]).includes("delegation_token_signature_invalid"),
    );
  });
});

Deno.test("delegate e2e: an expired token blocks with delegation_token_expired", async () => {
  await withTempDir(async (dir) => {
    const t1 = await mint(dir, "t1", "agent.lead", "agent.manager");
    const t2 = await mint(dir, "t2", "agent.manager", "agent.senior", ["--ttl", "1ms"]);
    const t3 = await mint(dir, "t3", "agent.senior", "agent.worker");
    await new Promise((resolve) => setTimeout(resolve, 5));
    const { r, out } = await evalChain(dir, [t1, t2, t3]);
    assert.equal(r.code, 3);
    assert.ok((out.reason_codes as string[]).includes("delegation_token_expired"));
  });
});

Deno.test("delegate e2e: an out-of-scope hop blocks with delegation_token_scope_mismatch", async () => {
  await withTempDir(async (dir) => {
    const t1 = await mint(dir, "t1", "agent.lead", "agent.manager");
    const out2 = `${dir}/t2.json`;
    const m = await runGait([
      "delegate",
      "mint",
      "--delegator",
      "agent.manager",
      "--delegate",
      "agent.senior",
      "--scope",
      "read",
      "--ttl",
      "1h",
      "--out",
      out2,
      ...PROD,
    ], { cwd: dir });
    assert.equal(m.code, 0, m.stderr);
    const t3 = await mint(dir, "t3", "agent.senior", "agent.worker");
    const { r, out } = await evalChain(dir, [t1, out2, t3]);
    assert.equal(r.code, 3);
    assert.ok((out.reason_codes as string[]).includes("delegation_token_scope_mismatch"));
  });
});

Deno.test("delegate e2e: no delegation token blocks with delegation_token_missing and writes an audit", async () => {
  await withTempDir(async (dir) => {
    const { r, out } = await evalChain(dir, []);
    assert.equal(r.code, 3);
    assert.deepEqual(out.reason_codes, [
      "delegation_token_missing",
      "matched_rule_allow_delegated_write",
    ]);
    const audit = JSON.parse(await Deno.readTextFile(`${dir}/audit.json`));
    assert.equal(audit.delegated, false);
    assert.equal(audit.valid_delegations, 0);
  });
});

Deno.test("delegate e2e: an unreadable token file is invalid input (exit 6)", async () => {
  await withTempDir(async (dir) => {
    await Deno.writeTextFile(`${dir}/bad.json`, "{not json");
    const { r } = await evalChain(dir, [`${dir}/bad.json`]);
    assert.equal(r.code, 6);
  });
});

Deno.test("delegate e2e: oss-prod refuses delegation checks without an explicit verify key", async () => {
  await withTempDir(async (dir) => {
    const tokens = await mintChain(dir);
    await Deno.writeTextFile(
      `${dir}/policy.yaml`,
      (await Deno.readTextFile(`${SCENARIO}/policy.yaml`)).replace(
        "default_verdict: block",
        "default_verdict: block",
      ).replace("effect: allow", "effect: allow\n    require_broker_credential: true"),
    );
    const r = await runGait([
      "gate",
      "eval",
      "--policy",
      `${dir}/policy.yaml`,
      "--intent",
      `${SCENARIO}/intent.json`,
      "--profile",
      "oss-prod",
      ...PROD,
      "--credential-broker",
      "stub",
      "--delegation-token",
      tokens[0]!,
      "--json",
    ], { cwd: dir });
    assert.equal(r.code, 6, r.stdout);
    assert.match(r.json().error as string, /oss-prod profile requires --delegation-public-key/);
  });
});

Deno.test("delegate e2e: verify exits 0, or 2 with error_code set to the failing code", async () => {
  await withTempDir(async (dir) => {
    const t = await mint(dir, "t", "agent.lead", "agent.worker");
    const ok = await runGait(
      ["delegate", "verify", "--token", t, "--public-key", V4_PUBLIC, "--scope", "write", "--json"],
      { cwd: dir },
    );
    assert.equal(ok.code, 0, ok.stdout);
    assert.equal(ok.json().token_id, JSON.parse(await Deno.readTextFile(t)).token_id);
    const cases: [string[], string][] = [
      [["--public-key", WRONG_PUBLIC], "delegation_token_signature_invalid"],
      [[], "delegation_token_signature_invalid"],
      [["--public-key", V4_PUBLIC, "--delegator", "x"], "delegation_token_delegator_mismatch"],
      [["--public-key", V4_PUBLIC, "--delegate", "x"], "delegation_token_delegate_mismatch"],
      [["--public-key", V4_PUBLIC, "--scope", "read"], "delegation_token_scope_mismatch"],
    ];
    for (const [flags, code] of cases) {
      const r = await runGait(["delegate", "verify", "--token", t, ...flags, "--json"], {
        cwd: dir,
      });
      assert.equal(r.code, 2, `${code}: ${r.stdout}`);
      assert.equal(r.json().ok, false);
      assert.equal(r.json().error_code, code);
    }
  });
});

Deno.test("delegate e2e: mint refuses a missing ttl, scope or identity (exit 6)", async () => {
  await withTempDir(async (dir) => {
    for (
      const args of [
        ["--delegator", "a", "--delegate", "b", "--scope", "x"],
        ["--delegator", "a", "--delegate", "b", "--ttl", "1h"],
        ["--delegate", "b", "--scope", "x", "--ttl", "1h"],
      ]
    ) {
      const r = await runGait(["delegate", "mint", ...args, "--json"], { cwd: dir });
      assert.equal(r.code, 6, r.stdout);
    }
  });
});
