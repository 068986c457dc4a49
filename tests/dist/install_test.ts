/**
 * scripts/install.sh (spec 04 §5.2) against a fake release served on
 * 127.0.0.1: platform detection, latest resolution, checksum verification,
 * atomic install, clear errors and exit codes. Loopback only.
 */

import assert from "node:assert/strict";
import { buildTar, gzip, sha256Hex } from "../../scripts/release.ts";
import { REPO_ROOT, withTempDir } from "../helpers/cli.ts";
import { run, serveFiles } from "./_helpers.ts";

const INSTALL_SH = `${REPO_ROOT}/scripts/install.sh`;
const OS = Deno.build.os === "darwin" ? "darwin" : "linux";
const ARCH = Deno.build.arch === "aarch64" ? "arm64" : "amd64";
const STAND_IN = '#!/bin/sh\necho "gait 1.2.3"\n';

async function archiveOf(script: string): Promise<Uint8Array> {
  return await gzip(
    buildTar([{ name: "gait", data: new TextEncoder().encode(script), mode: 0o755 }], 0),
  );
}

/** A release directory: `<prefix>/checksums.txt` and `<prefix>/<archive>`. */
async function fakeRelease(
  prefix: string,
  options: { version?: string; tamper?: boolean; os?: string; arch?: string } = {},
): Promise<Map<string, Uint8Array | string>> {
  const version = options.version ?? "1.2.3";
  const name = `gait_${version}_${options.os ?? OS}_${options.arch ?? ARCH}.tar.gz`;
  const archive = await archiveOf(STAND_IN);
  const sum = await sha256Hex(archive);
  const served = options.tamper ? await archiveOf('#!/bin/sh\necho "evil"\n') : archive;
  return new Map<string, Uint8Array | string>([
    [`${prefix}/checksums.txt`, `${sum}  ${name}\n${"0".repeat(64)}  gait_${version}.js\n`],
    [`${prefix}/${name}`, served],
  ]);
}

async function listTree(dir: string): Promise<string[]> {
  const out: string[] = [];
  try {
    for await (const e of Deno.readDir(dir)) out.push(e.name);
  } catch {
    return [];
  }
  return out.sort();
}

interface Sandbox {
  root: string;
  installDir: string;
  tmp: string;
  env: Record<string, string>;
}

async function sandbox<T>(fn: (s: Sandbox) => Promise<T>): Promise<T> {
  return await withTempDir(async (root) => {
    const s: Sandbox = {
      root,
      installDir: `${root}/bin`,
      tmp: `${root}/tmp`,
      env: { HOME: `${root}/home`, TMPDIR: `${root}/tmp`, SHELL: "/bin/bash" },
    };
    await Deno.mkdir(s.tmp);
    await Deno.mkdir(`${root}/home`);
    return await fn(s);
  });
}

function install(s: Sandbox, args: string[], env: Record<string, string> = {}) {
  return run("bash", [INSTALL_SH, "--install-dir", s.installDir, ...args], {
    env: { ...s.env, ...env },
  });
}

Deno.test("install.sh: installs the checksum-verified binary from GAIT_RELEASE_BASE_URL", async () => {
  const server = serveFiles(await fakeRelease("/rel/v1.2.3"));
  try {
    await sandbox(async (s) => {
      const r = await install(s, ["--version", "v1.2.3"], {
        GAIT_RELEASE_BASE_URL: `${server.url}/rel/v1.2.3`,
      });
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.match(r.stdout, /Checksum verified: sha256 [0-9a-f]{64}/);
      assert.match(r.stdout, /Installed: .*\/bin\/gait \(v1\.2\.3\)/);
      assert.match(r.stdout, /==> gait 1\.2\.3/);
      assert.match(
        r.stdout,
        /gait doctor --json\ngait init --json\ngait check --json\ngait demo\ngait verify run_demo --json\n$/,
      );
      const installed = `${s.installDir}/gait`;
      assert.equal((await Deno.stat(installed)).mode! & 0o777, 0o755);
      const ran = await run(installed, ["version"]);
      assert.equal(ran.stdout, "gait 1.2.3\n");
      assert.deepEqual(await listTree(s.installDir), ["gait"]);
      assert.deepEqual(await listTree(s.tmp), [], "temp files left behind");
      // The tag with a "v" is tried first, then the version without it.
      assert.deepEqual(server.requests, [
        "/rel/v1.2.3/checksums.txt",
        `/rel/v1.2.3/gait_1.2.3_${OS}_${ARCH}.tar.gz`,
      ]);
    });
  } finally {
    await server.close();
  }
});

