/**
 * Go `time.ParseDuration` / `Duration.String` with exact nanosecond integers,
 * used where a duration is digested (`mcp_trust.max_age` → `24h0m0s`).
 *
 * @module
 */

const UNITS: Record<string, bigint> = {
  ns: 1n,
  us: 1000n,
  "µs": 1000n,
  "μs": 1000n,
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};

const MAX_INT64 = (1n << 63n) - 1n;
const LIMIT = 1n << 63n;

/**
 * Parses a Go duration into nanoseconds; null when Go would reject it.
 *
 * @example
 * ```ts
 * parseGoDurationNanos("1h30m"); // 5400000000000n
 * ```
 */
export function parseGoDurationNanos(text: string): bigint | null {
  let s = text;
  let neg = false;
  if (s !== "" && (s[0] === "-" || s[0] === "+")) {
    neg = s[0] === "-";
    s = s.slice(1);
  }
  if (s === "0") return 0n;
  if (s === "") return null;
  let d = 0n;
  while (s !== "") {
    const c = s.charCodeAt(0);
    if (!(c === 0x2e || (c >= 0x30 && c <= 0x39))) return null;
    let i = 0;
    let v = 0n;
    while (i < s.length && s.charCodeAt(i) >= 0x30 && s.charCodeAt(i) <= 0x39) {
      v = v * 10n + BigInt(s.charCodeAt(i) - 0x30);
      if (v > LIMIT) return null;
      i++;
    }
    const pre = i > 0;
    s = s.slice(i);
    let f = 0n;
    let scale = 1;
    let post = false;
    if (s !== "" && s[0] === ".") {
      s = s.slice(1);
      let j = 0;
      let overflow = false;
      while (j < s.length && s.charCodeAt(j) >= 0x30 && s.charCodeAt(j) <= 0x39) {
        if (!overflow) {
          const next = f * 10n + BigInt(s.charCodeAt(j) - 0x30);
          if (next > LIMIT) overflow = true;
          else {
            f = next;
            scale *= 10;
          }
        }
        j++;
      }
      post = j > 0;
      s = s.slice(j);
    }
    if (!pre && !post) return null;
    let k = 0;
    while (k < s.length) {
      const ch = s.charCodeAt(k);
      if (ch === 0x2e || (ch >= 0x30 && ch <= 0x39)) break;
      k++;
    }
    if (k === 0) return null;
    const unit = UNITS[s.slice(0, k)];
    if (unit === undefined) return null;
    s = s.slice(k);
    if (v > LIMIT / unit) return null;
    v *= unit;
    if (f > 0n) {
      v += BigInt(Math.trunc(Number(f) * (Number(unit) / scale)));
      if (v > LIMIT) return null;
    }
    d += v;
    if (d > LIMIT) return null;
  }
  if (neg) return -d;
  if (d > MAX_INT64) return null;
  return d;
}

function fmtFrac(v: bigint, prec: number): [string, bigint] {
  let out = "";
  let print = false;
  for (let i = 0; i < prec; i++) {
    const digit = v % 10n;
    print = print || digit !== 0n;
    if (print) out = digit.toString() + out;
    v /= 10n;
  }
  if (print) out = "." + out;
  return [out, v];
}

/**
 * Go `Duration.String` of a nanosecond count (`24h0m0s`, `1.5s`, `500ms`, `0s`).
 *
 * @example
 * ```ts
 * formatGoDuration(86_400_000_000_000n); // "24h0m0s"
 * ```
 */
export function formatGoDuration(nanos: bigint): string {
  const neg = nanos < 0n;
  let u = neg ? -nanos : nanos;
  let out: string;
  if (u < 1_000_000_000n) {
    if (u === 0n) return "0s";
    let prec: number;
    let unit: string;
    if (u < 1000n) {
      prec = 0;
      unit = "ns";
    } else if (u < 1_000_000n) {
      prec = 3;
      unit = "µs";
    } else {
      prec = 6;
      unit = "ms";
    }
    const [frac, rest] = fmtFrac(u, prec);
    out = rest.toString() + frac + unit;
  } else {
    const [frac, secs] = fmtFrac(u, 9);
    u = secs;
    out = (u % 60n).toString() + frac + "s";
    u /= 60n;
    if (u > 0n) {
      out = (u % 60n).toString() + "m" + out;
      u /= 60n;
      if (u > 0n) out = u.toString() + "h" + out;
    }
  }
  return neg ? "-" + out : out;
}
