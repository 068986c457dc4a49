/**
 * SHA-256 digests as 64 lowercase hex characters (spec 01 §1).
 *
 * @module
 */

import { createHash } from "node:crypto";
import { canonicalJson } from "./canonical_json.ts";

/**
 * SHA-256 of bytes or of a string's UTF-8 bytes, as lowercase hex.
 *
 * @example
 * ```ts
 * sha256Hex("abc"); // "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
 * ```
 */
export function sha256Hex(data: Uint8Array | string): string {
  return createHash("sha256").update(data).digest("hex");
}

/**
 * SHA-256 as raw bytes.
 *
 * @example
 * ```ts
 * sha256Bytes("abc").length; // 32
 * ```
 */
export function sha256Bytes(data: Uint8Array | string): Uint8Array {
  return new Uint8Array(createHash("sha256").update(data).digest());
}

/**
 * The digest of a JSON value: `H(JCS(value))`.
 *
 * @example
 * ```ts
 * digestJson({ query: "offline test" }).length; // 64
 * ```
 */
export function digestJson(value: unknown): string {
  return sha256Hex(canonicalJson(value));
}

/** An incremental SHA-256 over chunks. */
export interface StreamingDigest {
  /** Adds bytes. */
  update(chunk: Uint8Array): void;
  /** The lowercase hex digest; the hasher cannot be used afterwards. */
  hex(): string;
}

/**
 * Starts an incremental SHA-256.
 *
 * @example
 * ```ts
 * const h = createSha256(); h.update(new TextEncoder().encode("abc")); h.hex();
 * ```
 */
export function createSha256(): StreamingDigest {
  const hash = createHash("sha256");
  return {
    update(chunk: Uint8Array) {
      hash.update(chunk);
    },
    hex() {
      return hash.digest("hex");
    },
  };
}

const HEX64 = /^[0-9a-f]{64}$/;
const HEX64_ANY_CASE = /^[0-9a-fA-F]{64}$/;

/**
 * True for 64 lowercase hex characters.
 *
 * @example
 * ```ts
 * isHex64("ab".repeat(32)); // true
 * ```
 */
export function isHex64(value: unknown): value is string {
  return typeof value === "string" && HEX64.test(value);
}

/**
 * True for 64 hex characters of either case.
 *
 * @example
 * ```ts
 * isHex64AnyCase("AB".repeat(32)); // true
 * ```
 */
export function isHex64AnyCase(value: unknown): value is string {
  return typeof value === "string" && HEX64_ANY_CASE.test(value);
}

/**
 * Decodes hex text to bytes, or returns null when it is not valid hex.
 *
 * @example
 * ```ts
 * hexToBytes("ff"); // Uint8Array [255]
 * ```
 */
export function hexToBytes(hex: string): Uint8Array | null {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) return null;
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/**
 * Lowercase hex of bytes.
 *
 * @example
 * ```ts
 * bytesToHex(new Uint8Array([1, 255])); // "01ff"
 * ```
 */
export function bytesToHex(bytes: Uint8Array): string {
  let out = "";
  for (const b of bytes) out += b.toString(16).padStart(2, "0");
  return out;
}
