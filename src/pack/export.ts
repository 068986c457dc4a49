/**
 * `gait pack export` (spec 01 §5.4): one export record per pack, from an
 * unkeyed verify plus inspect, written as OTEL-style JSONL (a span, an event
 * and six metrics) and/or PostgreSQL upsert SQL.
 *
 * @module
 */

import { isHex64, sha256Hex } from "../core/digest.ts";
import { GaitError } from "../core/errors.ts";
import { goJson } from "../core/go_json.ts";
import type { JsonObject } from "../core/json_value.ts";
import { toUtcTimestamp, unixNanos } from "../core/timestamp.ts";
import type { ResultRecord } from "../runpack/types.ts";
import { openPack, readPackJson, readPackRunpack } from "./read.ts";
import { parseJobPayload, parseRunPayload } from "./payload.ts";
import { verifyPackFile } from "./verify.ts";
import { PACK_CREATED_AT, PackFile, type PackType } from "./types.ts";

/** Metrics of the run behind a pack (zero for packs without one). */
export interface PackExportMetrics {
  tool_calls_total: number;
  tool_calls_success: number;
  tool_calls_success_rate: number;
  policy_blocked: number;
  approval_required: number;
  regress_failures: number;
}

/** The export record (spec 01 §5.4). */
export interface PackExportRecord {
  pack_id: string;
  /** The pack type; `guard` for a legacy guard evidence pack. */
  pack_type: PackType | "guard";
  source_ref: string;
  /** `H(JCS(raw manifest))`, or a legacy runpack's stored `manifest_digest`. */
  manifest_digest: string;
  files_checked: number;
  hash_mismatches: number;
  missing_files: number;
  undeclared_files: number;
  signature_status: string;
  signatures_total: number;
  signatures_valid: number;
  /** The run's (or job's) creation time, UTC; the manifest's for other packs. */
  created_at: string;
  metrics: PackExportMetrics;
}

function lower(value: unknown): string {
  return typeof value === "string" ? value.trim().toLowerCase() : "";
}

function positive(value: unknown): boolean {
  return typeof value === "number" && value > 0;
}

function reasonTexts(payload: JsonObject): string[] {
  const out: string[] = [];
  for (const key of ["reason", "reason_code", "top_failure_reason", "failure_reason"]) {
    if (typeof payload[key] === "string") out.push(lower(payload[key]));
  }
  const codes = payload.reason_codes;
  if (Array.isArray(codes)) {
    for (const c of codes) {
      if (typeof c === "string") out.push(lower(c));
    }
  }
  return out;
}

/**
 * True when a result looks like a regression failure (spec 01 §5.4's
 * heuristic): `regress_failures>0`, `failed>0`, a status of `fail`, `failed`
 * or `regress_failed`, or a reason mentioning "regress" with "fail" or
 * "drift".
 *
 * @example
 * ```ts
 * isRegressFailure({ status: "regress_failed" } as ResultRecord); // true
 * ```
 */
export function isRegressFailure(result: ResultRecord): boolean {
  const payload = result.result ?? {};
  if (positive(payload.regress_failures) || positive(payload.failed)) return true;
  const statuses = [lower(result.status), lower(payload.status)];
  if (statuses.some((s) => s === "fail" || s === "failed" || s === "regress_failed")) return true;
  return reasonTexts(payload).some((r) =>
    r.includes("regress") && (r.includes("fail") || r.includes("drift"))
  );
}

/**
 * The metrics of a run's intents and results. `policy_blocked` and
 * `approval_required` come from `result.verdict`, so they are 0 for
 * reference-mode runs, whose results carry no payload.
 *
 * @example
 * ```ts
 * runMetrics(docs.intents.length, docs.results).tool_calls_total;
 * ```
 */
export function runMetrics(
  intentCount: number,
  results: readonly ResultRecord[],
): PackExportMetrics {
  const total = results.length > 0 ? results.length : intentCount;
  let success = 0;
  let blocked = 0;
  let approval = 0;
  let regress = 0;
  for (const r of results) {
    if (lower(r.status) === "ok") success++;
    const verdict = lower(r.result?.verdict);
    if (verdict === "block") blocked++;
    if (verdict === "require_approval") approval++;
    if (isRegressFailure(r)) regress++;
  }
  return {
    tool_calls_total: total,
    tool_calls_success: success,
    tool_calls_success_rate: total > 0 ? success / total : 0,
    policy_blocked: blocked,
    approval_required: approval,
    regress_failures: regress,
  };
}

