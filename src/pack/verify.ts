/**
 * `gait pack verify` (spec 01 §5.2): PackSpec v1 packs, and legacy runpacks
 * read through the same door. Integrity problems are data (`ok:false`, exit
 * 2); structural problems (a malformed manifest, a `pack_id` mismatch, broken
 * proof records, a payload that breaks its contract) throw
 * `verification_failed` (exit 2); unreadable input throws `invalid_input`.
 *
 * @module
 */

import { openZipFile, type ZipArchive } from "../archive/mod.ts";
import { loadNativeSha256 } from "../core/digest.ts";
import { GaitError } from "../core/errors.ts";
import { compareUtf8 } from "../core/go_json.ts";
import { decodeUtf8Strict, parseStrictJsonBytes } from "../core/strict_json.ts";
import type { PublicKeyMaterial } from "../crypto/key_material.ts";
import { verifyDigestSignature } from "../crypto/signature.ts";
import { verifyRunpackArchive } from "../runpack/verify.ts";
import {
  checkManifestSignatures,
  type SignatureChecker,
  type SignatureStatus,
  signatureStatusPasses,
} from "../runpack/signatures.ts";
import {
  MAX_PACK_DOCUMENT_BYTES,
  MAX_PACK_MANIFEST_BYTES,
  PACK_ZIP_LIMITS,
} from "./_runpack_source.ts";
import { checkJobContract, checkRunContract } from "./payload.ts";
import {
  computePackId,
  computePackSignedDigest,
  isGuardPackManifest,
  parsePackManifest,
} from "./manifest.ts";
import { verifyProofRecords } from "./proof_records.ts";
import { PackFile, type PackHashMismatch, type PackManifest, type PackType } from "./types.ts";

/** Options of {@link verifyPackArchive}. */
export interface PackVerifyOptions {
  /** Fail unless a manifest signature verifies (and check proof record signatures). */
  requireSignature?: boolean;
  /** The verify key; without one, signature checks are skipped. */
  verifier?: PublicKeyMaterial | null;
}

/** What pack verification found. */
export interface PackVerifyResult {
  ok: boolean;
  pack_id: string;
  /** The manifest's pack type; `guard` for a legacy guard evidence pack. */
  pack_type: PackType | "guard";
  source_ref: string;
  files_checked: number;
  /** Proof records whose hash and chain verified (0 when the pack has none). */
  proof_records_verified: number;
  missing_files: string[];
  hash_mismatches: PackHashMismatch[];
  undeclared_files: string[];
  /** Legacy runpacks and guard packs only: checks beyond hashes (see their verifiers). */
  integrity_errors: string[];
  signature_status: SignatureStatus;
  signature_errors: string[];
  signatures_total: number;
  signatures_valid: number;
  /** `runpack` or `guard` when a legacy artifact was verified. */
  legacy_type?: "runpack" | "guard";
  /** The parsed manifest (PackSpec packs only). */
  manifest?: PackManifest;
}

function signatureChecker(options: PackVerifyOptions): SignatureChecker | undefined {
  const verifier = options.verifier ?? null;
  if (!verifier) return undefined;
  return async (signature, digest) => {
    const check = await verifyDigestSignature(verifier, signature, digest);
    return check.valid ? null : check.reason;
  };
}

async function verifyLegacyRunpack(
  archive: ZipArchive,
  options: PackVerifyOptions,
): Promise<PackVerifyResult> {
  const result = await verifyRunpackArchive(archive, {
    requireSignature: options.requireSignature,
    checkSignature: signatureChecker(options),
  });
  return {
    ok: result.ok,
    pack_id: result.manifest_digest,
    pack_type: "run",
    source_ref: result.run_id,
    files_checked: result.files_checked,
    proof_records_verified: 0,
    missing_files: result.missing_files,
    hash_mismatches: result.hash_mismatches,
    undeclared_files: result.undeclared_files,
    integrity_errors: result.integrity_errors,
    signature_status: result.signature_status,
    signature_errors: result.signature_errors,
    signatures_total: result.signatures_total,
    signatures_valid: result.signatures_valid,
    legacy_type: "runpack",
  };
}

/** A legacy guard evidence pack, verified by guard verify (spec 01 §8). */
async function verifyLegacyGuard(
  archive: ZipArchive,
  options: PackVerifyOptions,
): Promise<PackVerifyResult> {
  // Loaded only for guard packs, to keep the common path's start-up small.
  const { verifyGuardPackArchive } = await import("../guard/pack_verify.ts");
  const result = await verifyGuardPackArchive(archive, {
    requireSignature: options.requireSignature,
    checkSignature: signatureChecker(options),
  });
  return {
    ok: result.ok,
    pack_id: result.pack_id,
    pack_type: "guard",
    source_ref: result.run_id,
    files_checked: result.files_checked,
    proof_records_verified: 0,
    missing_files: result.missing_files,
    hash_mismatches: result.hash_mismatches,
    undeclared_files: result.undeclared_files,
    integrity_errors: result.integrity_errors,
    signature_status: result.signature_status,
    signature_errors: result.signature_errors,
    signatures_total: result.signatures_total,
    signatures_valid: result.signatures_valid,
    legacy_type: "guard",
  };
}

