/**
 * scripts/release.ts end to end on stand-in binaries (deno compile cannot run
 * offline), and the release workflow's pinning and wiring.
 */

import assert from "node:assert/strict";
import { parse as parseYaml } from "yaml";
import { RELEASE_TARGETS } from "../../scripts/build.ts";
import {
  archiveName,
  buildTar,
  integrityHex,
  lockedPackages,
  parseLockKey,
  shippedKeys,
} from "../../scripts/release.ts";
import { REPO_ROOT, withTempDir } from "../helpers/cli.ts";
import { run } from "./_helpers.ts";

const COMMIT = "0123456789abcdef0123456789abcdef01234567";

async function fakeBinaries(dir: string): Promise<void> {
  for (const t of RELEASE_TARGETS) {
    await Deno.mkdir(`${dir}/${t.triple}`, { recursive: true });
    await Deno.writeTextFile(
      `${dir}/${t.triple}/${t.binary}`,
      `#!/bin/sh\necho "gait 1.2.3 ${t.triple}"\n`,
    );
  }
}

async function release(dir: string, extra: string[] = []) {
  await fakeBinaries(`${dir}/bin`);
  await Deno.writeTextFile(`${dir}/gait.js`, "console.log('bundle');\n");
  return await run(Deno.execPath(), [
    "run",
    "-A",
    `${REPO_ROOT}/scripts/release.ts`,
    "--version",
    "v1.2.3",
    "--bin-dir",
    `${dir}/bin`,
    "--out-dir",
    `${dir}/out`,
    "--bundle",
    `${dir}/gait.js`,
    "--commit",
    COMMIT,
    "--repo",
    "acme/gait",
    "--started-at",
    "2026-02-05T00:00:00Z",
    ...extra,
  ]);
}

Deno.test("release: archives named gait_<version>_<os>_<arch>, binary at the root, checksums sha256sum -c accepts", async () => {
  await withTempDir(async (dir) => {
    const r = await release(dir);
    assert.equal(r.code, 0, r.stderr);
    const names = (await Array.fromAsync(Deno.readDir(`${dir}/out`))).map((e) => e.name).sort();
    assert.deepEqual(names, [
      "checksums.txt",
      "gait_1.2.3.js",
      "gait_1.2.3_darwin_amd64.tar.gz",
      "gait_1.2.3_darwin_arm64.tar.gz",
      "gait_1.2.3_linux_amd64.tar.gz",
      "gait_1.2.3_linux_arm64.tar.gz",
      "gait_1.2.3_windows_amd64.zip",
      "provenance.json",
      "sbom.spdx.json",
    ]);
    const checksums = await Deno.readTextFile(`${dir}/out/checksums.txt`);
    for (const line of checksums.trimEnd().split("\n")) {
      assert.match(line, /^[0-9a-f]{64} {2}gait_1\.2\.3[._]/);
    }
    const check = await run("sha256sum", ["-c", "checksums.txt"], { cwd: `${dir}/out` });
    assert.equal(check.code, 0, check.stdout + check.stderr);
    assert.equal(check.stdout.split("\n").filter((l) => l.endsWith(": OK")).length, 6);

    const listing = await run("tar", ["-tvzf", "gait_1.2.3_linux_arm64.tar.gz"], {
      cwd: `${dir}/out`,
    });
    assert.equal(listing.code, 0, listing.stderr);
    assert.match(listing.stdout, /^-rwxr-xr-x 0\/0 .* gait\n$/);
    await Deno.mkdir(`${dir}/x`);
    await run("tar", ["-xzf", `${dir}/out/gait_1.2.3_linux_arm64.tar.gz`, "-C", `${dir}/x`]);
    assert.equal(
      await Deno.readTextFile(`${dir}/x/gait`),
      '#!/bin/sh\necho "gait 1.2.3 aarch64-unknown-linux-gnu"\n',
    );
    const zip = await run("unzip", ["-Z1", `${dir}/out/gait_1.2.3_windows_amd64.zip`]);
    if (zip.code === 0) assert.equal(zip.stdout, "gait.exe\n");
  });
});

Deno.test("release: archives are reproducible", async () => {
  await withTempDir(async (a) => {
    await withTempDir(async (b) => {
      assert.equal((await release(a)).code, 0);
      assert.equal((await release(b)).code, 0);
      assert.equal(
        await Deno.readTextFile(`${a}/out/checksums.txt`),
        await Deno.readTextFile(`${b}/out/checksums.txt`),
      );
    });
  });
});

