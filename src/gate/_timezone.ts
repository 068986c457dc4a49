/**
 * IANA time zones via `Intl`, with Go's rules for wall-clock → UTC conversion
 * (`time.Date`/`ParseInLocation`): in a DST gap the wall time is read with the
 * offset in effect after the transition's lookup (02:30 in a spring-forward gap
 * → 01:30 standard), in an overlap the earlier (first) instant wins.
 *
 * @module
 */

import { formatTimestamp } from "../core/timestamp.ts";

const formatters = new Map<string, Intl.DateTimeFormat | null>();

/** The formatter for a zone, or null when the zone is not a valid IANA name. */
export function zoneFormatter(timeZone: string): Intl.DateTimeFormat | null {
  const cached = formatters.get(timeZone);
  if (cached !== undefined) return cached;
  let fmt: Intl.DateTimeFormat | null = null;
  // Go's LoadLocation is case-sensitive and "Local" is machine-dependent:
  // both are rejected so the verdict never depends on the host.
  if (timeZone !== "" && timeZone !== "Local") {
    try {
      const f = new Intl.DateTimeFormat("en-US", {
        timeZone,
        hourCycle: "h23",
        era: "short",
        year: "numeric",
        month: "numeric",
        day: "numeric",
        hour: "numeric",
        minute: "numeric",
        second: "numeric",
      });
      const resolved = f.resolvedOptions().timeZone;
      const caseVariant = resolved !== timeZone &&
        resolved.toLowerCase() === timeZone.toLowerCase();
      if (!caseVariant) fmt = f;
    } catch {
      fmt = null;
    }
  }
  formatters.set(timeZone, fmt);
  return fmt;
}

function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const mp = (m + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** The zone's UTC offset in seconds at an instant. */
export function zoneOffsetSeconds(fmt: Intl.DateTimeFormat, unixSeconds: number): number {
  const parts = fmt.formatToParts(new Date(unixSeconds * 1000));
  let y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  let bc = false;
  for (const p of parts) {
    switch (p.type) {
      case "year":
        y = Number(p.value);
        break;
      case "month":
        mo = Number(p.value);
        break;
      case "day":
        d = Number(p.value);
        break;
      case "hour":
        h = Number(p.value);
        break;
      case "minute":
        mi = Number(p.value);
        break;
      case "second":
        s = Number(p.value);
        break;
      case "era":
        bc = p.value.startsWith("B");
        break;
    }
  }
  if (bc) y = 1 - y;
  const local = daysFromCivil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s;
  return local - unixSeconds;
}

const WALL = /^(\d{4})-(\d{2})-(\d{2})T(\d{1,2}):(\d{2}):(\d{2})(?:[.,](\d+))?$/;

function daysInMonth(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

/** An instant as whole seconds plus nanoseconds. */
export interface Instant {
  seconds: number;
  nanos: number;
}

/**
 * Converts `YYYY-MM-DDTHH:MM:SS[.fff]` wall-clock text in a zone to an instant,
 * like Go's `time.ParseInLocation("2006-01-02T15:04:05", …)`; null when the
 * text does not parse.
 */
export function wallClockToInstant(text: string, fmt: Intl.DateTimeFormat): Instant | null {
  const m = WALL.exec(text);
  if (!m) return null;
  const y = Number(m[1]), mo = Number(m[2]), d = Number(m[3]);
  const h = Number(m[4]), mi = Number(m[5]), s = Number(m[6]);
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo) || h > 23 || mi > 59 || s > 59) {
    return null;
  }
  const nanos = m[7] ? Number(m[7].slice(0, 9).padEnd(9, "0")) : 0;
  const wall = daysFromCivil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s;
  const guess = wall - zoneOffsetSeconds(fmt, wall);
  return { seconds: wall - zoneOffsetSeconds(fmt, guess), nanos };
}

/** Compares two instants. */
export function compareInstants(a: Instant, b: Instant): number {
  return a.seconds !== b.seconds ? a.seconds - b.seconds : a.nanos - b.nanos;
}

/** An instant as UTC RFC3339Nano text. */
export function formatInstant(i: Instant): string {
  return formatTimestamp({ unixSeconds: i.seconds, nanos: i.nanos, offsetMinutes: 0 });
}
