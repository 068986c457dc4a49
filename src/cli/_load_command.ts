/**
 * Loading command modules on demand.
 *
 * The specifier is computed on purpose: Deno's module graph builder follows
 * dynamic imports whose specifier is a string literal, so literal
 * `import("./commands/x.ts")` calls made every command's module tree (about
 * 185 modules and several npm packages) load at start-up, even for
 * `gait version`. Builds (scripts/build.ts) replace this file in their staged
 * copy with a generated table of literal imports, so the bundle and the binary
 * still contain every command.
 *
 * @module
 */

import { GaitError } from "../core/errors.ts";
import type { CommandModule } from "./command.ts";

/**
 * Imports `src/cli/commands/<file>` and returns its handler `exportName`.
 *
 * @example
 * ```ts
 * const { run } = await loadCommand("keys.ts", "runInit");
 * ```
 */
export async function loadCommand(file: string, exportName = "run"): Promise<CommandModule> {
  const mod: Record<string, unknown> = await import(
    new URL(`./commands/${file}`, import.meta.url).href
  );
  return handlerOf(mod, file, exportName);
}

/**
 * Picks a handler out of a loaded module (shared with the generated build table).
 *
 * @example
 * ```ts
 * handlerOf({ run: async () => ({ exitCode: 0, json: {}, text: "" }) }, "x.ts", "run");
 * ```
 */
export function handlerOf(
  mod: Record<string, unknown>,
  file: string,
  exportName: string,
): CommandModule {
  const run = mod[exportName];
  if (typeof run !== "function") {
    throw new GaitError("internal_failure", `command module ${file} has no handler ${exportName}`);
  }
  return { run: run as CommandModule["run"] };
}
