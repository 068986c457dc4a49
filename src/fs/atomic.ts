/**
 * Atomic file writes: a temp file in the target directory, fsynced, then
 * renamed over the target, so readers never see a partial file and a failure
 * leaves the old file untouched (spec 03 §1, DESIGN "Atomic state").
 *
 * @module
 */

import { GaitError } from "../core/errors.ts";

/** Options of {@link writeFileAtomic}. */
export interface AtomicWriteOptions {
  /** File mode of the written file. Default 0o600. */
  mode?: number;
  /** Create missing parent directories (mode 0o750). Default false. */
  createParents?: boolean;
  /** fsync the temp file before renaming. Default true. */
  sync?: boolean;
}

/**
 * Rejects relative paths that climb with `..` (spec 03 §1).
 *
 * @example
 * ```ts
 * assertLocalPath("gait-out/x.zip"); // ok
 * ```
 */
export function assertLocalPath(path: string): void {
  if (path === "") throw new GaitError("invalid_input", "path must not be empty");
  const isAbsolute = path.startsWith("/") || /^[A-Za-z]:[\\/]/.test(path) ||
    path.startsWith("\\\\");
  if (!isAbsolute && path.split(/[\\/]/).includes("..")) {
    throw new GaitError("invalid_input", `path must be local relative or absolute: ${path}`);
  }
}

/**
 * The directory part of a path ("." when there is none).
 *
 * @example
 * ```ts
 * dirname("gait-out/a.zip"); // "gait-out"
 * ```
 */
export function dirname(path: string): string {
  const i = Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\"));
  if (i < 0) return ".";
  if (i === 0) return path.slice(0, 1);
  return path.slice(0, i);
}

/**
 * The last component of a path.
 *
 * @example
 * ```ts
 * basename("gait-out/a.zip"); // "a.zip"
 * ```
 */
export function basename(path: string): string {
  const i = Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\"));
  return i < 0 ? path : path.slice(i + 1);
}

/**
 * Joins path parts with "/", dropping empty parts and "." prefixes.
 *
 * @example
 * ```ts
 * joinPath("gait-out", "runpack_x.zip"); // "gait-out/runpack_x.zip"
 * ```
 */
export function joinPath(...parts: string[]): string {
  const kept = parts.filter((p) => p !== "" && p !== ".");
  if (kept.length === 0) return ".";
  return kept.map((
    p,
    i,
  ) => (i === 0 ? p.replace(/[\\/]+$/, "") || "/" : p.replace(/^[\\/]+|[\\/]+$/g, "")))
    .join("/").replace(/^\/\//, "/");
}

/**
 * Creates a directory and its parents with mode 0o750 (existing ones are left as they are).
 *
 * @example
 * ```ts
 * await ensureDir("gait-out/keys");
 * ```
 */
export async function ensureDir(path: string): Promise<void> {
  try {
    await Deno.mkdir(path, { recursive: true, mode: 0o750 });
  } catch (error) {
    if (error instanceof Deno.errors.AlreadyExists) {
      const info = await Deno.stat(path);
      if (info.isDirectory) return;
      throw new GaitError("invalid_input", `not a directory: ${path}`);
    }
    throw ioError("create directory", path, error);
  }
}

/**
 * Maps a filesystem error to a GaitError with a one-line message.
 *
 * @example
 * ```ts
 * ioError("read", "x.json", new Deno.errors.NotFound("x"));
 * ```
 */
export function ioError(action: string, path: string, error: unknown): GaitError {
  if (error instanceof GaitError) return error;
  if (error instanceof Deno.errors.NotFound) {
    return new GaitError("invalid_input", `${action} ${path}: no such file or directory`);
  }
  if (error instanceof Deno.errors.PermissionDenied) {
    return new GaitError("io_failure", `${action} ${path}: permission denied`);
  }
  if (error instanceof Deno.errors.IsADirectory) {
    return new GaitError("invalid_input", `${action} ${path}: is a directory`);
  }
  const message = error instanceof Error ? error.message : String(error);
  return new GaitError("io_failure", `${action} ${path}: ${message}`);
}

let tempCounter = 0;

/**
 * Writes bytes atomically (temp file, fsync, rename).
 *
 * @example
 * ```ts
 * await writeFileAtomic("gait-out/x.json", new TextEncoder().encode("{}"));
 * ```
 */
export async function writeFileAtomic(
  path: string,
  data: Uint8Array | string,
  options: AtomicWriteOptions = {},
): Promise<void> {
  assertLocalPath(path);
  const dir = dirname(path);
  if (options.createParents) await ensureDir(dir);
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  const temp = joinPath(dir, `.${basename(path)}.${Deno.pid}.${Date.now()}.${tempCounter++}.tmp`);
  let file: Deno.FsFile | undefined;
  try {
    file = await Deno.open(temp, { write: true, createNew: true, mode: options.mode ?? 0o600 });
    let written = 0;
    while (written < bytes.length) written += await file.write(bytes.subarray(written));
    if (options.sync ?? true) await file.sync();
    file.close();
    file = undefined;
    if (Deno.build.os !== "windows") await Deno.chmod(temp, options.mode ?? 0o600);
    await Deno.rename(temp, path);
  } catch (error) {
    try {
      file?.close();
    } catch { /* already closed */ }
    try {
      await Deno.remove(temp);
    } catch { /* never created */ }
    throw ioError("write", path, error);
  }
}

/**
 * Reads a whole file, refusing files larger than `maxBytes` before reading them.
 *
 * @example
 * ```ts
 * const bytes = await readFileLimited("input.json", 10 * 1024 * 1024, "input");
 * ```
 */
export async function readFileLimited(
  path: string,
  maxBytes: number,
  label = "file",
): Promise<Uint8Array> {
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path, { read: true });
  } catch (error) {
    throw ioError(`read ${label}`, path, error);
  }
  try {
    const info = await file.stat();
    if (info.isDirectory) {
      throw new GaitError("invalid_input", `read ${label} ${path}: is a directory`);
    }
    if (info.size > maxBytes) {
      throw new GaitError(
        "invalid_input",
        `${label} ${path} is too large: ${info.size} bytes (limit ${maxBytes})`,
      );
    }
    const chunks: Uint8Array[] = [];
    let total = 0;
    const buf = new Uint8Array(64 * 1024);
    for (;;) {
      const n = await file.read(buf);
      if (n === null) break;
      total += n;
      if (total > maxBytes) {
        throw new GaitError(
          "invalid_input",
          `${label} ${path} is too large (limit ${maxBytes} bytes)`,
        );
      }
      chunks.push(buf.slice(0, n));
    }
    const out = new Uint8Array(total);
    let offset = 0;
    for (const c of chunks) {
      out.set(c, offset);
      offset += c.length;
    }
    return out;
  } catch (error) {
    throw ioError(`read ${label}`, path, error);
  } finally {
    file.close();
  }
}

/**
 * True when a path exists (file or directory).
 *
 * @example
 * ```ts
 * await pathExists("gait-out");
 * ```
 */
export async function pathExists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw ioError("stat", path, error);
  }
}
