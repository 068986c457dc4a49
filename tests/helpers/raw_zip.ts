/**
 * A deliberately permissive zip builder for tests: it writes whatever it is
 * given (duplicate names, traversal names, wrong sizes or CRCs), so tests can
 * produce the hostile archives the real writer refuses to make.
 *
 * @module
 */

import zlib from "node:zlib";

/** One entry of a raw test zip. */
export interface RawZipEntry {
  name: string;
  data: Uint8Array | string;
  /** 0 stored, 8 deflate (default 8). */
  method?: number;
  /** Override the CRC written to the headers. */
  crc?: number;
  /** Override the uncompressed size written to the central directory. */
  declaredSize?: number;
}

const enc = new TextEncoder();

/**
 * Builds zip bytes without any validation.
 *
 * @example
 * ```ts
 * rawZip([{ name: "a.txt", data: "x" }, { name: "a.txt", data: "y" }]);
 * ```
 */
export function rawZip(entries: RawZipEntry[]): Uint8Array {
  const locals: Uint8Array[] = [];
  const centrals: Uint8Array[] = [];
  let offset = 0;
  for (const e of entries) {
    const data = typeof e.data === "string" ? enc.encode(e.data) : e.data;
    const method = e.method ?? 8;
    const body = method === 8 ? new Uint8Array(zlib.deflateRawSync(data)) : data;
    const crc = e.crc ?? (zlib.crc32(data) >>> 0);
    const name = enc.encode(e.name);
    const size = e.declaredSize ?? data.length;
    const local = new Uint8Array(30 + name.length);
    const lv = new DataView(local.buffer);
    lv.setUint32(0, 0x04034b50, true);
    lv.setUint16(4, 20, true);
    lv.setUint16(8, method, true);
    lv.setUint32(14, crc, true);
    lv.setUint32(18, body.length, true);
    lv.setUint32(22, size, true);
    lv.setUint16(26, name.length, true);
    local.set(name, 30);
    const central = new Uint8Array(46 + name.length);
    const cv = new DataView(central.buffer);
    cv.setUint32(0, 0x02014b50, true);
    cv.setUint16(4, 0x0314, true);
    cv.setUint16(6, 20, true);
    cv.setUint16(10, method, true);
    cv.setUint32(16, crc, true);
    cv.setUint32(20, body.length, true);
    cv.setUint32(24, size, true);
    cv.setUint16(28, name.length, true);
    cv.setUint32(38, 0x81a40000, true);
    cv.setUint32(42, offset, true);
    central.set(name, 46);
    locals.push(local, body);
    centrals.push(central);
    offset += local.length + body.length;
  }
  const cdSize = centrals.reduce((n, c) => n + c.length, 0);
  const eocd = new Uint8Array(22);
  const ev = new DataView(eocd.buffer);
  ev.setUint32(0, 0x06054b50, true);
  ev.setUint16(8, entries.length, true);
  ev.setUint16(10, entries.length, true);
  ev.setUint32(12, cdSize, true);
  ev.setUint32(16, offset, true);
  const parts = [...locals, ...centrals, eocd];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let pos = 0;
  for (const p of parts) {
    out.set(p, pos);
    pos += p.length;
  }
  return out;
}
