/**
 * Reading parsed JSON the way Go's `encoding/json` fills a struct ("struct
 * view", spec 01 §1): unknown keys are ignored, keys match field names exactly
 * or case-insensitively with the last matching key winning, `null` leaves the
 * zero value, and a value of the wrong JSON type is an error.
 *
 * @module
 */

import { GaitError } from "./errors.ts";
import { isJsonObject, type JsonObject, type JsonValue } from "./json_value.ts";
import { formatTimestamp, tryParseTimestamp, ZERO_TIME } from "./timestamp.ts";

/**
 * A typed reader over one JSON object, naming the path in errors.
 *
 * @example
 * ```ts
 * const v = new StructView({ Run_ID: "run_x" }, "run");
 * v.string("run_id"); // "run_x"
 * ```
 */
export class StructView {
  readonly #fields = new Map<string, JsonValue>();
  readonly path: string;

  constructor(source: JsonObject, path: string) {
    this.path = path;
    for (const key of Object.keys(source)) {
      // Later keys win, exactly as Go assigns fields in document order.
      this.#fields.set(key.toLowerCase(), source[key]!);
    }
  }

  /**
   * Wraps a value that must be an object (or null/absent → empty).
   *
   * @example
   * ```ts
   * StructView.of({ a: 1 }, "input").number("a"); // 1
   * ```
   */
  static of(value: JsonValue | undefined, path: string): StructView {
    if (value === undefined || value === null) return new StructView({}, path);
    if (!isJsonObject(value)) throw typeError(path, "an object", value);
    return new StructView(value, path);
  }

  /** The raw value of a field, or undefined when absent or null. */
  raw(name: string): JsonValue | undefined {
    const v = this.#fields.get(name.toLowerCase());
    return v === null ? undefined : v;
  }

  /** True when the field is present and not null. */
  has(name: string): boolean {
    return this.raw(name) !== undefined;
  }

  /** A string field ("" when absent). */
  string(name: string): string {
    const v = this.raw(name);
    if (v === undefined) return "";
    if (typeof v !== "string") throw typeError(`${this.path}.${name}`, "a string", v);
    return v;
  }

  /** A boolean field (false when absent). */
  bool(name: string): boolean {
    const v = this.raw(name);
    if (v === undefined) return false;
    if (typeof v !== "boolean") throw typeError(`${this.path}.${name}`, "a boolean", v);
    return v;
  }

  /** A number field (0 when absent). */
  number(name: string): number {
    const v = this.raw(name);
    if (v === undefined) return 0;
    if (typeof v !== "number") throw typeError(`${this.path}.${name}`, "a number", v);
    return v;
  }

  /** An integer field (0 when absent). */
  integer(name: string): number {
    const n = this.number(name);
    if (!Number.isSafeInteger(n)) {
      throw new GaitError("invalid_input", `${this.path}.${name} must be an integer`);
    }
    return n;
  }

  /** An object field (undefined when absent). */
  object(name: string): JsonObject | undefined {
    const v = this.raw(name);
    if (v === undefined) return undefined;
    if (!isJsonObject(v)) throw typeError(`${this.path}.${name}`, "an object", v);
    return v;
  }

  /** A nested struct view (empty when absent). */
  struct(name: string): StructView {
    return StructView.of(this.raw(name), `${this.path}.${name}`);
  }

  /** An array field (undefined when absent). */
  array(name: string): JsonValue[] | undefined {
    const v = this.raw(name);
    if (v === undefined) return undefined;
    if (!Array.isArray(v)) throw typeError(`${this.path}.${name}`, "an array", v);
    return v;
  }

  /** An array of strings (undefined when absent). */
  stringArray(name: string): string[] | undefined {
    const v = this.array(name);
    if (v === undefined) return undefined;
    return v.map((item, i) => {
      if (typeof item !== "string") throw typeError(`${this.path}.${name}[${i}]`, "a string", item);
      return item;
    });
  }

  /**
   * A timestamp field re-printed in Go's RFC3339Nano form (keeping its offset);
   * Go's zero time when absent.
   */
  time(name: string): string {
    const v = this.raw(name);
    if (v === undefined) return ZERO_TIME;
    if (typeof v !== "string") throw typeError(`${this.path}.${name}`, "an RFC3339 timestamp", v);
    const t = tryParseTimestamp(v);
    if (!t) {
      throw new GaitError(
        "invalid_input",
        `${this.path}.${name}: invalid RFC3339 timestamp: ${JSON.stringify(v)}`,
      );
    }
    return formatTimestamp(t);
  }
}

function describe(value: JsonValue): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

function typeError(path: string, expected: string, value: JsonValue): GaitError {
  return new GaitError("invalid_input", `${path} must be ${expected}, got ${describe(value)}`);
}