const ZERO_METRICS: PackExportMetrics = {
  tool_calls_total: 0,
  tool_calls_success: 0,
  tool_calls_success_rate: 0,
  policy_blocked: 0,
  approval_required: 0,
  regress_failures: 0,
};

/**
 * Builds the export record of a pack: verify without a key (integrity counts,
 * signature status), then inspect (identity, creation time, run metrics).
 * Structural verify failures propagate (exit 2).
 *
 * @example
 * ```ts
 * const record = await buildExportRecord("gait-out/pack_x.zip");
 * ```
 */
export async function buildExportRecord(path: string): Promise<PackExportRecord> {
  const pack = await openPack(path);
  try {
    const verify = await verifyPackFile(path, {});
    let createdAt = pack.manifest?.created_at ?? PACK_CREATED_AT;
    let metrics = ZERO_METRICS;
    if (pack.legacyType === "runpack" && pack.runpackManifest) {
      createdAt = pack.runpackManifest.created_at;
    }
    if (pack.legacyType === "guard" && typeof pack.guardManifest?.created_at === "string") {
      createdAt = pack.guardManifest.created_at;
    }
    if (pack.packType === "run") {
      const payload = await readPackJson(pack, PackFile.runPayload);
      if (payload !== undefined) createdAt = parseRunPayload(payload).created_at;
      const docs = await readPackRunpack(pack);
      if (docs !== null) metrics = runMetrics(docs.intents.length, docs.results);
    } else if (pack.packType === "job") {
      const payload = await readPackJson(pack, PackFile.jobPayload);
      if (payload !== undefined) createdAt = parseJobPayload(payload).created_at;
    }
    return {
      pack_id: verify.pack_id,
      pack_type: verify.pack_type,
      source_ref: verify.source_ref,
      manifest_digest: pack.manifestDigest,
      files_checked: verify.files_checked,
      hash_mismatches: verify.hash_mismatches.length,
      missing_files: verify.missing_files.length,
      undeclared_files: verify.undeclared_files.length,
      signature_status: verify.signature_status,
      signatures_total: verify.signatures_total,
      signatures_valid: verify.signatures_valid,
      created_at: toUtcTimestamp(createdAt, "created_at"),
      metrics,
    };
  } finally {
    pack.archive.close();
  }
}

/**
 * The trace id and span id of a record's OTEL lines: from `pack_id` if it is
 * 64 hex, else `manifest_digest` if it is, else `H(pack_type|source_ref)`.
 *
 * @example
 * ```ts
 * otelIds(record); // { traceId: 32 hex, spanId: 16 hex }
 * ```
 */
export function otelIds(record: PackExportRecord): { traceId: string; spanId: string } {
  const seed = isHex64(record.pack_id)
    ? record.pack_id
    : isHex64(record.manifest_digest)
    ? record.manifest_digest
    : sha256Hex(`${record.pack_type}|${record.source_ref}`);
  return { traceId: seed.slice(0, 32), spanId: seed.slice(32, 48) };
}

/**
 * The 8 OTEL-style JSONL lines of an export record, compact with sorted keys:
 * a `gait.pack.verify` span, a metadata event, and six metrics. Times are
 * the record's `created_at` in Unix nanoseconds, printed exactly.
 *
 * @example
 * ```ts
 * otelExportLines(record).length; // 8
 * ```
 */
