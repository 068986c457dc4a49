/**
 * Every YAML example in docs/policy.md is a valid policy (or a valid fragment of
 * one), so the authoring guide cannot drift from the parser.
 */

import assert from "node:assert/strict";
import { parsePolicyYaml } from "../../src/gate/mod.ts";
import { readText } from "./_helpers.ts";

const blocks = [...readText("docs/policy.md").matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) =>
  m[1]!
);

function asPolicy(block: string): string {
  const text = block.replaceAll('"<64 hex>"', "a".repeat(64));
  const first = text.trimStart().split(":")[0]!;
  if (["schema_id", "default_verdict", "rules"].includes(first)) return text;
  const body = text.split("\n").map((l) => "    " + l).join("\n");
  return `rules:\n  - name: example\n    effect: allow\n${body}\n`;
}

Deno.test("docs/policy.md has YAML examples", () => {
  assert.ok(blocks.length >= 8);
});

blocks.forEach((block, i) => {
  Deno.test(`docs/policy.md YAML example ${i + 1} parses (${block.trim().split("\n")[0]})`, () => {
    parsePolicyYaml(asPolicy(block));
  });
});
