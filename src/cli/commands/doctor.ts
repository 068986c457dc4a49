/**
 * `gait doctor` (spec 03 §2.3): renders a `gait.doctor.result` and maps it to
 * an exit code: 0 even when checks fail, 7 when a check is non-fixable, 2
 * when `--production-readiness` finds a failure.
 *
 * @module
 */

import { type DoctorResult, runDoctor } from "../../doctor/mod.ts";
import { type CommandContext, type CommandOutput, output } from "../command.ts";
import { gaitVersion } from "../build_info.ts";

const SUMMARY_TIPS = [
  "tip: export GAIT_ADOPTION_LOG=./gait-out/adoption.jsonl",
  "tip: gait doctor adoption --from ./gait-out/adoption.jsonl --json",
];

function exitCodeOf(result: DoctorResult, productionReadiness: boolean): number {
  if (result.non_fixable) return 7;
  if (productionReadiness && result.status === "fail") return 2;
  return 0;
}

function renderText(result: DoctorResult, summaryOnly: boolean): string {
  const lines = [result.summary];
  if (summaryOnly && result.status === "pass") {
    lines.push(...SUMMARY_TIPS);
    return lines.join("\n") + "\n";
  }
  for (const check of result.checks) {
    if (summaryOnly && check.status === "pass") continue;
    lines.push(`- ${check.name}: ${check.status} (${check.message})`);
    if (check.fix_command) lines.push(`  fix: ${check.fix_command}`);
  }
  return lines.join("\n") + "\n";
}

/**
 * Runs `gait doctor`.
 *
 * @example
 * ```ts
 * const out = await run(ctx); // `gait doctor --json`
 * out.json.status; // "pass" | "warn" | "fail"
 * ```
 */
export async function run(ctx: CommandContext): Promise<CommandOutput> {
  const productionReadiness = ctx.bool("production-readiness");
  const summaryOnly = ctx.bool("summary");
  const result = await runDoctor({
    workDir: ctx.str("workdir"),
    outputDir: ctx.str("output-dir"),
    producerVersion: gaitVersion(),
    keyMode: ctx.str("key-mode"),
    keyConfig: {
      privateKeyPath: ctx.str("private-key"),
      privateKeyEnv: ctx.str("private-key-env"),
      publicKeyPath: ctx.str("public-key"),
      publicKeyEnv: ctx.str("public-key-env"),
    },
    productionReadiness,
    now: ctx.clock.now(),
    env: (name) => ctx.env(name),
  });
  const exitCode = exitCodeOf(result, productionReadiness);
  const json: Record<string, unknown> = {
    ok: exitCode === 0,
    summary_mode: summaryOnly || undefined,
    ...result,
    non_fixable: result.non_fixable || undefined,
    fix_commands: result.fix_commands.length > 0 ? result.fix_commands : undefined,
  };
  return output(exitCode, json, renderText(result, summaryOnly));
}
