/**
 * The guard pack manifest's identity (spec 01 §8 "Identity"): `pack_id`, the
 * signable digest (the manifest's struct view without `signatures`), and
 * reading a manifest loosely, as the reference tool does.
 *
 * @module
 */

import { digestJson } from "../core/digest.ts";
import { GaitError } from "../core/errors.ts";
import type { JsonObject } from "../core/json_value.ts";
import { type GoField, structViewOf } from "./_go_struct.ts";
import type { GuardPackManifest, PackEntry } from "./types.ts";

const ENTRY_FIELDS: readonly GoField[] = [
  { name: "path", kind: "string" },
  { name: "sha256", kind: "string" },
  { name: "type", kind: "string" },
];

/** The Go struct of `pack_manifest.json`. */
const MANIFEST_FIELDS: readonly GoField[] = [
  { name: "schema_id", kind: "string" },
  { name: "schema_version", kind: "string" },
  { name: "created_at", kind: "time" },
  { name: "producer_version", kind: "string" },
  { name: "pack_id", kind: "string" },
  { name: "run_id", kind: "string" },
  { name: "case_id", kind: "string", omitempty: true },
  { name: "template_id", kind: "string", omitempty: true },
  { name: "generated_at", kind: "time" },
  {
    name: "control_index",
    kind: "structs",
    omitempty: true,
    fields: [
      { name: "control_id", kind: "string" },
      { name: "title", kind: "string" },
      { name: "evidence_paths", kind: "strings" },
    ],
  },
  {
    name: "evidence_pointers",
    kind: "structs",
    omitempty: true,
    fields: [
      { name: "pointer_id", kind: "string" },
      { name: "path", kind: "string" },
      { name: "type", kind: "string" },
      { name: "sha256", kind: "string" },
    ],
  },
  {
    name: "incident_window",
    kind: "struct",
    omitempty: true,
    fields: [
      { name: "from", kind: "time" },
      { name: "to", kind: "time" },
      { name: "window_seconds", kind: "int" },
      { name: "selection_anchor", kind: "string", omitempty: true },
    ],
  },
  {
    name: "rendered_artifacts",
    kind: "structs",
    omitempty: true,
    fields: [
      { name: "format", kind: "string" },
      { name: "path", kind: "string" },
      { name: "sha256", kind: "string" },
    ],
  },
  { name: "contents", kind: "structs", fields: ENTRY_FIELDS },
  {
    name: "signatures",
    kind: "structs",
    omitempty: true,
    fields: [
      { name: "alg", kind: "string" },
      { name: "key_id", kind: "string" },
      { name: "sig", kind: "string" },
      { name: "signed_digest", kind: "string", omitempty: true },
    ],
  },
];

/**
 * The manifest as the Go struct sees it: unknown keys dropped, timestamps
 * re-printed, Go's zero values filled in. Malformed field types are
 * `invalid_input`.
 *
 * @example
 * ```ts
 * guardManifestView({ pack_id: "pack_x", extra: 1 }).pack_id; // "pack_x"
 * ```
 */
export function guardManifestView(raw: JsonObject): JsonObject {
  return structViewOf(raw, MANIFEST_FIELDS, "pack_manifest.json");
}

/**
 * Reads a manifest loosely into its typed form (struct view).
 *
 * @example
 * ```ts
 * guardManifestFromJson(JSON.parse(text)).contents.length;
 * ```
 */
export function guardManifestFromJson(raw: JsonObject): GuardPackManifest {
  const view = guardManifestView(raw);
  return { ...(view as unknown as GuardPackManifest), contents: packContentsOf(view) };
}

function packContentsOf(view: JsonObject): PackEntry[] {
  const contents = view.contents;
  return Array.isArray(contents) ? (contents as unknown as PackEntry[]) : [];
}

/**
 * The digest a manifest signature signs: the struct view without
 * `signatures`.
 *
 * @example
 * ```ts
 * const digest = computeGuardSignableDigest(manifest);
 * manifest.signatures = [await signDigest(key, digest)];
 * ```
 */
export function computeGuardSignableDigest(manifest: JsonObject | GuardPackManifest): string {
  const view = guardManifestView(manifest as unknown as JsonObject);
  delete view.signatures;
  return digestJson(view);
}

/**
 * `pack_id` = `pack_` + the first 16 hex characters of the digest of
 * `{"run_id", "contents"}`, where contents lists every entry but the manifest.
 *
 * @example
 * ```ts
 * computePackId("run_1", [{ path: "a", sha256: "a".repeat(64), type: "evidence" }]); // "pack_…"
 * ```
 */
export function computePackId(runId: string, contents: readonly PackEntry[]): string {
  if (runId === "") throw new GaitError("invalid_input", "pack_id needs a run_id");
  const entries = contents.map((e) => ({ path: e.path, sha256: e.sha256, type: e.type }));
  return `pack_${digestJson({ run_id: runId, contents: entries }).slice(0, 16)}`;
}
