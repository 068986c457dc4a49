/**
 * A small pure-JS raw-deflate decoder (RFC 1951) for small zip entries.
 *
 * Small entries are the common case (every document of a demo runpack is a
 * few hundred bytes), and for them start-up dominates: the first
 * `DecompressionStream` in a process costs ~10 ms of stream machinery and
 * each further one ~1 ms (measured on Deno 2.9.6), while `node:zlib` costs
 * ~30 ms to load. This decoder costs neither; it works on the whole
 * compressed entry at once, so it is only used below a size limit (see
 * `JS_INFLATE_MAX_BYTES` in _inflate.ts).
 *
 * It follows zlib's rules for what is corrupt (over-subscribed or incomplete
 * code sets, distances too far back, invalid codes and block types) and uses
 * zlib's messages, and it never produces more than the output limit.
 *
 * @module
 */

/** Raised for corrupt, truncated or over-long data; the message is zlib's. */
export class JsInflateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "JsInflateError";
  }
}

/** The input ended inside the stream. */
class EndOfInput extends JsInflateError {
  constructor() {
    super("unexpected end of file");
  }
}

/** Bits resolved by one table lookup; longer codes take the slow path. */
const FAST_BITS = 9;
const FAST_MASK = (1 << FAST_BITS) - 1;
const MAX_BITS = 15;

// deno-fmt-ignore
const LENGTH_BASE = [
  3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131,
  163, 195, 227, 258,
];
// deno-fmt-ignore
const LENGTH_EXTRA = [
  0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
];
// deno-fmt-ignore
const DIST_BASE = [
  1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049,
  3073, 4097, 6145, 8193, 12289, 16385, 24577,
];
// deno-fmt-ignore
const DIST_EXTRA = [
  0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13,
];
/** Order of the code-length code lengths in a dynamic block header. */
const CLEN_ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];

/** A canonical Huffman code: a lookup table for short codes, counts and symbols for all. */
interface Huffman {
  /** No codes at all (a distance code for an all-literal block): any use is invalid. */
  empty: boolean;
  /** Indexed by the next FAST_BITS bits: symbol << 4 | length, or 0 for longer codes. */
  fast: Int32Array;
  /** Number of codes of each length. */
  count: Uint16Array;
  /** Symbols ordered by code. */
  symbol: Uint16Array;
}

/**
 * Builds a code from code lengths; null when the lengths are over-subscribed,
 * or incomplete where zlib refuses that (anything but a single one-bit code,
 * and never for the code-length code). No codes at all is allowed, as in
 * zlib, except for the code-length code.
 */
function buildHuffman(lengths: Uint8Array, n: number, codeLengthCode: boolean): Huffman | null {
  const count = new Uint16Array(MAX_BITS + 1);
  for (let i = 0; i < n; i++) count[lengths[i]!]!++;
  let max = MAX_BITS;
  while (max > 0 && count[max] === 0) max--;
  if (max === 0 && !codeLengthCode) {
    return { empty: true, fast: new Int32Array(1), count, symbol: new Uint16Array(0) };
  }
  let left = 1;
  for (let len = 1; len <= MAX_BITS; len++) {
    left = (left << 1) - count[len]!;
    if (left < 0) return null;
  }
  if (left > 0 && (codeLengthCode || max !== 1)) return null;
  const offs = new Uint16Array(MAX_BITS + 2);
  for (let len = 1; len <= MAX_BITS; len++) offs[len + 1] = offs[len]! + count[len]!;
  const symbol = new Uint16Array(n);
  for (let i = 0; i < n; i++) {
    const len = lengths[i]!;
    if (len !== 0) symbol[offs[len]!++] = i;
  }
  // Codes are packed starting with their first bit (the MSB of the canonical
  // code) in the lowest bit, so table indexes are bit-reversed codes.
  const fast = new Int32Array(1 << FAST_BITS);
  let code = 0;
  let index = 0;
  for (let len = 1; len <= FAST_BITS; len++) {
    for (let k = 0; k < count[len]!; k++) {
      let reversed = 0;
      for (let b = 0; b < len; b++) reversed |= ((code >>> b) & 1) << (len - 1 - b);
      const entry = (symbol[index++]! << 4) | len;
      for (let at = reversed; at <= FAST_MASK; at += 1 << len) fast[at] = entry;
      code++;
    }
    code <<= 1;
  }
  return { empty: false, fast, count, symbol };
}

