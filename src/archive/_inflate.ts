/**
 * Incremental raw-deflate decompression with bounded output, for the zip
 * reader. Three engines sit behind one interface, chosen by entry size (see
 * {@link inflateEngineFor}):
 *
 * - `js`: a small pure-JS decoder (_inflate_js.ts) working on the whole
 *   compressed entry. Small entries, the common case, use it: it costs no
 *   start-up, where the first `DecompressionStream` in a process costs ~10 ms
 *   and loading `node:zlib` ~30 ms (Deno 2.9.6).
 * - `web`: `DecompressionStream("deflate-raw")`, the standard API, streaming;
 *   for medium entries, and the fallback when the handle is unusable.
 * - `handle`: the native zlib handle under Deno's `node:zlib` streams, driven
 *   synchronously into one reused output buffer. Deno's node:zlib "async" API
 *   runs this same handle on the main thread (it is not offloaded to a thread
 *   pool), so the stream wrapper only adds a fresh Buffer per output chunk and
 *   event-loop hops; driving the handle directly measured about twice as fast
 *   end to end (inflate + SHA-256 + CRC-32) on Deno 2.9.6. Bulk entries (see
 *   {@link NATIVE_READ_MIN_BYTES}) load `node:zlib` lazily and use it; when
 *   the handle is missing or fails its self-test on a future Deno they fall
 *   back to `web`, so an upgrade can make reading slower but never wrong.
 *
 * All engines are held to the same contract (output limit, errors on corrupt,
 * truncated or over-long streams); the hostile-archive tests run through each.
 *
 * @module
 */

import { inflateRawJs, JsInflateError } from "./_inflate_js.ts";
import { loadZlib, NATIVE_READ_MIN_BYTES, type Zlib } from "./_zlib.ts";

/**
 * Entries whose compressed and declared sizes are both below this use the
 * `js` engine under `auto`. It decodes at roughly the speed of the web engine
 * once warm, but holds the whole entry in memory, hence the bound.
 */
export const JS_INFLATE_MAX_BYTES = 256 * 1024;

/** Default size of the reused output window of the handle engine. */
const OUT_CHUNK = 1024 * 1024;
/**
 * Input slice for the web engine: deflate expands at most ~1032:1, so one
 * transform call can never produce more than ~17 MiB at once.
 */
const WEB_IN_SLICE = 16 * 1024;

const Z_NO_FLUSH = 0;
const Z_FINISH = 4;

/** A deflate stream that is corrupt, truncated, or followed by stray bytes. */
export class InflateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InflateError";
  }
}

/** Receives output; the view is only valid during the call. */
export type InflateSink = (piece: Uint8Array) => void;

/** An incremental raw-deflate decoder. */
export interface Inflater {
  /**
   * Decodes `input`, passing output to `sink`. `final` marks the last input.
   * Stops early (without error) once `outputLimit` bytes have been produced;
   * the caller sees that from its own count. Throws {@link InflateError} on bad
   * data; any error thrown by `sink` propagates and ends decoding.
   */
  write(input: Uint8Array, final: boolean, sink: InflateSink): void | Promise<void>;
  /** Releases native resources; safe to call more than once. */
  close(): void;
}

/** The engines; `auto` picks one by entry size (see {@link inflateEngineFor}). */
export type InflateEngine = "auto" | "js" | "handle" | "web";

// deno-lint-ignore no-explicit-any
type ZlibHandle = any;

interface HandleParts {
  handle: ZlibHandle;
  state: Uint32Array;
  stream: { close?: () => void };
}

function openHandle(zlib: Zlib): HandleParts | null {
  // The handle is internal to Deno's node:zlib polyfill; every property is
  // checked so a changed polyfill selects the web engine instead of failing.
  const stream = zlib.createInflateRaw() as unknown as {
    _handle?: ZlibHandle;
    _writeState?: unknown;
    close?: () => void;
  };
  const handle = stream._handle;
  const state = stream._writeState;
  if (
    handle === null || typeof handle !== "object" || typeof handle.writeSync !== "function" ||
    typeof handle.close !== "function" || !(state instanceof Uint32Array) || state.length < 2
  ) {
    try {
      stream.close?.();
    } catch { /* best effort */ }
    return null;
  }
  return { handle, state, stream };
}

class HandleInflater implements Inflater {
  #parts: HandleParts | null;
  #out: Uint8Array;
  #fill = 0;
  #produced = 0;
  #limit: number;
  #ended = false;
  #error: string | null = null;

  constructor(parts: HandleParts, outputLimit: number, outChunk: number) {
    this.#parts = parts;
    this.#limit = outputLimit;
    this.#out = new Uint8Array(Math.max(1, Math.min(outChunk, outputLimit)));
    // Replacing onerror keeps zlib errors synchronous and stops the unused
    // stream wrapper from emitting an unhandled 'error' event.
    parts.handle.onerror = (message: string) => {
      this.#error = message || "invalid deflate data";
    };
  }

