/**
 * Packs compiled binaries into the release assets (spec 04 §5.1):
 *
 * - `gait_<version>_<os>_<arch>.tar.gz` (`.zip` for Windows), the binary at
 *   the archive root, byte-for-byte reproducible (fixed mtime, owner and mode);
 * - `gait_<version>.js`, the single-file bundle, when `--bundle` is given;
 * - `checksums.txt`: `<sha256>  <file>` per downloadable asset, sorted;
 * - `sbom.spdx.json`: SPDX 2.3 JSON of the npm packages in deno.lock (with
 *   their integrity hashes) and the Deno runtime embedded in the binaries;
 *   packages reachable from cli.ts are the shipped ones (DEPENDS_ON), the
 *   rest are development-only (DEV_DEPENDENCY_OF);
 * - `provenance.json`: the Go tool's provenance fields plus the subjects and
 *   materials of this build.
 *
 * Signing (cosign) and the GitHub build attestation happen in the release
 * workflow, over these files. Nothing here uses the network.
 *
 * ```sh
 * deno run -A scripts/release.ts --version v1.2.3 --bin-dir dist/bin --out-dir dist/release \
 *   [--bundle dist/gait.js] [--commit <sha>] [--repo owner/name] [--date <RFC 3339>] \
 *   [--started-at <RFC 3339>] [--targets <triple,...>]
 * ```
 *
 * `--bin-dir` holds `<triple>/gait` (`gait.exe` for Windows) per target, as
 * `scripts/build.ts compile` writes them. Every requested target must be
 * present.
 *
 * @module
 */

import { fileURLToPath } from "node:url";
import { buildDeterministicZip } from "../src/archive/zip_writer.ts";
import { RELEASE_TARGETS, type ReleaseTarget } from "./build.ts";

const ROOT = new URL("..", import.meta.url);
const rootPath = (rel = "") => fileURLToPath(new URL(rel, ROOT));
const encoder = new TextEncoder();

class ReleaseError extends Error {}

/** One file to put in a tar archive. */
export interface TarFile {
  /** Entry name (no directories, at most 100 bytes). */
  name: string;
  /** Contents. */
  data: Uint8Array;
  /** Unix mode (e.g. 0o755). */
  mode: number;
}

function octal(value: number, width: number): string {
  return value.toString(8).padStart(width - 1, "0") + "\0";
}

/**
 * A POSIX ustar archive (uncompressed) of plain files, owned by uid/gid 0,
 * with one fixed modification time: the same input always gives the same
 * bytes.
 *
 * @example
 * ```ts
 * const tar = buildTar([{ name: "gait", data: new Uint8Array([1]), mode: 0o755 }], 0);
 * tar.length; // 2048: header, one data block, two end blocks
 * ```
 */
export function buildTar(files: readonly TarFile[], mtimeSeconds: number): Uint8Array {
  const blocks: Uint8Array[] = [];
  for (const file of files) {
    const name = encoder.encode(file.name);
    if (name.length === 0 || name.length > 100 || file.name.includes("/")) {
      throw new ReleaseError(`tar entry name must be a plain file name: ${file.name}`);
    }
    const header = new Uint8Array(512);
    const put = (offset: number, text: string) => header.set(encoder.encode(text), offset);
    header.set(name, 0);
    put(100, octal(file.mode & 0o7777, 8));
    put(108, octal(0, 8));
    put(116, octal(0, 8));
    put(124, octal(file.data.length, 12));
    put(136, octal(Math.max(0, Math.floor(mtimeSeconds)), 12));
    put(148, "        ");
    put(156, "0");
    put(257, "ustar\0");
    put(263, "00");
    let sum = 0;
    for (const b of header) sum += b;
    put(148, sum.toString(8).padStart(6, "0") + "\0 ");
    blocks.push(header);
    const padded = new Uint8Array(Math.ceil(file.data.length / 512) * 512);
    padded.set(file.data);
    blocks.push(padded);
  }
  blocks.push(new Uint8Array(1024));
  const out = new Uint8Array(blocks.reduce((n, b) => n + b.length, 0));
  let at = 0;
  for (const b of blocks) {
    out.set(b, at);
    at += b.length;
  }
  return out;
}

