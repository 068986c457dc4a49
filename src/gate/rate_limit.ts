/**
 * Rate limits and destructive budgets (spec 02 §6.1): fixed-window counters
 * in one JSON state file shared by every `gait gate eval` process, updated
 * under an exclusive lock file so concurrent evaluations never over-admit.
 *
 * State: `{schema_id:"gait.gate.rate_limit_state", schema_version:"1.0.0",
 * counters:[{key,count}]}`, counters sorted by key, pretty JSON, atomic
 * rename. Key `window|scope|bucket|scopeKey`.
 *
 * Fail closed: a state file that is not valid JSON, has the wrong schema_id
 * or malformed counters is an error (exit 6) and is never overwritten; the
 * evaluation never reaches `allow` through it.
 *
 * @module
 */

import { GaitError } from "../core/errors.ts";
import { compareUtf8, goJson } from "../core/go_json.ts";
import { isJsonObject } from "../core/json_value.ts";
import { parseStrictJsonBytes } from "../core/strict_json.ts";
import { toUtcTimestamp } from "../core/timestamp.ts";
import { dirname, ensureDir, readFileLimited, writeFileAtomic } from "../fs/atomic.ts";
import { withFileLock } from "../fs/lock.ts";
import type { GateEvalState } from "./eval_pipeline.ts";
import type { NormalizedIntent } from "./intent_types.ts";
import type { RateLimitPolicy } from "./policy_types.ts";

/** `schema_id` of the state file. */
export const RATE_LIMIT_STATE_SCHEMA_ID = "gait.gate.rate_limit_state";
/** `schema_id` of the lock record. */
export const RATE_LIMIT_LOCK_SCHEMA_ID = "gait.gate.rate_limit_lock";
/** The default `--rate-limit-state`. */
export const DEFAULT_RATE_LIMIT_STATE = ".gait-out/gate_rate_limits.json";
/** Largest accepted state file. */
export const MAX_RATE_LIMIT_STATE_BYTES = 16 * 1024 * 1024;

/** One counter of the state file. */
export interface RateLimitCounter {
  key: string;
  count: number;
}

/** One rate-limit check. */
export interface RateLimitRequest {
  policy: RateLimitPolicy;
  /** Prepared tool name (`script` for scripts), or `destructive_budget|<tool>`. */
  toolName: string;
  identity: string;
}

/** The decision of one check. */
export interface RateLimitDecision {
  allowed: boolean;
  limit: number;
  used: number;
  remaining: number;
  scope: string;
  key: string;
}

/**
 * The UTC start of the current minute or hour, RFC 3339 seconds.
 *
 * @example
 * ```ts
 * rateLimitBucket("minute", "2026-03-01T10:05:33.5Z"); // "2026-03-01T10:05:00Z"
 * ```
 */
export function rateLimitBucket(window: "minute" | "hour", now: string): string {
  const utc = toUtcTimestamp(now);
  return window === "hour" ? `${utc.slice(0, 13)}:00:00Z` : `${utc.slice(0, 16)}:00Z`;
}

/**
 * The counter key `window|scope|bucket|scopeKey`.
 *
 * @example
 * ```ts
 * rateLimitKey({ requests: 2, window: "minute", scope: "tool_identity" }, "tool.write", "alice", "2026-03-01T10:05:00Z");
 * // "minute|tool_identity|2026-03-01T10:05:00Z|tool.write|alice"
 * ```
 */
export function rateLimitKey(
  policy: RateLimitPolicy,
  toolName: string,
  identity: string,
  bucket: string,
): string {
  const scopeKey = policy.scope === "identity"
    ? identity
    : policy.scope === "tool_identity"
    ? `${toolName}|${identity}`
    : toolName;
  return `${policy.window}|${policy.scope}|${bucket}|${scopeKey}`;
}

