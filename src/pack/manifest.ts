/**
 * The PackSpec manifest (spec 01 §5 "Manifest", "Identity and signature"):
 * strict parsing, `pack_id`, the signed digest, and the bytes written to
 * `pack_manifest.json`.
 *
 * Three digests of one manifest exist and must not be confused (spec 01 §11.2):
 * `pack_id` (struct view, `pack_id:""`, no signatures), the signed digest
 * (struct view, real `pack_id`, no signatures), and the diff/export
 * `manifest_digest` (`H(JCS(raw file))`).
 *
 * @module
 */

import { canonicalJson } from "../core/canonical_json.ts";
import { digestJson, isHex64AnyCase } from "../core/digest.ts";
import { GaitError } from "../core/errors.ts";
import { isJsonObject, type JsonObject, type JsonValue } from "../core/json_value.ts";
import { parseStrictJsonBytes } from "../core/strict_json.ts";
import { StructView } from "../core/struct_view.ts";
import { isZeroTimestamp } from "../core/timestamp.ts";
import { StrictObject } from "./_strict.ts";
import {
  isPackType,
  PACK_SCHEMA_VERSION,
  PACK_TYPES,
  type PackEntry,
  PackFile,
  type PackManifest,
  PackSchema,
  type PackSignature,
} from "./types.ts";

const MANIFEST_FIELDS = [
  "schema_id",
  "schema_version",
  "created_at",
  "producer_version",
  "pack_id",
  "pack_type",
  "source_ref",
  "contents",
  "signatures",
] as const;
const ENTRY_FIELDS = ["path", "sha256", "type"] as const;
const SIGNATURE_FIELDS = ["alg", "key_id", "sig", "signed_digest"] as const;

const LABEL = PackFile.manifest;

function structural(message: string): GaitError {
  return new GaitError("verification_failed", `${LABEL}: ${message}`);
}

/**
 * Parses `pack_manifest.json` strictly (spec 01 §5.2 step 3): unknown keys,
 * wrong types, trailing content, duplicate keys, a wrong schema, an unknown
 * pack type, blank `source_ref`/`producer_version`, a zero `created_at`,
 * non-hex `pack_id`/`sha256`, entries without path or type, and signatures
 * without `alg`/`key_id`/`sig` are all structural failures
 * (`verification_failed`, exit 2). Declaring the same path twice, or the
 * manifest itself, is refused too (a hardening).
 *
 * @example
 * ```ts
 * const manifest = parsePackManifest(await archive.readEntry("pack_manifest.json"));
 * ```
 */
export function parsePackManifest(bytes: Uint8Array): PackManifest {
  let value: JsonValue;
  try {
    value = parseStrictJsonBytes(bytes, { label: LABEL });
  } catch (error) {
    throw new GaitError(
      "verification_failed",
      error instanceof Error ? error.message : String(error),
    );
  }
  return packManifestFromJson(value);
}

/**
 * Validates an already-parsed manifest value (see {@link parsePackManifest}).
 *
 * @example
 * ```ts
 * packManifestFromJson(JSON.parse(text)).pack_type; // "run"
 * ```
 */
