/**
 * `gait doctor`: environment, key, runtime-permission and production
 * readiness diagnosis (spec 03 §2.3, spec 04 §6).
 *
 * @module
 */

export * from "./types.ts";
export * from "./doctor.ts";
export * from "./runtime_permissions.ts";
export * from "./job_durability.ts";
