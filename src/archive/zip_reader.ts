/**
 * The hardened zip reader (spec 01 §3 "Readers", DESIGN "Untrusted input").
 * Archives are hostile until proven otherwise: only the central directory and
 * the entries asked for are read, nothing is ever extracted to disk, every
 * size is bounded before any byte is inflated, and decoding stops the moment a
 * limit is crossed.
 *
 * @module
 */

import { compareUtf8 } from "../core/go_json.ts";
import { ioError } from "../fs/atomic.ts";
import { type EntryData, hashEntryData, readEntryData } from "./_entry_data.ts";
import { OFFLOAD_MIN_BYTES, pauseForWorkers, scheduleHash } from "./_hash_pool.ts";
import { inflateEngineSetting } from "./_inflate.ts";
import { displayName, goTrimSpace, unsafeNameReason } from "./_names.ts";
import {
  BytesSource,
  corrupt,
  failed,
  type FileIdentity,
  fileIdentity,
  FileSource,
  invalid,
  type Source,
} from "./_source.ts";

export {
  /**
   * Entries whose compressed or declared size reaches this are read with the
   * native engines (`node:zlib`, node:crypto's SHA-256), loaded on first use;
   * smaller ones load no `node:` module.
   */
  NATIVE_READ_MIN_BYTES,
} from "./_zlib.ts";

/** Resource limits applied while reading one archive. */
export interface ZipLimits {
  /** Largest uncompressed entry that may be read (default 100 MiB). */
  maxEntryBytes: number;
  /** Sum of uncompressed bytes read through one archive (default 2 GiB). */
  maxTotalBytes: number;
  /** Largest uncompressed/compressed ratio, checked above 1 MiB (default 1100). */
  maxRatio: number;
  /** Most entries an archive may have (default 10000). */
  maxEntries: number;
  /** Largest central directory (default 16 MiB). */
  maxCentralDirectoryBytes: number;
}

/** The limits used when none are given. */
export const DEFAULT_ZIP_LIMITS: Readonly<ZipLimits> = Object.freeze({
  maxEntryBytes: 100 * 1024 * 1024,
  maxTotalBytes: 2 * 1024 * 1024 * 1024,
  maxRatio: 1100,
  maxEntries: 10000,
  maxCentralDirectoryBytes: 16 * 1024 * 1024,
});

/** Central-directory facts about one entry. */
export interface ZipEntryInfo {
  /** The entry name, decoded as UTF-8. */
  name: string;
  /** 0 stored, 8 deflate (others are refused when read). */
  method: number;
  compressedSize: number;
  uncompressedSize: number;
  /** The CRC-32 recorded in the central directory. */
  crc32: number;
  /** Unix permission bits from the external attributes; 0 when there are none. */
  mode: number;
}

/** An open archive. Entries are read on demand and checked as they are read. */
export interface ZipArchive {
  /** Entries in central-directory order. */
  readonly entries: readonly ZipEntryInfo[];
  /** Entry names in central-directory order. */
  readonly names: readonly string[];
  /** True when an entry has exactly this name. */
  has(name: string): boolean;
  /** The entry with exactly this name. */
  entry(name: string): ZipEntryInfo | undefined;
  /** The whole uncompressed content, with limits and CRC checked. */
  readEntry(name: string, options?: { maxBytes?: number }): Promise<Uint8Array>;
  /** SHA-256 and size of the content, streamed in bounded memory, with limits and CRC checked. */
  hashEntry(name: string): Promise<{ sha256: string; size: number }>;
  /** Releases the file; later reads fail. Safe to call more than once. */
  close(): void;
}

const LOCAL_HEADER_SIG = 0x04034b50;
const CENTRAL_HEADER_SIG = 0x02014b50;
const END_SIG = 0x06054b50;
const ZIP64_LOCATOR_SIG = 0x07064b50;
const LOCAL_HEADER_LEN = 30;
const CENTRAL_HEADER_LEN = 46;
const END_LEN = 22;
const ZIP64_LOCATOR_LEN = 20;
const MAX_COMMENT = 0xffff;
const MAX_UINT32 = 0xffffffff;
const MAX_UINT16 = 0xffff;
/** Traditional (bit 0), strong (bit 6) and central-directory (bit 13) encryption. */
const ENCRYPTION_FLAGS = 0x0001 | 0x0040 | 0x2000;
const CREATOR_UNIX = 3;
const CREATOR_MACOSX = 19;
const RATIO_FLOOR = 1024 * 1024;

