/**
 * SHA-256 digests as 64 lowercase hex characters (spec 01 §1).
 *
 * Small inputs (every JSON document Gait digests) are hashed synchronously in
 * pure JS, which costs nothing at start-up. Bulk data (zip entries of verified
 * packs) switches to the runtime's native SHA-256 once {@link loadNativeSha256}
 * has been awaited: that module costs ~30 ms to load, which only pays off when
 * megabytes are hashed.
 *
 * @module
 */

import { Sha256, sha256 as jsSha256 } from "./_sha256.ts";
import { canonicalJson } from "./canonical_json.ts";

const encoder = new TextEncoder();

interface NativeHash {
  update(data: Uint8Array): NativeHash;
  digest(): Uint8Array;
}
type NativeCreateHash = (alg: "sha256") => NativeHash;

let nativeCreateHash: NativeCreateHash | undefined;

/**
 * Inputs at least this large use the native hash when it is loaded. Measured
 * warm: below ~1 KiB the native call's overhead outweighs its speed (both
 * ~10–30 µs); from 1 KiB up native is 2–10x faster than pure JS.
 */
const NATIVE_THRESHOLD = 1024;

/**
 * Loads the runtime's native SHA-256 for bulk hashing. Idempotent; call it
 * before hashing large data.
 *
 * @example
 * ```ts
 * await loadNativeSha256();
 * ```
 */
export async function loadNativeSha256(): Promise<void> {
  if (nativeCreateHash) return;
  const mod = await import("node:crypto");
  nativeCreateHash = mod.createHash as unknown as NativeCreateHash;
}

function toBytes(data: Uint8Array | string): Uint8Array {
  return typeof data === "string" ? encoder.encode(data) : data;
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
  for (let i = 0; i < bytes.length; i++) out += HEX[bytes[i]!];
  return out;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

/**
 * SHA-256 as raw bytes.
 *
 * @example
 * ```ts
 * sha256Bytes("abc").length; // 32
 * ```
 */
export function sha256Bytes(data: Uint8Array | string): Uint8Array {
  const bytes = toBytes(data);
  if (nativeCreateHash && bytes.length >= NATIVE_THRESHOLD) {
    return new Uint8Array(nativeCreateHash("sha256").update(bytes).digest());
  }
  return jsSha256(bytes);
}

/**
 * SHA-256 of bytes or of a string's UTF-8 bytes, as lowercase hex.
 *
 * @example
 * ```ts
 * sha256Hex("abc"); // "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
 * ```
 */
export function sha256Hex(data: Uint8Array | string): string {
  return bytesToHex(sha256Bytes(data));
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
 * Starts an incremental SHA-256 (native when loaded, else pure JS).
 *
 * @example
 * ```ts
 * const h = createSha256(); h.update(new TextEncoder().encode("abc")); h.hex();
 * ```
 */
export function createSha256(): StreamingDigest {
  if (nativeCreateHash) {
    const hash = nativeCreateHash("sha256");
    return {
      update: (chunk) => void hash.update(chunk),
      hex: () => bytesToHex(new Uint8Array(hash.digest())),
    };
  }
  const hash = new Sha256();
  return {
    update: (chunk) => void hash.update(chunk),
    hex: () => bytesToHex(hash.digest()),
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
