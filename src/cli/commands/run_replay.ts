/**
 * `gait run replay <run_id|path>`: deterministic stub replay; real tools only
 * behind explicit interlocks (spec 03 §3.3).
 *
 * @module
 */

import { GaitError } from "../../core/errors.ts";
import { executeRealTool } from "../../runpack/_real_tools.ts";
import { loadRunpack } from "../../runpack/read.ts";
import {
  checkRealReplayInterlocks,
  parseAllowTools,
  REAL_REPLAY_ENV,
  replayRunpack,
} from "../../runpack/replay.ts";
import { resolveRunpack } from "../../runpack/resolve.ts";
import type { CommandContext, CommandOutput } from "../command.ts";

/** Runs `gait run replay`. */
export async function run(ctx: CommandContext): Promise<CommandOutput> {
  const arg = ctx.args.positionals[0] ?? "";
  if (arg === "") throw new GaitError("invalid_input", "missing required <run_id|path>");
  const realTools = ctx.bool("real-tools");
  const allowTools = parseAllowTools(ctx.str("allow-tools"));
  checkRealReplayInterlocks({
    realTools,
    unsafeRealTools: ctx.bool("unsafe-real-tools"),
    allowTools,
    envName: ctx.str("unsafe-real-tools-env") || REAL_REPLAY_ENV,
    env: ctx.env,
  });
  const path = await resolveRunpack(arg, ctx.env);
  const { content } = await loadRunpack(path);
  if (realTools && content.captureMode !== "raw") {
    throw new GaitError(
      "invalid_input",
      "real replay requires capture_mode=raw; reference-mode runpacks strip raw tool inputs",
      { details: { run_id: content.run.run_id, mode: "real", requested_unsafe: true } },
    );
  }
  const result = await replayRunpack(
    content,
    realTools ? { real: { allowTools, execute: executeRealTool } } : {},
  );
  const json: Record<string, unknown> = {
    ok: result.ok,
    run_id: result.run_id,
    mode: result.mode,
    steps: result.steps,
    missing_results: result.missing_results.length ? result.missing_results : undefined,
    warnings: result.warnings.length ? result.warnings : undefined,
    requested_unsafe: realTools || undefined,
  };
  const lines = result.ok
    ? [`replay ok: ${result.run_id} (${result.mode})`]
    : [`replay failed: ${result.run_id}`, `missing results: ${result.missing_results.join(", ")}`];
  for (const step of result.steps) {
    if (step.error) lines.push(`step ${step.intent_id} (${step.tool_name}) error: ${step.error}`);
  }
  for (const w of result.warnings) lines.push(`warning: ${w}`);
  return { exitCode: result.ok ? 0 : 2, json, text: lines.join("\n") };
}
