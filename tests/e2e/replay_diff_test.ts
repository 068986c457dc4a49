/**
 * `gait run replay|diff|receipt|reduce` and `gait capture` through the real
 * CLI with the shipped permissions (spec 03 §3.3–§3.7).
 */

import assert from "node:assert/strict";
import { pathExists } from "../../src/fs/atomic.ts";
import { buildRunpack } from "../../src/runpack/write.ts";
import { type GaitResult, runGait, withTempDir } from "../helpers/cli.ts";
import { rawZip } from "../helpers/raw_zip.ts";
import { assertMatchesSchema } from "../helpers/schema.ts";
import { testRun, writeTestChain, writeTestRunpack } from "../regress/_runpacks.ts";

const DEMO_DIGEST = "436474ad70446539c909ae85bcc156d30197ba68efb8debdaed4f5d2eef2922e";
const UNSAFE_HINT = "pass explicit unsafe flags only for approved replay paths";

function show(r: GaitResult): string {
  return `exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`;
}

function assertNoStack(r: GaitResult): void {
  assert.ok(!/\n\s+at /.test(r.stderr + r.stdout), `stack trace leaked:\n${show(r)}`);
}

async function demo(dir: string): Promise<void> {
  const r = await runGait(["demo"], { cwd: dir });
  assert.equal(r.code, 0, show(r));
}

async function tampered(dir: string): Promise<string> {
  const built = await buildRunpack(testRun());
  const entries = [...built.entries].map(([name, data]) => ({
    name,
    data: name === "intents.jsonl" ? new TextEncoder().encode("{}\n") : data,
  }));
  await Deno.writeFile(`${dir}/tampered.zip`, rawZip(entries));
  return "tampered.zip";
}

Deno.test("replay: the demo replays in stub mode from recorded results, exit 0", async () => {
  await withTempDir(async (dir) => {
    await demo(dir);
    const text = await runGait(["run", "replay", "run_demo"], { cwd: dir });
    assert.equal(text.code, 0, show(text));
    assert.equal(text.stdout, "replay ok: run_demo (stub)\n");
    const r = await runGait(["run", "replay", "run_demo", "--json"], { cwd: dir });
    const j = r.json();
    assert.equal(j.ok, true);
    assert.equal(j.mode, "stub");
    assert.equal(j.run_id, "run_demo");
    assert.equal(j.missing_results, undefined);
    assert.equal(j.requested_unsafe, undefined);
    const steps = j.steps as Record<string, unknown>[];
    assert.deepEqual(steps.map((s) => [s.intent_id, s.tool_name, s.status, s.execution]), [
      ["intent_1", "tool.search", "ok", "recorded"],
      ["intent_2", "tool.fetch", "ok", "recorded"],
      ["intent_3", "tool.summarize", "ok", "recorded"],
    ]);
  });
});

Deno.test("replay: missing results exit 2 and are listed", async () => {
  await withTempDir(async (dir) => {
    await writeTestRunpack(
      `${dir}/r.zip`,
      testRun({ calls: [{ tool: "tool.search" }, { tool: "db.query" }, { tool: "tool.a" }] }),
    );
    const text = await runGait(["run", "replay", "r.zip"], { cwd: dir });
    assert.equal(text.code, 2, show(text));
    assert.equal(text.stdout, "replay failed: run_test\nmissing results: intent_1, intent_3\n");
    const r = await runGait(["run", "replay", "r.zip", "--json"], { cwd: dir });
    assert.equal(r.code, 2);
    const j = r.json();
    assert.equal(j.ok, false);
    assert.deepEqual(j.missing_results, ["intent_1", "intent_3"]);
    assert.equal(j.error, undefined, "a failed replay is data, not an error");
    assert.equal((j.steps as Record<string, unknown>[])[1]!.stub_type, "db");
  });
});

