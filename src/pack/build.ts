/**
 * Building PackSpec v1 packs (spec 01 §5): the run payload, the context
 * envelope, proof records, the manifest with `pack_id`, optional signatures,
 * and the deterministic zip.
 *
 * @module
 */

import { buildDeterministicZip, type ZipInputFile } from "../archive/mod.ts";
import { canonicalJson } from "../core/canonical_json.ts";
import { sha256Hex } from "../core/digest.ts";
import { GaitError } from "../core/errors.ts";
import { compareUtf8 } from "../core/go_json.ts";
import { toUtcTimestamp } from "../core/timestamp.ts";
import type { PrivateKeyMaterial } from "../crypto/key_material.ts";
import { signDigest } from "../crypto/signature.ts";
import { contextRecordView, contextSetDigest } from "../gate/context_envelope.ts";
import type { ContextRecord } from "../gate/context_envelope.ts";
import type { Receipt } from "../runpack/types.ts";
import type { RunpackSummary, VerifiedRunpackSource } from "./source.ts";
import { computePackId, computePackSignedDigest, packManifestBytes } from "./manifest.ts";
import { buildProofRecords } from "./proof_records.ts";
import {
  PACK_CREATED_AT,
  PACK_ENTRY_MODE,
  PACK_SCHEMA_VERSION,
  type PackEntry,
  packEntryType,
  PackFile,
  type PackManifest,
  PackSchema,
  type PackType,
  type RunPayload,
} from "./types.ts";

const encoder = new TextEncoder();

/** One file to put in a pack (other than the manifest and proof records). */
export interface PackInputFile {
  path: string;
  data: Uint8Array;
}

/** Options of {@link assemblePack} and {@link buildRunPack}. */
export interface PackBuildOptions {
  /** The producing tool's version, written as `producer_version`. */
  producerVersion: string;
  /** Signs the manifest and every proof record when given. */
  signer?: PrivateKeyMaterial | null;
}

/** A pack ready to be written. */
export interface BuiltPack {
  manifest: PackManifest;
  /** The zip bytes. */
  zip: Uint8Array;
  /** Every entry, including the manifest and proof records. */
  files: Map<string, Uint8Array>;
}

/**
 * Assembles a pack from its type-specific files: adds `proof_records.jsonl`
 * (one record per file, path order) and `pack_manifest.json` (contents of
 * every file including the proof records, `pack_id`, signatures), and zips
 * everything deterministically.
 *
 * @example
 * ```ts
 * const pack = await assemblePack("run", "run_demo", files, { producerVersion: "0.0.0-dev" });
 * pack.manifest.pack_id; // 64 hex
 * ```
 */
export async function assemblePack(
  packType: PackType,
  sourceRef: string,
  inputs: readonly PackInputFile[],
  options: PackBuildOptions,
): Promise<BuiltPack> {
  if (sourceRef.trim() === "") throw new GaitError("invalid_input", "pack source_ref is required");
  const producerVersion = options.producerVersion.trim() || "0.0.0-dev";
  const sorted = [...inputs].sort((a, b) => compareUtf8(a.path, b.path));
  for (const file of sorted) {
    if (file.path === PackFile.manifest || file.path === PackFile.proofRecords) {
      throw new GaitError("invalid_input", `pack input must not be named ${file.path}`);
    }
  }
  const described = sorted.map((f) => ({
    path: f.path,
    type: packEntryType(f.path),
    sha256: sha256Hex(f.data),
    size: f.data.length,
  }));
  const proofText = await buildProofRecords(described, {
    packType,
    sourceRef,
    producerVersion,
    timestamp: PACK_CREATED_AT,
    signer: options.signer ?? null,
  });
  const proofBytes = encoder.encode(proofText);
  const contents: PackEntry[] = [
    ...described.map((d) => ({ path: d.path, sha256: d.sha256, type: d.type })),
    { path: PackFile.proofRecords, sha256: sha256Hex(proofBytes), type: "jsonl" },
  ].sort((a, b) => compareUtf8(a.path, b.path));
  const manifest: PackManifest = {
    schema_id: PackSchema.manifest,
    schema_version: PACK_SCHEMA_VERSION,
    created_at: PACK_CREATED_AT,
    producer_version: producerVersion,
    pack_id: "",
    pack_type: packType,
    source_ref: sourceRef,
    contents,
  };
  manifest.pack_id = computePackId(manifest);
  if (options.signer) {
    manifest.signatures = [await signDigest(options.signer, computePackSignedDigest(manifest))];
  }
  const files = new Map<string, Uint8Array>(sorted.map((f) => [f.path, f.data]));
  files.set(PackFile.proofRecords, proofBytes);
  files.set(PackFile.manifest, packManifestBytes(manifest));
  const zipFiles: ZipInputFile[] = [...files].map(([path, data]) => ({
    path,
    data,
    mode: PACK_ENTRY_MODE,
  }));
  const zip = await buildDeterministicZip(zipFiles);
  return { manifest, zip, files };
}

/**
 * The common `redaction_mode` of all receipts (blank counts as `unknown`),
 * `mixed` when they differ, undefined without receipts.
 */
