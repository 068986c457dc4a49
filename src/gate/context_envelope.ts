/**
 * Context evidence envelopes (spec 02 §6.6): strict JSON, unknown keys
 * rejected, records normalized and sorted, and `context_set_digest` checked
 * against the digest of the normalized records.
 *
 * @module
 */

import { digestJson } from "../core/digest.ts";
import { GaitError } from "../core/errors.ts";
import type { JsonObject, JsonValue } from "../core/json_value.ts";
import { parseStrictJson } from "../core/strict_json.ts";
import { formatTimestamp, parseTimestamp, ZERO_TIME } from "../core/timestamp.ts";
import { type StructReader, structReader } from "./_struct_view.ts";
import { compareUtf8, goLower, goTrim, isHex64Any, lowerTrim, utf8Length } from "./_text.ts";

const PREFIX = "context envelope: ";
/** Largest accepted envelope, in UTF-8 bytes. */
export const MAX_CONTEXT_ENVELOPE_BYTES = 1024 * 1024;
const EPOCH_1980 = "1980-01-01T00:00:00Z";
const ENVELOPE_FIELDS = new Set([
  "schema_id",
  "schema_version",
  "created_at",
  "producer_version",
  "context_set_id",
  "context_set_digest",
  "evidence_mode",
  "records",
]);
const RECORD_FIELDS = new Set([
  "ref_id",
  "source_type",
  "source_locator",
  "query_digest",
  "content_digest",
  "retrieved_at",
  "redaction_mode",
  "immutability",
  "sensitivity_label",
  "freshness_sla_seconds",
  "retrieval_params",
]);

/** One normalized context reference record. */
export interface ContextRecord {
  ref_id: string;
  source_type: string;
  source_locator: string;
  query_digest: string;
  content_digest: string;
  retrieved_at: string;
  redaction_mode: string;
  immutability: string;
  sensitivity_label: string;
  freshness_sla_seconds: number;
  retrieval_params?: JsonObject;
}

/** A parsed, verified context envelope. */
export interface ContextEnvelope {
  schema_id: string;
  schema_version: string;
  created_at: string;
  producer_version: string;
  context_set_id: string;
  context_set_digest: string;
  evidence_mode: string;
  records: ContextRecord[];
}

function fail(message: string): never {
  throw new GaitError("invalid_input", PREFIX + message);
}

function foldAscii(key: string): string {
  return key.replaceAll("\u212a", "k").replaceAll("\u017f", "s").replace(
    /[A-Z]+/g,
    (m) => m.toLowerCase(),
  );
}

function rejectUnknown(obj: unknown, known: ReadonlySet<string>, path: string): void {
  if (obj === null || typeof obj !== "object" || Array.isArray(obj)) return;
  for (const key of Object.keys(obj)) {
    if (!known.has(foldAscii(key))) fail(`unknown field ${JSON.stringify(key)} in ${path}`);
  }
}

function digestField(r: StructReader, field: string): string {
  const v = lowerTrim(r.str(field));
  if (v !== "" && !isHex64Any(v)) fail(`${r.at(field)} must be 64 hex characters`);
  return v;
}

function utc(ts: string): string {
  return formatTimestamp({ ...parseTimestamp(ts), offsetMinutes: 0 });
}

/** The struct view of one record, as digested into `context_set_digest`. */
export function contextRecordView(r: ContextRecord): Record<string, unknown> {
  const o: Record<string, unknown> = {
    ref_id: r.ref_id,
    source_type: r.source_type,
    source_locator: r.source_locator,
    query_digest: r.query_digest,
    content_digest: r.content_digest,
    retrieved_at: r.retrieved_at,
    redaction_mode: r.redaction_mode,
  };
  if (r.immutability !== "") o.immutability = r.immutability;
  if (r.freshness_sla_seconds !== 0) o.freshness_sla_seconds = r.freshness_sla_seconds;
  if (r.sensitivity_label !== "") o.sensitivity_label = r.sensitivity_label;
  if (r.retrieval_params && Object.keys(r.retrieval_params).length > 0) {
    o.retrieval_params = r.retrieval_params;
  }
  return o;
}

/**
 * The digest of normalized records (what `context_set_digest` must equal).
 *
 * @example
 * ```ts
 * contextSetDigest(parseContextEnvelope('{"context_set_id":"c","records":[]}').records).length; // 64
 * ```
 */
export function contextSetDigest(records: readonly ContextRecord[]): string {
  return digestJson(records.map(contextRecordView));
}

