/**
 * `gait doctor` (spec 03 §2.3): check names and order, statuses, fix
 * commands, JSON fields, exit codes (0 even on fail, 7 non-fixable, 2 for a
 * failing --production-readiness), and the runtime_permissions check.
 */

import assert from "node:assert/strict";
import { REPO_ROOT, runGait, withTempDir } from "../helpers/cli.ts";
import { denoDirEnv } from "../dist/_helpers.ts";

interface Check {
  name: string;
  scope: string;
  status: string;
  message: string;
  fix_command?: string;
  non_fixable?: boolean;
}

interface DoctorJson {
  ok: boolean;
  schema_id: string;
  schema_version: string;
  created_at: string;
  producer_version: string;
  onboarding_mode: string;
  status: string;
  non_fixable?: boolean;
  summary: string;
  summary_mode?: boolean;
  fix_commands?: string[];
  binary_path?: string;
  binary_path_source?: string;
  runtime_permissions: Record<string, string>;
  checks: Check[];
  correlation_id: string;
  error?: string;
}

const ONBOARDING_ORDER = [
  "workdir",
  "output_dir",
  "job_runtime_durability",
  "temp_dir",
  "registry_cache",
  "gate_rate_limit_lock",
  "onboarding_binary",
  "key_source_ambiguity",
  "key_permissions",
  "key_config",
  "runtime_permissions",
];

/** A workspace where every default check passes: output dir, registry, ./gait, no gait on PATH. */
async function healthy(dir: string): Promise<Record<string, string>> {
  await Deno.mkdir(`${dir}/gait-out`);
  await Deno.mkdir(`${dir}/home/.gait/registry`, { recursive: true });
  await Deno.mkdir(`${dir}/emptypath`);
  await Deno.writeTextFile(`${dir}/gait`, "#!/bin/sh\necho gait\n", { mode: 0o755 });
  return { HOME: `${dir}/home`, PATH: `${dir}/emptypath`, TMPDIR: dir };
}

async function doctor(args: string[], cwd: string, env: Record<string, string> = {}) {
  const r = await runGait(["doctor", ...args], { cwd, env });
  return { r, json: args.includes("--json") ? r.json<DoctorJson>() : undefined };
}

const check = (json: DoctorJson, name: string) => {
  const c = json.checks.find((x) => x.name === name);
  assert.ok(c, `no ${name} check`);
  return c;
};

Deno.test("doctor: a healthy installed-binary workspace passes every check in the documented order", async () => {
  await withTempDir(async (dir) => {
    const { r, json } = await doctor(["--json"], dir, await healthy(dir));
    assert.equal(r.code, 0, r.stdout);
    assert.ok(json);
    assert.deepEqual(json.checks.map((c) => c.name), ONBOARDING_ORDER);
    for (const c of json.checks) assert.equal(c.status, "pass", `${c.name}: ${c.message}`);
    assert.equal(json.ok, true);
    assert.equal(json.schema_id, "gait.doctor.result");
    assert.equal(json.schema_version, "1.0.0");
    assert.equal(json.producer_version, "0.0.0-dev");
    assert.equal(json.onboarding_mode, "installed_binary");
    assert.equal(json.status, "pass");
    assert.equal(
      json.summary,
      "doctor: onboarding_mode=installed_binary status=pass failed=0 warned=0 non_fixable=false",
    );
    assert.equal(json.non_fixable, undefined, "omitempty");
    assert.equal(json.fix_commands, undefined, "omitempty");
    assert.equal(json.binary_path, "gait");
    assert.equal(json.binary_path_source, "workdir");
    assert.match(json.created_at, /^\d{4}-\d{2}-\d{2}T/);
    assert.match(json.correlation_id, /^[0-9a-f]{24}$/);
    assert.ok(json.checks.every((c) => c.scope === "universal"));
    assert.equal(json.error, undefined);
    // The write probes are cleaned up.
    assert.deepEqual((await Array.fromAsync(Deno.readDir(`${dir}/gait-out`))).length, 0);
  });
});

