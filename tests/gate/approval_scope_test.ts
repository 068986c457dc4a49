/**
 * Approval scope (spec 02 §5.2) and the destructive-target test of the
 * destructive budget (§6.1).
 */

import assert from "node:assert/strict";
import {
  hasDestructiveTarget,
  normalizeIntent,
  requiredApprovalScope,
} from "../../src/gate/mod.ts";
import { rawIntent } from "./_helpers.ts";

Deno.test("§5.2 required scope: tool:<tool_name>", () => {
  assert.deepEqual(requiredApprovalScope(normalizeIntent(rawIntent({ tool_name: "Tool.Write" }))), [
    "tool:tool.write",
  ]);
});

Deno.test("§5.2 required scope: destructive apply adds phase:apply and destructive:apply", () => {
  const intent = normalizeIntent(
    rawIntent({ targets: [{ kind: "path", value: "/x", operation: "delete" }] }),
  );
  assert.deepEqual(requiredApprovalScope(intent), [
    "destructive:apply",
    "phase:apply",
    "tool:tool.read",
  ]);
  const plan = normalizeIntent(
    rawIntent({
      targets: [{ kind: "path", value: "/x", operation: "delete" }],
      context: { phase: "plan" },
    }),
  );
  assert.deepEqual(requiredApprovalScope(plan), ["tool:tool.read"]);
});

Deno.test("§5.2 required scope of a script is tool:script", () => {
  assert.deepEqual(
    requiredApprovalScope(normalizeIntent(rawIntent({ script: { steps: [{ tool_name: "a" }] } }))),
    ["tool:script"],
  );
});

Deno.test("§6.1 destructive budget applies when a (step) target is destructive", () => {
  assert.equal(hasDestructiveTarget(normalizeIntent(rawIntent())), false);
  const script = normalizeIntent(rawIntent({
    targets: [{ kind: "path", value: "/r", operation: "read" }],
    script: {
      steps: [{ tool_name: "a", targets: [{ kind: "path", value: "/x", operation: "rm" }] }],
    },
  }));
  assert.equal(hasDestructiveTarget(script), true);
});
