/**
 * `proof_records.jsonl` (spec 01 §5.1): one hash-chained proof record per pack
 * entry, optionally signed, and their verification.
 *
 * Record signatures differ from every other signature in Gait: they sign the
 * ASCII text of `record_hash` (`sha256:<hex>`), and are stored as
 * `"base64:" + base64(signature)` next to `signing_key_id`.
 *
 * @module
 */

import { canonicalJson } from "../core/canonical_json.ts";
import { digestJson } from "../core/digest.ts";
import { GaitError } from "../core/errors.ts";
import { isJsonObject, type JsonObject, type JsonValue } from "../core/json_value.ts";
import { parseStrictJson } from "../core/strict_json.ts";
import { StructView } from "../core/struct_view.ts";
import { formatTimestamp, isZeroTimestamp, tryParseTimestamp } from "../core/timestamp.ts";
import { decodeBase64, encodeBase64 } from "../crypto/base64.ts";
import type { PrivateKeyMaterial, PublicKeyMaterial } from "../crypto/key_material.ts";
import { signBytes, verifyBytes } from "../crypto/signature.ts";
import { PACK_ENTRY_MODE, PackFile } from "./types.ts";

/** Constant fields of every pack proof record. */
export const PROOF_RECORD = {
  version: "1.0",
  source: "gait.pack",
  sourceProduct: "gait",
  agentId: "gait",
  recordType: "tool_invocation",
  artifactKind: "gait.pack.entry",
} as const;

/** Longest proof record line accepted (spec 01 §3). */
export const MAX_PROOF_RECORD_LINE_BYTES = 10 * 1024 * 1024;

const RECORD_HASH = /^sha256:[a-f0-9]{64}$/;
const encoder = new TextEncoder();

/** A pack entry a proof record describes. */
export interface ProofRecordEntry {
  path: string;
  /** Manifest entry type (`json`, `jsonl`, `zip`, `blob`). */
  type: string;
  sha256: string;
  size: number;
}

/** Options of {@link buildProofRecords}. */
export interface ProofRecordOptions {
  packType: string;
  sourceRef: string;
  producerVersion: string;
  /** The manifest's `created_at`. */
  timestamp: string;
  /** Signs each record when given. */
  signer?: PrivateKeyMaterial | null;
}

/** What {@link verifyProofRecords} found. */
export interface ProofRecordsCheck {
  /** Records whose hash and chain link verified. */
  count: number;
  /** `(entry_path, entry_sha256)` of each record, in order. */
  entries: { path: string; sha256: string }[];
  /** Signature problems (only checked when a key is given and signatures are required). */
  signatureErrors: string[];
}

function wholeSeconds(timestamp: string): string {
  const t = tryParseTimestamp(timestamp);
  if (!t) throw new GaitError("invalid_input", `invalid proof record timestamp: ${timestamp}`);
  return formatTimestamp(t, { seconds: true });
}

function recordHash(parts: {
  record_id: string;
  record_version: string;
  timestamp: string;
  source: string;
  source_product: string;
  agent_id: string;
  record_type: string;
  event: JsonValue;
  controls: JsonValue;
  metadata: JsonValue;
  previous_record_hash: string;
}): string {
  return "sha256:" + digestJson({
    record_id: parts.record_id,
    record_version: parts.record_version,
    timestamp: parts.timestamp,
    source: parts.source,
    source_product: parts.source_product,
    agent_id: parts.agent_id,
    record_type: parts.record_type,
    event: parts.event,
    controls: parts.controls,
    metadata: parts.metadata,
    integrity: { previous_record_hash: parts.previous_record_hash },
  });
}

/**
 * Builds the proof records of a pack's entries (every file but the manifest
 * and `proof_records.jsonl`), in path order, chained by hash, signed when a
 * signer is given. Lines are JCS joined by `\n` with no trailing newline.
 *
 * @example
 * ```ts
 * const text = await buildProofRecords(entries, {
 *   packType: "run", sourceRef: "run_demo", producerVersion: "0.0.0-dev",
 *   timestamp: "1980-01-01T00:00:00Z",
 * });
 * ```
 */
