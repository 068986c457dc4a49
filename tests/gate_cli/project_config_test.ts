/**
 * `.gait/config.yaml` (spec 02 §7.1): lenient YAML, trimmed strings, CSV
 * lists, missing default ignored, missing explicit file an error.
 */

import assert from "node:assert/strict";
import { GaitError } from "../../src/core/errors.ts";
import {
  emptyProjectConfig,
  loadProjectConfig,
  parseProjectConfig,
} from "../../src/gate/project_config.ts";
import { withTempDir } from "../helpers/cli.ts";

Deno.test("§7.1 gate defaults: strings trimmed, unknown keys ignored, CSV lists split", () => {
  const c = parseProjectConfig(
    "gate:\n  policy: ' ./p.yaml '\n  profile: oss-prod\n  key_mode: prod\n  credential_scopes: 'a, b,,c'\n  surprise: 1\n  approval_public_key_env: APPROVAL_PUB\nother: {x: 1}\n",
  );
  assert.equal(c.gate.policy, "./p.yaml");
  assert.equal(c.gate.profile, "oss-prod");
  assert.equal(c.gate.key_mode, "prod");
  assert.deepEqual(c.gate.credential_scopes, ["a", "b", "c"]);
  assert.equal(c.gate.approval_public_key_env, "APPROVAL_PUB");
  assert.equal(c.gate.trace_path, "");
});

Deno.test("§7.1 mcp_serve and retention sections", () => {
  const c = parseProjectConfig(
    "mcp_serve:\n  enabled: true\n  listen: 127.0.0.1:8787\n  auth_mode: TOKEN\n  max_request_bytes: 1048576\nretention:\n  trace_ttl: 720h\n",
  );
  assert.equal(c.mcp_serve.enabled, true);
  assert.equal(c.mcp_serve.listen, "127.0.0.1:8787");
  assert.equal(c.mcp_serve.auth_mode, "token");
  assert.equal(c.mcp_serve.max_request_bytes, 1048576);
  assert.equal(c.retention.trace_ttl, "720h");
});

Deno.test("§7.1 an empty file gives no defaults; bad YAML and wrong shapes are invalid input", () => {
  assert.deepEqual(parseProjectConfig("", "x").gate, emptyProjectConfig().gate);
  for (const text of ["gate: [a]\n", "gate:\n  policy: [a]\n", "gate: {policy: a\n", "- a\n"]) {
    assert.throws(
      () => parseProjectConfig(text),
      (e: unknown) =>
        e instanceof GaitError && e.exitCode === 6 &&
        e.message.startsWith("parse project config: "),
    );
  }
});

Deno.test("§7.1 missing default path is ignored; missing explicit --config is exit 6; --no-config", async () => {
  await withTempDir(async (dir) => {
    const missing = await loadProjectConfig({ path: `${dir}/none.yaml`, explicit: false });
    assert.equal(missing.path, "");
    await assert.rejects(
      () => loadProjectConfig({ path: `${dir}/none.yaml`, explicit: true }),
      (e: unknown) => e instanceof GaitError && e.exitCode === 6,
    );
    await Deno.writeTextFile(`${dir}/c.yaml`, "gate:\n  policy: p.yaml\n");
    assert.equal(
      (await loadProjectConfig({ path: `${dir}/c.yaml`, explicit: true })).gate.policy,
      "p.yaml",
    );
    const off = await loadProjectConfig({ path: `${dir}/c.yaml`, explicit: true, disabled: true });
    assert.equal(off.gate.policy, "");
  });
});
