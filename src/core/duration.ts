/**
 * Go `time.ParseDuration` syntax ("24h", "1h30m", "500ms", "-1.5s").
 *
 * @module
 */

import { GaitError } from "./errors.ts";

const UNIT_NANOS: Record<string, number> = {
  ns: 1,
  us: 1e3,
  "µs": 1e3,
  "μs": 1e3,
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3600e9,
};

/**
 * Parses a Go duration into milliseconds (fractional where needed).
 *
 * @example
 * ```ts
 * parseGoDuration("1h30m"); // 5400000
 * ```
 */
export function parseGoDuration(text: string): number {
  const original = text;
  let s = text;
  let sign = 1;
  if (s.startsWith("-") || s.startsWith("+")) {
    if (s[0] === "-") sign = -1;
    s = s.slice(1);
  }
  if (s === "0") return 0;
  if (s === "") throw new GaitError("invalid_input", `time: invalid duration "${original}"`);
  let nanos = 0;
  const re = /^(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/;
  while (s.length > 0) {
    const m = re.exec(s);
    if (!m) throw new GaitError("invalid_input", `time: invalid duration "${original}"`);
    nanos += Number(m[1]) * UNIT_NANOS[m[2]!]!;
    s = s.slice(m[0].length);
  }
  return (sign * nanos) / 1e6;
}
