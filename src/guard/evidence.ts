/**
 * The evidence a guard pack carries besides the runpack (spec 01 §8
 * "Files"): inventory snapshots, approval audits and credential evidence
 * re-emitted as their struct views, and the trace and regress summaries.
 *
 * @module
 */

import { canonicalJsonBytes } from "../core/canonical_json.ts";
import { GaitError } from "../core/errors.ts";
import { compareUtf8 } from "../core/go_json.ts";
import { isJsonObject, type JsonObject } from "../core/json_value.ts";
import { parseStrictJsonBytes } from "../core/strict_json.ts";
import { StructView } from "../core/struct_view.ts";
import { readFileLimited } from "../fs/atomic.ts";
import { type GoField, structViewOf } from "./_go_struct.ts";

/** Largest evidence input file read. */
export const MAX_EVIDENCE_INPUT_BYTES = 32 * 1024 * 1024;

/**
 * Splits comma-separated path lists, trims them, drops blanks and
 * duplicates, and sorts them (byte order).
 *
 * @example
 * ```ts
 * normalizeEvidencePaths(["a.json,b.json", "b.json", " "]); // ["a.json", "b.json"]
 * ```
 */
export function normalizeEvidencePaths(values: readonly string[]): string[] {
  const out = new Set<string>();
  for (const value of values) {
    for (const part of value.split(",")) {
      const p = part.trim();
      if (p !== "") out.add(p);
    }
  }
  return [...out].sort(compareUtf8);
}

/**
 * Reads one JSON object file (bounded, strict syntax).
 *
 * @example
 * ```ts
 * const doc = await readJsonObjectFile("trace_x.json", "trace");
 * ```
 */
export async function readJsonObjectFile(path: string, label: string): Promise<JsonObject> {
  const value = parseStrictJsonBytes(
    await readFileLimited(path, MAX_EVIDENCE_INPUT_BYTES, label),
    { label: `${label} ${path}` },
  );
  if (!isJsonObject(value)) {
    throw new GaitError("invalid_input", `${label} ${path} must be a JSON object`);
  }
  return value;
}

const HEADER: readonly GoField[] = [
  { name: "schema_id", kind: "string" },
  { name: "schema_version", kind: "string" },
  { name: "created_at", kind: "time" },
  { name: "producer_version", kind: "string" },
];

const RELATIONSHIP: GoField = { name: "relationship", kind: "raw", omitempty: true };

/** `gait.scout.inventory_snapshot`. */
const INVENTORY_FIELDS: readonly GoField[] = [
  ...HEADER,
  { name: "snapshot_id", kind: "string" },
  { name: "workspace", kind: "string", omitempty: true },
  {
    name: "items",
    kind: "structs",
    fields: [
      { name: "id", kind: "string" },
      { name: "kind", kind: "string" },
      { name: "name", kind: "string" },
      { name: "locator", kind: "string" },
      { name: "risk_level", kind: "string", omitempty: true },
      { name: "tags", kind: "strings", omitempty: true },
      { name: "last_seen_run", kind: "string", omitempty: true },
      RELATIONSHIP,
    ],
  },
];

/** `gait.gate.approval_audit_record`. */
const APPROVAL_AUDIT_FIELDS: readonly GoField[] = [
  ...HEADER,
  { name: "trace_id", kind: "string" },
  { name: "tool_name", kind: "string" },
  { name: "intent_digest", kind: "string" },
  { name: "policy_digest", kind: "string" },
  { name: "required_approvals", kind: "int" },
  { name: "valid_approvals", kind: "int" },
  { name: "approved", kind: "bool" },
  { name: "approvers", kind: "strings", omitempty: true },
  RELATIONSHIP,
  {
    name: "entries",
    kind: "structs",
    fields: [
      { name: "token_id", kind: "string", omitempty: true },
      { name: "approver_identity", kind: "string", omitempty: true },
      { name: "reason_code", kind: "string", omitempty: true },
      { name: "scope", kind: "strings", omitempty: true },
      { name: "expires_at", kind: "time" },
      { name: "valid", kind: "bool" },
      { name: "error_code", kind: "string", omitempty: true },
    ],
  },
];

/** `gait.gate.broker_credential_record`. */
const CREDENTIAL_FIELDS: readonly GoField[] = [
  ...HEADER,
  { name: "trace_id", kind: "string" },
  { name: "tool_name", kind: "string" },
  { name: "identity", kind: "string" },
  { name: "broker", kind: "string" },
  { name: "reference", kind: "string", omitempty: true },
  { name: "credential_source", kind: "string", omitempty: true },
  { name: "credential_access_type", kind: "string", omitempty: true },
  { name: "credential_issuer", kind: "string", omitempty: true },
  { name: "credential_subject", kind: "string", omitempty: true },
  { name: "credential_owner", kind: "string", omitempty: true },
  { name: "scope", kind: "strings", omitempty: true },
  { name: "credential_ref", kind: "string" },
  { name: "target_binding", kind: "string", omitempty: true },
  { name: "run_binding", kind: "string", omitempty: true },
  { name: "job_binding", kind: "string", omitempty: true },
  { name: "request_digest", kind: "string", omitempty: true },
  { name: "issued_at", kind: "time" },
  { name: "expires_at", kind: "time" },
  { name: "ttl_seconds", kind: "int", omitempty: true },
];