let fixedCodes: { lit: Huffman; dist: Huffman } | undefined;

function fixed(): { lit: Huffman; dist: Huffman } {
  if (fixedCodes !== undefined) return fixedCodes;
  const lengths = new Uint8Array(288);
  lengths.fill(8, 0, 144);
  lengths.fill(9, 144, 256);
  lengths.fill(7, 256, 280);
  lengths.fill(8, 280, 288);
  const lit = buildHuffman(lengths, 288, false)!;
  // All 32 distance codes have 5 bits; 30 and 31 are invalid when used.
  const dist = buildHuffman(new Uint8Array(32).fill(5), 32, false)!;
  fixedCodes = { lit, dist };
  return fixedCodes;
}

class Decoder {
  readonly input: Uint8Array;
  pos = 0;
  bitBuf = 0;
  bitCount = 0;
  out: Uint8Array;
  outPos = 0;
  readonly limit: number;

  constructor(input: Uint8Array, limit: number) {
    this.input = input;
    this.limit = limit;
    this.out = new Uint8Array(Math.min(limit, Math.max(1024, input.length * 4)));
  }

  /** Ensures at least `n` (≤ 24) bits are buffered; false at the end of input. */
  fill(n: number): boolean {
    while (this.bitCount < n) {
      if (this.pos >= this.input.length) return false;
      this.bitBuf |= this.input[this.pos++]! << this.bitCount;
      this.bitCount += 8;
    }
    return true;
  }

  bits(n: number): number {
    if (!this.fill(n)) throw new EndOfInput();
    const value = this.bitBuf & ((1 << n) - 1);
    this.bitBuf >>>= n;
    this.bitCount -= n;
    return value;
  }

  decode(h: Huffman): number {
    if (h.empty) return -1;
    this.fill(FAST_BITS);
    const entry = h.fast[this.bitBuf & FAST_MASK]!;
    const len = entry & 15;
    if (len !== 0 && len <= this.bitCount) {
      this.bitBuf >>>= len;
      this.bitCount -= len;
      return entry >>> 4;
    }
    if (len !== 0) throw new EndOfInput();
    return this.decodeSlow(h);
  }

  /** Bit-by-bit canonical decoding, for codes longer than FAST_BITS. */
  decodeSlow(h: Huffman): number {
    let code = 0;
    let first = 0;
    let index = 0;
    for (let len = 1; len <= MAX_BITS; len++) {
      code |= this.bits(1);
      const count = h.count[len]!;
      if (code - first < count) return h.symbol[index + code - first]!;
      index += count;
      first = (first + count) << 1;
      code <<= 1;
    }
    // Only reachable through an incomplete code.
    return -1;
  }

  /** Grows the output buffer to hold `n` more bytes, never past the limit. */
  reserve(n: number): void {
    const need = Math.min(this.outPos + n, this.limit);
    if (need > this.out.length) {
      const grown = new Uint8Array(Math.min(this.limit, Math.max(need, this.out.length * 2)));
      grown.set(this.out.subarray(0, this.outPos));
      this.out = grown;
    }
  }

  /** Copies one stored block; false when the output limit stopped it. */
  stored(): boolean {
    // Drop to a byte boundary, then give back whole buffered bytes.
    this.bitBuf >>>= this.bitCount & 7;
    this.bitCount -= this.bitCount & 7;
    this.pos -= this.bitCount >>> 3;
    this.bitBuf = 0;
    this.bitCount = 0;
    const input = this.input;
    if (this.pos + 4 > input.length) throw new EndOfInput();
    const len = input[this.pos]! | (input[this.pos + 1]! << 8);
    const nlen = input[this.pos + 2]! | (input[this.pos + 3]! << 8);
    this.pos += 4;
    if (len !== (~nlen & 0xffff)) throw new JsInflateError("invalid stored block lengths");
    const take = Math.min(len, this.limit - this.outPos, input.length - this.pos);
    this.reserve(take);
    this.out.set(input.subarray(this.pos, this.pos + take), this.outPos);
    this.outPos += take;
    this.pos += take;
    if (take === len) return true;
    if (this.outPos >= this.limit) return false;
    throw new EndOfInput();
  }

