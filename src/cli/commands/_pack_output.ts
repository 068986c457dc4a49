/**
 * Shared output helpers of the `gait pack` commands: every `--json` output is a
 * `gait.pack.output` object, and errors carry its identity too.
 *
 * @module
 */

import { GaitError } from "../../core/errors.ts";
import { PACK_SCHEMA_VERSION, PackSchema } from "../../pack/types.ts";
import type { CommandContext, CommandOutput } from "../command.ts";

/** The `operation` of a pack output. */
export type Operation = "build" | "verify" | "inspect" | "diff" | "export";

/**
 * A `gait.pack.output` JSON object for an operation.
 *
 * @example
 * ```ts
 * packOutput("verify", { ok: true, path: "p.zip" }).schema_id; // "gait.pack.output"
 * ```
 */
export function packOutput(
  operation: Operation,
  fields: Record<string, unknown>,
): Record<string, unknown> {
  return {
    schema_id: PackSchema.output,
    schema_version: PACK_SCHEMA_VERSION,
    operation,
    ...fields,
  };
}

/**
 * Runs a handler, adding the pack output identity (`schema_id`,
 * `schema_version`, `operation`) to its errors' JSON.
 *
 * @example
 * ```ts
 * return withPackErrors("verify", async () => ({ exitCode: 0, json: {}, text: "" }));
 * ```
 */
export async function withPackErrors(
  operation: Operation,
  fn: () => Promise<CommandOutput>,
): Promise<CommandOutput> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof GaitError && error.details === undefined) {
      throw new GaitError(error.category, error.message, {
        hint: error.hint,
        details: {
          schema_id: PackSchema.output,
          schema_version: PACK_SCHEMA_VERSION,
          operation,
        },
        cause: error,
      });
    }
    throw error;
  }
}

/**
 * A required positional argument.
 *
 * @example
 * ```ts
 * const path = positional(ctx, 0, "<pack.zip>");
 * ```
 */
export function positional(ctx: CommandContext, index: number, what: string): string {
  const value = (ctx.args.positionals[index] ?? "").trim();
  if (value === "") throw new GaitError("invalid_input", `missing required ${what}`);
  return value;
}
