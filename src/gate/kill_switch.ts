/**
 * The kill switch (spec 02 §6.2, §3.1 steps 3 and 5): a state file of
 * entries, each selecting calls by agent, identity, tool, target, path,
 * environment or workspace; an enabled, unexpired matching entry blocks the
 * call. State edits (`gait kill-switch add|disable|expire`) run under the
 * state's lock; active decisions are journaled to `kill_switch_journal.jsonl`
 * beside the state.
 *
 * @module
 */

import { GaitError } from "../core/errors.ts";
import { sha256Hex } from "../core/digest.ts";
import { compareUtf8, goJson } from "../core/go_json.ts";
import { isJsonObject, type JsonObject, type JsonValue } from "../core/json_value.ts";
import { parseStrictJsonBytes } from "../core/strict_json.ts";
import {
  compareTimestamps,
  isZeroTimestamp,
  toUtcTimestamp,
  ZERO_TIME,
} from "../core/timestamp.ts";
import { dirname, joinPath, readFileLimited, writeFileAtomic } from "../fs/atomic.ts";
import { ensureDir } from "../fs/atomic.ts";
import { withFileLock } from "../fs/lock.ts";
import { cleanPath } from "./_go_path.ts";
import { goLower, goTrim } from "./_text.ts";
import type { NormalizedIntent } from "./intent_types.ts";
import { TARGET_KINDS } from "./intent_types.ts";
import type { KillSwitchDecision } from "./outcome.ts";

/** `schema_id` of the state file. */
export const KILL_SWITCH_STATE_SCHEMA_ID = "gait.gate.kill_switch_state";
/** `schema_id` of journal lines. */
export const KILL_SWITCH_JOURNAL_SCHEMA_ID = "gait.gate.kill_switch_journal";
/** Default state path of `gait kill-switch`. */
export const DEFAULT_KILL_SWITCH_STATE = "./.gait-out/kill_switch_state.json";
/** Largest accepted state file. */
export const MAX_KILL_SWITCH_STATE_BYTES = 8 * 1024 * 1024;

/** One normalized kill-switch entry. */
export interface KillSwitchEntry {
  entry_id: string;
  enabled: boolean;
  agent_id: string;
  identity: string;
  tool_name: string;
  target_kind: string;
  target_value: string;
  environment: string;
  path_prefixes: string[];
  workspace_prefixes: string[];
  reason: string;
  actor: string;
  /** UTC. */
  created_at: string;
  /** UTC; zero time = never expires. */
  expires_at: string;
}

/** A normalized kill-switch state. */
export interface KillSwitchState {
  created_at: string;
  updated_at: string;
  producer_version: string;
  entries: KillSwitchEntry[];
}

const KIND_SET: ReadonlySet<string> = new Set(TARGET_KINDS);

function cleanPrefixes(list: readonly string[]): string[] {
  const out = new Set<string>();
  for (const raw of list) {
    const v = goTrim(raw);
    if (v === "") continue;
    out.add(cleanPath(v.replaceAll("\\", "/")));
  }
  return [...out].sort(compareUtf8);
}

function utc(value: string, field: string): string {
  try {
    return toUtcTimestamp(value, field);
  } catch {
    throw new GaitError("invalid_input", `${field} must be an RFC 3339 timestamp`);
  }
}

/**
 * Normalizes one entry: trims, lowers tool_name/target_kind/environment,
 * cleans and sorts prefixes, requires an id, a known target kind and at least
 * one selector.
 *
 * @example
 * ```ts
 * normalizeKillSwitchEntry({ entry_id: "e1", tool_name: "Tool.Delete", created_at: "2026-03-01T00:00:00Z" }).tool_name; // "tool.delete"
 * ```
 */
