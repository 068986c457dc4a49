/**
 * Strict reading of the regress documents (gait.yaml, fixture.json): JSON
 * with no duplicate keys and no unknown fields, so a typo in a fixture can
 * never silently switch a check off.
 *
 * @module
 */

import { GaitError } from "../core/errors.ts";
import { isJsonObject, type JsonObject } from "../core/json_value.ts";
import { parseStrictJsonBytes } from "../core/strict_json.ts";
import { StructView } from "../core/struct_view.ts";

/**
 * Parses bytes as one JSON object whose keys (case-insensitively, as Go
 * matches struct fields) are all in `fields`.
 *
 * @example
 * ```ts
 * const view = strictObject(bytes, "gait.yaml", ["schema_id", "fixtures"]);
 * ```
 */
export function strictObject(
  bytes: Uint8Array,
  label: string,
  fields: readonly string[],
): StructView {
  const value = parseStrictJsonBytes(bytes, { label });
  if (!isJsonObject(value)) throw new GaitError("invalid_input", `${label} must be a JSON object`);
  return strictView(value, label, fields);
}

/**
 * Wraps an already parsed object, rejecting unknown keys.
 *
 * @example
 * ```ts
 * strictView({ name: "a" }, "fixtures[0]", ["name", "run_id", "runpack"]);
 * ```
 */
export function strictView(value: unknown, label: string, fields: readonly string[]): StructView {
  if (!isJsonObject(value)) throw new GaitError("invalid_input", `${label} must be a JSON object`);
  const allowed = new Set(fields.map((f) => f.toLowerCase()));
  for (const key of Object.keys(value as JsonObject)) {
    if (!allowed.has(key.toLowerCase())) {
      throw new GaitError("invalid_input", `${label}: unknown field ${JSON.stringify(key)}`);
    }
  }
  return new StructView(value as JsonObject, label);
}
