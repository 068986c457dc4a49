/**
 * The runpack manifest: `manifest_digest` over the struct view, and the
 * signable digest over the raw object (spec 01 §4.2, §11.2).
 *
 * @module
 */

import { canonicalJson } from "../core/canonical_json.ts";
import { digestJson } from "../core/digest.ts";
import type { JsonObject } from "../core/json_value.ts";
import { StructView } from "../core/struct_view.ts";
import type { ManifestFile, RunpackManifest, SignatureObject } from "./types.ts";

/**
 * Reads a parsed manifest.json the way Go does (loosely: unknown keys dropped,
 * case-insensitive keys, wrong types are errors).
 *
 * @example
 * ```ts
 * const manifest = manifestFromJson(parsed);
 * ```
 */
export function manifestFromJson(value: JsonObject): RunpackManifest {
  const v = new StructView(value, "manifest");
  const files = v.array("files");
  const signatures = v.array("signatures");
  return {
    schema_id: v.string("schema_id"),
    schema_version: v.string("schema_version"),
    created_at: v.time("created_at"),
    producer_version: v.string("producer_version"),
    run_id: v.string("run_id"),
    capture_mode: v.string("capture_mode"),
    files: files === undefined ? null : files.map((f, i) => {
      const fv = StructView.of(f, `manifest.files[${i}]`);
      return { path: fv.string("path"), sha256: fv.string("sha256") };
    }),
    manifest_digest: v.string("manifest_digest"),
    signatures: signatures === undefined ? undefined : signatures.map((s, i) => {
      const sv = StructView.of(s, `manifest.signatures[${i}]`);
      const sig: SignatureObject = {
        alg: sv.string("alg"),
        key_id: sv.string("key_id"),
        sig: sv.string("sig"),
      };
      const signed = sv.string("signed_digest");
      if (signed !== "") sig.signed_digest = signed;
      return sig;
    }),
  };
}

/**
 * `manifest_digest`: the digest of the struct view with `manifest_digest:""`
 * and no `signatures`.
 *
 * @example
 * ```ts
 * computeManifestDigest(manifest); // 64 hex
 * ```
 */
export function computeManifestDigest(manifest: RunpackManifest): string {
  return digestJson({
    schema_id: manifest.schema_id,
    schema_version: manifest.schema_version,
    created_at: manifest.created_at,
    producer_version: manifest.producer_version,
    run_id: manifest.run_id,
    capture_mode: manifest.capture_mode,
    files: manifest.files === null
      ? null
      : manifest.files.map((f: ManifestFile) => ({ path: f.path, sha256: f.sha256 })),
    manifest_digest: "",
  });
}

/**
 * The signed digest: the raw manifest object minus its top-level `signatures`.
 *
 * @example
 * ```ts
 * computeManifestSignableDigest(rawManifestObject);
 * ```
 */
export function computeManifestSignableDigest(raw: JsonObject | RunpackManifest): string {
  const copy: Record<string, unknown> = { ...raw };
  delete copy.signatures;
  return digestJson(copy);
}

/**
 * The JCS text of a manifest as written to manifest.json.
 *
 * @example
 * ```ts
 * manifestBytesText(manifest);
 * ```
 */
export function manifestText(manifest: RunpackManifest): string {
  return canonicalJson(manifest);
}
