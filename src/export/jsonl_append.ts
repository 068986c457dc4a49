/**
 * Append-only JSONL files shared by several writers (spec 04 §7 "File
 * handling", spec 01 §5.4): every append takes `<file>.lock`, writes whole
 * lines in one write, and fsyncs before the lock is released, so concurrent
 * writers (threads or processes) never interleave or lose lines. Files are
 * created with mode 0600 and never rotated.
 *
 * @module
 */

import { GaitError } from "../core/errors.ts";
import { ioError } from "../fs/atomic.ts";

/** Options of {@link appendJsonlLines}. */
export interface AppendOptions {
  /** Give up after this long waiting for the lock (default 2000 ms). */
  timeoutMs?: number;
  /** Poll interval while waiting (default 5 ms). */
  retryMs?: number;
  /** A lock older than this is left over from a crashed writer and removed (default 30000 ms). */
  staleAfterMs?: number;
}

const encoder = new TextEncoder();

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function acquireLock(lockPath: string, options: Required<AppendOptions>): Promise<void> {
  const deadline = performance.now() + options.timeoutMs;
  for (;;) {
    try {
      const file = await Deno.open(lockPath, { write: true, createNew: true, mode: 0o600 });
      try {
        await file.write(encoder.encode(JSON.stringify({ pid: Deno.pid }) + "\n"));
      } finally {
        file.close();
      }
      return;
    } catch (error) {
      if (!(error instanceof Deno.errors.AlreadyExists)) throw ioError("lock", lockPath, error);
    }
    try {
      const info = await Deno.stat(lockPath);
      const age = Date.now() - (info.mtime?.getTime() ?? Date.now());
      if (age > options.staleAfterMs) {
        await Deno.remove(lockPath).catch(() => {});
        continue;
      }
    } catch {
      continue; // Released between our open and stat: try again at once.
    }
    if (performance.now() >= deadline) {
      throw new GaitError(
        "state_contention",
        `export file contention: lock timeout after ${options.timeoutMs} ms (${lockPath})`,
      );
    }
    await sleep(options.retryMs);
  }
}

/**
 * Appends lines (each a complete JSON document without a newline) to a JSONL
 * file under `<path>.lock`, fsynced. The file is created with mode 0600.
 *
 * @example
 * ```ts
 * await appendJsonlLines("gait-out/mcp_events.jsonl", ['{"verdict":"allow"}']);
 * ```
 */
export async function appendJsonlLines(
  path: string,
  lines: readonly string[],
  options: AppendOptions = {},
): Promise<void> {
  for (const line of lines) {
    if (line.includes("\n")) {
      throw new GaitError("invalid_input", "a JSONL line must not contain a newline");
    }
  }
  if (lines.length === 0) return;
  const resolved: Required<AppendOptions> = {
    timeoutMs: options.timeoutMs ?? 2000,
    retryMs: options.retryMs ?? 5,
    staleAfterMs: options.staleAfterMs ?? 30_000,
  };
  const lockPath = `${path}.lock`;
  await acquireLock(lockPath, resolved);
  try {
    let file: Deno.FsFile;
    try {
      file = await Deno.open(path, { append: true, create: true, mode: 0o600 });
    } catch (error) {
      throw ioError("open export file", path, error);
    }
    try {
      const bytes = encoder.encode(lines.join("\n") + "\n");
      let written = 0;
      while (written < bytes.length) written += await file.write(bytes.subarray(written));
      await file.sync();
    } catch (error) {
      throw ioError("append to", path, error);
    } finally {
      file.close();
    }
  } finally {
    await Deno.remove(lockPath).catch(() => {});
  }
}
