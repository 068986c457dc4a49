/**
 * What an approval token must cover for a prepared intent (spec 02 §5.2) and
 * the destructiveness test the destructive budget uses (§6.1).
 *
 * @module
 */

import { sortUnique } from "./_text.ts";
import type { NormalizedIntent } from "./intent_types.ts";

/**
 * True when any prepared target (scripts: top-level targets, else any step
 * target) is destructive.
 *
 * @example
 * ```ts
 * import { normalizeIntent } from "./mod.ts";
 * const intent = normalizeIntent({
 *   tool_name: "fs.delete",
 *   targets: [{ kind: "path", value: "/tmp/x", operation: "delete" }],
 *   context: { identity: "alice", workspace: "/repo", risk_class: "high" },
 * });
 * hasDestructiveTarget(intent); // true
 * ```
 */
export function hasDestructiveTarget(intent: NormalizedIntent): boolean {
  if (intent.targets.some((t) => t.destructive)) return true;
  return intent.script?.steps.some((s) => s.targets.some((t) => t.destructive)) ?? false;
}

/**
 * The approval scope required for a prepared intent: `tool:<tool_name>`, plus
 * `phase:apply` and `destructive:apply` when the phase is `apply` and a
 * prepared (top-level) target is destructive (sorted, unique). Scripts require
 * `tool:script`.
 *
 * @example
 * ```ts
 * import { normalizeIntent } from "./mod.ts";
 * const intent = normalizeIntent({
 *   tool_name: "fs.delete",
 *   targets: [{ kind: "path", value: "/tmp/x", operation: "delete" }],
 *   context: { identity: "alice", workspace: "/repo", risk_class: "high" },
 * });
 * requiredApprovalScope(intent); // ["destructive:apply", "phase:apply", "tool:fs.delete"]
 * ```
 */
export function requiredApprovalScope(intent: NormalizedIntent): string[] {
  const scope = [`tool:${intent.tool_name}`];
  if (intent.context.phase === "apply" && intent.targets.some((t) => t.destructive)) {
    scope.push("phase:apply", "destructive:apply");
  }
  return sortUnique(scope);
}
