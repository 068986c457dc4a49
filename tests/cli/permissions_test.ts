/**
 * The shipped permissions (DESIGN "Shape"): read, write, env, and network for
 * loopback only. scripts/permissions.ts derives explicit flags from the one
 * definition, the permission set "gait" in deno.json.
 */

import assert from "node:assert/strict";
import { permissionFlags, readPermissionFlags } from "../../scripts/permissions.ts";
import { REPO_ROOT } from "../helpers/cli.ts";

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);

async function denoJson(): Promise<{ permissions: { gait: Record<string, unknown> } }> {
  return JSON.parse(await Deno.readTextFile(`${REPO_ROOT}/deno.json`));
}

Deno.test("the printed flags equal the gait permission set in deno.json", async () => {
  const config = await denoJson();
  const flags = await readPermissionFlags();
  assert.deepEqual(flags, permissionFlags(config));
  const expected: string[] = [];
  for (const [kind, value] of Object.entries(config.permissions.gait)) {
    if (value === true) expected.push(`--allow-${kind}`);
    else if (Array.isArray(value)) expected.push(`--allow-${kind}=${value.join(",")}`);
    else throw new Error(`unexpected shape for ${kind}; extend this test`);
  }
  assert.deepEqual([...flags].sort(), expected.sort());
});

Deno.test("the gait permission set is read, write, env and loopback-only net", async () => {
  assert.deepEqual(await readPermissionFlags(), [
    "--allow-read",
    "--allow-write",
    "--allow-env",
    "--allow-net=127.0.0.1,localhost,[::1]",
  ]);
});

Deno.test("network permission is loopback only; no run, ffi, sys, import or all", async () => {
  const flags = await readPermissionFlags();
  const net = flags.filter((f) => f.startsWith("--allow-net"));
  assert.equal(net.length, 1);
  assert.ok(net[0]!.startsWith("--allow-net="), "net must list hosts, never allow all");
  for (const host of net[0]!.slice("--allow-net=".length).split(",")) {
    assert.ok(LOOPBACK.has(host), `non-loopback host ${host}`);
  }
  for (const f of flags) {
    assert.doesNotMatch(f, /^--allow-(run|ffi|sys|import|all)\b|^-A$/);
  }
});

Deno.test("the script prints the flags on one line", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--quiet", "--allow-read", `${REPO_ROOT}/scripts/permissions.ts`],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  assert.equal(
    new TextDecoder().decode(out.stdout),
    "--allow-read --allow-write --allow-env --allow-net=127.0.0.1,localhost,[::1]\n",
  );
});

Deno.test("permissionFlags converts every supported shape", () => {
  const config = {
    permissions: {
      p: {
        net: ["localhost"],
        read: true,
        write: false,
        env: { allow: ["HOME", "GAIT_X"], deny: ["SECRET"] },
        run: [],
      },
    },
  };
  assert.deepEqual(permissionFlags(config, "p"), [
    "--allow-read",
    "--allow-env=HOME,GAIT_X",
    "--deny-env=SECRET",
    "--allow-net=localhost",
  ]);
});

Deno.test("permissionFlags refuses what it cannot translate faithfully", () => {
  const bad: unknown[] = [
    {},
    { permissions: {} },
    { permissions: { gait: { all: true } } },
    { permissions: { gait: { network: true } } },
    { permissions: { gait: { net: "localhost" } } },
    { permissions: { gait: { net: [""] } } },
    { permissions: { gait: { read: { allow: true, ignore: ["x"] } } } },
  ];
  for (const config of bad) {
    assert.throws(() => permissionFlags(config), Error, JSON.stringify(config));
  }
});