export function otelExportLines(record: PackExportRecord): string[] {
  const { traceId, spanId } = otelIds(record);
  const t = unixNanos(record.created_at);
  const m = record.metrics;
  const integrityOk = record.hash_mismatches === 0 && record.missing_files === 0 &&
    record.undeclared_files === 0;
  const attributes = {
    "gait.pack_id": record.pack_id,
    "gait.pack_type": record.pack_type,
    "gait.source_ref": record.source_ref,
    "gait.manifest_digest": record.manifest_digest,
    "gait.files_checked": record.files_checked,
    "gait.hash_mismatches": record.hash_mismatches,
    "gait.missing_files": record.missing_files,
    "gait.undeclared_files": record.undeclared_files,
    "gait.signature_status": record.signature_status,
    "gait.signatures_total": record.signatures_total,
    "gait.signatures_valid": record.signatures_valid,
    "gait.integrity_ok": integrityOk,
    "gait.tool_calls_total": m.tool_calls_total,
    "gait.tool_calls_ok": m.tool_calls_success,
    "gait.policy_blocked": m.policy_blocked,
    "gait.approval_required": m.approval_required,
    "gait.regress_failures": m.regress_failures,
  };
  const line = (value: unknown) => goJson(value, { sortKeys: true });
  const metric = (name: string, value: number) => ({
    attributes,
    name,
    record_type: "metric",
    time_unix_nano: t,
    unit: "1",
    value_int: value,
  });
  return [
    line({
      attributes,
      end_time_unix_nano: t,
      instrumentation_scope: "gait.pack.export",
      name: "gait.pack.verify",
      record_type: "span",
      span_id: spanId,
      start_time_unix_nano: t,
      status: { code: integrityOk ? "ok" : "error" },
      trace_id: traceId,
    }),
    line({
      attributes,
      body: "gait.pack.export.metadata",
      record_type: "event",
      severity_text: "INFO",
      span_id: spanId,
      time_unix_nano: t,
      trace_id: traceId,
    }),
    line(metric("gait.pack.tool_calls_total", m.tool_calls_total)),
    line(metric("gait.pack.tool_calls_success_total", m.tool_calls_success)),
    line({
      attributes,
      name: "gait.pack.tool_calls_success_rate",
      record_type: "metric",
      time_unix_nano: t,
      unit: "ratio",
      value_double: m.tool_calls_success_rate,
    }),
    line(metric("gait.pack.policy_blocked_total", m.policy_blocked)),
    line(metric("gait.pack.approval_required_total", m.approval_required)),
    line(metric("gait.pack.regress_failures_total", m.regress_failures)),
  ];
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A validated `--postgres-table`. */
export interface PostgresTable {
  schema?: string;
  table: string;
}

/**
 * Validates `<table>` or `<schema>.<table>`; each part must match
 * `^[A-Za-z_][A-Za-z0-9_]*$`. Anything else is `invalid_input`.
 *
 * @example
 * ```ts
 * parsePostgresTable("public.gait_pack_index"); // { schema: "public", table: "gait_pack_index" }
 * ```
 */
export function parsePostgresTable(name: string): PostgresTable {
  const parts = name.trim().split(".");
  if (parts.length > 2 || parts.some((p) => !IDENTIFIER.test(p))) {
    throw new GaitError(
      "invalid_input",
      `invalid --postgres-table ${
        JSON.stringify(name)
      }: use <table> or <schema>.<table>, each matching ^[A-Za-z_][A-Za-z0-9_]*$`,
    );
  }
  return parts.length === 2 ? { schema: parts[0]!, table: parts[1]! } : { table: parts[0]! };
}

const COLUMNS: { name: string; type: string; value: (r: PackExportRecord) => string }[] = [
  { name: "pack_id", type: "TEXT PRIMARY KEY", value: (r) => sqlText(r.pack_id) },
  { name: "pack_type", type: "TEXT NOT NULL", value: (r) => sqlText(r.pack_type) },
  { name: "source_ref", type: "TEXT NOT NULL", value: (r) => sqlText(r.source_ref) },
  { name: "manifest_digest", type: "TEXT NOT NULL", value: (r) => sqlText(r.manifest_digest) },
  { name: "files_checked", type: "INTEGER NOT NULL", value: (r) => sqlInt(r.files_checked) },
  { name: "hash_mismatches", type: "INTEGER NOT NULL", value: (r) => sqlInt(r.hash_mismatches) },
  { name: "missing_files", type: "INTEGER NOT NULL", value: (r) => sqlInt(r.missing_files) },
  { name: "undeclared_files", type: "INTEGER NOT NULL", value: (r) => sqlInt(r.undeclared_files) },
  { name: "signature_status", type: "TEXT NOT NULL", value: (r) => sqlText(r.signature_status) },
  { name: "signatures_total", type: "INTEGER NOT NULL", value: (r) => sqlInt(r.signatures_total) },
  { name: "signatures_valid", type: "INTEGER NOT NULL", value: (r) => sqlInt(r.signatures_valid) },
  {
    name: "tool_calls_total",
    type: "INTEGER NOT NULL",
    value: (r) => sqlInt(r.metrics.tool_calls_total),
  },
  {
    name: "tool_calls_success",
    type: "INTEGER NOT NULL",
    value: (r) => sqlInt(r.metrics.tool_calls_success),
  },
  {
    name: "tool_calls_success_rate",
    type: "DOUBLE PRECISION NOT NULL",
    value: (r) => r.metrics.tool_calls_success_rate.toFixed(6),
  },
  {
    name: "policy_blocked",
    type: "INTEGER NOT NULL",
    value: (r) => sqlInt(r.metrics.policy_blocked),
  },
  {
    name: "approval_required",
    type: "INTEGER NOT NULL",
    value: (r) => sqlInt(r.metrics.approval_required),
  },
  {
    name: "regress_failures",
    type: "INTEGER NOT NULL",
    value: (r) => sqlInt(r.metrics.regress_failures),
  },
  {
    name: "created_at",
    type: "TIMESTAMPTZ NOT NULL",
    value: (r) => `${sqlText(r.created_at)}::timestamptz`,
  },
];

function sqlText(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

function sqlInt(value: number): string {
  if (!Number.isSafeInteger(value)) throw new GaitError("internal_failure", "non-integer count");
  return String(value);
}

function quoteIdent(name: string): string {
  return `"${name}"`;
}

/**
 * The PostgreSQL SQL of an export record: with DDL, `CREATE TABLE IF NOT
 * EXISTS` (one column per line), two `CREATE INDEX IF NOT EXISTS`, and a
 * blank line; then one `INSERT … ON CONFLICT (pack_id) DO UPDATE SET` upsert,
 * so loading the file again changes nothing.
 *
 * @example
 * ```ts
 * postgresExportSql(record, { table: parsePostgresTable("gait_pack_index"), includeDdl: true });
 * ```
 */
export function postgresExportSql(
  record: PackExportRecord,
  options: { table: PostgresTable; includeDdl: boolean },
): string {
  const { schema, table } = options.table;
  const qualified = schema === undefined
    ? quoteIdent(table)
    : `${quoteIdent(schema)}.${quoteIdent(table)}`;
  const lines: string[] = [];
  if (options.includeDdl) {
    const index = `idx_${table.toLowerCase()}`;
    lines.push(`CREATE TABLE IF NOT EXISTS ${qualified} (`);
    COLUMNS.forEach((c, i) => {
      lines.push(`  ${c.name} ${c.type}${i < COLUMNS.length - 1 ? "," : ""}`);
    });
    lines.push(");");
    lines.push(
      `CREATE INDEX IF NOT EXISTS ${
        quoteIdent(`${index}_pack_type_created_at`)
      } ON ${qualified} (pack_type, created_at DESC);`,
    );
    lines.push(
      `CREATE INDEX IF NOT EXISTS ${
        quoteIdent(`${index}_source_ref`)
      } ON ${qualified} (source_ref);`,
    );
    lines.push("");
  }
  lines.push(`INSERT INTO ${qualified} (`);
  COLUMNS.forEach((c, i) => lines.push(`  ${c.name}${i < COLUMNS.length - 1 ? "," : ""}`));
  lines.push(") VALUES (");
  COLUMNS.forEach((c, i) => lines.push(`  ${c.value(record)}${i < COLUMNS.length - 1 ? "," : ""}`));
  lines.push(") ON CONFLICT (pack_id) DO UPDATE SET");
  const updates = COLUMNS.filter((c) => c.name !== "pack_id");
  updates.forEach((c, i) => {
    lines.push(`  ${c.name} = EXCLUDED.${c.name}${i < updates.length - 1 ? "," : ";"}`);
  });
  return lines.join("\n") + "\n";
}
