/**
 * Scheduling of `hashEntry` calls across the main thread and a small pool of
 * worker threads.
 *
 * Inflating and hashing one entry is sequential work: on this class of CPU
 * inflate alone runs at about the speed of `openssl dgst -sha256`, so a
 * single thread tops out near half of it for compressible data (and Deno's
 * node:zlib "async" API runs on the main thread too). What does parallelize is
 * different entries: while the main thread hashes one, a worker hashes
 * another. Callers that hash entries concurrently (`Promise.all`) get that;
 * sequential callers never start a worker and behave exactly as before.
 *
 * Workers are node:worker_threads workers, unref'd whenever idle, so they never
 * keep the process alive.
 *
 * @module
 */

import type { Worker as NodeWorker } from "node:worker_threads";
import { GaitError } from "../core/errors.ts";
import type { HashReply, HashRequest } from "./_hash_worker.ts";
import { loadNodeYield, yieldToEventLoop } from "./_yield.ts";

/**
 * Entries smaller than this stay on the main thread: the round trip (and, the
 * first time, a worker's ~70 ms start-up) would cost more than it saves.
 */
export const OFFLOAD_MIN_BYTES = 8 * 1024 * 1024;

/** A request the pool may run in a worker, minus its id. */
export type OffloadRequest = Omit<HashRequest, "id">;

/** The worker could not start or died: the job should run on the main thread. */
class WorkerUnavailable extends Error {}

interface Waiter {
  offloadable: boolean;
  grant: (where: "main" | PoolWorker) => void;
}

let workerModule: URL = new URL("./_hash_worker.ts", import.meta.url);

class PoolWorker {
  #worker: Promise<NodeWorker>;
  #pending = new Map<number, { resolve: (r: HashReply) => void; reject: (e: Error) => void }>();
  #nextId = 0;
  #dead = false;

  constructor() {
    this.#worker = this.#spawn();
    this.#worker.catch(() => {});
  }

  async #spawn(): Promise<NodeWorker> {
    const [{ Worker }] = await Promise.all([import("node:worker_threads"), loadNodeYield()]);
    const worker = new Worker(workerModule);
    worker.unref();
    worker.on("message", (reply: HashReply) => {
      const pending = this.#pending.get(reply.id);
      this.#pending.delete(reply.id);
      if (this.#pending.size === 0) worker.unref();
      pending?.resolve(reply);
    });
    const fail = (error: unknown) => {
      this.#dead = true;
      const reason = new WorkerUnavailable(error instanceof Error ? error.message : String(error));
      for (const p of this.#pending.values()) p.reject(reason);
      this.#pending.clear();
    };
    worker.on("error", fail);
    worker.on("exit", (code: number) => fail(new Error(`hash worker exited with code ${code}`)));
    return worker;
  }

  get dead(): boolean {
    return this.#dead;
  }

  async run(request: OffloadRequest): Promise<{ sha256: string; size: number }> {
    let worker: NodeWorker;
    try {
      worker = await this.#worker;
    } catch (error) {
      this.#dead = true;
      throw new WorkerUnavailable(String(error));
    }
    if (this.#dead) throw new WorkerUnavailable("hash worker is gone");
    const id = this.#nextId++;
    const reply = await new Promise<HashReply>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      worker.ref();
      worker.postMessage({ ...request, id } satisfies HashRequest);
    });
    if (reply.ok) return { sha256: reply.sha256, size: reply.size };
    throw new GaitError(reply.category, reply.message);
  }

  terminate(): void {
    this.#dead = true;
    this.#worker.then((w) => w.terminate()).catch(() => {});
  }
}

/** How often the main thread lets worker replies in while workers are busy. */
const PAUSE_INTERVAL_MS = 2;

const defaultWorkers = Math.max(0, Math.min(3, (navigator.hardwareConcurrency ?? 1) - 1));
let maxWorkers = defaultWorkers;
let workerCount = 0;
let mainBusy = false;
const idle: PoolWorker[] = [];
const waiting: Waiter[] = [];
let offloaded = 0;
let workerJobs = 0;
let lastPause = 0;

