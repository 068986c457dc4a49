/**
 * Timestamps as strings with Go's RFC3339Nano semantics (spec 01 §1): up to 9
 * fractional digits, trailing zeros trimmed, `Z` for a zero offset, any other
 * offset kept as `±hh:mm`. Values never pass through `Date`, which would lose
 * sub-millisecond precision.
 *
 * @module
 */

import { GaitError } from "./errors.ts";

/** A parsed instant with the offset it was written in. */
export interface Timestamp {
  /** Seconds since the Unix epoch (UTC). */
  readonly unixSeconds: number;
  /** Nanoseconds within the second, 0–999999999. */
  readonly nanos: number;
  /** The written offset from UTC in minutes (0 for `Z`). */
  readonly offsetMinutes: number;
}

/** Go's zero time, which Go prints for timestamps that were never set. */
export const ZERO_TIME = "0001-01-01T00:00:00Z";

const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const mp = (m + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function civilFromDays(z: number): [number, number, number] {
  const zz = z + 719468;
  const era = Math.floor(zz / 146097);
  const doe = zz - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) -
      Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return [era * 400 + yoe + (m <= 2 ? 1 : 0), m, d];
}

function daysInMonth(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(m) ? 30 : 31;
}

/**
 * Parses an RFC 3339 timestamp, or returns null when it is not one.
 *
 * @example
 * ```ts
 * tryParseTimestamp("2026-02-05T00:00:00.5+01:00")?.nanos; // 500000000
 * ```
 */
export function tryParseTimestamp(text: string): Timestamp | null {
  const m = RFC3339.exec(text);
  if (!m) return null;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const hour = Number(m[4]);
  const minute = Number(m[5]);
  const second = Number(m[6]);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  if (hour > 23 || minute > 59 || second > 59) return null;
  const nanos = m[7] ? Number(m[7].padEnd(9, "0")) : 0;
  let offsetMinutes = 0;
  if (m[9]) {
    const oh = Number(m[10]);
    const om = Number(m[11]);
    if (oh > 23 || om > 59) return null;
    offsetMinutes = (m[9] === "-" ? -1 : 1) * (oh * 60 + om);
  }
  const local = daysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second;
  return { unixSeconds: local - offsetMinutes * 60, nanos, offsetMinutes };
}

/**
 * Parses an RFC 3339 timestamp; throws `invalid_input` naming the field.
 *
 * @example
 * ```ts
 * parseTimestamp("2026-02-05T00:00:00Z", "created_at").unixSeconds; // 1770249600
 * ```
 */
export function parseTimestamp(text: string, field = "timestamp"): Timestamp {
  const t = tryParseTimestamp(text);
  if (!t) throw new GaitError("invalid_input", `${field}: invalid RFC3339 timestamp: ${text}`);
  return t;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, "0");
}

/**
 * Formats as Go RFC3339Nano, in the timestamp's own offset.
 *
 * @example
 * ```ts
 * formatTimestamp({ unixSeconds: 0, nanos: 120000000, offsetMinutes: 0 }); // "1970-01-01T00:00:00.12Z"
 * ```
 */
export function formatTimestamp(t: Timestamp, options: { seconds?: boolean } = {}): string {
  const local = t.unixSeconds + t.offsetMinutes * 60;
  const days = Math.floor(local / 86400);
  const secOfDay = local - days * 86400;
  const [y, mo, d] = civilFromDays(days);
  if (y < 0 || y > 9999) {
    throw new GaitError("invalid_input", "timestamp year outside of range [0,9999]");
  }
  let out = `${pad(y, 4)}-${pad(mo, 2)}-${pad(d, 2)}T${pad(Math.floor(secOfDay / 3600), 2)}:${
    pad(Math.floor((secOfDay % 3600) / 60), 2)
  }:${pad(secOfDay % 60, 2)}`;
  if (t.nanos !== 0 && !options.seconds) out += "." + pad(t.nanos, 9).replace(/0+$/, "");
  if (t.offsetMinutes === 0) return out + "Z";
  const sign = t.offsetMinutes < 0 ? "-" : "+";
  const abs = Math.abs(t.offsetMinutes);
  return `${out}${sign}${pad(Math.floor(abs / 60), 2)}:${pad(abs % 60, 2)}`;
}

