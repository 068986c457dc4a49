/**
 * `deno task bench`: Gait's hot paths measured against references taken in the
 * same run, printed as a markdown table for docs/benchmarks.md.
 *
 * - start-up: `gait version`, `gait verify run_demo`, `gait demo` vs a Deno
 *   hello-world with the same permission flags;
 * - `gait verify` of a runpack with ~500 MB of entries vs `openssl dgst -sha256`
 *   over the same uncompressed bytes.
 *
 * Usage: deno task bench [--quick] [--size-mb 500] [--runs 15]
 *
 * @module
 */

import { buildDeterministicZip } from "../../src/archive/mod.ts";
import { canonicalJson } from "../../src/core/canonical_json.ts";
import { sha256Hex } from "../../src/core/digest.ts";
import { computeManifestDigest } from "../../src/runpack/manifest.ts";
import type { RunpackManifest } from "../../src/runpack/types.ts";

const root = new URL("../..", import.meta.url).pathname.replace(/\/$/, "");
const args = new Set(Deno.args);
const quick = args.has("--quick");
const argValue = (name: string, fallback: number) => {
  const i = Deno.args.indexOf(name);
  return i >= 0 ? Number(Deno.args[i + 1]) : fallback;
};
const RUNS = argValue("--runs", quick ? 5 : 15);
const SIZE_MB = argValue("--size-mb", quick ? 100 : 500);

const gaitArgs = (cliArgs: string[]) => [
  "run",
  "--quiet",
  "--no-prompt",
  "--config",
  `${root}/deno.json`,
  "-P=gait",
  `${root}/cli.ts`,
  ...cliArgs,
];

