/**
 * scripts/build.ts compile, checked offline with a stand-in for `deno` that
 * records its invocation (GAIT_BUILD_DENO): the shipped permission flags, the
 * worker `--include`, the stamped sources, and the clear failure when the
 * runtime base (denort) cannot be downloaded.
 */

import assert from "node:assert/strict";
import { readPermissionFlags } from "../../scripts/permissions.ts";
import { needsReleaseServer, RELEASE_TARGETS, renderBuildStamp } from "../../scripts/build.ts";
import { REPO_ROOT, withTempDir } from "../helpers/cli.ts";
import { run } from "./_helpers.ts";

const DENORT_FAILURE = `Compile cli.ts to gait
Download https://dl.deno.land/release/v2.9.6/denort-x86_64-unknown-linux-gnu.zip
error: Writing deno compile executable to temporary file 'gait.tmp-1'

Caused by:
    0: Setting up base binary.
    1: error sending request for url (https://dl.deno.land/release/v2.9.6/denort-x86_64-unknown-linux-gnu.zip): client error (Connect): dns error: failed to lookup address information: Name or service not known
`;

/** A stand-in deno: logs argv (one per line) and the staged build_stamp.ts, then succeeds or fails. */
async function standIn(dir: string, mode: "ok" | "denort" | "other"): Promise<string> {
  const path = `${dir}/fake-deno`;
  await Deno.writeTextFile(`${dir}/denort-failure.txt`, DENORT_FAILURE);
  await Deno.writeTextFile(
    path,
    `#!/usr/bin/env bash
set -euo pipefail
printf '%s\\n' "$@" > "${dir}/args.txt"
out=""; prev=""; stage=""
for a in "$@"; do
  if [[ "$prev" == "--output" ]]; then out="$a"; fi
  if [[ "$prev" == "--config" ]]; then stage="$(dirname "$a")"; fi
  prev="$a"
done
cp "$stage/src/cli/build_stamp.ts" "${dir}/stamp.txt"
echo "$stage" > "${dir}/stage.txt"
case "${mode}" in
  ok) printf 'binary' > "$out" ;;
  denort) cat "${dir}/denort-failure.txt" >&2; exit 1 ;;
  other) echo "error: Type checking failed." >&2; exit 1 ;;
esac
`,
    { mode: 0o755 },
  );
  return path;
}

function build(fake: string, args: string[]) {
  return run(Deno.execPath(), ["run", "-A", `${REPO_ROOT}/scripts/build.ts`, ...args], {
    env: { GAIT_BUILD_DENO: fake },
  });
}

