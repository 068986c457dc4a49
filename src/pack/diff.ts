/**
 * `gait pack diff` (spec 01 §5.3): file-level differences between two packs
 * (or legacy runpacks), the manifest delta, and context drift classification
 * for run packs.
 *
 * @module
 */

import { canonicalJson } from "../core/canonical_json.ts";
import { compareUtf8 } from "../core/go_json.ts";
import type { RefsDocument } from "../runpack/types.ts";
import type { RunpackDocuments } from "./_runpack_source.ts";
import { parseRunPayload } from "./payload.ts";
import { type OpenedPack, openPack, readPackJson, readPackRunpack } from "./read.ts";
import { PACK_CREATED_AT, PACK_SCHEMA_VERSION, PackFile, PackSchema } from "./types.ts";

/** How the context of two runs differs. */
export type ContextDrift = "none" | "runtime_only" | "semantic";

/** `summary` of a pack diff. */
export interface PackDiffSummary {
  changed: boolean;
  added_files?: string[];
  removed_files?: string[];
  changed_files?: string[];
  manifest_delta: boolean;
  context_changed?: boolean;
  context_runtime_only_changes?: boolean;
  context_drift_classification: ContextDrift;
}

/** A `gait.pack.diff` document. */
export interface PackDiffResult {
  schema_id: string;
  schema_version: string;
  created_at: string;
  left_pack_id: string;
  right_pack_id: string;
  left_pack_type: string;
  right_pack_type: string;
  summary: PackDiffSummary;
}

const EPOCH_1980 = "1980-01-01T00:00:00Z";

/** The context part of refs: what drift is about (run ids and clocks are not). */
function contextView(refs: RefsDocument, runtimeBlind: boolean): unknown {
  return {
    context_set_digest: runtimeBlind ? "" : (refs.context_set_digest ?? ""),
    context_evidence_mode: refs.context_evidence_mode ?? "",
    context_ref_count: refs.context_ref_count ?? 0,
    receipts: refs.receipts.map((r) => (runtimeBlind ? { ...r, retrieved_at: EPOCH_1980 } : r)),
  };
}

/**
 * Classifies the context drift between two runs' refs: `none` when equal,
 * `runtime_only` when equal once `context_set_digest` is blanked and every
 * `retrieved_at` is set to 1980, else `semantic`.
 *
 * @example
 * ```ts
 * classifyContextDrift(left.refs, right.refs); // "none"
 * ```
 */
export function classifyContextDrift(left: RefsDocument, right: RefsDocument): ContextDrift {
  if (canonicalJson(contextView(left, false)) === canonicalJson(contextView(right, false))) {
    return "none";
  }
  if (canonicalJson(contextView(left, true)) === canonicalJson(contextView(right, true))) {
    return "runtime_only";
  }
  return "semantic";
}

async function safeRunpack(pack: OpenedPack): Promise<RunpackDocuments | null> {
  try {
    return await readPackRunpack(pack);
  } catch {
    return null;
  }
}

async function payloadContext(pack: OpenedPack): Promise<string> {
  try {
    const value = await readPackJson(pack, PackFile.runPayload);
    if (value === undefined) return "";
    const p = parseRunPayload(value);
    return canonicalJson({
      context_set_digest: p.context_set_digest ?? "",
      context_ref_count: p.context_ref_count ?? 0,
      context_evidence_mode: p.context_evidence_mode ?? "",
      context_privacy_mode: p.context_privacy_mode ?? "",
    });
  } catch {
    return "";
  }
}

async function contextDrift(left: OpenedPack, right: OpenedPack): Promise<ContextDrift> {
  const [l, r] = [await safeRunpack(left), await safeRunpack(right)];
  if (l !== null && r !== null) return classifyContextDrift(l.refs, r.refs);
  return (await payloadContext(left)) === (await payloadContext(right)) ? "none" : "semantic";
}

/**
 * Diffs two opened packs.
 *
 * @example
 * ```ts
 * const result = await diffOpenedPacks(left, right);
 * result.summary.changed;
 * ```
 */
export async function diffOpenedPacks(
  left: OpenedPack,
  right: OpenedPack,
): Promise<PackDiffResult> {
  const added: string[] = [];
  const removed: string[] = [];
  const changed: string[] = [];
  for (const [path, sha] of right.files) {
    const other = left.files.get(path);
    if (other === undefined) added.push(path);
    else if (other.toLowerCase() !== sha.toLowerCase()) changed.push(path);
  }
  for (const path of left.files.keys()) if (!right.files.has(path)) removed.push(path);
  const manifestDelta = left.packType !== right.packType ||
    left.manifestDigest.toLowerCase() !== right.manifestDigest.toLowerCase();
  const summary: PackDiffSummary = {
    changed: false,
    manifest_delta: manifestDelta,
    context_drift_classification: "none",
  };
  if (added.length) summary.added_files = added.sort(compareUtf8);
  if (removed.length) summary.removed_files = removed.sort(compareUtf8);
  if (changed.length) summary.changed_files = changed.sort(compareUtf8);
  if (left.packType === "run" && right.packType === "run") {
    const drift = await contextDrift(left, right);
    summary.context_drift_classification = drift;
    if (drift !== "none") summary.context_changed = true;
    if (drift === "runtime_only") summary.context_runtime_only_changes = true;
  }
  summary.changed = added.length > 0 || removed.length > 0 || changed.length > 0 ||
    manifestDelta || summary.context_changed === true;
  return {
    schema_id: PackSchema.diff,
    schema_version: PACK_SCHEMA_VERSION,
    created_at: PACK_CREATED_AT,
    left_pack_id: left.packId,
    right_pack_id: right.packId,
    left_pack_type: left.packType,
    right_pack_type: right.packType,
    summary: {
      changed: summary.changed,
      added_files: summary.added_files,
      removed_files: summary.removed_files,
      changed_files: summary.changed_files,
      manifest_delta: summary.manifest_delta,
      context_changed: summary.context_changed,
      context_runtime_only_changes: summary.context_runtime_only_changes,
      context_drift_classification: summary.context_drift_classification,
    },
  };
}

/**
 * Opens and diffs two packs or legacy runpacks.
 *
 * @example
 * ```ts
 * const result = await diffPackFiles("a.zip", "b.zip");
 * ```
 */
export async function diffPackFiles(leftPath: string, rightPath: string): Promise<PackDiffResult> {
  const left = await openPack(leftPath);
  try {
    const right = await openPack(rightPath);
    try {
      return await diffOpenedPacks(left, right);
    } finally {
      right.archive.close();
    }
  } finally {
    left.archive.close();
  }
}