Deno.test("install.sh: latest resolves through the release API, then downloads from <root>/<tag>", async () => {
  const files = await fakeRelease("/download/v1.2.3");
  files.set(
    "/api/repos/acme/gait/releases/latest",
    '{\n  "url": "x",\n  "tag_name": "v1.2.3",\n  "name": "v1.2.3"\n}\n',
  );
  const server = serveFiles(files);
  try {
    await sandbox(async (s) => {
      const r = await install(s, ["--repo", "acme/gait"], {
        GAIT_RELEASE_API_URL: `${server.url}/api`,
        GAIT_RELEASE_DOWNLOAD_URL: `${server.url}/download`,
      });
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.equal(server.requests[0], "/api/repos/acme/gait/releases/latest");
      assert.equal((await run(`${s.installDir}/gait`, ["version"])).stdout, "gait 1.2.3\n");
    });
  } finally {
    await server.close();
  }
});

Deno.test("install.sh: latest from a mirror (GAIT_RELEASE_BASE_URL) reads the version from checksums.txt", async () => {
  const server = serveFiles(await fakeRelease("/mirror", { version: "2.0.1" }));
  try {
    await sandbox(async (s) => {
      const r = await install(s, [], { GAIT_RELEASE_BASE_URL: `${server.url}/mirror/` });
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.match(r.stdout, /Installed: .*gait \(2\.0\.1\)/);
      assert.ok(!server.requests.some((p) => p.includes("releases/latest")));
    });
  } finally {
    await server.close();
  }
});

Deno.test("install.sh: a tampered archive is refused with exit 2 and nothing is installed or left behind", async () => {
  const server = serveFiles(await fakeRelease("/rel", { tamper: true }));
  try {
    await sandbox(async (s) => {
      await Deno.mkdir(s.installDir);
      await Deno.writeTextFile(`${s.installDir}/gait`, "#!/bin/sh\necho old\n", { mode: 0o755 });
      const before = await Deno.readFile(`${s.installDir}/gait`);
      const r = await install(s, ["--version", "v1.2.3"], {
        GAIT_RELEASE_BASE_URL: `${server.url}/rel`,
      });
      assert.equal(r.code, 2, r.stdout + r.stderr);
      assert.match(r.stderr, /checksum mismatch for gait_1\.2\.3_.*nothing was installed/);
      assert.match(r.stderr, /expected: [0-9a-f]{64}\nactual: +[0-9a-f]{64}/);
      assert.deepEqual(await Deno.readFile(`${s.installDir}/gait`), before);
      assert.deepEqual(await listTree(s.installDir), ["gait"]);
      assert.deepEqual(await listTree(s.tmp), []);
    });
  } finally {
    await server.close();
  }
});

Deno.test("install.sh: a fresh install dir stays empty when the checksum does not match", async () => {
  const server = serveFiles(await fakeRelease("/rel", { tamper: true }));
  try {
    await sandbox(async (s) => {
      const r = await install(s, ["--version", "1.2.3"], {
        GAIT_RELEASE_BASE_URL: `${server.url}/rel`,
      });
      assert.equal(r.code, 2);
      assert.deepEqual(await listTree(s.installDir), []);
      assert.deepEqual(await listTree(s.tmp), []);
    });
  } finally {
    await server.close();
  }
});

Deno.test("install.sh: unsupported platforms exit 2 before any download", async () => {
  const server = serveFiles(await fakeRelease("/rel"));
  try {
    await sandbox(async (s) => {
      const base = { GAIT_RELEASE_BASE_URL: `${server.url}/rel` };
      const bsd = await install(s, [], { ...base, GAIT_INSTALL_OS: "FreeBSD" });
      assert.equal(bsd.code, 2);
      assert.match(
        bsd.stderr,
        /unsupported operating system: FreeBSD\nerror: supported: linux, darwin/,
      );
      const win = await install(s, [], { ...base, GAIT_INSTALL_OS: "MINGW64_NT-10.0" });
      assert.equal(win.code, 2);
      assert.match(win.stderr, /windows_amd64\.zip/);
      const mips = await install(s, [], {
        ...base,
        GAIT_INSTALL_OS: "Linux",
        GAIT_INSTALL_ARCH: "mips64",
      });
      assert.equal(mips.code, 2);
      assert.match(mips.stderr, /unsupported architecture: mips64/);
      assert.deepEqual(server.requests, []);
      assert.deepEqual(await listTree(s.tmp), []);
    });
  } finally {
    await server.close();
  }
});

