/**
 * Reducing a failing run to the smallest runpack that still fails (spec 03
 * §3.6): one intent, its failing result, the receipts it references, and the
 * timeline events that concern it.
 *
 * @module
 */

import { GaitError } from "../core/errors.ts";
import { compareUtf8 } from "../core/go_json.ts";
import type { JsonValue } from "../core/json_value.ts";
import { normalizeRunpack } from "./normalize.ts";
import type { IntentRecord, ResultRecord, RunpackContent } from "./types.ts";

/** What makes a run "failing". */
export type ReducePredicate = "missing_result" | "non_ok_status";

/** The schema id of the reduce report. */
export const REDUCE_REPORT_SCHEMA = "gait.runpack.reduce_report";

/** The reduce report, in field order. */
export interface ReduceReport {
  schema_id: string;
  schema_version: string;
  created_at: string;
  producer_version: string;
  run_id: string;
  reduced_run_id: string;
  predicate: ReducePredicate;
  selected_intent_id: string;
  original_intent_count: number;
  original_result_count: number;
  original_ref_count: number;
  reduced_intent_count: number;
  reduced_result_count: number;
  reduced_ref_count: number;
  still_failing: boolean;
}

/** A reduced run and its report. */
export interface ReduceOutcome {
  content: RunpackContent;
  report: ReduceReport;
}

/**
 * Parses a `--predicate` value (empty means `missing_result`).
 *
 * @example
 * ```ts
 * parseReducePredicate("non_ok_status"); // "non_ok_status"
 * ```
 */
export function parseReducePredicate(value: string): ReducePredicate {
  const v = value.trim().toLowerCase();
  if (v === "" || v === "missing_result") return "missing_result";
  if (v === "non_ok_status") return "non_ok_status";
  throw new GaitError(
    "invalid_input",
    `unsupported --predicate ${JSON.stringify(value)} (expected missing_result or non_ok_status)`,
  );
}

/**
 * The run id of a reduced run: `run_`-prefixed original, `_reduced_`, and the
 * predicate without underscores.
 *
 * @example
 * ```ts
 * reducedRunId("run_demo", "missing_result"); // "run_demo_reduced_missingresult"
 * ```
 */
export function reducedRunId(runId: string, predicate: ReducePredicate): string {
  const base = runId.startsWith("run_") ? runId : `run_${runId}`;
  return `${base}_reduced_${predicate.replaceAll("_", "")}`;
}

function isOkStatus(status: string): boolean {
  const s = status.trim().toLowerCase();
  return s === "ok" || s === "success";
}

interface Selection {
  intent: IntentRecord;
  result?: ResultRecord;
}

/**
 * The intent a predicate selects: the lexicographically first intent id with
 * no result (`missing_result`) or with a result whose status is neither `ok`
 * nor `success` (`non_ok_status`); undefined when the run does not trigger it.
 *
 * @example
 * ```ts
 * selectFailingIntent(content, "missing_result")?.intent.intent_id;
 * ```
 */
export function selectFailingIntent(
  content: RunpackContent,
  predicate: ReducePredicate,
): Selection | undefined {
  const sorted = [...content.intents].sort((a, b) => compareUtf8(a.intent_id, b.intent_id));
  for (const intent of sorted) {
    const results = content.results.filter((r) => r.intent_id === intent.intent_id);
    if (predicate === "missing_result") {
      if (results.length === 0) return { intent };
    } else {
      const bad = results.find((r) => !isOkStatus(r.status));
      if (bad) return { intent, result: bad };
    }
  }
  return undefined;
}

function collectRefs(value: JsonValue | undefined, underRefKey: boolean, out: Set<string>): void {
  if (typeof value === "string") {
    if (underRefKey || value.startsWith("ref_")) out.add(value);
  } else if (Array.isArray(value)) {
    for (const item of value) collectRefs(item, underRefKey, out);
  } else if (value !== null && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      collectRefs(v, k.toLowerCase().includes("ref"), out);
    }
  }
}

/**
 * Reduces a run for a predicate. Throws `invalid_input` when the predicate is
 * not triggered. The reduced content is normalized and ready to write.
 *
 * @example
 * ```ts
 * const { content, report } = reduceRunpack(loaded.content, "missing_result", clock.now());
 * ```
 */
export function reduceRunpack(
  content: RunpackContent,
  predicate: ReducePredicate,
  createdAt: string,
): ReduceOutcome {
  const selection = selectFailingIntent(content, predicate);
  if (!selection) {
    throw new GaitError("invalid_input", `predicate ${predicate} not triggered by runpack`);
  }
  const { intent, result } = selection;
  const runId = content.run.run_id;
  const newRunId = reducedRunId(runId, predicate);
  const refIds = new Set<string>();
  collectRefs(intent.args, false, refIds);
  collectRefs(result?.result, false, refIds);
  const receipts = content.refs.receipts.filter((r) => refIds.has(r.ref_id));
  const timeline = content.run.timeline === null
    ? null
    : content.run.timeline.filter((e) => !e.ref || e.ref === intent.intent_id);
  const reduced = normalizeRunpack({
    run: { ...content.run, run_id: newRunId, timeline },
    intents: [{ ...intent, run_id: "" }],
    results: result ? [{ ...result, run_id: "" }] : [],
    refs: { ...content.refs, run_id: "", context_ref_count: undefined, receipts },
    captureMode: content.captureMode,
  });
  const stillFailing = selectFailingIntent(reduced, predicate)?.intent.intent_id ===
    intent.intent_id;
  return {
    content: reduced,
    report: {
      schema_id: REDUCE_REPORT_SCHEMA,
      schema_version: "1.0.0",
      created_at: createdAt,
      producer_version: content.run.producer_version,
      run_id: runId,
      reduced_run_id: newRunId,
      predicate,
      selected_intent_id: intent.intent_id,
      original_intent_count: content.intents.length,
      original_result_count: content.results.length,
      original_ref_count: content.refs.receipts.length,
      reduced_intent_count: reduced.intents.length,
      reduced_result_count: reduced.results.length,
      reduced_ref_count: reduced.refs.receipts.length,
      still_failing: stillFailing,
    },
  };
}
