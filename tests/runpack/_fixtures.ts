/**
 * Inputs of the runpack known-answer vectors (spec 01 §10).
 *
 * @module
 */

import { sha256Hex } from "../../src/core/digest.ts";
import type { RunpackContent } from "../../src/runpack/types.ts";

const header = {
  schema_id: "",
  schema_version: "",
  created_at: "",
  producer_version: "",
  run_id: "",
};

/** V2: run_integration, two intents, core API (no evidence mode). */
export function v2Draft(): RunpackContent {
  const calls: [string, Record<string, string>][] = [
    ["tool.search", { query: "offline test" }],
    ["tool.fetch", { url: "https://example.local/resource" }],
  ];
  return {
    run: {
      ...header,
      created_at: "2026-02-05T00:00:00Z",
      producer_version: "0.0.0-test",
      run_id: "run_integration",
      env: { os: "test", arch: "test", runtime: "go" },
      timeline: [
        { event: "start", ts: "2026-02-05T00:00:00Z" },
        { event: "finish", ts: "2026-02-05T00:00:02Z" },
      ],
    },
    intents: calls.map(([tool, args], i) => ({
      ...header,
      intent_id: `intent_${i + 1}`,
      tool_name: tool,
      args_digest: "",
      args,
    })),
    results: calls.map((_, i) => ({
      ...header,
      intent_id: `intent_${i + 1}`,
      status: "ok",
      result_digest: "",
      result: { ok: true, message: `result_${i + 1}` },
    })),
    refs: {
      ...header,
      receipts: calls.map(([tool], i) => ({
        ref_id: `ref_${i + 1}`,
        source_type: "integration-test",
        source_locator: tool,
        query_digest: sha256Hex(`query_${i + 1}`),
        content_digest: sha256Hex(`content_${i + 1}`),
        retrieved_at: "2026-02-05T00:00:00Z",
        redaction_mode: "reference",
      })),
    },
    captureMode: "reference",
  };
}

/** The V4 public test key's Go private key file (never a production key). */
export const V4_PRIVATE_KEY =
  "bfnf2hYa+313dDWJ/nmRMFIE0Qs2ZhDTJlB9xkbse8wHEtZw0gqX2lFs2bgsc/I/CdWn3TRCRkO1CCI/WGmQUg==";
/** The V4 public key. */
export const V4_PUBLIC_KEY = "BxLWcNIKl9pRbNm4LHPyPwnVp900QkZDtQgiP1hpkFI=";
