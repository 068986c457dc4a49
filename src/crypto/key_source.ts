/**
 * Where keys come from and which key a command signs or verifies with
 * (spec 01 §2 "Key modes"). A key comes from a file path or from an
 * environment variable named by a flag, never both. `dev` mode generates an
 * ephemeral pair and refuses explicit keys; `prod` (and the empty mode)
 * requires a private key. Every failure here is `invalid_input` (exit 6).
 *
 * @module
 */

import { GaitError } from "../core/errors.ts";
import { parsePrivateKey, parsePublicKey, trimKeyText } from "./key_file.ts";
import {
  generateKeyPair,
  type PrivateKeyMaterial,
  type PublicKeyMaterial,
  publicKeyOf,
  samePublicKey,
} from "./key_material.ts";

/** The signing key modes. The empty mode means `prod`. */
export type KeyMode = "dev" | "prod";

/** The warning every dev-mode signing emits. */
export const DEV_MODE_WARNING =
  "dev mode: ephemeral keypair generated; signatures will not verify across machines";

/** The source label of a key generated in dev mode. */
export const EPHEMERAL_SOURCE = "ephemeral";

/** The source label of a public key derived from the private key. */
export const DERIVED_SOURCE = "derived";

/** Key sources and mode as given by the user (flags or config); blank means unset. */
export interface KeyConfig {
  /** `dev`, `prod` or empty (= prod). Case and surrounding space are ignored. */
  mode?: string;
  /** Path of a private key file. */
  privateKeyPath?: string;
  /** Name of an environment variable holding a private key. */
  privateKeyEnv?: string;
  /** Path of a public key file. */
  publicKeyPath?: string;
  /** Name of an environment variable holding a public key. */
  publicKeyEnv?: string;
}

/** How to read environment variables (defaults to `Deno.env.get`). */
export type EnvReader = (name: string) => string | undefined;

/** Options of the key loaders. */
export interface KeyLoadOptions {
  /** Reads environment variables; defaults to `Deno.env.get`. */
  env?: EnvReader;
}

/** A signing key with where it came from. */
export interface LoadedSigningKey {
  /** The key that signs. */
  key: PrivateKeyMaterial;
  /** The matching verify key. */
  publicKey: PublicKeyMaterial;
  /** The effective mode. */
  mode: KeyMode;
  /** `path:<p>`, `env:<VAR>` or `ephemeral` (dev mode). */
  privateKeySource: string;
  /** `path:<p>`, `env:<VAR>`, `derived` or `ephemeral` (dev mode). */
  publicKeySource: string;
  /** Warnings for the user (the dev-mode warning). */
  warnings: string[];
}

/** A verify key with where it came from. */
export interface LoadedVerifyKey {
  /** The key that verifies. */
  key: PublicKeyMaterial;
  /** `path:<p>`, `env:<VAR>` or `derived` (from the private key source). */
  source: string;
}

/** One resolved key source. */
export type KeySource =
  | { kind: "path"; path: string }
  | { kind: "env"; name: string };

/** The most bytes read from a key file; real ones are under 100 bytes. */
const MAX_KEY_FILE_BYTES = 64 * 1024;

function clean(value: string | undefined): string {
  return (value ?? "").trim();
}

/**
 * The `path:<p>` / `env:<VAR>` label of a source.
 *
 * @example
 * ```ts
 * keySourceLabel({ kind: "env", name: "GAIT_PRIVATE_KEY" }); // "env:GAIT_PRIVATE_KEY"
 * ```
 */
export function keySourceLabel(source: KeySource): string {
  return source.kind === "path" ? `path:${source.path}` : `env:${source.name}`;
}

/**
 * Picks the source of one key from a path and an env name: null when both
 * are blank, an error when both are set.
 *
 * @example
 * ```ts
 * selectKeySource("private", "keys/gait_private.key", ""); // { kind: "path", path: "keys/gait_private.key" }
 * ```
 */
