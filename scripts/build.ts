/**
 * The one build script: a single-file bundle for any Deno 2 (`bundle`), or a
 * self-contained binary per target (`compile`), both stamped with a version.
 *
 * ```sh
 * deno run -A scripts/build.ts bundle  [--out dist/gait.js] [stamp flags]
 * deno run -A scripts/build.ts compile --target x86_64-unknown-linux-gnu [--out dist/bin/<target>/gait] [stamp flags]
 * deno run -A scripts/build.ts targets   # the release targets as JSON
 *
 * stamp flags: --version v1.2.3 --commit <sha> --date <RFC 3339>
 * ```
 *
 * Stamping never edits the working tree: the sources (deno.json, deno.lock,
 * cli.ts, mod.ts, src/) are staged in a temporary directory, its
 * src/cli/build_stamp.ts is overwritten there, and the build runs from the
 * stage, which is removed afterwards. A build that is interrupted therefore
 * cannot leave a stamped build_stamp.ts behind, and tests may build while
 * other tests run `gait version`.
 *
 * `compile` passes exactly the permission flags of scripts/permissions.ts
 * (the permission set "gait" in deno.json) and `--include`s the worker
 * modules that are loaded by URL. `deno compile` downloads its runtime base
 * (denort) from Deno's release server; without network access to it the
 * build fails with exit 7 and says so (set DENORT_BIN to a local denort of
 * the same Deno version to build offline).
 *
 * The bundle inlines the hash worker as a `data:` URL module, so the single
 * file keeps parallel hashing; it starts with a `#!/usr/bin/env -S deno run`
 * line carrying the same permission flags.
 *
 * `GAIT_BUILD_DENO` overrides the Deno executable used for bundle and
 * compile (tests use a stand-in to check the compile invocation offline).
 *
 * @module
 */

import { fileURLToPath } from "node:url";
import { readPermissionFlags } from "./permissions.ts";

/** A release target: Deno's target triple and the archive's os/arch words. */
export interface ReleaseTarget {
  /** `deno compile --target` value. */
  triple: string;
  /** Archive os word (`linux`, `darwin`, `windows`). */
  os: "linux" | "darwin" | "windows";
  /** Archive arch word (`amd64`, `arm64`). */
  arch: "amd64" | "arm64";
  /** The binary's file name inside the archive. */
  binary: "gait" | "gait.exe";
  /** The GitHub runner that builds it natively. */
  runner: string;
}

/**
 * The release targets. Windows arm64 is not built: `deno compile` has no such
 * target, so the asset is dropped everywhere consistently (spec 04 §8.14).
 */
export const RELEASE_TARGETS: readonly ReleaseTarget[] = [
  {
    triple: "x86_64-unknown-linux-gnu",
    os: "linux",
    arch: "amd64",
    binary: "gait",
    runner: "ubuntu-24.04",
  },
  {
    triple: "aarch64-unknown-linux-gnu",
    os: "linux",
    arch: "arm64",
    binary: "gait",
    runner: "ubuntu-24.04-arm",
  },
  {
    triple: "x86_64-apple-darwin",
    os: "darwin",
    arch: "amd64",
    binary: "gait",
    runner: "macos-13",
  },
  {
    triple: "aarch64-apple-darwin",
    os: "darwin",
    arch: "arm64",
    binary: "gait",
    runner: "macos-14",
  },
  {
    triple: "x86_64-pc-windows-msvc",
    os: "windows",
    arch: "amd64",
    binary: "gait.exe",
    runner: "windows-2022",
  },
];

/** Modules loaded by URL at run time, which a static module graph misses. */
export const WORKER_MODULES: readonly string[] = ["src/archive/_hash_worker.ts"];

/** What gets stamped into src/cli/build_stamp.ts. */
export interface BuildStamp {
  version: string;
  commit: string;
  buildDate: string;
  target: string;
}

/** Exit code when compile cannot reach Deno's release server. */
export const EXIT_NEEDS_NETWORK = 7;