Deno.test("replay: interlocks exit 8 with the unsafe_operation envelope, in order", async () => {
  await withTempDir(async (dir) => {
    await demo(dir);
    const cases: [string[], Record<string, string>, string][] = [
      [["--real-tools"], {}, "real tool execution requires --unsafe-real-tools"],
      [
        ["--real-tools", "--unsafe-real-tools"],
        {},
        "real tool execution requires --allow-tools with explicit tool names",
      ],
      [
        ["--real-tools", "--unsafe-real-tools", "--allow-tools", "tool.echo"],
        { GAIT_ALLOW_REAL_REPLAY: "0" },
        "real tool execution requires GAIT_ALLOW_REAL_REPLAY=1",
      ],
      [
        [
          "--real-tools",
          "--unsafe-real-tools",
          "--allow-tools",
          "tool.echo",
          "--unsafe-real-tools-env",
          "MY_GATE",
        ],
        { GAIT_ALLOW_REAL_REPLAY: "1" },
        "real tool execution requires MY_GATE=1",
      ],
    ];
    for (const [flags, env, message] of cases) {
      const r = await runGait(["run", "replay", "run_demo", ...flags, "--json"], { cwd: dir, env });
      assert.equal(r.code, 8, show(r));
      const j = r.json();
      assert.equal(j.ok, false);
      assert.equal(j.error, message);
      assert.equal(j.error_code, "unsafe_operation");
      assert.equal(j.error_category, "internal_failure");
      assert.equal(j.hint, UNSAFE_HINT);
      assert.equal(j.requested_unsafe, true);
      const text = await runGait(["run", "replay", "run_demo", ...flags], { cwd: dir, env });
      assert.equal(text.code, 8);
      assert.match(text.stderr, new RegExp(message));
      assertNoStack(text);
    }
  });
});

Deno.test("replay: real mode on a reference-capture runpack is invalid input (exit 6)", async () => {
  await withTempDir(async (dir) => {
    await demo(dir);
    const r = await runGait(
      [
        "run",
        "replay",
        "run_demo",
        "--real-tools",
        "--unsafe-real-tools",
        "--allow-tools",
        "tool.search",
        "--json",
      ],
      { cwd: dir, env: { GAIT_ALLOW_REAL_REPLAY: "1" } },
    );
    assert.equal(r.code, 6, show(r));
    assert.equal(
      r.json().error,
      "real replay requires capture_mode=raw; reference-mode runpacks strip raw tool inputs",
    );
  });
});

Deno.test("replay without every unsafe flag executes nothing: the file.write target is never created", async () => {
  await withTempDir(async (dir) => {
    const target = `${dir}/written-by-replay.txt`;
    await writeTestRunpack(
      `${dir}/raw.zip`,
      testRun({
        captureMode: "raw",
        calls: [
          { tool: "file.write", args: { path: target, content: "side effect" } },
          { tool: "shell.exec", args: { command: "touch pwned" } },
          { tool: "tool.echo", args: { say: "hi" } },
        ],
      }),
    );
    const attempts: [string[], Record<string, string>, number][] = [
      [[], {}, 2],
      [["--allow-tools", "file.write"], { GAIT_ALLOW_REAL_REPLAY: "1" }, 2],
      [["--unsafe-real-tools", "--allow-tools", "file.write"], { GAIT_ALLOW_REAL_REPLAY: "1" }, 2],
      [["--real-tools", "--allow-tools", "file.write"], { GAIT_ALLOW_REAL_REPLAY: "1" }, 8],
      [["--real-tools", "--unsafe-real-tools"], { GAIT_ALLOW_REAL_REPLAY: "1" }, 8],
      [["--real-tools", "--unsafe-real-tools", "--allow-tools", "file.write"], {}, 8],
    ];
    for (const [flags, env, code] of attempts) {
      const r = await runGait(["run", "replay", "raw.zip", ...flags, "--json"], { cwd: dir, env });
      assert.equal(r.code, code, show(r));
      assert.equal(await pathExists(target), false, `replay ${flags.join(" ")} wrote the file`);
      if (code === 2) {
        const steps = r.json().steps as Record<string, unknown>[];
        assert.ok(steps.every((s) => s.execution !== "executed"), r.stdout);
      }
    }
    assert.equal(await pathExists(`${dir}/pwned`), false);
  });
});