Deno.test("doctor: a fresh directory warns with fix commands, exit 0; human output lists checks and fixes", async () => {
  await withTempDir(async (dir) => {
    await Deno.mkdir(`${dir}/emptypath`);
    const env = { HOME: `${dir}/home`, PATH: `${dir}/emptypath` };
    const { r, json } = await doctor(["--json"], dir, env);
    assert.equal(r.code, 0);
    assert.ok(json);
    assert.equal(json.status, "warn");
    assert.equal(check(json, "output_dir").status, "warn");
    assert.equal(check(json, "output_dir").message, "output directory does not exist");
    assert.equal(check(json, "output_dir").fix_command, "mkdir -p 'gait-out'");
    assert.equal(check(json, "registry_cache").fix_command, "mkdir -p ~/.gait/registry");
    assert.equal(
      check(json, "onboarding_binary").message,
      "gait binary not found; onboarding commands may fail",
    );
    assert.match(check(json, "onboarding_binary").fix_command!, /scripts\/install\.sh \| bash$/);
    assert.deepEqual(json.fix_commands, [...json.fix_commands!].sort());
    assert.equal(
      json.summary,
      "doctor: onboarding_mode=installed_binary status=warn failed=0 warned=3 non_fixable=false",
    );

    const human = await runGait(["doctor"], { cwd: dir, env });
    assert.equal(human.code, 0);
    const lines = human.stdout.trimEnd().split("\n");
    assert.equal(lines[0], json.summary);
    assert.ok(lines.includes("- output_dir: warn (output directory does not exist)"));
    assert.ok(lines.includes("  fix: mkdir -p 'gait-out'"));
    assert.ok(lines.includes("- workdir: pass (workdir is writable)"));

    const summary = await runGait(["doctor", "--summary"], { cwd: dir, env });
    assert.equal(summary.code, 0);
    assert.ok(!summary.stdout.includes("- workdir:"), "--summary shows only non-passing checks");
    assert.ok(summary.stdout.includes("- output_dir: warn"));
  });
});

Deno.test("doctor --summary on a passing workspace prints the summary line and the tips", async () => {
  await withTempDir(async (dir) => {
    const env = await healthy(dir);
    const r = await runGait(["doctor", "--summary"], { cwd: dir, env });
    assert.equal(r.code, 0);
    assert.equal(
      r.stdout,
      "doctor: onboarding_mode=installed_binary status=pass failed=0 warned=0 non_fixable=false\n" +
        "tip: export GAIT_ADOPTION_LOG=./gait-out/adoption.jsonl\n" +
        "tip: gait doctor adoption --from ./gait-out/adoption.jsonl --json\n",
    );
    const json = (await runGait(["doctor", "--summary", "--json"], { cwd: dir, env })).json<
      DoctorJson
    >();
    assert.equal(json.summary_mode, true);
  });
});

Deno.test("doctor: runtime_permissions passes under the shipped permissions and reports them", async () => {
  await withTempDir(async (dir) => {
    const { json } = await doctor(["--json"], dir);
    assert.ok(json);
    const c = check(json, "runtime_permissions");
    assert.equal(c.status, "pass");
    assert.equal(
      c.message,
      "outbound network is denied by the runtime (read=granted write=granted env=granted net=loopback-only run=denied ffi=denied sys=denied)",
    );
    assert.equal(json.runtime_permissions.read, "granted");
    assert.equal(json.runtime_permissions.net_loopback, "granted");
    for (const k of ["net_outbound", "run", "ffi", "sys"]) {
      assert.notEqual(json.runtime_permissions[k], "granted", k);
    }
  });
});

Deno.test("doctor: runtime_permissions fails when Gait runs with outbound network or subprocess permission", async () => {
  await withTempDir(async (dir) => {
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--quiet",
        "--no-prompt",
        "--config",
        `${REPO_ROOT}/deno.json`,
        "--allow-read",
        "--allow-write",
        "--allow-env",
        "--allow-net",
        "--allow-run",
        `${REPO_ROOT}/cli.ts`,
        "doctor",
        "--json",
      ],
      cwd: dir,
      env: { HOME: dir, ...await denoDirEnv() },
      clearEnv: true,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(out.code, 0);
    const json = JSON.parse(new TextDecoder().decode(out.stdout)) as DoctorJson;
    const c = check(json, "runtime_permissions");
    assert.equal(c.status, "fail");
    assert.match(
      c.message,
      /^runtime allows outbound network, subprocesses: broader than the shipped binary/,
    );
    assert.match(c.fix_command!, /shipped permissions/);
    assert.equal(json.runtime_permissions.net_outbound, "granted");
    assert.equal(json.status, "fail");
  });
});