  dynamic(): { lit: Huffman; dist: Huffman } {
    const nlen = this.bits(5) + 257;
    const ndist = this.bits(5) + 1;
    const ncode = this.bits(4) + 4;
    if (nlen > 286 || ndist > 30) {
      throw new JsInflateError("too many length or distance symbols");
    }
    const lengths = new Uint8Array(320);
    for (let i = 0; i < ncode; i++) lengths[CLEN_ORDER[i]!] = this.bits(3);
    const clen = buildHuffman(lengths, 19, true);
    if (clen === null) throw new JsInflateError("invalid code lengths set");
    lengths.fill(0);
    let i = 0;
    while (i < nlen + ndist) {
      const sym = this.decode(clen);
      if (sym < 16) {
        lengths[i++] = sym;
        continue;
      }
      let value = 0;
      let repeat: number;
      if (sym === 16) {
        if (i === 0) throw new JsInflateError("invalid bit length repeat");
        value = lengths[i - 1]!;
        repeat = 3 + this.bits(2);
      } else if (sym === 17) {
        repeat = 3 + this.bits(3);
      } else {
        repeat = 11 + this.bits(7);
      }
      if (i + repeat > nlen + ndist) throw new JsInflateError("invalid bit length repeat");
      while (repeat-- > 0) lengths[i++] = value;
    }
    if (lengths[256] === 0) throw new JsInflateError("invalid code -- missing end-of-block");
    const lit = buildHuffman(lengths.subarray(0, nlen), nlen, false);
    if (lit === null) throw new JsInflateError("invalid literal/lengths set");
    const dist = buildHuffman(lengths.subarray(nlen, nlen + ndist), ndist, false);
    if (dist === null) throw new JsInflateError("invalid distances set");
    return { lit, dist };
  }

