/**
 * Memory bounds of the zip reader (DESIGN "Hash streams, not whole files";
 * spec 01 §3 "Readers"): hashing streams with memory independent of entry
 * size, and a bomb is stopped at its declared size instead of materialized.
 *
 * Bounds are on growth over a baseline taken just before each operation, with
 * the peak sampled while it runs, in two measures: this isolate's JS memory
 * (heap plus ArrayBuffers, tight, and unaffected by test modules running in
 * parallel in the same process) and the process RSS (looser, but it also sees
 * native memory such as zlib's).
 */

import assert from "node:assert/strict";
import { GaitError } from "../../src/core/errors.ts";
import { openZipFile } from "../../src/archive/mod.ts";
import { rawZip, zeroCrc, zeroDeflateStream } from "./_zip_builder.ts";

const MiB = 1024 * 1024;
const SHA_ZEROS_150_MIB = "12ba578486fc98e3d601b534901ce1e0cb2743f02de2adbba06a4ab860f85415";
const SHA_ZEROS_1_GIB = "49bc20df15e412a64472421e13fe86ff1c5165e18b2afccf160d4dc19fe68a14";
/**
 * hashEntry may use this much JS memory over its baseline, whatever the entry
 * size (measured: under 3 MiB for 150 MiB and 1 GiB entries).
 */
const HASH_BOUND = 32 * MiB;
/** The process as a whole, which parallel test modules share. */
const RSS_BOUND = 128 * MiB;

const STAGE = Deno.makeTempDirSync({ prefix: "gait-zip-memory-" });
globalThis.addEventListener("unload", () => {
  try {
    Deno.removeSync(STAGE, { recursive: true });
  } catch { /* already gone */ }
});

/** A one-entry stored zip of `mib` MiB of zeros, written without holding it in memory. */
function writeStoredZeros(path: string, name: string, mib: number): void {
  const size = mib * MiB;
  const nameBytes = new TextEncoder().encode(name);
  const crc = zeroCrc(mib);
  // rawZip lays out the headers of an empty stored entry; the data is then
  // spliced in by patching sizes and offsets.
  const template = rawZip([{
    name,
    data: new Uint8Array(0),
    method: 0,
    crc,
    compressedSize: size,
    uncompressedSize: size,
  }]);
  const localLen = 30 + nameBytes.length;
  const central = template.slice(localLen);
  new DataView(central.buffer).setUint32(central.length - 6, localLen + size, true);
  const file = Deno.openSync(path, { write: true, create: true, truncate: true });
  try {
    file.writeSync(template.subarray(0, localLen));
    const zeros = new Uint8Array(MiB);
    for (let i = 0; i < mib; i++) {
      let written = 0;
      while (written < zeros.length) written += file.writeSync(zeros.subarray(written));
    }
    let written = 0;
    while (written < central.length) written += file.writeSync(central.subarray(written));
  } finally {
    file.close();
  }
}

const storedPath = `${STAGE}/stored_150.zip`;
writeStoredZeros(storedPath, "big.bin", 150);
const deflatedPath = `${STAGE}/deflated_150.zip`;
Deno.writeFileSync(
  deflatedPath,
  rawZip([{
    name: "big.bin",
    body: zeroDeflateStream(150),
    crc: zeroCrc(150),
    uncompressedSize: 150 * MiB,
  }]),
);
const gibPath = `${STAGE}/deflated_1gib.zip`;
Deno.writeFileSync(
  gibPath,
  rawZip([{
    name: "huge.bin",
    body: zeroDeflateStream(1024),
    crc: zeroCrc(1024),
    uncompressedSize: 1024 * MiB,
  }]),
);
const bombPath = `${STAGE}/bomb_1gib.zip`;
Deno.writeFileSync(
  bombPath,
  rawZip([{
    name: "bomb.bin",
    body: zeroDeflateStream(1024),
    crc: zeroCrc(1),
    uncompressedSize: MiB,
  }]),
);

interface Growth {
  /** Peak growth of heapUsed + external in this isolate. */
  js: number;
  /** Peak growth of the process RSS. */
  rss: number;
}

function jsMemory(): number {
  const m = Deno.memoryUsage();
  return m.heapUsed + m.external;
}

/** Runs `op` and reports the peak memory growth seen while it ran. */
async function peakGrowth(op: () => Promise<unknown>): Promise<{ result: unknown } & Growth> {
  const baseJs = jsMemory();
  const baseRss = Deno.memoryUsage().rss;
  let peakJs = baseJs;
  let peakRss = baseRss;
  const sample = () => {
    peakJs = Math.max(peakJs, jsMemory());
    peakRss = Math.max(peakRss, Deno.memoryUsage().rss);
  };
  const timer = setInterval(sample, 1);
  let result: unknown;
  try {
    result = await op();
  } catch (error) {
    result = error;
  } finally {
    clearInterval(timer);
  }
  sample();
  return { result, js: peakJs - baseJs, rss: peakRss - baseRss };
}

const mib = (n: number) => `${(n / MiB).toFixed(1)} MiB`;

/**
 * JS memory is per isolate, so it is asserted in-process. RSS belongs to the
 * whole process, which `deno test --parallel` shares between test modules, so
 * here it is only reported; the RSS bound is asserted in a separate process
 * (see "memory: peak RSS of a separate process …" below).
 */
function assertGrowth(growth: Growth, js: number, _rss: number): void {
  assert.ok(growth.js < js, `JS memory grew ${mib(growth.js)} (bound ${mib(js)})`);
}

const TIME = "/usr/bin/time";
const hasGnuTime = (() => {
  try {
    return Deno.statSync(TIME).isFile;
  } catch {
    return false;
  }
})();

