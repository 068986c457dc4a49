/**
 * `gait demo`: an offline, deterministic runpack and its verification
 * (spec 01 §4.6, spec 03 §2.1).
 *
 * @module
 */

import { GaitError } from "../../core/errors.ts";
import { DEMO_RUN_ID, demoRunpackDraft } from "../../runpack/demo.ts";
import { normalizeRunpack } from "../../runpack/normalize.ts";
import { checkedTicketFooter } from "../../runpack/ticket_footer.ts";
import { verifyRunpackFile } from "../../runpack/verify.ts";
import { writeRunpack } from "../../runpack/write.ts";
import type { CommandContext, CommandOutput } from "../command.ts";
import { gaitVersion } from "../build_info.ts";
import { loadCommand } from "../_load_command.ts";

const BUNDLE = "./gait-out/runpack_run_demo.zip";
const NEXT_COMMANDS = [
  "gait verify run_demo --json",
  "gait regress bootstrap --from run_demo --json --junit ./gait-out/junit.xml",
  "gait demo --durable",
  "gait demo --policy",
];
const METRICS_OPT_IN = "export GAIT_ADOPTION_LOG=./gait-out/adoption.jsonl";

/** Runs the standard demo. */
export async function run(ctx: CommandContext): Promise<CommandOutput> {
  if (ctx.bool("policy")) return await (await loadCommand("demo_policy.ts")).run(ctx);
  const started = performance.now();
  const content = normalizeRunpack(demoRunpackDraft(gaitVersion()));
  const built = await writeRunpack(BUNDLE, content);
  const verify = await verifyRunpackFile(BUNDLE);
  if (!verify.ok) throw new GaitError("verification_failed", "verification failed");
  const footer = checkedTicketFooter(DEMO_RUN_ID, built.manifest.manifest_digest);
  const durationMs = Math.round(performance.now() - started);
  const json: Record<string, unknown> = {
    ok: true,
    mode: "standard",
    run_id: DEMO_RUN_ID,
    bundle: BUNDLE,
    ticket_footer: footer,
    verify: "ok",
    next_commands: NEXT_COMMANDS,
    metrics_opt_in: METRICS_OPT_IN,
    duration_ms: durationMs > 0 ? durationMs : undefined,
  };
  const text = [
    "mode=standard",
    `run_id=${DEMO_RUN_ID}`,
    `bundle=${BUNDLE}`,
    `ticket_footer=${footer}`,
    "verify=ok",
    `next=${NEXT_COMMANDS.join(",")}`,
    `metrics_opt_in=${METRICS_OPT_IN}`,
  ].join("\n");
  return { exitCode: 0, json, text };
}