Deno.test("install.sh: a platform with no archive in checksums.txt exits 2 and lists the names tried", async () => {
  const server = serveFiles(await fakeRelease("/rel", { os: "linux", arch: "amd64" }));
  try {
    await sandbox(async (s) => {
      const r = await install(s, ["--version", "v1.2.3"], {
        GAIT_RELEASE_BASE_URL: `${server.url}/rel`,
        GAIT_INSTALL_OS: "Darwin",
        GAIT_INSTALL_ARCH: "arm64",
      });
      assert.equal(r.code, 2);
      assert.match(r.stderr, /no gait archive for darwin\/arm64/);
      assert.match(
        r.stderr,
        /- gait_v1\.2\.3_darwin_arm64\.tar\.gz\n {2}- gait_1\.2\.3_darwin_arm64\.tar\.gz/,
      );
    });
  } finally {
    await server.close();
  }
});

Deno.test("install.sh: without curl or wget it says so and exits 2", async () => {
  await sandbox(async (s) => {
    const emptyPath = `${s.root}/empty-path`;
    await Deno.mkdir(emptyPath);
    const bash = (await run("bash", ["-c", "command -v bash"])).stdout.trim();
    const r = await run(bash, [INSTALL_SH, "--install-dir", s.installDir], {
      env: { ...s.env, PATH: emptyPath, GAIT_INSTALL_OS: "Linux", GAIT_INSTALL_ARCH: "x86_64" },
    });
    assert.equal(r.code, 2, r.stderr);
    assert.equal(r.stderr, "error: curl or wget is required to download gait\n");
    assert.deepEqual(await listTree(s.tmp), []);
  });
});

Deno.test("install.sh: falls back to wget when curl is missing", async () => {
  const wget = (await run("bash", ["-c", "command -v wget"])).stdout.trim();
  if (wget === "") return; // wget is not installed here; the curl path is covered above
  const server = serveFiles(await fakeRelease("/rel"));
  try {
    await sandbox(async (s) => {
      const binDir = `${s.root}/path`;
      await Deno.mkdir(binDir);
      const tools = [
        "bash",
        "wget",
        "sha256sum",
        "shasum",
        "tar",
        "gzip",
        "mktemp",
        "awk",
        "sed",
        "tr",
        "head",
        "cp",
        "chmod",
        "mv",
        "mkdir",
        "rm",
        "uname",
        "dirname",
        "cat",
        "sh",
        "env",
      ];
      for (const tool of tools) {
        const path = (await run("bash", ["-c", `command -v ${tool} || true`])).stdout.trim();
        if (path !== "") await Deno.symlink(path, `${binDir}/${tool}`);
      }
      const r = await run(`${binDir}/bash`, [
        INSTALL_SH,
        "--install-dir",
        s.installDir,
        "--version",
        "v1.2.3",
      ], {
        env: { ...s.env, PATH: binDir, GAIT_RELEASE_BASE_URL: `${server.url}/rel` },
      });
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.equal((await run(`${s.installDir}/gait`, ["version"])).stdout, "gait 1.2.3\n");
    });
  } finally {
    await server.close();
  }
});

Deno.test("install.sh: a failed download exits 1; plain http off loopback is refused without a request", async () => {
  const files = await fakeRelease("/rel");
  for (const key of [...files.keys()]) if (key.endsWith(".tar.gz")) files.delete(key);
  const server = serveFiles(files);
  try {
    await sandbox(async (s) => {
      const r = await install(s, ["--version", "v1.2.3"], {
        GAIT_RELEASE_BASE_URL: `${server.url}/rel`,
      });
      assert.equal(r.code, 1, r.stderr);
      assert.match(
        r.stderr,
        /download failed \(\d+\): http:\/\/127\.0\.0\.1:\d+\/rel\/gait_1\.2\.3_/,
      );
      assert.deepEqual(await listTree(s.installDir), []);
      assert.deepEqual(await listTree(s.tmp), []);
      const insecure = await install(s, ["--version", "v1.2.3"], {
        GAIT_RELEASE_BASE_URL: "http://mirror.example.invalid/rel",
      });
      assert.equal(insecure.code, 2);
      assert.match(
        insecure.stderr,
        /refusing non-https URL: http:\/\/mirror\.example\.invalid\/rel\/checksums\.txt/,
      );
    });
  } finally {
    await server.close();
  }
});

Deno.test("install.sh: usage errors exit 2; --help exits 0", async () => {
  await sandbox(async (s) => {
    assert.equal((await install(s, ["--bogus"])).code, 2);
    assert.equal((await install(s, ["--version"])).code, 2);
    assert.equal((await install(s, ["--version", "v1.2.3;rm -rf /"])).code, 2);
    const help = await run("bash", [INSTALL_SH, "--help"]);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /GAIT_RELEASE_BASE_URL/);
  });
});