function normalizeRecord(r: StructReader, raw: unknown): ContextRecord {
  rejectUnknown(raw, RECORD_FIELDS, r.path);
  const rec: ContextRecord = {
    ref_id: goTrim(r.str("ref_id")),
    source_type: goTrim(r.str("source_type")),
    source_locator: goTrim(r.str("source_locator")),
    query_digest: digestField(r, "query_digest"),
    content_digest: digestField(r, "content_digest"),
    retrieved_at: r.time("retrieved_at"),
    redaction_mode: goTrim(r.str("redaction_mode")),
    immutability: lowerTrim(r.str("immutability")) || "unknown",
    sensitivity_label: goTrim(r.str("sensitivity_label")),
    freshness_sla_seconds: r.int("freshness_sla_seconds"),
  };
  for (const field of ["ref_id", "source_type", "source_locator", "redaction_mode"] as const) {
    if (rec[field] === "") fail(`${r.at(field)} is required`);
  }
  if (!["unknown", "mutable", "immutable"].includes(rec.immutability)) {
    fail(`unsupported ${r.at("immutability")} ${JSON.stringify(rec.immutability)}`);
  }
  if (rec.freshness_sla_seconds < 0) fail(`${r.at("freshness_sla_seconds")} must be >= 0`);
  rec.retrieved_at = rec.retrieved_at === ZERO_TIME ? EPOCH_1980 : utc(rec.retrieved_at);
  const params = r.raw("retrieval_params");
  if (params !== undefined) {
    if (typeof params !== "object" || Array.isArray(params)) {
      fail(`${r.at("retrieval_params")} must be an object`);
    }
    rec.retrieval_params = params as JsonObject;
  }
  return rec;
}

function compareRecords(a: ContextRecord, b: ContextRecord): number {
  return compareUtf8(a.ref_id, b.ref_id) || compareUtf8(a.source_type, b.source_type) ||
    compareUtf8(a.source_locator, b.source_locator) ||
    compareUtf8(a.content_digest, b.content_digest);
}

/**
 * Normalizes an already-parsed envelope value (see {@link parseContextEnvelope}).
 *
 * @example
 * ```ts
 * normalizeContextEnvelope({ context_set_id: "ctx", records: [] }).evidence_mode; // "best_effort"
 * ```
 */
export function normalizeContextEnvelope(value: JsonValue): ContextEnvelope {
  const r = structReader(value, PREFIX, "envelope");
  rejectUnknown(value, ENVELOPE_FIELDS, "envelope");
  const schemaId = goTrim(r.str("schema_id")) || "gait.context.envelope";
  if (schemaId !== "gait.context.envelope") {
    fail(`unsupported schema_id ${JSON.stringify(schemaId)}`);
  }
  const schemaVersion = goTrim(r.str("schema_version")) || "1.0.0";
  if (schemaVersion !== "1.0.0") {
    fail(`unsupported schema_version ${JSON.stringify(schemaVersion)}`);
  }
  const contextSetId = goTrim(r.str("context_set_id"));
  if (contextSetId === "") fail("context_set_id is required");
  const mode = goLower(goTrim(r.str("evidence_mode"))) || "best_effort";
  if (mode !== "best_effort" && mode !== "required") {
    fail(`unsupported evidence_mode ${JSON.stringify(mode)}`);
  }
  const rawRecords = r.arr("records");
  const records = r.objList("records").map((rec, i) => normalizeRecord(rec, rawRecords[i]));
  records.sort(compareRecords);
  const computed = contextSetDigest(records);
  const claimed = lowerTrim(r.str("context_set_digest"));
  if (claimed !== "" && claimed !== computed) {
    fail(
      `context_set_digest mismatch: envelope declares ${claimed}, records digest to ${computed}`,
    );
  }
  const createdAt = r.time("created_at");
  return {
    schema_id: schemaId,
    schema_version: schemaVersion,
    created_at: createdAt === ZERO_TIME ? createdAt : utc(createdAt),
    producer_version: r.str("producer_version"),
    context_set_id: contextSetId,
    context_set_digest: computed,
    evidence_mode: mode,
    records,
  };
}

/**
 * Parses a context envelope document: strict JSON (duplicate keys rejected),
 * at most 1 MiB, unknown keys rejected, records normalized (`immutability`
 * default `unknown`, zero `retrieved_at` → 1980-01-01, digests lower-case 64-hex)
 * and sorted, and a declared `context_set_digest` checked against the records.
 * Errors are `GaitError` `invalid_input` prefixed `context envelope: `.
 *
 * @example
 * ```ts
 * const env = parseContextEnvelope('{"context_set_id":"ctx-1","records":[]}');
 * env.context_set_digest.length; // 64
 * ```
 */
export function parseContextEnvelope(text: string): ContextEnvelope {
  if (text.length > MAX_CONTEXT_ENVELOPE_BYTES || utf8Length(text) > MAX_CONTEXT_ENVELOPE_BYTES) {
    fail(`document exceeds ${MAX_CONTEXT_ENVELOPE_BYTES} bytes`);
  }
  return normalizeContextEnvelope(parseStrictJson(text, { label: "context envelope" }));
}
