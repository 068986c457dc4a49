/**
 * A small cross-process file lock: `<path>` created exclusively (O_EXCL) and
 * holding a JSON lock record, retried at a fixed interval until a timeout,
 * with stale-lock recovery. Used for shared state files (rate limits, kill
 * switch, approved-script registry) so parallel `gait` processes lose no
 * update.
 *
 * Stale locks (older than `staleMs`, e.g. left by a killed process) are
 * removed by whoever first holds a short-lived `<path>.break` lock, which
 * re-checks the age before removing, so two waiters never both "recover" the
 * same lock and delete a fresh one.
 *
 * @module
 */

import { GaitError } from "../core/errors.ts";
import { ioError } from "./atomic.ts";

/** Options of {@link withFileLock}. */
export interface FileLockOptions {
  /** The lock record written into the lock file (JSON). */
  record: Record<string, unknown>;
  /** Retry interval in ms. Default 15. */
  retryMs?: number;
  /** Give up after this many ms (state_contention, exit 1). Default 3000. */
  timeoutMs?: number;
  /** Locks older than this many ms are removed. Default 15000. */
  staleMs?: number;
  /** Label for the contention message, e.g. "rate limit state". */
  label?: string;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function tryCreate(path: string, text: string): Promise<boolean> {
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path, { write: true, createNew: true, mode: 0o600 });
  } catch (error) {
    if (error instanceof Deno.errors.AlreadyExists) return false;
    throw ioError("create lock", path, error);
  }
  try {
    const bytes = new TextEncoder().encode(text);
    let written = 0;
    while (written < bytes.length) written += await file.write(bytes.subarray(written));
  } finally {
    file.close();
  }
  return true;
}

async function ageMs(path: string): Promise<number | null> {
  try {
    const info = await Deno.stat(path);
    const mtime = info.mtime?.getTime() ?? Date.now();
    return Date.now() - mtime;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    throw ioError("stat lock", path, error);
  }
}

async function removeIfExists(path: string): Promise<void> {
  try {
    await Deno.remove(path);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw ioError("remove lock", path, error);
  }
}

async function recoverStale(path: string, staleMs: number): Promise<void> {
  const breaker = `${path}.break`;
  const breakerAge = await ageMs(breaker);
  if (breakerAge !== null && breakerAge > staleMs) await removeIfExists(breaker);
  if (!(await tryCreate(breaker, String(Deno.pid)))) return;
  try {
    const age = await ageMs(path);
    if (age !== null && age > staleMs) await removeIfExists(path);
  } finally {
    await removeIfExists(breaker);
  }
}

/**
 * Runs `fn` while holding the exclusive lock file `lockPath`. Throws
 * `GaitError` `state_contention` (exit 1, message contains "lock") when the
 * lock cannot be taken within the timeout.
 *
 * @example
 * ```ts
 * await withFileLock("state.json.lock", { record: { pid: Deno.pid } }, async () => {
 *   // read-modify-write state.json
 * });
 * ```
 */
export async function withFileLock<T>(
  lockPath: string,
  options: FileLockOptions,
  fn: () => Promise<T>,
): Promise<T> {
  const retryMs = options.retryMs ?? 15;
  const timeoutMs = options.timeoutMs ?? 3000;
  const staleMs = options.staleMs ?? 15000;
  const nonce = crypto.randomUUID();
  const text = JSON.stringify({ ...options.record, nonce }) + "\n";
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await tryCreate(lockPath, text)) break;
    const age = await ageMs(lockPath);
    if (age !== null && age > staleMs) {
      await recoverStale(lockPath, staleMs);
      continue;
    }
    if (Date.now() >= deadline) {
      throw new GaitError(
        "state_contention",
        `${
          options.label ?? "state"
        } lock timeout: ${lockPath} is held by another process (retry, or remove it if no gait process is running)`,
        { hint: "retry; another gait process holds the state lock" },
      );
    }
    await sleep(retryMs);
  }
  try {
    return await fn();
  } finally {
    // Remove only our own lock: after a stale recovery it may be someone else's.
    try {
      const current = await Deno.readTextFile(lockPath);
      if (current === text) await Deno.remove(lockPath);
    } catch { /* already gone */ }
  }
}
