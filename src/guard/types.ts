/**
 * Guard evidence pack documents (spec 01 §8). Optional fields are `undefined`
 * when empty so canonical JSON omits them, as Go's `omitempty` does.
 *
 * @module
 */

import type { Signature } from "../crypto/signature.ts";

/** Schema ids of the guard artifacts. */
export const GuardSchema = {
  packManifest: "gait.guard.pack_manifest",
  encryptedArtifact: "gait.guard.encrypted_artifact",
  retentionReport: "gait.guard.retention_report",
} as const;

/** The schema version of every guard artifact. */
export const GUARD_SCHEMA_VERSION = "1.0.0";

/** The manifest's entry name inside an evidence pack. */
export const PACK_MANIFEST_ENTRY = "pack_manifest.json";

/** What an entry of the pack is, for auditors and control templates. */
export type PackEntryType = "runpack" | "trace" | "report" | "evidence";

/** One `contents` entry. */
export interface PackEntry {
  path: string;
  sha256: string;
  type: PackEntryType;
}

/** One control of `control_index`. */
export interface ControlIndexEntry {
  control_id: string;
  title: string;
  evidence_paths: string[];
}

/** One `evidence_pointers` entry. */
export interface EvidencePointer {
  pointer_id: string;
  path: string;
  type: PackEntryType;
  sha256: string;
}

/** `incident_window` of an incident pack. */
export interface IncidentWindow {
  from: string;
  to: string;
  window_seconds: number;
  selection_anchor?: string;
}

/** One `rendered_artifacts` entry. */
export interface RenderedArtifact {
  format: "pdf";
  path: string;
  sha256: string;
}

/** `pack_manifest.json`. */
export interface GuardPackManifest {
  schema_id: string;
  schema_version: string;
  created_at: string;
  producer_version: string;
  pack_id: string;
  run_id: string;
  case_id?: string;
  template_id?: string;
  generated_at: string;
  control_index?: ControlIndexEntry[];
  evidence_pointers?: EvidencePointer[];
  incident_window?: IncidentWindow;
  rendered_artifacts?: RenderedArtifact[];
  contents: PackEntry[];
  signatures?: Signature[];
}
