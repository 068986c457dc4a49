/**
 * Shared helpers of the gate tests: fixture access, a base intent builder and
 * assertion shortcuts.
 */

import assert from "node:assert/strict";
import { GaitError } from "../../src/core/errors.ts";
import {
  evaluateIntent,
  type EvaluateIntentOptions,
  type GateOutcome,
  normalizeIntent,
  parsePolicyYaml,
  type Policy,
} from "../../src/gate/mod.ts";

/** Repository root (no trailing slash). */
export const ROOT: string = new URL("../..", import.meta.url).pathname.replace(/\/$/, "");
/** The fixed evaluation time of the tests. */
export const NOW = "2026-02-18T12:00:00Z";

/** Reads a repository file as text. */
export function readText(rel: string): string {
  return Deno.readTextFileSync(`${ROOT}/${rel}`);
}

/** Reads a scenario file as JSON. */
export function scenarioJson(name: string, file: string): unknown {
  return JSON.parse(readText(`fixtures/scenarios/gait/${name}/${file}`));
}

/** Parses a scenario's policy. */
export function scenarioPolicy(name: string): Policy {
  return parsePolicyYaml(readText(`fixtures/scenarios/gait/${name}/policy.yaml`));
}

/** A minimal valid raw intent; `patch` is shallow-merged, `context` deep one level. */
export function rawIntent(patch: Record<string, unknown> = {}): Record<string, unknown> {
  const { context, ...rest } = patch;
  return {
    tool_name: "tool.read",
    args: { path: "/repo/a.txt" },
    targets: [{ kind: "path", value: "/repo/a.txt", operation: "read" }],
    arg_provenance: [{ arg_path: "$.path", source: "user" }],
    ...rest,
    context: {
      identity: "alice",
      workspace: "/repo",
      risk_class: "medium",
      ...(context as Record<string, unknown> | undefined),
    },
  };
}

/** Evaluates a raw intent against policy YAML (prepare + evaluate). */
export function evaluateRaw(
  policyYaml: string | Policy,
  raw: unknown,
  options: Partial<EvaluateIntentOptions> = {},
): GateOutcome {
  const policy = typeof policyYaml === "string" ? parsePolicyYaml(policyYaml) : policyYaml;
  return evaluateIntent(policy, normalizeIntent(raw), { evaluationTime: NOW, ...options }).outcome;
}

/** Asserts that `fn` throws a GaitError `invalid_input` whose message matches. */
export function assertInvalidInput(fn: () => unknown, message: RegExp | string): GaitError {
  let caught: GaitError | undefined;
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof GaitError, `expected GaitError, got ${String(error)}`);
    assert.equal(error.category, "invalid_input");
    if (typeof message === "string") assert.equal(error.message, message);
    else assert.match(error.message, message);
    caught = error;
    return true;
  });
  return caught!;
}
