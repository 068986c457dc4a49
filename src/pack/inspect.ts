/**
 * `gait pack inspect` (spec 01 §5.3): what a pack holds, without verifying
 * it: the manifest, the payload, and the run or job lineage.
 *
 * @module
 */

import type { JsonValue } from "../core/json_value.ts";
import { manifestJson } from "./manifest.ts";
import { parseJobEvents, parseJobPayload, parseJobState, parseRunPayload } from "./payload.ts";
import {
  type OpenedPack,
  openPack,
  readPackJson,
  readPackRunpack,
  readPackText,
  type RunLineage,
  runLineageOf,
} from "./read.ts";
import { type JobPayload, PackFile, type PackType, type RunPayload } from "./types.ts";

/** `job_lineage` of inspect. */
export interface JobLineage {
  event_count: number;
  last_event_type?: string;
  checkpoint_refs: { checkpoint_id: string; type: string; reason_code: string }[];
}

/** The inspect object (spec 01 §5.3). */
export interface PackInspection {
  pack_id: string;
  pack_type: PackType | "guard";
  source_ref: string;
  manifest?: JsonValue;
  run_payload?: RunPayload;
  job_payload?: JobPayload;
  call_payload?: JsonValue;
  authorization_bundle?: JsonValue;
  run_lineage?: RunLineage;
  job_lineage?: JobLineage;
  legacy_type?: "runpack" | "guard";
}

async function jobLineage(pack: OpenedPack): Promise<JobLineage | undefined> {
  const state = await readPackJson(pack, PackFile.jobState);
  const events = await readPackText(pack, PackFile.jobEvents);
  if (state === undefined && events === undefined) return undefined;
  const parsedEvents = events === undefined ? [] : parseJobEvents(events);
  const lineage: JobLineage = {
    event_count: parsedEvents.length,
    checkpoint_refs: state === undefined ? [] : parseJobState(state).checkpoints,
  };
  const last = parsedEvents.at(-1)?.type;
  if (last) lineage.last_event_type = last;
  return lineage;
}

/**
 * Inspects an opened pack.
 *
 * @example
 * ```ts
 * const pack = await openPack(path);
 * try { (await inspectOpenedPack(pack)).run_lineage; } finally { pack.archive.close(); }
 * ```
 */
export async function inspectOpenedPack(pack: OpenedPack): Promise<PackInspection> {
  const out: PackInspection = {
    pack_id: pack.packId,
    pack_type: pack.packType,
    source_ref: pack.sourceRef,
  };
  if (pack.legacyType) out.legacy_type = pack.legacyType;
  if (pack.manifest) out.manifest = manifestJson(pack.manifest);
  if (pack.guardManifest) out.manifest = pack.guardManifest;
  if (pack.packType === "run") {
    const payload = await readPackJson(pack, PackFile.runPayload);
    if (payload !== undefined) out.run_payload = parseRunPayload(payload);
    const docs = await readPackRunpack(pack);
    if (docs !== null) out.run_lineage = runLineageOf(docs);
  } else if (pack.packType === "call") {
    out.call_payload = await readPackJson(pack, PackFile.callPayload);
  } else if (pack.packType === "job") {
    const payload = await readPackJson(pack, PackFile.jobPayload);
    if (payload !== undefined) out.job_payload = parseJobPayload(payload);
    out.job_lineage = await jobLineage(pack);
  } else if (pack.packType === "authorization") {
    out.authorization_bundle = await readPackJson(pack, PackFile.authorizationBundle);
  }
  return out;
}

/**
 * Opens and inspects a pack or legacy runpack.
 *
 * @example
 * ```ts
 * const inspection = await inspectPackFile("gait-out/pack_x.zip");
 * ```
 */
export async function inspectPackFile(path: string): Promise<PackInspection> {
  const pack = await openPack(path);
  try {
    return await inspectOpenedPack(pack);
  } finally {
    pack.archive.close();
  }
}
