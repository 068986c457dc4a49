/**
 * A separate process appending to a JSONL export file, for the concurrency
 * test: `deno run -A _append_worker.ts <path> <worker> <count>`.
 *
 * @module
 */

import { formatSiemLogLine } from "../../src/export/siem.ts";
import { appendJsonlLines } from "../../src/export/jsonl_append.ts";

const [path, worker, count] = Deno.args;
for (let i = 0; i < Number(count); i++) {
  const line = formatSiemLogLine({
    producer_version: "0.0.0-dev",
    run_id: `run_w${worker}`,
    trace_id: `trace_${worker}_${i}`,
    tool_name: "tool.write",
    verdict: "allow",
    policy_digest: "p".repeat(64),
    intent_digest: "i".repeat(64),
  });
  await appendJsonlLines(path!, [line], { timeoutMs: 30_000 });
}
