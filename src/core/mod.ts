/**
 * Pure primitives with no I/O: canonical JSON, digests, timestamps, errors and
 * exit codes.
 *
 * @module
 */

export * from "./errors.ts";
export * from "./json_value.ts";
export * from "./strict_json.ts";
export * from "./canonical_json.ts";
export * from "./digest.ts";
export * from "./timestamp.ts";
export * from "./go_json.ts";
export * from "./duration.ts";
export * from "./struct_view.ts";
