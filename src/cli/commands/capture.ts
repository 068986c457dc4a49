/**
 * `gait capture --from <run_id|runpack.zip|trace.json|session_chain.json>`:
 * resolve an explicit source and persist a capture receipt (spec 03 §3.7).
 *
 * @module
 */

import { GaitError } from "../../core/errors.ts";
import { writeFileAtomic } from "../../fs/atomic.ts";
import {
  captureSource,
  DEFAULT_CAPTURE_PATH,
  renderCaptureReceipt,
} from "../../regress/capture.ts";
import type { CommandContext, CommandOutput } from "../command.ts";

/** Runs `gait capture`. */
export async function run(ctx: CommandContext): Promise<CommandOutput> {
  if (ctx.has("save-as")) {
    throw new GaitError("invalid_input", "deprecated flag spelling: --save-as -> --out", {
      hint: "use `--out` instead",
      details: {
        migration: { kind: "flag", deprecated_flag: "--save-as", replacement_flag: "--out" },
      },
    });
  }
  const from = ctx.str("from") || ctx.args.positionals[0] || "";
  if (from === "") {
    throw new GaitError(
      "invalid_input",
      "missing required --from <run_id|runpack.zip|trace.json|session_chain.json>",
    );
  }
  const out = ctx.str("out") || DEFAULT_CAPTURE_PATH;
  const receipt = await captureSource(from, ctx.str("checkpoint"), out, ctx.env);
  await writeFileAtomic(out, renderCaptureReceipt(receipt), { mode: 0o600, createParents: true });
  return {
    exitCode: 0,
    json: { ...receipt },
    text:
      `capture ok: type=${receipt.artifact_type} path=${receipt.artifact_path}\nreceipt: ${out}`,
  };
}
