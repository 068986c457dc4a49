/**
 * RFC 8785 JSON Canonicalization Scheme (JCS), the single serializer for every
 * digest-bearing document (spec 01 §1).
 *
 * @module
 */

import { GaitError } from "./errors.ts";

const encoder = new TextEncoder();

/**
 * Serializes a value as RFC 8785 canonical JSON text: object keys sorted by
 * UTF-16 code units, numbers in ECMAScript form, minimal string escaping, lone
 * surrogates replaced by U+FFFD, no whitespace. Properties whose value is
 * `undefined` are omitted, as `JSON.stringify` does.
 *
 * @example
 * ```ts
 * canonicalJson({ b: 1, a: [true, "x"] }); // '{"a":[true,"x"],"b":1}'
 * ```
 */
export function canonicalJson(value: unknown): string {
  return serialize(value, 0);
}

/**
 * The UTF-8 bytes of {@link canonicalJson}.
 *
 * @example
 * ```ts
 * canonicalJsonBytes({ a: 1 }).length; // 7
 * ```
 */
export function canonicalJsonBytes(value: unknown): Uint8Array {
  return encoder.encode(canonicalJson(value));
}

function serializeString(s: string): string {
  return JSON.stringify(s.isWellFormed() ? s : s.toWellFormed());
}

function serialize(value: unknown, depth: number): string {
  if (depth > 1000) throw new GaitError("invalid_input", "canonical json: nesting too deep");
  switch (typeof value) {
    case "string":
      return serializeString(value);
    case "number":
      if (!Number.isFinite(value)) {
        throw new GaitError("invalid_input", "canonical json: non-finite number");
      }
      return JSON.stringify(value);
    case "boolean":
      return value ? "true" : "false";
    case "object": {
      if (value === null) return "null";
      if (Array.isArray(value)) {
        let out = "[";
        for (let i = 0; i < value.length; i++) {
          if (i > 0) out += ",";
          const item = value[i];
          out += item === undefined ? "null" : serialize(item, depth + 1);
        }
        return out + "]";
      }
      const record = value as Record<string, unknown>;
      const keys = Object.keys(record).filter((k) => record[k] !== undefined).sort();
      let out = "{";
      for (let i = 0; i < keys.length; i++) {
        const key = keys[i]!;
        if (i > 0) out += ",";
        out += serializeString(key) + ":" + serialize(record[key], depth + 1);
      }
      return out + "}";
    }
    case "bigint":
      throw new GaitError("invalid_input", "canonical json: bigint is not a JSON value");
    default:
      throw new GaitError(
        "invalid_input",
        `canonical json: unsupported value of type ${typeof value}`,
      );
  }
}