Deno.test({
  name:
    "memory: peak RSS of a separate process hashing the honest 1 GiB entry and the 1 GiB bomb stays bounded",
  // Skips only outside CI; scripts/test-deps.sh installs GNU time when missing.
  ignore: !hasGnuTime && Deno.env.get("CI") !== "true",
  permissions: { read: true, run: true, env: true },
  fn: async () => {
    const mod = new URL("../../src/archive/mod.ts", import.meta.url).href;
    const script = `
      import { openZipFile } from ${JSON.stringify(mod)};
      const huge = await openZipFile(${
      JSON.stringify(gibPath)
    }, { maxEntryBytes: 2048 * 1024 * 1024, maxTotalBytes: 4096 * 1024 * 1024 });
      const r = await huge.hashEntry("huge.bin");
      huge.close();
      if (r.sha256 !== ${
      JSON.stringify(SHA_ZEROS_1_GIB)
    }) throw new Error("wrong digest " + r.sha256);
      const bomb = await openZipFile(${JSON.stringify(bombPath)});
      const failed = await bomb.hashEntry("bomb.bin").then(() => false, () => true);
      bomb.close();
      if (!failed) throw new Error("bomb was not refused");
    `;
    const out = await new Deno.Command(TIME, {
      args: ["-f", "GAIT_MAXRSS_KB=%M", Deno.execPath(), "eval", "--quiet", script],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(out.stderr);
    assert.equal(out.code, 0, stderr);
    const m = /GAIT_MAXRSS_KB=(\d+)/.exec(stderr);
    assert.ok(m, stderr);
    const rssMib = Number(m[1]) / 1024;
    // A Deno process idles at ~40-60 MiB; streaming must add at most RSS_BOUND.
    assert.ok(rssMib < 64 + RSS_BOUND / MiB, `peak RSS ${rssMib.toFixed(1)} MiB`);
  },
});

async function warmUp(): Promise<void> {
  const zip = await openZipFile(deflatedPath, { maxEntryBytes: 200 * MiB });
  try {
    await zip.readEntry("big.bin", { maxBytes: 200 * MiB }).catch(() => {});
  } finally {
    zip.close();
  }
}

Deno.test({
  name: "memory: hashEntry of a 150 MiB stored entry stays in bounded memory",
  permissions: { read: true, write: false },
  fn: async () => {
    await warmUp();
    const zip = await openZipFile(storedPath, { maxEntryBytes: 200 * MiB });
    try {
      const { result, ...growth } = await peakGrowth(() => zip.hashEntry("big.bin"));
      assert.deepEqual(result, { sha256: SHA_ZEROS_150_MIB, size: 150 * MiB });
      assertGrowth(growth, HASH_BOUND, RSS_BOUND);
    } finally {
      zip.close();
    }
  },
});

Deno.test({
  name: "memory: hashEntry of a 150 MiB deflated entry stays in bounded memory",
  permissions: { read: true, write: false },
  fn: async () => {
    const zip = await openZipFile(deflatedPath, { maxEntryBytes: 200 * MiB });
    try {
      const { result, ...growth } = await peakGrowth(() => zip.hashEntry("big.bin"));
      assert.deepEqual(result, { sha256: SHA_ZEROS_150_MIB, size: 150 * MiB });
      assertGrowth(growth, HASH_BOUND, RSS_BOUND);
    } finally {
      zip.close();
    }
  },
});

Deno.test({
  name: "memory: readEntry of a 150 MiB entry holds the content once, not twice",
  permissions: { read: true, write: false },
  fn: async () => {
    const zip = await openZipFile(deflatedPath, { maxEntryBytes: 200 * MiB });
    try {
      const { result, ...growth } = await peakGrowth(() => zip.readEntry("big.bin"));
      assert.ok(result instanceof Uint8Array && result.length === 150 * MiB);
      assertGrowth(growth, 150 * MiB + HASH_BOUND, 150 * MiB + RSS_BOUND);
    } finally {
      zip.close();
    }
  },
});

Deno.test({
  name: "memory: hashEntry of an honest 1 GiB entry streams in bounded memory",
  permissions: { read: true, write: false },
  fn: async () => {
    const zip = await openZipFile(gibPath, {
      maxEntryBytes: 2048 * MiB,
      maxTotalBytes: 4096 * MiB,
    });
    try {
      const { result, ...growth } = await peakGrowth(() => zip.hashEntry("huge.bin"));
      assert.deepEqual(result, { sha256: SHA_ZEROS_1_GIB, size: 1024 * MiB });
      assertGrowth(growth, HASH_BOUND, RSS_BOUND);
    } finally {
      zip.close();
    }
  },
});

Deno.test({
  name: "memory: a 1 GiB bomb declaring 1 MiB is stopped at 1 MiB by hashEntry and readEntry",
  permissions: { read: true, write: false },
  fn: async () => {
    const zip = await openZipFile(bombPath);
    try {
      const ops: (() => Promise<unknown>)[] = [
        () => zip.hashEntry("bomb.bin"),
        () => zip.readEntry("bomb.bin"),
      ];
      for (const op of ops) {
        const started = performance.now();
        const { result, ...growth } = await peakGrowth(op);
        assert.ok(result instanceof GaitError, `expected GaitError, got ${result}`);
        assert.equal(result.category, "verification_failed");
        assert.match(result.message, /^zip entry bomb\.bin expands beyond its declared size /);
        assertGrowth(growth, HASH_BOUND, RSS_BOUND);
        // Stopping early means ~1 MiB of work, not 1 GiB.
        assert.ok(performance.now() - started < 2000, "stops without decoding the rest");
      }
    } finally {
      zip.close();
    }
  },
});
