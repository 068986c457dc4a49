/**
 * The single-file bundle (scripts/build.ts bundle): it runs on Deno with
 * exactly the shipped permission flags and behaves like the sources; the
 * runtime refuses outbound network under those flags; stamping works without
 * touching the working tree; the hash worker is inlined.
 */

import assert from "node:assert/strict";
import { readPermissionFlags } from "../../scripts/permissions.ts";
import { REPO_ROOT, runGait, withTempDir } from "../helpers/cli.ts";
import { builtBundle, denoDirEnv, run, runBundle } from "./_helpers.ts";

Deno.test("bundle: gait demo and gait verify run_demo succeed with the shipped flags and match the sources", async () => {
  const bundle = await builtBundle();
  await withTempDir(async (dir) => {
    const demo = await runBundle(bundle, ["demo"], dir);
    assert.equal(demo.code, 0, demo.stderr);
    await withTempDir(async (srcDir) => {
      const fromSource = await runGait(["demo"], { cwd: srcDir });
      assert.equal(fromSource.code, 0, fromSource.stderr);
      assert.equal(demo.stdout, fromSource.stdout);
    });
    assert.match(demo.stdout, /^verify=ok$/m);
    const verify = await runBundle(bundle, ["verify", "run_demo", "--json"], dir);
    assert.equal(verify.code, 0, verify.stderr);
    const json = JSON.parse(verify.stdout);
    assert.equal(json.ok, true);
    assert.equal(json.run_id, "run_demo");
    assert.equal(json.path, "gait-out/runpack_run_demo.zip");
  });
});

Deno.test("bundle: the first line runs it with exactly the shipped permission flags", async () => {
  const bundle = await builtBundle();
  const first = (await Deno.readTextFile(bundle)).split("\n", 1)[0]!;
  const flags = await readPermissionFlags();
  assert.equal(
    first,
    `#!/usr/bin/env -S deno run --quiet --no-prompt --no-config ${flags.join(" ")}`,
  );
  assert.equal(((await Deno.stat(bundle)).mode ?? 0) & 0o111, 0o111);
});

Deno.test("bundle: stamped version, commit, date and target; the working tree stays unstamped", async () => {
  const stampBefore = await Deno.readTextFile(`${REPO_ROOT}/src/cli/build_stamp.ts`);
  const bundle = await builtBundle("v9.8.7");
  await withTempDir(async (dir) => {
    const r = await runBundle(bundle, ["version", "--json"], dir);
    assert.equal(r.code, 0, r.stderr);
    const json = JSON.parse(r.stdout);
    assert.equal(json.version, "9.8.7");
    assert.equal(json.commit, "0123456789abcdef0123456789abcdef01234567");
    assert.equal(json.build_date, "2026-02-05T00:00:00Z");
    assert.equal(json.target, "deno");
    assert.equal((await runBundle(bundle, ["version"], dir)).stdout, "gait 9.8.7\n");
  });
  assert.equal(await Deno.readTextFile(`${REPO_ROOT}/src/cli/build_stamp.ts`), stampBefore);
});

Deno.test("bundle: the hash worker is inlined as a data: module that loads under the shipped flags", async () => {
  const code = await Deno.readTextFile(await builtBundle());
  assert.doesNotMatch(code, /_hash_worker\.ts/);
  const urls = code.match(/data:text\/javascript;base64,[A-Za-z0-9+/=]+/g) ?? [];
  assert.ok(urls.length >= 1, "no inlined worker");
  const worker = new TextDecoder().decode(
    Uint8Array.from(atob(urls[0]!.slice(urls[0]!.indexOf(",") + 1)), (c) => c.charCodeAt(0)),
  );
  const imports = [...worker.matchAll(/from\s*"([^"]+)"/g)].map((m) => m[1]!);
  assert.ok(imports.length > 0);
  for (const spec of imports) assert.match(spec, /^node:/, `worker imports ${spec}`);
  await withTempDir(async (dir) => {
    await Deno.writeTextFile(`${dir}/url.txt`, urls[0]!);
    await Deno.writeTextFile(
      `${dir}/start_worker.ts`,
      `import { Worker } from "node:worker_threads";
const w = new Worker(new URL(Deno.readTextFileSync(Deno.args[0])));
w.on("online", () => { console.log("online"); w.terminate(); });
w.on("error", (e) => { console.log("error " + e); Deno.exit(1); });
`,
    );
    const r = await run(Deno.execPath(), [
      "run",
      "--quiet",
      "--no-prompt",
      "--no-config",
      ...await readPermissionFlags(),
      `${dir}/start_worker.ts`,
      `${dir}/url.txt`,
    ], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), "online");
  });
});

