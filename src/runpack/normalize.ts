/**
 * The normalization every runpack goes through before it is written (spec 01
 * §4.1): header inheritance, digest derivation and checks, trace receipts,
 * refs normalization, and capture-mode stripping.
 *
 * @module
 */

import { compareUtf8 } from "../core/go_json.ts";
import { digestJson, isHex64AnyCase } from "../core/digest.ts";
import { GaitError } from "../core/errors.ts";
import type { JsonValue } from "../core/json_value.ts";
import { isZeroTimestamp, normalizeTimestamp, toUtcTimestamp } from "../core/timestamp.ts";
import {
  type CaptureMode,
  type IntentRecord,
  type Receipt,
  type RecordHeader,
  type RefsDocument,
  type ResultRecord,
  type RunDocument,
  RUNPACK_SCHEMA_VERSION,
  type RunpackContent,
  RunpackSchema,
} from "./types.ts";

/** Payloads keyed by intent id whose digests fill or check the records' digests. */
export interface NormalizationMaps {
  intentArgs?: ReadonlyMap<string, JsonValue>;
  resultPayloads?: ReadonlyMap<string, JsonValue>;
}

/** Options of {@link normalizeRunpack}. */
export interface NormalizeOptions {
  /** Payload maps from `normalization` in `run record` input. */
  normalization?: NormalizationMaps;
}

/** The zero `retrieved_at` replacement. */
export const EPOCH_1980 = "1980-01-01T00:00:00Z";

/**
 * Rejects run ids that are empty or could escape a directory (`/`, `\`, `..`,
 * control characters). Go only requires non-empty; this is a hardening.
 *
 * @example
 * ```ts
 * assertSafeRunId("run_demo");
 * ```
 */
export function assertSafeRunId(runId: string): void {
  if (runId.trim() === "") throw new GaitError("invalid_input", "run_id is required");
  // deno-lint-ignore no-control-regex
  if (/[/\\\x00-\x1f\x7f]/.test(runId) || runId.includes("..") || runId.length > 256) {
    throw new GaitError(
      "invalid_input",
      `run_id is not safe as a file name: ${JSON.stringify(runId)}`,
    );
  }
}

function inherit<T extends RecordHeader>(record: T, run: RunDocument, schemaId: string): T {
  return {
    ...record,
    schema_id: record.schema_id || schemaId,
    schema_version: record.schema_version || RUNPACK_SCHEMA_VERSION,
    created_at: !record.created_at || isZeroTimestamp(record.created_at)
      ? run.created_at
      : normalizeTimestamp(record.created_at, "created_at"),
    producer_version: record.producer_version || run.producer_version,
    run_id: record.run_id || run.run_id,
  };
}

function resolveDigest(
  kind: "intent" | "result",
  id: string,
  supplied: string,
  normalized: JsonValue | undefined,
  hasNormalized: boolean,
  payload: JsonValue | undefined,
): string {
  const field = kind === "intent" ? "args" : "result";
  if (supplied !== "" && !isHex64AnyCase(supplied)) {
    throw new GaitError("invalid_input", `${kind} ${id} ${field}_digest must be 64 hex characters`);
  }
  if (hasNormalized) {
    const computed = digestJson(normalized ?? null);
    if (supplied === "") return computed;
    if (supplied.toLowerCase() !== computed) {
      throw new GaitError("invalid_input", `${kind} ${id} ${field} digest mismatch`);
    }
    return supplied;
  }
  if (supplied !== "") return supplied;
  if (payload === undefined) {
    const mapName = kind === "intent"
      ? "normalization.intent_args"
      : "normalization.result_payloads";
    throw new GaitError("invalid_input", `${kind} ${id} requires ${field}_digest or ${mapName}`);
  }
  return digestJson(payload);
}

function normalizeReceipt(receipt: Receipt): Receipt {
  const out: Receipt = {
    ...receipt,
    query_digest: receipt.query_digest.trim().toLowerCase(),
    content_digest: receipt.content_digest.trim().toLowerCase(),
    retrieved_at: !receipt.retrieved_at || isZeroTimestamp(receipt.retrieved_at)
      ? EPOCH_1980
      : toUtcTimestamp(receipt.retrieved_at, `receipt ${receipt.ref_id} retrieved_at`),
    immutability: (receipt.immutability ?? "").trim().toLowerCase() || "unknown",
  };
  if (!["unknown", "mutable", "immutable"].includes(out.immutability!)) {
    throw new GaitError(
      "invalid_input",
      `receipt ${receipt.ref_id} immutability must be unknown, mutable or immutable`,
    );
  }
  return out;
}

/**
 * Applies the §4.1 rules and returns the content exactly as it will be
 * written. Throws `invalid_input` for every rule violation.
 *
 * @example
 * ```ts
 * const content = normalizeRunpack(draft);
 * ```
 */
