/**
 * The CI kit (spec 04 §4): the composite action's and the reusable
 * workflow's interface, pinned actions, and the action's real scripts run
 * with bash against the real CLI (install from a local mirror, regress,
 * summary, exit contract, no shell injection through `args`).
 */

import assert from "node:assert/strict";
import { parse } from "yaml";
import { gaitCommandArgs, REPO_ROOT, runGait, withTempDir } from "../helpers/cli.ts";

interface Step {
  id?: string;
  name?: string;
  uses?: string;
  run?: string;
  env?: Record<string, string>;
}

interface ActionDoc {
  inputs: Record<string, { default?: string }>;
  outputs: Record<string, { value: string }>;
  runs: { using: string; steps: Step[] };
}

const ACTION = parse(
  await Deno.readTextFile(`${REPO_ROOT}/.github/actions/gait-regress/action.yml`),
) as ActionDoc;

const WORKFLOW = parse(
  await Deno.readTextFile(`${REPO_ROOT}/.github/workflows/adoption-regress-template.yml`),
) as {
  on: Record<
    string,
    { inputs?: Record<string, { default?: string }>; outputs?: Record<string, unknown> }
  >;
  jobs: Record<string, { steps: Step[] }>;
};

const TOOLS = ["bash", "curl", "tar", "sha256sum", "python3", "xargs"];

async function missingTools(): Promise<string[]> {
  const missing: string[] = [];
  for (const tool of TOOLS) {
    const out = await new Deno.Command("bash", {
      args: ["-c", `command -v ${tool}`],
      stdout: "null",
    })
      .output();
    if (!out.success) missing.push(tool);
  }
  return missing;
}

const MISSING = await missingTools();
const SKIP = MISSING.length > 0 && Deno.env.get("CI") !== "true";
if (SKIP) {
  console.error(
    `\n!!! SKIPPING CI-kit script tests: missing ${MISSING.join(", ")} (they run in CI)\n`,
  );
}

function step(id: string): Step {
  const found = ACTION.runs.steps.find((s) => s.id === id);
  assert.ok(found, `action step ${id}`);
  return found;
}

