/**
 * Ed25519 key material (spec 01 §2): a private key is its 32-byte seed, the
 * public key is always derived from the seed, and `key_id` is the SHA-256 hex
 * of the 32 public-key bytes. The imported WebCrypto keys are kept on the
 * material so signing and verifying never import twice.
 *
 * Private material never shows its seed when logged, inspected or serialized
 * to JSON: only its `keyId` appears.
 *
 * @module
 */

import { GaitError } from "../core/errors.ts";
import { hexToBytes, sha256Hex } from "../core/digest.ts";
import { decodeBase64 } from "./base64.ts";

/** The byte length of an Ed25519 seed. */
export const SEED_LENGTH = 32;
/** The byte length of an Ed25519 public key. */
export const PUBLIC_KEY_LENGTH = 32;
/** The byte length of a Go private key (seed followed by public key). */
export const PRIVATE_KEY_LENGTH = 64;
/** The byte length of an Ed25519 signature. */
export const SIGNATURE_LENGTH = 64;

/** An Ed25519 private key ready to sign. */
export interface PrivateKeyMaterial {
  /** The 32-byte seed. Secret: never print or log it. */
  readonly seed: Uint8Array;
  /** The 32-byte public key derived from the seed. */
  readonly publicKey: Uint8Array;
  /** `H(publicKey)`: SHA-256 hex of the public key bytes. */
  readonly keyId: string;
  /** The imported WebCrypto key (usage "sign"). */
  readonly cryptoKey: CryptoKey;
}

/** An Ed25519 public key ready to verify. */
export interface PublicKeyMaterial {
  /** The 32 public key bytes. */
  readonly publicKey: Uint8Array;
  /** `H(publicKey)`. */
  readonly keyId: string;
  /** The imported WebCrypto key (usage "verify"). */
  readonly cryptoKey: CryptoKey;
}

// DER prefix of a PKCS#8 OneAsymmetricKey holding an Ed25519 seed (RFC 8410 §7).
const PKCS8_ED25519_PREFIX_HEX = "302e020100300506032b657004220420";

const INSPECT_DENO = Symbol.for("Deno.customInspect");
const INSPECT_NODE = Symbol.for("nodejs.util.inspect.custom");

class Ed25519PrivateKey implements PrivateKeyMaterial {
  readonly seed: Uint8Array;
  readonly publicKey: Uint8Array;
  readonly keyId: string;
  readonly cryptoKey: CryptoKey;

  constructor(seed: Uint8Array, publicKey: Uint8Array, cryptoKey: CryptoKey) {
    this.seed = seed;
    this.publicKey = publicKey;
    this.keyId = sha256Hex(publicKey);
    this.cryptoKey = cryptoKey;
    Object.defineProperty(this, "seed", { enumerable: false });
    Object.freeze(this);
  }

  toJSON(): { key_id: string } {
    return { key_id: this.keyId };
  }

  toString(): string {
    return `PrivateKeyMaterial(key_id=${this.keyId})`;
  }

  [INSPECT_DENO](): string {
    return this.toString();
  }

  [INSPECT_NODE](): string {
    return this.toString();
  }
}

const derivedPublic = new WeakMap<PrivateKeyMaterial, Promise<PublicKeyMaterial>>();

/**
 * The key id of a public key: SHA-256 hex of its 32 bytes.
 *
 * @example
 * ```ts
 * keyIdOf(decodeBase64("BxLWcNIKl9pRbNm4LHPyPwnVp900QkZDtQgiP1hpkFI="));
 * // "42571c8843a10df565fd17a97a236c3552e8e4b7ff2a0b48bf524409279771d9"
 * ```
 */
export function keyIdOf(publicKey: Uint8Array): string {
  return sha256Hex(publicKey);
}

function base64UrlToBytes(text: string): Uint8Array {
  const std = text.replace(/-/g, "+").replace(/_/g, "/");
  return decodeBase64(std + "=".repeat((4 - (std.length % 4)) % 4));
}

