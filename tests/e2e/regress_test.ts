/**
 * `gait regress init|add|bootstrap|run` end to end (spec 03 §4): the README
 * quickstart, a forced drift that fails CI with exit 5 and a JUnit failure,
 * and every load error failing closed with exit 6 and nothing written.
 */

import assert from "node:assert/strict";
import { buildDeterministicZip } from "../../src/archive/mod.ts";
import { pathExists } from "../../src/fs/atomic.ts";
import { buildRunpack } from "../../src/runpack/write.ts";
import { type GaitResult, runGait, withTempDir } from "../helpers/cli.ts";
import { rawZip } from "../helpers/raw_zip.ts";
import { assertMatchesSchema } from "../helpers/schema.ts";
import { assertValidJunit, parseJunit } from "../regress/_junit.ts";
import { testRun, writeTestChain, writeTestRunpack } from "../regress/_runpacks.ts";

function show(r: GaitResult): string {
  return `exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`;
}

async function gait(dir: string, args: string[], code: number): Promise<GaitResult> {
  const r = await runGait(args, { cwd: dir });
  assert.equal(r.code, code, `gait ${args.join(" ")}\n${show(r)}`);
  assert.ok(!/\n\s+at /.test(r.stderr + r.stdout), `stack trace leaked:\n${show(r)}`);
  return r;
}

async function bootstrapDemo(dir: string): Promise<void> {
  await gait(dir, ["demo"], 0);
  await gait(dir, [
    "regress",
    "bootstrap",
    "--from",
    "run_demo",
    "--json",
    "--junit",
    "./gait-out/junit.xml",
  ], 0);
}

/** A snapshot of every file under a directory (path → bytes), to prove nothing changed. */
async function snapshot(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  async function walk(path: string): Promise<void> {
    for await (const e of Deno.readDir(path)) {
      const p = `${path}/${e.name}`;
      if (e.isDirectory) await walk(p);
      else out.set(p.slice(dir.length), new TextDecoder().decode(await Deno.readFile(p)));
    }
  }
  await walk(dir);
  return out;
}

const CANDIDATE_INPUT = {
  run: {
    run_id: "run_candidate",
    created_at: "2026-02-06T00:00:00Z",
    env: { os: "linux", arch: "amd64", runtime: "go" },
    timeline: [],
  },
  intents: [
    {
      intent_id: "intent_1",
      tool_name: "tool.search",
      args: { query: "gait demo: offline verification" },
    },
    {
      intent_id: "intent_2",
      tool_name: "tool.delete_records",
      args: { url: "https://example.local/demo" },
    },
    { intent_id: "intent_3", tool_name: "tool.summarize", args: { input_ref: "ref_1" } },
  ],
  results: [1, 2, 3].map((i) => ({ intent_id: `intent_${i}`, status: "ok", result: { ok: true } })),
};