Deno.test("doctor: key checks (ambiguity fails, dev with keys warns, prod loads keys, unknown mode fails)", async () => {
  await withTempDir(async (dir) => {
    const keys = await runGait(["keys", "init", "--out-dir", "keys", "--json"], { cwd: dir });
    assert.equal(keys.code, 0, keys.stdout + keys.stderr);
    const priv = "keys/gait_private.key";
    const pub = "keys/gait_public.key";

    let { r, json } = await doctor(
      ["--private-key", priv, "--private-key-env", "K", "--json"],
      dir,
    );
    assert.equal(r.code, 0, "a failing check still exits 0");
    assert.equal(check(json!, "key_source_ambiguity").status, "fail");
    assert.equal(
      check(json!, "key_source_ambiguity").message,
      "private key path and env are both set",
    );
    assert.equal(json!.status, "fail");
    assert.equal(json!.ok, true);

    ({ json } = await doctor(["--public-key", pub, "--public-key-env", "P", "--json"], dir));
    assert.equal(
      check(json!, "key_source_ambiguity").message,
      "public key path and env are both set",
    );

    ({ json } = await doctor(["--private-key", priv, "--json"], dir));
    assert.equal(check(json!, "key_config").status, "warn");
    assert.equal(check(json!, "key_config").message, "dev mode ignores explicit key sources");
    assert.equal(check(json!, "key_permissions").status, "pass");

    ({ json } = await doctor([
      "--key-mode",
      "prod",
      "--private-key",
      priv,
      "--public-key",
      pub,
      "--json",
    ], dir));
    assert.equal(check(json!, "key_config").status, "pass");
    assert.equal(check(json!, "key_config").message, "prod key configuration is valid");

    ({ json } = await doctor(["--key-mode", "prod", "--json"], dir));
    assert.equal(check(json!, "key_config").status, "fail");
    assert.match(check(json!, "key_config").message, /^invalid prod signing key config: /);

    ({ json } = await doctor(
      ["--key-mode", "Prod", "--private-key-env", "GAIT_TEST_KEY", "--json"],
      dir,
      {
        GAIT_TEST_KEY: (await Deno.readTextFile(`${dir}/${priv}`)).trim(),
      },
    ));
    assert.equal(check(json!, "key_config").status, "pass");

    ({ json } = await doctor(["--key-mode", "hsm", "--json"], dir));
    assert.equal(check(json!, "key_config").status, "fail");
    assert.equal(check(json!, "key_config").message, "unsupported key mode: hsm");

    await Deno.chmod(`${dir}/${priv}`, 0o666);
    ({ json } = await doctor(["--key-mode", "prod", "--private-key", priv, "--json"], dir));
    assert.equal(check(json!, "key_permissions").status, "warn");
    assert.equal(check(json!, "key_permissions").fix_command, `chmod go-w '${priv}'`);

    ({ json } = await doctor(
      ["--key-mode", "prod", "--private-key", "keys/missing.key", "--json"],
      dir,
    ));
    assert.equal(check(json!, "key_permissions").status, "warn");
    assert.match(
      check(json!, "key_permissions").message,
      /^key file not accessible: keys\/missing\.key/,
    );
  });
});

