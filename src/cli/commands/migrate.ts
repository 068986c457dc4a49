/**
 * `gait migrate`: re-record a runpack unsigned in the current v1 format,
 * keeping its capture mode (spec 01 §4.6).
 *
 * @module
 */

import { GaitError } from "../../core/errors.ts";
import { dirname, joinPath, readFileLimited } from "../../fs/atomic.ts";
import { normalizeRunpack } from "../../runpack/normalize.ts";
import { loadRunpack } from "../../runpack/read.ts";
import { resolveRunpack } from "../../runpack/resolve.ts";
import { buildRunpack } from "../../runpack/write.ts";
import { writeFileAtomic } from "../../fs/atomic.ts";
import type { CommandContext, CommandOutput } from "../command.ts";

const MAX_RUNPACK_BYTES = 2 * 1024 * 1024 * 1024;

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Runs `gait migrate`. */
export async function run(ctx: CommandContext): Promise<CommandOutput> {
  const input = ctx.args.positionals[0] ?? "";
  if (input === "") throw new GaitError("invalid_input", "missing required <run_id|path>");
  const target = ctx.str("target");
  if (target !== "v1") {
    throw new GaitError(
      "invalid_input",
      `unsupported --target ${JSON.stringify(target)} (expected v1)`,
    );
  }
  const path = await resolveRunpack(input, ctx.env);
  const loaded = await loadRunpack(path);
  const runId = loaded.content.run.run_id;
  const output = ctx.str("out") || joinPath(dirname(path), `runpack_${runId}_migrated.zip`);
  const built = await buildRunpack(normalizeRunpack(loaded.content));
  const original = await readFileLimited(path, MAX_RUNPACK_BYTES, "runpack");
  const status = sameBytes(original, built.zip) ? "no_change" : "migrated";
  await writeFileAtomic(output, built.zip, { mode: 0o600, createParents: true });
  return {
    exitCode: 0,
    json: { ok: true, input: path, output, artifact: "runpack", status, run_id: runId },
    text: `migrate ok: ${path} -> ${output} (${status})`,
  };
}
