/**
 * Benchmark of the zip reader's hot path, `hashEntry` (what `gait verify` and
 * `gait pack verify` spend their time in), against the physical reference
 * `openssl dgst -sha256` over the same uncompressed bytes, measured in the
 * same run.
 *
 * Builds ~500 MB of entries in 100 MB pieces, JSONL-like text (compresses
 * ~7:1, like runpack data) and random bytes, into a deflated zip (our writer)
 * and a stored zip, then times hashing every entry (best of --runs), one at a
 * time and all at once (which lets the hash workers take entries).
 *
 * Usage: deno run -A scripts/bench/zip_hash.ts [--mb 500] [--runs 3] [--keep]
 *
 * @module
 */

import { crc32 } from "node:zlib";
import { buildDeterministicZip, openZipFile, type ZipArchive } from "../../src/archive/mod.ts";
import { inflateEngineFor } from "../../src/archive/_inflate.ts";
import { offloadedHashCount } from "../../src/archive/_hash_pool.ts";

const MB = 1_000_000;
const PIECE = 100 * MB;

function flag(name: string, fallback: number): number {
  const i = Deno.args.indexOf(`--${name}`);
  return i >= 0 ? Number(Deno.args[i + 1]) : fallback;
}

const totalMb = flag("mb", 500);
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

function jsonlPiece(size: number, seed: number): Uint8Array {
  const next = prng(seed);
  const enc = new TextEncoder();
  const out = new Uint8Array(size);
  const tools = ["fs.read", "fs.write", "http.get", "db.query", "shell.exec"];
  let at = 0;
  for (let i = 0; at < size; i++) {
    const r = next();
    const line = enc.encode(
      JSON.stringify({
        schema_id: "gait.runpack.intent",
        seq: i,
        ts: `2026-02-${String(1 + (r % 28)).padStart(2, "0")}T12:${
          String(r % 60).padStart(2, "0")
        }:00.${r % 1000000}Z`,
        tool_name: tools[r % tools.length],
        args: { path: `/srv/data/${(r >>> 8).toString(36)}/part-${r % 977}.json`, limit: r % 1000 },
        args_digest: (next().toString(16) + next().toString(16)).padEnd(16, "0").repeat(4),
      }) + "\n",
    );
    const n = Math.min(line.length, size - at);
    out.set(line.subarray(0, n), at);
    at += n;
  }
  return out;
}

function randomPiece(size: number, seed: number): Uint8Array {
  const next = prng(seed);
  const out = new Uint8Array(size);
  const words = new Uint32Array(out.buffer, 0, size >>> 2);
  for (let i = 0; i < words.length; i++) words[i] = next();
  return out;
}

/** A minimal stored-entry zip (method 0), for the no-inflate reference. */
function storedZip(files: { path: string; data: Uint8Array }[]): Uint8Array {
  const enc = new TextEncoder();
  const parts: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  for (const f of files) {
    const name = enc.encode(f.path);
    const crc = crc32(f.data) >>> 0;
    const local = new Uint8Array(30 + name.length);
    const lv = new DataView(local.buffer);
    lv.setUint32(0, 0x04034b50, true);
    lv.setUint16(4, 10, true);
    lv.setUint32(14, crc, true);
    lv.setUint32(18, f.data.length, true);
    lv.setUint32(22, f.data.length, true);
    lv.setUint16(26, name.length, true);
    local.set(name, 30);
    const c = new Uint8Array(46 + name.length);
    const cv = new DataView(c.buffer);
    cv.setUint32(0, 0x02014b50, true);
    cv.setUint16(4, 0x0314, true);
    cv.setUint16(6, 10, true);
    cv.setUint32(16, crc, true);
    cv.setUint32(20, f.data.length, true);
    cv.setUint32(24, f.data.length, true);
    cv.setUint16(28, name.length, true);
    cv.setUint32(38, 0x81a40000, true);
    cv.setUint32(42, offset, true);
    c.set(name, 46);
    parts.push(local, f.data);
    central.push(c);
    offset += local.length + f.data.length;
  }
  const centralSize = central.reduce((n, c) => n + c.length, 0);
  const end = new Uint8Array(22);
  const ev = new DataView(end.buffer);
  ev.setUint32(0, 0x06054b50, true);
  ev.setUint16(8, files.length, true);
  ev.setUint16(10, files.length, true);
  ev.setUint32(12, centralSize, true);
  ev.setUint32(16, offset, true);
  const all = [...parts, ...central, end];
  const out = new Uint8Array(all.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of all) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

async function writeConcat(path: string, pieces: Uint8Array[]): Promise<void> {
  const file = await Deno.open(path, { write: true, create: true, truncate: true });
  try {
    for (const p of pieces) {
      let written = 0;
      while (written < p.length) written += await file.write(p.subarray(written));
    }
  } finally {
    file.close();
  }
}

async function best(fn: () => Promise<void>): Promise<number> {
  await fn();
  let min = Infinity;
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    min = Math.min(min, performance.now() - t);
  }
  return min;
}

