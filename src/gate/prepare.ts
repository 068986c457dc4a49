/**
 * The prepared intent that `gate eval` digests and evaluates (spec 02 §1.5):
 * context claims are stripped unless a context envelope binds them, the
 * envelope's digest, mode, refs and age are set, and a Wrkr inventory entry
 * enriches `auth_context`.
 *
 * @module
 */

import { GaitError } from "../core/errors.ts";
import type { JsonObject, JsonValue } from "../core/json_value.ts";
import { parseTimestamp } from "../core/timestamp.ts";
import type { ContextEnvelope } from "./context_envelope.ts";
import { goLower, goTrim, sortUnique } from "./_text.ts";
import { intentDigest } from "./intent_digest.ts";
import type { IntentContext, NormalizedIntent } from "./intent_types.ts";

/** One Wrkr inventory entry (spec 02 §6.7), values lower-cased. */
export interface WrkrEntry {
  tool_name: string;
  data_class: string;
  endpoint_class: string;
  autonomy_level: string;
}

/** A Wrkr inventory keyed by lower-cased tool name. */
export type WrkrInventory = ReadonlyMap<string, WrkrEntry>;

/** Options of {@link prepareIntent}. */
export interface PrepareOptions {
  /** A parsed context envelope (`--context-envelope`); without one, claims are stripped. */
  envelope?: ContextEnvelope;
  /** The evaluation instant (RFC 3339), used for `context_age_seconds`. */
  evaluationTime: string;
  /** The Wrkr entry for this intent's tool, if already looked up. */
  wrkr?: WrkrEntry;
  /** A Wrkr inventory to look the tool up in (single intents only). */
  wrkrInventory?: WrkrInventory;
}

const AGE_KEY = "context_age_seconds";
const MAX_INT64 = (1n << 63n) - 1n;

function nanosOf(ts: string): bigint {
  const t = parseTimestamp(ts);
  return BigInt(t.unixSeconds) * 1_000_000_000n + BigInt(t.nanos);
}

/** Whole seconds from `from` to `to` like Go's `int64(to.Sub(from).Seconds())`, ≥ 0. */
function ageSeconds(from: string, to: string): number {
  let diff = nanosOf(to) - nanosOf(from);
  if (diff > MAX_INT64) diff = MAX_INT64;
  if (diff <= 0n) return 0;
  return Number(diff / 1_000_000_000n);
}

/**
 * Builds a Wrkr inventory from its JSON form: an array, or `{items: [...]}`, of
 * `{tool_name, data_class, endpoint_class, autonomy_level}` (values lower-cased).
 *
 * @example
 * ```ts
 * wrkrInventoryFromJson([{ tool_name: "Tool.Write", data_class: "PII" }]).get("tool.write")?.data_class; // "pii"
 * ```
 */
export function wrkrInventoryFromJson(value: JsonValue): WrkrInventory {
  let items: JsonValue = value;
  if (items !== null && typeof items === "object" && !Array.isArray(items)) {
    items = (items as JsonObject).items ?? [];
  }
  if (!Array.isArray(items)) {
    throw new GaitError("invalid_input", "wrkr inventory: expected an array or {items: [...]}");
  }
  const out = new Map<string, WrkrEntry>();
  items.forEach((item, i) => {
    if (item === null || typeof item !== "object" || Array.isArray(item)) {
      throw new GaitError("invalid_input", `wrkr inventory: items[${i}] must be an object`);
    }
    const field = (name: string): string => {
      const v = (item as JsonObject)[name];
      if (v === undefined || v === null) return "";
      if (typeof v !== "string") {
        throw new GaitError(
          "invalid_input",
          `wrkr inventory: items[${i}].${name} must be a string`,
        );
      }
      return goLower(goTrim(v));
    };
    const entry: WrkrEntry = {
      tool_name: field("tool_name"),
      data_class: field("data_class"),
      endpoint_class: field("endpoint_class"),
      autonomy_level: field("autonomy_level"),
    };
    if (entry.tool_name !== "") out.set(entry.tool_name, entry);
  });
  return out;
}

