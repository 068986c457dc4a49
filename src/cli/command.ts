/**
 * The shape of a CLI command: static metadata (flags, help) that loads without
 * the command's code, and a lazily imported handler.
 *
 * @module
 */

import type { Clock } from "../core/timestamp.ts";
import type { FlagSpec, ParsedArgs } from "./flags.ts";

/** What a command hands back to the renderer. */
export interface CommandOutput {
  /** The process exit code. */
  exitCode: number;
  /** The `--json` object (keys sorted and `correlation_id` added at render time). */
  json: Record<string, unknown>;
  /** The human output, printed as is (a trailing newline is added if missing). */
  text: string;
}

/** Everything a handler may use; handlers never touch argv or `Deno.exit`. */
export interface CommandContext {
  /** The command path, e.g. "run record". */
  readonly command: string;
  /** Parsed flags and positionals. */
  readonly args: ParsedArgs;
  /** True when `--json` was given. */
  readonly json: boolean;
  /** The clock for "now". */
  readonly clock: Clock;
  /** Reads an environment variable. */
  env(name: string): string | undefined;
  /** Prints a warning line to stderr (human mode only; JSON carries warnings as data). */
  warn(message: string): void;
  /** A string flag's value ("" when unset without default). */
  str(name: string): string;
  /** A boolean flag's value. */
  bool(name: string): boolean;
  /** An integer flag's value. */
  int(name: string): number;
  /** True when the user set the flag explicitly. */
  has(name: string): boolean;
}

/** A command handler module. */
export interface CommandModule {
  /** Runs the command. Throws GaitError for failures that have no data to report. */
  run(ctx: CommandContext): Promise<CommandOutput>;
}

/** A leaf command. */
export interface CommandDef {
  /** Words after `gait`, e.g. ["run", "record"]. */
  path: string[];
  /** One line for the command list. */
  summary: string;
  /** The usage line(s) after "Usage:". */
  synopsis: string;
  /** A longer description for `--help`. */
  description?: string;
  /** The command's flags (`--json` and `--help` are added automatically). */
  flags: FlagSpec[];
  /** Move flags before positionals before parsing (default true). */
  reorder?: boolean;
  /** The most positionals accepted (default 0). */
  maxPositionals?: number;
  /** The exit code for uncategorized errors (default 6). */
  fallbackExit?: number;
  /** Loads the handler. */
  load(): Promise<CommandModule>;
}

/** A command group such as `run` or `keys`. */
export interface GroupDef {
  /** The group word. */
  name: string;
  /** One line for the command list. */
  summary: string;
  /** The `--explain` sentence. */
  explain: string;
}

/**
 * Builds a CommandOutput.
 *
 * @example
 * ```ts
 * output(0, { ok: true }, "ok");
 * ```
 */
export function output(
  exitCode: number,
  json: Record<string, unknown>,
  text: string,
): CommandOutput {
  return { exitCode, json, text };
}
