/**
 * Verifying guard evidence packs (spec 01 §8 `gait guard verify`): duplicate
 * entries, declared file hashes and signatures as for runpacks (§4.3), and,
 * beyond the reference tool (spec 01 §11.7), the `pack_id` and undeclared
 * entries. Integrity problems are data; an unreadable manifest is an error.
 *
 * @module
 */

import { openZipFile, type ZipArchive } from "../archive/mod.ts";
import { GaitError } from "../core/errors.ts";
import { compareUtf8 } from "../core/go_json.ts";
import { isJsonObject, type JsonObject } from "../core/json_value.ts";
import { parseStrictJsonBytes } from "../core/strict_json.ts";
import type { HashMismatch } from "../runpack/verify.ts";
import {
  checkManifestSignatures,
  type SignatureChecker,
  type SignatureStatus,
  signatureStatusPasses,
} from "../runpack/signatures.ts";
import { computeGuardSignableDigest, computePackId, guardManifestFromJson } from "./manifest.ts";
import {
  GUARD_SCHEMA_VERSION,
  type GuardPackManifest,
  GuardSchema,
  PACK_MANIFEST_ENTRY,
} from "./types.ts";

/** Options of {@link verifyGuardPackArchive}. */
export interface GuardVerifyOptions {
  /** Fail unless a signature verifies. */
  requireSignature?: boolean;
  /** The signature checker; absent when no verify key is configured. */
  checkSignature?: SignatureChecker;
}

/** What verification found. */
export interface GuardVerifyResult {
  ok: boolean;
  pack_id: string;
  run_id: string;
  files_checked: number;
  missing_files: string[];
  hash_mismatches: HashMismatch[];
  /** Entries present in the zip but not declared (the reference tool ignores them). */
  undeclared_files: string[];
  /** Checks beyond hashes: `pack_id`, entries declared twice. */
  integrity_errors: string[];
  signature_status: SignatureStatus;
  signature_errors: string[];
  signatures_total: number;
  signatures_valid: number;
  manifest: GuardPackManifest;
}

const MAX_MANIFEST_BYTES = 8 * 1024 * 1024;

/**
 * Reads and checks `pack_manifest.json`: present, a JSON object, the guard
 * schema, a run id. Failures are `invalid_input` (exit 6).
 *
 * @example
 * ```ts
 * const { manifest } = await readGuardManifest(archive);
 * ```
 */
export async function readGuardManifest(
  archive: ZipArchive,
): Promise<{ manifest: GuardPackManifest; raw: JsonObject }> {
  if (!archive.has(PACK_MANIFEST_ENTRY)) {
    throw new GaitError("invalid_input", `missing ${PACK_MANIFEST_ENTRY}`);
  }
  const bytes = await archive.readEntry(PACK_MANIFEST_ENTRY, { maxBytes: MAX_MANIFEST_BYTES });
  const raw = parseStrictJsonBytes(bytes, { label: PACK_MANIFEST_ENTRY });
  if (!isJsonObject(raw)) {
    throw new GaitError("invalid_input", `${PACK_MANIFEST_ENTRY} must be a JSON object`);
  }
  const manifest = guardManifestFromJson(raw);
  if (manifest.schema_id !== GuardSchema.packManifest) {
    throw new GaitError(
      "invalid_input",
      `${PACK_MANIFEST_ENTRY}: unsupported schema_id ${JSON.stringify(manifest.schema_id)}`,
    );
  }
  if (manifest.schema_version !== GUARD_SCHEMA_VERSION) {
    throw new GaitError(
      "invalid_input",
      `${PACK_MANIFEST_ENTRY}: unsupported schema_version ${
        JSON.stringify(manifest.schema_version)
      }`,
    );
  }
  if (manifest.run_id === "") {
    throw new GaitError("invalid_input", `${PACK_MANIFEST_ENTRY}: run_id is required`);
  }
  return { manifest, raw };
}

/**
 * Verifies an open evidence pack.
 *
 * @example
 * ```ts
 * const result = await verifyGuardPackArchive(archive, { requireSignature: true, checkSignature });
 * ```
 */
export async function verifyGuardPackArchive(
  archive: ZipArchive,
  options: GuardVerifyOptions = {},
): Promise<GuardVerifyResult> {
  const { manifest, raw } = await readGuardManifest(archive);
  const missing: string[] = [];
  const mismatches: HashMismatch[] = [];
  const integrity: string[] = [];
  const declared = new Set<string>();
  for (const entry of manifest.contents) {
    if (declared.has(entry.path)) {
      integrity.push(`contents declares ${entry.path} more than once`);
      continue;
    }
    declared.add(entry.path);
    if (entry.path === PACK_MANIFEST_ENTRY || !archive.has(entry.path)) {
      missing.push(entry.path);
      continue;
    }
    const { sha256 } = await archive.hashEntry(entry.path);
    if (sha256 !== entry.sha256.toLowerCase()) {
      mismatches.push({ path: entry.path, expected: entry.sha256, actual: sha256 });
    }
  }
  const undeclared = archive.names
    .filter((n) => n !== PACK_MANIFEST_ENTRY && !declared.has(n))
    .sort(compareUtf8);
  const packId = computePackId(manifest.run_id, manifest.contents);
  if (packId !== manifest.pack_id) {
    integrity.push(
      `pack_id mismatch: manifest declares ${
        JSON.stringify(manifest.pack_id)
      }, contents give ${packId}`,
    );
  }

  const sig = await checkManifestSignatures(
    Array.isArray(raw.signatures) ? raw.signatures : [],
    () => computeGuardSignableDigest(raw),
    { ...options, missingMessage: "pack manifest has no signatures" },
  );
  const signatureErrors = sig.errors;

  missing.sort(compareUtf8);
  mismatches.sort((a, b) => compareUtf8(a.path, b.path));
  integrity.sort(compareUtf8);
  signatureErrors.sort(compareUtf8);
  const signatureOk = signatureStatusPasses(sig.status, options.requireSignature ?? false);
  return {
    ok: missing.length === 0 && mismatches.length === 0 && undeclared.length === 0 &&
      integrity.length === 0 && signatureOk,
    pack_id: manifest.pack_id,
    run_id: manifest.run_id,
    files_checked: manifest.contents.length,
    missing_files: missing,
    hash_mismatches: mismatches,
    undeclared_files: undeclared,
    integrity_errors: integrity,
    signature_status: sig.status,
    signature_errors: signatureErrors,
    signatures_total: sig.total,
    signatures_valid: sig.valid,
    manifest,
  };
}

/**
 * Opens an evidence pack file and verifies it.
 *
 * @example
 * ```ts
 * const result = await verifyGuardPackFile("gait-out/evidence_pack_pack_0123456789abcdef.zip");
 * ```
 */
export async function verifyGuardPackFile(
  path: string,
  options: GuardVerifyOptions = {},
): Promise<GuardVerifyResult> {
  const archive = await openZipFile(path);
  try {
    return await verifyGuardPackArchive(archive, options);
  } finally {
    archive.close();
  }
}