const ROOT = new URL("..", import.meta.url);
const rootPath = (rel = "") => fileURLToPath(new URL(rel, ROOT));

class BuildError extends Error {
  constructor(message: string, readonly exitCode = 1) {
    super(message);
  }
}

/**
 * The TypeScript source of a stamped build_stamp.ts.
 *
 * @example
 * ```ts
 * renderBuildStamp({ version: "v1.2.3", commit: "abc", buildDate: "", target: "deno" });
 * ```
 */
export function renderBuildStamp(stamp: BuildStamp): string {
  return [
    "/**",
    " * Build stamp, written by scripts/build.ts for this build.",
    " *",
    " * @module",
    " */",
    "",
    "/** Version, commit, build date and target of this build. */",
    "export const BUILD_STAMP = {",
    `  version: ${JSON.stringify(stamp.version)},`,
    `  commit: ${JSON.stringify(stamp.commit)},`,
    `  buildDate: ${JSON.stringify(stamp.buildDate)},`,
    `  target: ${JSON.stringify(stamp.target)},`,
    "};",
    "",
  ].join("\n");
}

function validateStamp(stamp: BuildStamp): void {
  if (stamp.version !== "" && !/^v?\d+\.\d+\.\d+([-+][0-9A-Za-z.+-]+)?$/.test(stamp.version)) {
    throw new BuildError(
      `--version must look like v1.2.3 (got ${JSON.stringify(stamp.version)})`,
      2,
    );
  }
  if (stamp.commit !== "" && !/^[0-9a-f]{7,64}$/.test(stamp.commit)) {
    throw new BuildError(
      `--commit must be a hex commit id (got ${JSON.stringify(stamp.commit)})`,
      2,
    );
  }
  if (
    stamp.buildDate !== "" &&
    !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/.test(stamp.buildDate)
  ) {
    throw new BuildError(`--date must be RFC 3339 UTC (got ${JSON.stringify(stamp.buildDate)})`, 2);
  }
}

async function copyTree(from: string, to: string): Promise<void> {
  await Deno.mkdir(to, { recursive: true });
  for await (const entry of Deno.readDir(from)) {
    const src = `${from}/${entry.name}`;
    const dst = `${to}/${entry.name}`;
    if (entry.isDirectory) await copyTree(src, dst);
    else if (entry.isFile) await Deno.copyFile(src, dst);
  }
}

/** The command modules a build must contain: src/cli/commands/*.ts. */
async function commandModuleFiles(): Promise<string[]> {
  const files: string[] = [];
  for await (const entry of Deno.readDir(rootPath("src/cli/commands"))) {
    if (entry.isFile && entry.name.endsWith(".ts")) files.push(entry.name);
  }
  return files.sort();
}

/**
 * The build's version of src/cli/_load_command.ts: the same API, with one
 * literal `import()` per command module so `deno bundle` and `deno compile`
 * include every command (the source version computes the specifier to keep
 * start-up lean, which bundlers cannot follow).
 *
 * @example
 * ```ts
 * renderStaticCommandLoader(["demo.ts"]).includes('import("./commands/demo.ts")'); // true
 * ```
 */
export function renderStaticCommandLoader(files: readonly string[]): string {
  const rows = files.map((f) =>
    `  ${JSON.stringify(f)}: () => import(${JSON.stringify(`./commands/${f}`)}),`
  );
  return [
    "// Generated by scripts/build.ts: the build's static table of command modules.",
    'import { GaitError } from "../core/errors.ts";',
    'import type { CommandModule } from "./command.ts";',
    "",
    "const MODULES: Record<string, () => Promise<Record<string, unknown>>> = {",
    ...rows,
    "};",
    "",
    "export function handlerOf(mod: Record<string, unknown>, file: string, exportName: string): CommandModule {",
    "  const run = mod[exportName];",
    '  if (typeof run !== "function") {',
    '    throw new GaitError("internal_failure", `command module ${file} has no handler ${exportName}`);',
    "  }",
    '  return { run: run as CommandModule["run"] };',
    "}",
    "",
    'export async function loadCommand(file: string, exportName = "run"): Promise<CommandModule> {',
    "  const load = MODULES[file];",
    '  if (!load) throw new GaitError("internal_failure", `unknown command module ${file}`);',
    "  return handlerOf(await load(), file, exportName);",
    "}",
    "",
  ].join("\n");
}

