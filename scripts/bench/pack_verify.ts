/**
 * Benchmark of `gait pack verify` on a pack built from a large runpack,
 * against the physical reference `openssl dgst -sha256` over the same
 * uncompressed bytes, measured in the same run.
 *
 * Builds a raw-capture runpack with ~--mb MB of JSONL (intents and results
 * whose args carry pseudo-random base64, so the runpack zip stays large),
 * packs it with `gait pack build` (the real CLI), then times `gait pack
 * verify` (median of --runs, start-up included), the same verification
 * in-process (`verifyPackFile`, no start-up), and `openssl dgst -sha256` over
 * a file holding every pack entry's uncompressed bytes. Prints markdown rows.
 *
 * Usage: deno run -A scripts/bench/pack_verify.ts [--mb 200] [--runs 3] [--keep]
 *
 * @module
 */

import { buildDeterministicZip, openZipFile } from "../../src/archive/mod.ts";
import { canonicalJson } from "../../src/core/canonical_json.ts";
import { digestJson, loadNativeSha256, sha256Hex } from "../../src/core/digest.ts";
import { encodeBase64 } from "../../src/crypto/base64.ts";
import { PACK_ZIP_LIMITS } from "../../src/pack/_runpack_source.ts";
import { verifyPackFile } from "../../src/pack/verify.ts";
import { computeManifestDigest } from "../../src/runpack/manifest.ts";
import type { RunpackManifest } from "../../src/runpack/types.ts";

const MB = 1_000_000;
const root = new URL("../..", import.meta.url).pathname.replace(/\/$/, "");

function flag(name: string, fallback: number): number {
  const i = Deno.args.indexOf(`--${name}`);
  return i >= 0 ? Number(Deno.args[i + 1]) : fallback;
}

const totalMb = flag("mb", 200);
const runs = flag("runs", 3);
const keep = Deno.args.includes("--keep");

/** xorshift32; deterministic so every run benchmarks the same bytes. */
function prng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
}

const header = {
  schema_version: "1.0.0",
  created_at: "2026-02-05T00:00:00Z",
  producer_version: "0.0.0-bench",
  run_id: "run_bench",
};