Deno.test("doctor: durable job divergence fails job_runtime_durability with the job and kind", async () => {
  await withTempDir(async (dir) => {
    const job = (id: string) => `${dir}/gait-out/jobs/${id}`;
    for (const id of ["job_a", "job_b", "job_c", "job_ok"]) {
      await Deno.mkdir(job(id), { recursive: true });
    }
    const state = (id: string, revision: number) =>
      Deno.writeTextFile(`${job(id)}/state.json`, JSON.stringify({ job_id: id, revision }));
    const events = (id: string, revisions: number[]) =>
      Deno.writeTextFile(
        `${job(id)}/events.jsonl`,
        revisions.map((r) => JSON.stringify({ job_id: id, revision: r })).join("\n") + "\n",
      );
    await state("job_a", 3);
    await events("job_a", [1, 2]);
    await state("job_b", 1);
    await events("job_b", [1]);
    await Deno.writeTextFile(`${job("job_b")}/pending_mutation.json`, "{}");
    await events("job_c", [1]);
    await state("job_ok", 2);
    await events("job_ok", [1, 2]);
    const { r, json } = await doctor(["--json"], dir);
    assert.equal(r.code, 0);
    const c = check(json!, "job_runtime_durability");
    assert.equal(c.status, "fail");
    assert.equal(
      c.message,
      "durable job state divergence detected: job_a:state_ahead_of_event_log,job_b:pending_mutation,job_c:missing_state_with_events",
    );
    assert.equal(c.fix_command, "gait job inspect --id 'job_a' --root 'gait-out/jobs' --json");

    await Deno.writeTextFile(`${job("job_ok")}/state.json`, "{not json");
    const broken = (await doctor(["--json"], dir)).json!;
    assert.match(
      check(broken, "job_runtime_durability").message,
      /^durable job state check failed: read durable state for job_ok: parse job state/,
    );
  });
});

Deno.test("doctor: a stale gate rate-limit lock warns; inconsistent registry pins warn", async () => {
  await withTempDir(async (dir) => {
    await Deno.mkdir(`${dir}/gait-out`);
    const lock = `${dir}/gait-out/gate_rate_limits.json.lock`;
    await Deno.writeTextFile(lock, "");
    const old = new Date(Date.now() - 125_000);
    await Deno.utime(lock, old, old);
    await Deno.mkdir(`${dir}/home/.gait/registry/pins`, { recursive: true });
    await Deno.writeTextFile(`${dir}/home/.gait/registry/pins/a.pin`, "sha256:" + "a".repeat(64));
    await Deno.writeTextFile(`${dir}/home/.gait/registry/pins/b.pin`, "b".repeat(64));
    await Deno.mkdir(`${dir}/home/.gait/registry/acme/pack/${"b".repeat(64)}`, { recursive: true });
    await Deno.writeTextFile(
      `${dir}/home/.gait/registry/acme/pack/${"b".repeat(64)}/registry_pack.json`,
      "{}",
    );
    const { json } = await doctor(["--json"], dir, { HOME: `${dir}/home` });
    const lockCheck = check(json!, "gate_rate_limit_lock");
    assert.equal(lockCheck.status, "warn");
    assert.match(lockCheck.message, /^stale gate rate-limit lock detected \(2m\d+s old\)$/);
    assert.equal(lockCheck.fix_command, "rm -f 'gait-out/gate_rate_limits.json.lock'");
    const reg = check(json!, "registry_cache");
    assert.equal(reg.status, "warn");
    assert.equal(reg.message, "registry cache has 1 inconsistent pin entries");
  });
});

Deno.test("doctor: --workdir and an absolute --output-dir; workdir problems fail", async () => {
  await withTempDir(async (dir) => {
    await Deno.mkdir(`${dir}/ws/out`, { recursive: true });
    let { json } = await doctor(["--workdir", "ws", "--output-dir", "out", "--json"], dir);
    assert.equal(check(json!, "output_dir").status, "pass");
    ({ json } = await doctor(["--output-dir", `${dir}/ws/out`, "--json"], dir));
    assert.equal(check(json!, "output_dir").status, "pass");
    ({ json } = await doctor(["--workdir", "missing", "--json"], dir));
    assert.equal(check(json!, "workdir").status, "fail");
    assert.match(check(json!, "workdir").message, /^workdir not accessible: /);
    assert.equal(check(json!, "workdir").fix_command, "mkdir -p 'missing'");
    await Deno.writeTextFile(`${dir}/file`, "");
    ({ json } = await doctor(["--output-dir", "file", "--json"], dir));
    assert.equal(check(json!, "output_dir").status, "fail");
    assert.equal(check(json!, "output_dir").message, "output path is not a directory");
  });
});

