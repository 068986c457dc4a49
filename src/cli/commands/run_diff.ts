/**
 * `gait run diff <left> <right>`: compare two runpacks or two session chains
 * (spec 03 §3.4). Exit 0 when nothing changed, 2 when something did.
 *
 * @module
 */

import { GaitError } from "../../core/errors.ts";
import { goJson } from "../../core/go_json.ts";
import { writeFileAtomic } from "../../fs/atomic.ts";
import {
  diffRunpacks,
  diffSessionChains,
  isJsonPathArgument,
  parseDiffPrivacy,
  readSessionChain,
} from "../../runpack/diff.ts";
import { loadRunpack } from "../../runpack/read.ts";
import { resolveRunpack } from "../../runpack/resolve.ts";
import type { CommandContext, CommandOutput } from "../command.ts";

/** Runs `gait run diff`. */
export async function run(ctx: CommandContext): Promise<CommandOutput> {
  const [left = "", right = ""] = ctx.args.positionals;
  if (left === "" || right === "") {
    throw new GaitError("invalid_input", "run diff requires <left> and <right>");
  }
  const privacy = parseDiffPrivacy(ctx.str("privacy"));
  const chains = [left, right].map(isJsonPathArgument);
  if (chains[0] !== chains[1]) {
    throw new GaitError(
      "invalid_input",
      "run diff compares two runpacks or two session-chain .json files, not one of each",
    );
  }
  const diff = chains[0]
    ? diffSessionChains(await readSessionChain(left), await readSessionChain(right), privacy)
    : diffRunpacks(
      await loadRunpack(await resolveRunpack(left, ctx.env)),
      await loadRunpack(await resolveRunpack(right, ctx.env)),
      privacy,
    );
  const output = ctx.str("output");
  if (output !== "") {
    await writeFileAtomic(output, goJson({ privacy: diff.privacy, summary: diff.summary }), {
      mode: 0o600,
    });
  }
  const s = diff.summary;
  const lines = [`diff ${diff.ok ? "ok" : "changed"}: ${s.run_id_left} vs ${s.run_id_right}`];
  if (s.files_changed) lines.push(`files changed: ${s.files_changed.join(", ")}`);
  const classes = [
    s.manifest_changed && "manifest",
    s.intents_changed && "intents",
    s.results_changed && "results",
    s.refs_changed && `refs (${s.context_drift_classification ?? "changed"})`,
  ].filter(Boolean);
  if (classes.length) lines.push(`changed: ${classes.join(", ")}`);
  for (
    const [label, list] of [
      ["left only intents", s.left_only_intents],
      ["right only intents", s.right_only_intents],
      ["left only results", s.left_only_results],
      ["right only results", s.right_only_results],
    ] as const
  ) {
    if (list) lines.push(`${label}: ${list.join(", ")}`);
  }
  if (output !== "") lines.push(`output: ${output}`);
  return {
    exitCode: diff.ok ? 0 : 2,
    json: {
      ok: diff.ok,
      privacy: diff.privacy,
      summary: diff.summary,
      output: output || undefined,
    },
    text: lines.join("\n"),
  };
}
