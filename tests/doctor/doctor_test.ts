/** Unit rules of src/doctor that the CLI cannot reach directly. */

import assert from "node:assert/strict";
import {
  checkRuntimePermissions,
  runDoctor,
  type RuntimePermissions,
} from "../../src/doctor/mod.ts";
import { isLoopbackListen, splitHostPort } from "../../src/doctor/_production_checks.ts";
import { checkOnboardingBinary, isCompiledBinary } from "../../src/doctor/_repo_checks.ts";
import { cleanPath, goSeconds, shellQuote } from "../../src/doctor/_text.ts";
import { withTempDir } from "../helpers/cli.ts";

const SHIPPED: RuntimePermissions = {
  read: "granted",
  write: "granted",
  env: "granted",
  net_loopback: "granted",
  net_outbound: "prompt",
  run: "prompt",
  ffi: "prompt",
  sys: "prompt",
};

Deno.test("runtime_permissions: shipped set passes; outbound, run, ffi fail; sys warns; missing read warns", () => {
  assert.equal(checkRuntimePermissions(SHIPPED).status, "pass");
  assert.equal(checkRuntimePermissions({ ...SHIPPED, net_outbound: "granted" }).status, "fail");
  assert.equal(checkRuntimePermissions({ ...SHIPPED, run: "granted" }).status, "fail");
  assert.match(checkRuntimePermissions({ ...SHIPPED, ffi: "granted" }).message, /native libraries/);
  assert.equal(checkRuntimePermissions({ ...SHIPPED, sys: "granted" }).status, "warn");
  const noRead = checkRuntimePermissions({ ...SHIPPED, read: "prompt" });
  assert.equal(noRead.status, "warn");
  assert.match(noRead.message, /^runtime denies read: some commands will fail/);
  assert.match(
    checkRuntimePermissions({ ...SHIPPED, net_loopback: "prompt" }).message,
    /net=none/,
  );
});

Deno.test("onboarding_binary: a compiled gait reports itself as the invoked executable", async () => {
  await withTempDir(async (dir) => {
    const exe = `${dir}/bin/gait`;
    await Deno.mkdir(`${dir}/bin`);
    await Deno.writeTextFile(exe, "", { mode: 0o755 });
    const env = (name: string) => (name === "PATH" ? `${dir}/bin` : undefined);
    const probe = await checkOnboardingBinary({
      workDir: dir,
      execPath: exe,
      version: "1.2.3",
      os: "linux",
      repoCheckout: false,
      env,
    });
    assert.equal(probe.check.status, "pass");
    assert.equal(probe.check.message, `gait binary ready (path=${exe} version=gait 1.2.3)`);
    assert.equal(probe.binaryPathSource, "invoked_executable");
    assert.equal(probe.binaryVersion, "gait 1.2.3");
    assert.equal(probe.pathBinaryPath, exe);
  });
});

Deno.test("onboarding_binary: another gait first on PATH warns", async () => {
  await withTempDir(async (dir) => {
    await Deno.mkdir(`${dir}/old`);
    await Deno.mkdir(`${dir}/new`);
    await Deno.writeTextFile(`${dir}/old/gait`, "", { mode: 0o755 });
    await Deno.writeTextFile(`${dir}/new/gait`, "", { mode: 0o755 });
    const probe = await checkOnboardingBinary({
      workDir: dir,
      execPath: `${dir}/new/gait`,
      version: "1.2.3",
      os: "linux",
      repoCheckout: false,
      env: (name) => (name === "PATH" ? `${dir}/old:${dir}/new` : undefined),
    });
    assert.equal(probe.check.status, "warn");
    assert.equal(
      probe.check.message,
      `gait on PATH (${dir}/old/gait) is not the running binary (${dir}/new/gait)`,
    );
    assert.equal(probe.check.fix_command, `export PATH='${dir}/new':"$PATH"`);
  });
});

Deno.test("onboarding_binary: a non-executable gait warns with chmod", async () => {
  await withTempDir(async (dir) => {
    await Deno.writeTextFile(`${dir}/gait`, "", { mode: 0o644 });
    const probe = await checkOnboardingBinary({
      workDir: dir,
      execPath: "/usr/bin/deno",
      version: "1.2.3",
      os: "linux",
      repoCheckout: true,
      env: () => undefined,
    });
    assert.equal(probe.check.status, "warn");
    assert.equal(probe.check.fix_command, `chmod +x '${dir}/gait'`);
  });
});

Deno.test("doctor: deno itself is not a compiled gait", () => {
  assert.equal(isCompiledBinary("/usr/local/bin/deno"), false);
  assert.equal(isCompiledBinary("C:\\tools\\deno.exe"), false);
  assert.equal(isCompiledBinary("/home/u/.local/bin/gait"), true);
});

Deno.test("doctor: listen addresses like Go's net.SplitHostPort and IsLoopback", () => {
  assert.deepEqual(splitHostPort("[::1]:8787"), { host: "::1", port: "8787" });
  assert.deepEqual(splitHostPort(":8787"), { host: "", port: "8787" });
  assert.throws(() => splitHostPort("::1:8787"), /too many colons/);
  assert.throws(() => splitHostPort("localhost"), /missing port/);
  for (
    const yes of [
      "127.0.0.1:1",
      "127.9.9.9:1",
      "localhost:1",
      "LOCALHOST:1",
      "[::1]:1",
      "[0:0:0:0:0:0:0:1]:1",
      "[::ffff:127.0.0.1]:1",
    ]
  ) {
    assert.equal(isLoopbackListen(yes), true, yes);
  }
  for (const no of ["0.0.0.0:1", ":1", "10.0.0.1:1", "[::]:1", "example.com:1", "128.0.0.1:1"]) {
    assert.equal(isLoopbackListen(no), false, no);
  }
});

Deno.test("doctor: text helpers", () => {
  assert.equal(shellQuote("a b"), "'a b'");
  assert.equal(shellQuote("it's"), "'it'\\''s'");
  assert.equal(cleanPath("./a/../b/"), "b");
  assert.equal(cleanPath("/x/../../y"), "/y");
  assert.equal(goSeconds(45), "45s");
  assert.equal(goSeconds(65.9), "1m5s");
  assert.equal(goSeconds(3600), "1h0m0s");
});

Deno.test("doctor: runDoctor with injected surroundings", async () => {
  await withTempDir(async (dir) => {
    const result = await runDoctor({
      workDir: dir,
      producerVersion: " ",
      now: "2026-02-05T00:00:00Z",
      env: (name) => (name === "HOME" ? dir : name === "TMPDIR" ? dir : undefined),
      execPath: "/opt/gait/gait",
      os: "linux",
    });
    assert.equal(result.producer_version, "0.0.0-dev");
    assert.equal(result.created_at, "2026-02-05T00:00:00Z");
    assert.equal(result.binary_path_source, "invoked_executable");
    assert.equal(
      result.checks.find((c) => c.name === "output_dir")!.fix_command,
      `mkdir -p '${dir}/gait-out'`,
    );
  });
});
