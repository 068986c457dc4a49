/**
 * `gait pack diff` (spec 01 §5.3): file differences, manifest delta and
 * context drift between two packs; exit 2 when they differ.
 *
 * @module
 */

import { GaitError } from "../../core/errors.ts";
import { goJson } from "../../core/go_json.ts";
import { writeFileAtomic } from "../../fs/atomic.ts";
import { diffPackFiles } from "../../pack/diff.ts";
import type { CommandContext, CommandOutput } from "../command.ts";
import { packOutput, positional, withPackErrors } from "./_pack_output.ts";

/** Runs `gait pack diff`. */
export function run(ctx: CommandContext): Promise<CommandOutput> {
  return withPackErrors("diff", async () => {
    if (ctx.args.positionals.length < 2) {
      throw new GaitError("invalid_input", "missing required <left.zip> <right.zip>");
    }
    const left = positional(ctx, 0, "<left.zip>");
    const right = positional(ctx, 1, "<right.zip>");
    const result = await diffPackFiles(left, right);
    const output = ctx.str("output").trim();
    if (output !== "") {
      await writeFileAtomic(output, goJson(result), { mode: 0o600, createParents: true });
    }
    const s = result.summary;
    const lines: string[] = [];
    if (!s.changed) {
      lines.push(`pack diff ok: no changes (${left} vs ${right})`);
    } else {
      lines.push(`pack diff changed: ${left} vs ${right}`);
      if (s.added_files) lines.push(`added: ${s.added_files.join(", ")}`);
      if (s.removed_files) lines.push(`removed: ${s.removed_files.join(", ")}`);
      if (s.changed_files) lines.push(`changed: ${s.changed_files.join(", ")}`);
      lines.push(
        `manifest_delta=${s.manifest_delta} context_drift=${s.context_drift_classification}`,
      );
    }
    if (output !== "") lines.push(`output=${output}`);
    return {
      exitCode: s.changed ? 2 : 0,
      json: packOutput("diff", { ok: !s.changed, diff: { Result: result } }),
      text: lines.join("\n"),
    };
  });
}