/** A minimal checkout of this repository, as doctor recognizes it. */
async function fakeCheckout(dir: string): Promise<void> {
  await Deno.writeTextFile(`${dir}/deno.json`, JSON.stringify({ name: "@gait/gait" }));
  await Deno.writeTextFile(`${dir}/cli.ts`, "");
  await Deno.mkdir(`${dir}/src`);
  await Deno.mkdir(`${dir}/scripts`);
  for (const f of ["gait", "scripts/ensure-deno.sh", "scripts/install.sh", "scripts/test.sh"]) {
    await Deno.writeTextFile(`${dir}/${f}`, "#!/bin/sh\n", { mode: 0o755 });
  }
  for await (const e of Deno.readDir(`${REPO_ROOT}/schemas/v1/runpack`)) {
    await Deno.mkdir(`${dir}/schemas/v1/runpack`, { recursive: true });
    await Deno.copyFile(
      `${REPO_ROOT}/schemas/v1/runpack/${e.name}`,
      `${dir}/schemas/v1/runpack/${e.name}`,
    );
  }
}

Deno.test("doctor: this repository's checkout is repo_checkout mode with passing repo checks", async () => {
  await withTempDir(async (dir) => {
    const { r, json } = await doctor([
      "--workdir",
      REPO_ROOT,
      "--output-dir",
      `${dir}/out`,
      "--json",
    ], dir);
    assert.equal(r.code, 0, r.stdout);
    assert.equal(json!.onboarding_mode, "repo_checkout");
    assert.deepEqual(json!.checks.map((c) => c.name), [
      ...ONBOARDING_ORDER,
      "schema_files",
      "onboarding_assets",
    ]);
    assert.equal(check(json!, "schema_files").status, "pass", check(json!, "schema_files").message);
    assert.equal(check(json!, "schema_files").scope, "repo_checkout");
    assert.equal(
      check(json!, "onboarding_assets").status,
      "pass",
      check(json!, "onboarding_assets").message,
    );
    assert.match(json!.summary, /^doctor: onboarding_mode=repo_checkout /);
  });
});

Deno.test("doctor: a missing or invalid schema file is non-fixable: exit 7, ok false", async () => {
  await withTempDir(async (dir) => {
    await fakeCheckout(dir);
    let { r, json } = await doctor(["--json"], dir);
    assert.equal(r.code, 0, r.stdout);
    assert.equal(check(json!, "schema_files").status, "pass");
    await Deno.remove(`${dir}/schemas/v1/runpack/refs.schema.json`);
    ({ r, json } = await doctor(["--json"], dir));
    assert.equal(r.code, 7);
    assert.equal(json!.ok, false);
    assert.equal(json!.non_fixable, true);
    const c = check(json!, "schema_files");
    assert.equal(c.message, "missing required schema files: schemas/v1/runpack/refs.schema.json");
    assert.equal(c.non_fixable, true);
    assert.equal(json!.error, undefined, "no error envelope");
    assert.match(json!.summary, /non_fixable=true$/);
    await fakeCheckout(dir).catch(() => {});
    await Deno.copyFile(
      `${REPO_ROOT}/schemas/v1/runpack/refs.schema.json`,
      `${dir}/schemas/v1/runpack/refs.schema.json`,
    );
    await Deno.writeTextFile(`${dir}/schemas/v1/runpack/extra.schema.json`, "{oops");
    ({ r, json } = await doctor(["--json"], dir));
    assert.equal(r.code, 7);
    assert.equal(
      check(json!, "schema_files").message,
      "invalid schema files: schemas/v1/runpack/extra.schema.json",
    );
    const human = await runGait(["doctor"], { cwd: dir });
    assert.equal(human.code, 7);
  });
});

Deno.test("doctor: onboarding assets that are not executable warn", async () => {
  await withTempDir(async (dir) => {
    await fakeCheckout(dir);
    await Deno.chmod(`${dir}/scripts/install.sh`, 0o644);
    const { json } = await doctor(["--json"], dir);
    const c = check(json!, "onboarding_assets");
    assert.equal(c.status, "warn");
    assert.equal(c.message, "scripts/install.sh is not executable");
    assert.equal(c.fix_command, "chmod +x 'scripts/install.sh'");
  });
});

