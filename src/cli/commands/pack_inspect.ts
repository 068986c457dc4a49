/**
 * `gait pack inspect` (spec 01 §5.3): a pack's manifest, payload and lineage,
 * without verification.
 *
 * @module
 */

import { inspectPackFile, type PackInspection } from "../../pack/inspect.ts";
import type { CommandContext, CommandOutput } from "../command.ts";
import { packOutput, positional, withPackErrors } from "./_pack_output.ts";

function inspectText(path: string, inspection: PackInspection): string {
  const lines = [
    `pack inspect: ${path}`,
    `pack_id=${inspection.pack_id}`,
    `pack_type=${inspection.pack_type}`,
    `source_ref=${inspection.source_ref}`,
  ];
  if (inspection.legacy_type) lines.push(`legacy_type=${inspection.legacy_type}`);
  const p = inspection.run_payload;
  if (p) {
    lines.push(
      `capture_mode=${p.capture_mode}`,
      `run_manifest_digest=${p.manifest_digest}`,
      `intents=${p.intents_count} results=${p.results_count} refs=${p.refs_count}`,
    );
    if (p.context_privacy_mode) lines.push(`context_privacy_mode=${p.context_privacy_mode}`);
  }
  const lineage = inspection.run_lineage;
  if (lineage) {
    lines.push(
      `timeline_events=${lineage.timeline_events} receipts=${lineage.receipt_count}`,
    );
    for (const r of lineage.intent_results) {
      lines.push(`  ${r.intent_id} ${r.tool_name ?? "-"} ${r.status ?? "-"}`);
    }
  }
  const job = inspection.job_lineage;
  if (inspection.job_payload) {
    lines.push(`job_status=${inspection.job_payload.status}`);
  }
  if (job) {
    lines.push(`events=${job.event_count} last_event=${job.last_event_type ?? "-"}`);
    for (const c of job.checkpoint_refs) {
      lines.push(`  ${c.checkpoint_id} ${c.type} ${c.reason_code}`);
    }
  }
  return lines.join("\n");
}

/** Runs `gait pack inspect`. */
export function run(ctx: CommandContext): Promise<CommandOutput> {
  return withPackErrors("inspect", async () => {
    const path = positional(ctx, 0, "<pack.zip>");
    const inspection = await inspectPackFile(path);
    return {
      exitCode: 0,
      json: packOutput("inspect", {
        ok: true,
        path,
        pack_id: inspection.pack_id,
        pack_type: inspection.pack_type,
        source_ref: inspection.source_ref,
        inspect: inspection,
      }),
      text: inspectText(path, inspection),
    };
  });
}