export function normalizeKillSwitchEntry(
  raw: Partial<KillSwitchEntry>,
  label = "entry",
): KillSwitchEntry {
  const s = (v: unknown) => (typeof v === "string" ? goTrim(v) : "");
  const entry: KillSwitchEntry = {
    entry_id: s(raw.entry_id),
    enabled: raw.enabled ?? true,
    agent_id: s(raw.agent_id),
    identity: s(raw.identity),
    tool_name: goLower(s(raw.tool_name)),
    target_kind: goLower(s(raw.target_kind)),
    target_value: s(raw.target_value),
    environment: goLower(s(raw.environment)),
    path_prefixes: cleanPrefixes(raw.path_prefixes ?? []),
    workspace_prefixes: cleanPrefixes(raw.workspace_prefixes ?? []),
    reason: s(raw.reason),
    actor: s(raw.actor),
    created_at: s(raw.created_at),
    expires_at: s(raw.expires_at),
  };
  if (entry.entry_id === "") throw new GaitError("invalid_input", `${label}: entry_id is required`);
  if (entry.created_at === "" || isZeroTimestamp(entry.created_at)) {
    throw new GaitError("invalid_input", `${label}: created_at is required`);
  }
  entry.created_at = utc(entry.created_at, `${label}.created_at`);
  entry.expires_at = entry.expires_at === ""
    ? ZERO_TIME
    : utc(entry.expires_at, `${label}.expires_at`);
  if (entry.target_kind !== "" && !KIND_SET.has(entry.target_kind)) {
    throw new GaitError(
      "invalid_input",
      `${label}: unsupported target_kind ${JSON.stringify(entry.target_kind)}`,
    );
  }
  const hasSelector = entry.agent_id !== "" || entry.identity !== "" || entry.tool_name !== "" ||
    entry.target_kind !== "" || entry.target_value !== "" || entry.environment !== "" ||
    entry.path_prefixes.length > 0 || entry.workspace_prefixes.length > 0;
  if (!hasSelector) {
    throw new GaitError("invalid_input", `${label}: at least one selector is required`);
  }
  return entry;
}

/**
 * Parses and normalizes a state document. Throws `invalid_input` for a wrong
 * schema_id, missing timestamps, a bad entry or duplicate entry ids.
 *
 * @example
 * ```ts
 * parseKillSwitchState({ schema_id: "gait.gate.kill_switch_state", schema_version: "1.0.0", created_at: t, updated_at: t, entries: [] });
 * ```
 */
export function parseKillSwitchState(doc: JsonValue): KillSwitchState {
  if (!isJsonObject(doc)) throw new GaitError("invalid_input", "expected a JSON object");
  const schemaId = doc.schema_id;
  if (schemaId !== KILL_SWITCH_STATE_SCHEMA_ID) {
    throw new GaitError("invalid_input", `unexpected schema_id ${JSON.stringify(schemaId ?? "")}`);
  }
  const createdAt = typeof doc.created_at === "string" ? doc.created_at : "";
  const updatedAt = typeof doc.updated_at === "string" ? doc.updated_at : "";
  if (createdAt === "" || updatedAt === "") {
    throw new GaitError("invalid_input", "created_at and updated_at are required");
  }
  const rawEntries = doc.entries ?? [];
  if (!Array.isArray(rawEntries)) throw new GaitError("invalid_input", "entries must be an array");
  const seen = new Set<string>();
  const entries = rawEntries.map((e, i) => {
    const label = `entries[${i}]`;
    if (!isJsonObject(e)) throw new GaitError("invalid_input", `${label} must be an object`);
    for (
      const k of [
        "entry_id",
        "agent_id",
        "identity",
        "tool_name",
        "target_kind",
        "target_value",
        "environment",
        "reason",
        "actor",
        "created_at",
        "expires_at",
      ]
    ) {
      if (e[k] !== undefined && e[k] !== null && typeof e[k] !== "string") {
        throw new GaitError("invalid_input", `${label}.${k} must be a string`);
      }
    }
    for (const k of ["path_prefixes", "workspace_prefixes"]) {
      const v = e[k];
      if (
        v !== undefined && v !== null && (!Array.isArray(v) || v.some((x) => typeof x !== "string"))
      ) {
        throw new GaitError("invalid_input", `${label}.${k} must be an array of strings`);
      }
    }
    if (e.enabled !== undefined && typeof e.enabled !== "boolean") {
      throw new GaitError("invalid_input", `${label}.enabled must be a boolean`);
    }
    const entry = normalizeKillSwitchEntry({
      ...(e as Record<string, unknown>),
      enabled: e.enabled === undefined ? false : e.enabled as boolean,
    } as Partial<KillSwitchEntry>, label);
    if (seen.has(entry.entry_id)) {
      throw new GaitError("invalid_input", `duplicate entry_id ${JSON.stringify(entry.entry_id)}`);
    }
    seen.add(entry.entry_id);
    return entry;
  });
  entries.sort((a, b) => compareUtf8(a.entry_id, b.entry_id));
  return {
    created_at: utc(createdAt, "created_at"),
    updated_at: utc(updatedAt, "updated_at"),
    producer_version: typeof doc.producer_version === "string" ? doc.producer_version : "",
    entries,
  };
}

/**
 * Reads a state file. A missing file is an error unless `missingOk` (then an
 * empty state stamped `now`).
 *
 * @example
 * ```ts
 * const state = await readKillSwitchState("kill_switch_state.json");
 * ```
 */