Deno.test("replay: with every interlock, allow-listed echo and file.write run; shell is refused", async () => {
  await withTempDir(async (dir) => {
    const target = `${dir}/out.txt`;
    await writeTestRunpack(
      `${dir}/raw.zip`,
      testRun({
        captureMode: "raw",
        calls: [
          { tool: "file.write", args: { path: target, content: "hello" } },
          { tool: "Shell.Exec", args: { command: "touch pwned" } },
          { tool: "tool.echo", args: { say: "hi" } },
          { tool: "tool.search", status: "ok" },
        ],
      }),
    );
    const r = await runGait(
      [
        "run",
        "replay",
        "raw.zip",
        "--real-tools",
        "--unsafe-real-tools",
        "--allow-tools",
        "FILE.WRITE,shell.exec,tool.echo",
        "--json",
      ],
      { cwd: dir, env: { GAIT_ALLOW_REAL_REPLAY: "1" } },
    );
    assert.equal(r.code, 0, show(r));
    const j = r.json();
    assert.equal(j.mode, "real");
    assert.equal(j.requested_unsafe, true);
    assert.deepEqual(j.warnings, ["allow_tools=FILE.WRITE,shell.exec,tool.echo"]);
    const steps = j.steps as Record<string, unknown>[];
    assert.deepEqual(steps.map((s) => [s.tool_name, s.status, s.execution]), [
      ["file.write", "ok", "executed"],
      ["Shell.Exec", "error", "executed"],
      ["tool.echo", "ok", "executed"],
      ["tool.search", "ok", "recorded"],
    ]);
    assert.match(String(steps[1]!.error), /no permission to start subprocesses/);
    assert.equal(await Deno.readTextFile(target), "hello");
    assert.equal(await pathExists(`${dir}/pwned`), false);
  });
});

Deno.test("replay: a tampered runpack is refused with exit 2; unknown run id exits 6", async () => {
  await withTempDir(async (dir) => {
    const r = await runGait(["run", "replay", await tampered(dir), "--json"], { cwd: dir });
    assert.equal(r.code, 2, show(r));
    assert.equal(r.json().error_code, "verification_failed");
    const missing = await runGait(["run", "replay", "run_nope"], { cwd: dir });
    assert.equal(missing.code, 6);
    assert.match(missing.stderr, /runpack not found for run_id: run_nope/);
    assertNoStack(missing);
  });
});

Deno.test("diff: identical runs exit 0; a changed tool exits 2 with intents_changed", async () => {
  await withTempDir(async (dir) => {
    await demo(dir);
    const same = await runGait(["run", "diff", "run_demo", "gait-out/runpack_run_demo.zip"], {
      cwd: dir,
    });
    assert.equal(same.code, 0, show(same));
    assert.equal(same.stdout, "diff ok: run_demo vs run_demo\n");
    await writeTestRunpack(`${dir}/a.zip`, testRun({ runId: "run_a" }));
    await writeTestRunpack(
      `${dir}/b.zip`,
      testRun({ runId: "run_b", calls: [{ tool: "tool.delete", status: "ok" }] }),
    );
    const r = await runGait(["run", "diff", "a.zip", "b.zip", "--json"], { cwd: dir });
    assert.equal(r.code, 2, show(r));
    const j = r.json();
    assert.equal(j.ok, false);
    assert.equal(j.privacy, "full");
    assert.equal(j.error, undefined);
    const s = j.summary as Record<string, unknown>;
    assert.equal(s.run_id_left, "run_a");
    assert.equal(s.intents_changed, true);
    assert.deepEqual(s.left_only_intents, ["intent_2", "intent_3"]);
    const text = await runGait(["run", "diff", "a.zip", "b.zip"], { cwd: dir });
    assert.equal(text.code, 2);
    assert.ok(text.stdout.startsWith("diff changed: run_a vs run_b\n"), text.stdout);
  });
});