/** The kinds of evidence file a pack re-emits as struct views. */
export type EvidenceKind = "inventory_snapshot" | "approval_audit" | "credential_evidence";

const EVIDENCE_FIELDS: Record<EvidenceKind, readonly GoField[]> = {
  inventory_snapshot: INVENTORY_FIELDS,
  approval_audit: APPROVAL_AUDIT_FIELDS,
  credential_evidence: CREDENTIAL_FIELDS,
};

/**
 * The canonical bytes of an evidence document's struct view.
 *
 * @example
 * ```ts
 * evidenceViewBytes("approval_audit", doc, "approval_audit_trace_1.json");
 * ```
 */
export function evidenceViewBytes(kind: EvidenceKind, doc: JsonObject, label: string): Uint8Array {
  return canonicalJsonBytes(structViewOf(doc, EVIDENCE_FIELDS[kind], label));
}

/**
 * Reads evidence files and returns the pack entries
 * `<kind>_01.json`, `<kind>_02.json`, … in path order.
 *
 * @example
 * ```ts
 * await evidenceEntries("inventory_snapshot", ["inventory.json"]); // [["inventory_snapshot_01.json", bytes]]
 * ```
 */
export async function evidenceEntries(
  kind: EvidenceKind,
  paths: readonly string[],
): Promise<[string, Uint8Array][]> {
  const out: [string, Uint8Array][] = [];
  for (const [i, path] of paths.entries()) {
    const doc = await readJsonObjectFile(path, kind.replace("_", " "));
    out.push([
      `${kind}_${String(i + 1).padStart(2, "0")}.json`,
      evidenceViewBytes(kind, doc, path),
    ]);
  }
  return out;
}

/** The fields of a trace record the summaries use. */
export interface TraceFacts {
  trace_id: string;
  tool_name: string;
  verdict: string;
  created_at: string;
  policy_digest: string;
}

/**
 * Reads the fields of a trace record the pack needs, loosely.
 *
 * @example
 * ```ts
 * traceFacts(doc, "trace_x.json").verdict; // "allow"
 * ```
 */
export function traceFacts(doc: JsonObject, label: string): TraceFacts {
  const v = new StructView(doc, label);
  return {
    trace_id: v.string("trace_id"),
    tool_name: v.string("tool_name"),
    verdict: v.string("verdict"),
    created_at: v.time("created_at"),
    policy_digest: v.string("policy_digest"),
  };
}

function countBy(values: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const v of values) counts[v] = (counts[v] ?? 0) + 1;
  return counts;
}

/**
 * `trace_summary.json`: `{total, traces:[{trace_id,tool_name,verdict}], verdict_counts}`.
 *
 * @example
 * ```ts
 * traceSummaryBytes([{ trace_id: "t1", tool_name: "tool.a", verdict: "allow", created_at: "…", policy_digest: "" }]);
 * ```
 */
export function traceSummaryBytes(traces: readonly TraceFacts[]): Uint8Array {
  return canonicalJsonBytes({
    total: traces.length,
    traces: traces.map((t) => ({
      trace_id: t.trace_id,
      tool_name: t.tool_name,
      verdict: t.verdict,
    })),
    verdict_counts: countBy(traces.map((t) => t.verdict)),
  });
}

/**
 * Reads trace files named on the command line (any failure is an error).
 *
 * @example
 * ```ts
 * const traces = await readTraceFiles(["gait-out/trace_x.json"]);
 * ```
 */
export async function readTraceFiles(paths: readonly string[]): Promise<TraceFacts[]> {
  const out: TraceFacts[] = [];
  for (const path of paths) out.push(traceFacts(await readJsonObjectFile(path, "trace"), path));
  return out;
}

/** The fields of a regress result the summary uses. */
export interface RegressFacts {
  fixture_set: string;
  status: string;
  graders: number;
  created_at: string;
}

/**
 * Reads the fields of a regress result the pack needs, loosely.
 *
 * @example
 * ```ts
 * regressFacts(doc, "regress.json").status; // "pass"
 * ```
 */
export function regressFacts(doc: JsonObject, label: string): RegressFacts {
  const v = new StructView(doc, label);
  return {
    fixture_set: v.string("fixture_set"),
    status: v.string("status"),
    graders: v.array("graders")?.length ?? 0,
    created_at: v.time("created_at"),
  };
}

/**
 * `regress_summary.json`: `{results:[{fixture_set,status,graders}], status_counts, total}`.
 *
 * @example
 * ```ts
 * regressSummaryBytes([{ fixture_set: "run_x", status: "pass", graders: 2, created_at: "…" }]);
 * ```
 */
export function regressSummaryBytes(results: readonly RegressFacts[]): Uint8Array {
  return canonicalJsonBytes({
    results: results.map((r) => ({
      fixture_set: r.fixture_set,
      status: r.status,
      graders: r.graders,
    })),
    status_counts: countBy(results.map((r) => r.status)),
    total: results.length,
  });
}

/**
 * Reads regress result files named on the command line (any failure is an error).
 *
 * @example
 * ```ts
 * const results = await readRegressFiles(["regress_result.json"]);
 * ```
 */
export async function readRegressFiles(paths: readonly string[]): Promise<RegressFacts[]> {
  const out: RegressFacts[] = [];
  for (const path of paths) {
    out.push(regressFacts(await readJsonObjectFile(path, "regress result"), path));
  }
  return out;
}