Deno.test("quickstart: demo, verify, bootstrap with JUnit, regress run — each exits 0", async () => {
  await withTempDir(async (dir) => {
    await gait(dir, ["demo"], 0);
    await gait(dir, ["verify", "run_demo"], 0);
    const boot = await gait(
      dir,
      ["regress", "bootstrap", "--from", "run_demo", "--json", "--junit", "./gait-out/junit.xml"],
      0,
    );
    const b = boot.json();
    assert.deepEqual(
      Object.fromEntries(
        [
          "ok",
          "status",
          "run_id",
          "fixture_name",
          "fixture_dir",
          "runpack_path",
          "config_path",
          "graders",
          "output",
          "junit",
        ]
          .map((k) => [k, b[k]]),
      ),
      {
        ok: true,
        status: "pass",
        run_id: "run_demo",
        fixture_name: "run_demo",
        fixture_dir: "fixtures/run_demo",
        runpack_path: "fixtures/run_demo/runpack.zip",
        config_path: "gait.yaml",
        graders: 4,
        output: "regress_result.json",
        junit: "./gait-out/junit.xml",
      },
    );
    assert.deepEqual(b.artifact_paths, ["regress_result.json", "./gait-out/junit.xml"]);
    assert.equal(b.failed, undefined);
    assert.equal(b.top_failure_reason, undefined);
    const run = await gait(dir, ["regress", "run"], 0);
    assert.equal(
      run.stdout,
      "regress run ok: fixture_set=default graders=4\noutput: regress_result.json\n",
    );

    assert.deepEqual(
      await Deno.readFile(`${dir}/fixtures/run_demo/runpack.zip`),
      await Deno.readFile(`${dir}/gait-out/runpack_run_demo.zip`),
    );
    const result = JSON.parse(await Deno.readTextFile(`${dir}/regress_result.json`));
    await assertMatchesSchema("regress/regress_result", result);
    assert.deepEqual(result.graders.map((g: { name: string }) => g.name), [
      "run_demo/diff",
      "run_demo/expected_exit_code",
      "run_demo/schema_validation",
      "run_demo/trajectory",
    ]);
    assert.equal(result.created_at, "2026-02-05T00:00:00Z");
    await assertMatchesSchema(
      "regress/config",
      JSON.parse(await Deno.readTextFile(`${dir}/gait.yaml`)),
    );
    const fixture = JSON.parse(await Deno.readTextFile(`${dir}/fixtures/run_demo/fixture.json`));
    await assertMatchesSchema("regress/fixture", fixture);
    assert.deepEqual(fixture.expected_tool_sequence, [
      "tool.search",
      "tool.fetch",
      "tool.summarize",
    ]);
    assert.deepEqual(fixture.expected_verdict_sequence, ["allow", "allow", "allow"]);
    for (
      const f of [
        "gait.yaml",
        "regress_result.json",
        "fixtures/run_demo/fixture.json",
        "gait-out/junit.xml",
      ]
    ) {
      assert.equal((await Deno.stat(`${dir}/${f}`)).mode! & 0o777, 0o600, f);
    }
    assert.equal((await Deno.stat(`${dir}/fixtures/run_demo`)).mode! & 0o777, 0o750);
    const junit = await Deno.readTextFile(`${dir}/gait-out/junit.xml`);
    await assertValidJunit(junit);
    const parsed = await parseJunit(junit);
    assert.equal(parsed.tests, 4);
    assert.equal(parsed.failures, 0);
  });
});

Deno.test("forced drift: a candidate with a changed tool fails regress run with exit 5 and a JUnit failure", async () => {
  await withTempDir(async (dir) => {
    await bootstrapDemo(dir);
    await Deno.writeTextFile(`${dir}/candidate.json`, JSON.stringify(CANDIDATE_INPUT));
    await gait(dir, ["run", "record", "--input", "candidate.json", "--out-dir", "candidates"], 0);
    const metaPath = `${dir}/fixtures/run_demo/fixture.json`;
    const meta = JSON.parse(await Deno.readTextFile(metaPath));
    meta.candidate_runpack = "../../candidates/runpack_run_candidate.zip";
    await Deno.writeTextFile(metaPath, JSON.stringify(meta, null, 2));

    const r = await gait(dir, ["regress", "run", "--junit", "gait-out/junit.xml", "--json"], 5);
    const j = r.json();
    assert.equal(j.ok, false);
    assert.equal(j.status, "fail");
    assert.equal(j.failed, 2);
    assert.equal(j.graders, 4);
    assert.equal(j.top_failure_reason, "unexpected_diff");
    assert.equal(j.next_command, "gait regress run --json");
    assert.deepEqual(j.artifact_paths, ["regress_result.json", "gait-out/junit.xml"]);
    for (const k of ["error", "error_code", "error_category", "hint"]) {
      assert.equal(j[k], undefined, k);
    }

    const junit = await Deno.readTextFile(`${dir}/gait-out/junit.xml`);
    await assertValidJunit(junit);
    const parsed = await parseJunit(junit);
    assert.equal(parsed.failures, 2);
    const cases = parsed.testsuite![0]!.testcase!;
    const trajectory = cases.find((c) => c.name === "trajectory")!;
    assert.equal(trajectory.classname, "run_demo");
    assert.equal(trajectory.failure![0]!.message, "unexpected_tool_sequence");
    assert.equal(cases.find((c) => c.name === "diff")!.failure![0]!.message, "unexpected_diff");

    const result = JSON.parse(await Deno.readTextFile(`${dir}/regress_result.json`));
    await assertMatchesSchema("regress/regress_result", result);
    const t = result.graders.find((g: { name: string }) => g.name === "run_demo/trajectory");
    assert.equal(t.details.tool_sequence_expected_at_mismatch, "tool.fetch");
    assert.equal(t.details.tool_sequence_actual_at_mismatch, "tool.delete_records");

    const text = await gait(dir, ["regress", "run"], 5);
    assert.equal(
      text.stdout,
      [
        "regress run failed: fixture_set=default failed=2",
        "top_failure_reason: unexpected_diff",
        "next: gait regress run --json",
        "artifacts: regress_result.json",
        "output: regress_result.json",
        "",
      ].join("\n"),
    );

    meta.diff_allow_changed_files = ["intents.jsonl", "results.jsonl", "refs.json"];
    meta.expected_tool_sequence = ["tool.search", "tool.delete_records", "tool.summarize"];
    await Deno.writeTextFile(metaPath, JSON.stringify(meta, null, 2));
    await gait(dir, ["regress", "run"], 0);
  });
});