export async function buildProofRecords(
  entries: readonly ProofRecordEntry[],
  options: ProofRecordOptions,
): Promise<string> {
  const ts = wholeSeconds(options.timestamp);
  const lines: string[] = [];
  let previous = "";
  for (const entry of entries) {
    const event = {
      pack_type: options.packType,
      source_ref: options.sourceRef,
      producer_version: options.producerVersion,
      entry_path: entry.path,
      entry_type: entry.type,
      entry_sha256: entry.sha256,
      entry_size_bytes: entry.size,
      entry_permissions: PACK_ENTRY_MODE,
    };
    const idDigest = digestJson({
      timestamp: ts,
      source: PROOF_RECORD.source,
      source_product: PROOF_RECORD.sourceProduct,
      agent_id: PROOF_RECORD.agentId,
      record_type: PROOF_RECORD.recordType,
      event,
    });
    const recordId = `prf-${ts}-${idDigest.slice(0, 8)}`;
    const controls = { permissions_enforced: false };
    const metadata = { artifact_kind: PROOF_RECORD.artifactKind };
    const hash = recordHash({
      record_id: recordId,
      record_version: PROOF_RECORD.version,
      timestamp: ts,
      source: PROOF_RECORD.source,
      source_product: PROOF_RECORD.sourceProduct,
      agent_id: PROOF_RECORD.agentId,
      record_type: PROOF_RECORD.recordType,
      event,
      controls,
      metadata,
      previous_record_hash: previous,
    });
    const integrity: Record<string, string> = { record_hash: hash };
    if (previous !== "") integrity.previous_record_hash = previous;
    if (options.signer) {
      integrity.signing_key_id = options.signer.keyId;
      integrity.signature = "base64:" +
        encodeBase64(await signBytes(options.signer, encoder.encode(hash)));
    }
    lines.push(canonicalJson({
      record_id: recordId,
      record_version: PROOF_RECORD.version,
      timestamp: options.timestamp,
      source: PROOF_RECORD.source,
      source_product: PROOF_RECORD.sourceProduct,
      agent_id: PROOF_RECORD.agentId,
      record_type: PROOF_RECORD.recordType,
      event,
      controls,
      metadata,
      integrity,
    }));
    previous = hash;
  }
  return lines.join("\n");
}

/** Go's struct view of the record's `controls` (proof's `Controls`). */
function controlsView(value: JsonValue | undefined, line: number): JsonObject {
  const c = StructView.of(value ?? null, `${PackFile.proofRecords} line ${line} controls`);
  const out: JsonObject = { permissions_enforced: c.bool("permissions_enforced") };
  const scope = c.string("approved_scope");
  if (scope !== "") out.approved_scope = scope;
  if (c.has("within_scope")) out.within_scope = c.bool("within_scope");
  const guardrails = c.array("guardrails_active");
  if (guardrails !== undefined && guardrails.length > 0) {
    out.guardrails_active = guardrails.map((g, i) => {
      const gv = StructView.of(g, `controls.guardrails_active[${i}]`);
      return {
        name: gv.string("name"),
        status: gv.string("status"),
        triggered: gv.bool("triggered"),
      };
    });
  }
  if (c.has("human_oversight")) {
    const h = c.struct("human_oversight");
    const oversight: JsonObject = { approval_required: h.bool("approval_required") };
    const review = h.string("last_review");
    if (review !== "") oversight.last_review = review;
    const reviewer = h.string("reviewer");
    if (reviewer !== "") oversight.reviewer = reviewer;
    out.human_oversight = oversight;
  }
  return out;
}

function lineError(line: number, message: string): GaitError {
  return new GaitError("verification_failed", `${PackFile.proofRecords} line ${line}: ${message}`);
}

/**
 * Verifies `proof_records.jsonl` (spec 01 §5.1): every line parses, carries
 * the required fields and a well-formed `record_hash`, hashes to it, and links
 * to the previous record. Any failure throws `verification_failed` (exit 2).
 * Record signatures are checked only when `requireSignature` is set and a key
 * is given; their failures are returned, not thrown.
 *
 * @example
 * ```ts
 * const check = await verifyProofRecords(text, { verifier: null, requireSignature: false });
 * check.count; // records verified
 * ```
 */
