/**
 * The fixed content of `gait demo` (spec 01 §4.6, spec 03 §2.1): its bytes
 * depend only on the producer version.
 *
 * @module
 */

import { sha256Hex } from "../core/digest.ts";
import { addSeconds } from "../core/timestamp.ts";
import type { IntentRecord, Receipt, ResultRecord, RunpackContent } from "./types.ts";

/** The demo's run id. */
export const DEMO_RUN_ID = "run_demo";
/** The demo's fixed clock. */
export const DEMO_CREATED_AT = "2026-02-05T00:00:00Z";

const DEMO_CALLS: { tool: string; args: Record<string, string> }[] = [
  { tool: "tool.search", args: { query: "gait demo: offline verification" } },
  { tool: "tool.fetch", args: { url: "https://example.local/demo" } },
  { tool: "tool.summarize", args: { input_ref: "ref_1" } },
];

function header(producerVersion: string) {
  return {
    schema_id: "",
    schema_version: "",
    created_at: "",
    producer_version: producerVersion,
    run_id: "",
  };
}

/**
 * The demo runpack's content before normalization.
 *
 * @example
 * ```ts
 * const content = normalizeRunpack(demoRunpackDraft("0.0.0-dev"));
 * ```
 */
export function demoRunpackDraft(producerVersion: string): RunpackContent {
  const intents: IntentRecord[] = DEMO_CALLS.map((c, i) => ({
    ...header(""),
    intent_id: `intent_${i + 1}`,
    tool_name: c.tool,
    args_digest: "",
    args: c.args,
  }));
  const results: ResultRecord[] = DEMO_CALLS.map((_, i) => ({
    ...header(""),
    intent_id: `intent_${i + 1}`,
    status: "ok",
    result_digest: "",
    result: { ok: true, message: `demo result ${i + 1}` },
  }));
  const receipts: Receipt[] = DEMO_CALLS.map((c, i) => ({
    ref_id: `ref_${i + 1}`,
    source_type: "demo",
    source_locator: c.tool,
    query_digest: sha256Hex(`query-${i + 1}`),
    content_digest: sha256Hex(`content-${i + 1}`),
    retrieved_at: DEMO_CREATED_AT,
    redaction_mode: "reference",
  }));
  return {
    run: {
      ...header(producerVersion),
      created_at: DEMO_CREATED_AT,
      run_id: DEMO_RUN_ID,
      env: { os: "demo", arch: "demo", runtime: "go" },
      timeline: [
        { event: "start", ts: DEMO_CREATED_AT },
        { event: "finish", ts: addSeconds(DEMO_CREATED_AT, 2) },
      ],
    },
    intents,
    results,
    refs: { ...header(""), receipts },
    captureMode: "reference",
  };
}
