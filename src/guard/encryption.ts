/**
 * Encrypted artifacts `*.gaitenc` (spec 01 §8 `gait guard encrypt|decrypt`):
 * AES-256-GCM with a 12-byte random nonce, no AAD and the 16-byte tag
 * appended (WebCrypto's layout), in a canonical-JSON envelope that records
 * the plaintext's digest and size. Decryption parses the envelope strictly,
 * authenticates the ciphertext and checks the digest before anything is
 * written, and writes atomically, so a wrong key or a tampered file never
 * leaves a partial plaintext behind.
 *
 * @module
 */

import { canonicalJsonBytes } from "../core/canonical_json.ts";
import { bytesToHex, isHex64AnyCase } from "../core/digest.ts";
import { GaitError } from "../core/errors.ts";
import { isJsonObject, type JsonObject } from "../core/json_value.ts";
import { parseStrictJsonBytes } from "../core/strict_json.ts";
import { StructView } from "../core/struct_view.ts";
import { Base64DecodeError, decodeBase64 } from "../crypto/base64.ts";
import { readFileLimited, writeFileAtomic } from "../fs/atomic.ts";
import { GUARD_SCHEMA_VERSION, GuardSchema } from "./types.ts";

/** The only algorithm. */
export const ENCRYPTION_ALGORITHM = "aes-256-gcm";

/** The suffix of encrypted artifacts. */
export const ENCRYPTED_SUFFIX = ".gaitenc";

/** Largest plaintext encrypted (everything is held in memory). */
export const MAX_PLAINTEXT_BYTES = 256 * 1024 * 1024;

/** Largest envelope decrypted: base64 of the largest plaintext plus slack. */
const MAX_ENVELOPE_BYTES = Math.ceil((MAX_PLAINTEXT_BYTES + 16) / 3) * 4 + 64 * 1024;

const KEY_BYTES = 32;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const MAX_KEY_COMMAND_OUTPUT = 64 * 1024;
const KEY_COMMAND_TIMEOUT_MS = 30_000;

/** Where the key came from, as recorded in the envelope. */
export interface EncryptionKeySource {
  mode: "env" | "command";
  ref?: string;
  command?: string;
}

/** A 32-byte key and its source. */
export interface EncryptionKey {
  key: Uint8Array;
  source: EncryptionKeySource;
}

/** The envelope (`gait.guard.encrypted_artifact`). */
export interface EncryptedArtifact {
  schema_id: string;
  schema_version: string;
  created_at: string;
  producer_version: string;
  algorithm: string;
  key_source: EncryptionKeySource;
  nonce: string;
  ciphertext: string;
  plain_sha256: string;
  plain_size: number;
}

/** Options of {@link resolveEncryptionKey}. */
export interface KeySourceOptions {
  /** Name of the environment variable holding the base64 key (takes precedence). */
  keyEnv?: string;
  /** A command whose stdout is the base64 key (needs subprocess permission). */
  keyCommand?: string;
  /** Arguments of the key command. */
  keyCommandArgs?: readonly string[];
  /** Reads environment variables; defaults to `Deno.env.get`. */
  env?: (name: string) => string | undefined;
}

function decodeKey(text: string, what: string): Uint8Array {
  let key: Uint8Array;
  try {
    key = decodeBase64(text.trim());
  } catch (error) {
    const detail = error instanceof Base64DecodeError ? error.message : "invalid base64";
    throw new GaitError("invalid_input", `decode encryption key from ${what}: ${detail}`);
  }
  if (key.length !== KEY_BYTES) {
    key.fill(0);
    throw new GaitError(
      "invalid_input",
      `encryption key from ${what} must decode to ${KEY_BYTES} bytes, got ${key.length}`,
    );
  }
  return key;
}

function runPermissionGranted(command: string): boolean {
  try {
    return Deno.permissions.querySync({ name: "run", command }).state === "granted";
  } catch {
    return false;
  }
}

