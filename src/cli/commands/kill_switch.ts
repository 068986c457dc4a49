/**
 * `gait kill-switch add|list|disable|expire --state <path>` (spec 02 §6.2):
 * edits the kill-switch state file under its lock.
 *
 * @module
 */

import { GaitError } from "../../core/errors.ts";
import type { JsonObject } from "../../core/json_value.ts";
import { toUtcTimestamp } from "../../core/timestamp.ts";
import {
  DEFAULT_KILL_SWITCH_STATE,
  defaultKillSwitchEntryId,
  killSwitchStateObject,
  normalizeKillSwitchEntry,
  readKillSwitchState,
  updateKillSwitchState,
} from "../../gate/kill_switch.ts";
import type { CommandContext, CommandOutput } from "../command.ts";
import { gaitVersion } from "../build_info.ts";

function statePath(ctx: CommandContext): string {
  return ctx.str("state").trim() || DEFAULT_KILL_SWITCH_STATE;
}

function csv(value: string): string[] {
  return value.split(",").map((s) => s.trim()).filter((s) => s !== "");
}

function stateOutput(path: string, state: JsonObject, extra: JsonObject = {}): JsonObject {
  return { ok: true, state_path: path, ...extra, entries: state.entries ?? [] };
}

/** `gait kill-switch add`. */
export async function runAdd(ctx: CommandContext): Promise<CommandOutput> {
  const path = statePath(ctx);
  const now = ctx.clock.now();
  const expires = ctx.str("expires-at").trim();
  const draft = normalizeKillSwitchEntry({
    entry_id: ctx.str("entry-id").trim() || "pending",
    enabled: true,
    agent_id: ctx.str("agent-id"),
    identity: ctx.str("identity"),
    tool_name: ctx.str("tool-name"),
    target_kind: ctx.str("target-kind"),
    target_value: ctx.str("target-value"),
    environment: ctx.str("environment"),
    path_prefixes: csv(ctx.str("path-prefixes")),
    workspace_prefixes: csv(ctx.str("workspace-prefixes")),
    reason: ctx.str("reason"),
    actor: ctx.str("actor"),
    created_at: now,
    expires_at: expires === "" ? "" : toUtcTimestamp(expires, "--expires-at"),
  }, "kill switch entry");
  const entry = {
    ...draft,
    entry_id: ctx.str("entry-id").trim() || defaultKillSwitchEntryId(draft),
  };
  const state = await updateKillSwitchState(path, now, gaitVersion(), (s) => {
    s.entries = s.entries.filter((e) => e.entry_id !== entry.entry_id);
    s.entries.push(entry);
  });
  const doc = killSwitchStateObject(state);
  return {
    exitCode: 0,
    json: stateOutput(path, doc, { entry_id: entry.entry_id }),
    text: `kill switch entry added: ${entry.entry_id} (${path})`,
  };
}

/** `gait kill-switch list`. */
export async function runList(ctx: CommandContext): Promise<CommandOutput> {
  const path = statePath(ctx);
  const state = await readKillSwitchState(path, { missingOk: true, now: ctx.clock.now() });
  const doc = killSwitchStateObject(state);
  const lines = state.entries.map((e) =>
    `${e.entry_id} enabled=${e.enabled} expires_at=${e.expires_at} reason=${e.reason}`
  );
  return {
    exitCode: 0,
    json: stateOutput(path, doc),
    text: lines.length > 0 ? lines.join("\n") : `no kill switch entries (${path})`,
  };
}

async function change(
  ctx: CommandContext,
  verb: "disable" | "expire",
): Promise<CommandOutput> {
  const path = statePath(ctx);
  const id = ctx.str("entry-id").trim();
  if (id === "") throw new GaitError("invalid_input", "--entry-id is required");
  const now = ctx.clock.now();
  const at = verb === "expire"
    ? (ctx.str("expires-at").trim()
      ? toUtcTimestamp(ctx.str("expires-at").trim(), "--expires-at")
      : now)
    : "";
  const state = await updateKillSwitchState(path, now, gaitVersion(), (s) => {
    const entry = s.entries.find((e) => e.entry_id === id);
    if (!entry) throw new GaitError("invalid_input", `kill switch entry not found: ${id}`);
    if (verb === "disable") entry.enabled = false;
    else entry.expires_at = at;
  });
  return {
    exitCode: 0,
    json: stateOutput(path, killSwitchStateObject(state), { entry_id: id }),
    text: `kill switch entry ${verb === "disable" ? "disabled" : "expired"}: ${id} (${path})`,
  };
}

/** `gait kill-switch disable`. */
export function runDisable(ctx: CommandContext): Promise<CommandOutput> {
  return change(ctx, "disable");
}

/** `gait kill-switch expire`. */
export function runExpire(ctx: CommandContext): Promise<CommandOutput> {
  return change(ctx, "expire");
}
