/**
 * Approved scripts (spec 02 §6.7): a registry of signed entries, each
 * pre-approving one script (policy digest + script hash + tool sequence) until
 * it expires, optionally limited by scope prefixes (`risk:`, `tool:`,
 * `workspace_prefix:`, `endpoint:`). `gait approve-script` upserts entries by
 * pattern_id; `gate eval --approved-script-registry` verifies every entry and
 * takes the fast path (`allow`, `approved_script_match`) on a match.
 *
 * @module
 */

import { GaitError } from "../core/errors.ts";
import { digestJson } from "../core/digest.ts";
import { compareUtf8, goJson } from "../core/go_json.ts";
import { isJsonObject, type JsonObject, type JsonValue } from "../core/json_value.ts";
import { parseStrictJsonBytes } from "../core/strict_json.ts";
import { compareTimestamps, normalizeTimestamp } from "../core/timestamp.ts";
import type { PrivateKeyMaterial, PublicKeyMaterial } from "../crypto/key_material.ts";
import { signDigest, verifyDigestSignature } from "../crypto/signature.ts";
import { readFileLimited, writeFileAtomic } from "../fs/atomic.ts";
import { withFileLock } from "../fs/lock.ts";
import { addNanos } from "./approval.ts";
import { goLower, goTrim, lowUniq } from "./_text.ts";
import type { NormalizedIntent } from "./intent_types.ts";

/** `schema_id` of an entry. */
export const APPROVED_SCRIPT_ENTRY_SCHEMA_ID = "gait.gate.approved_script_entry";
/** Largest accepted registry file. */
export const MAX_APPROVED_SCRIPT_REGISTRY_BYTES = 8 * 1024 * 1024;

/** One registry entry (timestamps as written, digests lower-case). */
export interface ApprovedScriptEntry {
  schema_id: string;
  schema_version: string;
  created_at: string;
  producer_version: string;
  pattern_id: string;
  policy_digest: string;
  script_hash: string;
  tool_sequence: string[];
  scope: string[];
  approver_identity: string;
  expires_at: string;
  signature?: JsonValue;
}

/**
 * The struct view of an entry (reference field order; `scope` omitted when
 * empty, `signature` when absent or not wanted).
 *
 * @example
 * ```ts
 * approvedScriptEntryObject(entry, false).pattern_id; // "pattern_a0dce61c1eb7"
 * ```
 */
export function approvedScriptEntryObject(
  e: ApprovedScriptEntry,
  withSignature = true,
): JsonObject {
  const o: JsonObject = {
    schema_id: e.schema_id,
    schema_version: e.schema_version,
    created_at: e.created_at,
    producer_version: e.producer_version,
    pattern_id: e.pattern_id,
    policy_digest: e.policy_digest,
    script_hash: e.script_hash,
    tool_sequence: [...e.tool_sequence],
  };
  if (e.scope.length > 0) o.scope = [...e.scope];
  o.approver_identity = e.approver_identity;
  o.expires_at = e.expires_at;
  if (withSignature && e.signature !== undefined && e.signature !== null) o.signature = e.signature;
  return o;
}

/**
 * Normalizes a raw entry (throws `invalid_input` with the reason).
 *
 * @example
 * ```ts
 * normalizeApprovedScriptEntry(json).tool_sequence; // ["tool.read", "tool.write"]
 * ```
 */
export function normalizeApprovedScriptEntry(raw: JsonValue): ApprovedScriptEntry {
  if (!isJsonObject(raw)) throw new GaitError("invalid_input", "entry must be an object");
  const str = (k: string): string => {
    const v = raw[k];
    if (v === undefined || v === null) return "";
    if (typeof v !== "string") throw new GaitError("invalid_input", `${k} must be a string`);
    return goTrim(v);
  };
  const list = (k: string): string[] => {
    const v = raw[k];
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v) || v.some((x) => typeof x !== "string")) {
      throw new GaitError("invalid_input", `${k} must be an array of strings`);
    }
    return v as string[];
  };
  const e: ApprovedScriptEntry = {
    schema_id: str("schema_id") || APPROVED_SCRIPT_ENTRY_SCHEMA_ID,
    schema_version: str("schema_version") || "1.0.0",
    created_at: str("created_at"),
    producer_version: str("producer_version"),
    pattern_id: str("pattern_id"),
    policy_digest: goLower(str("policy_digest")),
    script_hash: goLower(str("script_hash")),
    tool_sequence: lowUniq(list("tool_sequence")),
    scope: lowUniq(list("scope")),
    approver_identity: str("approver_identity"),
    expires_at: str("expires_at"),
    signature: raw.signature,
  };
  if (e.schema_id !== APPROVED_SCRIPT_ENTRY_SCHEMA_ID) {
    throw new GaitError("invalid_input", `unsupported schema_id ${JSON.stringify(e.schema_id)}`);
  }
  if (e.schema_version !== "1.0.0") {
    throw new GaitError(
      "invalid_input",
      `unsupported schema_version ${JSON.stringify(e.schema_version)}`,
    );
  }
  if (e.pattern_id === "") throw new GaitError("invalid_input", "pattern_id is required");
  if (!/^[0-9a-f]{64}$/.test(e.policy_digest)) {
    throw new GaitError("invalid_input", "policy_digest must be 64 hex characters");
  }
  if (!/^[0-9a-f]{64}$/.test(e.script_hash)) {
    throw new GaitError("invalid_input", "script_hash must be 64 hex characters");
  }
  if (e.tool_sequence.length === 0) {
    throw new GaitError("invalid_input", "tool_sequence is required");
  }
  if (e.approver_identity === "") {
    throw new GaitError("invalid_input", "approver_identity is required");
  }
  for (const k of ["created_at", "expires_at"] as const) {
    if (e[k] === "") throw new GaitError("invalid_input", `${k} is required`);
    e[k] = normalizeTimestamp(e[k], k);
  }
  return e;
}

