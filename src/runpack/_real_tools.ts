/**
 * The tools real replay knows how to run (spec 03 §3.3). Only reached after
 * every interlock passed and the tool was allow-listed by name.
 *
 * Shell tools are recognised but refused: the shipped binary has no
 * permission to start subprocesses, and granting one to replay a recorded,
 * untrusted command line is exactly what the permission set exists to prevent.
 *
 * @module
 */

import { digestJson } from "../core/digest.ts";
import { errorMessage } from "../core/errors.ts";
import { isJsonObject } from "../core/json_value.ts";
import { writeFileAtomic } from "../fs/atomic.ts";
import type { IntentRecord } from "./types.ts";

/** The tools real replay recognises. */
export type RealToolKind = "echo" | "file_write" | "shell";

const KINDS: Record<string, RealToolKind> = {
  "echo": "echo",
  "tool.echo": "echo",
  "file.write": "file_write",
  "fs.write": "file_write",
  "write_file": "file_write",
  "shell.exec": "shell",
  "exec": "shell",
  "command.run": "shell",
};

/** Why shell tools never run in this build. */
export const SHELL_REFUSED =
  "shell tools are not executed: this build has no permission to start subprocesses";

/**
 * The real tool behind a tool name (case-insensitive), or undefined.
 *
 * @example
 * ```ts
 * realToolKind("Tool.Echo"); // "echo"
 * ```
 */
export function realToolKind(toolName: string): RealToolKind | undefined {
  return KINDS[toolName.trim().toLowerCase()];
}

/**
 * Runs one allow-listed tool: `echo` returns its arguments, `file_write`
 * writes `args.content` to `args.path` atomically (mode 0600, no `..`),
 * shell and unknown tools are errors.
 *
 * @example
 * ```ts
 * await executeRealTool("echo", intent); // { status: "ok", result_digest: ... }
 * ```
 */
export async function executeRealTool(
  kind: RealToolKind | undefined,
  intent: IntentRecord,
): Promise<{ status: "ok" | "error"; result_digest?: string; error?: string }> {
  const args = isJsonObject(intent.args) ? intent.args : {};
  switch (kind) {
    case "echo":
      return { status: "ok", result_digest: digestJson(args) };
    case "file_write": {
      const path = args.path;
      const content = args.content ?? "";
      if (typeof path !== "string" || path.trim() === "") {
        return { status: "error", error: "file write requires args.path" };
      }
      if (typeof content !== "string") {
        return { status: "error", error: "file write requires string args.content" };
      }
      try {
        await writeFileAtomic(path, content, { mode: 0o600 });
      } catch (error) {
        return { status: "error", error: errorMessage(error) };
      }
      const bytes = new TextEncoder().encode(content).length;
      return { status: "ok", result_digest: digestJson({ path, bytes_written: bytes }) };
    }
    case "shell":
      return { status: "error", error: SHELL_REFUSED };
    default:
      return { status: "error", error: `unsupported real tool: ${intent.tool_name}` };
  }
}
