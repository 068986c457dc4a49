/**
 * SIEM export records of gate decisions (spec 04 §7), for `mcp proxy` and
 * `mcp serve` (`--export-log-out`, `--export-otel-out`): a flat log record and
 * an OTEL-style record (not OTLP), one JSONL line per decision, appended under
 * `<file>.lock` and fsynced.
 *
 * Timestamps are deterministic: both records use the intent's `created_at`,
 * which defaults to 1980-01-01T00:00:00Z. Send `created_at` with each call,
 * or index on ingest time.
 *
 * @module
 */

import { goJson } from "../core/go_json.ts";
import { isZeroTimestamp, toUtcTimestamp, unixNanos } from "../core/timestamp.ts";
import { appendJsonlLines, type AppendOptions } from "./jsonl_append.ts";

/** The default decision time when the intent carries none. */
export const SIEM_DEFAULT_CREATED_AT = "1980-01-01T00:00:00Z";

/** One gate decision as the exports see it. */
export interface SiemDecision {
  /** The intent's `created_at`; blank or zero means 1980-01-01T00:00:00Z. */
  created_at?: string;
  producer_version: string;
  run_id: string;
  session_id?: string;
  /** Gait's trace id (not a W3C trace id). */
  trace_id: string;
  trace_path?: string;
  tool_name: string;
  verdict: string;
  reason_codes?: readonly string[] | null;
  policy_digest: string;
  intent_digest: string;
  decision_latency_ms?: number;
  /** The delegation token ref; wins over the chain digest. */
  delegation_token_ref?: string;
  /** The delegation chain digest, used when there is no token ref. */
  delegation_chain_digest?: string;
  delegation_depth?: number;
}

/** The log record: keys in this order; `?` keys omitted when empty or zero. */
export interface SiemLogRecord {
  created_at: string;
  producer_version: string;
  run_id: string;
  session_id?: string;
  trace_id: string;
  trace_path?: string;
  tool_name: string;
  verdict: string;
  reason_codes?: string[];
  policy_digest: string;
  intent_digest: string;
  decision_latency_ms?: number;
  delegation_ref?: string;
  delegation_depth?: number;
}

/** The OTEL-style record (keys are emitted sorted). */
export interface SiemOtelRecord {
  attributes: {
    "gait.run_id": string;
    "gait.session_id": string;
    "gait.trace_path": string;
    "gait.tool_name": string;
    "gait.verdict": string;
    "gait.policy_digest": string;
    "gait.intent_digest": string;
    "gait.decision_latency_ms": number;
    "gait.delegation_ref": string;
    "gait.delegation_depth": number;
    "gait.reason_codes": string[] | null;
  };
  body: "gait.mcp.proxy.decision";
  severity_text: "INFO";
  /** Unix nanoseconds, exact (a bigint: it exceeds 2^53). */
  time_unix_nano: bigint;
  trace_id: string;
}

/**
 * The decision time: the intent's `created_at` in UTC, or 1980-01-01 when
 * blank or zero.
 *
 * @example
 * ```ts
 * decisionTime({ created_at: "" } as SiemDecision); // "1980-01-01T00:00:00Z"
 * ```
 */
export function decisionTime(decision: Pick<SiemDecision, "created_at">): string {
  const value = (decision.created_at ?? "").trim();
  if (value === "" || isZeroTimestamp(value)) return SIEM_DEFAULT_CREATED_AT;
  return toUtcTimestamp(value, "created_at");
}

function delegationRef(d: SiemDecision): string {
  return (d.delegation_token_ref ?? "").trim() || (d.delegation_chain_digest ?? "").trim();
}

/**
 * The log record of a decision.
 *
 * @example
 * ```ts
 * siemLogRecord(decision).verdict; // "block"
 * ```
 */
export function siemLogRecord(d: SiemDecision): SiemLogRecord {
  const record: SiemLogRecord = {
    created_at: decisionTime(d),
    producer_version: d.producer_version,
    run_id: d.run_id,
    session_id: d.session_id || undefined,
    trace_id: d.trace_id,
    trace_path: d.trace_path || undefined,
    tool_name: d.tool_name,
    verdict: d.verdict,
    reason_codes: d.reason_codes && d.reason_codes.length > 0 ? [...d.reason_codes] : undefined,
    policy_digest: d.policy_digest,
    intent_digest: d.intent_digest,
    decision_latency_ms: d.decision_latency_ms || undefined,
    delegation_ref: delegationRef(d) || undefined,
    delegation_depth: d.delegation_depth || undefined,
  };
  return record;
}

/**
 * The OTEL-style record of a decision: every attribute always present,
 * `gait.reason_codes` an array or null.
 *
 * @example
 * ```ts
 * siemOtelRecord(decision).time_unix_nano; // 315532800000000000n by default
 * ```
 */
export function siemOtelRecord(d: SiemDecision): SiemOtelRecord {
  return {
    attributes: {
      "gait.run_id": d.run_id,
      "gait.session_id": d.session_id ?? "",
      "gait.trace_path": d.trace_path ?? "",
      "gait.tool_name": d.tool_name,
      "gait.verdict": d.verdict,
      "gait.policy_digest": d.policy_digest,
      "gait.intent_digest": d.intent_digest,
      "gait.decision_latency_ms": d.decision_latency_ms ?? 0,
      "gait.delegation_ref": delegationRef(d),
      "gait.delegation_depth": d.delegation_depth ?? 0,
      "gait.reason_codes": d.reason_codes ? [...d.reason_codes] : null,
    },
    body: "gait.mcp.proxy.decision",
    severity_text: "INFO",
    time_unix_nano: unixNanos(decisionTime(d)),
    trace_id: d.trace_id,
  };
}

/**
 * The log record as one JSONL line (keys in the documented order, Go's JSON
 * escaping).
 *
 * @example
 * ```ts
 * formatSiemLogLine(decision); // '{"created_at":"1980-01-01T00:00:00Z",...}'
 * ```
 */
export function formatSiemLogLine(d: SiemDecision): string {
  return goJson(siemLogRecord(d));
}

/**
 * The OTEL-style record as one JSONL line (keys sorted at every depth).
 *
 * @example
 * ```ts
 * formatSiemOtelLine(decision); // '{"attributes":{...},"body":"gait.mcp.proxy.decision",...}'
 * ```
 */
export function formatSiemOtelLine(d: SiemDecision): string {
  return goJson(siemOtelRecord(d), { sortKeys: true });
}

/** Where a decision is exported. */
export interface SiemExportTargets {
  /** `--export-log-out`. */
  logPath?: string;
  /** `--export-otel-out`. */
  otelPath?: string;
}

/**
 * Appends one decision to the configured export files (each append locked
 * and fsynced; files mode 0600, never rotated).
 *
 * @example
 * ```ts
 * await exportSiemDecision(decision, { logPath: "gait-out/mcp_events.jsonl" });
 * ```
 */
export async function exportSiemDecision(
  d: SiemDecision,
  targets: SiemExportTargets,
  options: AppendOptions = {},
): Promise<void> {
  if (targets.logPath) await appendJsonlLines(targets.logPath, [formatSiemLogLine(d)], options);
  if (targets.otelPath) {
    await appendJsonlLines(targets.otelPath, [formatSiemOtelLine(d)], options);
  }
}