Deno.test("release: sbom.spdx.json is SPDX 2.3 and lists every npm package of deno.lock with version and integrity", async () => {
  await withTempDir(async (dir) => {
    assert.equal((await release(dir)).code, 0);
    const sbom = JSON.parse(await Deno.readTextFile(`${dir}/out/sbom.spdx.json`));
    assert.equal(sbom.spdxVersion, "SPDX-2.3");
    assert.equal(sbom.dataLicense, "CC0-1.0");
    assert.equal(sbom.SPDXID, "SPDXRef-DOCUMENT");
    assert.match(
      sbom.documentNamespace,
      /^https:\/\/github\.com\/acme\/gait\/releases\/v1\.2\.3\/sbom\.spdx\.json#[0-9a-f]{32}$/,
    );
    assert.match(sbom.creationInfo.created, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    assert.ok(
      sbom.creationInfo.creators.every((c: string) => /^(Tool|Organization|Person): /.test(c)),
    );
    const ids = new Set<string>();
    for (const p of sbom.packages) {
      assert.match(p.SPDXID, /^SPDXRef-[A-Za-z0-9.-]+$/);
      assert.ok(!ids.has(p.SPDXID), `duplicate ${p.SPDXID}`);
      ids.add(p.SPDXID);
      for (
        const key of [
          "name",
          "versionInfo",
          "downloadLocation",
          "licenseConcluded",
          "copyrightText",
        ]
      ) {
        assert.equal(typeof p[key], "string", `${p.SPDXID}.${key}`);
      }
      assert.equal(p.filesAnalyzed, false);
    }
    for (const rel of sbom.relationships) {
      assert.ok(rel.spdxElementId === "SPDXRef-DOCUMENT" || ids.has(rel.spdxElementId));
      assert.ok(ids.has(rel.relatedSpdxElement));
    }
    const lock = JSON.parse(await Deno.readTextFile(`${REPO_ROOT}/deno.lock`));
    const locked = lockedPackages(lock);
    assert.equal(locked.length, Object.keys(lock.npm).length);
    for (const pkg of locked) {
      const entry = sbom.packages.find((p: { name: string; versionInfo: string }) =>
        p.name === pkg.name && p.versionInfo === pkg.version
      );
      assert.ok(entry, `${pkg.key} missing from the SBOM`);
      assert.deepEqual(entry.checksums, [{
        algorithm: "SHA512",
        checksumValue: integrityHex(pkg.integrity),
      }]);
      assert.match(entry.checksums[0].checksumValue, /^[0-9a-f]{128}$/);
      assert.ok(entry.comment.includes(pkg.integrity));
      assert.ok(entry.externalRefs[0].referenceLocator.startsWith("pkg:npm/"));
      const shipped = sbom.relationships.some((r: Record<string, string>) =>
        r.relationshipType === "DEPENDS_ON" && r.relatedSpdxElement === entry.SPDXID
      );
      const dev = sbom.relationships.some((r: Record<string, string>) =>
        r.relationshipType === "DEV_DEPENDENCY_OF" && r.spdxElementId === entry.SPDXID
      );
      assert.ok(shipped !== dev, `${pkg.key} must be exactly one of shipped or dev-only`);
    }
    assert.ok(sbom.packages.some((p: { name: string }) => p.name === "deno-runtime"));
  });
});

Deno.test("release: the test-only packages are development dependencies, shipped ones depend transitively", () => {
  const lock = {
    npm: {
      "a@1.0.0": { integrity: "sha512-AAAA", dependencies: ["b"] },
      "b@2.0.0": { integrity: "sha512-BBBB" },
      "@s/c@3.0.0_b@2.0.0": { integrity: "sha512-CCCC", dependencies: ["b"] },
      "fast-check@4.0.0": { integrity: "sha512-DDDD", dependencies: ["pure-rand"] },
      "pure-rand@8.0.0": { integrity: "sha512-EEEE" },
    },
  };
  const pkgs = lockedPackages(lock);
  assert.deepEqual(parseLockKey("@s/c@3.0.0_b@2.0.0"), { name: "@s/c", version: "3.0.0" });
  assert.deepEqual(
    [...shippedKeys(["npm:/a@1.0.0/index.js", "npm:/@s/c@3.0.0/x.js"], pkgs)].sort(),
    ["@s/c@3.0.0_b@2.0.0", "a@1.0.0", "b@2.0.0"],
  );
  assert.throws(() => lockedPackages({ npm: { "x@1.0.0": { integrity: "sha1-abc" } } }));
});

Deno.test("release: provenance.json has the Go tool's fields and one subject per asset", async () => {
  await withTempDir(async (dir) => {
    assert.equal((await release(dir)).code, 0);
    const prov = JSON.parse(await Deno.readTextFile(`${dir}/out/provenance.json`));
    assert.equal(prov.buildType, "gait.release");
    assert.equal(prov.builder.id, "github.com/acme/gait");
    assert.equal(prov.invocation.configSource.uri, "git+https://github.com/acme/gait");
    assert.equal(prov.invocation.configSource.digest.sha1, COMMIT);
    assert.equal(prov.metadata.buildStartedOn, "2026-02-05T00:00:00Z");
    assert.match(prov.metadata.buildFinishedOn, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    const checksums = (await Deno.readTextFile(`${dir}/out/checksums.txt`)).trimEnd().split("\n")
      .map((l) => l.split("  "));
    assert.deepEqual(
      prov.subject.map((
        s: { name: string; digest: { sha256: string } },
      ) => [s.digest.sha256, s.name]),
      checksums,
    );
  });
});

Deno.test("release: a missing binary or a bad version fails with exit 2", async () => {
  await withTempDir(async (dir) => {
    await fakeBinaries(`${dir}/bin`);
    await Deno.remove(`${dir}/bin/x86_64-apple-darwin/gait`);
    const r = await run(Deno.execPath(), [
      "run",
      "-A",
      `${REPO_ROOT}/scripts/release.ts`,
      "--version",
      "v1.2.3",
      "--bin-dir",
      `${dir}/bin`,
      "--out-dir",
      `${dir}/out`,
    ]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /missing binary for x86_64-apple-darwin/);
    const bad = await run(Deno.execPath(), [
      "run",
      "-A",
      `${REPO_ROOT}/scripts/release.ts`,
      "--version",
      "latest",
      "--bin-dir",
      `${dir}/bin`,
    ]);
    assert.equal(bad.code, 2);
  });
});

Deno.test("release: archive names and tar headers", () => {
  assert.equal(
    archiveName("v1.2.3", { os: "windows", arch: "amd64" }),
    "gait_1.2.3_windows_amd64.zip",
  );
  assert.equal(
    archiveName("1.2.3-rc.1", { os: "darwin", arch: "arm64" }),
    "gait_1.2.3-rc.1_darwin_arm64.tar.gz",
  );
  const tar = buildTar([{ name: "gait", data: new Uint8Array(513), mode: 0o755 }], 315532800);
  assert.equal(tar.length, 512 + 1024 + 1024);
  assert.throws(() => buildTar([{ name: "../gait", data: new Uint8Array(), mode: 0o755 }], 0));
});

interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
}

async function workflow(): Promise<
  {
    text: string;
    jobs: Record<
      string,
      { steps: Step[]; strategy?: { matrix?: { include?: Record<string, string>[] } } }
    >;
  }
> {
  const text = await Deno.readTextFile(`${REPO_ROOT}/.github/workflows/release.yml`);
  return { text, jobs: (parseYaml(text) as { jobs: never }).jobs };
}

Deno.test("release.yml: every action is pinned to an exact version or commit, never a floating ref", async () => {
  const { text, jobs } = await workflow();
  const uses = Object.values(jobs).flatMap((j) =>
    j.steps.map((s) => s.uses).filter((u): u is string => !!u)
  );
  assert.ok(uses.length >= 6);
  for (const ref of uses) {
    assert.match(
      ref,
      /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_./-]+@(v\d+\.\d+\.\d+|[0-9a-f]{40})$/,
      `floating or unpinned action: ${ref}`,
    );
  }
  const lines = text.split("\n").filter((l) => /^\s*-?\s*uses:/.test(l));
  assert.equal(lines.length, uses.length, "every uses: line is a step of a job");
  assert.ok(uses.some((u) => u.startsWith("actions/attest-build-provenance@")));
  assert.ok(uses.some((u) => u.startsWith("sigstore/cosign-installer@")));
  assert.match(text, /COSIGN_VERSION: v\d+\.\d+\.\d+/);
});