/** Returns `auth_context` with the Wrkr keys of an entry set (non-empty values only). */
export function applyWrkrEntry(auth: JsonObject | undefined, entry: WrkrEntry): JsonObject {
  const out: JsonObject = { ...(auth ?? {}) };
  const set = (key: string, value: string) => {
    const v = goLower(goTrim(value));
    if (v !== "") out[key] = v;
  };
  set("wrkr.tool_name", entry.tool_name);
  set("wrkr.data_class", entry.data_class);
  set("wrkr.endpoint_class", entry.endpoint_class);
  set("wrkr.autonomy_level", entry.autonomy_level);
  return out;
}

function prepareFail(message: string): never {
  throw new GaitError("invalid_input", `prepare intent: ${message}`);
}

/**
 * Prepares a normalized intent for evaluation (spec 02 §1.5) and returns a new
 * normalized intent with a fresh `intent_digest` (the input is not modified;
 * `normalizeIntent(prepared)` reproduces it exactly). Without an envelope, `context_set_digest`,
 * `context_evidence_mode`, `context_refs` and `auth_context.context_age_seconds`
 * are stripped (claims never count as evidence). With one, claimed digest/mode
 * must equal the envelope's (else `GaitError` `invalid_input`), and the three
 * fields plus the age are set from it. A Wrkr entry (single intents) sets
 * `auth_context["wrkr.*"]`.
 *
 * @example
 * ```ts
 * import { normalizeIntent } from "./mod.ts";
 * const raw = {
 *   tool_name: "tool.read",
 *   context: { identity: "alice", workspace: "/repo", risk_class: "low", context_set_digest: "a".repeat(64) },
 * };
 * const prepared = prepareIntent(normalizeIntent(raw), { evaluationTime: "2026-02-18T00:00:00Z" });
 * prepared.context.context_set_digest; // "" (stripped: no envelope)
 * ```
 */
export function prepareIntent(intent: NormalizedIntent, options: PrepareOptions): NormalizedIntent {
  const ctx: IntentContext = { ...intent.context };
  let auth: JsonObject | undefined = ctx.auth_context ? { ...ctx.auth_context } : undefined;
  const envelope = options.envelope;
  if (!envelope) {
    ctx.context_set_digest = "";
    ctx.context_evidence_mode = "";
    ctx.context_refs = [];
    if (auth) delete auth[AGE_KEY];
  } else {
    if (ctx.context_set_digest !== "" && ctx.context_set_digest !== envelope.context_set_digest) {
      prepareFail("context_set_digest does not match the context envelope");
    }
    if (
      ctx.context_evidence_mode !== "" &&
      goLower(ctx.context_evidence_mode) !== goLower(envelope.evidence_mode)
    ) {
      prepareFail("context_evidence_mode does not match the context envelope");
    }
    ctx.context_set_digest = envelope.context_set_digest;
    ctx.context_evidence_mode = envelope.evidence_mode;
    ctx.context_refs = sortUnique(envelope.records.map((r) => r.ref_id));
    let age = 0;
    if (envelope.records.length === 0) {
      age = ageSeconds(envelope.created_at, options.evaluationTime);
    }
    for (const rec of envelope.records) {
      const a = ageSeconds(rec.retrieved_at, options.evaluationTime);
      if (a > age) age = a;
    }
    auth = { ...(auth ?? {}), [AGE_KEY]: age };
  }
  if (!intent.script) {
    const entry = options.wrkr ?? options.wrkrInventory?.get(intent.tool_name);
    if (entry) auth = applyWrkrEntry(auth, entry);
  }
  if (auth && Object.keys(auth).length > 0) ctx.auth_context = auth;
  else delete ctx.auth_context;
  const prepared: NormalizedIntent = { ...intent, context: ctx };
  prepared.intent_digest = intentDigest(prepared);
  return prepared;
}