Deno.test("build compile: shipped permission flags, worker --include, target and stamped sources", async () => {
  await withTempDir(async (dir) => {
    const stampBefore = await Deno.readTextFile(`${REPO_ROOT}/src/cli/build_stamp.ts`);
    const fake = await standIn(dir, "ok");
    const r = await build(fake, [
      "compile",
      "--target",
      "aarch64-apple-darwin",
      "--version",
      "v1.2.3",
      "--commit",
      "0123456789abcdef0123456789abcdef01234567",
      "--date",
      "2026-02-05T00:00:00Z",
      "--out",
      `${dir}/out/gait`,
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(await Deno.readTextFile(`${dir}/out/gait`), "binary");
    const args = (await Deno.readTextFile(`${dir}/args.txt`)).trimEnd().split("\n");
    const stage = (await Deno.readTextFile(`${dir}/stage.txt`)).trim();
    assert.equal(args[0], "compile");
    assert.ok(args.includes("--no-prompt"));
    assert.ok(args.includes("--frozen-lockfile"));
    const at = (flag: string) => args[args.indexOf(flag) + 1];
    assert.equal(at("--target"), "aarch64-apple-darwin");
    assert.equal(at("--output"), `${dir}/out/gait`);
    assert.equal(at("--include"), `${stage}/src/archive/_hash_worker.ts`);
    assert.equal(args.at(-1), `${stage}/cli.ts`);
    // Exactly the permission flags of scripts/permissions.ts, and no other --allow-*.
    const perms = await readPermissionFlags();
    assert.deepEqual(args.filter((a) => /^--(allow|deny)-/.test(a) || a === "-A"), perms);
    assert.equal(
      await Deno.readTextFile(`${dir}/stamp.txt`),
      renderBuildStamp({
        version: "v1.2.3",
        commit: "0123456789abcdef0123456789abcdef01234567",
        buildDate: "2026-02-05T00:00:00Z",
        target: "aarch64-apple-darwin",
      }),
    );
    // The stage is removed and the working tree was never stamped.
    await assert.rejects(Deno.stat(stage));
    assert.equal(await Deno.readTextFile(`${REPO_ROOT}/src/cli/build_stamp.ts`), stampBefore);
  });
});

Deno.test("build compile: without access to Deno's release server it fails with exit 7 and says why", async () => {
  await withTempDir(async (dir) => {
    const fake = await standIn(dir, "denort");
    const r = await build(fake, [
      "compile",
      "--target",
      "x86_64-unknown-linux-gnu",
      "--out",
      `${dir}/gait`,
    ]);
    assert.equal(r.code, 7, r.stderr);
    assert.match(r.stderr, /needs network access to Deno's release server \(dl\.deno\.land\)/);
    assert.match(r.stderr, /networked runner/);
    assert.match(r.stderr, /DENORT_BIN/);
    await assert.rejects(Deno.stat(`${dir}/gait`));
    await assert.rejects(Deno.stat((await Deno.readTextFile(`${dir}/stage.txt`)).trim()));
  });
});

Deno.test("build compile: other failures keep deno's message; bad targets and stamps are usage errors", async () => {
  await withTempDir(async (dir) => {
    const fake = await standIn(dir, "other");
    const r = await build(fake, [
      "compile",
      "--target",
      "x86_64-pc-windows-msvc",
      "--out",
      `${dir}/gait.exe`,
    ]);
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      /deno compile failed for x86_64-pc-windows-msvc \(exit 1\):\nerror: Type checking failed\./,
    );
    assert.equal((await build(fake, ["compile", "--target", "riscv64-linux"])).code, 2);
    assert.equal((await build(fake, ["compile"])).code, 2);
    assert.equal(
      (await build(fake, ["compile", "--target", "x86_64-apple-darwin", "--version", "1.2"])).code,
      2,
    );
    assert.equal(
      (await build(fake, ["compile", "--target", "x86_64-apple-darwin", "--date", "yesterday"]))
        .code,
      2,
    );
  });
});

Deno.test("build: the denort failure detector and the release targets", () => {
  assert.equal(needsReleaseServer(DENORT_FAILURE), true);
  assert.equal(needsReleaseServer("error: Type checking failed."), false);
  assert.deepEqual(
    RELEASE_TARGETS.map((t) => `${t.os}_${t.arch}`),
    ["linux_amd64", "linux_arm64", "darwin_amd64", "darwin_arm64", "windows_amd64"],
  );
});

Deno.test("build bundle: CommonJS requires of node: built-ins resolve lazily without node:module", async () => {
  const { withRequireShim } = await import("../../scripts/build.ts");
  const plain = "console.log(1);";
  assert.equal(withRequireShim(plain), plain);
  const cjs =
    "var r=(function(x){if(typeof require<\"u\")return require.apply(this,arguments);throw Error('Dynamic require of \"'+x+'\" is not supported')});" +
    'export const env=typeof r("node:process").env, buf=typeof r("node:buffer").Buffer;';
  const shimmed = withRequireShim(cjs);
  assert.ok(shimmed.startsWith("var require="));
  assert.doesNotMatch(shimmed, /node:module/);
  const mod = await import(`data:text/javascript;base64,${btoa(shimmed)}`);
  assert.equal(mod.env, "object");
  assert.equal(mod.buf, "function");
});
