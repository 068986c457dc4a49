/** scripts/render_homebrew_formula.sh: macOS and Linux blocks from checksums.txt. */

import assert from "node:assert/strict";
import { REPO_ROOT, withTempDir } from "../helpers/cli.ts";
import { run } from "./_helpers.ts";

const SCRIPT = `${REPO_ROOT}/scripts/render_homebrew_formula.sh`;
const sha = (c: string) => c.repeat(64);

async function checksums(dir: string, lines: string[]): Promise<string> {
  await Deno.writeTextFile(`${dir}/checksums.txt`, lines.join("\n") + "\n");
  return `${dir}/checksums.txt`;
}

const FULL = [
  `${sha("a")}  gait_1.2.3_darwin_amd64.tar.gz`,
  `${sha("b")}  gait_1.2.3_darwin_arm64.tar.gz`,
  `${sha("c")}  gait_1.2.3_linux_amd64.tar.gz`,
  `${sha("d")}  gait_v1.2.3_linux_arm64.tar.gz`,
  `${sha("e")}  gait_1.2.3_windows_amd64.zip`,
];

Deno.test("homebrew: the formula has on_macos and on_linux blocks, version without v, bin.install and a test", async () => {
  await withTempDir(async (dir) => {
    const r = await run("bash", [
      SCRIPT,
      "--version",
      "v1.2.3",
      "--repo",
      "acme/gait",
      "--checksums",
      await checksums(dir, FULL),
      "--out",
      `${dir}/gait.rb`,
    ]);
    assert.equal(r.code, 0, r.stderr);
    const f = await Deno.readTextFile(`${dir}/gait.rb`);
    assert.match(f, /^class Gait < Formula\n/);
    assert.match(f, /\n {2}version "1\.2\.3"\n/);
    assert.match(f, /\n {2}homepage "https:\/\/github\.com\/acme\/gait"\n/);
    const base = "https://github.com/acme/gait/releases/download/v1.2.3";
    const block = (os: string, arm: [string, string], intel: [string, string]) =>
      `  on_${os} do\n    if Hardware::CPU.arm?\n      url "${base}/${arm[0]}"\n      sha256 "${
        arm[1]
      }"\n    else\n      url "${base}/${intel[0]}"\n      sha256 "${intel[1]}"\n    end\n  end\n`;
    assert.ok(
      f.includes(
        block("macos", ["gait_1.2.3_darwin_arm64.tar.gz", sha("b")], [
          "gait_1.2.3_darwin_amd64.tar.gz",
          sha("a"),
        ]),
      ),
      f,
    );
    // The tag-named variant is found when the plain one is absent.
    assert.ok(
      f.includes(
        block("linux", ["gait_v1.2.3_linux_arm64.tar.gz", sha("d")], [
          "gait_1.2.3_linux_amd64.tar.gz",
          sha("c"),
        ]),
      ),
      f,
    );
    for (const m of f.matchAll(/sha256 "([^"]*)"/g)) assert.match(m[1]!, /^[0-9a-f]{64}$/);
    assert.match(f, /\n {2}def install\n {4}bin\.install "gait"\n {2}end\n/);
    assert.match(
      f,
      /\n {2}test do\n[\s\S]*shell_output\("#\{bin\}\/gait demo --json"\)[\s\S]*"\\"run_id\\""[\s\S]*\n {2}end\nend\n$/,
    );
  });
});

Deno.test("homebrew: the class name follows the output file name", async () => {
  await withTempDir(async (dir) => {
    const r = await run("bash", [
      SCRIPT,
      "--version",
      "1.2.3",
      "--checksums",
      await checksums(dir, FULL),
      "--out",
      `${dir}/gait-cli.rb`,
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(await Deno.readTextFile(`${dir}/gait-cli.rb`), /^class GaitCli < Formula/);
  });
});

Deno.test("homebrew: a missing platform archive or a malformed sha fails with exit 2 and writes nothing", async () => {
  await withTempDir(async (dir) => {
    const noLinux = await run("bash", [
      SCRIPT,
      "--version",
      "v1.2.3",
      "--checksums",
      await checksums(dir, FULL.slice(0, 2)),
      "--out",
      `${dir}/a.rb`,
    ]);
    assert.equal(noLinux.code, 2);
    assert.match(noLinux.stderr, /no linux\/amd64 archive/);
    const badSha = await run("bash", [
      SCRIPT,
      "--version",
      "v1.2.3",
      "--checksums",
      await checksums(dir, [`${sha("A")}  gait_1.2.3_darwin_amd64.tar.gz`, ...FULL.slice(1)]),
      "--out",
      `${dir}/b.rb`,
    ]);
    assert.equal(badSha.code, 2);
    assert.match(badSha.stderr, /invalid checksum/);
    const noVersion = await run("bash", [SCRIPT, "--checksums", `${dir}/checksums.txt`]);
    assert.equal(noVersion.code, 2);
    const entries = (await Array.fromAsync(Deno.readDir(dir))).map((e) => e.name);
    assert.deepEqual(entries, ["checksums.txt"]);
  });
});

Deno.test("homebrew: Formula/gait.rb is the renderer's output for the placeholder release", async () => {
  await withTempDir(async (dir) => {
    const lines = ["darwin_amd64", "darwin_arm64", "linux_amd64", "linux_arm64"].map((p) =>
      `${sha("0")}  gait_0.0.0_${p}.tar.gz`
    );
    const r = await run("bash", [
      SCRIPT,
      "--version",
      "v0.0.0",
      "--checksums",
      await checksums(dir, lines),
      "--out",
      `${dir}/gait.rb`,
    ]);
    assert.equal(r.code, 0, r.stderr);
    const committed = (await Deno.readTextFile(`${REPO_ROOT}/Formula/gait.rb`)).split("\n")
      .filter((l) => !l.startsWith("#")).join("\n");
    assert.equal(committed, await Deno.readTextFile(`${dir}/gait.rb`));
  });
});