/** JSONL of records with ~3 KB of base64 each, until `bytes` is reached. */
function jsonl(kind: "intent" | "result", bytes: number, seed: number): Uint8Array {
  const next = prng(seed);
  const raw = new Uint8Array(3000);
  const enc = new TextEncoder();
  const parts: Uint8Array[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    for (let o = 0; o < raw.length; o += 4) {
      const r = next();
      raw[o] = r;
      raw[o + 1] = r >>> 8;
      raw[o + 2] = r >>> 16;
      raw[o + 3] = r >>> 24;
    }
    const payload = { blob: encodeBase64(raw), seq: i };
    const record = kind === "intent"
      ? {
        ...header,
        schema_id: "gait.runpack.intent",
        intent_id: `intent_${i}`,
        tool_name: "tool.write",
        args_digest: digestJson(payload),
        args: payload,
      }
      : {
        ...header,
        schema_id: "gait.runpack.result",
        intent_id: `intent_${i}`,
        status: "ok",
        result_digest: digestJson(payload),
        result: payload,
      };
    const line = enc.encode(canonicalJson(record) + "\n");
    parts.push(line);
    size += line.length;
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

async function timeCommand(cmd: string, args: string[], cwd: string): Promise<number> {
  const start = performance.now();
  const out = await new Deno.Command(cmd, { args, cwd, stdout: "null", stderr: "piped" }).output();
  const ms = performance.now() - start;
  if (!out.success) {
    throw new Error(`${cmd} ${args.join(" ")} failed: ${new TextDecoder().decode(out.stderr)}`);
  }
  return ms;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

async function medianOf(cmd: string, args: string[], cwd: string): Promise<number> {
  await timeCommand(cmd, args, cwd); // warm caches
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push(await timeCommand(cmd, args, cwd));
  return median(times);
}

const gait = (args: string[]) => [
  "run",
  "--quiet",
  "--no-prompt",
  "--config",
  `${root}/deno.json`,
  "-P=gait",
  `${root}/cli.ts`,
  ...args,
];

await loadNativeSha256();
const work = await Deno.makeTempDir({ prefix: "gait-bench-pack-" });
try {
  // Each JSONL file must stay under the 100 MiB document limit.
  const half = Math.min(Math.floor((totalMb * MB) / 2), 100 * 1024 * 1024 - 64 * 1024);
  console.error(`generating ~${((2 * half) / MB).toFixed(0)} MB of runpack JSONL…`);
  const entries = new Map<string, Uint8Array>([
    ["intents.jsonl", jsonl("intent", half, 1)],
    ["results.jsonl", jsonl("result", half, 2)],
    [
      "refs.json",
      new TextEncoder().encode(
        canonicalJson({ ...header, schema_id: "gait.runpack.refs", receipts: [] }),
      ),
    ],
    [
      "run.json",
      new TextEncoder().encode(canonicalJson({
        ...header,
        schema_id: "gait.runpack.run",
        env: { os: "linux", arch: "amd64", runtime: "deno" },
        timeline: null,
      })),
    ],
  ]);
  const manifest: RunpackManifest = {
    schema_id: "gait.runpack.manifest",
    schema_version: "1.0.0",
    created_at: header.created_at,
    producer_version: header.producer_version,
    run_id: "run_bench",
    capture_mode: "raw",
    files: [...entries].map(([path, data]) => ({ path, sha256: sha256Hex(data) }))
      .sort((a, b) => (a.path < b.path ? -1 : 1)),
    manifest_digest: "",
  };
  manifest.manifest_digest = computeManifestDigest(manifest);
  entries.set("manifest.json", new TextEncoder().encode(canonicalJson(manifest)));
  const contentMb = [...entries.values()].reduce((n, d) => n + d.length, 0) / MB;
  const runpack = await buildDeterministicZip([...entries].map(([path, data]) => ({ path, data })));
  await Deno.writeFile(`${work}/runpack_run_bench.zip`, runpack);
  entries.clear();
  console.error(
    `runpack: ${contentMb.toFixed(0)} MB of content, ${(runpack.length / MB).toFixed(0)} MB zip`,
  );

  const deno = Deno.execPath();
  const build = await timeCommand(
    deno,
    gait(["pack", "build", "--from", "runpack_run_bench.zip", "--out", "pack_bench.zip"]),
    work,
  );
  const pack = await openZipFile(`${work}/pack_bench.zip`, PACK_ZIP_LIMITS);
  let hashedBytes = 0;
  const plain = await Deno.open(`${work}/pack_entries.bin`, { write: true, create: true });
  try {
    for (const name of pack.names) {
      const data = await pack.readEntry(name, { maxBytes: PACK_ZIP_LIMITS.maxEntryBytes });
      if (name !== "pack_manifest.json") hashedBytes += data.length;
      let off = 0;
      while (off < data.length) off += await plain.write(data.subarray(off));
    }
  } finally {
    plain.close();
    pack.close();
  }
  const packMb = (await Deno.stat(`${work}/pack_bench.zip`)).size / MB;
  const hashedMb = hashedBytes / MB;
  console.error(
    `pack: ${packMb.toFixed(0)} MB zip, ${hashedMb.toFixed(0)} MB of entries; build ${
      build.toFixed(0)
    } ms`,
  );

  const openssl = await medianOf("openssl", ["dgst", "-sha256", `${work}/pack_entries.bin`], work);
  const verify = await medianOf(deno, gait(["pack", "verify", "pack_bench.zip"]), work);
  const inProcess: number[] = [];
  for (let i = 0; i <= runs; i++) {
    const start = performance.now();
    const result = await verifyPackFile(`${work}/pack_bench.zip`);
    if (!result.ok) throw new Error("bench pack failed verification");
    if (i > 0) inProcess.push(performance.now() - start);
  }
  const library = median(inProcess);
  const mbps = (ms: number) => (hashedMb / (ms / 1000)).toFixed(0);
  const label = `a pack built from a ${contentMb.toFixed(0)} MB runpack (${
    (runpack.length / MB).toFixed(0)
  } MB zip; ${hashedMb.toFixed(0)} MB of entries hashed)`;
  const reference = `openssl dgst -sha256 ${mbps(openssl)} MB/s (${openssl.toFixed(0)} ms)`;
  console.log("| benchmark | Gait | reference (same run) | ratio | aim |");
  console.log("| --- | --- | --- | --- | --- |");
  console.log(
    `| \`gait pack verify\` of ${label} | ${mbps(verify)} MB/s (${
      verify.toFixed(0)
    } ms, process start-up included) | ${reference} | ${
      (openssl / verify).toFixed(2)
    }× openssl throughput | ≥ 0.8× |`,
  );
  console.log(
    `| \`verifyPackFile\` (library, same pack, no start-up) | ${mbps(library)} MB/s (${
      library.toFixed(0)
    } ms) | ${reference} | ${(openssl / library).toFixed(2)}× openssl throughput | ≥ 0.8× |`,
  );
  console.error(`(pack build of the same runpack: ${build.toFixed(0)} ms)`);
} finally {
  if (keep) console.error(`kept ${work}`);
  else await Deno.remove(work, { recursive: true });
}