Deno.test("regress run --context-conformance adds the grader; a run without context evidence fails", async () => {
  await withTempDir(async (dir) => {
    await bootstrapDemo(dir);
    const r = await gait(dir, ["regress", "run", "--context-conformance", "--json"], 5);
    assert.equal(r.json().graders, 5);
    assert.equal(r.json().top_failure_reason, "context_evidence_missing");
    const result = JSON.parse(await Deno.readTextFile(`${dir}/regress_result.json`));
    const g = result.graders[0];
    assert.equal(g.name, "run_demo/context_conformance");
    assert.equal(g.context_conformance, "missing");
    await gait(dir, ["regress", "run", "--allow-nondeterministic"], 0);
  });
});

Deno.test("regress run: a custom --config and --output, and the next command that names it", async () => {
  await withTempDir(async (dir) => {
    await bootstrapDemo(dir);
    await Deno.copyFile(`${dir}/gait.yaml`, `${dir}/ci.json`);
    const meta = JSON.parse(await Deno.readTextFile(`${dir}/fixtures/run_demo/fixture.json`));
    meta.expected_replay_exit_code = 2;
    await Deno.writeTextFile(`${dir}/fixtures/run_demo/fixture.json`, JSON.stringify(meta));
    const r = await gait(dir, [
      "regress",
      "run",
      "--config",
      "ci.json",
      "--output",
      "out/r.json",
      "--json",
    ], 5);
    assert.equal(r.json().top_failure_reason, "unexpected_exit_code");
    assert.equal(r.json().next_command, "gait regress run --config ci.json --json");
    assert.ok(await pathExists(`${dir}/out/r.json`));
    const config = await Deno.readTextFile(`${dir}/ci.json`);
    for (
      const args of [["--output", "./ci.json"], ["--junit", "ci.json"], [
        "--output",
        "x.xml",
        "--junit",
        "x.xml",
      ]]
    ) {
      const clash = await gait(
        dir,
        ["regress", "run", "--config", "ci.json", ...args, "--json"],
        6,
      );
      assert.equal(clash.json().error, "--config, --output and --junit must name different files");
    }
    assert.equal(await Deno.readTextFile(`${dir}/ci.json`), config);
  });
});

