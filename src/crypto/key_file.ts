/**
 * Key file text (spec 01 §2). A private key file holds padded standard base64
 * of the 64-byte Go private key (seed ‖ public key); a public key file holds
 * base64 of the 32 public key bytes; both end with "\n". Environment values
 * use the same text.
 *
 * Divergence from the Go tool: Go trusts bytes 32–63 of a private key as its
 * public key. We derive the public key from the seed and reject a file whose
 * stored public half differs, because such a file would sign with one key and
 * advertise another `key_id`.
 *
 * Error messages name the source (`path:<p>` or `env:<VAR>`) and never any
 * key bytes.
 *
 * @module
 */

import { GaitError } from "../core/errors.ts";
import { Base64DecodeError, decodeBase64, encodeBase64 } from "./base64.ts";
import {
  PRIVATE_KEY_LENGTH,
  privateKeyFromSeed,
  type PrivateKeyMaterial,
  PUBLIC_KEY_LENGTH,
  publicKeyFromBytes,
  type PublicKeyMaterial,
  samePublicKey,
  SEED_LENGTH,
} from "./key_material.ts";

/**
 * Trims what Go's key readers trim: leading and trailing space, tab, CR and LF.
 *
 * @example
 * ```ts
 * trimKeyText("  abc=\r\n"); // "abc="
 * ```
 */
export function trimKeyText(text: string): string {
  return text.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, "");
}

function decodeKeyText(text: string, kind: "private" | "public", sourceLabel: string): Uint8Array {
  try {
    return decodeBase64(trimKeyText(text));
  } catch (error) {
    const detail = error instanceof Base64DecodeError ? error.message : "invalid base64";
    throw new GaitError("invalid_input", `decode ${kind} key (${sourceLabel}): ${detail}`);
  }
}

/**
 * Parses the text of a private key file or environment value. The seed's
 * derived public key must equal bytes 32–63.
 *
 * @example
 * ```ts
 * const key = await parsePrivateKey(await Deno.readTextFile("gait_private.key"), "path:gait_private.key");
 * ```
 */
export async function parsePrivateKey(
  text: string,
  sourceLabel: string,
): Promise<PrivateKeyMaterial> {
  const bytes = decodeKeyText(text, "private", sourceLabel);
  try {
    if (bytes.length !== PRIVATE_KEY_LENGTH) {
      throw new GaitError(
        "invalid_input",
        `invalid private key length (${sourceLabel}): ${bytes.length} bytes, want ${PRIVATE_KEY_LENGTH}`,
      );
    }
    const key = await privateKeyFromSeed(bytes.subarray(0, SEED_LENGTH));
    if (!samePublicKey(key.publicKey, bytes.subarray(SEED_LENGTH))) {
      throw new GaitError(
        "invalid_input",
        `invalid private key (${sourceLabel}): bytes 32-63 are not the public key of its seed`,
      );
    }
    return key;
  } finally {
    bytes.fill(0);
  }
}

/**
 * Parses the text of a public key file or environment value (32 bytes).
 *
 * @example
 * ```ts
 * const pub = await parsePublicKey("2452IFcJJprSJUSaASiKpWRN4bzs7KbckliBk2cKGeg=\n", "path:approval_public.key");
 * pub.keyId; // "8393424682c702d59a923d26924b2d4827711e6c585117077766645e22efeb52"
 * ```
 */
export async function parsePublicKey(
  text: string,
  sourceLabel: string,
): Promise<PublicKeyMaterial> {
  const bytes = decodeKeyText(text, "public", sourceLabel);
  if (bytes.length !== PUBLIC_KEY_LENGTH) {
    throw new GaitError(
      "invalid_input",
      `invalid public key length (${sourceLabel}): ${bytes.length} bytes, want ${PUBLIC_KEY_LENGTH}`,
    );
  }
  return await publicKeyFromBytes(bytes);
}

/**
 * The text of a private key file: base64 of seed ‖ public key, then "\n".
 * The result is secret; write it only to a 0600 file.
 *
 * @example
 * ```ts
 * await writeFileAtomic("keys/gait_private.key", encodePrivateKeyFile(key), { mode: 0o600 });
 * ```
 */
export function encodePrivateKeyFile(key: PrivateKeyMaterial): string {
  const bytes = new Uint8Array(PRIVATE_KEY_LENGTH);
  bytes.set(key.seed, 0);
  bytes.set(key.publicKey, SEED_LENGTH);
  try {
    return encodeBase64(bytes) + "\n";
  } finally {
    bytes.fill(0);
  }
}

/**
 * The text of a public key file: base64 of the 32 public key bytes, then "\n".
 *
 * @example
 * ```ts
 * encodePublicKeyFile(key); // "BxLWcNIKl9pRbNm4LHPyPwnVp900QkZDtQgiP1hpkFI=\n" for the V4 key
 * ```
 */
export function encodePublicKeyFile(key: PublicKeyMaterial | PrivateKeyMaterial): string {
  return encodeBase64(key.publicKey) + "\n";
}
