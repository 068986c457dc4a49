/**
 * `gait approve-script` (spec 02 §6.7): signs a registry entry pre-approving
 * one script intent under one policy, and upserts it by pattern_id.
 *
 * @module
 */

import { GaitError } from "../../core/errors.ts";
import { parseGoDurationNanos } from "../../gate/_go_duration.ts";
import {
  approvedScriptEntryObject,
  mintApprovedScriptEntry,
  upsertApprovedScriptEntry,
} from "../../gate/approved_scripts.ts";
import { readIntentFile, readPolicyFile } from "../../gate/eval_pipeline.ts";
import { normalizeIntent } from "../../gate/intent.ts";
import type { CommandContext, CommandOutput } from "../command.ts";
import { resolveSigningKeys, SIGNING_POLICY } from "../key_flags.ts";
import { gaitVersion } from "../build_info.ts";

/** Runs `gait approve-script`. */
export async function run(ctx: CommandContext): Promise<CommandOutput> {
  const policyPath = ctx.str("policy").trim();
  const intentPath = ctx.str("intent").trim();
  const registry = ctx.str("registry").trim();
  if (policyPath === "" || intentPath === "" || registry === "") {
    throw new GaitError("invalid_input", "--policy, --intent and --registry are required");
  }
  if (ctx.str("approver").trim() === "") {
    throw new GaitError("invalid_input", "--approver is required");
  }
  const ttlText = ctx.str("ttl").trim() || "168h";
  const ttl = parseGoDurationNanos(ttlText);
  if (ttl === null || ttl <= 0n) {
    throw new GaitError("invalid_input", "invalid --ttl, expected positive duration");
  }
  const policy = await readPolicyFile(policyPath);
  const intent = normalizeIntent(await readIntentFile(intentPath));
  const keys = await resolveSigningKeys(ctx, SIGNING_POLICY.gateEval);
  if (!keys.signer) throw new GaitError("invalid_input", "approved script entries must be signed");
  const entry = await mintApprovedScriptEntry({
    intent,
    policyDigest: policy.digest,
    approver: ctx.str("approver"),
    patternId: ctx.str("pattern-id"),
    ttlNanos: ttl,
    scope: ctx.str("scope").split(",").map((s) => s.trim()).filter((s) => s !== ""),
    now: ctx.clock.now(),
    producerVersion: gaitVersion(),
  }, keys.signer);
  const count = await upsertApprovedScriptEntry(registry, entry);
  const warnings = [...keys.warnings];
  return {
    exitCode: 0,
    json: {
      ok: true,
      registry_path: registry,
      pattern_id: entry.pattern_id,
      policy_digest: entry.policy_digest,
      script_hash: entry.script_hash,
      tool_sequence: entry.tool_sequence,
      scope: entry.scope.length > 0 ? entry.scope : undefined,
      approver_identity: entry.approver_identity,
      expires_at: entry.expires_at,
      entry_count: count,
      key_id: keys.signer.keyId,
      entry: approvedScriptEntryObject(entry),
      warnings: warnings.length > 0 ? warnings : undefined,
    },
    text: [
      `approved script entry written: ${entry.pattern_id} (${registry})`,
      `script_hash=${entry.script_hash} expires_at=${entry.expires_at} key_id=${keys.signer.keyId}`,
      ...warnings.map((w) => `warning: ${w}`),
    ].join("\n"),
  };
}
