/**
 * Guard: evidence packs for auditors (build, verify, compliance templates),
 * incident packs, encrypted artifacts and retention (spec 01 §8).
 *
 * @module
 */

export * from "./types.ts";
export * from "./templates.ts";
export * from "./manifest.ts";
export * from "./evidence.ts";
export * from "./pdf.ts";
export * from "./pack_build.ts";
export * from "./pack_verify.ts";
export * from "./incident.ts";
export * from "./encryption.ts";
export * from "./retention.ts";
