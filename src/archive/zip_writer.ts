/**
 * The deterministic zip writer (spec 01 §3): file entries only, sorted by UTF-8
 * byte order, deflated, fixed 1980-01-01 timestamps, normalized modes, no
 * comment, and Go's `archive/zip` header layout. The same files always give
 * the same bytes.
 *
 * Entries below {@link NATIVE_DEFLATE_MIN_BYTES} are deflated by
 * `CompressionStream("deflate-raw")`, so writing a small archive loads no
 * `node:` module; larger ones by `node:zlib`'s `deflateRawSync` at level 5,
 * loaded on first use. Which one depends only on the entry's size.
 *
 * @module
 */

import { GaitError } from "../core/errors.ts";
import { compareUtf8 } from "../core/go_json.ts";
import { writeFileAtomic } from "../fs/atomic.ts";
import { crc32 } from "./_crc32.ts";
import { displayName, goTrimSpace, unsafeNameReason } from "./_names.ts";
import { loadZlib, NATIVE_DEFLATE_MIN_BYTES } from "./_zlib.ts";

/** One file to put in a deterministic zip. */
export interface ZipInputFile {
  /** Entry name: relative, `/`-separated, no `..`, no backslash. */
  path: string;
  /** The uncompressed contents. */
  data: Uint8Array;
  /** Unix mode; any execute bit gives 0755, anything else (or none) 0644. */
  mode?: number;
}

const LOCAL_HEADER_SIG = 0x04034b50;
const CENTRAL_HEADER_SIG = 0x02014b50;
const DATA_DESCRIPTOR_SIG = 0x08074b50;
const END_OF_CENTRAL_DIR_SIG = 0x06054b50;

const VERSION_20 = 20;
/** Unix creator (3) in the high byte, version 2.0 in the low byte, as Go writes. */
const VERSION_MADE_BY = 0x0314;
const FLAG_DATA_DESCRIPTOR = 0x0008;
const FLAG_UTF8 = 0x0800;
const METHOD_DEFLATE = 8;
const DEFLATE_LEVEL = 5;
/** DOS date of 1980-01-01: (year-1980)<<9 | month<<5 | day. */
const DOS_DATE_1980 = 0x0021;
const DOS_TIME_MIDNIGHT = 0;
const EXT_TIME_ID = 0x5455;
/** 1980-01-01T00:00:00Z as Unix seconds. */
const EXT_TIME_MTIME = 315532800;
const EXT_TIME_EXTRA_LEN = 9;
const ATTR_0644 = 0x81a40000;
const ATTR_0755 = 0x81ed0000;

const LOCAL_HEADER_LEN = 30;
const CENTRAL_HEADER_LEN = 46;
const DATA_DESCRIPTOR_LEN = 16;
const END_LEN = 22;
const MAX_UINT32 = 0xffffffff;
const MAX_UINT16 = 0xffff;

const encoder = new TextEncoder();

interface PreparedEntry {
  name: Uint8Array;
  flags: number;
  externalAttrs: number;
  crc: number;
  compressed: Uint8Array;
  size: number;
  localOffset: number;
}

/**
 * Go's `detectUTF8` asks for the UTF-8 flag for any code point outside
 * 0x20–0x7d or equal to `\`, because legacy code pages remap `~` and `\`.
 */
function requiresUtf8Flag(path: string): boolean {
  for (let i = 0; i < path.length; i++) {
    const c = path.charCodeAt(i);
    if (c < 0x20 || c > 0x7d || c === 0x5c) return true;
  }
  return false;
}

