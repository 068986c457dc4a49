/**
 * Endpoint class, endpoint domain and destructiveness inference for targets
 * (spec 02 §1.4).
 *
 * @module
 */

import { goLower, goTrim } from "./_text.ts";
import { goUrlHostname } from "./_go_url.ts";

const PATH_READ_OPS = new Set(["read", "get", "list", "open", "cat", "head", "download", "stat"]);
const PATH_WRITE_OPS = new Set([
  "write",
  "append",
  "put",
  "create",
  "update",
  "save",
  "copy",
  "move",
  "rename",
]);
const PATH_DELETE_OPS = new Set(["delete", "remove", "rm", "unlink", "rmdir", "drop", "truncate"]);
const READ_HINTS = ["read", "list", "fetch", "search"];
const WRITE_HINTS = ["write", "update", "save", "create"];
const DELETE_HINTS = ["delete", "remove", "rm", "drop"];
const DNS_OPS = new Set(["dns", "resolve", "lookup"]);
const EXEC_OPS = new Set(["exec", "spawn", "run", "shell", "command"]);
const EXEC_HINTS = ["exec", "shell", "command", "spawn", "run"];
const DESTRUCTIVE_OPS = new Set([
  "delete",
  "remove",
  "rm",
  "unlink",
  "rmdir",
  "drop",
  "truncate",
  "exec",
  "spawn",
]);

function toolHint(toolName: string): string {
  const slash = toolName.lastIndexOf("/");
  return slash >= 0 ? toolName.slice(slash + 1) : toolName;
}

function hintHas(hint: string, words: readonly string[]): boolean {
  for (const w of words) if (hint.includes(w)) return true;
  return false;
}

/** Infers the endpoint class of a target from kind, operation and tool name. */
export function inferEndpointClass(kind: string, operation: string, toolName: string): string {
  switch (kind) {
    case "path": {
      if (PATH_READ_OPS.has(operation)) return "fs.read";
      if (PATH_WRITE_OPS.has(operation)) return "fs.write";
      if (PATH_DELETE_OPS.has(operation)) return "fs.delete";
      const hint = toolHint(toolName);
      if (hintHas(hint, READ_HINTS)) return "fs.read";
      if (hintHas(hint, WRITE_HINTS)) return "fs.write";
      if (hintHas(hint, DELETE_HINTS)) return "fs.delete";
      return "other";
    }
    case "host":
    case "url":
      return DNS_OPS.has(operation) ? "net.dns" : "net.http";
    case "other":
      if (EXEC_OPS.has(operation) || hintHas(toolHint(toolName), EXEC_HINTS)) return "proc.exec";
      return "other";
    default:
      return "other";
  }
}

/** Infers the endpoint domain of a `host` or `url` target ("" otherwise). */
export function inferEndpointDomain(kind: string, value: string): string {
  if (kind === "host") {
    let v = value;
    if (v.startsWith("http://")) v = v.slice(7);
    if (v.startsWith("https://")) v = v.slice(8);
    const slash = v.indexOf("/");
    if (slash >= 0) v = v.slice(0, slash);
    const colon = v.indexOf(":");
    if (colon >= 0) v = v.slice(0, colon);
    // Trimmed so normalization is idempotent: the reference re-normalizes the
    // prepared intent (which trims endpoint_domain) before digesting it.
    return goLower(goTrim(v));
  }
  if (kind === "url") return goLower(goTrim(goUrlHostname(value)));
  return "";
}

/** True when the class or operation implies a destructive action. */
export function inferDestructive(endpointClass: string, operation: string): boolean {
  return endpointClass === "fs.delete" || endpointClass === "proc.exec" ||
    DESTRUCTIVE_OPS.has(operation);
}
