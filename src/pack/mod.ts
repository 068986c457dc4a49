/**
 * PackSpec v1 packs (spec 01 §5): build, verify, inspect, diff and export
 * (OTEL JSONL, PostgreSQL SQL), plus proof records.
 *
 * @module
 */

export * from "./types.ts";
export * from "./manifest.ts";
export * from "./proof_records.ts";
export * from "./payload.ts";
export * from "./build.ts";
export * from "./source.ts";
export * from "./read.ts";
export * from "./verify.ts";
export * from "./inspect.ts";
export * from "./diff.ts";
export * from "./export.ts";
