/**
 * Test helpers that run the real `gait` CLI as a subprocess, with exactly the
 * permissions the shipped binary has (permission set "gait" in deno.json), and
 * temporary directories that never touch the user's real `~/.gait`.
 *
 * The API of this module is shared by every test suite; keep it stable.
 *
 * ```ts
 * import { runGait, withTempDir } from "../helpers/cli.ts";
 *
 * Deno.test("demo writes a runpack", async () => {
 *   await withTempDir(async (dir) => {
 *     const r = await runGait(["demo", "--json"], { cwd: dir });
 *     assert.equal(r.code, 0, r.stderr);
 *     assert.equal(r.json().ok, true);
 *   });
 * });
 * ```
 *
 * The test process needs `--allow-run --allow-read --allow-write --allow-env`
 * (scripts/test.sh passes them); the CLI subprocesses get only `-P=gait`.
 *
 * @module
 */

import { fileURLToPath } from "node:url";

/** Absolute path of the repository root (the directory holding deno.json). */
export const REPO_ROOT: string = fileURLToPath(new URL("../..", import.meta.url)).replace(
  /[\\/]+$/,
  "",
);

/** Absolute path of the CLI entry point. */
export const CLI_PATH: string = `${REPO_ROOT}/cli.ts`;

/** Options of {@link runGait}. */
export interface RunGaitOptions {
  /**
   * Working directory of the CLI. Default: a fresh temporary directory that is
   * removed when the process exits (pass your own to inspect written files).
   */
  cwd?: string;
  /**
   * Environment overrides on top of the inherited environment. `HOME` (and
   * `USERPROFILE`) default to a fresh temporary directory removed afterwards,
   * so tests never read or write the real `~/.gait`. Inherited `GAIT_*`
   * variables are dropped so the developer's settings cannot leak in; set them
   * here explicitly when a test needs them.
   */
  env?: Record<string, string>;
  /** Text written to the CLI's stdin, which is then closed. Default: no stdin (null). */
  stdin?: string;
  /** Kill the CLI after this many milliseconds and fail. Default 120000. */
  timeoutMs?: number;
}

/** What a CLI run produced. */
export interface GaitResult {
  /** The exit code. */
  code: number;
  /** Everything written to stdout (UTF-8). */
  stdout: string;
  /** Everything written to stderr (UTF-8). */
  stderr: string;
  /**
   * Parses stdout as one JSON document. Throws an error quoting stdout and
   * stderr when it is not valid JSON, so failing tests show what the CLI said.
   */
  json<T = Record<string, unknown>>(): T;
}

/**
 * The full argument vector that runs the CLI from source with the shipped
 * permission set, as passed to `Deno.execPath()`.
 *
 * @example
 * ```ts
 * gaitCommandArgs(["version"]).at(-1); // "version"
 * ```
 */
export function gaitCommandArgs(args: readonly string[]): string[] {
  return [
    "run",
    "--quiet",
    "--no-prompt",
    "--config",
    `${REPO_ROOT}/deno.json`,
    "-P=gait",
    CLI_PATH,
    ...args,
  ];
}

/**
 * Creates a fresh temporary directory and returns its real (symlink-free)
 * absolute path. The caller removes it; prefer {@link withTempDir}.
 *
 * @example
 * ```ts
 * const dir = await makeTempDir();
 * ```
 */
export async function makeTempDir(prefix = "gait-test-"): Promise<string> {
  return await Deno.realPath(await Deno.makeTempDir({ prefix }));
}

/**
 * Runs `fn` with a fresh temporary directory and removes the directory
 * afterwards, whether `fn` succeeds or throws.
 *
 * @example
 * ```ts
 * await withTempDir(async (dir) => {
 *   await Deno.writeTextFile(`${dir}/a.json`, "{}");
 * });
 * ```
 */
export async function withTempDir<T>(fn: (dir: string) => Promise<T> | T): Promise<T> {
  const dir = await makeTempDir();
  try {
    return await fn(dir);
  } finally {
    await removeQuietly(dir);
  }
}