export function selectKeySource(
  kind: "private" | "public",
  path: string | undefined,
  env: string | undefined,
): KeySource | null {
  const p = clean(path);
  const e = clean(env);
  if (p !== "" && e !== "") {
    throw new GaitError("invalid_input", `${kind} key source: set either path or env`);
  }
  if (p !== "") return { kind: "path", path: p };
  if (e !== "") return { kind: "env", name: e };
  return null;
}

async function readKeyFile(path: string, kind: "private" | "public"): Promise<string> {
  const what = `read ${kind} key (path:${path})`;
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path, { read: true });
  } catch (error) {
    throw readError(what, error);
  }
  try {
    const info = await file.stat();
    if (info.isDirectory) throw new GaitError("invalid_input", `${what}: is a directory`);
    if (info.size > MAX_KEY_FILE_BYTES) {
      throw new GaitError(
        "invalid_input",
        `${what}: file too large (${info.size} bytes; limit ${MAX_KEY_FILE_BYTES})`,
      );
    }
    const buf = new Uint8Array(MAX_KEY_FILE_BYTES + 1);
    let n = 0;
    for (;;) {
      const got = await file.read(buf.subarray(n));
      if (got === null) break;
      n += got;
      if (n > MAX_KEY_FILE_BYTES) {
        throw new GaitError(
          "invalid_input",
          `${what}: file too large (limit ${MAX_KEY_FILE_BYTES})`,
        );
      }
    }
    try {
      return new TextDecoder().decode(buf.subarray(0, n));
    } finally {
      buf.fill(0);
    }
  } catch (error) {
    throw readError(what, error);
  } finally {
    file.close();
  }
}

function readError(what: string, error: unknown): GaitError {
  if (error instanceof GaitError) return error;
  if (error instanceof Deno.errors.NotFound) {
    return new GaitError("invalid_input", `${what}: no such file or directory`);
  }
  if (error instanceof Deno.errors.PermissionDenied) {
    return new GaitError("invalid_input", `${what}: permission denied`);
  }
  if (error instanceof Deno.errors.IsADirectory) {
    return new GaitError("invalid_input", `${what}: is a directory`);
  }
  const detail = error instanceof Error ? error.message.replace(/\s*\n\s*/g, " ") : String(error);
  return new GaitError("invalid_input", `${what}: ${detail}`);
}

async function readKeyText(
  source: KeySource,
  kind: "private" | "public",
  env: EnvReader,
): Promise<string> {
  if (source.kind === "path") return await readKeyFile(source.path, kind);
  const value = trimKeyText(env(source.name) ?? "");
  if (value === "") throw new GaitError("invalid_input", `${kind} key env not set: ${source.name}`);
  return value;
}

/**
 * Reads and parses a private key from a path or environment source.
 *
 * @example
 * ```ts
 * const key = await loadPrivateKey({ kind: "env", name: "GAIT_PRIVATE_KEY" });
 * ```
 */
export async function loadPrivateKey(
  source: KeySource,
  options: KeyLoadOptions = {},
): Promise<PrivateKeyMaterial> {
  const text = await readKeyText(source, "private", options.env ?? defaultEnv);
  return await parsePrivateKey(text, keySourceLabel(source));
}

/**
 * Reads and parses a public key from a path or environment source.
 *
 * @example
 * ```ts
 * const pub = await loadPublicKey({ kind: "path", path: "keys/gait_public.key" });
 * ```
 */
export async function loadPublicKey(
  source: KeySource,
  options: KeyLoadOptions = {},
): Promise<PublicKeyMaterial> {
  const text = await readKeyText(source, "public", options.env ?? defaultEnv);
  return await parsePublicKey(text, keySourceLabel(source));
}

function defaultEnv(name: string): string | undefined {
  return Deno.env.get(name);
}

/**
 * Normalizes a key mode: blank is `prod`; anything but dev/prod is an error.
 *
 * @example
 * ```ts
 * parseKeyMode(" Dev "); // "dev"
 * ```
 */