export function packManifestFromJson(value: JsonValue): PackManifest {
  const m = new StrictObject(value, LABEL, MANIFEST_FIELDS, "verification_failed");
  const schemaId = m.str("schema_id");
  if (schemaId !== PackSchema.manifest) {
    throw structural(`unsupported schema_id ${JSON.stringify(schemaId)}`);
  }
  const schemaVersion = m.str("schema_version");
  if (schemaVersion !== PACK_SCHEMA_VERSION) {
    throw structural(`unsupported schema_version ${JSON.stringify(schemaVersion)}`);
  }
  const createdAt = m.time("created_at");
  if (isZeroTimestamp(createdAt)) throw structural("created_at is required");
  const producerVersion = m.str("producer_version");
  if (producerVersion.trim() === "") throw structural("producer_version is required");
  const packType = m.str("pack_type");
  if (!isPackType(packType)) {
    throw structural(
      `unsupported pack_type ${JSON.stringify(packType)} (expected ${PACK_TYPES.join("|")})`,
    );
  }
  const sourceRef = m.str("source_ref");
  if (sourceRef.trim() === "") throw structural("source_ref is required");
  const packId = m.str("pack_id");
  if (!isHex64AnyCase(packId)) throw structural("pack_id must be 64 hex characters");

  const rawContents = m.arr("contents");
  const seen = new Set<string>();
  const contents = rawContents === undefined ? null : rawContents.map((item, i) => {
    const e = new StrictObject(item, `${LABEL}: contents[${i}]`, ENTRY_FIELDS, m.category);
    const entry: PackEntry = { path: e.str("path"), sha256: e.str("sha256"), type: e.str("type") };
    if (entry.path.trim() === "") throw structural(`contents[${i}].path is required`);
    if (entry.type.trim() === "") throw structural(`contents[${i}].type is required`);
    if (!isHex64AnyCase(entry.sha256)) {
      throw structural(`contents[${i}].sha256 must be 64 hex characters`);
    }
    if (entry.path === PackFile.manifest) {
      throw structural(`contents[${i}] declares the manifest itself`);
    }
    if (seen.has(entry.path)) throw structural(`contents declares ${entry.path} twice`);
    seen.add(entry.path);
    return entry;
  });

  const rawSignatures = m.arr("signatures");
  const signatures = rawSignatures?.map((item, i) => {
    const s = new StrictObject(item, `${LABEL}: signatures[${i}]`, SIGNATURE_FIELDS, m.category);
    const signature: PackSignature = {
      alg: s.str("alg"),
      key_id: s.str("key_id"),
      sig: s.str("sig"),
    };
    for (const field of ["alg", "key_id", "sig"] as const) {
      if (signature[field].trim() === "") throw structural(`signatures[${i}].${field} is required`);
    }
    const signed = s.str("signed_digest");
    if (signed !== "") {
      if (!isHex64AnyCase(signed)) {
        throw structural(`signatures[${i}].signed_digest must be 64 hex characters`);
      }
      signature.signed_digest = signed;
    }
    return signature;
  });

  const manifest: PackManifest = {
    schema_id: schemaId,
    schema_version: schemaVersion,
    created_at: createdAt,
    producer_version: producerVersion,
    pack_id: packId,
    pack_type: packType,
    source_ref: sourceRef,
    contents,
  };
  if (signatures !== undefined && signatures.length > 0) manifest.signatures = signatures;
  return manifest;
}

/**
 * True when a manifest that failed strict parsing is a legacy guard evidence
 * pack manifest (`schema_id` `gait.guard.pack_manifest`, read loosely).
 *
 * @example
 * ```ts
 * isGuardPackManifest(bytes); // false for PackSpec manifests
 * ```
 */
export function isGuardPackManifest(bytes: Uint8Array): boolean {
  try {
    const value = parseStrictJsonBytes(bytes, { label: LABEL });
    if (!isJsonObject(value)) return false;
    return new StructView(value, "manifest").string("schema_id") === "gait.guard.pack_manifest";
  } catch {
    return false;
  }
}

/** The struct view of a manifest without signatures, with the given `pack_id`. */
function identityView(manifest: PackManifest, packId: string): Record<string, unknown> {
  return {
    schema_id: manifest.schema_id,
    schema_version: manifest.schema_version,
    created_at: manifest.created_at,
    producer_version: manifest.producer_version,
    pack_id: packId,
    pack_type: manifest.pack_type,
    source_ref: manifest.source_ref,
    contents: manifest.contents === null
      ? null
      : manifest.contents.map((e) => ({ path: e.path, sha256: e.sha256, type: e.type })),
  };
}

/**
 * `pack_id`: the digest of the manifest's struct view with `pack_id:""` and
 * no signatures.
 *
 * @example
 * ```ts
 * computePackId(manifest); // 64 hex
 * ```
 */
export function computePackId(manifest: PackManifest): string {
  return digestJson(identityView(manifest, ""));
}

/**
 * The digest a manifest signature signs: the struct view with the real
 * `pack_id` and no signatures.
 *
 * @example
 * ```ts
 * await signDigest(key, computePackSignedDigest(manifest));
 * ```
 */
export function computePackSignedDigest(manifest: PackManifest): string {
  return digestJson(identityView(manifest, manifest.pack_id));
}

/**
 * The bytes of `pack_manifest.json`: JCS of the manifest, with signatures
 * when present.
 *
 * @example
 * ```ts
 * packManifestBytes(manifest);
 * ```
 */
export function packManifestBytes(manifest: PackManifest): Uint8Array {
  const view: Record<string, unknown> = identityView(manifest, manifest.pack_id);
  if (manifest.signatures && manifest.signatures.length > 0) view.signatures = manifest.signatures;
  return new TextEncoder().encode(canonicalJson(view));
}

/**
 * The manifest digest used by diff and export: `H(JCS(raw file))`.
 *
 * @example
 * ```ts
 * rawManifestDigest(bytes); // 64 hex
 * ```
 */
export function rawManifestDigest(bytes: Uint8Array): string {
  return digestJson(parseStrictJsonBytes(bytes, { label: LABEL }));
}

/**
 * The manifest as a JSON object, exactly as it is written (for inspect).
 *
 * @example
 * ```ts
 * manifestJson(manifest).pack_id;
 * ```
 */
export function manifestJson(manifest: PackManifest): JsonObject {
  return JSON.parse(new TextDecoder().decode(packManifestBytes(manifest)));
}
