/**
 * Replaying a runpack (spec 03 §3.3). Stub mode, the default, never runs a
 * tool: every intent is answered from its recorded result, from a
 * deterministic stub, or reported as a missing result. Real mode runs a few
 * allow-listed tools, but only behind three explicit interlocks and only for
 * raw-capture runpacks.
 *
 * @module
 */

import { sha256Hex } from "../core/digest.ts";
import { GaitError } from "../core/errors.ts";
import { compareUtf8 } from "../core/go_json.ts";
import { type RealToolKind, realToolKind } from "./_real_tools.ts";
import type { IntentRecord, ResultRecord, RunpackContent } from "./types.ts";

/** The kinds of deterministic stub results. */
export type StubType = "http" | "file" | "db" | "queue";

/** `stub` (default) or `real`. */
export type ReplayMode = "stub" | "real";

/** One replayed intent. */
export interface ReplayStep {
  intent_id: string;
  tool_name: string;
  /** The recorded status, `stubbed`, `missing_result`, or a real tool's `ok`/`error`. */
  status: string;
  /** `recorded`, `missing` or `executed`; absent for stubs. */
  execution?: string;
  stub_type?: StubType;
  result_digest?: string;
  /** Why a real tool step failed (real mode only). */
  error?: string;
}

/** What a replay produced. */
export interface ReplayResult {
  /** True when every intent has a result (recorded, stubbed or executed). */
  ok: boolean;
  run_id: string;
  mode: ReplayMode;
  steps: ReplayStep[];
  /** Intent ids with no result, sorted. */
  missing_results: string[];
  warnings: string[];
}

/** The outcome of running one allow-listed tool. */
export interface RealToolOutcome {
  status: "ok" | "error";
  result_digest?: string;
  error?: string;
}

/** Runs one allow-listed tool for real (injected so tests and the CLI decide). */
export type RealToolExecutor = (
  kind: RealToolKind | undefined,
  intent: IntentRecord,
) => Promise<RealToolOutcome>;

/** Options of {@link replayRunpack}. */
export interface ReplayOptions {
  /** Real mode: allow-listed tool names (matched case-insensitively) and their executor. */
  real?: { allowTools: readonly string[]; execute: RealToolExecutor };
}

const STUB_RULES: readonly [StubType, readonly string[]][] = [
  ["http", ["http", "fetch", "url"]],
  ["file", ["file", "path", "fs", "write"]],
  ["db", ["db", "sql", "query", "table"]],
  ["queue", ["queue", "topic", "publish", "kafka"]],
];

/**
 * The stub type of a tool name: the first rule whose word occurs in the
 * lower-cased name, or undefined when none does.
 *
 * @example
 * ```ts
 * stubTypeForTool("tool.fetch"); // "http"
 * stubTypeForTool("tool.search"); // undefined
 * ```
 */
export function stubTypeForTool(toolName: string): StubType | undefined {
  const name = toolName.toLowerCase();
  for (const [type, words] of STUB_RULES) {
    if (words.some((w) => name.includes(w))) return type;
  }
  return undefined;
}

/**
 * The deterministic digest of a stubbed result:
 * `sha256("<run_id>:<intent_id>:<lower tool>:<lower args_digest>:<type>")`.
 *
 * @example
 * ```ts
 * stubResultDigest("run_x", "intent_1", "tool.fetch", "AB".repeat(32), "http");
 * ```
 */
export function stubResultDigest(
  runId: string,
  intentId: string,
  toolName: string,
  argsDigest: string,
  type: StubType,
): string {
  return sha256Hex(
    `${runId}:${intentId}:${toolName.toLowerCase()}:${argsDigest.toLowerCase()}:${type}`,
  );
}

/** The flags that unlock real replay. */
export interface RealReplayRequest {
  /** `--real-tools`. */
  realTools: boolean;
  /** `--unsafe-real-tools`. */
  unsafeRealTools: boolean;
  /** `--allow-tools`, split on commas. */
  allowTools: readonly string[];
  /** `--unsafe-real-tools-env` (default `GAIT_ALLOW_REAL_REPLAY`). */
  envName: string;
  /** Reads an environment variable. */
  env: (name: string) => string | undefined;
}

/** The default name of the environment variable that must be `1` for real replay. */
export const REAL_REPLAY_ENV = "GAIT_ALLOW_REAL_REPLAY";

