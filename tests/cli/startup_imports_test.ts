/**
 * Start-up budget guard (DESIGN "Performance rules"): the commands whose
 * start-up is measured must not import any `node:` module statically. The
 * first `node:` import costs ~30 ms of Node-compat bootstrap, more than the
 * whole `gait verify run_demo` budget leaves; bulk paths load them with
 * `import()` when the data is large enough to repay it.
 *
 * Walks the static import graph that `deno info --json` reports (dynamic
 * `import()`s and type-only imports are not followed).
 */

import assert from "node:assert/strict";
import { REPO_ROOT } from "../helpers/cli.ts";

interface InfoDependency {
  specifier: string;
  code?: { specifier?: string };
  isDynamic?: boolean;
}

interface InfoModule {
  specifier: string;
  dependencies?: InfoDependency[];
}

/** Every `node:` specifier reachable from `entry` through static value imports, with a path to it. */
async function staticNodeImports(entry: string): Promise<string[]> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", "--config", `${REPO_ROOT}/deno.json`, entry],
    cwd: REPO_ROOT,
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  assert.ok(out.success, new TextDecoder().decode(out.stderr));
  const info = JSON.parse(new TextDecoder().decode(out.stdout)) as {
    roots: string[];
    modules: InfoModule[];
  };
  const modules = new Map(info.modules.map((m) => [m.specifier, m]));
  const found: string[] = [];
  const via = new Map<string, string>();
  const queue = [...info.roots];
  const seen = new Set(queue);
  while (queue.length > 0) {
    const current = queue.shift()!;
    for (const dep of modules.get(current)?.dependencies ?? []) {
      const target = dep.code?.specifier;
      if (target === undefined || dep.isDynamic) continue;
      if (target.startsWith("node:")) {
        const chain = [target, current];
        for (let at = via.get(current); at !== undefined; at = via.get(at)) chain.push(at);
        found.push(chain.reverse().map((s) => s.replace(`file://${REPO_ROOT}/`, "")).join(" -> "));
        continue;
      }
      if (!seen.has(target)) {
        seen.add(target);
        via.set(target, current);
        queue.push(target);
      }
    }
  }
  return found;
}

for (
  const module of [
    "cli.ts",
    "src/cli/commands/demo.ts",
    "src/cli/commands/verify.ts",
    "src/cli/commands/run_record.ts",
  ]
) {
  Deno.test(`start-up: ${module} imports no node: module statically`, async () => {
    assert.deepEqual(await staticNodeImports(`${REPO_ROOT}/${module}`), []);
  });
}
