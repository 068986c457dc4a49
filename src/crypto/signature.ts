/**
 * Ed25519 signatures over digests (spec 01 §2). A signature object is
 * `{"alg":"ed25519","key_id":<hex64>,"sig":<base64>,"signed_digest":<hex64>}`
 * and signs the 32 raw bytes the hex digest decodes to, not the hex text.
 * Ed25519 is deterministic, so the same key and digest give the same bytes as
 * the Go tool.
 *
 * @module
 */

import { GaitError } from "../core/errors.ts";
import { hexToBytes } from "../core/digest.ts";
import { Base64DecodeError, decodeBase64, encodeBase64 } from "./base64.ts";
import {
  type PrivateKeyMaterial,
  type PublicKeyMaterial,
  SIGNATURE_LENGTH,
} from "./key_material.ts";

/** The only signature algorithm. */
export const SIGNATURE_ALG = "ed25519";

/** A signature object as stored in artifacts. */
export interface Signature {
  /** Always "ed25519". */
  alg: string;
  /** SHA-256 hex of the signer's public key. */
  key_id: string;
  /** Standard base64 of the 64 signature bytes. */
  sig: string;
  /** The hex digest whose raw bytes were signed. */
  signed_digest: string;
}

/** The outcome of {@link verifyDigestSignature}. */
export type SignatureCheck =
  | { valid: true }
  | { valid: false; reason: string };

function bufferSource(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return bytes.buffer instanceof ArrayBuffer
    ? bytes as Uint8Array<ArrayBuffer>
    : new Uint8Array(bytes);
}

/**
 * Signs arbitrary bytes; returns the 64 signature bytes.
 *
 * @example
 * ```ts
 * const sig = await signBytes(key, new TextEncoder().encode("sha256:" + hex));
 * ```
 */
export async function signBytes(key: PrivateKeyMaterial, data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.sign("Ed25519", key.cryptoKey, bufferSource(data)));
}

/**
 * Checks an Ed25519 signature over arbitrary bytes. A signature that is not
 * 64 bytes is simply invalid.
 *
 * @example
 * ```ts
 * await verifyBytes(pub, data, sig); // true or false
 * ```
 */
export async function verifyBytes(
  key: PublicKeyMaterial,
  data: Uint8Array,
  signature: Uint8Array,
): Promise<boolean> {
  if (signature.length !== SIGNATURE_LENGTH) return false;
  try {
    return await crypto.subtle.verify(
      "Ed25519",
      key.cryptoKey,
      bufferSource(signature),
      bufferSource(data),
    );
  } catch {
    return false;
  }
}

function digestBytes(digestHex: string): Uint8Array {
  const bytes = hexToBytes(digestHex);
  if (bytes === null) throw new GaitError("invalid_input", "sign digest: invalid hex digest");
  if (bytes.length !== 32) {
    throw new GaitError("invalid_input", `invalid digest length: ${bytes.length}`);
  }
  return bytes;
}

/**
 * Signs the 32 raw bytes of a hex SHA-256 digest and returns the signature
 * object, with `signed_digest` set to the digest as given.
 *
 * @example
 * ```ts
 * const sig = await signDigest(key, "4aad73ff9f3c7e5a680dec3bc05684221f4770e6c47a58ed95bd7d6e1adbfe71");
 * sig.sig; // "qxqoJgKGFxq04vrCK3KbmDMgVtzKl2ofpU1lTfarZGTSe0ElLjNSieARGPl0C8SuEj53hojDADhJ1VJBLe3LDQ==" (V4 key)
 * ```
 */
export async function signDigest(key: PrivateKeyMaterial, digestHex: string): Promise<Signature> {
  const sig = await signBytes(key, digestBytes(digestHex));
  return {
    alg: SIGNATURE_ALG,
    key_id: key.keyId,
    sig: encodeBase64(sig),
    signed_digest: digestHex,
  };
}

function field(value: unknown, name: string): unknown {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return undefined;
  return (value as Record<string, unknown>)[name];
}

function describe(value: unknown): string {
  if (value === undefined) return "";
  return typeof value === "string" ? value : JSON.stringify(value);
}

/**
 * Verifies a signature object against the digest recomputed from the
 * artifact. Checks run in the spec's order and the first failure is
 * returned with its exact message: "missing signed_digest", "signed_digest
 * mismatch", "invalid digest length: N", "unsupported alg: X", "key id
 * mismatch", "decode sig: …", "invalid signature length: N", "signature
 * verification failed".
 *
 * @example
 * ```ts
 * const check = await verifyDigestSignature(pub, manifest.signatures[0], recomputed);
 * if (!check.valid) console.log(check.reason);
 * ```
 */
export async function verifyDigestSignature(
  key: PublicKeyMaterial,
  signature: unknown,
  recomputedDigestHex: string,
): Promise<SignatureCheck> {
  const signedDigest = field(signature, "signed_digest");
  if (typeof signedDigest !== "string" || signedDigest === "") {
    return { valid: false, reason: "missing signed_digest" };
  }
  if (signedDigest !== recomputedDigestHex) {
    return { valid: false, reason: "signed_digest mismatch" };
  }
  const digest = hexToBytes(signedDigest);
  if (digest === null) return { valid: false, reason: "decode signed_digest: invalid hex" };
  if (digest.length !== 32) {
    return { valid: false, reason: `invalid digest length: ${digest.length}` };
  }
  const alg = field(signature, "alg");
  if (alg !== SIGNATURE_ALG) return { valid: false, reason: `unsupported alg: ${describe(alg)}` };
  const keyId = field(signature, "key_id");
  if (keyId !== undefined && keyId !== null && keyId !== "" && keyId !== key.keyId) {
    return { valid: false, reason: "key id mismatch" };
  }
  const sigText = field(signature, "sig");
  if (typeof sigText !== "string") {
    return { valid: false, reason: "decode sig: sig is not a string" };
  }
  let sig: Uint8Array;
  try {
    sig = decodeBase64(sigText);
  } catch (error) {
    const detail = error instanceof Base64DecodeError ? error.message : "invalid base64";
    return { valid: false, reason: `decode sig: ${detail}` };
  }
  if (sig.length !== SIGNATURE_LENGTH) {
    return { valid: false, reason: `invalid signature length: ${sig.length}` };
  }
  if (!(await verifyBytes(key, digest, sig))) {
    return { valid: false, reason: "signature verification failed" };
  }
  return { valid: true };
}
