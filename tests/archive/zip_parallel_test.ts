/**
 * Concurrent hashEntry calls (DESIGN "Performance rules"): large entries of a
 * file archive may be hashed in worker threads, with exactly the results and
 * errors of the main thread, and a pool that cannot start falls back to the
 * main thread.
 */

import assert from "node:assert/strict";
import { GaitError } from "../../src/core/errors.ts";
import { openZipFile } from "../../src/archive/mod.ts";
import { offloadedHashCount, setHashWorkers } from "../../src/archive/_hash_pool.ts";
import { rawZip, zeroCrc, zeroDeflateStream } from "./_zip_builder.ts";

const MiB = 1024 * 1024;

const STAGE = Deno.makeTempDirSync({ prefix: "gait-zip-parallel-" });
globalThis.addEventListener("unload", () => {
  try {
    Deno.removeSync(STAGE, { recursive: true });
  } catch { /* already gone */ }
});

const zeros = (name: string, mib: number) => ({
  name,
  body: zeroDeflateStream(mib),
  crc: zeroCrc(mib),
  uncompressedSize: mib * MiB,
});

const goodPath = `${STAGE}/good.zip`;
Deno.writeFileSync(
  goodPath,
  rawZip([zeros("a.bin", 9), zeros("b.bin", 9), zeros("c.bin", 9), zeros("d.bin", 9)]),
);

const badPath = `${STAGE}/bad.zip`;
Deno.writeFileSync(
  badPath,
  rawZip([
    zeros("first.bin", 9),
    { ...zeros("crc.bin", 9), crc: 1 },
    { name: "bomb.bin", body: zeroDeflateStream(64), crc: 0, uncompressedSize: 9 * MiB },
  ]),
);

async function sha256OfZeros(mib: number): Promise<string> {
  const { createHash } = await import("node:crypto");
  const h = createHash("sha256");
  const buf = new Uint8Array(MiB);
  for (let i = 0; i < mib; i++) h.update(buf);
  return h.digest("hex");
}

Deno.test({
  name: "parallel: concurrent hashes of large entries use workers and agree with the main thread",
  permissions: { read: true, write: false },
  fn: async () => {
    setHashWorkers(1);
    const expected = await sha256OfZeros(9);
    assert.equal(expected.length, 64);
    const zip = await openZipFile(goodPath);
    try {
      const before = offloadedHashCount();
      const results = await Promise.all(zip.names.map((n) => zip.hashEntry(n)));
      assert.deepEqual(results, zip.names.map(() => ({ sha256: expected, size: 9 * MiB })));
      assert.ok(offloadedHashCount() > before, "some entries were hashed in a worker");
      const sequential = [];
      for (const n of zip.names) sequential.push(await zip.hashEntry(n));
      assert.deepEqual(sequential, results);
    } finally {
      zip.close();
      setHashWorkers();
    }
  },
});

Deno.test({
  name: "parallel: a worker reports CRC failures and bombs with the main thread's errors",
  permissions: { read: true, write: false },
  fn: async () => {
    setHashWorkers(1);
    const zip = await openZipFile(badPath);
    try {
      const before = offloadedHashCount();
      // The first call takes the main thread, so the other two go to the worker.
      const settled = await Promise.allSettled(zip.names.map((n) => zip.hashEntry(n)));
      assert.equal(settled[0]!.status, "fulfilled");
      const errors = settled.slice(1).map((s) => (s as PromiseRejectedResult).reason);
      for (const e of errors) assert.ok(e instanceof GaitError, String(e));
      assert.deepEqual(errors.map((e: GaitError) => [e.category, e.message]), [
        ["verification_failed", `zip entry crc.bin failed CRC check (in ${badPath})`],
        [
          "verification_failed",
          `zip entry bomb.bin expands beyond its declared size (in ${badPath})`,
        ],
      ]);
      assert.ok(offloadedHashCount() === before, "failed hashes are not counted as offloaded");
      // The same errors from the main thread alone.
      setHashWorkers(0);
      await assert.rejects(zip.hashEntry("crc.bin"), { message: errors[0].message });
      await assert.rejects(zip.hashEntry("bomb.bin"), { message: errors[1].message });
    } finally {
      zip.close();
      setHashWorkers();
    }
  },
});

Deno.test({
  name: "parallel: a pool that cannot start falls back to the main thread",
  permissions: { read: true, write: false },
  fn: async () => {
    // Stands in for a `deno compile` without `--include src/archive/_hash_worker.ts`
    // (a worker that dies on load; exiting keeps the test log free of the
    // uncaught-error report a missing module would print).
    setHashWorkers(
      1,
      new URL('data:text/javascript,import process from "node:process"; process.exit(3);'),
    );
    const zip = await openZipFile(goodPath);
    try {
      const expected = await sha256OfZeros(9);
      const before = offloadedHashCount();
      const results = await Promise.all(zip.names.map((n) => zip.hashEntry(n)));
      assert.deepEqual(results.map((r) => r.sha256), zip.names.map(() => expected));
      assert.equal(offloadedHashCount(), before, "nothing ran in the broken worker");
    } finally {
      zip.close();
      setHashWorkers();
    }
  },
});

Deno.test({
  name: "parallel: a worker refuses an archive file that changed after it was opened",
  permissions: { read: true, write: true },
  fn: async () => {
    const path = `${STAGE}/changing.zip`;
    await Deno.copyFile(goodPath, path);
    setHashWorkers(1);
    const zip = await openZipFile(path);
    try {
      // Same bytes, new file: the main thread keeps its handle, a worker
      // reopening the path must notice.
      const copy = `${STAGE}/changing.tmp`;
      await Deno.copyFile(goodPath, copy);
      await Deno.rename(copy, path);
      const settled = await Promise.allSettled(zip.names.map((n) => zip.hashEntry(n)));
      assert.equal(settled[0]!.status, "fulfilled", "the main thread reads its own handle");
      const rejected = settled.filter((s) => s.status === "rejected") as PromiseRejectedResult[];
      assert.ok(rejected.length > 0);
      for (const r of rejected) {
        assert.ok(r.reason instanceof GaitError);
        assert.equal(r.reason.category, "invalid_input");
        assert.equal(r.reason.message, `zip archive ${path} changed while it was being read`);
      }
    } finally {
      zip.close();
      setHashWorkers();
    }
  },
});