/**
 * Checks that the proof records describe exactly the manifest's entries
 * (every entry but the proof records, with the same hashes). A hardening: the
 * Go tool only checks the chain.
 */
function checkProofCoverage(
  manifest: PackManifest,
  entries: { path: string; sha256: string }[],
): void {
  const expected = (manifest.contents ?? [])
    .filter((e) => e.path !== PackFile.proofRecords)
    .map((e) => `${e.path}\u0000${e.sha256.toLowerCase()}`)
    .sort(compareUtf8);
  const actual = entries.map((e) => `${e.path}\u0000${e.sha256.toLowerCase()}`).sort(compareUtf8);
  const missing = expected.filter((e) => !actual.includes(e)).map((e) => e.split("\u0000")[0]);
  const extra = actual.filter((e) => !expected.includes(e)).map((e) => e.split("\u0000")[0]);
  if (missing.length > 0 || extra.length > 0) {
    const parts: string[] = [];
    if (missing.length) parts.push(`no record for ${missing.join(", ")}`);
    if (extra.length) parts.push(`records for undeclared or changed ${extra.join(", ")}`);
    throw new GaitError(
      "verification_failed",
      `${PackFile.proofRecords} does not match the manifest: ${parts.join("; ")}`,
    );
  }
}

/**
 * Verifies an open pack (spec 01 §5.2, every step): duplicates (at open),
 * the legacy runpack and guard pack paths, strict manifest parsing, `pack_id`, declared
 * file hashes and undeclared entries, proof records, the payload contract,
 * and signatures.
 *
 * @example
 * ```ts
 * const result = await verifyPackArchive(archive, { requireSignature: false });
 * ```
 */
export async function verifyPackArchive(
  archive: ZipArchive,
  options: PackVerifyOptions = {},
): Promise<PackVerifyResult> {
  if (!archive.has(PackFile.manifest)) {
    if (archive.has("manifest.json")) return await verifyLegacyRunpack(archive, options);
    throw new GaitError("invalid_input", `missing ${PackFile.manifest}`);
  }
  const bytes = await archive.readEntry(PackFile.manifest, { maxBytes: MAX_PACK_MANIFEST_BYTES });
  let manifest: PackManifest;
  try {
    manifest = parsePackManifest(bytes);
  } catch (error) {
    // Strict parsing failed: a legacy guard evidence pack goes to guard verify.
    if (isGuardPackManifest(bytes)) return await verifyLegacyGuard(archive, options);
    throw error;
  }
  const computedId = computePackId(manifest);
  if (computedId !== manifest.pack_id.toLowerCase()) {
    throw new GaitError(
      "verification_failed",
      `pack_id mismatch: expected=${manifest.pack_id} actual=${computedId}`,
    );
  }

  const contents = manifest.contents ?? [];
  const missing: string[] = [];
  const mismatches: PackHashMismatch[] = [];
  const declared = new Set(contents.map((e) => e.path));
  const hashed = await Promise.all(contents.map(async (entry) => {
    if (!archive.has(entry.path)) return null;
    return { entry, actual: (await archive.hashEntry(entry.path)).sha256 };
  }));
  hashed.forEach((h, i) => {
    const entry = contents[i]!;
    if (h === null) missing.push(entry.path);
    else if (h.actual !== entry.sha256.toLowerCase()) {
      mismatches.push({ path: entry.path, expected: entry.sha256, actual: h.actual });
    }
  });
  const undeclared = archive.names.filter((n) => n !== PackFile.manifest && !declared.has(n));

  let proofCount = 0;
  const proofErrors: string[] = [];
  const proofClean = declared.has(PackFile.proofRecords) &&
    archive.has(PackFile.proofRecords) &&
    !mismatches.some((m) => m.path === PackFile.proofRecords);
  if (proofClean) {
    const bytes = await archive.readEntry(PackFile.proofRecords, {
      maxBytes: MAX_PACK_DOCUMENT_BYTES,
    });
    let text: string;
    try {
      text = decodeUtf8Strict(bytes, PackFile.proofRecords);
    } catch (error) {
      throw new GaitError("verification_failed", (error as Error).message);
    }
    const check = await verifyProofRecords(text, {
      verifier: options.verifier ?? null,
      requireSignature: options.requireSignature,
    });
    checkProofCoverage(manifest, check.entries);
    proofCount = check.count;
    proofErrors.push(...check.signatureErrors);
  }

  if (missing.length === 0 && mismatches.length === 0 && undeclared.length === 0) {
    await checkPayloadContract(archive, manifest);
  }

  const sig = await checkManifestSignatures(
    manifest.signatures ?? [],
    () => computePackSignedDigest(manifest),
    {
      requireSignature: options.requireSignature,
      checkSignature: signatureChecker(options),
      missingMessage: "manifest has no signatures",
      reportAllFailed: true,
    },
  );
  let status = sig.status;
  const signatureErrors = sig.errors;
  if (proofErrors.length > 0) {
    status = "failed";
    signatureErrors.push(...proofErrors);
  }

  missing.sort(compareUtf8);
  mismatches.sort((a, b) => compareUtf8(a.path, b.path));
  undeclared.sort(compareUtf8);
  signatureErrors.sort(compareUtf8);
  const signatureOk = signatureStatusPasses(status, options.requireSignature ?? false);
  return {
    ok: missing.length === 0 && mismatches.length === 0 && undeclared.length === 0 && signatureOk,
    pack_id: manifest.pack_id,
    pack_type: manifest.pack_type,
    source_ref: manifest.source_ref,
    files_checked: contents.length,
    proof_records_verified: proofCount,
    missing_files: missing,
    hash_mismatches: mismatches,
    undeclared_files: undeclared,
    integrity_errors: [],
    signature_status: status,
    signature_errors: signatureErrors,
    signatures_total: sig.total,
    signatures_valid: sig.valid,
    manifest,
  };
}