async function openssl(path: string): Promise<void> {
  const out = await new Deno.Command("openssl", { args: ["dgst", "-sha256", path], stdout: "null" })
    .output();
  if (!out.success) throw new Error(`openssl failed on ${path}`);
}

async function hashSequential(zip: ZipArchive, names: readonly string[]): Promise<void> {
  for (const name of names) await zip.hashEntry(name);
}

/** How a verifier should call it: all entries at once, so workers can help. */
async function hashConcurrent(zip: ZipArchive, names: readonly string[]): Promise<void> {
  await Promise.all(names.map((name) => zip.hashEntry(name)));
}

const dir = await Deno.makeTempDir({ prefix: "gait-bench-zip-" });
try {
  const pieces = Math.max(2, Math.round(totalMb * MB / PIECE));
  const text: { path: string; data: Uint8Array }[] = [];
  const random: { path: string; data: Uint8Array }[] = [];
  for (let i = 0; i < pieces; i++) {
    if (i % 2 === 0) text.push({ path: `text_${i}.jsonl`, data: jsonlPiece(PIECE, 1 + i) });
    else random.push({ path: `random_${i}.bin`, data: randomPiece(PIECE, 1 + i) });
  }
  const all = [...text, ...random];
  await writeConcat(`${dir}/text.bin`, text.map((f) => f.data));
  await writeConcat(`${dir}/random.bin`, random.map((f) => f.data));
  await writeConcat(`${dir}/all.bin`, all.map((f) => f.data));

  const t = performance.now();
  const deflated = await buildDeterministicZip(all);
  const writeMs = performance.now() - t;
  await Deno.writeFile(`${dir}/deflated.zip`, deflated);
  await Deno.writeFile(`${dir}/stored.zip`, storedZip(all));
  const deflatedSize = deflated.length;
  const bytes = (files: { data: Uint8Array }[]) => files.reduce((n, f) => n + f.data.length, 0);
  const textBytes = bytes(text);
  const randomBytes = bytes(random);
  const allBytes = textBytes + randomBytes;
  const textNames = text.map((f) => f.path);
  const randomNames = random.map((f) => f.path);
  const allNames = all.map((f) => f.path);
  text.length = 0;
  random.length = 0;
  all.length = 0;

  const limits = { maxTotalBytes: Number.MAX_SAFE_INTEGER };
  const reference = {
    text: await best(() => openssl(`${dir}/text.bin`)),
    random: await best(() => openssl(`${dir}/random.bin`)),
    all: await best(() => openssl(`${dir}/all.bin`)),
  };
  const rows: string[] = [];
  const mbps = (n: number, ms: number) => n / MB / (ms / 1000);
  for (const kind of ["stored", "deflated"] as const) {
    const zip = await openZipFile(`${dir}/${kind}.zip`, limits);
    try {
      for (
        const [label, names, n, ref] of [
          ["text (JSONL)", textNames, textBytes, reference.text],
          ["random", randomNames, randomBytes, reference.random],
          ["all", allNames, allBytes, reference.all],
        ] as const
      ) {
        const seq = mbps(n, await best(() => hashSequential(zip, names)));
        const par = mbps(n, await best(() => hashConcurrent(zip, names)));
        const ref2 = mbps(n, ref);
        rows.push(
          `| ${kind} | ${label} | ${(n / MB).toFixed(0)} | ${seq.toFixed(0)} (${
            (seq / ref2).toFixed(2)
          }x) | ` +
            `${par.toFixed(0)} (${(par / ref2).toFixed(2)}x) | ${ref2.toFixed(0)} |`,
        );
      }
    } finally {
      zip.close();
    }
  }
  console.log(
    `zip hashEntry vs openssl dgst -sha256 (best of ${runs}; deno ${Deno.version.deno}, ` +
      `bulk inflate engine ${await inflateEngineFor(PIECE)}; deflated zip ${
        (deflatedSize / MB).toFixed(0)
      } MB, ` +
      `written at ${mbps(allBytes, writeMs).toFixed(0)} MB/s)`,
  );
  console.log("");
  console.log(
    "| zip | entries | MB | hashEntry sequential MB/s (vs openssl) | hashEntry concurrent MB/s (vs openssl) | openssl MB/s |",
  );
  console.log("|---|---|---|---|---|---|");
  for (const row of rows) console.log(row);
  console.log("");
  console.log(
    `${navigator.hardwareConcurrency} CPUs; ${offloadedHashCount()} hashes ran in workers`,
  );
} finally {
  if (keep) console.error(`kept ${dir}`);
  else await Deno.remove(dir, { recursive: true });
}
