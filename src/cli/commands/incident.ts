/**
 * `gait incident pack`: an unsigned evidence pack of what happened around a
 * run (spec 01 §8).
 *
 * @module
 */

import { parseGoDuration } from "../../core/duration.ts";
import { GaitError } from "../../core/errors.ts";
import { buildIncidentPack } from "../../guard/incident.ts";
import { resolveRunpack } from "../../runpack/resolve.ts";
import { gaitVersion } from "../build_info.ts";
import type { CommandContext, CommandOutput } from "../command.ts";

/** Runs `gait incident pack`. */
export async function run(ctx: CommandContext): Promise<CommandOutput> {
  const from = ctx.str("from").trim();
  if (from === "") throw new GaitError("invalid_input", "missing required --from <run_id|path>");
  const windowMs = parseGoDuration(ctx.str("window") || "0");
  const runpackPath = await resolveRunpack(from, ctx.env);
  const { pack, selection } = await buildIncidentPack({
    runpackPath,
    windowMs,
    template: ctx.str("template"),
    renderPdf: ctx.bool("render-pdf"),
    outputPath: ctx.str("out"),
    caseId: ctx.str("case-id"),
    producerVersion: gaitVersion(),
  });
  const counts = {
    trace_count: selection.tracePaths.length,
    regress_count: selection.regressPaths.length,
    approval_audit_count: selection.approvalAuditPaths.length,
    credential_evidence_count: selection.credentialEvidencePaths.length,
  };
  const json: Record<string, unknown> = {
    ok: true,
    pack_path: pack.path,
    pack_id: pack.manifest.pack_id,
    run_id: pack.runId,
    template_id: pack.templateId,
    trace_count: counts.trace_count || undefined,
    regress_count: counts.regress_count || undefined,
    approval_audit_count: counts.approval_audit_count || undefined,
    credential_evidence_count: counts.credential_evidence_count || undefined,
    policy_digests: selection.policyDigests.length ? selection.policyDigests : undefined,
    window_from: selection.window.from,
    window_to: selection.window.to,
  };
  const lines = [
    `incident pack ok: ${pack.path}`,
    `pack_id=${pack.manifest.pack_id}`,
    `run_id=${pack.runId}`,
    `template_id=${pack.templateId}`,
    `window=${selection.window.from}..${selection.window.to}`,
    ...Object.entries(counts).map(([k, v]) => `${k}=${v}`),
  ];
  if (selection.policyDigests.length) {
    lines.push(`policy_digests=${selection.policyDigests.join(",")}`);
  }
  return { exitCode: 0, json, text: lines.join("\n") };
}