export async function readKillSwitchState(
  path: string,
  options: { missingOk?: boolean; now?: string; producerVersion?: string } = {},
): Promise<KillSwitchState> {
  let bytes: Uint8Array;
  try {
    bytes = await readFileLimited(path, MAX_KILL_SWITCH_STATE_BYTES, "kill switch state");
  } catch (error) {
    if (
      options.missingOk && error instanceof GaitError && error.message.includes("no such file")
    ) {
      const now = options.now ?? ZERO_TIME;
      return {
        created_at: now,
        updated_at: now,
        producer_version: options.producerVersion ?? "",
        entries: [],
      };
    }
    throw error;
  }
  try {
    return parseKillSwitchState(parseStrictJsonBytes(bytes, { label: "kill switch state" }));
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new GaitError("invalid_input", `kill switch state ${path} is invalid: ${why}`);
  }
}

function entryObject(e: KillSwitchEntry): JsonObject {
  const o: JsonObject = { entry_id: e.entry_id, enabled: e.enabled };
  const put = (k: string, v: string | string[]) => {
    if (Array.isArray(v) ? v.length > 0 : v !== "") o[k] = v;
  };
  put("agent_id", e.agent_id);
  put("identity", e.identity);
  put("tool_name", e.tool_name);
  put("target_kind", e.target_kind);
  put("target_value", e.target_value);
  put("environment", e.environment);
  put("path_prefixes", e.path_prefixes);
  put("workspace_prefixes", e.workspace_prefixes);
  put("reason", e.reason);
  put("actor", e.actor);
  o.created_at = e.created_at;
  o.expires_at = e.expires_at;
  return o;
}

/**
 * The state document (field order of the reference struct).
 *
 * @example
 * ```ts
 * killSwitchStateObject(state).schema_id; // "gait.gate.kill_switch_state"
 * ```
 */
export function killSwitchStateObject(state: KillSwitchState): JsonObject {
  return {
    schema_id: KILL_SWITCH_STATE_SCHEMA_ID,
    schema_version: "1.0.0",
    created_at: state.created_at,
    updated_at: state.updated_at,
    producer_version: state.producer_version,
    entries: state.entries.map(entryObject),
  };
}

function prefixMatch(value: string, prefix: string): boolean {
  return value === prefix || value.startsWith(prefix + "/") ||
    (prefix.endsWith("/") && value.startsWith(prefix));
}

/**
 * Matches the state against a prepared intent at the evaluation time.
 *
 * @example
 * ```ts
 * matchKillSwitch(state, prepared, "2026-03-01T00:00:00Z").status; // "active" | "inactive"
 * ```
 */
export function matchKillSwitch(
  state: KillSwitchState,
  intent: NormalizedIntent,
  evaluationTime: string,
): KillSwitchDecision {
  const targets = [
    ...intent.targets,
    ...(intent.script?.steps.flatMap((s) => s.targets) ?? []),
  ];
  const tools = new Set([
    intent.tool_name,
    ...(intent.script?.steps.map((s) => s.tool_name) ?? []),
  ]);
  const paths = targets.filter((t) => t.kind === "path").map((t) => cleanPath(t.value));
  const workspace = intent.context.workspace === "" ? "" : cleanPath(intent.context.workspace);
  const codes = new Set<string>();
  const ids: string[] = [];
  for (const e of state.entries) {
    if (!e.enabled) continue;
    if (!isZeroTimestamp(e.expires_at) && compareTimestamps(e.expires_at, evaluationTime) <= 0) {
      continue;
    }
    const hit: string[] = [];
    if (e.agent_id !== "") {
      if (intent.context.agent_id !== e.agent_id) continue;
      hit.push("kill_switch_agent_id_active");
    }
    if (e.identity !== "") {
      if (intent.context.identity !== e.identity) continue;
      hit.push("kill_switch_identity_active");
    }
    if (e.tool_name !== "") {
      if (![...tools].some((t) => goLower(t) === e.tool_name)) continue;
      hit.push("kill_switch_tool_name_active");
    }
    if (e.environment !== "") {
      if (goLower(intent.context.environment) !== e.environment) continue;
      hit.push("kill_switch_environment_active");
    }
    if (e.target_kind !== "" || e.target_value !== "") {
      const ok = targets.some((t) =>
        (e.target_kind === "" || t.kind === e.target_kind) &&
        (e.target_value === "" || t.value === e.target_value)
      );
      if (!ok) continue;
      hit.push("kill_switch_target_active");
    }
    if (e.path_prefixes.length > 0) {
      if (!paths.some((p) => e.path_prefixes.some((x) => prefixMatch(p, x)))) continue;
      hit.push("kill_switch_path_active");
    }
    if (e.workspace_prefixes.length > 0) {
      if (workspace === "" || !e.workspace_prefixes.some((x) => prefixMatch(workspace, x))) {
        continue;
      }
      hit.push("kill_switch_workspace_active");
    }
    ids.push(e.entry_id);
    for (const c of hit) codes.add(c);
  }
  if (ids.length === 0) {
    return {
      status: "inactive",
      reason_code: "",
      reason_codes: [],
      matched_entry_ids: [],
      evaluated_at: evaluationTime,
    };
  }
  const specific = [...codes].sort(compareUtf8);
  codes.add("kill_switch_active");
  return {
    status: "active",
    reason_code: specific[0] ?? "kill_switch_active",
    reason_codes: [...codes].sort(compareUtf8),
    matched_entry_ids: [...new Set(ids)].sort(compareUtf8),
    evaluated_at: evaluationTime,
  };
}

