/**
 * `gait run reduce`: the smallest runpack that still fails (spec 03 §3.6).
 *
 * @module
 */

import { GaitError } from "../../core/errors.ts";
import { goJson } from "../../core/go_json.ts";
import { dirname, joinPath, writeFileAtomic } from "../../fs/atomic.ts";
import { loadRunpack } from "../../runpack/read.ts";
import { parseReducePredicate, reduceRunpack } from "../../runpack/reduce.ts";
import { resolveRunpack } from "../../runpack/resolve.ts";
import { buildRunpack } from "../../runpack/write.ts";
import type { CommandContext, CommandOutput } from "../command.ts";

async function samePath(a: string, b: string): Promise<boolean> {
  try {
    return (await Deno.realPath(a)) === (await Deno.realPath(b));
  } catch {
    return false;
  }
}

/** Runs `gait run reduce`. */
export async function run(ctx: CommandContext): Promise<CommandOutput> {
  const from = ctx.str("from") || ctx.args.positionals[0] || "";
  if (from === "") throw new GaitError("invalid_input", "missing required --from <run_id|path>");
  const predicate = parseReducePredicate(ctx.str("predicate"));
  const input = await resolveRunpack(from, ctx.env);
  const { content } = await loadRunpack(input);
  const { content: reduced, report } = reduceRunpack(content, predicate, ctx.clock.now());
  const output = ctx.str("out") ||
    joinPath(dirname(input), `runpack_${content.run.run_id}_reduced_${predicate}.zip`);
  const reportPath = ctx.str("report-out") || `${output}.reduce_report.json`;
  if (await samePath(output, input) || output === reportPath) {
    throw new GaitError(
      "invalid_input",
      "--out and --report-out must differ from the input runpack and from each other",
    );
  }
  const built = await buildRunpack(reduced);
  await writeFileAtomic(output, built.zip, { mode: 0o600 });
  await writeFileAtomic(reportPath, goJson(report), { mode: 0o600 });
  return {
    exitCode: 0,
    json: {
      ok: true,
      input,
      output,
      report_path: reportPath,
      run_id: report.run_id,
      reduced_run_id: report.reduced_run_id,
      predicate,
      report,
    },
    text: `run reduce ok: ${input} -> ${output}\nreport: ${reportPath}`,
  };
}