Deno.test("regress run load errors exit 6 and write nothing", async () => {
  await withTempDir(async (dir) => {
    await bootstrapDemo(dir);
    await Deno.remove(`${dir}/regress_result.json`);
    await Deno.remove(`${dir}/gait-out/junit.xml`);
    const yaml = await Deno.readTextFile(`${dir}/gait.yaml`);
    const metaPath = `${dir}/fixtures/run_demo/fixture.json`;
    const meta = await Deno.readTextFile(metaPath);
    const runpack = await Deno.readFile(`${dir}/fixtures/run_demo/runpack.zip`);
    const restore = async () => {
      await Deno.writeTextFile(`${dir}/gait.yaml`, yaml);
      await Deno.writeTextFile(metaPath, meta);
      await Deno.writeFile(`${dir}/fixtures/run_demo/runpack.zip`, runpack);
    };
    const built = await buildRunpack(testRun({ runId: "run_demo" }));
    const tamperedZip = rawZip(
      [...built.entries].map(([name, data]) => ({
        name,
        data: name === "results.jsonl" ? new TextEncoder().encode("") : data,
      })),
    );
    const cases: [string, () => Promise<void>, RegExp][] = [
      ["missing config", () => Deno.remove(`${dir}/gait.yaml`), /gait\.yaml/],
      [
        "YAML config",
        () => Deno.writeTextFile(`${dir}/gait.yaml`, "fixtures:\n  - name: x\n"),
        /gait\.yaml/,
      ],
      [
        "no fixtures",
        () => Deno.writeTextFile(`${dir}/gait.yaml`, '{"fixtures":[]}'),
        /^no fixtures configured$/,
      ],
      [
        "unknown config field",
        () => Deno.writeTextFile(`${dir}/gait.yaml`, yaml.replace('"fixture_set"', '"fixtureset"')),
        /unknown field/,
      ],
      [
        "duplicate key",
        () => Deno.writeTextFile(`${dir}/gait.yaml`, yaml.replace("{", '{"fixture_set":"x",')),
        /duplicate/,
      ],
      [
        "tampered runpack",
        () => Deno.writeFile(`${dir}/fixtures/run_demo/runpack.zip`, tamperedZip),
        /fixture run_demo runpack failed integrity checks/,
      ],
      [
        "truncated runpack",
        () => Deno.writeFile(`${dir}/fixtures/run_demo/runpack.zip`, runpack.slice(0, 100)),
        /runpack/,
      ],
      [
        "missing runpack",
        () => Deno.remove(`${dir}/fixtures/run_demo/runpack.zip`),
        /runpack not found/,
      ],
      [
        "name mismatch",
        () => Deno.writeTextFile(metaPath, meta.replace('"name": "run_demo"', '"name": "other"')),
        /names fixture "other"/,
      ],
      [
        "run id mismatch",
        () =>
          Deno.writeTextFile(
            metaPath,
            meta.replaceAll('"run_id": "run_demo"', '"run_id": "run_other"'),
          ),
        /does not match/,
      ],
      [
        "fixture unknown field",
        () =>
          Deno.writeTextFile(
            metaPath,
            meta.replace('"runpack"', '"expected_tool_sequnce": [], "runpack"'),
          ),
        /unknown field "expected_tool_sequnce"/,
      ],
      ["fixture not JSON", () => Deno.writeTextFile(metaPath, "name: run_demo"), /fixture\.json/],
    ];
    for (const [label, mutate, message] of cases) {
      await mutate();
      const before = await snapshot(dir);
      const r = await runGait(["regress", "run", "--junit", "gait-out/junit.xml", "--json"], {
        cwd: dir,
      });
      assert.equal(r.code, 6, `${label}: ${show(r)}`);
      const j = r.json();
      assert.match(String(j.error), message, label);
      assert.equal(j.error_code, "invalid_input", label);
      assert.deepEqual(await snapshot(dir), before, `${label}: files changed`);
      assert.equal(await pathExists(`${dir}/regress_result.json`), false, label);
      await restore();
    }
    await gait(dir, ["regress", "run"], 0);
  });
});

Deno.test("regress subcommands are not reordered: a stray positional ends the flags", async () => {
  await withTempDir(async (dir) => {
    await bootstrapDemo(dir);
    const r = await gait(dir, ["regress", "run", "extra", "--json"], 6);
    assert.match(r.stderr, /unexpected positional arguments: extra --json/);
    const init = await gait(dir, ["regress", "init", "run_demo", "--name", "x"], 6);
    assert.match(init.stderr, /unexpected positional arguments/);
  });
});