/**
 * Reads a registry file `{entries:[…]}` (strict JSON). A missing file is an
 * empty registry when `missingOk`.
 *
 * @example
 * ```ts
 * const raw = await readApprovedScriptRegistry("approved_scripts.json");
 * ```
 */
export async function readApprovedScriptRegistry(
  path: string,
  options: { missingOk?: boolean } = {},
): Promise<JsonValue[]> {
  let bytes: Uint8Array;
  try {
    bytes = await readFileLimited(
      path,
      MAX_APPROVED_SCRIPT_REGISTRY_BYTES,
      "approved script registry",
    );
  } catch (error) {
    if (options.missingOk && error instanceof GaitError && error.message.includes("no such file")) {
      return [];
    }
    throw error;
  }
  const doc = parseStrictJsonBytes(bytes, { label: `approved script registry ${path}` });
  if (!isJsonObject(doc)) {
    throw new GaitError(
      "invalid_input",
      `approved script registry ${path}: expected {"entries": [...]}`,
    );
  }
  const entries = doc.entries ?? [];
  if (!Array.isArray(entries)) {
    throw new GaitError(
      "invalid_input",
      `approved script registry ${path}: entries must be an array`,
    );
  }
  return entries;
}

/**
 * Verifies every entry of a registry: normalization, then the signature over
 * the entry's digest. Throws `GaitError` naming the first bad entry:
 * `approved script registry verification failed at entry <i>: <why>`.
 *
 * @example
 * ```ts
 * const entries = await verifyApprovedScriptEntries(raw, key);
 * ```
 */
export async function verifyApprovedScriptEntries(
  raw: readonly JsonValue[],
  key: PublicKeyMaterial | null,
): Promise<ApprovedScriptEntry[]> {
  const out: ApprovedScriptEntry[] = [];
  for (let i = 0; i < raw.length; i++) {
    const fail = (why: string) =>
      new GaitError(
        "verification_failed",
        `approved script registry verification failed at entry ${i}: ${why}`,
      );
    let entry: ApprovedScriptEntry;
    try {
      entry = normalizeApprovedScriptEntry(raw[i] ?? null);
    } catch (error) {
      throw fail(error instanceof Error ? error.message : String(error));
    }
    if (key === null) {
      throw fail("no verify key (set --approved-script-public-key or an approval key)");
    }
    if (entry.signature === undefined || entry.signature === null) throw fail("missing signature");
    const digest = digestJson(approvedScriptEntryObject(entry, false));
    const check = await verifyDigestSignature(key, entry.signature, digest);
    if (!check.valid) throw fail(check.reason);
    out.push(entry);
  }
  return out;
}

/** The result of {@link matchApprovedScript}. */
export interface ApprovedScriptMatch {
  matched: boolean;
  patternId: string;
  /** `approved_script_match`, `approved_script_not_found` or `not_script`. */
  reason: string;
}

function scopeSatisfied(scope: readonly string[], intent: NormalizedIntent): boolean {
  const groups = new Map<string, string[]>();
  for (const item of scope) {
    const colon = item.indexOf(":");
    if (colon < 0 || colon === item.length - 1) continue;
    const kind = item.slice(0, colon);
    groups.set(kind, [...(groups.get(kind) ?? []), item.slice(colon + 1)]);
  }
  const targets = [...intent.targets, ...(intent.script?.steps.flatMap((s) => s.targets) ?? [])];
  const tools = intent.script?.steps.map((s) => s.tool_name) ?? [intent.tool_name];
  const risk = groups.get("risk");
  if (risk && !risk.includes(goLower(intent.context.risk_class))) return false;
  const tool = groups.get("tool");
  if (tool && !tools.every((t) => tool.includes(goLower(t)))) return false;
  const ws = groups.get("workspace_prefix");
  if (ws && !ws.some((p) => goLower(intent.context.workspace).startsWith(p))) return false;
  const endpoint = groups.get("endpoint");
  if (endpoint && !targets.every((t) => endpoint.includes(t.endpoint_class))) return false;
  return true;
}