/**
 * Copies what a build needs into a fresh temporary directory and stamps it
 * there. The caller removes the returned directory.
 */
async function stageSources(stamp: BuildStamp): Promise<string> {
  const stage = await Deno.makeTempDir({ prefix: "gait-build-" });
  try {
    for (const file of ["deno.json", "deno.lock", "cli.ts", "mod.ts"]) {
      try {
        await Deno.copyFile(rootPath(file), `${stage}/${file}`);
      } catch (error) {
        if (!(error instanceof Deno.errors.NotFound) || file === "deno.json" || file === "cli.ts") {
          throw error;
        }
      }
    }
    await copyTree(rootPath("src"), `${stage}/src`);
    await Deno.writeTextFile(`${stage}/src/cli/build_stamp.ts`, renderBuildStamp(stamp));
    await Deno.writeTextFile(
      `${stage}/src/cli/_load_command.ts`,
      renderStaticCommandLoader(await commandModuleFiles()),
    );
    return stage;
  } catch (error) {
    await Deno.remove(stage, { recursive: true }).catch(() => {});
    throw error;
  }
}

function denoExecutable(): string {
  return Deno.env.get("GAIT_BUILD_DENO") || Deno.execPath();
}

async function runDeno(args: string[], cwd: string): Promise<{ code: number; stderr: string }> {
  const child = new Deno.Command(denoExecutable(), {
    args,
    cwd,
    stdin: "null",
    stdout: "inherit",
    stderr: "piped",
  }).spawn();
  const out = await child.output();
  const stderr = new TextDecoder().decode(out.stderr);
  return { code: out.code, stderr };
}

/**
 * True when `deno compile` failed because it could not download denort.
 *
 * @example
 * ```ts
 * needsReleaseServer("error sending request for url (https://dl.deno.land/release/...)"); // true
 * ```
 */
export function needsReleaseServer(stderr: string): boolean {
  return /dl\.deno\.land|Setting up base binary|denort/i.test(stderr) &&
    /error sending request|dns error|Connect|network|failed to lookup|timed out|Setting up base binary/i
      .test(stderr);
}

/** Options of {@link compile}. */
export interface CompileOptions {
  /** A triple of {@link RELEASE_TARGETS}. */
  target: string;
  /** Output path (default dist/bin/<triple>/gait[.exe]). */
  out?: string;
  /** Stamp fields; `target` is always the triple. */
  stamp: Omit<BuildStamp, "target">;
}

/**
 * Compiles the CLI for one target with the shipped permissions and returns
 * the output path.
 *
 * @example
 * ```ts
 * await compile({ target: "x86_64-unknown-linux-gnu", stamp: { version: "v1.2.3", commit: "", buildDate: "" } });
 * ```
 */
