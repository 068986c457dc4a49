/**
 * Small runpacks for replay, diff, reduce and regress tests, built with the
 * real normalizer and writer.
 *
 * @module
 */

import { sha256Hex } from "../../src/core/digest.ts";
import type { JsonObject } from "../../src/core/json_value.ts";
import { normalizeRunpack } from "../../src/runpack/normalize.ts";
import type { CaptureMode, Receipt, RunpackContent } from "../../src/runpack/types.ts";
import { buildRunpack } from "../../src/runpack/write.ts";
import { checkpointDigest } from "../../src/runpack/_session_chain.ts";

const header = {
  schema_id: "",
  schema_version: "",
  created_at: "",
  producer_version: "",
  run_id: "",
};

/** One call of a test run. */
export interface TestCall {
  tool: string;
  args?: JsonObject;
  /** The result status; omit `result` entirely with `status: undefined`. */
  status?: string;
  result?: JsonObject;
}

/** Options of {@link testRun}. */
export interface TestRunOptions {
  runId?: string;
  createdAt?: string;
  calls?: TestCall[];
  captureMode?: CaptureMode;
  contextSetDigest?: string;
  receipts?: Partial<Receipt>[];
}

/** The demo's three calls. */
export const DEMO_CALLS: TestCall[] = [
  { tool: "tool.search", args: { query: "q" }, status: "ok", result: { ok: true } },
  {
    tool: "tool.fetch",
    args: { url: "https://example.local" },
    status: "ok",
    result: { ok: true },
  },
  { tool: "tool.summarize", args: { input_ref: "ref_1" }, status: "ok", result: { ok: true } },
];

/**
 * Normalized content of a test run: `intent_<i>` per call, a result when
 * the call has a status, and receipts `ref_<i>` unless given.
 */
export function testRun(options: TestRunOptions = {}): RunpackContent {
  const runId = options.runId ?? "run_test";
  const createdAt = options.createdAt ?? "2026-02-05T00:00:00Z";
  const calls = options.calls ?? DEMO_CALLS;
  const receipts: Receipt[] = (options.receipts ?? [{ ref_id: "ref_1" }]).map((r, i) => ({
    ref_id: `ref_${i + 1}`,
    source_type: "test",
    source_locator: "test",
    query_digest: sha256Hex(`query-${i + 1}`),
    content_digest: sha256Hex(`content-${i + 1}`),
    retrieved_at: createdAt,
    redaction_mode: "reference",
    ...r,
  }));
  return normalizeRunpack({
    run: {
      ...header,
      run_id: runId,
      created_at: createdAt,
      producer_version: "0.0.0-test",
      env: { os: "linux", arch: "amd64", runtime: "deno" },
      timeline: [{ event: "start", ts: createdAt }],
    },
    intents: calls.map((c, i) => ({
      ...header,
      intent_id: `intent_${i + 1}`,
      tool_name: c.tool,
      args_digest: "",
      args: c.args ?? { i },
    })),
    results: calls.flatMap((c, i) =>
      c.status === undefined ? [] : [{
        ...header,
        intent_id: `intent_${i + 1}`,
        status: c.status,
        result_digest: "",
        result: c.result ?? { i },
      }]
    ),
    refs: { ...header, context_set_digest: options.contextSetDigest, receipts },
    captureMode: options.captureMode ?? "reference",
  });
}

/** Writes a runpack file for content and returns its path. */
export async function writeTestRunpack(path: string, content: RunpackContent): Promise<string> {
  const built = await buildRunpack(content);
  await Deno.writeFile(path, built.zip);
  return path;
}

/** Writes a session chain whose checkpoints point at the given runpacks. */
export async function writeTestChain(
  path: string,
  checkpoints: { runpackPath: string; manifestDigest: string }[],
  runId = "run_session",
): Promise<void> {
  let prev = "";
  const items = checkpoints.map((c, i) => {
    const index = i + 1;
    const digest = checkpointDigest(c.manifestDigest, prev, index, index, index);
    const item = {
      schema_id: "gait.runpack.session_checkpoint",
      schema_version: "1.0.0",
      created_at: "2026-02-05T00:00:00Z",
      producer_version: "0.0.0-test",
      run_id: runId,
      checkpoint_index: index,
      sequence_start: index,
      sequence_end: index,
      runpack_path: c.runpackPath,
      manifest_digest: c.manifestDigest,
      prev_checkpoint_digest: prev || undefined,
      checkpoint_digest: digest,
    };
    prev = digest;
    return item;
  });
  await Deno.writeTextFile(
    path,
    JSON.stringify(
      {
        schema_id: "gait.runpack.session_chain",
        schema_version: "1.0.0",
        created_at: "2026-02-05T00:00:00Z",
        producer_version: "0.0.0-test",
        session_id: "sess_1",
        run_id: runId,
        checkpoints: items,
      },
      null,
      2,
    ) + "\n",
  );
}