Deno.test("release.yml: builds every target with scripts/build.ts, packs with scripts/release.ts, signs and verifies", async () => {
  const { text, jobs } = await workflow();
  const matrix = jobs.build!.strategy!.matrix!.include!;
  assert.deepEqual(matrix.map((m) => m.target).sort(), RELEASE_TARGETS.map((t) => t.triple).sort());
  for (const m of matrix) {
    const t = RELEASE_TARGETS.find((x) => x.triple === m.target)!;
    assert.equal(m.runner, t.runner);
    assert.equal(m.binary, t.binary);
  }
  const buildRuns = jobs.build!.steps.map((s) => s.run ?? "").join("\n");
  assert.match(
    buildRuns,
    /scripts\/build\.ts compile\s*\\\n\s*--target "\$\{\{ matrix\.target \}\}"/,
  );
  assert.match(buildRuns, /--version "\$\{GITHUB_REF_NAME\}"/);
  const releaseRuns = jobs.release!.steps.map((s) => s.run ?? "").join("\n");
  assert.match(releaseRuns, /scripts\/build\.ts bundle/);
  assert.match(releaseRuns, /scripts\/release\.ts/);
  assert.match(releaseRuns, /sha256sum -c checksums\.txt/);
  assert.match(releaseRuns, /render_homebrew_formula\.sh/);
  assert.match(releaseRuns, /cosign sign-blob/);
  assert.match(releaseRuns, /cosign verify-blob/);
  assert.match(text, /on:\n {2}push:\n {4}tags:\n {6}- "v\*"/);
});