function validateInputs(files: readonly ZipInputFile[]): void {
  const seen = new Set<string>();
  for (const file of files) {
    const path = file.path;
    const trimmed = goTrimSpace(path);
    if (trimmed === "") {
      throw new GaitError("invalid_input", "zip entry name must not be empty");
    }
    const reason = unsafeNameReason(path);
    if (reason !== null) {
      throw new GaitError(
        "invalid_input",
        `zip entry name is unsafe: ${displayName(path)} (${reason})`,
      );
    }
    if (path.endsWith("/")) {
      throw new GaitError(
        "invalid_input",
        `zip entry name must name a file, not a directory: ${displayName(path)}`,
      );
    }
    if (/[\ud800-\udfff]/.test(path.replace(/[\ud800-\udbff][\udc00-\udfff]/g, ""))) {
      throw new GaitError(
        "invalid_input",
        `zip entry name is not valid UTF-8: ${displayName(path)}`,
      );
    }
    // Readers compare trimmed names, so names that only differ by surrounding
    // space would make an archive they reject.
    if (seen.has(trimmed)) {
      throw new GaitError("invalid_input", `duplicate zip entry name: ${displayName(trimmed)}`);
    }
    seen.add(trimmed);
    if (file.data.length > MAX_UINT32) {
      throw new GaitError(
        "invalid_input",
        `zip entry ${
          displayName(path)
        } is too large: ${file.data.length} bytes (limit ${MAX_UINT32})`,
      );
    }
  }
  if (files.length > MAX_UINT16) {
    throw new GaitError(
      "invalid_input",
      `too many zip entries: ${files.length} (limit ${MAX_UINT16} without zip64)`,
    );
  }
}

