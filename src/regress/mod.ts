/**
 * Regressions: gait.yaml, fixtures, graders, results and JUnit (spec 03 §4),
 * and the capture receipts `regress add` imports (spec 03 §3.7).
 *
 * @module
 */

export * from "./verdict.ts";
export * from "./fixture.ts";
export * from "./config.ts";
export * from "./capture.ts";
export * from "./init.ts";
export * from "./graders.ts";
export * from "./junit.ts";
export * from "./run.ts";
