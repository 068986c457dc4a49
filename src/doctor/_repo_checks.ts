/**
 * Checks that depend on where Gait runs from: the `gait` binary users will
 * invoke, and, inside a Gait source checkout, the schema files and the
 * onboarding scripts of the repository.
 *
 * @module
 */

import { readFileLimited } from "../fs/mod.ts";
import type { BinaryPathSource, DoctorCheck } from "./types.ts";
import { errorText, joinClean, shellQuote } from "./_text.ts";

/**
 * Schema files every checkout must have: the ones this repository had when
 * the check was written. Files found under `schemas/v1` at run time are
 * checked too (they must parse), so the list only needs to grow when a schema
 * becomes part of the contract.
 */
export const REQUIRED_SCHEMA_FILES: readonly string[] = [
  "schemas/v1/runpack/intent.schema.json",
  "schemas/v1/runpack/manifest.schema.json",
  "schemas/v1/runpack/refs.schema.json",
  "schemas/v1/runpack/result.schema.json",
  "schemas/v1/runpack/run.schema.json",
];

/** Repository scripts a new contributor runs first; each must be executable. */
export const ONBOARDING_ASSETS: readonly string[] = [
  "gait",
  "scripts/ensure-deno.sh",
  "scripts/install.sh",
  "scripts/test.sh",
];

/** The curl one-liner of docs/install.md. */
export const INSTALL_COMMAND =
  "curl -fsSL https://raw.githubusercontent.com/Clyra-AI/gait/main/scripts/install.sh | bash";

const MAX_JSON_BYTES = 4 * 1024 * 1024;

async function statOrNull(path: string): Promise<Deno.FileInfo | null> {
  try {
    return await Deno.stat(path);
  } catch {
    return null;
  }
}

/**
 * True when `workDir` is a checkout of this repository: a deno.json named
 * `@gait/gait`, `cli.ts`, `src/` and `scripts/install.sh`.
 *
 * @example
 * ```ts
 * await isRepoCheckout("."); // true at the repository root
 * ```
 */
export async function isRepoCheckout(workDir: string): Promise<boolean> {
  const [cli, src, install] = await Promise.all([
    statOrNull(joinClean(workDir, "cli.ts")),
    statOrNull(joinClean(workDir, "src")),
    statOrNull(joinClean(workDir, "scripts/install.sh")),
  ]);
  if (!cli?.isFile || !src?.isDirectory || !install?.isFile) return false;
  try {
    const bytes = await readFileLimited(joinClean(workDir, "deno.json"), 1024 * 1024, "deno.json");
    const config = JSON.parse(new TextDecoder().decode(bytes)) as { name?: unknown } | null;
    return config?.name === "@gait/gait";
  } catch {
    return false;
  }
}

async function globSchemas(dir: string, rel: string, out: string[]): Promise<void> {
  let entries: Deno.DirEntry[] = [];
  try {
    entries = await Array.fromAsync(Deno.readDir(dir));
  } catch {
    return;
  }
  for (const e of entries) {
    if (e.isDirectory) await globSchemas(joinClean(dir, e.name), `${rel}/${e.name}`, out);
    else if (e.isFile && e.name.endsWith(".schema.json")) out.push(`${rel}/${e.name}`);
  }
}

/**
 * `schema_files`: every required schema exists and every schema under
 * `schemas/v1` parses as a JSON object. A broken checkout is non-fixable.
 */
export async function checkSchemaFiles(workDir: string): Promise<DoctorCheck> {
  const base = { name: "schema_files", scope: "repo_checkout" } as const;
  const found: string[] = [];
  await globSchemas(joinClean(workDir, "schemas/v1"), "schemas/v1", found);
  const present = new Set(found);
  const missing = REQUIRED_SCHEMA_FILES.filter((f) => !present.has(f));
  if (missing.length > 0) {
    return {
      ...base,
      status: "fail",
      message: `missing required schema files: ${missing.join(",")}`,
      non_fixable: true,
    };
  }
  const invalid: string[] = [];
  for (const rel of found.sort()) {
    try {
      const bytes = await readFileLimited(joinClean(workDir, rel), MAX_JSON_BYTES, "schema");
      const value = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
      if (typeof value !== "object" || value === null || Array.isArray(value)) invalid.push(rel);
    } catch {
      invalid.push(rel);
    }
  }
  if (invalid.length > 0) {
    return {
      ...base,
      status: "fail",
      message: `invalid schema files: ${invalid.join(",")}`,
      non_fixable: true,
    };
  }
  return {
    ...base,
    status: "pass",
    message: `required schema files are present (${found.length} schema files)`,
  };
}

/** `onboarding_assets`: the repository's entry scripts exist and are executable. */
export async function checkOnboardingAssets(workDir: string, os: string): Promise<DoctorCheck> {
  const base = { name: "onboarding_assets", scope: "repo_checkout" } as const;
  const missing: string[] = [];
  for (const rel of ONBOARDING_ASSETS) {
    const info = await statOrNull(joinClean(workDir, rel));
    if (!info?.isFile) {
      missing.push(rel);
      continue;
    }
    if (os !== "windows" && info.mode !== null && (info.mode & 0o111) === 0) {
      return {
        ...base,
        status: "warn",
        message: `${rel} is not executable`,
        fix_command: `chmod +x ${shellQuote(joinClean(workDir, rel))}`,
      };
    }
  }
  if (missing.length > 0) {
    return {
      ...base,
      status: "warn",
      message: `missing onboarding assets: ${missing.join(",")}`,
      fix_command: `git -C ${shellQuote(workDir)} restore --source=HEAD -- ${missing.join(" ")}`,
    };
  }
  return { ...base, status: "pass", message: "onboarding assets are present" };
}