Deno.test("regress init: JSON and text fields; --name; re-init overwrites; config regenerated sorted", async () => {
  await withTempDir(async (dir) => {
    await gait(dir, ["demo"], 0);
    const r = await gait(dir, ["regress", "init", "--from", "run_demo", "--json"], 0);
    const j = r.json();
    assert.deepEqual(
      { ...j, correlation_id: undefined },
      {
        ok: true,
        run_id: "run_demo",
        fixture_name: "run_demo",
        fixture_dir: "fixtures/run_demo",
        runpack_path: "fixtures/run_demo/runpack.zip",
        config_path: "gait.yaml",
        next_commands: ["gait regress run --json"],
        correlation_id: undefined,
      },
    );
    const text = await gait(dir, ["regress", "init", "--from", "run_demo", "--name", "a.first"], 0);
    assert.equal(
      text.stdout,
      "regress init ok: fixture=a.first run_id=run_demo\nconfig: gait.yaml\n" +
        "runpack: fixtures/a.first/runpack.zip\nnext: gait regress run --json\n",
    );
    const config = JSON.parse(await Deno.readTextFile(`${dir}/gait.yaml`));
    assert.deepEqual(config.fixtures.map((f: { name: string }) => f.name), ["a.first", "run_demo"]);
    await Deno.writeTextFile(`${dir}/fixtures/run_demo/fixture.json`, "{broken");
    await gait(dir, ["regress", "init", "--from", "run_demo"], 0);
    JSON.parse(await Deno.readTextFile(`${dir}/fixtures/run_demo/fixture.json`));
    const run = await gait(dir, ["regress", "run", "--json"], 0);
    assert.equal(run.json().graders, 8);
    const bad = await gait(dir, [
      "regress",
      "init",
      "--from",
      "run_demo",
      "--name",
      "Bad/Name",
      "--json",
    ], 6);
    assert.equal(bad.json().error, "invalid fixture name: Bad/Name");
  });
});

Deno.test("regress init fails closed: tampered sources, orphan runpacks and bad configs change nothing", async () => {
  await withTempDir(async (dir) => {
    const built = await buildRunpack(testRun({ runId: "run_x" }));
    await Deno.writeFile(
      `${dir}/tampered.zip`,
      rawZip([...built.entries].map(([name, data]) => ({
        name,
        data: name === "run.json" ? new TextEncoder().encode("{}") : data,
      }))),
    );
    const t = await gait(dir, ["regress", "init", "--from", "tampered.zip", "--json"], 6);
    assert.match(
      String(t.json().error),
      /^source runpack failed integrity checks: hash mismatch: run\.json/,
    );
    assert.equal(await pathExists(`${dir}/fixtures`), false);
    assert.equal(await pathExists(`${dir}/gait.yaml`), false);

    await writeTestRunpack(`${dir}/good.zip`, testRun({ runId: "run_x" }));
    await Deno.mkdir(`${dir}/fixtures/orphan`, { recursive: true });
    await Deno.writeFile(`${dir}/fixtures/orphan/runpack.zip`, built.zip);
    const orphan = await gait(dir, ["regress", "init", "--from", "good.zip", "--json"], 6);
    assert.equal(orphan.json().error, "fixture metadata missing for orphan");
    assert.equal(await pathExists(`${dir}/fixtures/run_x`), false);
    await Deno.remove(`${dir}/fixtures/orphan`, { recursive: true });

    await Deno.writeTextFile(`${dir}/gait.yaml`, "fixtures: []");
    const cfg = await gait(dir, ["regress", "init", "--from", "good.zip"], 6);
    assert.match(cfg.stderr, /gait\.yaml/);
    assert.equal(await Deno.readTextFile(`${dir}/gait.yaml`), "fixtures: []");
    assert.equal(await pathExists(`${dir}/fixtures/run_x`), false);
    await gait(dir, ["regress", "init", "--from", "missing.zip"], 6);
    await gait(dir, ["regress", "init"], 6);
  });
});

Deno.test("regress init unwraps a PackSpec run pack's source/runpack.zip", async () => {
  await withTempDir(async (dir) => {
    const built = await buildRunpack(testRun({ runId: "run_packed" }));
    const pack = await buildDeterministicZip([
      {
        path: "pack_manifest.json",
        data: new TextEncoder().encode('{"schema_id":"gait.pack.manifest"}'),
      },
      { path: "source/runpack.zip", data: built.zip },
    ]);
    await Deno.writeFile(`${dir}/pack_run.zip`, pack);
    const r = await gait(dir, ["regress", "init", "--from", "pack_run.zip", "--json"], 0);
    assert.equal(r.json().fixture_name, "run_packed");
    assert.deepEqual(await Deno.readFile(`${dir}/fixtures/run_packed/runpack.zip`), built.zip);
    await gait(dir, ["regress", "run"], 0);
  });
});

