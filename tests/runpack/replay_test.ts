/**
 * Replay rules (spec 03 §3.3): stub mode never runs a tool; real mode sits
 * behind interlocks checked in order.
 */

import assert from "node:assert/strict";
import { sha256Hex } from "../../src/core/digest.ts";
import { GaitError } from "../../src/core/errors.ts";
import { executeRealTool, realToolKind, SHELL_REFUSED } from "../../src/runpack/_real_tools.ts";
import {
  checkRealReplayInterlocks,
  parseAllowTools,
  replayRunpack,
  stubResultDigest,
  stubTypeForTool,
} from "../../src/runpack/replay.ts";
import { withTempDir } from "../helpers/cli.ts";
import { testRun } from "../regress/_runpacks.ts";

Deno.test("stub types follow the tool-name rules in order (http, file, db, queue)", () => {
  const cases: [string, string | undefined][] = [
    ["tool.fetch", "http"],
    ["HTTP.get", "http"],
    ["url.open", "http"],
    ["file.read", "file"],
    ["fs.list", "file"],
    ["path.stat", "file"],
    ["write_note", "file"],
    ["db.select", "db"],
    ["sql.run", "db"],
    ["table.scan", "db"],
    ["kafka.send", "queue"],
    ["topic.publish", "queue"],
    // "fetch" matches http before "query" matches db.
    ["fetch_query", "http"],
    ["tool.search", undefined],
    ["tool.summarize", undefined],
  ];
  for (const [tool, type] of cases) assert.equal(stubTypeForTool(tool), type, tool);
});

Deno.test("stub result digest is sha256 of run:intent:lower tool:lower args digest:type", () => {
  const args = "AB".repeat(32);
  assert.equal(
    stubResultDigest("run_x", "intent_1", "Tool.Fetch", args, "http"),
    sha256Hex(`run_x:intent_1:tool.fetch:${"ab".repeat(32)}:http`),
  );
});

Deno.test("stub replay: recorded results, stubs and missing results in intent order", async () => {
  const content = testRun({
    calls: [
      { tool: "tool.search", status: "error" },
      { tool: "tool.fetch" },
      { tool: "tool.summarize" },
      { tool: "db.query", status: "ok" },
    ],
  });
  const result = await replayRunpack(content);
  assert.equal(result.mode, "stub");
  assert.equal(result.ok, false);
  assert.deepEqual(result.missing_results, ["intent_3"]);
  assert.deepEqual(result.steps.map((s) => [s.intent_id, s.status, s.execution, s.stub_type]), [
    ["intent_1", "error", "recorded", undefined],
    ["intent_2", "stubbed", undefined, "http"],
    ["intent_3", "missing_result", "missing", undefined],
    ["intent_4", "ok", "recorded", undefined],
  ]);
  assert.equal(result.steps[0]!.result_digest, content.results[0]!.result_digest);
  assert.equal(
    result.steps[1]!.result_digest,
    stubResultDigest("run_test", "intent_2", "tool.fetch", content.intents[1]!.args_digest, "http"),
  );
  assert.deepEqual(result.warnings, []);
});

Deno.test("stub replay: a complete run is ok", async () => {
  const result = await replayRunpack(testRun());
  assert.equal(result.ok, true);
  assert.deepEqual(result.missing_results, []);
});

Deno.test("missing results are listed sorted", async () => {
  const content = testRun({
    calls: [{ tool: "b.tool" }, { tool: "a.tool" }, { tool: "c.tool" }],
  });
  content.intents[0]!.intent_id = "zeta";
  content.intents[1]!.intent_id = "alpha";
  content.intents[2]!.intent_id = "mid";
  assert.deepEqual((await replayRunpack(content)).missing_results, ["alpha", "mid", "zeta"]);
});

Deno.test("duplicate intent ids or duplicate results are invalid input (exit 6)", async () => {
  const dupIntent = testRun();
  dupIntent.intents[1]!.intent_id = "intent_1";
  await assert.rejects(
    () => replayRunpack(dupIntent),
    (e) => e instanceof GaitError && e.exitCode === 6 && /duplicate intent_id/.test(e.message),
  );
  const dupResult = testRun();
  dupResult.results[1]!.intent_id = "intent_1";
  await assert.rejects(
    () => replayRunpack(dupResult),
    (e) => e instanceof GaitError && e.exitCode === 6 && /duplicate result/.test(e.message),
  );
});

function interlockError(request: Partial<Parameters<typeof checkRealReplayInterlocks>[0]>) {
  try {
    checkRealReplayInterlocks({
      realTools: true,
      unsafeRealTools: true,
      allowTools: ["tool.echo"],
      envName: "GAIT_ALLOW_REAL_REPLAY",
      env: () => "1",
      ...request,
    });
  } catch (error) {
    assert.ok(error instanceof GaitError);
    assert.equal(error.exitCode, 8);
    return error.message;
  }
  return null;
}

