/**
 * Checks of the local environment: the workspace, the output directory, the
 * temp directory, the registry cache and the gate's rate-limit lock.
 *
 * @module
 */

import type { DoctorCheck } from "./types.ts";
import { errorText, goSeconds, joinClean, shellQuote } from "./_text.ts";

const WRITE_PROBE = ".gait-doctor-writecheck";
const STALE_LOCK_SECONDS = 30;

async function statOrNull(path: string): Promise<Deno.FileInfo | null> {
  try {
    return await Deno.stat(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    throw error;
  }
}

async function writeProbe(path: string): Promise<void> {
  await Deno.writeTextFile(path, "ok", { mode: 0o600 });
  try {
    await Deno.remove(path);
  } catch { /* the probe is tiny; a leftover is harmless */ }
}

/** `workdir`: exists, is a directory, and is writable. */
export async function checkWorkDir(workDir: string): Promise<DoctorCheck> {
  const base = { name: "workdir", scope: "universal" } as const;
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(workDir);
  } catch (error) {
    return {
      ...base,
      status: "fail",
      message: `workdir not accessible: ${errorText(error)}`,
      fix_command: `mkdir -p ${shellQuote(workDir)}`,
    };
  }
  if (!info.isDirectory) {
    return {
      ...base,
      status: "fail",
      message: "workdir is not a directory",
      fix_command: `mkdir -p ${shellQuote(workDir)}`,
    };
  }
  try {
    await writeProbe(joinClean(workDir, WRITE_PROBE));
  } catch (error) {
    return {
      ...base,
      status: "fail",
      message: `workdir not writable: ${errorText(error)}`,
      fix_command: `chmod u+w ${shellQuote(workDir)}`,
    };
  }
  return { ...base, status: "pass", message: "workdir is writable" };
}

/** `output_dir`: missing is a warning; not a directory or not writable fails. */
export async function checkOutputDir(outputDir: string): Promise<DoctorCheck> {
  const base = { name: "output_dir", scope: "universal" } as const;
  let info: Deno.FileInfo | null;
  try {
    info = await statOrNull(outputDir);
  } catch (error) {
    return {
      ...base,
      status: "fail",
      message: `output directory check failed: ${errorText(error)}`,
    };
  }
  if (info === null) {
    return {
      ...base,
      status: "warn",
      message: "output directory does not exist",
      fix_command: `mkdir -p ${shellQuote(outputDir)}`,
    };
  }
  if (!info.isDirectory) {
    return { ...base, status: "fail", message: "output path is not a directory" };
  }
  try {
    await writeProbe(joinClean(outputDir, WRITE_PROBE));
  } catch (error) {
    return {
      ...base,
      status: "fail",
      message: `output directory not writable: ${errorText(error)}`,
      fix_command: `chmod u+w ${shellQuote(outputDir)}`,
    };
  }
  return { ...base, status: "pass", message: "output directory is writable" };
}

/**
 * The OS temp directory as Go's `os.TempDir` finds it: `$TMPDIR` (Unix) or
 * `%TMP%`/`%TEMP%` (Windows), else `/tmp`.
 */
export function tempDirectory(env: (name: string) => string | undefined, os: string): string {
  if (os === "windows") {
    return (env("TMP") ?? env("TEMP") ?? env("USERPROFILE") ?? "").trim() || "C:\\Windows";
  }
  return (env("TMPDIR") ?? "").trim() || "/tmp";
}

/** `temp_dir`: a probe file can be written in the OS temp directory. */
export async function checkTempDir(tempDir: string, nowNanos: bigint): Promise<DoctorCheck> {
  const base = { name: "temp_dir", scope: "universal" } as const;
  if (tempDir.trim() === "") {
    return { ...base, status: "fail", message: "temporary directory is not configured" };
  }
  try {
    await writeProbe(joinClean(tempDir, `gait-doctor-${nowNanos}.tmp`));
  } catch (error) {
    return {
      ...base,
      status: "fail",
      message: `temporary directory is not writable: ${errorText(error)}`,
      fix_command: `chmod u+w ${shellQuote(tempDir)}`,
    };
  }
  return { ...base, status: "pass", message: "temporary directory is writable" };
}