  write(input: Uint8Array, final: boolean, sink: InflateSink): void {
    const parts = this.#parts;
    if (parts === null) throw new InflateError("inflater is closed");
    if (this.#produced >= this.#limit) return;
    if (this.#ended) {
      if (input.length > 0) throw new InflateError("data after the end of the deflate stream");
      return;
    }
    const { handle, state } = parts;
    let inOff = 0;
    let inLen = input.length;
    for (;;) {
      const room = Math.min(this.#out.length - this.#fill, this.#limit - this.#produced);
      handle.writeSync(
        final ? Z_FINISH : Z_NO_FLUSH,
        input,
        inOff,
        inLen,
        this.#out,
        this.#fill,
        room,
      );
      if (this.#error !== null) throw new InflateError(this.#error);
      const availOut = state[0]!;
      const availIn = state[1]!;
      const made = room - availOut;
      inOff += inLen - availIn;
      inLen = availIn;
      this.#fill += made;
      this.#produced += made;
      if (this.#fill === this.#out.length) this.#flush(sink);
      if (this.#produced >= this.#limit) {
        this.#flush(sink);
        return;
      }
      if (availOut === 0) continue;
      // Output room is left, so zlib stopped for lack of input or at the end
      // of the stream; leftover input means the stream ended before it.
      if (inLen > 0) {
        this.#ended = true;
        this.#flush(sink);
        throw new InflateError("data after the end of the deflate stream");
      }
      break;
    }
    if (final) {
      this.#ended = true;
      this.#flush(sink);
    }
  }

  #flush(sink: InflateSink): void {
    if (this.#fill === 0) return;
    const piece = this.#out.subarray(0, this.#fill);
    this.#fill = 0;
    sink(piece);
  }

  close(): void {
    const parts = this.#parts;
    if (parts === null) return;
    this.#parts = null;
    try {
      parts.handle.close();
    } catch { /* already closed */ }
    try {
      parts.stream.close?.();
    } catch { /* already closed */ }
  }
}

/**
 * The `js` engine: collects the compressed input, decodes it in one go when
 * the final piece arrives, and hands the output to the sink in one piece.
 */
class JsInflater implements Inflater {
  #pieces: Uint8Array[] = [];
  #length = 0;
  #limit: number;
  #finished = false;
  #closed = false;

  constructor(outputLimit: number) {
    this.#limit = outputLimit;
  }

  write(input: Uint8Array, final: boolean, sink: InflateSink): void {
    if (this.#closed) throw new InflateError("inflater is closed");
    if (this.#finished) {
      if (input.length > 0) throw new InflateError("data after the end of the deflate stream");
      return;
    }
    // A copy, because the caller reuses its input buffer.
    if (input.length > 0) this.#pieces.push(input.slice());
    this.#length += input.length;
    if (!final) return;
    this.#finished = true;
    let all = this.#pieces[0] ?? new Uint8Array(0);
    if (this.#pieces.length > 1) {
      all = new Uint8Array(this.#length);
      let at = 0;
      for (const piece of this.#pieces) {
        all.set(piece, at);
        at += piece.length;
      }
    }
    this.#pieces = [];
    let output: Uint8Array;
    try {
      output = inflateRawJs(all, this.#limit);
    } catch (error) {
      if (error instanceof JsInflateError) throw new InflateError(error.message);
      throw error;
    }
    if (output.length > 0) sink(output);
  }

  close(): void {
    this.#closed = true;
    this.#pieces = [];
  }
}

const DONE = { done: "settled" } as const;

class WebInflater implements Inflater {
  #writer: WritableStreamDefaultWriter<BufferSource>;
  #reader: ReadableStreamDefaultReader<Uint8Array>;
  #pendingRead: Promise<ReadableStreamReadResult<Uint8Array>> | null = null;
  #produced = 0;
  #limit: number;
  #finished = false;
  #closed = false;

  constructor(outputLimit: number) {
    const ds = new DecompressionStream("deflate-raw");
    this.#writer = ds.writable.getWriter();
    this.#reader = ds.readable.getReader();
    this.#limit = outputLimit;
    // Rejections surface through the awaited calls; these handlers only stop
    // the duplicates from becoming unhandled rejections.
    this.#writer.closed.catch(() => {});
    this.#reader.closed.catch(() => {});
  }

  async write(input: Uint8Array, final: boolean, sink: InflateSink): Promise<void> {
    if (this.#closed) throw new InflateError("inflater is closed");
    if (this.#finished || this.#produced >= this.#limit) return;
    try {
      for (let off = 0; off < input.length; off += WEB_IN_SLICE) {
        // A copy, because the caller reuses its input buffer (and Buffer#slice
        // would not copy).
        const end = Math.min(off + WEB_IN_SLICE, input.length);
        const slice = new Uint8Array(end - off);
        slice.set(input.subarray(off, end));
        const written = this.#writer.write(slice);
        written.catch(() => {});
        if (await this.#drain(written, sink)) return;
      }
      if (final) {
        const closed = this.#writer.close();
        closed.catch(() => {});
        if (await this.#drain(closed, sink)) return;
        for (;;) {
          const result = await this.#read();
          if (result.done) break;
          if (this.#deliver(result.value, sink)) return;
        }
        this.#finished = true;
      }
    } catch (error) {
      if (error instanceof TypeError) throw new InflateError(error.message);
      throw error;
    }
  }

  /** Reads output until `until` settles; true once the output limit is hit. */
  async #drain(until: Promise<void>, sink: InflateSink): Promise<boolean> {
    const settled: Promise<typeof DONE> = until.then(() => DONE);
    settled.catch(() => {});
    for (;;) {
      const next: ReadableStreamReadResult<Uint8Array> | typeof DONE = await Promise.race([
        this.#peekRead(),
        settled,
      ]);
      if (next === DONE) return false;
      this.#pendingRead = null;
      if (next.done) {
        await until;
        return false;
      }
      if (this.#deliver(next.value, sink)) return true;
    }
  }

  #peekRead(): Promise<ReadableStreamReadResult<Uint8Array>> {
    if (this.#pendingRead === null) {
      this.#pendingRead = this.#reader.read();
      this.#pendingRead.catch(() => {});
    }
    return this.#pendingRead;
  }

  #read(): Promise<ReadableStreamReadResult<Uint8Array>> {
    const read = this.#peekRead();
    this.#pendingRead = null;
    return read;
  }

  #deliver(value: Uint8Array, sink: InflateSink): boolean {
    const room = this.#limit - this.#produced;
    const piece = value.length > room ? value.subarray(0, room) : value;
    this.#produced += piece.length;
    if (piece.length > 0) sink(piece);
    return this.#produced >= this.#limit;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#reader.cancel().catch(() => {});
    this.#writer.abort().catch(() => {});
  }
}

let handleWorks: boolean | undefined;

/** Decodes a tiny known stream through the handle engine once per process. */
function handleSelfTest(zlib: Zlib): boolean {
  if (handleWorks !== undefined) return handleWorks;
  handleWorks = false;
  try {
    const text = "gait handle self-test ".repeat(64);
    const compressed = new Uint8Array(zlib.deflateRawSync(new TextEncoder().encode(text)));
    const parts = openHandle(zlib);
    if (parts === null) return false;
    const inflater = new HandleInflater(parts, Number.MAX_SAFE_INTEGER, 64);
    const pieces: string[] = [];
    const decoder = new TextDecoder();
    try {
      inflater.write(compressed.subarray(0, 7), false, (p) => pieces.push(decoder.decode(p)));
      inflater.write(compressed.subarray(7), true, (p) => pieces.push(decoder.decode(p)));
    } finally {
      inflater.close();
    }
    handleWorks = pieces.join("") === text;
  } catch {
    handleWorks = false;
  }
  return handleWorks;
}

let forcedEngine: InflateEngine = "auto";

/**
 * Forces an engine for every later inflater whatever the entry size (tests
 * run the hostile cases through both engines).
 *
 * @example
 * ```ts
 * setInflateEngine("web");
 * ```
 */
export function setInflateEngine(engine: InflateEngine): void {
  forcedEngine = engine;
}

/**
 * The engine setting, as {@link setInflateEngine} left it (handed to hash
 * workers so they choose exactly as the main thread would).
 *
 * @example
 * ```ts
 * inflateEngineSetting(); // "auto"
 * ```
 */
export function inflateEngineSetting(): InflateEngine {
  return forcedEngine;
}

/**
 * The engine an entry gets: `size` is the larger of its compressed and
 * declared sizes. Under `auto`, entries below {@link JS_INFLATE_MAX_BYTES} get
 * `js`, entries below {@link NATIVE_READ_MIN_BYTES} get `web`, and larger ones
 * load `node:zlib` and get `handle` when its self-test passes (else `web`).
 * The choice depends only on the size, never on what was loaded before, so
 * an entry always fails with the same message.
 *
 * @example
 * ```ts
 * await inflateEngineFor(1024); // "js"
 * await inflateEngineFor(64 * 1024 * 1024); // "handle" on Deno 2.9
 * ```
 */
export async function inflateEngineFor(size: number): Promise<"js" | "handle" | "web"> {
  if (forcedEngine === "js" || forcedEngine === "web") return forcedEngine;
  if (forcedEngine === "auto" && size < JS_INFLATE_MAX_BYTES) return "js";
  if (forcedEngine === "auto" && size < NATIVE_READ_MIN_BYTES) return "web";
  return handleSelfTest(await loadZlib()) ? "handle" : "web";
}

/**
 * Starts a raw-deflate decoder that never produces more than `outputLimit`
 * bytes in total, on the engine {@link inflateEngineFor} picks for `size`.
 *
 * @example
 * ```ts
 * const inflater = await createInflater(1024, 1024);
 * await inflater.write(compressed, true, (piece) => hash.update(piece));
 * inflater.close();
 * ```
 */
export async function createInflater(
  outputLimit: number,
  size: number,
  outChunk: number = OUT_CHUNK,
): Promise<Inflater> {
  const engine = await inflateEngineFor(size);
  if (engine === "js") return new JsInflater(outputLimit);
  if (engine === "handle") {
    const parts = openHandle(await loadZlib());
    if (parts !== null) return new HandleInflater(parts, outputLimit, outChunk);
  }
  return new WebInflater(outputLimit);
}
