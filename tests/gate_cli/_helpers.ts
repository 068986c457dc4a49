/**
 * Shared helpers of the gate pipeline tests: fixture paths, keys, and an
 * in-process `runGateEval` with a fixed clock and no files written.
 */

import { fixedClock } from "../../src/core/timestamp.ts";
import type { JsonValue } from "../../src/core/json_value.ts";
import {
  generateKeyPair,
  parsePrivateKey,
  parsePublicKey,
  type PrivateKeyMaterial,
  type PublicKeyMaterial,
  publicKeyOf,
} from "../../src/crypto/mod.ts";
import {
  type GateEvalOptions,
  type GateEvalResult,
  loadedPolicy,
  runGateEval,
} from "../../src/gate/eval_pipeline.ts";
import { parsePolicyYaml } from "../../src/gate/mod.ts";

/** Repository root. */
export const ROOT: string = new URL("../..", import.meta.url).pathname.replace(/\/$/, "");
/** The scenario fixtures directory. */
export const SCENARIOS = `${ROOT}/fixtures/scenarios/gait`;
/** The V4 test key (spec 01 §10). */
export const V4_PRIVATE = `${ROOT}/fixtures/keys/v4_test_private.key`;
/** The V4 test public key. */
export const V4_PUBLIC = `${ROOT}/fixtures/keys/v4_test_public.key`;
/** A fixed wall clock well before the fixture tokens expire (2036). */
export const CLOCK_NOW = "2026-03-01T00:00:00Z";

/** Reads a scenario file as text. */
export function scenarioText(name: string, file: string): string {
  return Deno.readTextFileSync(`${SCENARIOS}/${name}/${file}`);
}

/** Reads a scenario file as JSON. */
export function scenarioJson(name: string, file: string): JsonValue {
  return JSON.parse(scenarioText(name, file));
}

/** The V4 private key. */
export function v4Key(): Promise<PrivateKeyMaterial> {
  return parsePrivateKey(Deno.readTextFileSync(V4_PRIVATE), "v4");
}

/** A signing-key provider for a fixed key. */
export function signingKeyOf(key: PrivateKeyMaterial): GateEvalOptions["signingKey"] {
  return async () => ({ signer: key, verifier: await publicKeyOf(key), warnings: [] });
}

/** Runs the pipeline in-process without writing files. */
export async function evalInProcess(
  policyYaml: string,
  intent: JsonValue,
  options: Partial<GateEvalOptions> = {},
): Promise<GateEvalResult> {
  return await runGateEval(loadedPolicy(parsePolicyYaml(policyYaml)), intent, {
    clock: fixedClock(CLOCK_NOW),
    signingKey: signingKeyOf(await generateKeyPair()),
    traceOut: null,
    writeArtifacts: false,
    ...options,
  });
}

/** The approval public key of the scenario fixtures. */
export function scenarioApprovalKey(name: string): Promise<PublicKeyMaterial> {
  return parsePublicKey(scenarioText(name, "approval_public.key"), "approval");
}

/** A raw intent (tool.write on /tmp/x), with context patched in. */
export function writeIntent(context: Record<string, unknown> = {}): Record<string, JsonValue> {
  return {
    tool_name: "tool.write",
    args: { path: "/tmp/x.txt" },
    targets: [{
      kind: "path",
      value: "/tmp/x.txt",
      operation: "write",
      endpoint_class: "fs.write",
    }],
    arg_provenance: [{ arg_path: "$.path", source: "user" }],
    context: {
      identity: "agent.test",
      workspace: "/repo",
      risk_class: "high",
      ...context,
    } as JsonValue,
  };
}