Deno.test("regress add: from a capture receipt (runpack only) and from a session chain checkpoint", async () => {
  await withTempDir(async (dir) => {
    await gait(dir, ["demo"], 0);
    await gait(dir, ["capture", "--from", "run_demo"], 0);
    const r = await gait(dir, ["regress", "add", "--from", "gait-out/capture.json", "--json"], 0);
    assert.equal(r.json().source, "gait-out/capture.json");
    assert.equal(r.json().fixture_name, "run_demo");
    const text = await gait(dir, [
      "regress",
      "add",
      "--from",
      "gait-out/capture.json",
      "--name",
      "copy",
    ], 0);
    assert.ok(text.stdout.startsWith("regress add ok: fixture=copy run_id=run_demo\n"));
    const init = await gait(dir, ["regress", "init", "--from", "gait-out/capture.json"], 6);
    assert.match(init.stderr, /capture receipt; use gait regress add/);

    await Deno.writeTextFile(
      `${dir}/trace.json`,
      JSON.stringify({ schema_id: "gait.gate.trace", trace_id: "abc", run_id: "run_t" }),
    );
    await gait(dir, ["capture", "--from", "trace.json", "--out", "trace_capture.json"], 0);
    const trace = await gait(dir, ["regress", "add", "--from", "trace_capture.json", "--json"], 6);
    assert.equal(trace.json().error, "capture receipt artifact_type must be runpack (got trace)");

    const cp = await buildRunpack(testRun({ runId: "run_sess_cp_0001" }));
    await Deno.writeFile(`${dir}/cp1.zip`, cp.zip);
    await writeTestChain(`${dir}/chain.json`, [{
      runpackPath: "cp1.zip",
      manifestDigest: cp.manifest.manifest_digest,
    }]);
    const chain = await gait(dir, [
      "regress",
      "init",
      "--from",
      "chain.json",
      "--checkpoint",
      "latest",
      "--json",
    ], 0);
    assert.equal(chain.json().fixture_name, "run_sess_cp_0001");
    const meta = JSON.parse(
      await Deno.readTextFile(`${dir}/fixtures/run_sess_cp_0001/fixture.json`),
    );
    assert.equal(meta.session_chain, "chain.json");
    assert.equal(meta.checkpoint_index, 1);
    await gait(dir, ["regress", "run"], 0);
  });
});

Deno.test("regress bootstrap: failing runs report init fields and exit 5; human lines", async () => {
  await withTempDir(async (dir) => {
    await writeTestRunpack(
      `${dir}/r.zip`,
      testRun({ runId: "run_ctx", contextSetDigest: "c".repeat(64) }),
    );
    const ok = await gait(dir, ["regress", "bootstrap", "--from", "r.zip"], 0);
    assert.equal(
      ok.stdout,
      "regress bootstrap ok: run_id=run_ctx fixture=run_ctx\noutput: regress_result.json\n",
    );
    const meta = JSON.parse(await Deno.readTextFile(`${dir}/fixtures/run_ctx/fixture.json`));
    assert.equal(meta.context_conformance, "required");
    assert.equal(meta.expected_context_set_digest, "c".repeat(64));
    const result = JSON.parse(await Deno.readTextFile(`${dir}/regress_result.json`));
    assert.equal(result.graders.length, 5);
    assert.deepEqual(result.graders[0].reason_codes, ["context_conformance_pass"]);

    await writeTestRunpack(
      `${dir}/m.zip`,
      testRun({ runId: "run_missing", calls: [{ tool: "tool.x" }] }),
    );
    const missing = await gait(dir, ["regress", "bootstrap", "--from", "m.zip", "--json"], 0);
    assert.equal(missing.json().status, "pass", "expected_replay_exit_code records the baseline 2");
    const m = JSON.parse(await Deno.readTextFile(`${dir}/fixtures/run_missing/fixture.json`));
    assert.equal(m.expected_replay_exit_code, 2);

    await Deno.writeTextFile(
      `${dir}/ci.json`,
      '{"fixtures":[{"name":"ghost","runpack":"nope.zip"}]}',
    );
    const failed = await gait(dir, [
      "regress",
      "bootstrap",
      "--from",
      "r.zip",
      "--config",
      "ci.json",
      "--json",
    ], 6);
    assert.match(String(failed.json().error), /fixture ghost: runpack not found/);
  });
});
