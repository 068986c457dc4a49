/**
 * The input document of `gait run record` (spec 01 §4.4, spec 03 §3.1),
 * parsed loosely as Go does, then shaped into a runpack draft.
 *
 * @module
 */

import { GaitError } from "../core/errors.ts";
import { isJsonObject, type JsonValue } from "../core/json_value.ts";
import { StructView } from "../core/struct_view.ts";
import { isZeroTimestamp } from "../core/timestamp.ts";
import type { NormalizationMaps } from "./normalize.ts";
import { intentFromJson, refsFromJson, resultFromJson, runFromJson } from "./parse.ts";
import type { CaptureMode, RunpackContent } from "./types.ts";

/** A parsed `run record` input. */
export interface RecordInput {
  /** The draft content (capture mode not yet resolved). */
  draft: Omit<RunpackContent, "captureMode">;
  /** `capture_mode` from the input ("" when absent). */
  captureMode: string;
  /** The `normalization` maps. */
  normalization: NormalizationMaps;
  /** True when any intent carries `args` or any result carries `result`. */
  hasRawPayloads: boolean;
}

function payloadMap(
  value: JsonValue | undefined,
  path: string,
): Map<string, JsonValue> | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isJsonObject(value)) throw new GaitError("invalid_input", `${path} must be an object`);
  return new Map(Object.entries(value));
}

/**
 * Parses a `run record` input document.
 *
 * @example
 * ```ts
 * const input = parseRecordInput(parseStrictJson(text));
 * ```
 */
export function parseRecordInput(value: JsonValue): RecordInput {
  if (!isJsonObject(value)) {
    throw new GaitError("invalid_input", "run record input must be a JSON object");
  }
  const v = new StructView(value, "input");
  const intents = (v.array("intents") ?? []).map((item, i) =>
    intentFromJson(item, `input.intents[${i}]`)
  );
  const results = (v.array("results") ?? []).map((item, i) =>
    resultFromJson(item, `input.results[${i}]`)
  );
  const norm = v.struct("normalization");
  return {
    draft: {
      run: runFromJson(v.raw("run"), "input.run"),
      intents,
      results,
      refs: refsFromJson(v.raw("refs"), "input.refs"),
    },
    captureMode: v.string("capture_mode"),
    normalization: {
      intentArgs: payloadMap(norm.raw("intent_args"), "input.normalization.intent_args"),
      resultPayloads: payloadMap(
        norm.raw("result_payloads"),
        "input.normalization.result_payloads",
      ),
    },
    hasRawPayloads: intents.some((i) => i.args !== undefined) ||
      results.some((r) => r.result !== undefined),
  };
}

/**
 * Resolves the capture mode: flag, then input, then `reference`.
 *
 * @example
 * ```ts
 * resolveCaptureMode("", "raw"); // "raw"
 * ```
 */
export function resolveCaptureMode(flag: string, input: string): CaptureMode {
  const mode = (flag.trim() || input.trim() || "reference").toLowerCase();
  if (mode !== "reference" && mode !== "raw") {
    throw new GaitError(
      "invalid_input",
      `unsupported capture mode: ${mode} (expected reference or raw)`,
    );
  }
  return mode;
}

const GO_ARCH: Record<string, string> = { x86_64: "amd64", aarch64: "arm64" };

/**
 * The host's os/arch in Go's names (`linux`, `darwin`, `windows`; `amd64`, `arm64`).
 *
 * @example
 * ```ts
 * hostEnv().arch; // "amd64" on x86_64
 * ```
 */
export function hostEnv(): { os: string; arch: string } {
  return { os: Deno.build.os, arch: GO_ARCH[Deno.build.arch] ?? Deno.build.arch };
}

/**
 * Applies `run record` defaults to the run: `--run-id` everywhere, created_at
 * now, producer 0.0.0-dev, host env, runtime `deno`.
 *
 * @example
 * ```ts
 * applyRecordDefaults(input.draft, { runId: "", now: "2026-01-01T00:00:00Z" });
 * ```
 */
export function applyRecordDefaults(
  draft: Omit<RunpackContent, "captureMode">,
  options: { runId: string; now: string },
): Omit<RunpackContent, "captureMode"> {
  const runId = options.runId.trim() || draft.run.run_id.trim();
  if (runId === "") {
    throw new GaitError("invalid_input", "input run.run_id is required (or set --run-id)");
  }
  const host = hostEnv();
  const run = {
    ...draft.run,
    run_id: runId,
    created_at: isZeroTimestamp(draft.run.created_at) ? options.now : draft.run.created_at,
    producer_version: draft.run.producer_version || "0.0.0-dev",
    env: {
      os: draft.run.env.os || host.os,
      arch: draft.run.env.arch || host.arch,
      runtime: draft.run.env.runtime || "deno",
    },
  };
  if (options.runId.trim() === "") return { ...draft, run };
  return {
    run,
    intents: draft.intents.map((i) => ({ ...i, run_id: runId })),
    results: draft.results.map((r) => ({ ...r, run_id: runId })),
    refs: { ...draft.refs, run_id: runId },
  };
}