/**
 * A turn of the event loop for the main thread's hashing while workers are
 * busy, so a finished worker's reply is seen (and it gets its next entry) in
 * milliseconds rather than after the main thread's whole queue; undefined
 * when nothing is waiting for one.
 *
 * @example
 * ```ts
 * const paused = pauseForWorkers();
 * if (paused !== undefined) await paused;
 * ```
 */
export function pauseForWorkers(): Promise<void> | undefined {
  if (workerJobs === 0) return undefined;
  const now = performance.now();
  if (now - lastPause < PAUSE_INTERVAL_MS) return undefined;
  lastPause = now;
  return yieldToEventLoop();
}

function take(offloadable: boolean): "main" | PoolWorker | null {
  if (!mainBusy) {
    mainBusy = true;
    return "main";
  }
  if (!offloadable) return null;
  const worker = idle.pop();
  if (worker !== undefined) return worker;
  if (workerCount < maxWorkers) {
    workerCount++;
    return new PoolWorker();
  }
  return null;
}

function acquire(offloadable: boolean): Promise<"main" | PoolWorker> {
  if (waiting.length === 0) {
    const slot = take(offloadable);
    if (slot !== null) return Promise.resolve(slot);
  }
  return new Promise((grant) => waiting.push({ offloadable, grant }));
}

function releaseMain(): void {
  mainBusy = false;
  const next = waiting.shift();
  if (next !== undefined) {
    mainBusy = true;
    next.grant("main");
  }
}

function releaseWorker(worker: PoolWorker): void {
  if (worker.dead || workerCount > maxWorkers) {
    workerCount--;
    worker.terminate();
    return;
  }
  const i = waiting.findIndex((w) => w.offloadable);
  if (i >= 0) waiting.splice(i, 1)[0]!.grant(worker);
  else idle.push(worker);
}

/**
 * Runs one hash on the main thread or, when `offload` is given and the main
 * thread is already hashing, in a worker. A worker that cannot start sends
 * the job (and every later one) back to the main thread.
 *
 * @example
 * ```ts
 * const result = await scheduleHash(null, () => hashEntryData(source, entry));
 * ```
 */
export async function scheduleHash(
  offload: OffloadRequest | null,
  onMain: () => Promise<{ sha256: string; size: number }>,
): Promise<{ sha256: string; size: number }> {
  const slot = await acquire(offload !== null && maxWorkers > 0);
  if (slot === "main") {
    try {
      return await onMain();
    } finally {
      releaseMain();
    }
  }
  workerJobs++;
  try {
    const result = await slot.run(offload!);
    offloaded++;
    return result;
  } catch (error) {
    if (!(error instanceof WorkerUnavailable)) throw error;
    maxWorkers = 0;
  } finally {
    workerJobs--;
    releaseWorker(slot);
  }
  return scheduleHash(null, onMain);
}

/**
 * Sets the worker count (0 keeps everything on the main thread) and stops idle
 * workers beyond it; `module` replaces the worker script (tests use a missing
 * one to exercise the fallback). Without arguments, restores the defaults.
 *
 * @example
 * ```ts
 * setHashWorkers(0);
 * ```
 */
export function setHashWorkers(count: number = defaultWorkers, module?: URL): void {
  const next = module ?? new URL("./_hash_worker.ts", import.meta.url);
  const moduleChanged = next.href !== workerModule.href;
  workerModule = next;
  maxWorkers = Math.max(0, Math.floor(count));
  while (idle.length > 0 && (moduleChanged || workerCount > maxWorkers)) {
    idle.pop()!.terminate();
    workerCount--;
  }
}

/**
 * How many hashes ran in a worker so far (for tests and benchmarks).
 *
 * @example
 * ```ts
 * offloadedHashCount(); // 0 until entries are hashed concurrently
 * ```
 */
export function offloadedHashCount(): number {
  return offloaded;
}
