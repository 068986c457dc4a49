/**
 * The guard state files Gait writes match schemas/v1/gate (kill switch state,
 * approved-script entries, rate-limit state).
 */

import { runGait, withTempDir } from "../helpers/cli.ts";
import { assertMatchesSchema } from "../helpers/schema.ts";
import { V4_PRIVATE } from "../gate_cli/_helpers.ts";
import { gateEval, intent, writeJson } from "./_guards.ts";

Deno.test("schemas: kill switch state, approved-script entries and rate-limit state", async () => {
  await withTempDir(async (dir) => {
    await runGait([
      "kill-switch",
      "add",
      "--state",
      "ks.json",
      "--tool-name",
      "tool.x",
      "--path-prefixes",
      "/srv,/tmp",
      "--reason",
      "r",
      "--actor",
      "me",
      "--expires-at",
      "2030-01-01T00:00:00Z",
    ], { cwd: dir });
    await runGait(["kill-switch", "add", "--state", "ks.json", "--identity", "bob"], { cwd: dir });
    await assertMatchesSchema(
      "gate/kill_switch_state",
      JSON.parse(Deno.readTextFileSync(`${dir}/ks.json`)),
    );

    Deno.writeTextFileSync(
      `${dir}/policy.yaml`,
      "default_verdict: allow\nrules:\n  - name: r\n    effect: allow\n    match: {tool_names: [tool.write]}\n    rate_limit: {requests: 3, window: minute, scope: identity}\n",
    );
    writeJson(`${dir}/intent.json`, intent("tool.write"));
    await gateEval(dir);
    await assertMatchesSchema(
      "gate/rate_limit_state",
      JSON.parse(Deno.readTextFileSync(`${dir}/.gait-out/gate_rate_limits.json`)),
    );

    writeJson(`${dir}/script.json`, {
      tool_name: "script",
      context: { identity: "a", workspace: "/w", risk_class: "low" },
      script: {
        steps: [{
          tool_name: "tool.read",
          targets: [{ kind: "path", value: "/a", operation: "read" }],
        }],
      },
    });
    await runGait([
      "approve-script",
      "--policy",
      "policy.yaml",
      "--intent",
      "script.json",
      "--registry",
      "reg.json",
      "--approver",
      "secops",
      "--scope",
      "risk:low",
      "--key-mode",
      "prod",
      "--private-key",
      V4_PRIVATE,
    ], { cwd: dir });
    for (const e of JSON.parse(Deno.readTextFileSync(`${dir}/reg.json`)).entries) {
      await assertMatchesSchema("gate/approved_script_entry", e);
    }
  });
});