  /**
   * Decodes one compressed block; false when the output limit stopped it. As
   * zlib does, decoding stops only when a byte is due and there is no room,
   * so the symbol after the last byte that fits is still checked. The hot
   * loop keeps the bit buffer in locals (up to 31 bits) and falls back to
   * {@link decode} for long codes and the end of the input.
   */
  codes(lit: Huffman, dist: Huffman): boolean {
    const input = this.input;
    const inLen = input.length;
    const limit = this.limit;
    const litFast = lit.fast;
    const distFast = dist.fast;
    let pos = this.pos;
    let bitBuf = this.bitBuf;
    let bitCount = this.bitCount;
    let out = this.out;
    let outPos = this.outPos;
    for (;;) {
      while (bitCount < 24 && pos < inLen) {
        bitBuf |= input[pos++]! << bitCount;
        bitCount += 8;
      }
      let sym: number;
      let entry = lit.empty ? 0 : litFast[bitBuf & FAST_MASK]!;
      let len = entry & 15;
      if (len !== 0 && len <= bitCount) {
        bitBuf >>>= len;
        bitCount -= len;
        sym = entry >>> 4;
      } else {
        this.pos = pos;
        this.bitBuf = bitBuf;
        this.bitCount = bitCount;
        this.outPos = outPos;
        sym = this.decode(lit);
        pos = this.pos;
        bitBuf = this.bitBuf;
        bitCount = this.bitCount;
      }
      if (sym < 256) {
        if (sym < 0) throw new JsInflateError("invalid literal/length code");
        if (outPos >= limit) {
          this.pos = pos;
          this.bitBuf = bitBuf;
          this.bitCount = bitCount;
          this.outPos = outPos;
          return false;
        }
        if (outPos >= out.length) {
          this.pos = pos;
          this.bitBuf = bitBuf;
          this.bitCount = bitCount;
          this.outPos = outPos;
          this.reserve(1);
          out = this.out;
        }
        out[outPos++] = sym;
        continue;
      }
      if (sym === 256) {
        this.pos = pos;
        this.bitBuf = bitBuf;
        this.bitCount = bitCount;
        this.outPos = outPos;
        return true;
      }
      const li = sym - 257;
      if (li >= 29) throw new JsInflateError("invalid literal/length code");
      let extra = LENGTH_EXTRA[li]!;
      if (bitCount < extra) throw new EndOfInput();
      const length = LENGTH_BASE[li]! + (bitBuf & ((1 << extra) - 1));
      bitBuf >>>= extra;
      bitCount -= extra;
      while (bitCount < 24 && pos < inLen) {
        bitBuf |= input[pos++]! << bitCount;
        bitCount += 8;
      }
      entry = dist.empty ? 0 : distFast[bitBuf & FAST_MASK]!;
      len = entry & 15;
      let di: number;
      if (len !== 0 && len <= bitCount) {
        bitBuf >>>= len;
        bitCount -= len;
        di = entry >>> 4;
      } else {
        this.pos = pos;
        this.bitBuf = bitBuf;
        this.bitCount = bitCount;
        this.outPos = outPos;
        di = this.decode(dist);
        pos = this.pos;
        bitBuf = this.bitBuf;
        bitCount = this.bitCount;
      }
      if (di < 0 || di >= 30) throw new JsInflateError("invalid distance code");
      extra = DIST_EXTRA[di]!;
      while (bitCount < extra && pos < inLen) {
        bitBuf |= input[pos++]! << bitCount;
        bitCount += 8;
      }
      if (bitCount < extra) throw new EndOfInput();
      const distance = DIST_BASE[di]! + (bitBuf & ((1 << extra) - 1));
      bitBuf >>>= extra;
      bitCount -= extra;
      // zlib checks the distance only when it copies, after the room check.
      if (outPos >= limit) {
        this.pos = pos;
        this.bitBuf = bitBuf;
        this.bitCount = bitCount;
        this.outPos = outPos;
        return false;
      }
      if (distance > outPos) throw new JsInflateError("invalid distance too far back");
      const n = Math.min(length, limit - outPos);
      if (outPos + n > out.length) {
        this.pos = pos;
        this.bitBuf = bitBuf;
        this.bitCount = bitCount;
        this.outPos = outPos;
        this.reserve(n);
        out = this.out;
      }
      const end = outPos + n;
      if (n >= 32 && distance >= n) {
        out.copyWithin(outPos, outPos - distance, outPos - distance + n);
        outPos = end;
      } else {
        for (; outPos < end; outPos++) out[outPos] = out[outPos - distance]!;
      }
      if (n < length) {
        // Stopped inside a match: zlib looks no further either.
        this.pos = pos;
        this.bitBuf = bitBuf;
        this.bitCount = bitCount;
        this.outPos = outPos;
        return false;
      }
    }
  }

  run(): void {
    for (;;) {
      const last = this.bits(1);
      const type = this.bits(2);
      let more: boolean;
      if (type === 0) {
        more = this.stored();
      } else if (type === 1) {
        const { lit, dist } = fixed();
        more = this.codes(lit, dist);
      } else if (type === 2) {
        const { lit, dist } = this.dynamic();
        more = this.codes(lit, dist);
      } else {
        throw new JsInflateError("invalid block type");
      }
      if (!more) return;
      if (last === 1) break;
    }
    // At the limit the handle engine stops without looking for stray bytes.
    if (this.outPos >= this.limit) return;
    // Whole bytes still buffered were never consumed.
    if (this.pos - (this.bitCount >>> 3) < this.input.length) {
      throw new JsInflateError("data after the end of the deflate stream");
    }
  }
}

/**
 * Decodes a complete raw-deflate stream, stopping (without error) once
 * `outputLimit` bytes have been produced and another one is due. Throws
 * {@link JsInflateError} for corrupt or truncated data, and for bytes after
 * the end of the stream, exactly when the zlib handle engine given the whole
 * input does (running out of input once the output is full is not an error).
 *
 * @example
 * ```ts
 * const out = inflateRawJs(new Uint8Array([0x03, 0x00]), 10); // empty output
 * ```
 */
export function inflateRawJs(input: Uint8Array, outputLimit: number): Uint8Array {
  const decoder = new Decoder(input, outputLimit);
  try {
    decoder.run();
  } catch (error) {
    if (!(error instanceof EndOfInput) || decoder.outPos < outputLimit) throw error;
  }
  return decoder.out.subarray(0, decoder.outPos);
}