/**
 * Gzips bytes (the runtime's gzip: deterministic for the same Deno version).
 *
 * @example
 * ```ts
 * const gz = await gzip(new Uint8Array([1, 2, 3]));
 * ```
 */
export async function gzip(data: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([data as BlobPart]).stream().pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/**
 * Hex SHA-256 of bytes.
 *
 * @example
 * ```ts
 * await sha256Hex(new Uint8Array()); // "e3b0c442..."
 * ```
 */
export async function sha256Hex(data: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", data as BufferSource));
  return [...digest].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * The archive file name of a target (version without a leading `v`).
 *
 * @example
 * ```ts
 * archiveName("v1.2.3", { os: "linux", arch: "amd64" }); // "gait_1.2.3_linux_amd64.tar.gz"
 * ```
 */
export function archiveName(version: string, target: Pick<ReleaseTarget, "os" | "arch">): string {
  const v = version.replace(/^v/, "");
  return `gait_${v}_${target.os}_${target.arch}.${target.os === "windows" ? "zip" : "tar.gz"}`;
}

// --- SBOM ---------------------------------------------------------------

/** One npm package of deno.lock. */
export interface LockedPackage {
  /** The deno.lock key, e.g. `ajv-formats@3.0.1_ajv@8.20.0`. */
  key: string;
  /** Package name, e.g. `@noble/hashes`. */
  name: string;
  /** Exact version. */
  version: string;
  /** The lock's Subresource Integrity string (`sha512-<base64>`). */
  integrity: string;
  /** Names (or keys) of its dependencies, as deno.lock lists them. */
  dependencies: string[];
}

/**
 * Splits a deno.lock npm key into name and version (peer suffixes dropped).
 *
 * @example
 * ```ts
 * parseLockKey("ajv-formats@3.0.1_ajv@8.20.0"); // { name: "ajv-formats", version: "3.0.1" }
 * ```
 */
export function parseLockKey(key: string): { name: string; version: string } {
  const at = key.indexOf("@", 1);
  if (at < 0) throw new ReleaseError(`deno.lock: unreadable npm key ${key}`);
  return { name: key.slice(0, at), version: key.slice(at + 1).split("_")[0]! };
}

/**
 * The npm packages of a parsed deno.lock, sorted by key.
 *
 * @example
 * ```ts
 * lockedPackages(JSON.parse(await Deno.readTextFile("deno.lock"))).length;
 * ```
 */
export function lockedPackages(lock: unknown): LockedPackage[] {
  const npm = (lock as { npm?: Record<string, unknown> } | null)?.npm ?? {};
  return Object.keys(npm).sort().map((key) => {
    const entry = npm[key] as { integrity?: unknown; dependencies?: unknown };
    if (
      typeof entry?.integrity !== "string" || !/^sha512-[A-Za-z0-9+/]+=*$/.test(entry.integrity)
    ) {
      throw new ReleaseError(`deno.lock: ${key} has no sha512 integrity`);
    }
    const deps = Array.isArray(entry.dependencies)
      ? entry.dependencies.filter((d): d is string => typeof d === "string")
      : [];
    return { key, ...parseLockKey(key), integrity: entry.integrity, dependencies: deps };
  });
}

/**
 * Hex of the digest in an SRI string.
 *
 * @example
 * ```ts
 * integrityHex("sha512-AAAA"); // "000000"
 * ```
 */
export function integrityHex(integrity: string): string {
  const b64 = integrity.slice(integrity.indexOf("-") + 1);
  return [...atob(b64)].map((c) => c.charCodeAt(0).toString(16).padStart(2, "0")).join("");
}

function resolveDependency(dep: string, packages: readonly LockedPackage[]): LockedPackage[] {
  const exact = packages.filter((p) => p.key === dep || `${p.name}@${p.version}` === dep);
  if (exact.length > 0) return exact;
  return packages.filter((p) => p.name === dep);
}

/**
 * The lock keys reachable from npm specifiers of the module graph
 * (`npm:/name@version/path` or `npm:name@version`), with their dependencies.
 *
 * @example
 * ```ts
 * shippedKeys(["npm:/@noble/hashes@2.4.0/sha2.js"], packages); // Set { "@noble/hashes@2.4.0" }
 * ```
 */
export function shippedKeys(
  specifiers: readonly string[],
  packages: readonly LockedPackage[],
): Set<string> {
  const out = new Set<string>();
  const queue: LockedPackage[] = [];
  for (const spec of specifiers) {
    const bare = spec.replace(/^npm:\/?/, "");
    const scoped = bare.startsWith("@");
    const parts = bare.split("/");
    const nameVersion = scoped ? `${parts[0]}/${parts[1]}` : parts[0]!;
    const { name, version } = parseLockKey(
      nameVersion.includes("@", 1) ? nameVersion : `${nameVersion}@`,
    );
    queue.push(
      ...packages.filter((p) => p.name === name && (version === "" || p.version === version)),
    );
  }
  while (queue.length > 0) {
    const p = queue.pop()!;
    if (out.has(p.key)) continue;
    out.add(p.key);
    for (const dep of p.dependencies) queue.push(...resolveDependency(dep, packages));
  }
  return out;
}

function spdxId(text: string): string {
  return `SPDXRef-${
    text.replace(/[^A-Za-z0-9.-]+/g, "-").replace(/-+/g, "-").replace(/^-|-$/g, "")
  }`;
}

function purl(name: string, version: string): string {
  const encoded = name.startsWith("@") ? `%40${name.slice(1)}` : name;
  return `pkg:npm/${encoded}@${version}`;
}

function tarballUrl(name: string, version: string): string {
  const base = name.split("/").pop()!;
  return `https://registry.npmjs.org/${name}/-/${base}-${version}.tgz`;
}

/** Inputs of {@link renderSbom}. */
export interface SbomInput {
  /** Release version (with or without `v`). */
  version: string;
  /** `owner/name` on GitHub. */
  repo: string;
  /** Source commit (may be ""). */
  commit: string;
  /** Creation time (RFC 3339 UTC, seconds). */
  created: string;
  /** Packages of deno.lock. */
  packages: readonly LockedPackage[];
  /** Keys of the packages shipped in the binaries; null when unknown (all count as shipped). */
  shipped: ReadonlySet<string> | null;
  /** The Deno version whose runtime (denort) the binaries embed. */
  denoVersion: string;
  /** A digest that makes the document namespace unique for this input. */
  namespaceDigest: string;
}

/**
 * An SPDX 2.3 JSON document for a release.
 *
 * @example
 * ```ts
 * const sbom = renderSbom({ version: "v1.2.3", repo: "Clyra-AI/gait", commit: "", created: "2026-01-01T00:00:00Z",
 *   packages: [], shipped: null, denoVersion: "2.9.6", namespaceDigest: "00" });
 * sbom.spdxVersion; // "SPDX-2.3"
 * ```
 */
export function renderSbom(input: SbomInput): Record<string, unknown> {
  const version = input.version.replace(/^v/, "");
  const rootId = "SPDXRef-Package-gait";
  const denoId = spdxId(`Package-deno-runtime-${input.denoVersion}`);
  const packages: Record<string, unknown>[] = [
    {
      SPDXID: rootId,
      name: "gait",
      versionInfo: version,
      supplier: "NOASSERTION",
      downloadLocation: input.commit
        ? `git+https://github.com/${input.repo}@${input.commit}`
        : `git+https://github.com/${input.repo}`,
      filesAnalyzed: false,
      licenseConcluded: "NOASSERTION",
      licenseDeclared: "NOASSERTION",
      copyrightText: "NOASSERTION",
      primaryPackagePurpose: "APPLICATION",
      externalRefs: [{
        referenceCategory: "PACKAGE-MANAGER",
        referenceType: "purl",
        referenceLocator: `pkg:github/${input.repo}@v${version}`,
      }],
    },
    {
      SPDXID: denoId,
      name: "deno-runtime",
      versionInfo: input.denoVersion,
      supplier: "Organization: Deno Land Inc.",
      downloadLocation: `https://github.com/denoland/deno/releases/tag/v${input.denoVersion}`,
      filesAnalyzed: false,
      licenseConcluded: "NOASSERTION",
      licenseDeclared: "MIT",
      copyrightText: "NOASSERTION",
      primaryPackagePurpose: "FRAMEWORK",
      comment: "The Deno runtime (denort) embedded in every compiled binary by deno compile.",
    },
  ];
  const relationships: Record<string, unknown>[] = [
    {
      spdxElementId: "SPDXRef-DOCUMENT",
      relationshipType: "DESCRIBES",
      relatedSpdxElement: rootId,
    },
    { spdxElementId: rootId, relationshipType: "DEPENDS_ON", relatedSpdxElement: denoId },
  ];
  for (const p of input.packages) {
    const id = spdxId(`npm-${p.name}-${p.version}`);
    const shipped = input.shipped === null || input.shipped.has(p.key);
    packages.push({
      SPDXID: id,
      name: p.name,
      versionInfo: p.version,
      supplier: "NOASSERTION",
      downloadLocation: tarballUrl(p.name, p.version),
      filesAnalyzed: false,
      checksums: [{ algorithm: "SHA512", checksumValue: integrityHex(p.integrity) }],
      licenseConcluded: "NOASSERTION",
      licenseDeclared: "NOASSERTION",
      copyrightText: "NOASSERTION",
      primaryPackagePurpose: "LIBRARY",
      externalRefs: [{
        referenceCategory: "PACKAGE-MANAGER",
        referenceType: "purl",
        referenceLocator: purl(p.name, p.version),
      }],
      comment: `deno.lock integrity ${p.integrity}; ${
        shipped ? "shipped in the binaries" : "development and test only; not shipped"
      }`,
    });
    relationships.push(
      shipped
        ? { spdxElementId: rootId, relationshipType: "DEPENDS_ON", relatedSpdxElement: id }
        : { spdxElementId: id, relationshipType: "DEV_DEPENDENCY_OF", relatedSpdxElement: rootId },
    );
  }
  return {
    spdxVersion: "SPDX-2.3",
    dataLicense: "CC0-1.0",
    SPDXID: "SPDXRef-DOCUMENT",
    name: `gait-${version}`,
    documentNamespace:
      `https://github.com/${input.repo}/releases/v${version}/sbom.spdx.json#${input.namespaceDigest}`,
    creationInfo: {
      created: input.created,
      creators: ["Tool: gait-scripts-release.ts", "Organization: Gait"],
    },
    packages,
    relationships,
  };
}

// --- provenance -----------------------------------------------------------

/** Inputs of {@link renderProvenance}. */
export interface ProvenanceInput {
  repo: string;
  commit: string;
  version: string;
  startedOn: string;
  finishedOn: string;
  denoVersion: string;
  /** Asset name → sha256 hex. */
  subjects: ReadonlyMap<string, string>;
  /** deno.lock's sha256. */
  lockDigest: string;
}

/**
 * provenance.json: the Go tool's fields (`buildType`, `builder.id`,
 * `invocation.configSource`, `metadata.buildStartedOn/FinishedOn`) plus the
 * release subjects and build materials.
 *
 * @example
 * ```ts
 * renderProvenance({ repo: "Clyra-AI/gait", commit: "", version: "v1.2.3", startedOn: "", finishedOn: "",
 *   denoVersion: "2.9.6", subjects: new Map(), lockDigest: "" }).buildType; // "gait.release"
 * ```
 */
export function renderProvenance(input: ProvenanceInput): Record<string, unknown> {
  const tag = input.version.startsWith("v") ? input.version : `v${input.version}`;
  return {
    buildType: "gait.release",
    builder: { id: `github.com/${input.repo}` },
    invocation: {
      configSource: {
        uri: `git+https://github.com/${input.repo}`,
        digest: { sha1: input.commit },
        entryPoint: ".github/workflows/release.yml",
      },
      parameters: { version: tag },
    },
    metadata: {
      buildStartedOn: input.startedOn,
      buildFinishedOn: input.finishedOn,
      completeness: { parameters: true, environment: false, materials: true },
      reproducible: false,
    },
    materials: [
      {
        uri: `git+https://github.com/${input.repo}@refs/tags/${tag}`,
        digest: { sha1: input.commit },
      },
      { uri: "deno.lock", digest: { sha256: input.lockDigest } },
      { uri: `https://github.com/denoland/deno/releases/tag/v${input.denoVersion}` },
    ],
    subject: [...input.subjects].sort(([a], [b]) => (a < b ? -1 : 1)).map(([name, sha256]) => ({
      name,
      digest: { sha256 },
    })),
  };
}

// --- the release --------------------------------------------------------

/** Options of {@link buildRelease}. */
export interface ReleaseOptions {
  version: string;
  binDir: string;
  outDir: string;
  bundle?: string;
  commit?: string;
  repo?: string;
  /** The archives' file mtime (RFC 3339); default 1980-01-01T00:00:00Z. */
  date?: string;
  startedAt?: string;
  targets?: readonly string[];
  /** The module graph's npm specifiers; default from `deno info --json cli.ts`. */
  graphNpmSpecifiers?: readonly string[] | null;
}

/** What {@link buildRelease} wrote. */
export interface ReleaseResult {
  /** Asset file name → sha256 (archives and the bundle). */
  assets: Map<string, string>;
  /** Every file written, relative to the output directory. */
  files: string[];
}

function nowSeconds(): string {
  return new Date().toISOString().replace(/\.\d+Z$/, "Z");
}

async function graphNpmSpecifiers(): Promise<string[] | null> {
  try {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["info", "--json", "--config", rootPath("deno.json"), rootPath("cli.ts")],
      stdin: "null",
      stdout: "piped",
      stderr: "null",
    }).output();
    if (!out.success) return null;
    const info = JSON.parse(new TextDecoder().decode(out.stdout)) as {
      modules?: { specifier?: string }[];
    };
    return (info.modules ?? []).map((m) => m.specifier ?? "").filter((s) => s.startsWith("npm:"));
  } catch {
    return null;
  }
}

