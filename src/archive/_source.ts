/**
 * Random access to archive bytes (a file or memory), and the reader's error
 * constructors. Shared by the main thread and the hash workers.
 *
 * @module
 */

import { GaitError } from "../core/errors.ts";
import { ioError } from "../fs/atomic.ts";
import { yieldToEventLoop } from "./_yield.ts";

/**
 * Read size: big enough to amortize per-call costs, small enough that the
 * buffer stays in L2 while it is hashed (1 MiB measured ~25% slower here).
 */
export const READ_CHUNK = 256 * 1024;
/** Bytes streamed between event-loop turns. */
const YIELD_EVERY = 64 * 1024 * 1024;

/**
 * A refused archive: exit 6.
 *
 * @example
 * ```ts
 * throw invalid("not a zip archive: x.zip");
 * ```
 */
export function invalid(message: string): GaitError {
  return new GaitError("invalid_input", message);
}

/**
 * An entry whose content fails verification: exit 2.
 *
 * @example
 * ```ts
 * throw failed("zip entry a.json failed CRC check (in x.zip)");
 * ```
 */
export function failed(message: string): GaitError {
  return new GaitError("verification_failed", message);
}

/**
 * A structurally broken archive: exit 6.
 *
 * @example
 * ```ts
 * throw corrupt("x.zip", "central directory lies outside the file");
 * ```
 */
export function corrupt(label: string, detail: string): GaitError {
  return invalid(`corrupt zip archive ${label}: ${detail}`);
}

/** What identifies one version of a file, to notice it being swapped. */
export interface FileIdentity {
  size: number;
  mtimeMs: number | null;
  ino: number | null;
  dev: number | null;
}

/**
 * The identity of an open file.
 *
 * @example
 * ```ts
 * const id = fileIdentity(await file.stat());
 * ```
 */
export function fileIdentity(info: Deno.FileInfo): FileIdentity {
  return {
    size: info.size,
    mtimeMs: info.mtime?.getTime() ?? null,
    ino: info.ino ?? null,
    dev: info.dev ?? null,
  };
}

/** Random access to the archive bytes. */
export interface Source {
  readonly size: number;
  /** Fills `target` from `offset`; fails if the bytes are not there. */
  readInto(offset: number, target: Uint8Array): Promise<void>;
  /** The bytes of [offset, offset+length) in chunks; each view is valid until the next. */
  chunks(offset: number, length: number): AsyncGenerator<Uint8Array>;
  close(): void;
}

/** An archive file, read through one handle. */
export class FileSource implements Source {
  readonly size: number;
  #file: Deno.FsFile;
  #label: string;
  #closed = false;

  constructor(file: Deno.FsFile, size: number, label: string) {
    this.#file = file;
    this.size = size;
    this.#label = label;
  }

  // Reads are synchronous on purpose: async reads hop to a blocking thread and
  // leave the bytes in another core's cache, which measured ~30% slower for
  // read+hash than sync reads into a small cache-resident buffer. Being
  // synchronous, seek+read also cannot interleave between concurrent callers.
  #readSync(offset: number, target: Uint8Array): void {
    if (this.#closed) {
      throw new GaitError("internal_failure", `zip archive ${this.#label} is closed`);
    }
    try {
      this.#file.seekSync(offset, Deno.SeekMode.Start);
      let filled = 0;
      while (filled < target.length) {
        const n = this.#file.readSync(target.subarray(filled));
        if (n === null || n === 0) throw corrupt(this.#label, "unexpected end of file");
        filled += n;
      }
    } catch (error) {
      throw ioError("read zip archive", this.#label, error);
    }
  }

  readInto(offset: number, target: Uint8Array): Promise<void> {
    try {
      this.#readSync(offset, target);
      return Promise.resolve();
    } catch (error) {
      return Promise.reject(error);
    }
  }

  async *chunks(offset: number, length: number): AsyncGenerator<Uint8Array> {
    if (length === 0) return;
    const buffer = new Uint8Array(Math.min(READ_CHUNK, length));
    let sinceYield = 0;
    for (let pos = 0; pos < length;) {
      const view = buffer.subarray(0, Math.min(buffer.length, length - pos));
      this.#readSync(offset + pos, view);
      pos += view.length;
      yield view;
      sinceYield += view.length;
      if (sinceYield >= YIELD_EVERY) {
        // Sync reads never give the event loop a turn; a server hashing a
        // large pack should still answer other requests now and then.
        // (setTimeout(0) would cost ~2 ms here; see _yield.ts.)
        sinceYield = 0;
        await yieldToEventLoop();
      }
    }
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.#file.close();
    } catch { /* already closed */ }
  }
}

/** An archive held in memory, such as a nested zip. */
export class BytesSource implements Source {
  readonly size: number;
  #bytes: Uint8Array;
  #label: string;
  #closed = false;

  constructor(bytes: Uint8Array, label: string) {
    this.#bytes = bytes;
    this.size = bytes.length;
    this.#label = label;
  }

  #check(offset: number, length: number): void {
    if (this.#closed) {
      throw new GaitError("internal_failure", `zip archive ${this.#label} is closed`);
    }
    if (offset + length > this.size) throw corrupt(this.#label, "unexpected end of data");
  }

  readInto(offset: number, target: Uint8Array): Promise<void> {
    try {
      this.#check(offset, target.length);
    } catch (error) {
      return Promise.reject(error);
    }
    target.set(this.#bytes.subarray(offset, offset + target.length));
    return Promise.resolve();
  }

  async *chunks(offset: number, length: number): AsyncGenerator<Uint8Array> {
    this.#check(offset, length);
    for (let pos = 0; pos < length; pos += READ_CHUNK) {
      yield this.#bytes.subarray(offset + pos, offset + Math.min(pos + READ_CHUNK, length));
    }
  }

  close(): void {
    this.#closed = true;
  }
}