function randomBase64(bytes: number): string {
  const buf = new Uint8Array(bytes);
  for (let i = 0; i < bytes; i += 65536) crypto.getRandomValues(buf.subarray(i, i + 65536));
  let binary = "";
  for (let i = 0; i < buf.length; i += 0x8000) {
    binary += String.fromCharCode(...buf.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

Deno.test("bundle: records and verifies a large runpack (two 12 MiB entries)", async () => {
  const bundle = await builtBundle();
  await withTempDir(async (dir) => {
    const input = JSON.parse(
      await Deno.readTextFile(`${REPO_ROOT}/fixtures/runpack/run_record_input.json`),
    );
    input.intents[0].args = { blob: randomBase64(9 * 1024 * 1024) };
    delete input.intents[0].args_digest;
    input.results[0].result = { blob: randomBase64(9 * 1024 * 1024) };
    delete input.results[0].result_digest;
    await Deno.writeTextFile(`${dir}/big.json`, JSON.stringify(input));
    const rec = await runBundle(bundle, [
      "run",
      "record",
      "--input",
      "big.json",
      "--capture-mode",
      "raw",
      "--json",
    ], dir);
    assert.equal(rec.code, 0, rec.stdout + rec.stderr);
    const recorded = JSON.parse(rec.stdout);
    const verify = await runBundle(bundle, ["verify", recorded.bundle, "--json"], dir);
    assert.equal(verify.code, 0, verify.stdout + verify.stderr);
    const json = JSON.parse(verify.stdout);
    assert.equal(json.ok, true);
    assert.equal(json.manifest_digest, recorded.manifest_digest);
    // Tampering with a large entry is still caught.
    const zip = await Deno.readFile(`${dir}/${recorded.bundle}`);
    zip[Math.floor(zip.length / 3)]! ^= 0xff;
    await Deno.writeFile(`${dir}/tampered.zip`, zip);
    const bad = await runBundle(bundle, ["verify", "tampered.zip", "--json"], dir);
    assert.equal(bad.code, 2, bad.stdout + bad.stderr);
  });
});

Deno.test("runtime: under the shipped flags a non-loopback connection is refused by the permission system, loopback works", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const accepting = (async () => {
    const conn = await listener.accept();
    await conn.write(new TextEncoder().encode("ok"));
    conn.close();
  })();
  try {
    const r = await run(Deno.execPath(), [
      "run",
      "--quiet",
      "--no-prompt",
      "--no-config",
      ...await readPermissionFlags(),
      `${REPO_ROOT}/tests/dist/_net_probe.ts`,
      String((listener.addr as Deno.NetAddr).port),
    ], { env: await denoDirEnv() });
    assert.equal(r.code, 0, r.stderr);
    const result = JSON.parse(r.stdout);
    assert.notEqual(result.outbound_query, "granted");
    assert.equal(result.outbound, "NotCapable");
    assert.equal(result.loopback, "ok");
  } finally {
    await accepting.catch(() => {});
    listener.close();
  }
});

Deno.test("bundle: gait doctor reports outbound network denied by the runtime", async () => {
  const bundle = await builtBundle();
  await withTempDir(async (dir) => {
    const r = await runBundle(bundle, ["doctor", "--json"], dir);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const json = JSON.parse(r.stdout);
    const check = json.checks.find((c: { name: string }) => c.name === "runtime_permissions");
    assert.equal(check.status, "pass", check.message);
    assert.notEqual(json.runtime_permissions.net_outbound, "granted");
    assert.equal(json.runtime_permissions.net_loopback, "granted");
    assert.notEqual(json.runtime_permissions.run, "granted");
  });
});