export function normalizeRunpack(
  draft: RunpackContent,
  options: NormalizeOptions = {},
): RunpackContent {
  const run: RunDocument = {
    ...draft.run,
    schema_id: draft.run.schema_id || RunpackSchema.run,
    schema_version: draft.run.schema_version || RUNPACK_SCHEMA_VERSION,
    created_at: normalizeTimestamp(draft.run.created_at, "run.created_at"),
  };
  assertSafeRunId(run.run_id);
  const captureMode: CaptureMode = draft.captureMode;
  const intentArgs = options.normalization?.intentArgs;
  const resultPayloads = options.normalization?.resultPayloads;

  const intents = draft.intents.map((raw) => {
    if (raw.intent_id === "") {
      throw new GaitError("invalid_input", "intent record requires intent_id");
    }
    const record = inherit(raw, run, RunpackSchema.intent);
    record.args_digest = resolveDigest(
      "intent",
      record.intent_id,
      record.args_digest,
      intentArgs?.get(record.intent_id),
      intentArgs?.has(record.intent_id) ?? false,
      record.args,
    );
    return record;
  });
  const results = draft.results.map((raw) => {
    if (raw.intent_id === "") {
      throw new GaitError("invalid_input", "result record requires intent_id");
    }
    const record = inherit(raw, run, RunpackSchema.result);
    record.result_digest = resolveDigest(
      "result",
      record.intent_id,
      record.result_digest,
      resultPayloads?.get(record.intent_id),
      resultPayloads?.has(record.intent_id) ?? false,
      record.result,
    );
    return record;
  });

  const refs = normalizeRefs(draft.refs, run, intents, results);

  if (captureMode === "reference") {
    for (const i of intents) delete i.args;
    for (const r of results) delete r.result;
  }
  return { run, intents, results, refs, captureMode };
}

function normalizeRefs(
  raw: RefsDocument,
  run: RunDocument,
  intents: IntentRecord[],
  results: ResultRecord[],
): RefsDocument {
  const refs = inherit(raw, run, RunpackSchema.refs);
  const mode = (refs.context_evidence_mode ?? "").trim().toLowerCase();
  if (mode !== "" && mode !== "best_effort" && mode !== "required") {
    throw new GaitError(
      "invalid_input",
      "refs context_evidence_mode must be best_effort or required",
    );
  }
  refs.context_evidence_mode = mode || undefined;
  const setDigest = (refs.context_set_digest ?? "").trim().toLowerCase();
  if (setDigest !== "" && !/^[a-f0-9]{64}$/.test(setDigest)) {
    throw new GaitError("invalid_input", "refs context_set_digest must match ^[a-f0-9]{64}$");
  }
  refs.context_set_digest = setDigest || undefined;

  const intentsById = new Map(intents.map((i) => [i.intent_id, i]));
  const resultsById = new Map<string, ResultRecord>();
  for (const r of results) if (!resultsById.has(r.intent_id)) resultsById.set(r.intent_id, r);

  const receipts = refs.receipts.map((receipt) => {
    if (receipt.ref_id === "") throw new GaitError("invalid_input", "receipt requires ref_id");
    const filled = fillTraceReceipt(receipt, intentsById, resultsById);
    if (filled.query_digest.trim() === "" || filled.content_digest.trim() === "") {
      throw new GaitError(
        "invalid_input",
        `receipt ${receipt.ref_id} requires query_digest and content_digest`,
      );
    }
    return normalizeReceipt(filled);
  });
  receipts.sort((a, b) => compareUtf8(a.ref_id, b.ref_id));
  refs.receipts = receipts;
  if (!refs.context_ref_count) refs.context_ref_count = receipts.length || undefined;
  return refs;
}

function fillTraceReceipt(
  receipt: Receipt,
  intents: Map<string, IntentRecord>,
  results: Map<string, ResultRecord>,
): Receipt {
  if (receipt.source_type.trim().toLowerCase() !== "gait.trace") return receipt;
  if (!receipt.ref_id.startsWith("trace_")) return receipt;
  const intent = intents.get(receipt.ref_id.slice("trace_".length));
  if (!intent) return receipt;
  const query = digestJson({ tool_name: intent.tool_name, args_digest: intent.args_digest });
  const content = results.get(intent.intent_id)?.result_digest ?? "";
  const out = { ...receipt };
  for (const [field, expected] of [["query_digest", query], ["content_digest", content]] as const) {
    const given = out[field].trim();
    if (given === "") out[field] = expected;
    else if (expected !== "" && given.toLowerCase() !== expected.toLowerCase()) {
      throw new GaitError("invalid_input", `receipt ${receipt.ref_id} ${field} mismatch`);
    }
  }
  return out;
}
