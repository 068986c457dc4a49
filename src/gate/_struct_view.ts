/**
 * Reads JSON objects the way Go's `encoding/json` fills a struct (spec 01 §1,
 * "struct view"): unknown keys are ignored, keys match field names
 * case-insensitively (Go's fold: ASCII case plus U+212A→k and U+017F→s), the
 * last matching key wins, `null` leaves the zero value, wrong JSON types fail.
 *
 * @module
 */

import { GaitError } from "../core/errors.ts";
import { formatTimestamp, tryParseTimestamp, ZERO_TIME } from "../core/timestamp.ts";

function foldKey(key: string): string {
  let k = key;
  if (k.includes("\u212a") || k.includes("\u017f")) {
    k = k.replaceAll("\u212a", "k").replaceAll("\u017f", "s");
  }
  return /[A-Z]/.test(k) ? k.replace(/[A-Z]+/g, (m) => m.toLowerCase()) : k;
}

/** Replaces lone surrogates with U+FFFD, as Go's JSON decoder does. */
export function wellFormed(s: string): string {
  return s.isWellFormed() ? s : s.toWellFormed();
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value;
}

/** A typed, struct-view accessor over one JSON object. */
export class StructReader {
  readonly #index = new Map<string, unknown>();

  constructor(
    obj: Record<string, unknown>,
    readonly path: string,
    readonly prefix: string,
  ) {
    for (const key of Object.keys(obj)) this.#index.set(foldKey(key), obj[key]);
  }

  /** Throws an `invalid_input` error about this object. */
  fail(message: string): never {
    throw new GaitError("invalid_input", `${this.prefix}${message}`);
  }

  /** The dotted path of a field. */
  at(field: string): string {
    return this.path === "" ? field : `${this.path}.${field}`;
  }

  /** The raw value of a field; `undefined` when absent or null. */
  raw(field: string): unknown {
    const v = this.#index.get(field);
    return v === null ? undefined : v;
  }

  /** A string field ("" when absent). */
  str(field: string): string {
    const v = this.raw(field);
    if (v === undefined) return "";
    if (typeof v !== "string") this.fail(`${this.at(field)} must be a string, got ${describe(v)}`);
    return wellFormed(v);
  }

  /** A boolean field (false when absent). */
  bool(field: string): boolean {
    const v = this.raw(field);
    if (v === undefined) return false;
    if (typeof v !== "boolean") {
      this.fail(`${this.at(field)} must be a boolean, got ${describe(v)}`);
    }
    return v;
  }

  /** An integer field (0 when absent). */
  int(field: string): number {
    const v = this.raw(field);
    if (v === undefined) return 0;
    if (typeof v !== "number" || !Number.isSafeInteger(v)) {
      this.fail(`${this.at(field)} must be an integer, got ${JSON.stringify(v) ?? describe(v)}`);
    }
    return v;
  }

  /**
   * A timestamp field as Go RFC3339Nano text in its written offset, or
   * `ZERO_TIME` when absent.
   */
  time(field: string): string {
    const v = this.raw(field);
    if (v === undefined) return ZERO_TIME;
    if (typeof v !== "string") this.fail(`${this.at(field)} must be an RFC 3339 timestamp string`);
    const t = tryParseTimestamp(v);
    if (!t) this.fail(`${this.at(field)} is not an RFC 3339 timestamp: ${JSON.stringify(v)}`);
    return formatTimestamp(t);
  }

  /** A nested object field, or undefined when absent/null. */
  obj(field: string): StructReader | undefined {
    const v = this.raw(field);
    if (v === undefined) return undefined;
    if (typeof v !== "object" || Array.isArray(v)) {
      this.fail(`${this.at(field)} must be an object, got ${describe(v)}`);
    }
    return new StructReader(v as Record<string, unknown>, this.at(field), this.prefix);
  }

  /** An array field ([] when absent/null). */
  arr(field: string): unknown[] {
    const v = this.raw(field);
    if (v === undefined) return [];
    if (!Array.isArray(v)) this.fail(`${this.at(field)} must be an array, got ${describe(v)}`);
    return v;
  }

  /** An array of objects field; null items are zero-valued objects. */
  objList(field: string): StructReader[] {
    const items = this.arr(field);
    const out: StructReader[] = [];
    for (let i = 0; i < items.length; i++) {
      const item = items[i];
      const path = `${this.at(field)}[${i}]`;
      if (item === null) {
        out.push(new StructReader({}, path, this.prefix));
        continue;
      }
      if (typeof item !== "object" || Array.isArray(item)) {
        this.fail(`${path} must be an object, got ${describe(item)}`);
      }
      out.push(new StructReader(item as Record<string, unknown>, path, this.prefix));
    }
    return out;
  }

  /** An array of strings field; null items are "". */
  strList(field: string): string[] {
    const items = this.arr(field);
    const out: string[] = [];
    for (let i = 0; i < items.length; i++) {
      const item = items[i];
      if (item === null) {
        out.push("");
        continue;
      }
      if (typeof item !== "string") {
        this.fail(`${this.at(field)}[${i}] must be a string, got ${describe(item)}`);
      }
      out.push(wellFormed(item));
    }
    return out;
  }
}

/** Wraps a top-level JSON value that must be an object. */
export function structReader(value: unknown, prefix: string, what: string): StructReader {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new GaitError("invalid_input", `${prefix}${what} must be a JSON object`);
  }
  return new StructReader(value as Record<string, unknown>, "", prefix);
}