/**
 * Parses a state file's bytes (strict JSON). Throws `invalid_input` naming
 * the file for anything malformed.
 *
 * @example
 * ```ts
 * parseRateLimitState(new TextEncoder().encode('{"schema_id":"gait.gate.rate_limit_state","schema_version":"1.0.0","counters":[]}'), "s.json"); // []
 * ```
 */
export function parseRateLimitState(bytes: Uint8Array, path: string): RateLimitCounter[] {
  const bad = (why: string) =>
    new GaitError(
      "invalid_input",
      `rate limit state ${path} is invalid: ${why} (refusing to evaluate; fix or remove the file)`,
    );
  let doc;
  try {
    doc = parseStrictJsonBytes(bytes, { label: `rate limit state ${path}` });
  } catch (error) {
    throw bad(error instanceof Error ? error.message : String(error));
  }
  if (!isJsonObject(doc)) throw bad("expected a JSON object");
  const schemaId = doc.schema_id ?? RATE_LIMIT_STATE_SCHEMA_ID;
  if (schemaId !== RATE_LIMIT_STATE_SCHEMA_ID && schemaId !== "") {
    throw bad(`unexpected schema_id ${JSON.stringify(schemaId)}`);
  }
  const counters = doc.counters ?? [];
  if (!Array.isArray(counters)) throw bad("counters must be an array");
  const seen = new Set<string>();
  const out: RateLimitCounter[] = [];
  counters.forEach((c, i) => {
    if (!isJsonObject(c)) throw bad(`counters[${i}] must be an object`);
    const { key, count } = c;
    if (typeof key !== "string" || key === "") throw bad(`counters[${i}].key must be a string`);
    if (typeof count !== "number" || !Number.isSafeInteger(count) || count < 0) {
      throw bad(`counters[${i}].count must be a non-negative integer`);
    }
    if (seen.has(key)) throw bad(`duplicate counter key ${JSON.stringify(key)}`);
    seen.add(key);
    out.push({ key, count });
  });
  return out;
}

/**
 * Renders the state file (counters sorted by key, pretty, trailing newline).
 *
 * @example
 * ```ts
 * renderRateLimitState([{ key: "minute|tool|2026-03-01T10:05:00Z|t", count: 1 }]);
 * ```
 */
export function renderRateLimitState(counters: readonly RateLimitCounter[]): string {
  const sorted = [...counters].sort((a, b) => compareUtf8(a.key, b.key));
  return goJson({
    schema_id: RATE_LIMIT_STATE_SCHEMA_ID,
    schema_version: "1.0.0",
    counters: sorted.map((c) => ({ key: c.key, count: c.count })),
  }, { indent: "  " }) + "\n";
}

async function readState(path: string): Promise<RateLimitCounter[]> {
  let bytes: Uint8Array;
  try {
    bytes = await readFileLimited(path, MAX_RATE_LIMIT_STATE_BYTES, "rate limit state");
  } catch (error) {
    if (error instanceof GaitError && error.message.includes("no such file")) return [];
    throw error;
  }
  return parseRateLimitState(bytes, path);
}

/**
 * Applies one fixed-window check to in-memory counters: drops the same
 * window's counters of other buckets, then denies (no increment) when the
 * count has reached the limit, else increments.
 *
 * @example
 * ```ts
 * const counters: RateLimitCounter[] = [];
 * checkRateLimit(counters, { policy: { requests: 1, window: "minute", scope: "tool" }, toolName: "t", identity: "a" }, "2026-03-01T10:05:00Z").allowed; // true
 * ```
 */
