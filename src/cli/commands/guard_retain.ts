/**
 * `gait guard retain`: delete traces and evidence packs past their
 * time-to-live (spec 01 §8). Symbolic links are never followed or deleted.
 *
 * @module
 */

import { parseGoDuration } from "../../core/duration.ts";
import { applyRetention } from "../../guard/retention.ts";
import { gaitVersion } from "../build_info.ts";
import type { CommandContext, CommandOutput } from "../command.ts";

/** Runs `gait guard retain`. */
export async function run(ctx: CommandContext): Promise<CommandOutput> {
  const reportOut = ctx.str("report-out").trim();
  const report = await applyRetention({
    root: ctx.str("root"),
    traceTtlMs: parseGoDuration(ctx.str("trace-ttl") || "0"),
    packTtlMs: parseGoDuration(ctx.str("pack-ttl") || "0"),
    dryRun: ctx.bool("dry-run"),
    now: ctx.clock.now(),
    producerVersion: gaitVersion(),
    reportOut,
  });
  const json: Record<string, unknown> = {
    ok: true,
    root_path: report.root_path,
    scanned_files: report.scanned_files || undefined,
    deleted_files: report.deleted_files.length ? report.deleted_files : undefined,
    kept_files: report.kept_files.length ? report.kept_files : undefined,
    dry_run: report.dry_run || undefined,
    report_path: reportOut || undefined,
  };
  const verb = report.dry_run ? "would delete" : "deleted";
  const lines = [
    `guard retain ok: root=${report.root_path} scanned=${report.scanned_files} ${verb}=${report.deleted_files.length} kept=${report.kept_files.length}${
      report.dry_run ? " (dry run)" : ""
    }`,
  ];
  for (const f of report.deleted_files) {
    lines.push(`${verb}: ${f.path} (${f.kind}, age ${f.age_seconds}s)`);
  }
  if (reportOut) lines.push(`report: ${reportOut}`);
  return { exitCode: 0, json, text: lines.join("\n") };
}