async function readKeyCommand(command: string, args: readonly string[]): Promise<string> {
  if (!runPermissionGranted(command)) {
    throw new GaitError(
      "dependency_missing",
      `--key-command needs permission to run subprocesses, which this gait binary does not have`,
      {
        hint:
          'export the key and pass --key-env VAR (e.g. VAR="$(your-key-command)"), or run gait from source with deno run --allow-run',
      },
    );
  }
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command(command, {
      args: [...args],
      stdin: "null",
      stdout: "piped",
      stderr: "null",
      signal: AbortSignal.timeout(KEY_COMMAND_TIMEOUT_MS),
    }).spawn();
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new GaitError("dependency_missing", `key command not found: ${command}`);
    }
    throw new GaitError(
      "invalid_input",
      `start key command ${command}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  let tooLarge = false;
  for await (const chunk of child.stdout) {
    total += chunk.length;
    if (total > MAX_KEY_COMMAND_OUTPUT) {
      tooLarge = true;
      try {
        child.kill("SIGKILL");
      } catch { /* already exited */ }
      break;
    }
    chunks.push(chunk);
  }
  const status = await child.status;
  const bytes = new Uint8Array(Math.min(total, MAX_KEY_COMMAND_OUTPUT));
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.length;
  }
  const text = new TextDecoder().decode(bytes);
  bytes.fill(0);
  if (tooLarge) {
    throw new GaitError(
      "invalid_input",
      `key command output exceeds ${MAX_KEY_COMMAND_OUTPUT} bytes`,
    );
  }
  if (!status.success) {
    throw new GaitError(
      "invalid_input",
      `key command ${command} failed with exit code ${status.code}${
        status.signal ? ` (signal ${status.signal})` : ""
      }`,
    );
  }
  return text;
}

/**
 * Resolves the encryption key: `keyEnv` takes precedence over `keyCommand`.
 * An unset or blank variable and a missing source are `invalid_input`; a key
 * command without subprocess permission is `dependency_missing` (exit 7).
 *
 * @example
 * ```ts
 * const { key, source } = await resolveEncryptionKey({ keyEnv: "GAIT_ENCRYPTION_KEY" });
 * source; // { mode: "env", ref: "GAIT_ENCRYPTION_KEY" }
 * ```
 */
export async function resolveEncryptionKey(options: KeySourceOptions): Promise<EncryptionKey> {
  const keyEnv = (options.keyEnv ?? "").trim();
  const keyCommand = (options.keyCommand ?? "").trim();
  if (keyEnv !== "") {
    const value = ((options.env ?? ((n) => Deno.env.get(n)))(keyEnv) ?? "").trim();
    if (value === "") {
      throw new GaitError("invalid_input", `encryption key env var is empty: ${keyEnv}`);
    }
    return { key: decodeKey(value, `env ${keyEnv}`), source: { mode: "env", ref: keyEnv } };
  }
  if (keyCommand !== "") {
    const text = await readKeyCommand(keyCommand, options.keyCommandArgs ?? []);
    return {
      key: decodeKey(text, `command ${keyCommand}`),
      source: { mode: "command", command: keyCommand },
    };
  }
  throw new GaitError("invalid_input", "missing key source: provide --key-env or --key-command");
}

/** SHA-256 hex with WebCrypto's native digest (artifacts can be large). */
async function sha256HexNative(bytes: Uint8Array): Promise<string> {
  return bytesToHex(new Uint8Array(await crypto.subtle.digest("SHA-256", bufferOf(bytes))));
}

function bufferOf(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return bytes.buffer instanceof ArrayBuffer
    ? bytes as Uint8Array<ArrayBuffer>
    : new Uint8Array(bytes);
}

async function aesKey(key: Uint8Array): Promise<CryptoKey> {
  return await crypto.subtle.importKey("raw", bufferOf(key), "AES-GCM", false, [
    "encrypt",
    "decrypt",
  ]);
}

/** Options of {@link encryptArtifact}. */
export interface EncryptOptions {
  /** The file to encrypt. */
  inputPath: string;
  /** Output path; default `<in>.gaitenc`. */
  outputPath?: string;
  /** The key. */
  key: EncryptionKey;
  /** `created_at` of the envelope. */
  now: string;
  /** `producer_version` of the envelope. */
  producerVersion: string;
}

/**
 * Encrypts a file into a `.gaitenc` envelope, written atomically (mode 0600).
 *
 * @example
 * ```ts
 * const { path, envelope } = await encryptArtifact({ inputPath: "pack.zip", key, now, producerVersion: "0.0.0-dev" });
 * path; // "pack.zip.gaitenc"
 * ```
 */
export async function encryptArtifact(
  options: EncryptOptions,
): Promise<{ path: string; envelope: EncryptedArtifact }> {
  const input = options.inputPath.trim();
  if (input === "") throw new GaitError("invalid_input", "missing required --in <path>");
  const plain = await readFileLimited(input, MAX_PLAINTEXT_BYTES, "artifact");
  const nonce = crypto.getRandomValues(new Uint8Array(NONCE_BYTES));
  const sealed = new Uint8Array(
    await crypto.subtle.encrypt(
      { name: "AES-GCM", iv: nonce, tagLength: TAG_BYTES * 8 },
      await aesKey(options.key.key),
      bufferOf(plain),
    ),
  );
  const envelope: EncryptedArtifact = {
    schema_id: GuardSchema.encryptedArtifact,
    schema_version: GUARD_SCHEMA_VERSION,
    created_at: options.now,
    producer_version: options.producerVersion,
    algorithm: ENCRYPTION_ALGORITHM,
    key_source: options.key.source,
    nonce: nonce.toBase64(),
    ciphertext: sealed.toBase64(),
    plain_sha256: await sha256HexNative(plain),
    plain_size: plain.length,
  };
  const path = options.outputPath?.trim() || input + ENCRYPTED_SUFFIX;
  if (path === input) {
    throw new GaitError("invalid_input", "--out must differ from --in");
  }
  await writeFileAtomic(path, canonicalJsonBytes(envelope), { mode: 0o600 });
  return { path, envelope };
}

const ENVELOPE_KEYS = new Set([
  "schema_id",
  "schema_version",
  "created_at",
  "producer_version",
  "algorithm",
  "key_source",
  "nonce",
  "ciphertext",
  "plain_sha256",
  "plain_size",
]);
const KEY_SOURCE_KEYS = new Set(["mode", "ref", "command"]);

function rejectUnknownKeys(obj: JsonObject, known: Set<string>, label: string): void {
  for (const key of Object.keys(obj)) {
    if (!known.has(key.toLowerCase())) {
      throw new GaitError("invalid_input", `${label}: unknown field ${JSON.stringify(key)}`);
    }
  }
}

/**
 * Decodes padded standard base64 with the native decoder (ciphertexts can be
 * hundreds of megabytes; the Go-exact decoder in src/crypto is for keys).
 */
function decodeField(text: string, field: string): Uint8Array {
  try {
    return Uint8Array.fromBase64(text, { lastChunkHandling: "strict" });
  } catch (error) {
    const detail = error instanceof Error ? error.message : "invalid base64";
    throw new GaitError("invalid_input", `encrypted artifact ${field}: invalid base64: ${detail}`);
  }
}

/**
 * Parses an envelope strictly: valid JSON without duplicate or unknown keys,
 * the guard schema, `aes-256-gcm`, a 12-byte nonce, a ciphertext holding at
 * least the tag, a hex digest and a size.
 *
 * @example
 * ```ts
 * const envelope = parseEncryptedArtifact(await Deno.readFile("pack.zip.gaitenc"));
 * ```
 */
export function parseEncryptedArtifact(bytes: Uint8Array): EncryptedArtifact {
  const label = "encrypted artifact";
  const raw = parseStrictJsonBytes(bytes, { label });
  if (!isJsonObject(raw)) throw new GaitError("invalid_input", `${label} must be a JSON object`);
  rejectUnknownKeys(raw, ENVELOPE_KEYS, label);
  const v = new StructView(raw, label);
  const keySourceRaw = v.object("key_source") ?? {};
  rejectUnknownKeys(keySourceRaw, KEY_SOURCE_KEYS, `${label}.key_source`);
  const ks = new StructView(keySourceRaw, `${label}.key_source`);
  const envelope: EncryptedArtifact = {
    schema_id: v.string("schema_id"),
    schema_version: v.string("schema_version"),
    created_at: v.time("created_at"),
    producer_version: v.string("producer_version"),
    algorithm: v.string("algorithm"),
    key_source: {
      mode: ks.string("mode") as EncryptionKeySource["mode"],
      ref: ks.string("ref") || undefined,
      command: ks.string("command") || undefined,
    },
    nonce: v.string("nonce"),
    ciphertext: v.string("ciphertext"),
    plain_sha256: v.string("plain_sha256"),
    plain_size: v.integer("plain_size"),
  };
  if (envelope.schema_id !== GuardSchema.encryptedArtifact) {
    throw new GaitError(
      "invalid_input",
      `${label}: unsupported schema_id ${JSON.stringify(envelope.schema_id)}`,
    );
  }
  if (envelope.schema_version !== GUARD_SCHEMA_VERSION) {
    throw new GaitError(
      "invalid_input",
      `${label}: unsupported schema_version ${JSON.stringify(envelope.schema_version)}`,
    );
  }
  if (envelope.algorithm.toLowerCase() !== ENCRYPTION_ALGORITHM) {
    throw new GaitError(
      "invalid_input",
      `${label}: unsupported algorithm ${JSON.stringify(envelope.algorithm)}`,
    );
  }
  if (envelope.key_source.mode !== "env" && envelope.key_source.mode !== "command") {
    throw new GaitError(
      "invalid_input",
      `${label}: unsupported key_source.mode ${JSON.stringify(envelope.key_source.mode)}`,
    );
  }
  if (!isHex64AnyCase(envelope.plain_sha256)) {
    throw new GaitError("invalid_input", `${label}: plain_sha256 must be 64 hex characters`);
  }
  if (envelope.plain_size < 0) {
    throw new GaitError("invalid_input", `${label}: plain_size must not be negative`);
  }
  return envelope;
}

/** Options of {@link decryptArtifact}. */
export interface DecryptOptions {
  /** The `.gaitenc` file. */
  inputPath: string;
  /** Output path; default: the input without `.gaitenc`, else `<in>.plain`. */
  outputPath?: string;
  /** The key. */
  key: EncryptionKey;
}

/**
 * The default decrypt output: `.gaitenc` dropped, else `.plain` appended.
 *
 * @example
 * ```ts
 * decryptedPath("pack.zip.gaitenc"); // "pack.zip"
 * decryptedPath("blob.bin"); // "blob.bin.plain"
 * ```
 */
export function decryptedPath(inputPath: string): string {
  if (inputPath.endsWith(ENCRYPTED_SUFFIX) && inputPath.length > ENCRYPTED_SUFFIX.length) {
    return inputPath.slice(0, -ENCRYPTED_SUFFIX.length);
  }
  return inputPath + ".plain";
}

/**
 * Decrypts an envelope. Everything is checked in memory first (strict parse,
 * GCM authentication, digest and size); only then is the plaintext written,
 * atomically, with mode 0600.
 *
 * @example
 * ```ts
 * const { path, plainSha256 } = await decryptArtifact({ inputPath: "pack.zip.gaitenc", key });
 * ```
 */
export async function decryptArtifact(
  options: DecryptOptions,
): Promise<{ path: string; plainSha256: string; plainSize: number }> {
  const input = options.inputPath.trim();
  if (input === "") throw new GaitError("invalid_input", "missing required --in <path>");
  const envelope = parseEncryptedArtifact(
    await readFileLimited(input, MAX_ENVELOPE_BYTES, "encrypted artifact"),
  );
  const nonce = decodeField(envelope.nonce, "nonce");
  if (nonce.length !== NONCE_BYTES) {
    throw new GaitError(
      "invalid_input",
      `encrypted artifact nonce must be ${NONCE_BYTES} bytes, got ${nonce.length}`,
    );
  }
  const sealed = decodeField(envelope.ciphertext, "ciphertext");
  if (sealed.length < TAG_BYTES) {
    throw new GaitError("invalid_input", "encrypted artifact ciphertext is too short");
  }
  let plain: Uint8Array;
  try {
    plain = new Uint8Array(
      await crypto.subtle.decrypt(
        { name: "AES-GCM", iv: bufferOf(nonce), tagLength: TAG_BYTES * 8 },
        await aesKey(options.key.key),
        bufferOf(sealed),
      ),
    );
  } catch {
    throw new GaitError(
      "invalid_input",
      "decrypt artifact: message authentication failed (wrong key or modified ciphertext)",
    );
  }
  const digest = await sha256HexNative(plain);
  if (digest !== envelope.plain_sha256.toLowerCase()) {
    plain.fill(0);
    throw new GaitError("invalid_input", "decrypted payload digest mismatch");
  }
  if (plain.length !== envelope.plain_size) {
    plain.fill(0);
    throw new GaitError("invalid_input", "decrypted payload size mismatch");
  }
  const path = options.outputPath?.trim() || decryptedPath(input);
  if (path === input) throw new GaitError("invalid_input", "--out must differ from --in");
  await writeFileAtomic(path, plain, { mode: 0o600 });
  return { path, plainSha256: digest, plainSize: plain.length };
}
