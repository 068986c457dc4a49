/**
 * The lazily loaded `node:zlib`, and the size from which an entry is worth
 * loading it for.
 *
 * Nothing in the archive imports `node:zlib` statically: the first `node:`
 * module a process loads costs ~30 ms of Node-compat bootstrap (measured on
 * Deno 2.9.6), more than small archives take to read or write with the web
 * APIs (`DecompressionStream`, `CompressionStream`) and the pure-JS CRC-32.
 * Bulk entries repay it many times over: the native handle inflates faster,
 * `deflateRawSync` level 5 deflates ~1.6x faster than `CompressionStream`, and
 * zlib's CRC-32 runs ~8x faster than the JS table.
 *
 * @module
 */

/** The parts of `node:zlib` the archive uses. */
export interface Zlib {
  crc32(data: Uint8Array, value?: number): number;
  deflateRawSync(data: Uint8Array, options?: { level?: number }): Uint8Array;
  createInflateRaw(): unknown;
}

/**
 * Entries whose compressed or uncompressed size reaches this are read with the
 * native engines (zlib handle inflate, zlib CRC-32, node:crypto SHA-256);
 * smaller ones with the web/JS ones, so reading them loads no `node:` module.
 * 4 MiB is where loading the native modules (~30 ms cold) breaks even with
 * the slower JS path (~9 ms/MB for SHA-256 alone) on the benchmark machine.
 */
export const NATIVE_READ_MIN_BYTES = 4 * 1024 * 1024;

/**
 * Entries of at least this many bytes are deflated by `deflateRawSync`
 * (level 5), smaller ones by `CompressionStream("deflate-raw")`. The choice
 * depends only on the entry's size, so output stays deterministic.
 * `CompressionStream` costs ~7 ms/MB more; loading zlib ~30 ms cold.
 */
export const NATIVE_DEFLATE_MIN_BYTES = 4 * 1024 * 1024;

let loading: Promise<Zlib> | undefined;
let loaded: Zlib | undefined;

/**
 * Loads `node:zlib` once per process (later calls share the first load).
 *
 * @example
 * ```ts
 * const zlib = await loadZlib();
 * zlib.crc32(new Uint8Array([1, 2, 3]));
 * ```
 */
export function loadZlib(): Promise<Zlib> {
  loading ??= import("node:zlib").then((mod) => {
    loaded = mod as unknown as Zlib;
    return loaded;
  });
  return loading;
}

/**
 * `node:zlib` when an earlier {@link loadZlib} has finished, else undefined.
 *
 * @example
 * ```ts
 * const zlib = loadedZlib(); // undefined until something bulk was read or written
 * ```
 */
export function loadedZlib(): Zlib | undefined {
  return loaded;
}
