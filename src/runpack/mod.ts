/**
 * Runpacks: record, read, verify (spec 01 §4); replay, diff, reduce (spec 03 §3).
 *
 * @module
 */

export * from "./types.ts";
export * from "./normalize.ts";
export * from "./manifest.ts";
export * from "./parse.ts";
export * from "./write.ts";
export * from "./verify.ts";
export * from "./read.ts";
export * from "./resolve.ts";
export * from "./demo.ts";
export * from "./ticket_footer.ts";
export * from "./replay.ts";
export * from "./diff.ts";
export * from "./reduce.ts";
