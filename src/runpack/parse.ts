/**
 * Runpack documents read from JSON the way Go reads them (struct view): used
 * for `run record` input and for reading existing runpacks.
 *
 * @module
 */

import type { JsonValue } from "../core/json_value.ts";
import { StructView } from "../core/struct_view.ts";
import type {
  IntentRecord,
  Receipt,
  RecordHeader,
  RefsDocument,
  ResultRecord,
  RunDocument,
  TimelineEvent,
} from "./types.ts";

function headerOf(v: StructView): RecordHeader {
  return {
    schema_id: v.string("schema_id"),
    schema_version: v.string("schema_version"),
    created_at: v.time("created_at"),
    producer_version: v.string("producer_version"),
    run_id: v.string("run_id"),
  };
}

/**
 * run.json (or the `run` object of record input).
 *
 * @example
 * ```ts
 * runFromJson({ run_id: "run_x" }, "run").run_id; // "run_x"
 * ```
 */
export function runFromJson(value: JsonValue | undefined, path = "run"): RunDocument {
  const v = StructView.of(value, path);
  const env = v.struct("env");
  const timeline = v.array("timeline");
  return {
    ...headerOf(v),
    env: { os: env.string("os"), arch: env.string("arch"), runtime: env.string("runtime") },
    timeline: timeline === undefined ? null : timeline.map((item, i) => {
      const e = StructView.of(item, `${path}.timeline[${i}]`);
      const event: TimelineEvent = { event: e.string("event"), ts: e.time("ts") };
      const ref = e.string("ref");
      if (ref !== "") event.ref = ref;
      const relationship = e.object("relationship");
      if (relationship !== undefined && Object.keys(relationship).length > 0) {
        event.relationship = relationship;
      }
      return event;
    }),
  };
}

/**
 * One intent record.
 *
 * @example
 * ```ts
 * intentFromJson({ intent_id: "i1", tool_name: "t" }, "intents[0]").tool_name; // "t"
 * ```
 */
export function intentFromJson(value: JsonValue, path: string): IntentRecord {
  const v = StructView.of(value, path);
  const record: IntentRecord = {
    ...headerOf(v),
    intent_id: v.string("intent_id"),
    tool_name: v.string("tool_name"),
    args_digest: v.string("args_digest"),
  };
  const args = v.object("args");
  if (args !== undefined && Object.keys(args).length > 0) record.args = args;
  return record;
}

/**
 * One result record.
 *
 * @example
 * ```ts
 * resultFromJson({ intent_id: "i1", status: "ok" }, "results[0]").status; // "ok"
 * ```
 */
export function resultFromJson(value: JsonValue, path: string): ResultRecord {
  const v = StructView.of(value, path);
  const record: ResultRecord = {
    ...headerOf(v),
    intent_id: v.string("intent_id"),
    status: v.string("status"),
    result_digest: v.string("result_digest"),
  };
  const result = v.object("result");
  if (result !== undefined && Object.keys(result).length > 0) record.result = result;
  return record;
}

/**
 * refs.json (or the `refs` object of record input).
 *
 * @example
 * ```ts
 * refsFromJson({ receipts: [] }, "refs").receipts.length; // 0
 * ```
 */
export function refsFromJson(value: JsonValue | undefined, path = "refs"): RefsDocument {
  const v = StructView.of(value, path);
  const receipts = v.array("receipts") ?? [];
  const refs: RefsDocument = {
    ...headerOf(v),
    receipts: receipts.map((item, i) => receiptFromJson(item, `${path}.receipts[${i}]`)),
  };
  const setDigest = v.string("context_set_digest");
  if (setDigest !== "") refs.context_set_digest = setDigest;
  const mode = v.string("context_evidence_mode");
  if (mode !== "") refs.context_evidence_mode = mode;
  const count = v.integer("context_ref_count");
  if (count !== 0) refs.context_ref_count = count;
  return refs;
}

function receiptFromJson(value: JsonValue, path: string): Receipt {
  const v = StructView.of(value, path);
  const receipt: Receipt = {
    ref_id: v.string("ref_id"),
    source_type: v.string("source_type"),
    source_locator: v.string("source_locator"),
    query_digest: v.string("query_digest"),
    content_digest: v.string("content_digest"),
    retrieved_at: v.time("retrieved_at"),
    redaction_mode: v.string("redaction_mode"),
  };
  const immutability = v.string("immutability");
  if (immutability !== "") receipt.immutability = immutability;
  const sla = v.integer("freshness_sla_seconds");
  if (sla !== 0) receipt.freshness_sla_seconds = sla;
  const label = v.string("sensitivity_label");
  if (label !== "") receipt.sensitivity_label = label;
  const params = v.object("retrieval_params");
  if (params !== undefined && Object.keys(params).length > 0) receipt.retrieval_params = params;
  return receipt;
}