async function timeCommand(cmd: string, cmdArgs: string[], cwd: string): Promise<number> {
  const start = performance.now();
  const out = await new Deno.Command(cmd, { args: cmdArgs, cwd, stdout: "null", stderr: "piped" })
    .output();
  const ms = performance.now() - start;
  if (!out.success) {
    throw new Error(`${cmd} ${cmdArgs.join(" ")} failed: ${new TextDecoder().decode(out.stderr)}`);
  }
  return ms;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

async function medianOf(cmd: string, cmdArgs: string[], cwd: string, runs = RUNS): Promise<number> {
  await timeCommand(cmd, cmdArgs, cwd); // warm the module cache
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push(await timeCommand(cmd, cmdArgs, cwd));
  return median(times);
}

const rows: string[][] = [];
function row(name: string, value: string, reference: string, ratio: string, aim: string) {
  rows.push([name, value, reference, ratio, aim]);
  console.error(`${name}: ${value} vs ${reference} → ${ratio} (aim ${aim})`);
}

const work = await Deno.makeTempDir({ prefix: "gait-bench-" });
try {
  const deno = Deno.execPath();
  await Deno.writeTextFile(`${work}/hello.ts`, 'console.log("hello");\n');
  const hello = await medianOf(deno, [
    "run",
    "--quiet",
    "--no-prompt",
    "--config",
    `${root}/deno.json`,
    "-P=gait",
    `${work}/hello.ts`,
  ], work);
  const version = await medianOf(deno, gaitArgs(["version"]), work);
  row(
    "start-up: `gait version`",
    `${version.toFixed(1)} ms`,
    `hello-world ${hello.toFixed(1)} ms`,
    `${(version / hello).toFixed(2)}×`,
    "≤ 2×",
  );
  const demo = await medianOf(deno, gaitArgs(["demo"]), work);
  row(
    "`gait demo` end to end",
    `${demo.toFixed(1)} ms`,
    `hello-world ${hello.toFixed(1)} ms`,
    `${(demo / hello).toFixed(2)}×`,
    "—",
  );
  const verifyDemo = await medianOf(deno, gaitArgs(["verify", "run_demo"]), work);
  row(
    "start-up: `gait verify run_demo`",
    `${verifyDemo.toFixed(1)} ms`,
    `hello-world ${hello.toFixed(1)} ms`,
    `${(verifyDemo / hello).toFixed(2)}×`,
    "≤ 2×",
  );

  // A runpack whose manifest declares ~SIZE_MB of entries in ≤ 100 MiB pieces.
  const pieceBytes = 100 * 1000 * 1000;
  const pieces = Math.max(1, Math.round(SIZE_MB * 1e6 / pieceBytes));
  const line = new TextEncoder().encode(
    canonicalJson({
      intent_id: "intent_000000",
      tool_name: "tool.search",
      args_digest: "a".repeat(64),
    }) + "\n",
  );
  const entries = new Map<string, Uint8Array>();
  const plain = await Deno.open(`${work}/plain.bin`, { write: true, create: true, truncate: true });
  for (let p = 0; p < pieces; p++) {
    const data = new Uint8Array(pieceBytes);
    // Half compressible JSONL-like text, half pseudo-random bytes.
    if (p % 2 === 0) {
      for (let o = 0; o < data.length; o += line.length) {
        data.set(line.subarray(0, Math.min(line.length, data.length - o)), o);
      }
      for (let o = 0; o < data.length; o += 4099) data[o] = 48 + (o % 10);
    } else {
      let x = 0x9e3779b9 ^ p;
      for (let o = 0; o < data.length; o++) {
        x ^= x << 13;
        x ^= x >>> 17;
        x ^= x << 5;
        data[o] = x & 0xff;
      }
    }
    const name = p === 0 ? "intents.jsonl" : p === 1 ? "results.jsonl" : `blob_${p}.bin`;
    entries.set(name, data);
    let off = 0;
    while (off < data.length) off += await plain.write(data.subarray(off));
  }
  plain.close();
  for (const name of ["intents.jsonl", "results.jsonl"]) {
    if (!entries.has(name)) entries.set(name, new Uint8Array());
  }
  entries.set("refs.json", new TextEncoder().encode('{"receipts":[],"run_id":"run_bench"}'));
  entries.set("run.json", new TextEncoder().encode('{"run_id":"run_bench"}'));
  const manifest: RunpackManifest = {
    schema_id: "gait.runpack.manifest",
    schema_version: "1.0.0",
    created_at: "2026-02-05T00:00:00Z",
    producer_version: "0.0.0-bench",
    run_id: "run_bench",
    capture_mode: "reference",
    files: [...entries].map(([path, data]) => ({ path, sha256: sha256Hex(data) }))
      .sort((a, b) => (a.path < b.path ? -1 : 1)),
    manifest_digest: "",
  };
  manifest.manifest_digest = computeManifestDigest(manifest);
  entries.set("manifest.json", new TextEncoder().encode(canonicalJson(manifest)));
  const zip = await buildDeterministicZip([...entries].map(([path, data]) => ({ path, data })));
  await Deno.writeFile(`${work}/runpack_run_bench.zip`, zip);
  const totalMb = [...entries.values()].reduce((n, d) => n + d.length, 0) / 1e6;
  const runs = quick ? 2 : 5;
  const openssl = await medianOf("openssl", ["dgst", "-sha256", `${work}/plain.bin`], work, runs);
  const verify = await medianOf(
    deno,
    gaitArgs(["verify", `${work}/runpack_run_bench.zip`]),
    work,
    runs,
  );
  row(
    `\`gait verify\` of a ${totalMb.toFixed(0)} MB runpack`,
    `${(totalMb / (verify / 1000)).toFixed(0)} MB/s (${verify.toFixed(0)} ms)`,
    `openssl sha256 ${(totalMb / (openssl / 1000)).toFixed(0)} MB/s`,
    `${(openssl / verify).toFixed(2)}× openssl throughput`,
    "≥ 0.8×",
  );
} finally {
  await Deno.remove(work, { recursive: true });
}

console.log("| benchmark | Gait | reference (same run) | ratio | aim |");
console.log("| --- | --- | --- | --- | --- |");
for (const r of rows) console.log(`| ${r.join(" | ")} |`);