async function writeAtomic(path: string, data: Uint8Array | string): Promise<void> {
  const tmp = `${path}.tmp-${crypto.randomUUID()}`;
  if (typeof data === "string") await Deno.writeTextFile(tmp, data);
  else await Deno.writeFile(tmp, data);
  await Deno.rename(tmp, path);
}

/**
 * Writes every release asset into `outDir`.
 *
 * @example
 * ```ts
 * await buildRelease({ version: "v1.2.3", binDir: "dist/bin", outDir: "dist/release" });
 * ```
 */
export async function buildRelease(options: ReleaseOptions): Promise<ReleaseResult> {
  if (!/^v?\d+\.\d+\.\d+([-+][0-9A-Za-z.+-]+)?$/.test(options.version)) {
    throw new ReleaseError(`--version must look like v1.2.3 (got ${options.version})`);
  }
  const commit = options.commit ?? "";
  if (commit !== "" && !/^[0-9a-f]{40}$/.test(commit)) {
    throw new ReleaseError(`--commit must be a 40-hex commit id (got ${commit})`);
  }
  const repo = options.repo ?? "Clyra-AI/gait";
  if (!/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(repo)) {
    throw new ReleaseError(`--repo must be owner/name (got ${repo})`);
  }
  const startedAt = options.startedAt ?? nowSeconds();
  const mtime = Math.floor(Date.parse(options.date ?? "1980-01-01T00:00:00Z") / 1000);
  if (!Number.isFinite(mtime)) throw new ReleaseError(`--date is not a timestamp: ${options.date}`);
  const wanted = options.targets ?? RELEASE_TARGETS.map((t) => t.triple);
  const targets = wanted.map((triple) => {
    const t = RELEASE_TARGETS.find((x) => x.triple === triple);
    if (!t) throw new ReleaseError(`unknown target ${triple}`);
    return t;
  });
  await Deno.mkdir(options.outDir, { recursive: true });
  const assets = new Map<string, string>();
  for (const target of targets) {
    const binPath = `${options.binDir}/${target.triple}/${target.binary}`;
    let data: Uint8Array;
    try {
      data = await Deno.readFile(binPath);
    } catch {
      throw new ReleaseError(`missing binary for ${target.triple}: ${binPath}`);
    }
    const name = archiveName(options.version, target);
    const archive = target.os === "windows"
      ? await buildDeterministicZip([{ path: target.binary, data, mode: 0o755 }])
      : await gzip(buildTar([{ name: target.binary, data, mode: 0o755 }], mtime));
    await writeAtomic(`${options.outDir}/${name}`, archive);
    assets.set(name, await sha256Hex(archive));
  }
  if (options.bundle) {
    const data = await Deno.readFile(options.bundle);
    const name = `gait_${options.version.replace(/^v/, "")}.js`;
    await writeAtomic(`${options.outDir}/${name}`, data);
    assets.set(name, await sha256Hex(data));
  }
  const names = [...assets.keys()].sort();
  const checksums = names.map((n) => `${assets.get(n)}  ${n}\n`).join("");
  await writeAtomic(`${options.outDir}/checksums.txt`, checksums);

  const lockBytes = await Deno.readFile(rootPath("deno.lock"));
  const packages = lockedPackages(JSON.parse(new TextDecoder().decode(lockBytes)));
  const specifiers = options.graphNpmSpecifiers !== undefined
    ? options.graphNpmSpecifiers
    : await graphNpmSpecifiers();
  const denoVersion = (await Deno.readTextFile(rootPath("scripts/deno-version.txt"))).trim();
  const lockDigest = await sha256Hex(lockBytes);
  const sbom = renderSbom({
    version: options.version,
    repo,
    commit,
    created: startedAt,
    packages,
    shipped: specifiers === null ? null : shippedKeys(specifiers, packages),
    denoVersion,
    namespaceDigest:
      (await sha256Hex(encoder.encode(`${options.version}\n${commit}\n${checksums}`)))
        .slice(0, 32),
  });
  await writeAtomic(`${options.outDir}/sbom.spdx.json`, JSON.stringify(sbom, null, 2) + "\n");
  const provenance = renderProvenance({
    repo,
    commit,
    version: options.version,
    startedOn: startedAt,
    finishedOn: nowSeconds(),
    denoVersion,
    subjects: assets,
    lockDigest,
  });
  await writeAtomic(
    `${options.outDir}/provenance.json`,
    JSON.stringify(provenance, null, 2) + "\n",
  );
  return { assets, files: [...names, "checksums.txt", "sbom.spdx.json", "provenance.json"] };
}

