/**
 * Standard base64 (RFC 4648 §4, padded) with the decoding rules of Go's
 * `base64.StdEncoding`, which wrote every key file and signature we must read:
 * padding is required, CR and LF are ignored anywhere, and any other stray
 * byte is an error reported by its offset. Error messages name offsets only,
 * never the data, so they are safe for secret input.
 *
 * @module
 */

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const PAD = 0x3d; // "="
const CR = 0x0d;
const LF = 0x0a;

let decodeMap: Int16Array | undefined;

function lookup(): Int16Array {
  if (decodeMap) return decodeMap;
  const map = new Int16Array(256).fill(-1);
  for (let i = 0; i < ALPHABET.length; i++) map[ALPHABET.charCodeAt(i)] = i;
  decodeMap = map;
  return map;
}

/** A base64 decoding failure; the message is Go's `illegal base64 data at input byte N`. */
export class Base64DecodeError extends Error {
  /** The byte offset in the input where decoding failed. */
  readonly offset: number;
  /** Creates the error for a failure at byte `offset`. */
  constructor(offset: number) {
    super(`illegal base64 data at input byte ${offset}`);
    this.name = "Base64DecodeError";
    this.offset = offset;
  }
}

/**
 * Encodes bytes as padded standard base64.
 *
 * @example
 * ```ts
 * encodeBase64(new Uint8Array([1, 2, 3, 4])); // "AQIDBA=="
 * ```
 */
export function encodeBase64(bytes: Uint8Array): string {
  let out = "";
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out += ALPHABET[n >> 18]! + ALPHABET[(n >> 12) & 63]! + ALPHABET[(n >> 6) & 63]! +
      ALPHABET[n & 63]!;
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i]! << 16;
    out += ALPHABET[n >> 18]! + ALPHABET[(n >> 12) & 63]! + "==";
  } else if (rest === 2) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
    out += ALPHABET[n >> 18]! + ALPHABET[(n >> 12) & 63]! + ALPHABET[(n >> 6) & 63]! + "=";
  }
  return out;
}

function skipNewlines(src: Uint8Array, at: number): number {
  let i = at;
  while (i < src.length && (src[i] === CR || src[i] === LF)) i++;
  return i;
}

/**
 * Decodes padded standard base64 exactly as Go's `base64.StdEncoding` does:
 * CR/LF anywhere are skipped, padding is mandatory, and trailing bits of the
 * last quantum are not checked. Throws {@link Base64DecodeError} naming the
 * offending byte offset.
 *
 * @example
 * ```ts
 * decodeBase64("AQID\nBA=="); // Uint8Array [1, 2, 3, 4]
 * ```
 */
export function decodeBase64(text: string): Uint8Array {
  const map = lookup();
  const src = new TextEncoder().encode(text);
  const out = new Uint8Array(Math.floor(src.length / 4) * 3 + 3);
  let n = 0;
  let si = 0;
  const quantum = [0, 0, 0, 0];
  for (;;) {
    quantum.fill(0);
    let dlen = 4;
    let done = false;
    for (let j = 0; j < 4; j++) {
      if (si === src.length) {
        if (j === 0) return out.slice(0, n);
        throw new Base64DecodeError(si - j);
      }
      const c = src[si]!;
      si++;
      const v = map[c]!;
      if (v >= 0) {
        quantum[j] = v;
        continue;
      }
      if (c === LF || c === CR) {
        j--;
        continue;
      }
      if (c !== PAD) throw new Base64DecodeError(si - 1);
      if (j < 2) throw new Base64DecodeError(si - 1);
      if (j === 2) {
        si = skipNewlines(src, si);
        if (si === src.length) throw new Base64DecodeError(src.length);
        if (src[si] !== PAD) throw new Base64DecodeError(si - 1);
        si++;
      }
      si = skipNewlines(src, si);
      if (si < src.length) throw new Base64DecodeError(si);
      dlen = j;
      done = true;
      break;
    }
    const val = (quantum[0]! << 18) | (quantum[1]! << 12) | (quantum[2]! << 6) | quantum[3]!;
    out[n++] = (val >> 16) & 0xff;
    if (dlen >= 3) out[n++] = (val >> 8) & 0xff;
    if (dlen === 4) out[n++] = val & 0xff;
    if (done) return out.slice(0, n);
  }
}