interface EntryRecord {
  info: ZipEntryInfo;
  flags: number;
  localOffset: number;
  diskStart: number;
}

interface EndRecord {
  entries: number;
  centralSize: number;
  centralOffset: number;
  endOffset: number;
}

function u16(b: Uint8Array, at: number): number {
  return b[at]! | (b[at + 1]! << 8);
}

function u32(b: Uint8Array, at: number): number {
  return (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;
}

function resolveLimits(limits: Partial<ZipLimits> | undefined): ZipLimits {
  const out: ZipLimits = { ...DEFAULT_ZIP_LIMITS };
  for (const key of Object.keys(DEFAULT_ZIP_LIMITS) as (keyof ZipLimits)[]) {
    const value = limits?.[key];
    if (value === undefined) continue;
    if (typeof value !== "number" || !(value >= 0)) {
      throw new TypeError(`zip limit ${key} must be a non-negative number`);
    }
    out[key] = value;
  }
  return out;
}

/** How many trailing bytes can hold the end record, its comment and a zip64 locator. */
function tailLength(size: number): number {
  return Math.min(size, END_LEN + MAX_COMMENT + ZIP64_LOCATOR_LEN);
}

/**
 * Finds the end-of-central-directory record in the last bytes of the archive.
 * `tail` starts at file offset `tailStart`.
 */
function parseEnd(
  tail: Uint8Array,
  tailStart: number,
  label: string,
  limits: ZipLimits,
): EndRecord {
  let at = -1;
  for (let i = tail.length - END_LEN; i >= 0; i--) {
    if (tail[i] !== 0x50 || u32(tail, i) !== END_SIG) continue;
    // As Go does: the last signature is the end record, unless its comment
    // runs past the end of the file, which makes the file not a zip.
    if (i + END_LEN + u16(tail, i + 20) <= tail.length) at = i;
    break;
  }
  if (at < 0) throw invalid(`not a zip archive: ${label}`);
  const disk = u16(tail, at + 4);
  const centralDisk = u16(tail, at + 6);
  const entriesOnDisk = u16(tail, at + 8);
  const entries = u16(tail, at + 10);
  const centralSize = u32(tail, at + 12);
  const centralOffset = u32(tail, at + 16);
  const endOffset = tailStart + at;
  const hasLocator = at >= ZIP64_LOCATOR_LEN &&
    u32(tail, at - ZIP64_LOCATOR_LEN) === ZIP64_LOCATOR_SIG;
  if (
    hasLocator || entries === MAX_UINT16 || centralSize === MAX_UINT32 ||
    centralOffset === MAX_UINT32
  ) {
    throw invalid(`unsupported zip archive ${label}: zip64 is not supported`);
  }
  if (disk !== 0 || centralDisk !== 0 || entriesOnDisk !== entries) {
    throw invalid(`unsupported zip archive ${label}: multi-disk archives are not supported`);
  }
  if (entries > limits.maxEntries) {
    throw invalid(
      `zip archive ${label} has too many entries: ${entries} (limit ${limits.maxEntries})`,
    );
  }
  if (centralSize > limits.maxCentralDirectoryBytes) {
    throw invalid(
      `zip archive ${label} central directory is too large: ${centralSize} bytes ` +
        `(limit ${limits.maxCentralDirectoryBytes})`,
    );
  }
  if (centralOffset + centralSize > endOffset) {
    throw corrupt(label, "central directory lies outside the file");
  }
  if (entries * CENTRAL_HEADER_LEN > centralSize) {
    throw corrupt(label, `central directory is too small for ${entries} entries`);
  }
  return { entries, centralSize, centralOffset, endOffset };
}

const utf8Fatal = new TextDecoder("utf-8", { fatal: true });
const utf8Lossy = new TextDecoder("utf-8");

function unixMode(versionMadeBy: number, externalAttrs: number): number {
  const creator = versionMadeBy >>> 8;
  if (creator !== CREATOR_UNIX && creator !== CREATOR_MACOSX) return 0;
  return (externalAttrs >>> 16) & 0o777;
}

/** Parses and vets the central directory: duplicates first, then every name. */
function parseCentralDirectory(
  central: Uint8Array,
  end: EndRecord,
  label: string,
): EntryRecord[] {
  const records: EntryRecord[] = [];
  const invalidUtf8 = new Set<number>();
  let p = 0;
  for (let i = 0; i < end.entries; i++) {
    if (p + CENTRAL_HEADER_LEN > central.length) {
      throw corrupt(label, `central directory is truncated at entry ${i}`);
    }
    if (u32(central, p) !== CENTRAL_HEADER_SIG) {
      throw corrupt(label, `bad central directory header at entry ${i}`);
    }
    const versionMadeBy = u16(central, p + 4);
    const flags = u16(central, p + 8);
    const method = u16(central, p + 10);
    const crc = u32(central, p + 16);
    const compressedSize = u32(central, p + 20);
    const uncompressedSize = u32(central, p + 24);
    const nameLen = u16(central, p + 28);
    const extraLen = u16(central, p + 30);
    const commentLen = u16(central, p + 32);
    const diskStart = u16(central, p + 34);
    const externalAttrs = u32(central, p + 38);
    const localOffset = u32(central, p + 42);
    const next = p + CENTRAL_HEADER_LEN + nameLen + extraLen + commentLen;
    if (next > central.length) {
      throw corrupt(label, `central directory is truncated at entry ${i}`);
    }
    const nameBytes = central.subarray(p + CENTRAL_HEADER_LEN, p + CENTRAL_HEADER_LEN + nameLen);
    let name: string;
    try {
      name = utf8Fatal.decode(nameBytes);
    } catch {
      name = utf8Lossy.decode(nameBytes);
      invalidUtf8.add(i);
    }
    records.push({
      info: {
        name,
        method,
        compressedSize,
        uncompressedSize,
        crc32: crc,
        mode: unixMode(versionMadeBy, externalAttrs),
      },
      flags,
      localOffset,
      diskStart,
    });
    p = next;
  }
  if (p !== central.length) {
    throw corrupt(label, "central directory has bytes after its last entry");
  }

  // Duplicates are reported before any other entry-level problem, as the
  // spec orders it.
  const seen = new Set<string>();
  const duplicates = new Set<string>();
  for (const r of records) {
    const trimmed = goTrimSpace(r.info.name);
    if (trimmed === "") continue;
    if (seen.has(trimmed)) duplicates.add(trimmed);
    seen.add(trimmed);
  }
  if (duplicates.size > 0) {
    throw failed(`zip contains duplicate entries: ${[...duplicates].sort(compareUtf8).join(", ")}`);
  }

  for (const r of records) {
    const { compressedSize, uncompressedSize } = r.info;
    if (
      compressedSize === MAX_UINT32 || uncompressedSize === MAX_UINT32 ||
      r.localOffset === MAX_UINT32
    ) {
      throw invalid(`unsupported zip archive ${label}: zip64 is not supported`);
    }
    if (r.diskStart !== 0) {
      throw invalid(`unsupported zip archive ${label}: multi-disk archives are not supported`);
    }
  }

  records.forEach((r, i) => {
    const name = r.info.name;
    const reason = invalidUtf8.has(i)
      ? "is not valid UTF-8"
      : goTrimSpace(name) === ""
      ? "is empty"
      : unsafeNameReason(name);
    if (reason !== null) {
      // The Go tool skips such entries; refusing the archive is a deliberate
      // hardening, since no archive we write can contain them.
      throw failed(`zip entry name is unsafe: ${displayName(name)} (in ${label})`);
    }
    if (r.localOffset + LOCAL_HEADER_LEN + r.info.compressedSize > end.centralOffset) {
      throw corrupt(label, `data of entry ${displayName(name)} lies outside the file`);
    }
  });
  return records;
}

/** Where a file-backed archive came from, so a worker can open it too. */
interface FileOrigin {
  path: string;
  identity: FileIdentity;
}

/**
 * `path` made absolute against the current directory, so a worker opens the
 * same file even if the cwd changes. Not normalized (`a/../b` stays), so the
 * OS resolves it exactly as it resolved `path`. Null when the current
 * directory cannot be read (or for a Windows drive- or root-relative path),
 * which only keeps hashing on the main thread.
 */
function absolutePath(path: string): string | null {
  const windows = Deno.build.os === "windows";
  if (windows) {
    if (/^(?:[A-Za-z]:[\\/]|[\\/]{2})/.test(path)) return path;
    // Drive- or root-relative: rare enough to just keep on the main thread.
    if (/^(?:[A-Za-z]:|[\\/])/.test(path)) return null;
  } else if (path.startsWith("/")) {
    return path;
  }
  let cwd: string;
  try {
    cwd = Deno.cwd();
  } catch {
    return null;
  }
  const separator = windows ? "\\" : "/";
  return cwd.endsWith("/") || cwd.endsWith(separator) ? cwd + path : cwd + separator + path;
}

class Archive implements ZipArchive {
  readonly entries: readonly ZipEntryInfo[];
  readonly names: readonly string[];
  #byName: Map<string, EntryRecord>;
  #source: Source;
  #origin: FileOrigin | null;
  #label: string;
  #limits: ZipLimits;
  #centralOffset: number;
  #totalReserved = 0;

  constructor(
    source: Source,
    origin: FileOrigin | null,
    records: EntryRecord[],
    end: EndRecord,
    label: string,
    limits: ZipLimits,
  ) {
    this.#source = source;
    this.#origin = origin;
    this.#label = label;
    this.#limits = limits;
    this.#centralOffset = end.centralOffset;
    this.entries = Object.freeze(records.map((r) => Object.freeze({ ...r.info })));
    this.names = Object.freeze(records.map((r) => r.info.name));
    this.#byName = new Map(records.map((r) => [r.info.name, r]));
  }

  has(name: string): boolean {
    return this.#byName.has(name);
  }

  entry(name: string): ZipEntryInfo | undefined {
    const record = this.#byName.get(name);
    return record === undefined ? undefined : { ...record.info };
  }

  async readEntry(name: string, options: { maxBytes?: number } = {}): Promise<Uint8Array> {
    return readEntryData(this.#source, await this.#prepare(name, options.maxBytes));
  }

  async hashEntry(name: string): Promise<{ sha256: string; size: number }> {
    const entry = await this.#prepare(name, undefined);
    const origin = this.#origin;
    const offload = origin !== null && entry.uncompressedSize >= OFFLOAD_MIN_BYTES
      ? { path: origin.path, identity: origin.identity, entry, engine: inflateEngineSetting() }
      : null;
    return scheduleHash(offload, () => hashEntryData(this.#source, entry, pauseForWorkers));
  }

  close(): void {
    this.#source.close();
  }

  /** Applies every limit that needs no decoding, then locates the data. */
  async #prepare(name: string, maxBytes: number | undefined): Promise<EntryData> {
    const record = this.#byName.get(name);
    const shown = displayName(name);
    const label = this.#label;
    if (record === undefined) throw invalid(`zip entry ${shown} not found (in ${label})`);
    const info = record.info;
    if ((record.flags & ENCRYPTION_FLAGS) !== 0) {
      throw invalid(`zip entry ${shown} is encrypted (in ${label})`);
    }
    if (info.method !== 0 && info.method !== 8) {
      throw invalid(
        `zip entry ${shown} uses unsupported compression method ${info.method} (in ${label})`,
      );
    }
    const limit = Math.min(maxBytes ?? Infinity, this.#limits.maxEntryBytes);
    if (info.uncompressedSize > limit) {
      throw invalid(
        `zip entry ${shown} is too large: ${info.uncompressedSize} bytes, limit ${limit} ` +
          `(in ${label})`,
      );
    }
    if (info.method === 0 && info.compressedSize !== info.uncompressedSize) {
      throw failed(`zip entry ${shown} has inconsistent stored sizes (in ${label})`);
    }
    if (
      info.method === 8 && info.uncompressedSize > RATIO_FLOOR &&
      info.uncompressedSize > info.compressedSize * this.#limits.maxRatio
    ) {
      throw invalid(
        `zip entry ${shown} compression ratio exceeds ${this.#limits.maxRatio} (in ${label})`,
      );
    }
    if (this.#totalReserved + info.uncompressedSize > this.#limits.maxTotalBytes) {
      throw invalid(
        `zip entry ${shown} would exceed the archive's total uncompressed limit of ` +
          `${this.#limits.maxTotalBytes} bytes (in ${label})`,
      );
    }
    // Reserved before any await, so concurrent reads cannot overshoot together.
    this.#totalReserved += info.uncompressedSize;

    const header = new Uint8Array(LOCAL_HEADER_LEN);
    await this.#source.readInto(record.localOffset, header);
    if (u32(header, 0) !== LOCAL_HEADER_SIG) {
      throw corrupt(label, `bad local header for entry ${shown}`);
    }
    const dataOffset = record.localOffset + LOCAL_HEADER_LEN + u16(header, 26) + u16(header, 28);
    if (dataOffset + info.compressedSize > this.#centralOffset) {
      throw corrupt(label, `data of entry ${shown} lies outside the file`);
    }
    return {
      name,
      label,
      method: info.method,
      dataOffset,
      compressedSize: info.compressedSize,
      uncompressedSize: info.uncompressedSize,
      crc32: info.crc32,
    };
  }
}

/**
 * Opens a zip file for reading. Only the end record and the central directory
 * are read here; duplicate entries (after trimming names) and unsafe names are
 * refused before anything else happens.
 *
 * @example
 * ```ts
 * const zip = await openZipFile("gait-out/runpack_run_demo.zip");
 * try {
 *   const { sha256 } = await zip.hashEntry("intents.jsonl");
 * } finally {
 *   zip.close();
 * }
 * ```
 */
export async function openZipFile(
  path: string,
  limits?: Partial<ZipLimits>,
): Promise<ZipArchive> {
  const resolved = resolveLimits(limits);
  let file: Deno.FsFile;
  try {
    // Sync, like every read of the archive (see FileSource): an async open
    // and stat each cost a hop to a blocking thread.
    file = Deno.openSync(path, { read: true });
  } catch (error) {
    throw ioError("open zip archive", path, error);
  }
  let source: FileSource | undefined;
  try {
    const info = file.statSync();
    if (!info.isFile) throw invalid(`not a zip archive: ${path}`);
    source = new FileSource(file, info.size, path);
    const absolute = absolutePath(path);
    const origin = absolute === null ? null : { path: absolute, identity: fileIdentity(info) };
    const tail = new Uint8Array(tailLength(info.size));
    const tailStart = info.size - tail.length;
    await source.readInto(tailStart, tail);
    const end = parseEnd(tail, tailStart, path, resolved);
    const central = new Uint8Array(end.centralSize);
    await source.readInto(end.centralOffset, central);
    const records = parseCentralDirectory(central, end, path);
    return new Archive(source, origin, records, end, path, resolved);
  } catch (error) {
    if (source !== undefined) source.close();
    else {
      try {
        file.close();
      } catch { /* already closed */ }
    }
    throw ioError("read zip archive", path, error);
  }
}

/**
 * Opens an in-memory zip, such as a nested `source/runpack.zip`, with the same
 * checks as {@link openZipFile}. `label` names the archive in messages.
 *
 * @example
 * ```ts
 * const inner = openZipBytes(await pack.readEntry("source/runpack.zip"), {}, "source/runpack.zip");
 * inner.names; // ["intents.jsonl", "manifest.json", ...]
 * ```
 */
export function openZipBytes(
  bytes: Uint8Array,
  limits?: Partial<ZipLimits>,
  label: string = "<zip bytes>",
): ZipArchive {
  const resolved = resolveLimits(limits);
  const tailStart = bytes.length - tailLength(bytes.length);
  const end = parseEnd(bytes.subarray(tailStart), tailStart, label, resolved);
  const central = bytes.subarray(end.centralOffset, end.centralOffset + end.centralSize);
  const records = parseCentralDirectory(central, end, label);
  return new Archive(new BytesSource(bytes, label), null, records, end, label, resolved);
}