Deno.test("diff: --output writes compact {privacy, summary}; the same inputs give the same bytes", async () => {
  await withTempDir(async (dir) => {
    await writeTestRunpack(
      `${dir}/a.zip`,
      testRun({ runId: "run_a", contextSetDigest: "a".repeat(64) }),
    );
    await writeTestRunpack(
      `${dir}/b.zip`,
      testRun({
        runId: "run_b",
        contextSetDigest: "b".repeat(64),
        receipts: [{ retrieved_at: "2026-03-01T00:00:00Z" }],
      }),
    );
    const args = ["run", "diff", "a.zip", "b.zip", "--output", "diff.json", "--json"];
    const first = await runGait(args, { cwd: dir });
    const firstFile = await Deno.readFile(`${dir}/diff.json`);
    const second = await runGait(args, { cwd: dir });
    const secondFile = await Deno.readFile(`${dir}/diff.json`);
    assert.equal(first.code, 2, show(first));
    assert.equal(first.stdout, second.stdout);
    assert.deepEqual(firstFile, secondFile);
    const text = new TextDecoder().decode(firstFile);
    assert.equal(
      text,
      '{"privacy":"full","summary":{"run_id_left":"run_a","run_id_right":"run_b","manifest_changed":false,' +
        '"intents_changed":false,"results_changed":false,"refs_changed":true,' +
        '"context_drift_classification":"runtime_only","context_runtime_only_changes":true}}',
    );
    assert.equal(first.json().output, "diff.json");
    assert.equal((await Deno.stat(`${dir}/diff.json`)).mode! & 0o777, 0o600);
  });
});

Deno.test("diff: --privacy metadata ignores payloads; bad privacy and mixed inputs exit 6", async () => {
  await withTempDir(async (dir) => {
    const left = testRun({ captureMode: "raw" });
    const right = testRun({ captureMode: "raw" });
    right.intents[0]!.args = { query: "changed" };
    await writeTestRunpack(`${dir}/a.zip`, left);
    await writeTestRunpack(`${dir}/b.zip`, right);
    const full = await runGait(["run", "diff", "a.zip", "b.zip", "--json"], { cwd: dir });
    assert.equal(full.code, 2);
    const meta = await runGait(
      ["run", "diff", "a.zip", "b.zip", "--privacy", "metadata", "--json"],
      {
        cwd: dir,
      },
    );
    assert.equal(meta.code, 0, show(meta));
    assert.equal(meta.json().privacy, "metadata");
    const bad = await runGait(["run", "diff", "a.zip", "b.zip", "--privacy", "secret", "--json"], {
      cwd: dir,
    });
    assert.equal(bad.code, 6);
    const mixed = await runGait(["run", "diff", "a.zip", "chain.json"], { cwd: dir });
    assert.equal(mixed.code, 6);
    assert.match(mixed.stderr, /two runpacks or two session-chain/);
    const one = await runGait(["run", "diff", "a.zip"], { cwd: dir });
    assert.equal(one.code, 6);
    const tamper = await runGait(["run", "diff", "a.zip", await tampered(dir)], { cwd: dir });
    assert.equal(tamper.code, 2, show(tamper));
    assert.equal(await pathExists(`${dir}/diff.json`), false);
  });
});

Deno.test("diff: two session chains are compared checkpoint by checkpoint", async () => {
  await withTempDir(async (dir) => {
    const a = await buildRunpack(testRun({ runId: "run_s_cp_0001" }));
    const b = await buildRunpack(
      testRun({ runId: "run_s_cp_0002", calls: [{ tool: "x", status: "ok" }] }),
    );
    await Deno.writeFile(`${dir}/cp1.zip`, a.zip);
    await Deno.writeFile(`${dir}/cp2.zip`, b.zip);
    const cp1 = { runpackPath: "cp1.zip", manifestDigest: a.manifest.manifest_digest };
    const cp2 = { runpackPath: "cp2.zip", manifestDigest: b.manifest.manifest_digest };
    await writeTestChain(`${dir}/left.json`, [cp1]);
    await writeTestChain(`${dir}/right.json`, [cp1, cp2]);
    const same = await runGait(["run", "diff", "left.json", "left.json", "--json"], { cwd: dir });
    assert.equal(same.code, 0, show(same));
    const r = await runGait(["run", "diff", "left.json", "right.json", "--json"], { cwd: dir });
    assert.equal(r.code, 2, show(r));
    assert.deepEqual((r.json().summary as Record<string, unknown>).files_changed, [
      "right_only_checkpoint_2",
    ]);
    const broken = JSON.parse(await Deno.readTextFile(`${dir}/right.json`));
    broken.checkpoints[1].prev_checkpoint_digest = "0".repeat(64);
    await Deno.writeTextFile(`${dir}/broken.json`, JSON.stringify(broken));
    const bad = await runGait(["run", "diff", "left.json", "broken.json", "--json"], { cwd: dir });
    assert.equal(bad.code, 2, show(bad));
    assert.match(String(bad.json().error), /prev_checkpoint_digest mismatch at checkpoint 2/);
  });
});

