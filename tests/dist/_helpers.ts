/**
 * Helpers of the distribution tests: running commands, building the bundle
 * once per test process, and a loopback-only static file server.
 *
 * @module
 */

import { readPermissionFlags } from "../../scripts/permissions.ts";
import { makeTempDir, REPO_ROOT } from "../helpers/cli.ts";

/** What a subprocess produced. */
export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs a command with a clean environment (PATH, HOME and DENO_DIR kept, `env` on top).
 *
 * @example
 * ```ts
 * const r = await run("bash", ["-c", "echo hi"]);
 * ```
 */
export async function run(
  command: string,
  args: readonly string[],
  options: { cwd?: string; env?: Record<string, string>; stdin?: string } = {},
): Promise<RunResult> {
  const env: Record<string, string> = {};
  for (const k of ["PATH", "HOME", "DENO_DIR", "LANG", "TERM"]) {
    const v = Deno.env.get(k);
    if (v !== undefined) env[k] = v;
  }
  Object.assign(env, { NO_COLOR: "1" }, options.env ?? {});
  const child = new Deno.Command(command, {
    args: [...args],
    cwd: options.cwd,
    env,
    clearEnv: true,
    stdin: options.stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  if (options.stdin !== undefined) {
    const w = child.stdin.getWriter();
    await w.write(new TextEncoder().encode(options.stdin));
    await w.close();
  }
  const out = await child.output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

/** Deno's cache directory, so subprocesses with a temp HOME reuse the npm cache. */
export async function denoDirEnv(): Promise<Record<string, string>> {
  const fromEnv = Deno.env.get("DENO_DIR");
  if (fromEnv) return { DENO_DIR: fromEnv };
  const r = await run(Deno.execPath(), ["info", "--json"]);
  const dir = (JSON.parse(r.stdout) as { denoDir?: string }).denoDir;
  return dir ? { DENO_DIR: dir } : {};
}

/**
 * The flags the bundle runs with: the shipped permission set, nothing else.
 *
 * @example
 * ```ts
 * await bundleRunArgs("/tmp/gait.js", ["version"]);
 * ```
 */
export async function bundleRunArgs(bundle: string, args: readonly string[]): Promise<string[]> {
  return [
    "run",
    "--quiet",
    "--no-prompt",
    "--no-config",
    ...await readPermissionFlags(),
    bundle,
    ...args,
  ];
}

/**
 * Runs the bundle like a user would, in `cwd` with a private HOME.
 *
 * @example
 * ```ts
 * const r = await runBundle(bundle, ["demo"], dir);
 * ```
 */
export async function runBundle(
  bundle: string,
  args: readonly string[],
  cwd: string,
): Promise<RunResult> {
  return await run(Deno.execPath(), await bundleRunArgs(bundle, args), {
    cwd,
    env: { HOME: cwd, ...await denoDirEnv() },
  });
}

const bundles = new Map<string, Promise<string>>();

/**
 * Builds the bundle once per stamp in this test process (into a temp dir that
 * lives until the process exits) and returns its path.
 *
 * @example
 * ```ts
 * const bundle = await builtBundle();
 * ```
 */
export function builtBundle(version = ""): Promise<string> {
  let p = bundles.get(version);
  if (p === undefined) {
    p = (async () => {
      const dir = await makeTempDir("gait-bundle-");
      const out = `${dir}/gait.js`;
      const args = ["run", "-A", `${REPO_ROOT}/scripts/build.ts`, "bundle", "--out", out];
      if (version !== "") {
        args.push(
          "--version",
          version,
          "--commit",
          "0123456789abcdef0123456789abcdef01234567",
          "--date",
          "2026-02-05T00:00:00Z",
        );
      }
      const r = await run(Deno.execPath(), args, { env: await denoDirEnv() });
      if (r.code !== 0) throw new Error(`bundle build failed (${r.code}): ${r.stderr}`);
      return out;
    })();
    bundles.set(version, p);
  }
  return p;
}

/** A loopback static server over a map of path → bytes (or a handler). */
export interface TestServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** Paths requested so far. */
  requests: string[];
  /** Stops the server. */
  close(): Promise<void>;
}

/**
 * Serves files on 127.0.0.1 only (an ephemeral port); unknown paths get 404.
 *
 * @example
 * ```ts
 * const server = serveFiles(new Map([["/x", new Uint8Array([1])]]));
 * await server.close();
 * ```
 */
export function serveFiles(files: Map<string, Uint8Array | string>): TestServer {
  const requests: string[] = [];
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    (req) => {
      const path = new URL(req.url).pathname;
      requests.push(path);
      const body = files.get(path);
      if (body === undefined) return new Response("not found", { status: 404 });
      return new Response(typeof body === "string" ? body : body as BodyInit);
    },
  );
  const addr = server.addr as Deno.NetAddr;
  return {
    url: `http://127.0.0.1:${addr.port}`,
    requests,
    close: () => server.shutdown(),
  };
}
