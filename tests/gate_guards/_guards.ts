/**
 * Shared fixtures of the runtime-guard tests: policies and intents written
 * into a temp dir, and a `gate eval` runner.
 */

import { type GaitResult, runGait } from "../helpers/cli.ts";

/** Writes a JSON file. */
export function writeJson(path: string, value: unknown): void {
  Deno.writeTextFileSync(path, JSON.stringify(value, null, 2));
}

/** A single intent; `tool` decides destructiveness (tool.delete → fs.delete). */
export function intent(
  tool = "tool.write",
  context: Record<string, unknown> = {},
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  const op = tool === "tool.delete" ? "delete" : tool === "tool.read" ? "read" : "write";
  return {
    tool_name: tool,
    args: { path: "/srv/app/x.txt" },
    targets: [{ kind: "path", value: "/srv/app/x.txt", operation: op }],
    arg_provenance: [{ arg_path: "$.path", source: "user" }],
    context: { identity: "alice", workspace: "/repo", risk_class: "low", ...context },
    ...extra,
  };
}

/** Runs `gait gate eval --json` in `dir` with policy.yaml and intent.json. */
export function gateEval(
  dir: string,
  flags: string[] = [],
  env?: Record<string, string>,
): Promise<GaitResult> {
  return runGait([
    "gate",
    "eval",
    "--policy",
    "policy.yaml",
    "--intent",
    "intent.json",
    "--trace-out",
    ".gait-out/trace.json",
    "--json",
    ...flags,
  ], { cwd: dir, env });
}
