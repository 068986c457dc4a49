/**
 * A hand-rolled zip builder for the archive tests: every header field can be
 * set to a hostile value, and nothing is validated. Also a layout parser for
 * asserting header fields, and a generator of huge deflate streams that stays
 * small in memory.
 *
 * @module
 */

import { constants, crc32, deflateRawSync } from "node:zlib";

const enc = new TextEncoder();

/** One entry of a raw zip; everything not given is derived honestly. */
export interface RawEntry {
  name: string | Uint8Array;
  /** Uncompressed content, used for the CRC, sizes and (unless `body`) the data. */
  data?: Uint8Array | string;
  /** The bytes stored as entry data, verbatim. */
  body?: Uint8Array;
  method?: number;
  flags?: number;
  crc?: number;
  compressedSize?: number;
  uncompressedSize?: number;
  versionMadeBy?: number;
  externalAttrs?: number;
  diskStart?: number;
  localOffset?: number;
  /** Overrides the local header signature. */
  localSignature?: number;
}

/** End-record overrides. */
export interface RawEnd {
  disk?: number;
  centralDisk?: number;
  entriesOnDisk?: number;
  entries?: number;
  centralSize?: number;
  centralOffset?: number;
  comment?: Uint8Array;
  /** Inserts a zip64 end locator before the end record. */
  zip64Locator?: boolean;
  /** Bytes inserted between the central directory and the end record. */
  gap?: Uint8Array;
}

/** Raw deflate at the default level, as a plain Uint8Array. */
export function deflate(data: Uint8Array | string): Uint8Array {
  return new Uint8Array(deflateRawSync(typeof data === "string" ? enc.encode(data) : data));
}

/** CRC-32 of bytes. */
export function crcOf(data: Uint8Array | string): number {
  return crc32(typeof data === "string" ? enc.encode(data) : data) >>> 0;
}

/**
 * A deflate stream that inflates to `mib` MiB of zeros, built from one
 * position-independent block (a full flush resets the history) repeated, so
 * a 1 GiB stream costs about 1 MiB here.
 */
export function zeroDeflateStream(mib: number): Uint8Array {
  const block = new Uint8Array(
    deflateRawSync(new Uint8Array(1024 * 1024), {
      level: 9,
      finishFlush: constants.Z_FULL_FLUSH,
    }),
  );
  const finalEmptyBlock = new Uint8Array([0x03, 0x00]);
  const out = new Uint8Array(block.length * mib + finalEmptyBlock.length);
  for (let i = 0; i < mib; i++) out.set(block, i * block.length);
  out.set(finalEmptyBlock, block.length * mib);
  return out;
}

