/**
 * `gait trace verify <path>|--path P [key flags]` (spec 01 §6): checks a gate
 * trace's signature with a required key. A missing signature or any other
 * failure reports `signature_status: "failed"` and exits 2.
 *
 * @module
 */

import { errorMessage, GaitError } from "../../core/errors.ts";
import type { JsonValue } from "../../core/json_value.ts";
import { parseStrictJsonBytes } from "../../core/strict_json.ts";
import { readFileLimited } from "../../fs/atomic.ts";
import { type TraceVerification, verifyTraceRecord } from "../../gate/trace.ts";
import type { CommandContext, CommandOutput } from "../command.ts";
import { resolveVerifyKey } from "../key_flags.ts";

/** Largest trace file read. */
const MAX_TRACE_BYTES = 16 * 1024 * 1024;

/** Runs `gait trace verify`. */
export async function run(ctx: CommandContext): Promise<CommandOutput> {
  const flagPath = ctx.str("path").trim();
  const positional = ctx.args.positionals[0]?.trim() ?? "";
  if (flagPath !== "" && positional !== "" && flagPath !== positional) {
    throw new GaitError("invalid_input", "give the trace path once: --path or a positional path");
  }
  const path = flagPath || positional;
  if (path === "") {
    throw new GaitError("invalid_input", "trace path is required (--path or positional)");
  }
  const { verifier } = await resolveVerifyKey(ctx);
  if (!verifier) {
    throw new GaitError(
      "invalid_input",
      "trace verify requires a key: --public-key, --public-key-env, --private-key or --private-key-env",
    );
  }
  let result: TraceVerification;
  try {
    const doc: JsonValue = parseStrictJsonBytes(
      await readFileLimited(path, MAX_TRACE_BYTES, "trace"),
      { label: `trace ${path}` },
    );
    result = await verifyTraceRecord(doc, verifier);
  } catch (error) {
    result = {
      ok: false,
      trace_id: "",
      verdict: "",
      signature_status: "failed",
      key_id: "",
      error: errorMessage(error),
    };
  }
  const json: Record<string, unknown> = {
    ok: result.ok,
    path,
    trace_id: result.trace_id || undefined,
    verdict: result.verdict || undefined,
    signature_status: result.signature_status,
    key_id: result.key_id || undefined,
    error: result.error,
  };
  const text = result.ok
    ? `trace verify: ok trace_id=${result.trace_id} verdict=${result.verdict} signature=verified key_id=${result.key_id}`
    : `trace verify: failed ${path}: ${result.error}`;
  return { exitCode: result.ok ? 0 : 2, json, text };
}