async function removeQuietly(path: string): Promise<void> {
  try {
    await Deno.remove(path, { recursive: true });
  } catch {
    // Already gone, or a test left it unremovable; the OS temp dir is cleaned eventually.
  }
}

let denoDirPromise: Promise<string | undefined> | undefined;

/**
 * Deno's cache directory as the test process sees it. Pointing HOME at a temp
 * dir would otherwise move Deno's default cache (and its npm packages) there.
 */
function denoDir(): Promise<string | undefined> {
  denoDirPromise ??= (async () => {
    const fromEnv = Deno.env.get("DENO_DIR");
    if (fromEnv) return fromEnv;
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["info", "--json"],
      stdin: "null",
      stdout: "piped",
      stderr: "null",
    }).output();
    if (!out.success) return undefined;
    const info = JSON.parse(new TextDecoder().decode(out.stdout)) as { denoDir?: unknown };
    return typeof info.denoDir === "string" ? info.denoDir : undefined;
  })();
  return denoDirPromise;
}

/**
 * Runs `gait <args>` as a subprocess: `deno run --quiet --no-prompt --config
 * <root>/deno.json -P=gait <root>/cli.ts ...args`.
 *
 * @example
 * ```ts
 * const r = await runGait(["version", "--json"]);
 * r.code; // 0
 * r.json().version; // "0.0.0-dev"
 * ```
 */
export async function runGait(
  args: readonly string[],
  opts: RunGaitOptions = {},
): Promise<GaitResult> {
  const cleanup: string[] = [];
  try {
    let cwd = opts.cwd;
    if (cwd === undefined) {
      cwd = await makeTempDir("gait-test-cwd-");
      cleanup.push(cwd);
    }
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(Deno.env.toObject())) {
      if (!k.startsWith("GAIT_")) env[k] = v;
    }
    const cache = await denoDir();
    if (cache !== undefined) env.DENO_DIR = cache;
    if (opts.env?.HOME === undefined) {
      const home = await makeTempDir("gait-test-home-");
      cleanup.push(home);
      env.HOME = home;
      env.USERPROFILE = home;
    }
    Object.assign(env, opts.env ?? {});

    const child = new Deno.Command(Deno.execPath(), {
      args: gaitCommandArgs(args),
      cwd,
      env,
      clearEnv: true,
      stdin: opts.stdin === undefined ? "null" : "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const timeoutMs = opts.timeoutMs ?? 120_000;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        child.kill("SIGKILL");
      } catch {
        // Already exited.
      }
    }, timeoutMs);
    try {
      if (opts.stdin !== undefined) {
        const writer = child.stdin.getWriter();
        try {
          await writer.write(new TextEncoder().encode(opts.stdin));
          await writer.close();
        } catch {
          // The CLI may exit without reading stdin; its output still tells the story.
        }
      }
      const out = await child.output();
      if (timedOut) throw new Error(`gait ${args.join(" ")}: timed out after ${timeoutMs} ms`);
      return makeResult(args, out);
    } finally {
      clearTimeout(timer);
    }
  } finally {
    await Promise.all(cleanup.map(removeQuietly));
  }
}

function makeResult(args: readonly string[], out: Deno.CommandOutput): GaitResult {
  const decoder = new TextDecoder();
  const stdout = decoder.decode(out.stdout);
  const stderr = decoder.decode(out.stderr);
  return {
    code: out.code,
    stdout,
    stderr,
    json<T = Record<string, unknown>>(): T {
      try {
        return JSON.parse(stdout) as T;
      } catch (error) {
        throw new Error(
          `gait ${args.join(" ")}: stdout is not JSON (${
            error instanceof Error ? error.message : String(error)
          })\nexit: ${out.code}\nstdout: ${stdout}\nstderr: ${stderr}`,
        );
      }
    },
  };
}
