/**
 * Turns a command's key flags (`--key-mode`, `--private-key`,
 * `--private-key-env`, `--public-key`, `--public-key-env`) into the key it
 * signs with and the key it verifies with, under the command's signing
 * default (spec 01 §2 "Signing defaults by command").
 *
 * @module
 */

import {
  type KeyConfig,
  loadSigningKey,
  loadVerifyKey,
  type PrivateKeyMaterial,
  type PublicKeyMaterial,
} from "../crypto/mod.ts";
import { GaitError } from "../core/errors.ts";
import type { CommandContext } from "./command.ts";

/** The part of a CommandContext the key helpers read. */
export type KeyFlagContext = Pick<CommandContext, "str" | "env">;

/** The mode a command uses when `--key-mode` is blank. */
export type DefaultKeyMode = "dev" | "prod" | "none";

/** A command's signing default. */
export interface SigningPolicy {
  /**
   * `dev`: sign with an ephemeral key; `prod`: a private key is required;
   * `none`: unsigned unless a private key source is given, which then signs
   * as `prod`.
   */
  readonly defaultMode: DefaultKeyMode;
  /** Whether `--key-mode none` may be given explicitly. */
  readonly acceptsNone: boolean;
}

/** The signing defaults of the commands that sign (spec 01 §2). */
export const SIGNING_POLICY = {
  /** `run record`: unsigned unless `--key-mode` or a private key is given; then prod by default. */
  runRecord: { defaultMode: "none", acceptsNone: false },
  /** `pack build`: `--key-mode none` by default; none plus a key acts as prod. */
  packBuild: { defaultMode: "none", acceptsNone: true },
  /** `guard pack`: dev (ephemeral key); a real key needs `--key-mode prod`. */
  guardPack: { defaultMode: "dev", acceptsNone: false },
  /** `gate eval` traces: dev; traces are always signed. */
  gateEval: { defaultMode: "dev", acceptsNone: false },
} as const satisfies Record<string, SigningPolicy>;

/** Options of the flag readers. */
export interface KeyFlagOptions {
  /** Prefix of the key file flags, e.g. `approval-` for `--approval-public-key`. */
  prefix?: string;
  /** Values used where the flag is blank (e.g. from `.gait/config.yaml`). */
  fallback?: KeyConfig;
}

/** What a signing command signs and re-verifies with. */
export interface SigningKeys {
  /** The key to sign with; null means the artifact stays unsigned. */
  signer: PrivateKeyMaterial | null;
  /** The signer's public key (null when unsigned). */
  verifier: PublicKeyMaterial | null;
  /** The effective mode. */
  mode: DefaultKeyMode;
  /** `path:<p>`, `env:<VAR>`, `ephemeral`, or "" when unsigned. */
  privateKeySource: string;
  /** `path:<p>`, `env:<VAR>`, `derived`, `ephemeral`, or "" when unsigned. */
  publicKeySource: string;
  /** Warnings to show (the dev-mode warning). */
  warnings: string[];
}

/** What a verifying command verifies with. */
export interface VerifyKey {
  /** The verify key; null means signature checks are skipped. */
  verifier: PublicKeyMaterial | null;
  /** `path:<p>`, `env:<VAR>`, `derived`, or "" when there is no key. */
  source: string;
}

/**
 * Reads the key flags into a KeyConfig (values trimmed; blank flags take the
 * fallback).
 *
 * @example
 * ```ts
 * readKeyFlags(ctx); // { mode: "prod", privateKeyPath: "keys/gait_private.key", ... }
 * ```
 */
export function readKeyFlags(ctx: KeyFlagContext, options: KeyFlagOptions = {}): KeyConfig {
  const prefix = options.prefix ?? "";
  const fallback = options.fallback ?? {};
  const pick = (flag: string, fb: string | undefined) => {
    const value = ctx.str(flag).trim();
    return value !== "" ? value : (fb ?? "").trim();
  };
  return {
    mode: pick("key-mode", fallback.mode),
    privateKeyPath: pick(`${prefix}private-key`, fallback.privateKeyPath),
    privateKeyEnv: pick(`${prefix}private-key-env`, fallback.privateKeyEnv),
    publicKeyPath: pick(`${prefix}public-key`, fallback.publicKeyPath),
    publicKeyEnv: pick(`${prefix}public-key-env`, fallback.publicKeyEnv),
  };
}

const UNSIGNED = (mode: DefaultKeyMode): SigningKeys => ({
  signer: null,
  verifier: null,
  mode,
  privateKeySource: "",
  publicKeySource: "",
  warnings: [],
});

/**
 * Resolves the signing key of a command from its flags and signing policy.
 * Errors (conflicting sources, missing env, mismatched public key, dev mode
 * with explicit keys, unknown mode) are `invalid_input`.
 *
 * @example
 * ```ts
 * const keys = await resolveSigningKeys(ctx, SIGNING_POLICY.runRecord);
 * if (keys.signer) manifest.signatures = [await signDigest(keys.signer, digest)];
 * for (const w of keys.warnings) ctx.warn(w);
 * ```
 */
export async function resolveSigningKeys(
  ctx: KeyFlagContext,
  policy: SigningPolicy,
  options: KeyFlagOptions = {},
): Promise<SigningKeys> {
  const config = readKeyFlags(ctx, options);
  const given = (config.mode ?? "").toLowerCase();
  let mode: string = given === "" ? policy.defaultMode : given;
  if (mode === "none") {
    if (given === "none" && !policy.acceptsNone) {
      throw new GaitError("invalid_input", "unsupported key mode: none");
    }
    if (config.privateKeyPath === "" && config.privateKeyEnv === "") return UNSIGNED("none");
    mode = "prod";
  }
  const loaded = await loadSigningKey({ ...config, mode }, { env: (name) => ctx.env(name) });
  return {
    signer: loaded.key,
    verifier: loaded.publicKey,
    mode: loaded.mode,
    privateKeySource: loaded.privateKeySource,
    publicKeySource: loaded.publicKeySource,
    warnings: loaded.warnings,
  };
}

/**
 * Resolves the verify key of a command: the public key flags, else the public
 * half of the private key flags, else none. Never generates a key; the mode
 * is ignored.
 *
 * @example
 * ```ts
 * const { verifier, source } = await resolveVerifyKey(ctx);
 * if (!verifier) status = "skipped";
 * ```
 */
export async function resolveVerifyKey(
  ctx: KeyFlagContext,
  options: KeyFlagOptions = {},
): Promise<VerifyKey> {
  const config = readKeyFlags(ctx, options);
  const loaded = await loadVerifyKey(config, { env: (name) => ctx.env(name) });
  return loaded ? { verifier: loaded.key, source: loaded.source } : { verifier: null, source: "" };
}
