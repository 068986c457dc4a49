/**
 * SHA-256 of canonical JSON through WebCrypto. Same digests as
 * `digestJson`, but hashed natively: a freshly started process runs the
 * pure-JS hash in V8's interpreter, where a 16 KiB policy costs tens of
 * milliseconds; WebCrypto costs well under one.
 *
 * @module
 */

import { canonicalJson } from "../core/canonical_json.ts";
import { bytesToHex } from "../core/digest.ts";

const encoder = new TextEncoder();

/**
 * `H(JCS(value))` as lowercase hex, hashed by WebCrypto.
 *
 * @example
 * ```ts
 * await digestJsonAsync({ query: "offline test" }); // === digestJson({ query: "offline test" })
 * ```
 */
export async function digestJsonAsync(value: unknown): Promise<string> {
  const bytes = encoder.encode(canonicalJson(value));
  return bytesToHex(new Uint8Array(await crypto.subtle.digest("SHA-256", bytes)));
}