/**
 * Builds private key material from a 32-byte seed, deriving the public key
 * with WebCrypto (PKCS#8 import, JWK export of `x`).
 *
 * @example
 * ```ts
 * const key = await privateKeyFromSeed(sha256Bytes("gait-action-contract-activation-development-key-v1"));
 * key.keyId; // "42571c8843a10df565fd17a97a236c3552e8e4b7ff2a0b48bf524409279771d9"
 * ```
 */
export async function privateKeyFromSeed(seed: Uint8Array): Promise<PrivateKeyMaterial> {
  if (seed.length !== SEED_LENGTH) {
    throw new GaitError(
      "invalid_input",
      `invalid private key seed length: ${seed.length} (want ${SEED_LENGTH})`,
    );
  }
  const prefix = hexToBytes(PKCS8_ED25519_PREFIX_HEX)!;
  const der = new Uint8Array(prefix.length + SEED_LENGTH);
  der.set(prefix, 0);
  der.set(seed, prefix.length);
  try {
    // Extractable only so the public half can be read back as JWK `x`.
    const cryptoKey = await crypto.subtle.importKey("pkcs8", der, { name: "Ed25519" }, true, [
      "sign",
    ]);
    const jwk = await crypto.subtle.exportKey("jwk", cryptoKey);
    if (typeof jwk.x !== "string") throw new Error("no public key in exported JWK");
    const publicKey = base64UrlToBytes(jwk.x);
    if (publicKey.length !== PUBLIC_KEY_LENGTH) throw new Error("unexpected public key length");
    return new Ed25519PrivateKey(new Uint8Array(seed), publicKey, cryptoKey);
  } catch (error) {
    // Never pass the underlying error text through: it could echo key bytes.
    throw new GaitError("internal_failure", "derive Ed25519 public key from seed failed", {
      cause: error instanceof GaitError ? undefined : error,
    });
  } finally {
    der.fill(0);
  }
}

/**
 * Builds public key material from 32 raw bytes.
 *
 * @example
 * ```ts
 * const pub = await publicKeyFromBytes(decodeBase64("2452IFcJJprSJUSaASiKpWRN4bzs7KbckliBk2cKGeg="));
 * pub.keyId; // "8393424682c702d59a923d26924b2d4827711e6c585117077766645e22efeb52"
 * ```
 */
export async function publicKeyFromBytes(publicKey: Uint8Array): Promise<PublicKeyMaterial> {
  if (publicKey.length !== PUBLIC_KEY_LENGTH) {
    throw new GaitError(
      "invalid_input",
      `invalid public key length: ${publicKey.length} (want ${PUBLIC_KEY_LENGTH})`,
    );
  }
  const bytes = new Uint8Array(publicKey);
  let cryptoKey: CryptoKey;
  try {
    cryptoKey = await crypto.subtle.importKey("raw", bytes, { name: "Ed25519" }, true, [
      "verify",
    ]);
  } catch (error) {
    throw new GaitError("invalid_input", "invalid Ed25519 public key", { cause: error });
  }
  return Object.freeze({ publicKey: bytes, keyId: keyIdOf(bytes), cryptoKey });
}

/**
 * The public half of private key material, imported once and cached.
 *
 * @example
 * ```ts
 * const pair = await generateKeyPair();
 * (await publicKeyOf(pair)).keyId === pair.keyId; // true
 * ```
 */
export function publicKeyOf(key: PrivateKeyMaterial): Promise<PublicKeyMaterial> {
  let cached = derivedPublic.get(key);
  if (!cached) {
    cached = publicKeyFromBytes(key.publicKey);
    derivedPublic.set(key, cached);
  }
  return cached;
}

/**
 * Generates a fresh Ed25519 key pair from 32 random bytes.
 *
 * @example
 * ```ts
 * const key = await generateKeyPair();
 * key.keyId.length; // 64
 * ```
 */
export async function generateKeyPair(): Promise<PrivateKeyMaterial> {
  const seed = crypto.getRandomValues(new Uint8Array(SEED_LENGTH));
  try {
    return await privateKeyFromSeed(seed);
  } finally {
    seed.fill(0);
  }
}

/**
 * True when two public keys are the same 32 bytes.
 *
 * @example
 * ```ts
 * samePublicKey(a.publicKey, b.publicKey);
 * ```
 */
export function samePublicKey(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}