/** CRC-32 of `mib` MiB of zeros, computed in 1 MiB steps. */
export function zeroCrc(mib: number): number {
  const zeros = new Uint8Array(1024 * 1024);
  let crc = 0;
  for (let i = 0; i < mib; i++) crc = crc32(zeros, crc);
  return crc >>> 0;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Builds zip bytes from raw entries, trusting every override. */
export function rawZip(entries: RawEntry[], end: RawEnd = {}): Uint8Array {
  const locals: Uint8Array[] = [];
  const centrals: Uint8Array[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = typeof e.name === "string" ? enc.encode(e.name) : e.name;
    const data = e.data === undefined
      ? new Uint8Array(0)
      : typeof e.data === "string"
      ? enc.encode(e.data)
      : e.data;
    const method = e.method ?? 8;
    const body = e.body ?? (method === 8 ? deflate(data) : data);
    const crc = e.crc ?? crcOf(data);
    const csize = e.compressedSize ?? body.length;
    const usize = e.uncompressedSize ?? data.length;
    const flags = e.flags ?? 0;

    const local = new Uint8Array(30 + name.length);
    const lv = new DataView(local.buffer);
    lv.setUint32(0, e.localSignature ?? 0x04034b50, true);
    lv.setUint16(4, 20, true);
    lv.setUint16(6, flags, true);
    lv.setUint16(8, method, true);
    lv.setUint16(12, 0x0021, true);
    lv.setUint32(14, crc, true);
    lv.setUint32(18, csize, true);
    lv.setUint32(22, usize, true);
    lv.setUint16(26, name.length, true);
    local.set(name, 30);

    const central = new Uint8Array(46 + name.length);
    const cv = new DataView(central.buffer);
    cv.setUint32(0, 0x02014b50, true);
    cv.setUint16(4, e.versionMadeBy ?? 0x0314, true);
    cv.setUint16(6, 20, true);
    cv.setUint16(8, flags, true);
    cv.setUint16(10, method, true);
    cv.setUint16(14, 0x0021, true);
    cv.setUint32(16, crc, true);
    cv.setUint32(20, csize, true);
    cv.setUint32(24, usize, true);
    cv.setUint16(28, name.length, true);
    cv.setUint16(34, e.diskStart ?? 0, true);
    cv.setUint32(38, e.externalAttrs ?? 0x81a40000, true);
    cv.setUint32(42, e.localOffset ?? offset, true);
    central.set(name, 46);

    locals.push(local, body);
    centrals.push(central);
    offset += local.length + body.length;
  }
  const centralBytes = concat(centrals);
  const gap = end.gap ?? new Uint8Array(0);
  const locator = end.zip64Locator ? new Uint8Array(20) : new Uint8Array(0);
  if (end.zip64Locator) new DataView(locator.buffer).setUint32(0, 0x07064b50, true);
  const comment = end.comment ?? new Uint8Array(0);
  const eocd = new Uint8Array(22 + comment.length);
  const ev = new DataView(eocd.buffer);
  ev.setUint32(0, 0x06054b50, true);
  ev.setUint16(4, end.disk ?? 0, true);
  ev.setUint16(6, end.centralDisk ?? 0, true);
  ev.setUint16(8, end.entriesOnDisk ?? end.entries ?? entries.length, true);
  ev.setUint16(10, end.entries ?? entries.length, true);
  ev.setUint32(12, end.centralSize ?? centralBytes.length, true);
  ev.setUint32(16, end.centralOffset ?? offset, true);
  ev.setUint16(20, comment.length, true);
  eocd.set(comment, 22);
  return concat([...locals, centralBytes, gap, locator, eocd]);
}

/** Header fields of one entry as laid out in an archive. */
export interface LaidOutEntry {
  name: Uint8Array;
  local: {
    offset: number;
    version: number;
    flags: number;
    method: number;
    time: number;
    date: number;
    crc: number;
    compressedSize: number;
    uncompressedSize: number;
    extra: Uint8Array;
  };
  descriptor: { signature: number; crc: number; compressedSize: number; uncompressedSize: number };
  central: {
    offset: number;
    versionMadeBy: number;
    versionNeeded: number;
    flags: number;
    method: number;
    time: number;
    date: number;
    crc: number;
    compressedSize: number;
    uncompressedSize: number;
    extra: Uint8Array;
    commentLength: number;
    diskStart: number;
    internalAttrs: number;
    externalAttrs: number;
    localOffset: number;
  };
}

/** The end record and every entry's headers, read by fixed offsets. */
export interface Layout {
  entries: LaidOutEntry[];
  end: {
    offset: number;
    disk: number;
    centralDisk: number;
    entriesOnDisk: number;
    entries: number;
    centralSize: number;
    centralOffset: number;
    commentLength: number;
  };
}

/** Parses a well-formed archive (no zip64, no comment search) into its header fields. */
export function parseLayout(bytes: Uint8Array): Layout {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const endAt = bytes.length - 22;
  if (v.getUint32(endAt, true) !== 0x06054b50) throw new Error("no end record at the end");
  const end = {
    offset: endAt,
    disk: v.getUint16(endAt + 4, true),
    centralDisk: v.getUint16(endAt + 6, true),
    entriesOnDisk: v.getUint16(endAt + 8, true),
    entries: v.getUint16(endAt + 10, true),
    centralSize: v.getUint32(endAt + 12, true),
    centralOffset: v.getUint32(endAt + 16, true),
    commentLength: v.getUint16(endAt + 20, true),
  };
  const entries: LaidOutEntry[] = [];
  let p = end.centralOffset;
  for (let i = 0; i < end.entries; i++) {
    if (v.getUint32(p, true) !== 0x02014b50) throw new Error(`bad central header ${i}`);
    const nameLen = v.getUint16(p + 28, true);
    const extraLen = v.getUint16(p + 30, true);
    const central = {
      offset: p,
      versionMadeBy: v.getUint16(p + 4, true),
      versionNeeded: v.getUint16(p + 6, true),
      flags: v.getUint16(p + 8, true),
      method: v.getUint16(p + 10, true),
      time: v.getUint16(p + 12, true),
      date: v.getUint16(p + 14, true),
      crc: v.getUint32(p + 16, true),
      compressedSize: v.getUint32(p + 20, true),
      uncompressedSize: v.getUint32(p + 24, true),
      extra: bytes.slice(p + 46 + nameLen, p + 46 + nameLen + extraLen),
      commentLength: v.getUint16(p + 32, true),
      diskStart: v.getUint16(p + 34, true),
      internalAttrs: v.getUint16(p + 36, true),
      externalAttrs: v.getUint32(p + 38, true),
      localOffset: v.getUint32(p + 42, true),
    };
    const name = bytes.slice(p + 46, p + 46 + nameLen);
    const lo = central.localOffset;
    if (v.getUint32(lo, true) !== 0x04034b50) throw new Error(`bad local header ${i}`);
    const lNameLen = v.getUint16(lo + 26, true);
    const lExtraLen = v.getUint16(lo + 28, true);
    const local = {
      offset: lo,
      version: v.getUint16(lo + 4, true),
      flags: v.getUint16(lo + 6, true),
      method: v.getUint16(lo + 8, true),
      time: v.getUint16(lo + 10, true),
      date: v.getUint16(lo + 12, true),
      crc: v.getUint32(lo + 14, true),
      compressedSize: v.getUint32(lo + 18, true),
      uncompressedSize: v.getUint32(lo + 22, true),
      extra: bytes.slice(lo + 30 + lNameLen, lo + 30 + lNameLen + lExtraLen),
    };
    const dd = lo + 30 + lNameLen + lExtraLen + central.compressedSize;
    const descriptor = {
      signature: v.getUint32(dd, true),
      crc: v.getUint32(dd + 4, true),
      compressedSize: v.getUint32(dd + 8, true),
      uncompressedSize: v.getUint32(dd + 12, true),
    };
    entries.push({ name, local, descriptor, central });
    p += 46 + nameLen + extraLen + central.commentLength;
  }
  return { entries, end };
}
