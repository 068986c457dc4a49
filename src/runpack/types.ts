/**
 * Runpack documents (spec 01 §4). Field presence follows the Go structs:
 * optional fields are `undefined` when empty so JCS omits them.
 *
 * @module
 */

import type { JsonObject } from "../core/json_value.ts";

/** The schema version of every runpack document. */
export const RUNPACK_SCHEMA_VERSION = "1.0.0";

/** Schema ids of the runpack documents. */
export const RunpackSchema = {
  manifest: "gait.runpack.manifest",
  run: "gait.runpack.run",
  intent: "gait.runpack.intent",
  result: "gait.runpack.result",
  refs: "gait.runpack.refs",
} as const;

/** The four data files every runpack declares. */
export const RUNPACK_DATA_FILES = [
  "intents.jsonl",
  "refs.json",
  "results.jsonl",
  "run.json",
] as const;

/** `reference` keeps digests only; `raw` keeps payloads. */
export type CaptureMode = "reference" | "raw";

/** Fields every record carries. */
export interface RecordHeader {
  schema_id: string;
  schema_version: string;
  created_at: string;
  producer_version: string;
  run_id: string;
}

/** `env` of run.json. */
export interface RunEnv {
  os: string;
  arch: string;
  runtime: string;
}

/** One timeline event. */
export interface TimelineEvent {
  event: string;
  ts: string;
  ref?: string;
  relationship?: JsonObject;
}

/** run.json. */
export interface RunDocument extends RecordHeader {
  env: RunEnv;
  timeline: TimelineEvent[] | null;
}

/** One line of intents.jsonl. */
export interface IntentRecord extends RecordHeader {
  intent_id: string;
  tool_name: string;
  args_digest: string;
  args?: JsonObject;
}

/** One line of results.jsonl. */
export interface ResultRecord extends RecordHeader {
  intent_id: string;
  status: string;
  result_digest: string;
  result?: JsonObject;
}

/** One context receipt in refs.json. */
export interface Receipt {
  ref_id: string;
  source_type: string;
  source_locator: string;
  query_digest: string;
  content_digest: string;
  retrieved_at: string;
  redaction_mode: string;
  immutability?: string;
  freshness_sla_seconds?: number;
  sensitivity_label?: string;
  retrieval_params?: JsonObject;
}

/** refs.json. */
export interface RefsDocument extends RecordHeader {
  context_set_digest?: string;
  context_evidence_mode?: string;
  context_ref_count?: number;
  receipts: Receipt[];
}

/** A signature object (spec 01 §2). */
export interface SignatureObject {
  alg: string;
  key_id: string;
  sig: string;
  signed_digest?: string;
}

/** One `files` entry of the manifest. */
export interface ManifestFile {
  path: string;
  sha256: string;
}

/** manifest.json. */
export interface RunpackManifest {
  schema_id: string;
  schema_version: string;
  created_at: string;
  producer_version: string;
  run_id: string;
  capture_mode: string;
  files: ManifestFile[] | null;
  manifest_digest: string;
  signatures?: SignatureObject[];
}

/** Everything a runpack holds, before or after normalization. */
export interface RunpackContent {
  run: RunDocument;
  intents: IntentRecord[];
  results: ResultRecord[];
  refs: RefsDocument;
  captureMode: CaptureMode;
}