export async function compile(options: CompileOptions): Promise<string> {
  const target = RELEASE_TARGETS.find((t) => t.triple === options.target);
  if (!target) {
    throw new BuildError(
      `unknown --target ${options.target}; one of: ${
        RELEASE_TARGETS.map((t) => t.triple).join(", ")
      }`,
      2,
    );
  }
  const stamp = { ...options.stamp, target: target.triple };
  validateStamp(stamp);
  const out = absolute(options.out ?? rootPath(`dist/bin/${target.triple}/${target.binary}`));
  await Deno.mkdir(out.replace(/[\\/][^\\/]*$/, "") || ".", { recursive: true });
  const permissions = await readPermissionFlags();
  const stage = await stageSources(stamp);
  try {
    const args = [
      "compile",
      "--quiet",
      "--no-prompt",
      "--frozen-lockfile",
      "--exclude-unused-npm",
      "--config",
      `${stage}/deno.json`,
      "--target",
      target.triple,
      "--output",
      out,
      ...WORKER_MODULES.flatMap((m) => ["--include", `${stage}/${m}`]),
      ...permissions,
      `${stage}/cli.ts`,
    ];
    const result = await runDeno(args, stage);
    if (result.code !== 0) {
      if (needsReleaseServer(result.stderr)) {
        throw new BuildError(
          `deno compile for ${target.triple} needs network access to Deno's release server ` +
            `(dl.deno.land) to download the runtime base (denort ${Deno.version.deno}), and this ` +
            `machine cannot reach it. Run the build on a networked runner (the release workflow ` +
            `does), or set DENORT_BIN to a local denort binary of the same Deno version.`,
          EXIT_NEEDS_NETWORK,
        );
      }
      throw new BuildError(
        `deno compile failed for ${target.triple} (exit ${result.code}):\n${result.stderr.trim()}`,
      );
    }
  } finally {
    await Deno.remove(stage, { recursive: true }).catch(() => {});
  }
  return out;
}

function absolute(path: string): string {
  return path.startsWith("/") || /^[A-Za-z]:[\\/]/.test(path) ? path : `${Deno.cwd()}/${path}`;
}