Deno.test("receipt: the demo footer, as text and JSON; tampered runpacks exit 2", async () => {
  await withTempDir(async (dir) => {
    await demo(dir);
    const footer =
      `GAIT run_id=run_demo manifest=sha256:${DEMO_DIGEST} verify="gait verify run_demo"`;
    const text = await runGait(["run", "receipt", "run_demo"], { cwd: dir });
    assert.equal(text.code, 0, show(text));
    assert.equal(text.stdout, footer + "\n");
    const r = await runGait(["run", "receipt", "--from", "run_demo", "--json"], { cwd: dir });
    const j = r.json();
    assert.equal(j.ok, true);
    assert.equal(j.run_id, "run_demo");
    assert.equal(j.path, "gait-out/runpack_run_demo.zip");
    assert.equal(j.manifest_digest, DEMO_DIGEST);
    assert.equal(j.ticket_footer, footer);
    const bad = await runGait(["run", "receipt", await tampered(dir), "--json"], { cwd: dir });
    assert.equal(bad.code, 2, show(bad));
    assert.equal(bad.json().error, "runpack verification failed");
    const none = await runGait(["run", "receipt", "--json"], { cwd: dir });
    assert.equal(none.code, 6);
  });
});

Deno.test("reduce: a missing result becomes a one-intent runpack that verifies, with its report", async () => {
  await withTempDir(async (dir) => {
    await Deno.mkdir(`${dir}/runs`);
    await writeTestRunpack(
      `${dir}/runs/in.zip`,
      testRun({ calls: [{ tool: "a", status: "ok" }, { tool: "b" }, { tool: "c" }] }),
    );
    const r = await runGait(["run", "reduce", "--from", "runs/in.zip", "--json"], { cwd: dir });
    assert.equal(r.code, 0, show(r));
    const j = r.json();
    const out = "runs/runpack_run_test_reduced_missing_result.zip";
    assert.equal(j.output, out);
    assert.equal(j.report_path, `${out}.reduce_report.json`);
    assert.equal(j.reduced_run_id, "run_test_reduced_missingresult");
    assert.equal(j.predicate, "missing_result");
    const report = j.report as Record<string, unknown>;
    assert.equal(report.selected_intent_id, "intent_2");
    assert.equal(report.still_failing, true);
    const fileText = await Deno.readTextFile(`${dir}/${out}.reduce_report.json`);
    assert.ok(!fileText.endsWith("\n"), "the report is compact");
    assert.deepEqual(Object.keys(JSON.parse(fileText)).slice(0, 3), [
      "schema_id",
      "schema_version",
      "created_at",
    ]);
    const verify = await runGait(["verify", out, "--json"], { cwd: dir });
    assert.equal(verify.code, 0, show(verify));
    assert.equal(verify.json().run_id, "run_test_reduced_missingresult");
    const replay = await runGait(["run", "replay", out, "--json"], { cwd: dir });
    assert.equal(replay.code, 2);
    assert.deepEqual(replay.json().missing_results, ["intent_2"]);
    const text = await runGait(
      ["run", "reduce", "runs/in.zip", "--out", "small.zip", "--report-out", "rep.json"],
      { cwd: dir },
    );
    assert.equal(text.stdout, "run reduce ok: runs/in.zip -> small.zip\nreport: rep.json\n");
  });
});

Deno.test("reduce: non_ok_status; untriggered predicates and self-overwrites exit 6", async () => {
  await withTempDir(async (dir) => {
    await writeTestRunpack(`${dir}/in.zip`, testRun({ calls: [{ tool: "a", status: "error" }] }));
    const r = await runGait(["run", "reduce", "in.zip", "--predicate", "non_ok_status", "--json"], {
      cwd: dir,
    });
    assert.equal(r.code, 0, show(r));
    assert.equal(r.json().reduced_run_id, "run_test_reduced_nonokstatus");
    const none = await runGait(["run", "reduce", "in.zip", "--json"], { cwd: dir });
    assert.equal(none.code, 6);
    assert.equal(none.json().error, "predicate missing_result not triggered by runpack");
    const before = await Deno.readFile(`${dir}/in.zip`);
    const self = await runGait(
      ["run", "reduce", "in.zip", "--predicate", "non_ok_status", "--out", "in.zip"],
      { cwd: dir },
    );
    assert.equal(self.code, 6, show(self));
    assert.deepEqual(await Deno.readFile(`${dir}/in.zip`), before);
  });
});