export function checkRateLimit(
  counters: RateLimitCounter[],
  request: RateLimitRequest,
  now: string,
): RateLimitDecision {
  const { policy } = request;
  const bucket = rateLimitBucket(policy.window, now);
  const key = rateLimitKey(policy, request.toolName, request.identity, bucket);
  const windowPrefix = `${policy.window}|`;
  for (let i = counters.length - 1; i >= 0; i--) {
    const k = counters[i]?.key ?? "";
    if (k.startsWith(windowPrefix) && k.split("|")[2] !== bucket) counters.splice(i, 1);
  }
  let counter = counters.find((c) => c.key === key);
  const limit = policy.requests;
  if (counter && counter.count >= limit) {
    return { allowed: false, limit, used: counter.count, remaining: 0, scope: policy.scope, key };
  }
  if (!counter) {
    counter = { key, count: 0 };
    counters.push(counter);
  }
  counter.count++;
  return {
    allowed: true,
    limit,
    used: counter.count,
    remaining: Math.max(0, limit - counter.count),
    scope: policy.scope,
    key,
  };
}

/**
 * Runs checks against the state file under its lock (`<path>.lock`) and
 * saves the counters atomically.
 *
 * @example
 * ```ts
 * const [d] = await enforceRateLimits(".gait-out/gate_rate_limits.json", [request], clock.now());
 * ```
 */
export async function enforceRateLimits(
  path: string,
  requests: readonly RateLimitRequest[],
  now: string,
): Promise<RateLimitDecision[]> {
  if (requests.length === 0) return [];
  await ensureDir(dirname(path));
  return await withFileLock(`${path}.lock`, {
    record: {
      schema_id: RATE_LIMIT_LOCK_SCHEMA_ID,
      schema_version: "1.0.0",
      pid: Deno.pid,
      created_at: now,
    },
    label: "rate limit state",
  }, async () => {
    const counters = await readState(path);
    const decisions = requests.map((r) => checkRateLimit(counters, r, now));
    await writeFileAtomic(path, renderRateLimitState(counters), { createParents: true });
    return decisions;
  });
}

/**
 * True when a prepared target (scripts: a step target) is destructive.
 *
 * @example
 * ```ts
 * hasDestructivePreparedTarget(prepared); // true for a delete
 * ```
 */
export function hasDestructivePreparedTarget(intent: NormalizedIntent): boolean {
  return intent.targets.some((t) => t.destructive) ||
    (intent.script?.steps.some((s) => s.targets.some((t) => t.destructive)) ?? false);
}

/**
 * The `gate eval` step 11 hook (spec 02 §4.3): rate limit, then destructive
 * budget (only with a destructive prepared target). Counting happens whatever
 * the verdict; an exceeded limit blocks with `rate_limit_exceeded` /
 * `destructive_budget_exceeded` (reason and violation).
 *
 * @example
 * ```ts
 * await runGateEval(policy, intent, { ..., hooks: { rateLimit: (s) => applyRateLimits(s, path) } });
 * ```
 */
export async function applyRateLimits(state: GateEvalState, path: string): Promise<void> {
  const subject = state.subject;
  const requests: { kind: "rate_limit" | "destructive_budget"; request: RateLimitRequest }[] = [];
  if (state.outcome.rate_limit) {
    requests.push({
      kind: "rate_limit",
      request: {
        policy: state.outcome.rate_limit,
        toolName: subject.tool_name,
        identity: subject.context.identity,
      },
    });
  }
  if (state.outcome.destructive_budget && hasDestructivePreparedTarget(subject)) {
    requests.push({
      kind: "destructive_budget",
      request: {
        policy: state.outcome.destructive_budget,
        toolName: `destructive_budget|${subject.tool_name}`,
        identity: subject.context.identity,
      },
    });
  }
  if (requests.length === 0) return;
  const decisions = await enforceRateLimits(
    path,
    requests.map((r) => r.request),
    state.clock.now(),
  );
  decisions.forEach((d, i) => {
    const kind = requests[i]?.kind ?? "rate_limit";
    state.output[`${kind}_scope`] = d.scope;
    state.output[`${kind}_key`] = d.key;
    state.output[`${kind}_used`] = d.used;
    state.output[`${kind}_remaining`] = d.remaining;
    if (!d.allowed) {
      state.verdict = "block";
      state.reasonCodes.add(`${kind}_exceeded`);
      state.violations.add(`${kind}_exceeded`);
    }
  });
}