/**
 * Re-prints a timestamp in Go's RFC3339Nano form, keeping its offset.
 *
 * @example
 * ```ts
 * normalizeTimestamp("2026-02-05T00:00:00.100000Z"); // "2026-02-05T00:00:00.1Z"
 * ```
 */
export function normalizeTimestamp(text: string, field = "timestamp"): string {
  return formatTimestamp(parseTimestamp(text, field));
}

/**
 * Converts a timestamp to UTC and prints it in RFC3339Nano form.
 *
 * @example
 * ```ts
 * toUtcTimestamp("2026-02-05T01:00:00+01:00"); // "2026-02-05T00:00:00Z"
 * ```
 */
export function toUtcTimestamp(text: string, field = "timestamp"): string {
  return formatTimestamp({ ...parseTimestamp(text, field), offsetMinutes: 0 });
}

/**
 * True when a timestamp is Go's zero time (in any offset).
 *
 * @example
 * ```ts
 * isZeroTimestamp("0001-01-01T00:00:00Z"); // true
 * ```
 */
export function isZeroTimestamp(text: string): boolean {
  const t = tryParseTimestamp(text);
  return t !== null && t.nanos === 0 && t.unixSeconds === ZERO_UNIX_SECONDS;
}

const ZERO_UNIX_SECONDS = daysFromCivil(1, 1, 1) * 86400;

/**
 * Adds whole seconds, keeping the offset.
 *
 * @example
 * ```ts
 * addSeconds("2026-02-05T00:00:00Z", 2); // "2026-02-05T00:00:02Z"
 * ```
 */
export function addSeconds(text: string, seconds: number): string {
  const t = parseTimestamp(text);
  return formatTimestamp({ ...t, unixSeconds: t.unixSeconds + seconds });
}

/**
 * Unix nanoseconds of a timestamp, exactly, as a bigint.
 *
 * @example
 * ```ts
 * unixNanos("1980-01-01T00:00:00Z"); // 315532800000000000n
 * ```
 */
export function unixNanos(text: string): bigint {
  const t = parseTimestamp(text);
  return BigInt(t.unixSeconds) * 1_000_000_000n + BigInt(t.nanos);
}

/**
 * Compares two timestamps by instant: negative, zero or positive.
 *
 * @example
 * ```ts
 * compareTimestamps("2026-01-01T00:00:00Z", "2026-01-01T01:00:00+01:00"); // 0
 * ```
 */
export function compareTimestamps(a: string, b: string): number {
  const ta = parseTimestamp(a);
  const tb = parseTimestamp(b);
  return ta.unixSeconds !== tb.unixSeconds ? ta.unixSeconds - tb.unixSeconds : ta.nanos - tb.nanos;
}

/** A source of the current time, injected so tests and flags are reproducible. */
export interface Clock {
  /** The current instant as a UTC RFC3339Nano string. */
  now(): string;
}

/**
 * The system clock, in UTC, at microsecond resolution where the platform has it.
 *
 * @example
 * ```ts
 * systemClock.now().endsWith("Z"); // true
 * ```
 */
export const systemClock: Clock = {
  now(): string {
    const micros = Math.floor((performance.timeOrigin + performance.now()) * 1000);
    const unixSeconds = Math.floor(micros / 1_000_000);
    const nanos = (micros - unixSeconds * 1_000_000) * 1000;
    return formatTimestamp({ unixSeconds, nanos, offsetMinutes: 0 });
  },
};

/**
 * A clock frozen at one instant.
 *
 * @example
 * ```ts
 * fixedClock("2026-02-05T00:00:00Z").now(); // "2026-02-05T00:00:00Z"
 * ```
 */
export function fixedClock(at: string): Clock {
  const value = normalizeTimestamp(at);
  return { now: () => value };
}