function parseArgs(args: string[]): Map<string, string> {
  const known = new Set([
    "version",
    "bin-dir",
    "out-dir",
    "bundle",
    "commit",
    "repo",
    "date",
    "started-at",
    "targets",
  ]);
  const flags = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(args[i]!);
    if (!m || !known.has(m[1]!)) throw new ReleaseError(`unknown argument: ${args[i]}`);
    const value = m[2] ?? args[++i];
    if (value === undefined) throw new ReleaseError(`--${m[1]} needs a value`);
    flags.set(m[1]!, value);
  }
  return flags;
}

if (import.meta.main) {
  try {
    const flags = parseArgs(Deno.args);
    const version = flags.get("version");
    if (!version) throw new ReleaseError("--version is required");
    const result = await buildRelease({
      version,
      binDir: flags.get("bin-dir") ?? rootPath("dist/bin"),
      outDir: flags.get("out-dir") ?? rootPath("dist/release"),
      bundle: flags.get("bundle"),
      commit: flags.get("commit"),
      repo: flags.get("repo") ?? Deno.env.get("GITHUB_REPOSITORY"),
      date: flags.get("date"),
      startedAt: flags.get("started-at"),
      targets: flags.get("targets")?.split(",").filter((t) => t !== ""),
    });
    for (const file of result.files) console.log(file);
  } catch (error) {
    console.error(`release: ${error instanceof Error ? error.message : String(error)}`);
    Deno.exit(error instanceof ReleaseError ? 2 : 1);
  }
}