Deno.test("capture: a runpack source writes a pretty receipt matching the schema", async () => {
  await withTempDir(async (dir) => {
    await demo(dir);
    const r = await runGait(["capture", "--from", "run_demo", "--json"], { cwd: dir });
    assert.equal(r.code, 0, show(r));
    const j = r.json();
    assert.equal(j.artifact_type, "runpack");
    assert.equal(j.artifact_path, "gait-out/runpack_run_demo.zip");
    assert.equal(j.output_path, "gait-out/capture.json");
    const text = await Deno.readTextFile(`${dir}/gait-out/capture.json`);
    assert.ok(
      text.startsWith('{\n  "schema_id": "gait.capture.receipt",\n  "schema_version": "1.0.0",\n'),
    );
    assert.ok(text.endsWith("}\n"));
    await assertMatchesSchema("capture/receipt", JSON.parse(text));
    const human = await runGait(["capture", "run_demo", "--out", "cap/c.json"], { cwd: dir });
    assert.equal(
      human.stdout,
      "capture ok: type=runpack path=gait-out/runpack_run_demo.zip\nreceipt: cap/c.json\n",
    );
  });
});

Deno.test("capture: trace records and session-chain checkpoints", async () => {
  await withTempDir(async (dir) => {
    await Deno.writeTextFile(
      `${dir}/trace_1.json`,
      JSON.stringify({
        schema_id: "gait.gate.trace",
        schema_version: "1.0.0",
        trace_id: "9a714d67a491c4bd98dd7983",
        run_id: "run_t",
        verdict: "block",
      }),
    );
    const t = await runGait(["capture", "--from", "trace_1.json", "--json"], { cwd: dir });
    assert.equal(t.code, 0, show(t));
    assert.equal(t.json().artifact_type, "trace");
    assert.equal(t.json().run_id, "run_t");
    const built = await buildRunpack(testRun({ runId: "run_s_cp_0001" }));
    await Deno.writeFile(`${dir}/cp1.zip`, built.zip);
    await writeTestChain(`${dir}/chain.json`, [{
      runpackPath: "cp1.zip",
      manifestDigest: built.manifest.manifest_digest,
    }]);
    const c = await runGait(["capture", "--from", "chain.json", "--checkpoint", "1", "--json"], {
      cwd: dir,
    });
    assert.equal(c.code, 0, show(c));
    assert.equal(c.json().artifact_path, "cp1.zip");
    assert.equal(c.json().session_chain_path, "chain.json");
    assert.equal(c.json().run_id, "run_s_cp_0001");
    const missingCp = await runGait(["capture", "--from", "chain.json", "--checkpoint", "7"], {
      cwd: dir,
    });
    assert.equal(missingCp.code, 6);
  });
});

Deno.test("capture: --save-as is a deprecated spelling; unsupported sources exit 6", async () => {
  await withTempDir(async (dir) => {
    await demo(dir);
    const r = await runGait(["capture", "--from", "run_demo", "--save-as", "x.json", "--json"], {
      cwd: dir,
    });
    assert.equal(r.code, 6, show(r));
    const j = r.json();
    assert.equal(j.error, "deprecated flag spelling: --save-as -> --out");
    assert.equal(j.hint, "use `--out` instead");
    assert.deepEqual(j.migration, {
      kind: "flag",
      deprecated_flag: "--save-as",
      replacement_flag: "--out",
    });
    assert.equal(await pathExists(`${dir}/x.json`), false);
    await Deno.writeTextFile(`${dir}/other.json`, '{"schema_id":"gait.other"}');
    const other = await runGait(["capture", "--from", "other.json"], { cwd: dir });
    assert.equal(other.code, 6);
    await Deno.writeTextFile(`${dir}/bad.json`, "{not json");
    const bad = await runGait(["capture", "--from", "bad.json"], { cwd: dir });
    assert.equal(bad.code, 6);
    assertNoStack(bad);
    assert.equal(await pathExists(`${dir}/gait-out/capture.json`), false);
  });
});