export async function verifyProofRecords(
  text: string,
  options: { verifier?: PublicKeyMaterial | null; requireSignature?: boolean } = {},
): Promise<ProofRecordsCheck> {
  const checkSignatures = Boolean(options.requireSignature && options.verifier);
  const entries: { path: string; sha256: string }[] = [];
  const signatureErrors: string[] = [];
  let previous = "";
  let count = 0;
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const line = lines[i]!;
    if (line.trim() === "") continue;
    if (line.length > MAX_PROOF_RECORD_LINE_BYTES) {
      throw lineError(lineNo, `exceeds ${MAX_PROOF_RECORD_LINE_BYTES} bytes`);
    }
    let parsed: JsonValue;
    try {
      parsed = parseStrictJson(line, { label: `${PackFile.proofRecords} line ${lineNo}` });
    } catch (error) {
      throw new GaitError("verification_failed", (error as Error).message);
    }
    if (!isJsonObject(parsed)) throw lineError(lineNo, "record must be a JSON object");
    let r: StructView;
    let fields: {
      recordId: string;
      version: string;
      timestamp: string;
      source: string;
      sourceProduct: string;
      agentId: string;
      recordType: string;
      event: JsonObject | undefined;
      metadata: JsonObject | undefined;
      integrity: StructView;
    };
    try {
      r = new StructView(parsed, `${PackFile.proofRecords} line ${lineNo}`);
      fields = {
        recordId: r.string("record_id"),
        version: r.string("record_version"),
        timestamp: r.time("timestamp"),
        source: r.string("source"),
        sourceProduct: r.string("source_product"),
        agentId: r.string("agent_id"),
        recordType: r.string("record_type"),
        event: r.object("event"),
        metadata: r.object("metadata"),
        integrity: r.struct("integrity"),
      };
    } catch (error) {
      throw new GaitError("verification_failed", (error as Error).message);
    }
    for (
      const [name, value] of [
        ["record_version", fields.version],
        ["source", fields.source],
        ["source_product", fields.sourceProduct],
        ["record_type", fields.recordType],
      ] as const
    ) {
      if (value === "") throw lineError(lineNo, `${name} is required`);
    }
    if (isZeroTimestamp(fields.timestamp)) throw lineError(lineNo, "timestamp is required");
    if (fields.event === undefined) throw lineError(lineNo, "event is required");
    let stored: string;
    let storedPrevious: string;
    let signingKeyId: string;
    let signature: string;
    let controls: JsonObject;
    try {
      stored = fields.integrity.string("record_hash");
      storedPrevious = fields.integrity.string("previous_record_hash");
      signingKeyId = fields.integrity.string("signing_key_id");
      signature = fields.integrity.string("signature");
      controls = controlsView(r.raw("controls"), lineNo);
    } catch (error) {
      throw new GaitError("verification_failed", (error as Error).message);
    }
    if (!RECORD_HASH.test(stored)) {
      throw lineError(lineNo, "integrity.record_hash must match ^sha256:[a-f0-9]{64}$");
    }
    const computed = recordHash({
      record_id: fields.recordId,
      record_version: fields.version,
      timestamp: wholeSeconds(fields.timestamp),
      source: fields.source,
      source_product: fields.sourceProduct,
      agent_id: fields.agentId,
      record_type: fields.recordType,
      event: fields.event,
      controls,
      metadata: fields.metadata ?? null,
      previous_record_hash: storedPrevious,
    });
    if (computed !== stored) {
      throw lineError(lineNo, `record_hash mismatch: expected=${stored} actual=${computed}`);
    }
    if (storedPrevious !== previous) {
      throw lineError(
        lineNo,
        previous === ""
          ? "first record must not have a previous_record_hash"
          : `chain broken: previous_record_hash ${
            storedPrevious || '""'
          } does not match ${previous}`,
      );
    }
    if (checkSignatures) {
      const problem = await checkRecordSignature(
        options.verifier!,
        stored,
        signingKeyId,
        signature,
      );
      if (problem !== null) signatureErrors.push(`proof_records line ${lineNo} ${problem}`);
    }
    const path = fields.event.entry_path;
    const sha256 = fields.event.entry_sha256;
    entries.push({
      path: typeof path === "string" ? path : "",
      sha256: typeof sha256 === "string" ? sha256 : "",
    });
    previous = stored;
    count++;
  }
  return { count, entries, signatureErrors };
}

async function checkRecordSignature(
  key: PublicKeyMaterial,
  hash: string,
  signingKeyId: string,
  signature: string,
): Promise<string | null> {
  if (signature === "") return "missing signature";
  if (!signature.startsWith("base64:")) return "unsupported signature encoding";
  if (signingKeyId !== "" && signingKeyId !== key.keyId) return "signing key id mismatch";
  let sig: Uint8Array;
  try {
    sig = decodeBase64(signature.slice("base64:".length));
  } catch {
    return "signature is not valid base64";
  }
  return (await verifyBytes(key, encoder.encode(hash), sig))
    ? null
    : "signature verification failed";
}