/**
 * Checks the real-mode interlocks in the spec's order and throws
 * `unsafe_operation` (exit 8) at the first one missing. Does nothing when
 * real tools were not requested.
 *
 * @example
 * ```ts
 * checkRealReplayInterlocks({
 *   realTools: true, unsafeRealTools: true, allowTools: ["tool.echo"],
 *   envName: "GAIT_ALLOW_REAL_REPLAY", env: () => "1",
 * });
 * ```
 */
export function checkRealReplayInterlocks(request: RealReplayRequest): void {
  if (!request.realTools) return;
  const unsafe = (message: string) =>
    new GaitError("unsafe_operation", message, {
      details: { mode: "real", requested_unsafe: true },
    });
  if (!request.unsafeRealTools) throw unsafe("real tool execution requires --unsafe-real-tools");
  if (request.allowTools.length === 0) {
    throw unsafe("real tool execution requires --allow-tools with explicit tool names");
  }
  const envName = request.envName.trim() || REAL_REPLAY_ENV;
  if ((request.env(envName) ?? "").trim() !== "1") {
    throw unsafe(`real tool execution requires ${envName}=1`);
  }
}

/**
 * Splits an `--allow-tools` value: comma-separated, trimmed, empty items dropped.
 *
 * @example
 * ```ts
 * parseAllowTools(" tool.echo, file.write ,"); // ["tool.echo", "file.write"]
 * ```
 */
export function parseAllowTools(value: string): string[] {
  return value.split(",").map((s) => s.trim()).filter((s) => s !== "");
}

/**
 * Rejects duplicate intent ids and duplicate results for one intent (exit 6):
 * a replay must never have to guess which record is the real one.
 *
 * @example
 * ```ts
 * assertUniqueReplayIds(content);
 * ```
 */
export function assertUniqueReplayIds(content: RunpackContent): void {
  const seen = new Set<string>();
  for (const intent of content.intents) {
    if (seen.has(intent.intent_id)) {
      throw new GaitError("invalid_input", `duplicate intent_id in runpack: ${intent.intent_id}`);
    }
    seen.add(intent.intent_id);
  }
  const results = new Set<string>();
  for (const result of content.results) {
    if (results.has(result.intent_id)) {
      throw new GaitError(
        "invalid_input",
        `duplicate result for intent_id in runpack: ${result.intent_id}`,
      );
    }
    results.add(result.intent_id);
  }
}

function stubStep(runId: string, intent: IntentRecord, result?: ResultRecord): ReplayStep {
  const base = { intent_id: intent.intent_id, tool_name: intent.tool_name };
  if (result) {
    return {
      ...base,
      status: result.status,
      execution: "recorded",
      result_digest: result.result_digest || undefined,
    };
  }
  const type = stubTypeForTool(intent.tool_name);
  if (type) {
    return {
      ...base,
      status: "stubbed",
      stub_type: type,
      result_digest: stubResultDigest(
        runId,
        intent.intent_id,
        intent.tool_name,
        intent.args_digest,
        type,
      ),
    };
  }
  return { ...base, status: "missing_result", execution: "missing" };
}

/**
 * Replays a runpack's intents in order. Without `options.real` nothing is
 * executed; with it, allow-listed tools go to the executor and every other
 * intent follows the stub rules.
 *
 * @example
 * ```ts
 * const result = await replayRunpack(loaded.content);
 * result.ok; // false when an intent has no result and no stub
 * ```
 */
export async function replayRunpack(
  content: RunpackContent,
  options: ReplayOptions = {},
): Promise<ReplayResult> {
  assertUniqueReplayIds(content);
  const runId = content.run.run_id;
  const results = new Map(content.results.map((r) => [r.intent_id, r]));
  const allowed = new Set((options.real?.allowTools ?? []).map((t) => t.toLowerCase()));
  const steps: ReplayStep[] = [];
  for (const intent of content.intents) {
    if (options.real && allowed.has(intent.tool_name.toLowerCase())) {
      const outcome = await options.real.execute(realToolKind(intent.tool_name), intent);
      steps.push({
        intent_id: intent.intent_id,
        tool_name: intent.tool_name,
        status: outcome.status,
        execution: "executed",
        result_digest: outcome.result_digest,
        error: outcome.error,
      });
      continue;
    }
    steps.push(stubStep(runId, intent, results.get(intent.intent_id)));
  }
  const missing = steps.filter((s) => s.status === "missing_result").map((s) => s.intent_id)
    .sort(compareUtf8);
  const warnings = options.real ? [`allow_tools=${options.real.allowTools.join(",")}`] : [];
  return {
    ok: missing.length === 0,
    run_id: runId,
    mode: options.real ? "real" : "stub",
    steps,
    missing_results: missing,
    warnings,
  };
}