export function parseKeyMode(mode: string | undefined): KeyMode {
  const m = clean(mode).toLowerCase();
  if (m === "" || m === "prod") return "prod";
  if (m === "dev") return "dev";
  throw new GaitError("invalid_input", `unsupported key mode: ${clean(mode)}`);
}

/**
 * True when any private or public key source is set.
 *
 * @example
 * ```ts
 * hasExplicitKeySource({ privateKeyEnv: "GAIT_PRIVATE_KEY" }); // true
 * ```
 */
export function hasExplicitKeySource(config: KeyConfig): boolean {
  return [config.privateKeyPath, config.privateKeyEnv, config.publicKeyPath, config.publicKeyEnv]
    .some((v) => clean(v) !== "");
}

/**
 * Resolves the key to sign with under the key mode rules: `dev` rejects
 * explicit sources and generates an ephemeral pair (with a warning); `prod`
 * or empty loads the private key and, when a public key is also given,
 * requires it to match.
 *
 * @example
 * ```ts
 * const { key, warnings } = await loadSigningKey({ mode: "prod", privateKeyPath: "keys/gait_private.key" });
 * ```
 */
export async function loadSigningKey(
  config: KeyConfig,
  options: KeyLoadOptions = {},
): Promise<LoadedSigningKey> {
  const mode = parseKeyMode(config.mode);
  if (mode === "dev") {
    if (hasExplicitKeySource(config)) {
      throw new GaitError("invalid_input", "dev mode does not accept explicit key sources");
    }
    const key = await generateKeyPair();
    return {
      key,
      publicKey: await publicKeyOf(key),
      mode,
      privateKeySource: EPHEMERAL_SOURCE,
      publicKeySource: EPHEMERAL_SOURCE,
      warnings: [DEV_MODE_WARNING],
    };
  }
  const privateSource = selectKeySource("private", config.privateKeyPath, config.privateKeyEnv);
  if (!privateSource) {
    throw new GaitError("invalid_input", "prod mode requires a private key source");
  }
  const publicSource = selectKeySource("public", config.publicKeyPath, config.publicKeyEnv);
  const key = await loadPrivateKey(privateSource, options);
  let publicKey: PublicKeyMaterial;
  if (publicSource) {
    publicKey = await loadPublicKey(publicSource, options);
    if (!samePublicKey(publicKey.publicKey, key.publicKey)) {
      throw new GaitError("invalid_input", "public key does not match private key");
    }
  } else {
    publicKey = await publicKeyOf(key);
  }
  return {
    key,
    publicKey,
    mode,
    privateKeySource: keySourceLabel(privateSource),
    publicKeySource: publicSource ? keySourceLabel(publicSource) : DERIVED_SOURCE,
    warnings: [],
  };
}

/**
 * Resolves the key to verify with: the public key source when given, else
 * the public half of the private key source, else null (signature checks are
 * then skipped by the caller). The mode plays no part.
 *
 * @example
 * ```ts
 * const verify = await loadVerifyKey({ publicKeyEnv: "GAIT_PUBLIC_KEY" });
 * verify?.source; // "env:GAIT_PUBLIC_KEY"
 * ```
 */
export async function loadVerifyKey(
  config: KeyConfig,
  options: KeyLoadOptions = {},
): Promise<LoadedVerifyKey | null> {
  const publicSource = selectKeySource("public", config.publicKeyPath, config.publicKeyEnv);
  if (publicSource) {
    return {
      key: await loadPublicKey(publicSource, options),
      source: keySourceLabel(publicSource),
    };
  }
  const privateSource = selectKeySource("private", config.privateKeyPath, config.privateKeyEnv);
  if (!privateSource) return null;
  const key = await loadPrivateKey(privateSource, options);
  return { key: await publicKeyOf(key), source: DERIVED_SOURCE };
}