Deno.test("real-mode interlocks are checked in the spec's order with exact messages", () => {
  assert.equal(
    interlockError({ unsafeRealTools: false, allowTools: [], env: () => undefined }),
    "real tool execution requires --unsafe-real-tools",
  );
  assert.equal(
    interlockError({ allowTools: [], env: () => undefined }),
    "real tool execution requires --allow-tools with explicit tool names",
  );
  assert.equal(
    interlockError({ env: () => undefined }),
    "real tool execution requires GAIT_ALLOW_REAL_REPLAY=1",
  );
  assert.equal(
    interlockError({ env: () => "true" }),
    "real tool execution requires GAIT_ALLOW_REAL_REPLAY=1",
  );
  assert.equal(
    interlockError({
      envName: "MY_GATE",
      env: (n) => (n === "GAIT_ALLOW_REAL_REPLAY" ? "1" : undefined),
    }),
    "real tool execution requires MY_GATE=1",
  );
  assert.equal(interlockError({}), null);
  assert.equal(interlockError({ realTools: false, unsafeRealTools: false }), null);
});

Deno.test("--allow-tools is split on commas, trimmed, empties dropped", () => {
  assert.deepEqual(parseAllowTools(" tool.echo, ,file.write,"), ["tool.echo", "file.write"]);
  assert.deepEqual(parseAllowTools(""), []);
});

Deno.test("real tool kinds are matched case-insensitively", () => {
  assert.equal(realToolKind("Tool.Echo"), "echo");
  assert.equal(realToolKind("echo"), "echo");
  assert.equal(realToolKind("FS.WRITE"), "file_write");
  assert.equal(realToolKind("write_file"), "file_write");
  assert.equal(realToolKind("shell.exec"), "shell");
  assert.equal(realToolKind("command.run"), "shell");
  assert.equal(realToolKind("tool.search"), undefined);
});

Deno.test("real replay runs only allow-listed tools; others follow stub rules", async () => {
  const content = testRun({
    captureMode: "raw",
    calls: [
      { tool: "tool.echo", args: { say: "hi" } },
      { tool: "tool.fetch" },
      { tool: "tool.search", status: "ok" },
    ],
  });
  const executed: string[] = [];
  const result = await replayRunpack(content, {
    real: {
      allowTools: ["TOOL.ECHO", "tool.search"],
      execute: (kind, intent) => {
        executed.push(`${kind}:${intent.intent_id}`);
        return Promise.resolve({ status: "ok", result_digest: "d".repeat(64) });
      },
    },
  });
  assert.equal(result.mode, "real");
  assert.deepEqual(executed, ["echo:intent_1", "undefined:intent_3"]);
  assert.deepEqual(result.steps.map((s) => [s.status, s.execution]), [
    ["ok", "executed"],
    ["stubbed", undefined],
    ["ok", "executed"],
  ]);
  assert.deepEqual(result.warnings, ["allow_tools=TOOL.ECHO,tool.search"]);
});

Deno.test("echo returns the digest of its arguments", async () => {
  const intent = testRun({ captureMode: "raw", calls: [{ tool: "tool.echo", args: { a: 1 } }] })
    .intents[0]!;
  const outcome = await executeRealTool("echo", intent);
  assert.deepEqual(outcome, { status: "ok", result_digest: intent.args_digest });
});

Deno.test("file.write writes args.content to args.path; refuses `..` and missing paths", async () => {
  await withTempDir(async (dir) => {
    const run = testRun({
      captureMode: "raw",
      calls: [
        { tool: "file.write", args: { path: `${dir}/out.txt`, content: "hello" } },
        { tool: "file.write", args: { path: "../escape.txt", content: "x" } },
        { tool: "file.write", args: { content: "x" } },
        { tool: "file.write", args: { path: `${dir}/n.txt`, content: 5 } },
      ],
    });
    const [ok, escape, noPath, badContent] = await Promise.all(
      run.intents.map((i) => executeRealTool("file_write", i)),
    );
    assert.equal(ok!.status, "ok");
    assert.equal(await Deno.readTextFile(`${dir}/out.txt`), "hello");
    assert.equal((await Deno.stat(`${dir}/out.txt`)).mode! & 0o777, 0o600);
    assert.equal(escape!.status, "error");
    assert.match(escape!.error!, /path must be local relative or absolute/);
    assert.equal(noPath!.status, "error");
    assert.equal(badContent!.status, "error");
  });
});

Deno.test("shell tools are refused: this build has no subprocess permission", async () => {
  const intent = testRun({
    captureMode: "raw",
    calls: [{ tool: "shell.exec", args: { cmd: "id" } }],
  })
    .intents[0]!;
  assert.deepEqual(await executeRealTool("shell", intent), {
    status: "error",
    error: SHELL_REFUSED,
  });
  const unknown = await executeRealTool(undefined, intent);
  assert.equal(unknown.status, "error");
  assert.match(unknown.error!, /unsupported real tool/);
});