/**
 * True when the running executable is a compiled Gait rather than `deno`
 * running the sources or the bundle.
 *
 * @example
 * ```ts
 * isCompiledBinary("/usr/local/bin/gait"); // true
 * ```
 */
export function isCompiledBinary(execPath: string): boolean {
  const name = execPath.split(/[\\/]/).pop()!.toLowerCase().replace(/\.exe$/, "");
  return name !== "deno";
}

function executableNames(os: string, env: (name: string) => string | undefined): string[] {
  if (os !== "windows") return ["gait"];
  const exts = (env("PATHEXT") ?? ".COM;.EXE;.BAT;.CMD").split(";").filter((e) => e !== "");
  return exts.map((e) => `gait${e.toLowerCase()}`);
}

async function findOnPath(
  env: (name: string) => string | undefined,
  os: string,
): Promise<string | null> {
  const sep = os === "windows" ? ";" : ":";
  for (const dir of (env("PATH") ?? "").split(sep)) {
    if (dir === "") continue;
    for (const name of executableNames(os, env)) {
      const candidate = joinClean(dir, name);
      const info = await statOrNull(candidate);
      if (info?.isFile && (os === "windows" || ((info.mode ?? 0) & 0o111) !== 0)) return candidate;
    }
  }
  return null;
}

async function samePath(a: string, b: string): Promise<boolean> {
  try {
    return (await Deno.realPath(a)) === (await Deno.realPath(b));
  } catch {
    return a === b;
  }
}

/** What the onboarding binary check found, for the result's top-level fields. */
export interface BinaryProbe {
  /** The check. */
  check: DoctorCheck;
  /** The binary reported. */
  binaryPath?: string;
  /** Where it was found. */
  binaryPathSource?: BinaryPathSource;
  /** The `gait` on PATH. */
  pathBinaryPath?: string;
  /** Its version, when known. */
  binaryVersion?: string;
}

/**
 * `onboarding_binary`: finds the `gait` users will run (this compiled
 * executable, else `gait` on PATH, else `<workdir>/gait`). Gait has no
 * permission to run programs, so another binary's version is not probed;
 * its presence and execute bit are checked instead.
 */
export async function checkOnboardingBinary(options: {
  workDir: string;
  execPath: string;
  version: string;
  os: string;
  repoCheckout: boolean;
  env: (name: string) => string | undefined;
}): Promise<BinaryProbe> {
  const base = { name: "onboarding_binary", scope: "universal" } as const;
  const { workDir, execPath, version, os, env } = options;
  const installFix = options.repoCheckout
    ? `git -C ${shellQuote(workDir)} restore --source=HEAD -- gait`
    : INSTALL_COMMAND;
  const onPath = await findOnPath(env, os);
  const pathField = onPath === null ? {} : { pathBinaryPath: onPath };

  if (isCompiledBinary(execPath)) {
    const probe: BinaryProbe = {
      binaryPath: execPath,
      binaryPathSource: "invoked_executable",
      binaryVersion: `gait ${version}`,
      ...pathField,
      check: {
        ...base,
        status: "pass",
        message: `gait binary ready (path=${execPath} version=gait ${version})`,
      },
    };
    if (onPath !== null && !(await samePath(onPath, execPath))) {
      probe.check = {
        ...base,
        status: "warn",
        message: `gait on PATH (${onPath}) is not the running binary (${execPath})`,
        fix_command: `export PATH=${shellQuote(execPath.replace(/[\\/][^\\/]*$/, ""))}:"$PATH"`,
      };
    }
    return probe;
  }

  let found: { path: string; source: BinaryPathSource } | null = onPath === null
    ? null
    : { path: onPath, source: "path" };
  if (found === null) {
    for (const name of ["gait", "gait.exe"]) {
      const candidate = joinClean(workDir, name);
      const info = await statOrNull(candidate);
      if (info?.isFile) {
        found = { path: candidate, source: "workdir" };
        break;
      }
    }
  }
  if (found === null) {
    return {
      ...pathField,
      check: {
        ...base,
        status: "warn",
        message: "gait binary not found; onboarding commands may fail",
        fix_command: installFix,
      },
    };
  }
  const probe: BinaryProbe = {
    binaryPath: found.path,
    binaryPathSource: found.source,
    ...pathField,
    check: { ...base, status: "pass", message: "" },
  };
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(found.path);
  } catch (error) {
    probe.check = {
      ...base,
      status: "warn",
      message: `gait binary path is not accessible: ${errorText(error)}`,
      fix_command: installFix,
    };
    return probe;
  }
  if (os !== "windows" && ((info.mode ?? 0) & 0o111) === 0) {
    probe.check = {
      ...base,
      status: "warn",
      message: `gait binary is not executable: ${found.path}`,
      fix_command: `chmod +x ${shellQuote(found.path)}`,
    };
    return probe;
  }
  probe.check = {
    ...base,
    status: "pass",
    message:
      `gait binary found (path=${found.path}; version not probed: Gait has no permission to run programs)`,
  };
  return probe;
}