/**
 * Finds an entry approving this script: same policy digest and script hash,
 * unexpired at `now`, tool sequence equal to the step tools in order, scope
 * satisfied.
 *
 * @example
 * ```ts
 * matchApprovedScript(entries, intent, policyDigest, now).reason; // "approved_script_match"
 * ```
 */
export function matchApprovedScript(
  entries: readonly ApprovedScriptEntry[],
  intent: NormalizedIntent,
  policyDigestHex: string,
  now: string,
): ApprovedScriptMatch {
  if (!intent.script) return { matched: false, patternId: "", reason: "not_script" };
  const sequence = intent.script.steps.map((s) => goLower(goTrim(s.tool_name)));
  for (const e of entries) {
    if (e.policy_digest !== policyDigestHex) continue;
    if (e.script_hash !== intent.script_hash) continue;
    if (compareTimestamps(e.expires_at, now) <= 0) continue;
    if (e.tool_sequence.length !== sequence.length) continue;
    if (e.tool_sequence.some((t, i) => t !== sequence[i])) continue;
    if (!scopeSatisfied(e.scope, intent)) continue;
    return { matched: true, patternId: e.pattern_id, reason: "approved_script_match" };
  }
  return { matched: false, patternId: "", reason: "approved_script_not_found" };
}

/** Options of {@link mintApprovedScriptEntry}. */
export interface MintApprovedScriptOptions {
  intent: NormalizedIntent;
  policyDigest: string;
  approver: string;
  patternId?: string;
  ttlNanos: bigint;
  scope: readonly string[];
  now: string;
  producerVersion: string;
}

/**
 * Mints and signs an entry for a script intent.
 *
 * @example
 * ```ts
 * const entry = await mintApprovedScriptEntry({ intent, policyDigest, approver: "secops", ttlNanos, scope: [], now, producerVersion }, key);
 * ```
 */
export async function mintApprovedScriptEntry(
  options: MintApprovedScriptOptions,
  key: PrivateKeyMaterial,
): Promise<ApprovedScriptEntry> {
  const { intent } = options;
  if (!intent.script) {
    throw new GaitError(
      "invalid_input",
      "approve-script requires a script intent (intent.script.steps)",
    );
  }
  const approver = goTrim(options.approver);
  if (approver === "") throw new GaitError("invalid_input", "--approver is required");
  const entry: ApprovedScriptEntry = {
    schema_id: APPROVED_SCRIPT_ENTRY_SCHEMA_ID,
    schema_version: "1.0.0",
    created_at: options.now,
    producer_version: options.producerVersion,
    pattern_id: goTrim(options.patternId ?? "") || `pattern_${intent.script_hash.slice(0, 12)}`,
    policy_digest: options.policyDigest,
    script_hash: intent.script_hash,
    tool_sequence: lowUniq(intent.script.steps.map((s) => s.tool_name)),
    scope: lowUniq([...options.scope]),
    approver_identity: approver,
    expires_at: addNanos(options.now, options.ttlNanos),
  };
  entry.signature = {
    ...(await signDigest(key, digestJson(approvedScriptEntryObject(entry, false)))),
  };
  return entry;
}

/**
 * Upserts an entry (by pattern_id) into a registry file under `<path>.lock`;
 * entries are kept sorted by pattern_id.
 *
 * @example
 * ```ts
 * await upsertApprovedScriptEntry("approved_scripts.json", entry);
 * ```
 */
export async function upsertApprovedScriptEntry(
  path: string,
  entry: ApprovedScriptEntry,
): Promise<number> {
  return await withFileLock(`${path}.lock`, {
    record: { schema_id: "gait.gate.approved_script_lock", schema_version: "1.0.0", pid: Deno.pid },
    label: "approved script registry",
  }, async () => {
    const raw = await readApprovedScriptRegistry(path, { missingOk: true });
    const kept = raw.filter((e) =>
      !(isJsonObject(e) && goTrim(String(e.pattern_id ?? "")) === entry.pattern_id)
    );
    const all: JsonValue[] = [...kept, approvedScriptEntryObject(entry)];
    all.sort((a, b) =>
      compareUtf8(
        isJsonObject(a) ? String(a.pattern_id ?? "") : "",
        isJsonObject(b) ? String(b.pattern_id ?? "") : "",
      )
    );
    await writeFileAtomic(path, goJson({ entries: all }, { indent: "  " }) + "\n", {
      createParents: true,
    });
    return all.length;
  });
}