/** Raw deflate through the web API, in one write so the output is deterministic. */
async function webDeflateRaw(data: Uint8Array): Promise<Uint8Array> {
  const stream = new CompressionStream("deflate-raw");
  const writer = stream.writable.getWriter();
  const reader = stream.readable.getReader();
  // Rejections surface through the reads; these only stop unhandled duplicates.
  writer.write(data as Uint8Array<ArrayBuffer>).catch(() => {});
  writer.close().catch(() => {});
  const parts: Uint8Array[] = [];
  let length = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    parts.push(value);
    length += value.length;
  }
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(length);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** One entry's deflate payload, on the engine its size selects. */
async function deflateEntry(data: Uint8Array): Promise<Uint8Array> {
  if (data.length < NATIVE_DEFLATE_MIN_BYTES) return await webDeflateRaw(data);
  const zlib = await loadZlib();
  const out = zlib.deflateRawSync(data, { level: DEFLATE_LEVEL });
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

async function prepare(files: readonly ZipInputFile[]): Promise<PreparedEntry[]> {
  const sorted = [...files].sort((a, b) => compareUtf8(a.path, b.path));
  const entries: PreparedEntry[] = [];
  let offset = 0;
  for (const file of sorted) {
    const name = encoder.encode(file.path);
    const compressed = await deflateEntry(file.data);
    if (compressed.length > MAX_UINT32) {
      throw new GaitError(
        "invalid_input",
        `zip entry ${displayName(file.path)} is too large once compressed`,
      );
    }
    const mode = file.mode ?? 0;
    entries.push({
      name,
      flags: FLAG_DATA_DESCRIPTOR | (requiresUtf8Flag(file.path) ? FLAG_UTF8 : 0),
      externalAttrs: (mode & 0o111) !== 0 ? ATTR_0755 : ATTR_0644,
      crc: crc32(file.data),
      compressed,
      size: file.data.length,
      localOffset: offset,
    });
    offset += LOCAL_HEADER_LEN + name.length + EXT_TIME_EXTRA_LEN + compressed.length +
      DATA_DESCRIPTOR_LEN;
  }
  return entries;
}

function writeExtTimeExtra(view: DataView, at: number): void {
  view.setUint16(at, EXT_TIME_ID, true);
  view.setUint16(at + 2, 5, true);
  view.setUint8(at + 4, 1);
  view.setUint32(at + 5, EXT_TIME_MTIME, true);
}

/**
 * Builds a deterministic zip in memory. Zero files give zero bytes, as the Go
 * tool writes.
 *
 * @example
 * ```ts
 * const bytes = await buildDeterministicZip([
 *   { path: "manifest.json", data: new TextEncoder().encode("{}") },
 *   { path: "bin/run.sh", data: new TextEncoder().encode("#!/bin/sh\n"), mode: 0o755 },
 * ]);
 * ```
 */
export async function buildDeterministicZip(
  files: readonly ZipInputFile[],
): Promise<Uint8Array> {
  validateInputs(files);
  if (files.length === 0) return new Uint8Array(0);
  const entries = await prepare(files);
  const last = entries[entries.length - 1]!;
  const centralOffset = last.localOffset + LOCAL_HEADER_LEN + last.name.length +
    EXT_TIME_EXTRA_LEN + last.compressed.length + DATA_DESCRIPTOR_LEN;
  let centralSize = 0;
  for (const e of entries) centralSize += CENTRAL_HEADER_LEN + e.name.length + EXT_TIME_EXTRA_LEN;
  if (centralOffset + centralSize > MAX_UINT32) {
    throw new GaitError(
      "invalid_input",
      `zip archive would be larger than ${MAX_UINT32} bytes (zip64 is not written)`,
    );
  }
  const out = new Uint8Array(centralOffset + centralSize + END_LEN);
  const view = new DataView(out.buffer);

  for (const e of entries) {
    let at = e.localOffset;
    view.setUint32(at, LOCAL_HEADER_SIG, true);
    view.setUint16(at + 4, VERSION_20, true);
    view.setUint16(at + 6, e.flags, true);
    view.setUint16(at + 8, METHOD_DEFLATE, true);
    view.setUint16(at + 10, DOS_TIME_MIDNIGHT, true);
    view.setUint16(at + 12, DOS_DATE_1980, true);
    // CRC and sizes (bytes 14–25) stay zero: the data descriptor carries them.
    view.setUint16(at + 26, e.name.length, true);
    view.setUint16(at + 28, EXT_TIME_EXTRA_LEN, true);
    at += LOCAL_HEADER_LEN;
    out.set(e.name, at);
    at += e.name.length;
    writeExtTimeExtra(view, at);
    at += EXT_TIME_EXTRA_LEN;
    out.set(e.compressed, at);
    at += e.compressed.length;
    view.setUint32(at, DATA_DESCRIPTOR_SIG, true);
    view.setUint32(at + 4, e.crc, true);
    view.setUint32(at + 8, e.compressed.length, true);
    view.setUint32(at + 12, e.size, true);
  }

  let at = centralOffset;
  for (const e of entries) {
    view.setUint32(at, CENTRAL_HEADER_SIG, true);
    view.setUint16(at + 4, VERSION_MADE_BY, true);
    view.setUint16(at + 6, VERSION_20, true);
    view.setUint16(at + 8, e.flags, true);
    view.setUint16(at + 10, METHOD_DEFLATE, true);
    view.setUint16(at + 12, DOS_TIME_MIDNIGHT, true);
    view.setUint16(at + 14, DOS_DATE_1980, true);
    view.setUint32(at + 16, e.crc, true);
    view.setUint32(at + 20, e.compressed.length, true);
    view.setUint32(at + 24, e.size, true);
    view.setUint16(at + 28, e.name.length, true);
    view.setUint16(at + 30, EXT_TIME_EXTRA_LEN, true);
    // Comment length, disk number and internal attributes (32–37) stay zero.
    view.setUint32(at + 38, e.externalAttrs, true);
    view.setUint32(at + 42, e.localOffset, true);
    at += CENTRAL_HEADER_LEN;
    out.set(e.name, at);
    at += e.name.length;
    writeExtTimeExtra(view, at);
    at += EXT_TIME_EXTRA_LEN;
  }

  view.setUint32(at, END_OF_CENTRAL_DIR_SIG, true);
  view.setUint16(at + 8, entries.length, true);
  view.setUint16(at + 10, entries.length, true);
  view.setUint32(at + 12, centralSize, true);
  view.setUint32(at + 16, centralOffset, true);
  return out;
}

/**
 * Builds a deterministic zip and writes it atomically (mode 0600, missing
 * parent directories created 0750). Returns the bytes written.
 *
 * @example
 * ```ts
 * await writeDeterministicZip("gait-out/runpack_demo.zip", [
 *   { path: "run.json", data: new TextEncoder().encode("{}") },
 * ]);
 * ```
 */
export async function writeDeterministicZip(
  path: string,
  files: readonly ZipInputFile[],
): Promise<Uint8Array> {
  const bytes = await buildDeterministicZip(files);
  await writeFileAtomic(path, bytes, { mode: 0o600, createParents: true });
  return bytes;
}
