/**
 * The one place that turns command results and errors into stdout/stderr text
 * and exit codes (spec 03 §1, spec 04 §0).
 *
 * @module
 */

import { applyErrorEnvelope, type ErrorCategory } from "../core/errors.ts";
import { sha256Hex } from "../core/digest.ts";
import { goJson } from "../core/go_json.ts";

/**
 * The correlation id of an invocation: hex of the first 12 bytes of SHA-256
 * over the trimmed argv (argv[0] is always the literal "gait") joined by 0x1F.
 *
 * @example
 * ```ts
 * correlationId(["version"]).length; // 24
 * ```
 */
export function correlationId(args: readonly string[]): string {
  return sha256Hex(["gait", ...args].map((a) => a.trim()).join("\x1f")).slice(0, 24);
}

/**
 * Renders a `--json` output: one compact line with keys sorted at every depth,
 * Go escaping, `correlation_id` injected, and the error envelope when `error`
 * is set.
 *
 * @example
 * ```ts
 * renderJson({ ok: true }, "abc", 0); // '{"correlation_id":"abc","ok":true}\n'
 * ```
 */
export function renderJson(
  value: Record<string, unknown>,
  correlation: string,
  exitCode: number,
  category?: ErrorCategory,
): string {
  let out: Record<string, unknown> = { ...value };
  if (!("correlation_id" in out)) out.correlation_id = correlation;
  out = applyErrorEnvelope(out, exitCode, exitCode === 1 ? category : undefined);
  return goJson(out, { sortKeys: true }) + "\n";
}