async function readDeclaredJson(archive: ZipArchive, manifest: PackManifest, path: string) {
  if (!(manifest.contents ?? []).some((e) => e.path === path) || !archive.has(path)) {
    throw new GaitError("verification_failed", `${manifest.pack_type} pack is missing ${path}`);
  }
  const bytes = await archive.readEntry(path, { maxBytes: MAX_PACK_DOCUMENT_BYTES });
  try {
    return parseStrictJsonBytes(bytes, { label: path });
  } catch (error) {
    throw new GaitError("verification_failed", (error as Error).message);
  }
}

async function readDeclaredText(
  archive: ZipArchive,
  manifest: PackManifest,
  path: string,
): Promise<string> {
  if (!(manifest.contents ?? []).some((e) => e.path === path) || !archive.has(path)) {
    throw new GaitError("verification_failed", `${manifest.pack_type} pack is missing ${path}`);
  }
  const bytes = await archive.readEntry(path, { maxBytes: MAX_PACK_DOCUMENT_BYTES });
  try {
    return decodeUtf8Strict(bytes, path);
  } catch (error) {
    throw new GaitError("verification_failed", (error as Error).message);
  }
}

/** Step 7: the payload contract of run and job packs. */
async function checkPayloadContract(archive: ZipArchive, manifest: PackManifest): Promise<void> {
  if (manifest.pack_type === "run") {
    const payload = await readDeclaredJson(archive, manifest, PackFile.runPayload);
    if (
      !(manifest.contents ?? []).some((e) => e.path === PackFile.sourceRunpack) ||
      !archive.has(PackFile.sourceRunpack)
    ) {
      throw new GaitError("verification_failed", `run pack is missing ${PackFile.sourceRunpack}`);
    }
    checkRunContract(payload, manifest.source_ref);
  } else if (manifest.pack_type === "job") {
    const payload = await readDeclaredJson(archive, manifest, PackFile.jobPayload);
    const state = await readDeclaredJson(archive, manifest, PackFile.jobState);
    const events = await readDeclaredText(archive, manifest, PackFile.jobEvents);
    checkJobContract(payload, state, events, manifest.source_ref);
  }
}

/** Bulk data above this many bytes is worth loading the native SHA-256 for (~30 ms). */
const NATIVE_HASH_MIN_BYTES = 4 * 1024 * 1024;

/**
 * Loads the native SHA-256 when an archive holds enough data to repay its
 * load time.
 *
 * @example
 * ```ts
 * await loadNativeSha256IfLarge(archive);
 * ```
 */
export async function loadNativeSha256IfLarge(archive: ZipArchive): Promise<void> {
  const total = archive.entries.reduce((n, e) => n + e.uncompressedSize, 0);
  if (total >= NATIVE_HASH_MIN_BYTES) await loadNativeSha256();
}

/**
 * Opens a pack (or legacy runpack) file and verifies it. Large packs are
 * hashed with the native SHA-256; pack entries are hashed as streams, so a pack may embed
 * a runpack larger than the 100 MiB document limit.
 *
 * @example
 * ```ts
 * const result = await verifyPackFile("gait-out/pack_<id>.zip");
 * ```
 */
export async function verifyPackFile(
  path: string,
  options: PackVerifyOptions = {},
): Promise<PackVerifyResult> {
  let archive = await openZipFile(path, PACK_ZIP_LIMITS);
  try {
    await loadNativeSha256IfLarge(archive);
    if (!archive.has(PackFile.manifest) && archive.has("manifest.json")) {
      // Legacy runpacks keep the runpack reader's default limits.
      archive.close();
      archive = await openZipFile(path);
      return await verifyLegacyRunpack(archive, options);
    }
    return await verifyPackArchive(archive, options);
  } finally {
    archive.close();
  }
}
