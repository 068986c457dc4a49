/**
 * `gait run inspect`: the intents and results of a verified runpack
 * (spec 03 §3.2).
 *
 * @module
 */

import { GaitError } from "../../core/errors.ts";
import { isJsonObject, type JsonValue } from "../../core/json_value.ts";
import { loadRunpack } from "../../runpack/read.ts";
import { resolveRunpack } from "../../runpack/resolve.ts";
import type { ResultRecord } from "../../runpack/types.ts";
import type { CommandContext, CommandOutput } from "../command.ts";

interface InspectEntry {
  index: number;
  intent_id: string;
  tool_name: string;
  created_at: string;
  args_digest?: string;
  status?: string;
  result_digest?: string;
  verdict?: string;
  reason_codes?: string[];
  violations?: string[];
}

function stringList(value: JsonValue | undefined): string[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const items = value.filter((v): v is string => typeof v === "string" && v !== "");
  return items.length > 0 ? items : undefined;
}

function resultDetails(
  result: ResultRecord,
): Pick<InspectEntry, "verdict" | "reason_codes" | "violations"> {
  const payload = result.result;
  if (!isJsonObject(payload)) return {};
  const verdict = typeof payload.verdict === "string" && payload.verdict !== ""
    ? payload.verdict
    : undefined;
  return {
    verdict,
    reason_codes: stringList(payload.reason_codes),
    violations: stringList(payload.violations),
  };
}

/** Runs `gait run inspect`. */
export async function run(ctx: CommandContext): Promise<CommandOutput> {
  const from = ctx.str("from") || ctx.args.positionals[0] || "";
  if (from === "") throw new GaitError("invalid_input", "missing required --from <run_id|path>");
  const path = await resolveRunpack(from, ctx.env);
  const { content } = await loadRunpack(path);
  const warnings: string[] = [];
  const firstResult = new Map<string, ResultRecord>();
  for (const r of content.results) {
    if (firstResult.has(r.intent_id)) {
      warnings.push(`multiple result records for intent_id=${r.intent_id} (kept first)`);
    } else {
      firstResult.set(r.intent_id, r);
    }
  }
  const intentIds = new Set(content.intents.map((i) => i.intent_id));
  const unmatched = content.results.map((r) => r.intent_id).filter((id) => !intentIds.has(id));
  const entries: InspectEntry[] = content.intents.map((intent, i) => {
    const result = firstResult.get(intent.intent_id);
    return {
      index: i + 1,
      intent_id: intent.intent_id,
      tool_name: intent.tool_name,
      created_at: intent.created_at,
      args_digest: intent.args_digest || undefined,
      status: result?.status || undefined,
      result_digest: result?.result_digest || undefined,
      ...(result ? resultDetails(result) : {}),
    };
  });
  const json = {
    ok: true,
    artifact_type: "runpack",
    run_id: content.run.run_id,
    path,
    capture_mode: content.captureMode,
    intents_total: content.intents.length,
    results_total: content.results.length,
    entries,
    unmatched_results: unmatched,
    warnings,
  };
  const lines = [
    `run inspect: run_id=${content.run.run_id} intents=${content.intents.length} results=${content.results.length} capture_mode=${content.captureMode}`,
    `path: ${path}`,
  ];
  for (const e of entries) {
    lines.push(
      `${e.index}. intent=${e.intent_id} tool=${e.tool_name} status=${
        e.status ?? "missing_result"
      }${e.verdict ? ` verdict=${e.verdict}` : ""}`,
    );
    if (e.reason_codes) lines.push(`   reasons: ${e.reason_codes.join(", ")}`);
    if (e.violations) lines.push(`   violations: ${e.violations.join(", ")}`);
  }
  if (unmatched.length > 0) lines.push(`unmatched results: ${unmatched.join(", ")}`);
  for (const w of warnings) lines.push(`warning: ${w}`);
  return { exitCode: 0, json, text: lines.join("\n") };
}