/** Runs one of the action's `run:` scripts with bash, as the runner would. */
async function runStep(
  script: string,
  cwd: string,
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string; outputs: Record<string, string> }> {
  const outputFile = `${cwd}/.github_output`;
  await Deno.writeTextFile(outputFile, "");
  const out = await new Deno.Command("bash", {
    // How GitHub runs `shell: bash`.
    args: ["--noprofile", "--norc", "-eo", "pipefail", "-c", script],
    cwd,
    env: { ...env, GITHUB_OUTPUT: outputFile, GITHUB_STEP_SUMMARY: `${cwd}/.step_summary` },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const outputs: Record<string, string> = {};
  for (const line of (await Deno.readTextFile(outputFile)).split("\n")) {
    const eq = line.indexOf("=");
    if (eq > 0) outputs[line.slice(0, eq)] = line.slice(eq + 1);
  }
  const dec = new TextDecoder();
  return {
    code: out.code,
    stdout: dec.decode(out.stdout),
    stderr: dec.decode(out.stderr),
    outputs,
  };
}

/** A `gait` executable that runs this checkout with the shipped permissions. */
async function gaitWrapper(dir: string): Promise<string> {
  const path = `${dir}/gait-bin`;
  const quoted = [Deno.execPath(), ...gaitCommandArgs([])].map((a) => `'${a}'`).join(" ");
  await Deno.writeTextFile(path, `#!/bin/sh\nexec ${quoted} "$@"\n`);
  await Deno.chmod(path, 0o755);
  return path;
}

function summary(text: string): Record<string, string> {
  return Object.fromEntries(
    text.trim().split("\n").map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
  );
}

Deno.test("action: inputs, defaults and outputs of spec 04 §4.1", () => {
  assert.equal(ACTION.runs.using, "composite");
  const defaults = Object.fromEntries(
    Object.entries(ACTION.inputs).map(([k, v]) => [k, v.default]),
  );
  assert.deepEqual(
    {
      version: defaults.version,
      workdir: defaults.workdir,
      command: defaults.command,
      args: defaults.args,
      upload_artifacts: defaults.upload_artifacts,
      artifact_name: defaults.artifact_name,
    },
    {
      version: "latest",
      workdir: ".",
      command: "regress",
      args: "",
      upload_artifacts: "true",
      artifact_name: "gait-artifacts",
    },
  );
  assert.deepEqual(Object.keys(ACTION.outputs).sort(), [
    "artifact_path",
    "exit_code",
    "summary_path",
  ]);
});

Deno.test("workflow: triggers, inputs and outputs of spec 04 §4.2", () => {
  assert.ok("workflow_dispatch" in WORKFLOW.on);
  const call = WORKFLOW.on.workflow_call!;
  assert.equal(call.inputs!.fixture_runpack_path!.default, "fixtures/run_demo/runpack.zip");
  assert.equal(call.inputs!.config_path!.default, "gait.yaml");
  assert.equal(call.inputs!.source_run!.default, "run_demo");
  assert.deepEqual(Object.keys(call.outputs!).sort(), [
    "artifact_root",
    "next_command",
    "regress_exit_code",
    "regress_status",
    "top_failure_reason",
  ]);
});

Deno.test("CI kit: every third-party action is pinned by an exact version tag", () => {
  const uses = [
    ...ACTION.runs.steps,
    ...Object.values(WORKFLOW.jobs).flatMap((j) => j.steps),
  ].flatMap((s) => (s.uses ? [s.uses] : []));
  assert.ok(uses.length >= 3);
  for (const u of uses) assert.match(u, /^[\w.-]+\/[\w.-]+@v\d+\.\d+\.\d+$/, u);
});

Deno.test("CI kit: inputs reach scripts through env, never interpolated into run blocks", () => {
  const scripts = [
    ...ACTION.runs.steps,
    ...Object.values(WORKFLOW.jobs).flatMap((j) => j.steps),
  ].flatMap((s) => (s.run ? [s.run] : []));
  for (const script of scripts) assert.ok(!script.includes("${{"), script.slice(0, 80));
});

Deno.test({
  name: "action run step: pass then forced drift — exit_code 0/5, summary.txt, JUnit",
  ignore: SKIP,
  fn: async () => {
    await withTempDir(async (dir) => {
      const gait = await gaitWrapper(dir);
      assert.equal((await runGait(["demo"], { cwd: dir })).code, 0);
      assert.equal(
        (await runGait(["regress", "init", "--from", "run_demo"], { cwd: dir })).code,
        0,
      );
      const env = {
        GAIT_BIN: gait,
        GAIT_COMMAND: "regress",
        GAIT_ARGS: "",
        PATH: Deno.env.get("PATH")!,
      };
      const pass = await runStep(step("run").run!, dir, env);
      assert.equal(pass.code, 0, pass.stderr);
      assert.equal(pass.outputs.exit_code, "0");
      assert.equal(pass.outputs.artifact_path, `${dir}/gait-ci`);
      const s = summary(await Deno.readTextFile(`${dir}/gait-ci/summary.txt`));
      assert.equal(s.command, "regress");
      assert.equal(s.status, "pass");
      assert.match(
        s.ticket_footer!,
        /^GAIT run_id=run_demo manifest=sha256:[a-f0-9]{64} verify="gait verify run_demo"$/,
      );
      for (const f of ["junit.xml", "regress_core_result.json", "regress_result.json"]) {
        assert.ok((await Deno.stat(`${dir}/gait-ci/${f}`)).isFile, f);
      }
      assert.match(await Deno.readTextFile(`${dir}/.step_summary`), /status=pass/);

      const meta = JSON.parse(await Deno.readTextFile(`${dir}/fixtures/run_demo/fixture.json`));
      meta.expected_tool_sequence = ["tool.other"];
      await Deno.writeTextFile(`${dir}/fixtures/run_demo/fixture.json`, JSON.stringify(meta));
      const fail = await runStep(step("run").run!, dir, {
        ...env,
        GAIT_ARGS: `--config "gait.yaml"`,
      });
      assert.equal(fail.outputs.exit_code, "5", fail.stdout + fail.stderr);
      const f = summary(await Deno.readTextFile(`${dir}/gait-ci/summary.txt`));
      assert.equal(f.status, "fail");
      assert.equal(f.failed_graders, "1");
      assert.equal(f.top_failure_reason, "unexpected_tool_sequence");
      assert.equal(f.next_command, "gait regress run --json");
      for (const line of (await Deno.readTextFile(`${dir}/gait-ci/summary.txt`)).split("\n")) {
        assert.ok(line.length <= 180 + "ticket_footer=".length, line);
      }
    });
  },
});

Deno.test({
  name: "action run step: args are split like a shell but never executed",
  ignore: SKIP,
  fn: async () => {
    await withTempDir(async (dir) => {
      const gait = await gaitWrapper(dir);
      const r = await runStep(step("run").run!, dir, {
        GAIT_BIN: gait,
        GAIT_COMMAND: "regress",
        GAIT_ARGS: `$(touch pwned) "a b"; touch pwned2`,
        PATH: Deno.env.get("PATH")!,
      });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.outputs.exit_code, "6");
      for (const f of ["pwned", "pwned2"]) {
        await assert.rejects(() => Deno.stat(`${dir}/${f}`), Deno.errors.NotFound);
      }
      const bad = await runStep(step("run").run!, dir, {
        GAIT_BIN: gait,
        GAIT_COMMAND: "deploy",
        GAIT_ARGS: "",
        PATH: Deno.env.get("PATH")!,
      });
      assert.equal(bad.outputs.exit_code, "6");
    });
  },
});

Deno.test({
  name: "action install step: checksum-verified install from a release mirror; mismatch exits 2",
  ignore: SKIP,
  fn: async () => {
    await withTempDir(async (dir) => {
      const arch = Deno.build.arch === "aarch64" ? "arm64" : "amd64";
      const os = Deno.build.os === "darwin" ? "darwin" : "linux";
      const asset = `gait_1.2.3_${os}_${arch}.tar.gz`;
      await Deno.mkdir(`${dir}/pkg`);
      await Deno.writeTextFile(`${dir}/pkg/gait`, "#!/bin/sh\necho gait 1.2.3\n");
      await Deno.mkdir(`${dir}/mirror`);
      const tar = await new Deno.Command("tar", {
        args: ["-czf", `${dir}/mirror/${asset}`, "-C", `${dir}/pkg`, "gait"],
      }).output();
      assert.ok(tar.success);
      const sum = await new Deno.Command("sha256sum", {
        args: [asset],
        cwd: `${dir}/mirror`,
        stdout: "piped",
      })
        .output();
      const line = new TextDecoder().decode(sum.stdout).trim();
      await Deno.writeTextFile(
        `${dir}/mirror/checksums.txt`,
        `${"0".repeat(64)}  gait_1.2.3_windows_amd64.zip\n${line}\n`,
      );
      const runner = `${dir}/runner`;
      await Deno.mkdir(runner);
      const env = {
        GAIT_VERSION: "v1.2.3",
        GAIT_REPOSITORY: "example/gait",
        GAIT_ACTION_PATH: `${dir}/action`,
        GAIT_RELEASE_BASE_URL: `file://${dir}/mirror`,
        RUNNER_TEMP: runner,
        PATH: Deno.env.get("PATH")!,
      };
      const ok = await runStep(step("install").run!, dir, env);
      assert.equal(ok.code, 0, ok.stdout + ok.stderr);
      assert.equal(ok.outputs.bin, `${runner}/gait-bin/gait`);
      assert.match(ok.stdout, /gait 1\.2\.3/);
      assert.equal((await Deno.stat(ok.outputs.bin!)).mode! & 0o777, 0o755);

      await Deno.writeTextFile(`${dir}/mirror/checksums.txt`, `${"f".repeat(64)}  ${asset}\n`);
      const bad = await runStep(step("install").run!, dir, env);
      assert.equal(bad.code, 2, bad.stdout + bad.stderr);
      assert.match(bad.stdout, /checksum mismatch/);

      await Deno.writeTextFile(`${dir}/mirror/checksums.txt`, `${"f".repeat(64)}  other.tar.gz\n`);
      const none = await runStep(step("install").run!, dir, env);
      assert.equal(none.code, 2);
    });
  },
});

function workflowStep(name: string): Step {
  const found = Object.values(WORKFLOW.jobs).flatMap((j) => j.steps).find((s) => s.name === name);
  assert.ok(found?.run, `workflow step ${name}`);
  return found;
}

Deno.test({
  name: "workflow steps: an empty repository falls back to the demo, passes, verifies, exits 0",
  ignore: SKIP,
  fn: async () => {
    await withTempDir(async (dir) => {
      const env = {
        GAIT: await gaitWrapper(dir),
        ARTIFACT_ROOT: "gait-out/adoption_regress",
        FIXTURE_RUNPACK: "fixtures/run_demo/runpack.zip",
        CONFIG_PATH: "gait.yaml",
        SOURCE_RUN: "run_demo",
        PATH: Deno.env.get("PATH")!,
      };
      const ensure = await runStep(
        workflowStep("Ensure a fixture (fallback to the offline demo)").run!,
        dir,
        env,
      );
      assert.equal(ensure.code, 0, ensure.stderr);
      const init = JSON.parse(
        await Deno.readTextFile(`${dir}/gait-out/adoption_regress/regress_init_result.json`),
      );
      assert.equal(init.fixture_name, "run_demo");
      const regress = await runStep(workflowStep("gait regress run").run!, dir, env);
      assert.equal(regress.code, 0, regress.stderr);
      assert.deepEqual(
        { exit: regress.outputs.exit_code, status: regress.outputs.status },
        { exit: "0", status: "pass" },
      );
      const verify = await runStep(workflowStep("Verify the fixture runpack").run!, dir, env);
      assert.equal(verify.code, 0, verify.stderr);
      for (const f of ["regress_result.json", "junit.xml", "pack_verify_fixture.json"]) {
        assert.ok((await Deno.stat(`${dir}/gait-out/adoption_regress/${f}`)).isFile, f);
      }
      const exit = workflowStep("Exit contract (0 pass, 5 regression, 1 otherwise)").run!;
      for (const [code, expected] of [["0", 0], ["5", 5], ["6", 1], ["", 1]] as const) {
        const r = await runStep(exit, dir, { ...env, EXIT_CODE: code });
        assert.equal(r.code, expected, `exit ${code}`);
      }
      const meta = JSON.parse(await Deno.readTextFile(`${dir}/fixtures/run_demo/fixture.json`));
      meta.expected_replay_exit_code = 2;
      await Deno.writeTextFile(`${dir}/fixtures/run_demo/fixture.json`, JSON.stringify(meta));
      const drift = await runStep(workflowStep("gait regress run").run!, dir, env);
      assert.equal(drift.code, 0, drift.stderr);
      assert.equal(drift.outputs.exit_code, "5");
      assert.equal(drift.outputs.top_failure_reason, "unexpected_exit_code");
      await Deno.writeTextFile(`${dir}/gait.yaml`, "not json");
      const broken = await runStep(workflowStep("gait regress run").run!, dir, env);
      assert.equal(broken.code, 1, "exits other than 0 and 5 abort the workflow");
      assert.equal(broken.outputs.exit_code, "6");
    });
  },
});
