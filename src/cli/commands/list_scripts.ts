/**
 * `gait list-scripts --registry <path>` (spec 02 §6.7): lists the entries of
 * an approved-script registry (not verified; `gate eval` verifies).
 *
 * @module
 */

import { GaitError } from "../../core/errors.ts";
import {
  approvedScriptEntryObject,
  normalizeApprovedScriptEntry,
  readApprovedScriptRegistry,
} from "../../gate/approved_scripts.ts";
import type { CommandContext, CommandOutput } from "../command.ts";

/** Runs `gait list-scripts`. */
export async function run(ctx: CommandContext): Promise<CommandOutput> {
  const registry = ctx.str("registry").trim();
  if (registry === "") throw new GaitError("invalid_input", "--registry is required");
  const raw = await readApprovedScriptRegistry(registry, { missingOk: true });
  const entries = raw.map((e, i) => {
    try {
      return normalizeApprovedScriptEntry(e);
    } catch (error) {
      throw new GaitError(
        "invalid_input",
        `approved script registry ${registry}: entry ${i}: ${
          error instanceof Error ? error.message : String(error)
        }`,
      );
    }
  });
  return {
    exitCode: 0,
    json: {
      ok: true,
      registry_path: registry,
      count: entries.length,
      entries: entries.map((e) => approvedScriptEntryObject(e)),
    },
    text: entries.length === 0
      ? `no approved scripts (${registry})`
      : entries.map((e) =>
        `${e.pattern_id} tools=${
          e.tool_sequence.join(",")
        } approver=${e.approver_identity} expires_at=${e.expires_at}`
      ).join("\n"),
  };
}
