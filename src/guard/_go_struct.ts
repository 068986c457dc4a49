/**
 * A declarative "struct view" (spec 01 §1): re-emits a parsed JSON object the
 * way Go's `json.Unmarshal` into a struct followed by `json.Marshal` would.
 * Unknown keys drop out, keys match case-insensitively (last one wins),
 * fields without `omitempty` are always emitted (nil slices as `null`),
 * `omitempty` fields are dropped when zero, and timestamps are re-printed in
 * RFC3339Nano and never dropped.
 *
 * @module
 */

import { GaitError } from "../core/errors.ts";
import type { JsonObject, JsonValue } from "../core/json_value.ts";
import { StructView } from "../core/struct_view.ts";
import { ZERO_TIME } from "../core/timestamp.ts";

/** The Go type of one field. */
export type GoFieldKind =
  | "string"
  | "int"
  | "bool"
  | "time"
  | "strings"
  | "struct"
  | "structs"
  | "raw";

/** One field of a Go struct. */
export interface GoField {
  /** The JSON name. */
  name: string;
  /** The Go type. */
  kind: GoFieldKind;
  /** The `omitempty` tag (ignored for timestamps, which Go never omits). */
  omitempty?: boolean;
  /** The nested struct of `struct` and `structs` fields. */
  fields?: readonly GoField[];
}

function isZero(value: JsonValue | undefined): boolean {
  if (value === undefined || value === null || value === "" || value === 0 || value === false) {
    return true;
  }
  if (Array.isArray(value)) return value.length === 0;
  return false;
}

function viewField(view: StructView, field: GoField): JsonValue | undefined {
  switch (field.kind) {
    case "string":
      return view.string(field.name);
    case "int":
      return view.integer(field.name);
    case "bool":
      return view.bool(field.name);
    case "time":
      return view.time(field.name);
    case "strings":
      return view.stringArray(field.name) ?? null;
    case "raw":
      return view.raw(field.name) ?? null;
    case "struct": {
      if (!view.has(field.name)) return field.omitempty ? undefined : goStructView({}, field, "");
      return goStructView(view.object(field.name)!, field, `${view.path}.${field.name}`);
    }
    case "structs": {
      const items = view.array(field.name);
      if (items === undefined) return null;
      return items.map((item, i) => {
        const at = `${view.path}.${field.name}[${i}]`;
        if (item === null) return goStructView({}, field, at);
        if (typeof item !== "object" || Array.isArray(item)) {
          throw new GaitError("invalid_input", `${at} must be an object`);
        }
        return goStructView(item, field, at);
      });
    }
  }
}

function goStructView(source: JsonObject, parent: GoField, path: string): JsonObject {
  return structViewOf(source, parent.fields ?? [], path);
}

/**
 * Re-emits `source` as the Go struct described by `fields` would marshal it.
 * Type errors (a number where a string belongs, a bad timestamp) are
 * `invalid_input`, as Go's decoder fails on them.
 *
 * @example
 * ```ts
 * structViewOf({ Name: "a", extra: 1 }, [
 *   { name: "name", kind: "string" },
 *   { name: "tags", kind: "strings", omitempty: true },
 *   { name: "created_at", kind: "time" },
 * ], "doc"); // { name: "a", created_at: "0001-01-01T00:00:00Z" }
 * ```
 */
export function structViewOf(
  source: JsonObject,
  fields: readonly GoField[],
  path: string,
): JsonObject {
  const view = new StructView(source, path);
  const out: JsonObject = {};
  for (const field of fields) {
    let value = viewField(view, field);
    if (field.kind === "time") value ??= ZERO_TIME;
    else if (field.omitempty && isZero(value)) continue;
    if (value === undefined) continue;
    out[field.name] = value;
  }
  return out;
}
