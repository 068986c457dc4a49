/**
 * `gait regress init|add|bootstrap|run` (spec 03 §4). Exit 0 when every
 * grader passes, 5 when any fails; a failing run is data, not an error, so
 * its JSON carries no error envelope.
 *
 * @module
 */

import { initFixture, type InitResult } from "../../regress/init.ts";
import { type RegressRunResult, runRegress } from "../../regress/run.ts";
import { gaitVersion } from "../build_info.ts";
import type { CommandContext, CommandOutput } from "../command.ts";

function initOptions(ctx: CommandContext, allowCaptureReceipt: boolean) {
  return {
    from: ctx.str("from"),
    checkpoint: ctx.str("checkpoint"),
    name: ctx.str("name"),
    allowCaptureReceipt,
    env: ctx.env,
  };
}

function initJson(init: InitResult): Record<string, unknown> {
  return {
    run_id: init.run_id,
    fixture_name: init.fixture_name,
    fixture_dir: init.fixture_dir,
    runpack_path: init.runpack_path,
    config_path: init.config_path,
  };
}

function initText(verb: string, init: InitResult): string {
  return [
    `regress ${verb} ok: fixture=${init.fixture_name} run_id=${init.run_id}`,
    `config: ${init.config_path}`,
    `runpack: ${init.runpack_path}`,
    `next: ${init.next_commands.join(" | ")}`,
  ].join("\n");
}

async function regressRun(ctx: CommandContext): Promise<RegressRunResult> {
  return await runRegress({
    configPath: ctx.str("config"),
    outputPath: ctx.str("output"),
    junitPath: ctx.str("junit"),
    contextConformance: ctx.bool("context-conformance"),
    allowContextRuntimeDrift: ctx.bool("allow-context-runtime-drift"),
    producerVersion: gaitVersion(),
  });
}

function runJson(run: RegressRunResult): Record<string, unknown> {
  return {
    ok: run.result.status === "pass",
    status: run.result.status,
    fixture_set: run.result.fixture_set,
    graders: run.result.graders.length,
    failed: run.failed || undefined,
    top_failure_reason: run.top_failure_reason,
    next_command: run.next_command,
    artifact_paths: run.artifact_paths,
    output: run.output,
    junit: run.junit,
  };
}

function failureLines(run: RegressRunResult): string[] {
  return [
    `top_failure_reason: ${run.top_failure_reason}`,
    `next: ${run.next_command}`,
    `artifacts: ${run.artifact_paths.join(", ")}`,
  ];
}

function outputLines(run: RegressRunResult): string[] {
  return [`output: ${run.output}`, ...(run.junit ? [`junit: ${run.junit}`] : [])];
}

/** Runs `gait regress init`. */
export async function runInit(ctx: CommandContext): Promise<CommandOutput> {
  const init = await initFixture(initOptions(ctx, false));
  return {
    exitCode: 0,
    json: { ok: true, ...initJson(init), next_commands: init.next_commands },
    text: initText("init", init),
  };
}

/** Runs `gait regress add`. */
export async function runAdd(ctx: CommandContext): Promise<CommandOutput> {
  const init = await initFixture(initOptions(ctx, true));
  return {
    exitCode: 0,
    json: { ok: true, ...initJson(init), source: init.source, next_commands: init.next_commands },
    text: initText("add", init),
  };
}

/** Runs `gait regress run`. */
export async function runRun(ctx: CommandContext): Promise<CommandOutput> {
  const run = await regressRun(ctx);
  const pass = run.result.status === "pass";
  const text = pass
    ? [
      `regress run ok: fixture_set=${run.result.fixture_set} graders=${run.result.graders.length}`,
      ...outputLines(run),
    ]
    : [
      `regress run failed: fixture_set=${run.result.fixture_set} failed=${run.failed}`,
      ...failureLines(run),
      ...outputLines(run),
    ];
  return { exitCode: pass ? 0 : 5, json: runJson(run), text: text.join("\n") };
}

/** Runs `gait regress bootstrap`: init, then run. */
export async function runBootstrap(ctx: CommandContext): Promise<CommandOutput> {
  const init = await initFixture(initOptions(ctx, false));
  const run = await regressRun(ctx);
  const pass = run.result.status === "pass";
  const head = `run_id=${init.run_id} fixture=${init.fixture_name}`;
  const text = pass ? [`regress bootstrap ok: ${head}`, ...outputLines(run)] : [
    `regress bootstrap failed: ${head} failed=${run.failed}`,
    ...failureLines(run),
    ...outputLines(run),
  ];
  return {
    exitCode: pass ? 0 : 5,
    json: { ...runJson(run), ...initJson(init) },
    text: text.join("\n"),
  };
}
