/**
 * Strict reading of PackSpec documents (spec 01 §11.1): the Go tool decodes
 * pack manifests, payloads and job documents with unknown fields disallowed.
 * Here every key must be a known field name, spelled exactly (Go would also
 * accept other letter cases; no Gait writer produces them), every value must
 * have its field's JSON type, and `null` leaves the zero value as in Go.
 *
 * @module
 */

import { type ErrorCategory, GaitError } from "../core/errors.ts";
import { isJsonObject, type JsonObject, type JsonValue } from "../core/json_value.ts";
import { formatTimestamp, tryParseTimestamp, ZERO_TIME } from "../core/timestamp.ts";

function describe(value: JsonValue): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

/** A typed reader over one JSON object whose keys are all known. */
export class StrictObject {
  readonly #value: JsonObject;

  /**
   * Checks that `value` is an object with only `fields` as keys; failures
   * throw a GaitError of `category` naming `path`.
   */
  constructor(
    value: JsonValue | undefined,
    readonly path: string,
    fields: readonly string[],
    readonly category: ErrorCategory,
  ) {
    if (!isJsonObject(value)) {
      throw new GaitError(category, `${path} must be an object, got ${describe(value ?? null)}`);
    }
    const known = new Set(fields);
    for (const key of Object.keys(value)) {
      if (!known.has(key)) {
        throw new GaitError(category, `${path}: unknown field ${JSON.stringify(key)}`);
      }
    }
    this.#value = value;
  }

  /** Throws this reader's error category with a message about `field`. */
  fail(field: string, message: string): never {
    throw new GaitError(this.category, `${this.path}.${field} ${message}`);
  }

  /** The raw value (undefined when absent or null). */
  raw(field: string): JsonValue | undefined {
    const v = this.#value[field];
    return v === null ? undefined : v;
  }

  /** A string field ("" when absent). */
  str(field: string): string {
    const v = this.raw(field);
    if (v === undefined) return "";
    if (typeof v !== "string") this.fail(field, `must be a string, got ${describe(v)}`);
    return v;
  }

  /** An integer field (0 when absent). */
  int(field: string): number {
    const v = this.raw(field);
    if (v === undefined) return 0;
    if (typeof v !== "number" || !Number.isSafeInteger(v)) {
      this.fail(field, `must be an integer, got ${describe(v)}`);
    }
    return v;
  }

  /** A boolean field (false when absent). */
  bool(field: string): boolean {
    const v = this.raw(field);
    if (v === undefined) return false;
    if (typeof v !== "boolean") this.fail(field, `must be a boolean, got ${describe(v)}`);
    return v;
  }

  /** A timestamp in Go's RFC3339Nano form, Go's zero time when absent. */
  time(field: string): string {
    const v = this.raw(field);
    if (v === undefined) return ZERO_TIME;
    if (typeof v !== "string") this.fail(field, `must be an RFC3339 timestamp, got ${describe(v)}`);
    const t = tryParseTimestamp(v);
    if (!t) this.fail(field, `is not an RFC3339 timestamp: ${JSON.stringify(v)}`);
    return formatTimestamp(t);
  }

  /** An array field (undefined when absent). */
  arr(field: string): JsonValue[] | undefined {
    const v = this.raw(field);
    if (v === undefined) return undefined;
    if (!Array.isArray(v)) this.fail(field, `must be an array, got ${describe(v)}`);
    return v;
  }

  /** An array of strings (undefined when absent). */
  strings(field: string): string[] | undefined {
    return this.arr(field)?.map((item, i) => {
      if (typeof item !== "string") {
        throw new GaitError(
          this.category,
          `${this.path}.${field}[${i}] must be a string, got ${describe(item)}`,
        );
      }
      return item;
    });
  }

  /** An object field, unchecked (undefined when absent). */
  obj(field: string): JsonObject | undefined {
    const v = this.raw(field);
    if (v === undefined) return undefined;
    if (!isJsonObject(v)) this.fail(field, `must be an object, got ${describe(v)}`);
    return v;
  }
}
