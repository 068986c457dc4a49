/**
 * PackSpec v1 documents (spec 01 §5): file names, schema ids and the shapes
 * of the manifest and payloads. Optional fields are `undefined` when empty so
 * canonical JSON omits them, as Go's `omitempty` does.
 *
 * @module
 */

/** The schema version of every PackSpec document. */
export const PACK_SCHEMA_VERSION = "1.0.0";

/** Schema ids of the PackSpec documents. */
export const PackSchema = {
  manifest: "gait.pack.manifest",
  run: "gait.pack.run",
  job: "gait.pack.job",
  call: "gait.pack.call",
  diff: "gait.pack.diff",
  output: "gait.pack.output",
} as const;

/** Well-known entry names. */
export const PackFile = {
  manifest: "pack_manifest.json",
  proofRecords: "proof_records.jsonl",
  runPayload: "run_payload.json",
  sourceRunpack: "source/runpack.zip",
  contextEnvelope: "context_envelope.json",
  jobPayload: "job_payload.json",
  jobState: "job_state.json",
  jobEvents: "job_events.jsonl",
  callPayload: "call_payload.json",
  authorizationBundle: "authorization_bundle.json",
} as const;

/** Every pack manifest's `created_at`: packs carry no wall-clock time. */
export const PACK_CREATED_AT = "1980-01-01T00:00:00Z";

/** The pack types a manifest may declare. */
export const PACK_TYPES = ["run", "job", "call", "authorization"] as const;

/** One of {@link PACK_TYPES}. */
export type PackType = (typeof PACK_TYPES)[number];

/** The pack types `gait pack build` can produce today. */
export const BUILDABLE_PACK_TYPES: readonly PackType[] = ["run"];

/** Entry permission bits of every pack entry (0644). */
export const PACK_ENTRY_MODE = 0o644;

/** One `contents` entry of the manifest. */
export interface PackEntry {
  path: string;
  sha256: string;
  /** `json`, `jsonl`, `zip` or `blob`, by extension. */
  type: string;
}

/** A manifest signature (`signed_digest` may be absent in foreign packs). */
export interface PackSignature {
  alg: string;
  key_id: string;
  sig: string;
  signed_digest?: string;
}

/** `pack_manifest.json`. */
export interface PackManifest {
  schema_id: string;
  schema_version: string;
  created_at: string;
  producer_version: string;
  pack_id: string;
  pack_type: PackType;
  source_ref: string;
  /** `null` when the manifest has no `contents` (Go's nil slice). */
  contents: PackEntry[] | null;
  signatures?: PackSignature[];
}

/** `run_payload.json` (`gait.pack.run`). */
export interface RunPayload {
  schema_id: string;
  schema_version: string;
  created_at: string;
  run_id: string;
  capture_mode: string;
  manifest_digest: string;
  intents_count: number;
  results_count: number;
  refs_count: number;
  context_set_digest?: string;
  context_ref_count?: number;
  context_evidence_mode?: string;
  context_privacy_mode?: string;
}

/** `job_payload.json` (`gait.pack.job`). */
export interface JobPayload {
  schema_id: string;
  schema_version: string;
  created_at: string;
  job_id: string;
  status: string;
  stop_reason: string;
  status_reason_code: string;
  environment_fingerprint: string;
  safety_invariant_version?: string;
  safety_invariant_hash?: string;
  checkpoint_count: number;
  approval_count: number;
}

/** A file whose hash differs from the manifest. */
export interface PackHashMismatch {
  path: string;
  expected: string;
  actual: string;
}

/**
 * The manifest `type` of an entry, by extension.
 *
 * @example
 * ```ts
 * packEntryType("source/runpack.zip"); // "zip"
 * packEntryType("notes.txt"); // "blob"
 * ```
 */
export function packEntryType(path: string): string {
  if (path.endsWith(".jsonl")) return "jsonl";
  if (path.endsWith(".json")) return "json";
  if (path.endsWith(".zip")) return "zip";
  return "blob";
}

/**
 * True for a known pack type.
 *
 * @example
 * ```ts
 * isPackType("run"); // true
 * ```
 */
export function isPackType(value: unknown): value is PackType {
  return typeof value === "string" && (PACK_TYPES as readonly string[]).includes(value);
}
