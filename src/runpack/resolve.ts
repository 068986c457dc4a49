/**
 * Resolving `<run_id|path>` arguments (spec 03 §1 "run_id resolution").
 *
 * @module
 */

import { GaitError } from "../core/errors.ts";
import { joinPath, pathExists } from "../fs/atomic.ts";

/**
 * True when an argument names a file rather than a run id.
 *
 * @example
 * ```ts
 * isRunpackPathArgument("run_demo"); // false
 * ```
 */
export function isRunpackPathArgument(arg: string): boolean {
  return arg.includes("/") || arg.includes("\\") || arg.endsWith(".zip");
}

/**
 * Resolves a run id or path to an existing runpack file: a path must exist;
 * a run id is looked up at `gait-out/runpack_<id>.zip`, then
 * `$HOME/.gait/runpacks/runpack_<id>.zip`.
 *
 * @example
 * ```ts
 * await resolveRunpack("run_demo", (n) => Deno.env.get(n)); // "gait-out/runpack_run_demo.zip"
 * ```
 */
export async function resolveRunpack(
  arg: string,
  env: (name: string) => string | undefined,
): Promise<string> {
  const value = arg.trim();
  if (value === "") throw new GaitError("invalid_input", "runpack path or run_id is required");
  if (isRunpackPathArgument(value)) {
    if (!(await isFile(value))) throw new GaitError("invalid_input", `runpack not found: ${value}`);
    return value;
  }
  const local = joinPath("gait-out", `runpack_${value}.zip`);
  if (await isFile(local)) return local;
  const home = env("HOME") ?? env("USERPROFILE");
  if (home) {
    const global = joinPath(home, ".gait", "runpacks", `runpack_${value}.zip`);
    if (await isFile(global)) return global;
  }
  throw new GaitError("invalid_input", `runpack not found for run_id: ${value}`);
}

async function isFile(path: string): Promise<boolean> {
  if (!(await pathExists(path))) return false;
  return (await Deno.stat(path)).isFile;
}