function toBase64(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

/** Matches `new URL("./_hash_worker.ts", import.meta.url)` in any formatting. */
const WORKER_URL = /new URL\(\s*(["'])\.\/_hash_worker\.ts\1\s*,\s*import\.meta\.url\s*\)/g;

/**
 * CommonJS npm code in a minified bundle calls a free `require` for node:
 * built-ins (Deno's own shim is only emitted unminified). This defines one
 * that resolves built-ins lazily with `process.getBuiltinModule`, so start-up
 * never loads node:module for commands that require nothing. Code without
 * such calls is returned unchanged.
 *
 * @example
 * ```ts
 * withRequireShim('throw Error(\'Dynamic require of "x" is not supported\')').startsWith("var require="); // true
 * ```
 */
export function withRequireShim(code: string): string {
  if (!code.includes("Dynamic require of") || code.includes("createRequire")) return code;
  return "var require=(id)=>{const p=globalThis.process;" +
    'if(typeof p?.getBuiltinModule==="function")return p.getBuiltinModule(id);' +
    'throw new Error("this Deno has no process.getBuiltinModule; run gait.js on Deno 2.1 or later")};\n' +
    code;
}

/** Options of {@link bundle}. */
export interface BundleOptions {
  /** Output path (default dist/gait.js). */
  out?: string;
  /** Stamp fields; the target is always `deno`. */
  stamp: Omit<BuildStamp, "target">;
  /** Minify (default true). */
  minify?: boolean;
}

async function esbuild(stage: string, entry: string, out: string, minify: boolean): Promise<void> {
  const args = [
    "bundle",
    "--quiet",
    "--frozen-lockfile",
    "--config",
    `${stage}/deno.json`,
    "--platform",
    "deno",
    ...(minify ? ["--minify", "--keep-names"] : []),
    "--output",
    out,
    `${stage}/${entry}`,
  ];
  const result = await runDeno(args, stage);
  if (result.code !== 0) {
    throw new BuildError(
      `deno bundle failed for ${entry} (exit ${result.code}):\n${result.stderr}`,
    );
  }
}

/**
 * Bundles the CLI into one JavaScript file that runs on any Deno 2 with the
 * shipped permission flags, and returns the output path.
 *
 * @example
 * ```ts
 * await bundle({ out: "dist/gait.js", stamp: { version: "", commit: "", buildDate: "" } });
 * ```
 */
export async function bundle(options: BundleOptions): Promise<string> {
  const stamp = { ...options.stamp, target: "deno" };
  validateStamp(stamp);
  const out = absolute(options.out ?? rootPath("dist/gait.js"));
  const minify = options.minify ?? true;
  const permissions = await readPermissionFlags();
  const stage = await stageSources(stamp);
  try {
    await esbuild(stage, WORKER_MODULES[0]!, `${stage}/.worker.js`, minify);
    await esbuild(stage, "cli.ts", `${stage}/.gait.js`, minify);
    const worker = await Deno.readTextFile(`${stage}/.worker.js`);
    let code = await Deno.readTextFile(`${stage}/.gait.js`);
    const references = code.match(WORKER_URL)?.length ?? 0;
    if (references === 0) {
      throw new BuildError(
        'the bundle has no `new URL("./_hash_worker.ts", import.meta.url)`; update WORKER_URL in scripts/build.ts',
      );
    }
    const dataUrl = `data:text/javascript;base64,${toBase64(worker)}`;
    code = code.replace(WORKER_URL, `new URL(${JSON.stringify(dataUrl)})`);
    if (code.startsWith("#!")) code = code.slice(code.indexOf("\n") + 1);
    code = withRequireShim(code);
    const header = [
      `#!/usr/bin/env -S deno run --quiet --no-prompt --no-config ${permissions.join(" ")}`,
      `// Gait ${stamp.version || "0.0.0-dev"} (${
        stamp.commit || "unknown commit"
      }): single-file bundle.`,
      `// Run: deno run --no-prompt --no-config ${permissions.join(" ")} gait.js <command>`,
      "",
    ].join("\n");
    await Deno.mkdir(out.replace(/[\\/][^\\/]*$/, "") || ".", { recursive: true });
    const tmp = `${out}.tmp-${crypto.randomUUID()}`;
    await Deno.writeTextFile(tmp, header + code, { mode: 0o755 });
    await Deno.rename(tmp, out);
  } finally {
    await Deno.remove(stage, { recursive: true }).catch(() => {});
  }
  return out;
}

function parseArgs(args: string[]): { command: string; flags: Map<string, string> } {
  const [command = "", ...rest] = args;
  const flags = new Map<string, string>();
  const known = new Set(["out", "target", "version", "commit", "date", "no-minify"]);
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!m || !known.has(m[1]!)) throw new BuildError(`unknown argument: ${arg}`, 2);
    if (m[1] === "no-minify") {
      flags.set("no-minify", "true");
      continue;
    }
    const value = m[2] ?? rest[++i];
    if (value === undefined) throw new BuildError(`--${m[1]} needs a value`, 2);
    flags.set(m[1]!, value);
  }
  return { command, flags };
}

const USAGE = `usage:
  deno run -A scripts/build.ts bundle  [--out dist/gait.js] [--no-minify] [stamp flags]
  deno run -A scripts/build.ts compile --target <triple> [--out <path>] [stamp flags]
  deno run -A scripts/build.ts targets
stamp flags: --version v1.2.3 --commit <sha> --date <RFC 3339 UTC>
targets: ${RELEASE_TARGETS.map((t) => t.triple).join(", ")}`;

async function main(args: string[]): Promise<number> {
  const { command, flags } = parseArgs(args);
  const stamp = {
    version: flags.get("version") ?? "",
    commit: flags.get("commit") ?? "",
    buildDate: flags.get("date") ?? "",
  };
  if (command === "targets") {
    console.log(JSON.stringify(RELEASE_TARGETS));
    return 0;
  }
  if (command === "bundle") {
    const out = await bundle({
      out: flags.get("out"),
      stamp,
      minify: flags.get("no-minify") !== "true",
    });
    console.error(`build: wrote ${out} (${(await Deno.stat(out)).size} bytes)`);
    return 0;
  }
  if (command === "compile") {
    const target = flags.get("target");
    if (!target) throw new BuildError("compile needs --target <triple>", 2);
    const out = await compile({ target, out: flags.get("out"), stamp });
    console.error(`build: wrote ${out}`);
    return 0;
  }
  console.error(USAGE);
  return command === "" || command === "help" || command === "--help" ? 0 : 2;
}

if (import.meta.main) {
  try {
    Deno.exit(await main(Deno.args));
  } catch (error) {
    console.error(`build: ${error instanceof Error ? error.message : String(error)}`);
    Deno.exit(error instanceof BuildError ? error.exitCode : 1);
  }
}
