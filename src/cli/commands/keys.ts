/**
 * `gait keys init|rotate|verify` (spec 01 §2): create Ed25519 key files,
 * create timestamped replacements, and check that key sources load and match.
 * Private key bytes are written only to 0600 files and never printed.
 *
 * @module
 */

import { GaitError } from "../../core/errors.ts";
import { formatTimestamp, parseTimestamp } from "../../core/timestamp.ts";
import { assertLocalPath, ensureDir, pathExists, writeFileAtomic } from "../../fs/atomic.ts";
import {
  encodePrivateKeyFile,
  encodePublicKeyFile,
  generateKeyPair,
  loadSigningKey,
} from "../../crypto/mod.ts";
import { type CommandContext, type CommandOutput, output } from "../command.ts";
import { readKeyFlags } from "../key_flags.ts";

/** Cleans a slash-separated path lexically, like Go's `filepath.Clean`. */
function cleanPath(path: string): string {
  if (path === "") return ".";
  const rooted = path.startsWith("/");
  const parts: string[] = [];
  for (const part of path.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") {
      if (parts.length > 0 && parts[parts.length - 1] !== "..") parts.pop();
      else if (!rooted) parts.push("..");
      continue;
    }
    parts.push(part);
  }
  const joined = parts.join("/");
  if (rooted) return "/" + joined;
  return joined === "" ? "." : joined;
}

function joinClean(dir: string, name: string): string {
  return cleanPath(`${dir}/${name}`);
}

function validatePrefix(prefix: string): void {
  if (prefix === "") throw new GaitError("invalid_input", "prefix must not be empty");
  // deno-lint-ignore no-control-regex
  if (/[\\/\x00-\x1f]/.test(prefix) || prefix.includes("..")) {
    throw new GaitError(
      "invalid_input",
      `prefix must be a plain file name prefix (no path separators or ".."): ${prefix}`,
    );
  }
}

interface KeyPairWritten {
  prefix: string;
  keyId: string;
  publicKeyPath: string;
  privateKeyPath: string;
}

async function removeQuietly(path: string): Promise<void> {
  try {
    await Deno.remove(path);
  } catch { /* best effort cleanup */ }
}

async function createKeyPair(
  outDirFlag: string,
  prefix: string,
  overwrite: boolean,
  existsMessage: (kind: "private" | "public", path: string) => string,
): Promise<KeyPairWritten> {
  const outDir = outDirFlag.trim();
  if (outDir === "") throw new GaitError("invalid_input", "out-dir must not be empty");
  const dir = cleanPath(outDir);
  const privateKeyPath = joinClean(dir, `${prefix}_private.key`);
  const publicKeyPath = joinClean(dir, `${prefix}_public.key`);
  assertLocalPath(privateKeyPath);
  assertLocalPath(publicKeyPath);

  await ensureDir(dir);
  const privateExisted = await pathExists(privateKeyPath);
  if (!overwrite) {
    if (privateExisted) {
      throw new GaitError("invalid_input", existsMessage("private", privateKeyPath));
    }
    if (await pathExists(publicKeyPath)) {
      throw new GaitError("invalid_input", existsMessage("public", publicKeyPath));
    }
  }

  const key = await generateKeyPair();
  await writeFileAtomic(privateKeyPath, encodePrivateKeyFile(key), { mode: 0o600 });
  try {
    await writeFileAtomic(publicKeyPath, encodePublicKeyFile(key), { mode: 0o600 });
  } catch (error) {
    // Never leave a fresh private key without its public half.
    if (!privateExisted) await removeQuietly(privateKeyPath);
    throw error;
  }
  return { prefix, keyId: key.keyId, publicKeyPath, privateKeyPath };
}

function keyPairOutput(written: KeyPairWritten): CommandOutput {
  return output(
    0,
    {
      ok: true,
      prefix: written.prefix,
      key_id: written.keyId,
      public_key_path: written.publicKeyPath,
      private_key_path: written.privateKeyPath,
    },
    // `keys rotate` prints "keys init ok:" too, as the Go tool does.
    `keys init ok: key_id=${written.keyId} public=${written.publicKeyPath} private=${written.privateKeyPath}`,
  );
}

/**
 * `gait keys init`: writes `<out-dir>/<prefix>_private.key` and
 * `<prefix>_public.key` (mode 0600, directory 0750); existing files need
 * `--force`.
 *
 * @example
 * ```ts
 * const out = await runInit(ctx); // ctx from `gait keys init --out-dir keys --json`
 * out.json.key_id;
 * ```
 */
export async function runInit(ctx: CommandContext): Promise<CommandOutput> {
  const prefix = ctx.str("prefix").trim();
  validatePrefix(prefix);
  const written = await createKeyPair(
    ctx.str("out-dir"),
    prefix,
    ctx.bool("force"),
    (kind, path) => `${kind} key path already exists (use --force): ${path}`,
  );
  return keyPairOutput(written);
}

/**
 * The UTC `YYYYMMDDTHHMMSSZ` stamp `keys rotate` appends to the prefix.
 *
 * @example
 * ```ts
 * rotationStamp("2026-02-05T01:02:03.5+01:00"); // "20260205T000203Z"
 * ```
 */
export function rotationStamp(now: string): string {
  const t = parseTimestamp(now, "clock");
  return formatTimestamp({ ...t, offsetMinutes: 0 }, { seconds: true }).replace(/[-:]/g, "");
}

/**
 * `gait keys rotate`: writes a new pair under `<prefix>_<UTC stamp>`, keeping
 * the old keys; never overwrites.
 *
 * @example
 * ```ts
 * const out = await runRotate(ctx); // prefix "gait_20260205T000000Z"
 * ```
 */
export async function runRotate(ctx: CommandContext): Promise<CommandOutput> {
  const base = ctx.str("prefix").trim();
  validatePrefix(base);
  const prefix = `${base}_${rotationStamp(ctx.clock.now())}`;
  const written = await createKeyPair(
    ctx.str("out-dir"),
    prefix,
    false,
    (kind, path) =>
      `${kind} key path already exists (rotated keys are never overwritten; retry in a second): ${path}`,
  );
  return keyPairOutput(written);
}

/**
 * `gait keys verify`: loads the private key (and the public key when given),
 * checks that they match, and reports the key id and sources.
 *
 * @example
 * ```ts
 * const out = await runVerify(ctx); // `gait keys verify --private-key-env GAIT_PRIVATE_KEY --json`
 * out.json.public_key_source; // "derived"
 * ```
 */
export async function runVerify(ctx: CommandContext): Promise<CommandOutput> {
  const config = readKeyFlags(ctx);
  if (config.privateKeyPath === "" && config.privateKeyEnv === "") {
    throw new GaitError(
      "invalid_input",
      "private key source is required (--private-key or --private-key-env)",
    );
  }
  const loaded = await loadSigningKey({ ...config, mode: "prod" }, {
    env: (name) => ctx.env(name),
  });
  return output(
    0,
    {
      ok: true,
      key_id: loaded.key.keyId,
      private_key_source: loaded.privateKeySource,
      public_key_source: loaded.publicKeySource,
    },
    `keys verify ok: key_id=${loaded.key.keyId} private=${loaded.privateKeySource} public=${loaded.publicKeySource}`,
  );
}