const PROD_CONFIG = `gate:
  policy: .gait.yaml
  profile: oss-prod
  key_mode: prod
mcp_serve:
  enabled: true
  listen: 127.0.0.1:8787
  auth_mode: token
  auth_token_env: GAIT_TOKEN
  max_request_bytes: 1048576
  http_verdict_status: strict
  allow_client_artifact_paths: false
retention:
  trace_ttl: 168h
  session_ttl: 336h
  export_ttl: 1h30m
`;

const PRODUCTION_ORDER = [
  "workdir",
  "output_dir",
  "job_runtime_durability",
  "temp_dir",
  "key_source_ambiguity",
  "key_permissions",
  "key_config",
  "runtime_permissions",
  "production_readiness_config",
  "production_profile",
  "production_key_mode",
  "production_retention",
  "production_service_boundary",
  "production_context_strictness",
];

async function prodWorkspace(dir: string, config?: string): Promise<string[]> {
  await Deno.mkdir(`${dir}/gait-out`, { recursive: true });
  const keys = await runGait(["keys", "init", "--out-dir", "keys", "--json"], { cwd: dir });
  assert.equal(keys.code, 0);
  if (config !== undefined) {
    await Deno.mkdir(`${dir}/.gait`, { recursive: true });
    await Deno.writeTextFile(`${dir}/.gait/config.yaml`, config);
  }
  return [
    "--production-readiness",
    "--key-mode",
    "prod",
    "--private-key",
    "keys/gait_private.key",
    "--json",
  ];
}

Deno.test("doctor --production-readiness: a production config passes with exit 0", async () => {
  await withTempDir(async (dir) => {
    const args = await prodWorkspace(dir, PROD_CONFIG);
    const { r, json } = await doctor(args, dir);
    assert.equal(r.code, 0, r.stdout);
    assert.deepEqual(json!.checks.map((c) => c.name), PRODUCTION_ORDER);
    for (const c of json!.checks) assert.equal(c.status, "pass", `${c.name}: ${c.message}`);
    assert.equal(json!.ok, true);
    assert.ok(
      json!.checks.filter((c) => c.name.startsWith("production_")).every((c) =>
        c.scope === "production_readiness"
      ),
    );
  });
});

Deno.test("doctor --production-readiness: a missing config fails with exit 2 and ok false", async () => {
  await withTempDir(async (dir) => {
    const args = await prodWorkspace(dir);
    const { r, json } = await doctor(args, dir);
    assert.equal(r.code, 2);
    assert.equal(json!.ok, false);
    assert.equal(json!.error, undefined);
    const c = check(json!, "production_readiness_config");
    assert.equal(c.message, "missing .gait/config.yaml");
    assert.equal(
      c.fix_command,
      "mkdir -p '.gait' && cp examples/config/oss_prod_template.yaml '.gait/config.yaml'",
    );
    assert.equal(check(json!, "production_profile").status, "fail");
    assert.equal(check(json!, "production_service_boundary").message, "mcp_serve not configured");
  });
});

Deno.test("doctor --production-readiness: the shipped template passes", async () => {
  await withTempDir(async (dir) => {
    const args = await prodWorkspace(
      dir,
      await Deno.readTextFile(`${REPO_ROOT}/examples/config/oss_prod_template.yaml`),
    );
    const { r, json } = await doctor(args, dir);
    assert.equal(r.code, 0, JSON.stringify(json!.checks.filter((c) => c.status !== "pass")));
  });
});

Deno.test("doctor --production-readiness: a config that does not parse fails only production_readiness_config", async () => {
  for (
    const bad of [
      "gate: [unclosed\n",
      "gate:\n  profile: oss-prod\n  profile: dev\n",
      "mcp_serve:\n  enabled: maybe\n",
      "mcp_serve:\n  max_request_bytes: lots\n",
      "gate: oss-prod\n",
      "- a\n- b\n",
    ]
  ) {
    await withTempDir(async (dir) => {
      const args = await prodWorkspace(dir, bad);
      const { r, json } = await doctor(args, dir);
      assert.equal(r.code, 2, bad);
      const names = json!.checks.map((c) => c.name);
      assert.deepEqual(names, PRODUCTION_ORDER.slice(0, 9), bad);
      const c = check(json!, "production_readiness_config");
      assert.equal(c.status, "fail");
      assert.match(c.message, /^failed to parse \.gait\/config\.yaml: /, bad);
      assert.equal(c.fix_command, "edit '.gait/config.yaml' and fix yaml syntax");
    });
  }
});