async function listDir(path: string): Promise<Deno.DirEntry[]> {
  const out: Deno.DirEntry[] = [];
  try {
    for await (const entry of Deno.readDir(path)) out.push(entry);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound || error instanceof Deno.errors.NotADirectory) {
      return [];
    }
    throw error;
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

const MAX_PIN_BYTES = 4096;

async function pinIsConsistent(cacheDir: string, pinPath: string): Promise<boolean> {
  let text: string;
  try {
    const info = await Deno.stat(pinPath);
    if (!info.isFile || info.size > MAX_PIN_BYTES) return false;
    text = await Deno.readTextFile(pinPath);
  } catch {
    return false;
  }
  let digest = text.trim().toLowerCase();
  if (digest.startsWith("sha256:")) digest = digest.slice("sha256:".length);
  if (!/^[0-9a-f]{64}$/.test(digest)) return false;
  for (const publisher of await listDir(cacheDir)) {
    if (!publisher.isDirectory) continue;
    for (const pack of await listDir(joinClean(cacheDir, publisher.name))) {
      if (!pack.isDirectory) continue;
      const meta = joinClean(cacheDir, publisher.name, pack.name, digest, "registry_pack.json");
      if (await statOrNull(meta).catch(() => null)) return true;
    }
  }
  return false;
}

/** `registry_cache`: `~/.gait/registry` exists and every pin has its metadata. */
export async function checkRegistryCache(home: string): Promise<DoctorCheck> {
  const base = { name: "registry_cache", scope: "universal" } as const;
  const fix = "mkdir -p ~/.gait/registry";
  if (home.trim() === "") {
    return {
      ...base,
      status: "warn",
      message: "unable to resolve user home for registry cache: $HOME is not defined",
      fix_command: fix,
    };
  }
  const cacheDir = joinClean(home, ".gait", "registry");
  let info: Deno.FileInfo | null;
  try {
    info = await statOrNull(cacheDir);
  } catch (error) {
    return {
      ...base,
      status: "warn",
      message: `registry cache check failed: ${errorText(error)}`,
      fix_command: fix,
    };
  }
  if (info === null) {
    return {
      ...base,
      status: "warn",
      message: "registry cache is not initialized",
      fix_command: fix,
    };
  }
  if (!info.isDirectory) {
    return { ...base, status: "fail", message: "registry cache path is not a directory" };
  }
  let pins: string[];
  try {
    pins = (await listDir(joinClean(cacheDir, "pins")))
      .filter((e) => e.name.endsWith(".pin"))
      .map((e) => joinClean(cacheDir, "pins", e.name));
  } catch (error) {
    return {
      ...base,
      status: "warn",
      message: `unable to inspect registry pins: ${errorText(error)}`,
    };
  }
  if (pins.length === 0) {
    return { ...base, status: "pass", message: "registry cache is accessible" };
  }
  let broken = 0;
  for (const pin of pins) if (!(await pinIsConsistent(cacheDir, pin))) broken++;
  if (broken > 0) {
    return {
      ...base,
      status: "warn",
      message: `registry cache has ${broken} inconsistent pin entries`,
      fix_command: `gait registry list --cache-dir ${shellQuote(cacheDir)}`,
    };
  }
  return {
    ...base,
    status: "pass",
    message: `registry cache healthy (${pins.length} pinned pack(s))`,
  };
}

/** `gate_rate_limit_lock`: no rate-limit lock older than 30 s in the output directory. */
export async function checkRateLimitLock(outputDir: string, nowMs: number): Promise<DoctorCheck> {
  const base = { name: "gate_rate_limit_lock", scope: "universal" } as const;
  const lockPath = joinClean(outputDir, "gate_rate_limits.json.lock");
  let info: Deno.FileInfo | null;
  try {
    info = await statOrNull(lockPath);
  } catch (error) {
    return {
      ...base,
      status: "warn",
      message: `unable to inspect gate lock file: ${errorText(error)}`,
    };
  }
  if (info === null) {
    return { ...base, status: "pass", message: "no stale gate rate-limit lock detected" };
  }
  if (info.isDirectory) {
    return { ...base, status: "warn", message: "gate rate-limit lock path is a directory" };
  }
  const ageSeconds = (nowMs - (info.mtime?.getTime() ?? nowMs)) / 1000;
  if (ageSeconds > STALE_LOCK_SECONDS) {
    return {
      ...base,
      status: "warn",
      message: `stale gate rate-limit lock detected (${goSeconds(ageSeconds)} old)`,
      fix_command: `rm -f ${shellQuote(lockPath)}`,
    };
  }
  return { ...base, status: "pass", message: "gate rate-limit lock is not stale" };
}