function privacyMode(receipts: readonly Receipt[]): string | undefined {
  const modes = new Set(receipts.map((r) => r.redaction_mode.trim() || "unknown"));
  if (modes.size === 0) return undefined;
  return modes.size === 1 ? [...modes][0] : "mixed";
}

/**
 * `run_payload.json` of a runpack (spec 01 §5 "Payloads").
 *
 * @example
 * ```ts
 * runPayloadOf(docs).intents_count; // 3 for the demo
 * ```
 */
export function runPayloadOf(docs: RunpackSummary): RunPayload {
  const receipts = docs.refs.receipts;
  const payload: RunPayload = {
    schema_id: PackSchema.run,
    schema_version: PACK_SCHEMA_VERSION,
    created_at: toUtcTimestamp(docs.run.created_at, "run.created_at"),
    run_id: docs.manifest.run_id,
    capture_mode: docs.manifest.capture_mode,
    manifest_digest: docs.manifest.manifest_digest,
    intents_count: docs.intents_count,
    results_count: docs.results_count,
    refs_count: receipts.length,
  };
  if (docs.refs.context_set_digest) payload.context_set_digest = docs.refs.context_set_digest;
  if (receipts.length > 0) payload.context_ref_count = receipts.length;
  if (docs.refs.context_evidence_mode) {
    payload.context_evidence_mode = docs.refs.context_evidence_mode;
  }
  const privacy = privacyMode(receipts);
  if (privacy !== undefined) payload.context_privacy_mode = privacy;
  return payload;
}

function contextRecordOf(receipt: Receipt): ContextRecord {
  const record: ContextRecord = {
    ref_id: receipt.ref_id,
    source_type: receipt.source_type,
    source_locator: receipt.source_locator,
    query_digest: receipt.query_digest.trim().toLowerCase(),
    content_digest: receipt.content_digest.trim().toLowerCase(),
    retrieved_at: receipt.retrieved_at,
    redaction_mode: receipt.redaction_mode,
    immutability: (receipt.immutability ?? "").trim().toLowerCase() || "unknown",
    sensitivity_label: receipt.sensitivity_label ?? "",
    freshness_sla_seconds: receipt.freshness_sla_seconds ?? 0,
  };
  if (receipt.retrieval_params !== undefined) record.retrieval_params = receipt.retrieval_params;
  return record;
}

function compareRecords(a: ContextRecord, b: ContextRecord): number {
  return compareUtf8(a.ref_id, b.ref_id) || compareUtf8(a.source_type, b.source_type) ||
    compareUtf8(a.source_locator, b.source_locator) ||
    compareUtf8(a.content_digest, b.content_digest);
}

/**
 * `context_envelope.json` of a run with receipts: a `gait.context.envelope`
 * (spec 02 §6.6) whose records are the run's receipts, sorted as envelopes
 * sort them, with `context_set_digest` computed over those records, so the
 * file is a valid envelope for `gait gate eval --context-envelope`.
 * `context_set_id` is the run id; `created_at`/`producer_version` are the
 * run's; `evidence_mode` is the refs' mode (default `best_effort`). Returns
 * null when the run has no receipts.
 *
 * @example
 * ```ts
 * contextEnvelopeOf(docs)?.schema_id; // "gait.context.envelope"
 * ```
 */
export function contextEnvelopeOf(docs: RunpackSummary): Record<string, unknown> | null {
  if (docs.refs.receipts.length === 0) return null;
  const records = docs.refs.receipts.map(contextRecordOf).sort(compareRecords);
  return {
    schema_id: "gait.context.envelope",
    schema_version: "1.0.0",
    created_at: toUtcTimestamp(docs.run.created_at, "run.created_at"),
    producer_version: docs.run.producer_version,
    context_set_id: docs.manifest.run_id,
    context_set_digest: contextSetDigest(records),
    evidence_mode: docs.refs.context_evidence_mode || "best_effort",
    records: records.map(contextRecordView),
  };
}

/**
 * Builds a run pack from a verified runpack: `run_payload.json`,
 * `source/runpack.zip` (its entries re-zipped deterministically),
 * `context_envelope.json` when the run has receipts, proof records and the
 * manifest.
 *
 * @example
 * ```ts
 * const pack = await buildRunPack(await loadVerifiedRunpack(path), { producerVersion: "0.0.0-dev" });
 * ```
 */
export async function buildRunPack(
  source: VerifiedRunpackSource,
  options: PackBuildOptions,
): Promise<BuiltPack> {
  const runpackZip = await buildDeterministicZip(
    [...source.files].map(([path, data]) => ({ path, data })),
  );
  const files: PackInputFile[] = [
    { path: PackFile.runPayload, data: encoder.encode(canonicalJson(runPayloadOf(source))) },
    { path: PackFile.sourceRunpack, data: runpackZip },
  ];
  const envelope = contextEnvelopeOf(source);
  if (envelope !== null) {
    files.push({ path: PackFile.contextEnvelope, data: encoder.encode(canonicalJson(envelope)) });
  }
  return await assemblePack("run", source.manifest.run_id, files, options);
}