Deno.test("doctor --production-readiness: each service boundary, retention and profile rule", async () => {
  const cases: [string, string, string, string][] = [
    [
      "listen: 127.0.0.1:8787\n  auth_mode: token",
      "listen: 0.0.0.0:8787\n  auth_mode: none",
      "production_service_boundary",
      "non-loopback mcp_serve.listen requires mcp_serve.auth_mode=token",
    ],
    [
      "auth_token_env: GAIT_TOKEN",
      "auth_token_env: ''",
      "production_service_boundary",
      "mcp_serve.auth_mode=token requires mcp_serve.auth_token_env",
    ],
    [
      "allow_client_artifact_paths: false",
      "allow_client_artifact_paths: true",
      "production_service_boundary",
      "mcp_serve.allow_client_artifact_paths must be false in production",
    ],
    [
      "max_request_bytes: 1048576",
      "max_request_bytes: 4194305",
      "production_service_boundary",
      "mcp_serve.max_request_bytes must be >0 and <=4194304",
    ],
    [
      "http_verdict_status: strict",
      "http_verdict_status: compat",
      "production_service_boundary",
      "mcp_serve.http_verdict_status must be strict in production",
    ],
    [
      "listen: 127.0.0.1:8787",
      "listen: localhost",
      "production_service_boundary",
      "invalid mcp_serve.listen: invalid listen address: address localhost: missing port in address",
    ],
    [
      "export_ttl: 1h30m",
      "export_ttl: 3 days",
      "production_retention",
      'invalid retention.export_ttl: time: invalid duration "3 days"',
    ],
    [
      "session_ttl: 336h",
      "session_ttl: ''",
      "production_retention",
      "retention.trace_ttl, retention.session_ttl, and retention.export_ttl are required",
    ],
    [
      "key_mode: prod",
      "key_mode: dev",
      "production_key_mode",
      "gate.key_mode must be prod for production readiness",
    ],
    [
      "policy: .gait.yaml",
      "policy: ''",
      "production_context_strictness",
      "gate.policy must be set for strict context enforcement",
    ],
    [
      "profile: oss-prod",
      "profile: standard",
      "production_context_strictness",
      "strict context enforcement requires gate.profile=oss-prod",
    ],
  ];
  for (const [from, to, name, message] of cases) {
    await withTempDir(async (dir) => {
      const config = PROD_CONFIG.replace(from, to);
      assert.notEqual(config, PROD_CONFIG);
      const { r, json } = await doctor(await prodWorkspace(dir, config), dir);
      assert.equal(r.code, 2, to);
      const c = check(json!, name);
      assert.equal(c.status, "fail", to);
      assert.equal(c.message, message);
    });
  }
  // IPv6 loopback and a non-loopback listener with token auth pass.
  for (const listen of ["'[::1]:8787'", "0.0.0.0:8787"]) {
    await withTempDir(async (dir) => {
      const { r } = await doctor(
        await prodWorkspace(dir, PROD_CONFIG.replace("127.0.0.1:8787", listen)),
        dir,
      );
      assert.equal(r.code, 0, listen);
    });
  }
});

Deno.test("doctor: flags are not reordered (a positional ends parsing), --explain prints the sentence", async () => {
  await withTempDir(async (dir) => {
    const r = await runGait(["doctor", "extra", "--json"], { cwd: dir });
    assert.equal(r.code, 6);
    const explain = await runGait(["doctor", "--explain"], { cwd: dir });
    assert.equal(explain.code, 0);
    assert.equal(
      explain.stdout,
      "Diagnose local environment and onboarding issues for Gait workflows and return stable fix suggestions.\n",
    );
    const help = await runGait(["doctor", "--help"], { cwd: dir });
    assert.equal(help.code, 0);
    assert.match(help.stdout, /--production-readiness/);
  });
});