/** The journal path beside a state file. */
export function killSwitchJournalPath(statePath: string): string {
  return joinPath(dirname(statePath), "kill_switch_journal.jsonl");
}

/**
 * Appends one line to `kill_switch_journal.jsonl` beside the state (one
 * append-mode write, so concurrent evaluations never interleave lines).
 *
 * @example
 * ```ts
 * await appendKillSwitchJournal("state.json", { ... });
 * ```
 */
export async function appendKillSwitchJournal(
  statePath: string,
  record: {
    createdAt: string;
    producerVersion: string;
    traceId: string;
    intent: NormalizedIntent;
    decision: KillSwitchDecision;
  },
): Promise<string> {
  const path = killSwitchJournalPath(statePath);
  const line: JsonObject = {
    schema_id: KILL_SWITCH_JOURNAL_SCHEMA_ID,
    schema_version: "1.0.0",
    created_at: record.createdAt,
    producer_version: record.producerVersion,
    source: "gate_eval",
    trace_id: record.traceId,
  };
  const put = (k: string, v: string | string[]) => {
    if (Array.isArray(v) ? v.length > 0 : v !== "") line[k] = v;
  };
  put("job_id", record.intent.context.job_id);
  put("tool_name", record.intent.tool_name);
  put("agent_id", record.intent.context.agent_id);
  put("identity", record.intent.context.identity);
  put("reason_codes", record.decision.reason_codes);
  put("matched_entry_ids", record.decision.matched_entry_ids);
  await ensureDir(dirname(path));
  const file = await Deno.open(path, { append: true, create: true, mode: 0o600 });
  try {
    const bytes = new TextEncoder().encode(goJson(line) + "\n");
    let written = 0;
    while (written < bytes.length) written += await file.write(bytes.subarray(written));
  } finally {
    file.close();
  }
  return path;
}

/**
 * The default entry id: first 12 bytes hex of sha256 of the NUL-joined
 * selector fields, reason and created_at.
 *
 * @example
 * ```ts
 * defaultKillSwitchEntryId(entry).length; // 24
 * ```
 */
export function defaultKillSwitchEntryId(e: Omit<KillSwitchEntry, "entry_id">): string {
  return sha256Hex([
    e.agent_id,
    e.identity,
    e.tool_name,
    e.target_kind,
    e.target_value,
    e.environment,
    e.path_prefixes.join(","),
    e.workspace_prefixes.join(","),
    e.reason,
    e.created_at,
  ].join("\u0000")).slice(0, 24);
}

/**
 * Read-modify-write of a state file under `<path>.lock`; a missing file
 * starts empty. Returns the saved state.
 *
 * @example
 * ```ts
 * await updateKillSwitchState(path, now, "1.0.0", (s) => { s.entries.push(entry); });
 * ```
 */
export async function updateKillSwitchState(
  path: string,
  now: string,
  producerVersion: string,
  change: (state: KillSwitchState) => void,
): Promise<KillSwitchState> {
  await ensureDir(dirname(path));
  return await withFileLock(`${path}.lock`, {
    record: {
      schema_id: "gait.gate.kill_switch_lock",
      schema_version: "1.0.0",
      pid: Deno.pid,
      created_at: now,
    },
    label: "kill switch state",
  }, async () => {
    const state = await readKillSwitchState(path, { missingOk: true, now, producerVersion });
    change(state);
    state.entries.sort((a, b) => compareUtf8(a.entry_id, b.entry_id));
    state.updated_at = now;
    if (producerVersion !== "") state.producer_version = producerVersion;
    await writeFileAtomic(path, goJson(killSwitchStateObject(state), { indent: "  " }) + "\n", {
      createParents: true,
    });
    return state;
  });
}
