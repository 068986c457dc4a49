/**
 * The hardened zip reader (spec 01 §3 "Readers"; DESIGN "Untrusted input").
 * Every hostile archive is built here by hand, staged as a file before the
 * tests run, and then read by tests that have no write permission at all, so
 * "the reader writes nothing" is enforced by the runtime, not just checked.
 */

import assert from "node:assert/strict";
import { GaitError } from "../../src/core/errors.ts";
import { sha256Hex } from "../../src/core/digest.ts";
import {
  buildDeterministicZip,
  openZipBytes,
  openZipFile,
  type ZipArchive,
  type ZipLimits,
} from "../../src/archive/mod.ts";
import {
  inflateEngineFor,
  JS_INFLATE_MAX_BYTES,
  setInflateEngine,
} from "../../src/archive/_inflate.ts";
import { NATIVE_READ_MIN_BYTES } from "../../src/archive/_zlib.ts";
import {
  crcOf,
  deflate,
  type RawEntry,
  rawZip,
  zeroCrc,
  zeroDeflateStream,
} from "./_zip_builder.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();
const MiB = 1024 * 1024;

// Staging happens at module load, while the test process may still write.
const STAGE = Deno.makeTempDirSync({ prefix: "gait-zip-reader-" });
globalThis.addEventListener("unload", () => {
  try {
    Deno.removeSync(STAGE, { recursive: true });
  } catch { /* already gone */ }
});
let staged = 0;
function stage(bytes: Uint8Array): string {
  const path = `${STAGE}/case_${staged++}.zip`;
  Deno.writeFileSync(path, bytes);
  return path;
}

/** Deterministic pseudo-random bytes (xorshift), incompressible enough for tests. */
function noise(length: number, seed = 1): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

function listing(): string[] {
  const out: string[] = [];
  for (const e of Deno.readDirSync(STAGE)) {
    const info = Deno.statSync(`${STAGE}/${e.name}`);
    out.push(`${e.name}:${info.size}:${info.mtime?.getTime()}`);
  }
  return out.sort();
}

async function readEverything(zip: ZipArchive): Promise<void> {
  try {
    for (const name of zip.names) {
      await zip.hashEntry(name);
      await zip.readEntry(name);
    }
  } finally {
    zip.close();
  }
}

async function expectGait(
  run: () => Promise<unknown>,
  category: string,
  message: RegExp,
  context: string,
): Promise<void> {
  try {
    await run();
  } catch (error) {
    assert.ok(error instanceof GaitError, `${context}: expected GaitError, got ${error}`);
    assert.equal(error.category, category, `${context}: ${error.message}`);
    assert.match(error.message, message, context);
    assert.ok(!error.message.includes("\n"), `${context}: message is one line`);
    return;
  }
  assert.fail(`${context}: expected a ${category} error`);
}

interface HostileCase {
  category: "invalid_input" | "verification_failed";
  message: RegExp;
  limits?: Partial<ZipLimits>;
  /** Run through every inflate engine (cases that reach the decoder). */
  engines?: boolean;
}

/**
 * Registers one hostile-archive test: the archive is opened from bytes and from
 * a file, every entry is hashed and read, and the expected error must come
 * out, with nothing written anywhere.
 */
function hostile(name: string, bytes: Uint8Array, expected: HostileCase): void {
  const path = stage(bytes);
  Deno.test({
    name,
    permissions: { read: true, write: false },
    fn: async () => {
      const before = listing();
      const engines = expected.engines ? ["handle", "web", "js"] as const : ["auto"] as const;
      try {
        for (const engine of engines) {
          setInflateEngine(engine);
          await expectGait(
            () => readEverything(openZipBytes(bytes, expected.limits, "case.zip")),
            expected.category,
            expected.message,
            `bytes/${engine}`,
          );
          await expectGait(
            async () => readEverything(await openZipFile(path, expected.limits)),
            expected.category,
            expected.message,
            `file/${engine}`,
          );
        }
      } finally {
        setInflateEngine("auto");
      }
      assert.deepEqual(listing(), before);
    },
  });
}

const ok = (name: string, data: string | Uint8Array = name): RawEntry => ({ name, data });

// ---------------------------------------------------------------- duplicates

hostile(
  "duplicates: a repeated name fails with the exact message",
  rawZip([ok("a.json"), ok("a.json")]),
  {
    category: "verification_failed",
    message: /^zip contains duplicate entries: a\.json$/,
  },
);

hostile(
  "duplicates: names are trimmed, empty ones skipped, the list sorted and joined",
  rawZip([ok("b"), ok(" b"), ok("a\t"), ok("a"), ok("c"), ok(" "), ok("\n")]),
  { category: "verification_failed", message: /^zip contains duplicate entries: a, b$/ },
);

hostile(
  "duplicates: checked before any other entry problem",
  rawZip([ok("../escape"), ok("dup"), ok("dup"), { name: "z", data: "z", method: 99 }]),
  { category: "verification_failed", message: /^zip contains duplicate entries: dup$/ },
);

// ---------------------------------------------------------------- unsafe names

hostile("unsafe names: traversal ../x", rawZip([ok("ok.txt"), ok("../x")]), {
  category: "verification_failed",
  message: /^zip entry name is unsafe: \.\.\/x \(in .+\)$/,
});

hostile("unsafe names: traversal in the middle a/../../x", rawZip([ok("a/../../x")]), {
  category: "verification_failed",
  message: /^zip entry name is unsafe: a\/\.\.\/\.\.\/x /,
});

hostile("unsafe names: absolute /etc/x", rawZip([ok("/etc/x")]), {
  category: "verification_failed",
  message: /^zip entry name is unsafe: \/etc\/x /,
});

hostile("unsafe names: drive-absolute C:/x", rawZip([ok("C:/x")]), {
  category: "verification_failed",
  message: /^zip entry name is unsafe: C:\/x /,
});

hostile("unsafe names: backslash ..\\x", rawZip([ok("..\\x")]), {
  category: "verification_failed",
  message: /^zip entry name is unsafe: \.\.\\x /,
});

hostile("unsafe names: NUL, shown escaped", rawZip([ok("a\0b")]), {
  category: "verification_failed",
  message: /^zip entry name is unsafe: a\\u0000b /,
});

hostile("unsafe names: longer than 1024 bytes", rawZip([ok("é".repeat(513))]), {
  category: "verification_failed",
  message: /^zip entry name is unsafe: é+… /,
});

hostile(
  "unsafe names: not valid UTF-8",
  rawZip([{ name: new Uint8Array([0x61, 0xff]), data: "x" }]),
  {
    category: "verification_failed",
    message: /^zip entry name is unsafe: a\ufffd /,
  },
);

hostile("unsafe names: empty", rawZip([ok("a"), { name: "", data: "" }]), {
  category: "verification_failed",
  message: /^zip entry name is unsafe: {2}\(in /,
});

// ---------------------------------------------------------------- not a zip, truncation, corruption

hostile("not a zip: a text file", enc.encode("hello, this is not a zip archive\n".repeat(10)), {
  category: "invalid_input",
  message: /^not a zip archive: /,
});

hostile("not a zip: an empty file", new Uint8Array(0), {
  category: "invalid_input",
  message: /^not a zip archive: /,
});

{
  const whole = await buildDeterministicZip([
    { path: "a.json", data: enc.encode(`{"a":1}`) },
    { path: "b.jsonl", data: enc.encode(`{"b":2}\n`.repeat(100)) },
  ]);
  const cuts = [1, 4, 21, 22, 30, 60, whole.length >> 1, whole.length - 22, whole.length - 1];
  const staged = cuts.map((cut) => ({
    cut,
    bytes: whole.subarray(0, cut),
    path: stage(whole.subarray(0, cut)),
  }));
  Deno.test({
    name: "truncated: cut at several points, from bytes and from a file",
    permissions: { read: true, write: false },
    fn: async () => {
      const before = listing();
      for (const { cut, bytes, path } of staged) {
        const message = /^(not a zip archive: |corrupt zip archive )/;
        await expectGait(
          () => readEverything(openZipBytes(bytes)),
          "invalid_input",
          message,
          `bytes cut ${cut}`,
        );
        await expectGait(
          async () => readEverything(await openZipFile(path)),
          "invalid_input",
          message,
          `file cut ${cut}`,
        );
      }
      assert.deepEqual(listing(), before);
    },
  });
  // Bytes missing from the middle: the end record survives, offsets do not.
  const middle = new Uint8Array([...whole.subarray(0, 40), ...whole.subarray(60)]);
  hostile("truncated: bytes missing before the central directory", middle, {
    category: "invalid_input",
    message: /^corrupt zip archive .*(outside the file|bad local header|bad central directory)/,
  });
}

{
  const good = rawZip([ok("a.txt"), ok("b.txt")]);
  const centralOffset = new DataView(good.buffer).getUint32(good.length - 6, true);
  const badSignature = good.slice();
  badSignature[centralOffset] = 0x51;
  hostile("corrupt central directory: bad header signature", badSignature, {
    category: "invalid_input",
    message: /^corrupt zip archive .*: bad central directory header at entry 0$/,
  });
  const longName = good.slice();
  new DataView(longName.buffer).setUint16(centralOffset + 28, 0xfff0, true);
  hostile("corrupt central directory: a name length running past its end", longName, {
    category: "invalid_input",
    message: /^corrupt zip archive .*: central directory is truncated at entry 0$/,
  });
}

hostile(
  "corrupt central directory: offset beyond the end record",
  rawZip([ok("a")], { centralOffset: 5000 }),
  {
    category: "invalid_input",
    message: /^corrupt zip archive .*: central directory lies outside the file$/,
  },
);

hostile(
  "corrupt central directory: more entries declared than present",
  rawZip([ok("a")], { entries: 2 }),
  {
    category: "invalid_input",
    message: /^corrupt zip archive .*: central directory is too small for 2 entries$/,
  },
);

hostile(
  "corrupt central directory: bytes after the last entry",
  rawZip([ok("a"), ok("b")], { entries: 1 }),
  {
    category: "invalid_input",
    message: /^corrupt zip archive .*: central directory has bytes after its last entry$/,
  },
);

hostile(
  "corrupt central directory: entry data pointing past the directory",
  rawZip([{ ...ok("a"), localOffset: 4000 }]),
  {
    category: "invalid_input",
    message: /^corrupt zip archive .*: data of entry a lies outside the file$/,
  },
);

hostile(
  "corrupt local header: bad signature",
  rawZip([{ ...ok("a"), localSignature: 0x01020304 }]),
  {
    category: "invalid_input",
    message: /^corrupt zip archive .*: bad local header for entry a$/,
  },
);

// ---------------------------------------------------------------- unsupported containers

hostile("unsupported: zip64 end locator", rawZip([ok("a")], { zip64Locator: true }), {
  category: "invalid_input",
  message: /^unsupported zip archive .*: zip64 is not supported$/,
});

hostile(
  "unsupported: zip64 sizes in the central directory",
  rawZip([{ ...ok("a"), uncompressedSize: 0xffffffff }]),
  {
    category: "invalid_input",
    message: /^unsupported zip archive .*: zip64 is not supported$/,
  },
);

hostile("unsupported: multi-disk end record", rawZip([ok("a")], { disk: 1, centralDisk: 1 }), {
  category: "invalid_input",
  message: /^unsupported zip archive .*: multi-disk archives are not supported$/,
});

hostile("unsupported: an entry starting on another disk", rawZip([{ ...ok("a"), diskStart: 2 }]), {
  category: "invalid_input",
  message: /^unsupported zip archive .*: multi-disk archives are not supported$/,
});

hostile(
  "unsupported: compression method other than stored or deflate",
  rawZip([{ ...ok("a.bz2"), method: 12 }]),
  {
    category: "invalid_input",
    message: /^zip entry a\.bz2 uses unsupported compression method 12 \(in .+\)$/,
  },
);

hostile("unsupported: encrypted entry", rawZip([{ ...ok("secret.txt"), flags: 0x0001 }]), {
  category: "invalid_input",
  message: /^zip entry secret\.txt is encrypted \(in .+\)$/,
});

hostile("unsupported: strong-encryption flag", rawZip([{ ...ok("secret.txt"), flags: 0x0041 }]), {
  category: "invalid_input",
  message: /is encrypted/,
});

// ---------------------------------------------------------------- limits and bombs

hostile("limits: too many entries", rawZip([ok("a"), ok("b"), ok("c"), ok("d")]), {
  category: "invalid_input",
  message: /^zip archive .* has too many entries: 4 \(limit 3\)$/,
  limits: { maxEntries: 3 },
});

hostile("limits: central directory too large", rawZip([ok("a"), ok("b")]), {
  category: "invalid_input",
  message: /^zip archive .* central directory is too large: 94 bytes \(limit 50\)$/,
  limits: { maxCentralDirectoryBytes: 50 },
});

hostile(
  "limits: an entry that declares 1 GiB uncompressed is refused before decoding",
  rawZip([{ name: "big.bin", body: zeroDeflateStream(1), crc: 0, uncompressedSize: 1024 * MiB }]),
  {
    category: "invalid_input",
    message: /^zip entry big\.bin is too large: 1073741824 bytes, limit 104857600 \(in .+\)$/,
  },
);

hostile(
  "limits: a small entry that inflates to 1 GiB stops at its declared size",
  rawZip([{ name: "bomb.bin", body: zeroDeflateStream(1024), crc: 0, uncompressedSize: 10 }]),
  {
    category: "verification_failed",
    message: /^zip entry bomb\.bin expands beyond its declared size \(in .+\)$/,
    engines: true,
  },
);

hostile(
  "limits: a high-ratio entry is refused before decoding",
  rawZip([{
    name: "ratio.bin",
    body: zeroDeflateStream(1),
    crc: zeroCrc(50),
    uncompressedSize: 50 * MiB,
  }]),
  {
    category: "invalid_input",
    message: /^zip entry ratio\.bin compression ratio exceeds 1100 \(in .+\)$/,
  },
);

hostile(
  "limits: total uncompressed bytes per archive",
  rawZip([ok("a", "x".repeat(80)), ok("b", "y".repeat(80))]),
  {
    category: "invalid_input",
    message:
      /^zip entry (a|b) would exceed the archive's total uncompressed limit of 100 bytes \(in .+\)$/,
    limits: { maxTotalBytes: 100 },
  },
);

// ---------------------------------------------------------------- content integrity

{
  const stored = rawZip([{ name: "s.txt", data: "stored content", method: 0 }]);
  const flipped = stored.slice();
  flipped[30 + "s.txt".length + 3]! ^= 0x01;
  hostile("integrity: CRC mismatch in stored data (one flipped byte)", flipped, {
    category: "verification_failed",
    message: /^zip entry s\.txt failed CRC check \(in .+\)$/,
  });
}

hostile(
  "integrity: CRC mismatch in deflated data",
  rawZip([{ ...ok("d.txt", "deflated content"), crc: 12345 }]),
  {
    category: "verification_failed",
    message: /^zip entry d\.txt failed CRC check \(in .+\)$/,
    engines: true,
  },
);

hostile(
  "integrity: corrupted deflate stream",
  rawZip([{
    name: "c.txt",
    body: new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff]),
    crc: 0,
    uncompressedSize: 100,
  }]),
  {
    category: "verification_failed",
    message: /^zip entry c\.txt has corrupt deflate data: .+ \(in .+\)$/,
    engines: true,
  },
);

{
  const text = "truncated deflate stream ".repeat(40);
  const body = deflate(text);
  hostile(
    "integrity: truncated deflate stream",
    rawZip([{
      name: "t.txt",
      body: body.subarray(0, body.length - 4),
      crc: crcOf(text),
      uncompressedSize: text.length,
    }]),
    {
      category: "verification_failed",
      message:
        /^zip entry t\.txt (has corrupt deflate data: .+|is shorter than its declared size) \(in .+\)$/,
      engines: true,
    },
  );
  hostile(
    "integrity: bytes after the end of the deflate stream",
    rawZip([{
      name: "t.txt",
      body: new Uint8Array([...body, 1, 2, 3]),
      crc: crcOf(text),
      uncompressedSize: text.length,
    }]),
    {
      category: "verification_failed",
      message: /^zip entry t\.txt has corrupt deflate data: /,
      engines: true,
    },
  );
  hostile(
    "integrity: output shorter than the declared size",
    rawZip([{ name: "t.txt", body, crc: crcOf(text), uncompressedSize: text.length + 1 }]),
    {
      category: "verification_failed",
      message: /^zip entry t\.txt is shorter than its declared size /,
      engines: true,
    },
  );
}

hostile(
  "integrity: empty deflate data",
  rawZip([{ name: "e.txt", body: new Uint8Array(0), crc: 0, uncompressedSize: 0 }]),
  {
    category: "verification_failed",
    message: /^zip entry e\.txt has corrupt deflate data: /,
  },
);

hostile(
  "integrity: stored entry whose sizes disagree",
  rawZip([{ ...ok("s.txt"), method: 0, uncompressedSize: 3 }]),
  {
    category: "verification_failed",
    message: /^zip entry s\.txt has inconsistent stored sizes /,
  },
);

// ---------------------------------------------------------------- reading

Deno.test("reading: the Go-written fixture", async () => {
  const zip = await openZipFile(
    new URL("../../fixtures/archive/go_zipx_layout.zip", import.meta.url).pathname,
  );
  try {
    assert.deepEqual(zip.names, ["bin/run.sh", "dir/é~.json", "empty.txt", "manifest.json"]);
    assert.deepEqual(zip.entries.map((e) => [e.name, e.mode, e.method]), [
      ["bin/run.sh", 0o755, 8],
      ["dir/é~.json", 0o644, 8],
      ["empty.txt", 0o644, 8],
      ["manifest.json", 0o644, 8],
    ]);
    assert.equal(dec.decode(await zip.readEntry("bin/run.sh")), "#!/bin/sh\necho hi\n");
    assert.deepEqual(await zip.hashEntry("dir/é~.json"), {
      sha256: sha256Hex(`{"k":"v"},`.repeat(200)),
      size: 2000,
    });
    assert.deepEqual(await zip.hashEntry("empty.txt"), { sha256: sha256Hex(""), size: 0 });
  } finally {
    zip.close();
  }
});

Deno.test("reading: stored and deflated entries, names in central-directory order", async () => {
  const bytes = rawZip([
    { name: "z.txt", data: "stored", method: 0 },
    { name: "a.txt", data: "deflated" },
    { name: "dos.txt", data: "dos", versionMadeBy: 0x0014, externalAttrs: 0x20 },
  ]);
  const zip = openZipBytes(bytes);
  assert.deepEqual(zip.names, ["z.txt", "a.txt", "dos.txt"]);
  assert.deepEqual(zip.entry("z.txt"), {
    name: "z.txt",
    method: 0,
    compressedSize: 6,
    uncompressedSize: 6,
    crc32: crcOf("stored"),
    mode: 0o644,
  });
  assert.equal(zip.entry("dos.txt")!.mode, 0, "no unix mode for a DOS-made entry");
  assert.equal(dec.decode(await zip.readEntry("z.txt")), "stored");
  assert.equal(dec.decode(await zip.readEntry("a.txt")), "deflated");
  assert.deepEqual(await zip.hashEntry("z.txt"), { sha256: sha256Hex("stored"), size: 6 });
  assert.equal(zip.has("a.txt"), true);
  assert.equal(zip.has(" a.txt"), false, "has() matches exact names");
  assert.equal(zip.entry("missing"), undefined);
  zip.close();
});

Deno.test("reading: an archive comment of the maximum length", async () => {
  const comment = enc.encode("c".repeat(65535));
  const zip = openZipBytes(rawZip([ok("a.txt", "hello")], { comment }));
  assert.equal(dec.decode(await zip.readEntry("a.txt")), "hello");
});

Deno.test("reading: an empty archive (end record only)", () => {
  const zip = openZipBytes(rawZip([]));
  assert.deepEqual(zip.names, []);
});

Deno.test("reading: readEntry maxBytes caps one read", async () => {
  const zip = openZipBytes(rawZip([ok("m.json", "x".repeat(100))]), undefined, "m.zip");
  await expectGait(
    () => zip.readEntry("m.json", { maxBytes: 10 }),
    "invalid_input",
    /^zip entry m\.json is too large: 100 bytes, limit 10 \(in m\.zip\)$/,
    "maxBytes",
  );
  assert.equal((await zip.readEntry("m.json", { maxBytes: 100 })).length, 100);
});

Deno.test("reading: a missing entry is invalid input", async () => {
  const zip = openZipBytes(rawZip([ok("a")]));
  await expectGait(() => zip.hashEntry("b"), "invalid_input", /^zip entry b not found /, "hash");
  await expectGait(() => zip.readEntry("b"), "invalid_input", /^zip entry b not found /, "read");
});

Deno.test({
  name: "reading: a missing file or a directory is invalid input",
  permissions: { read: true, write: false },
  fn: async () => {
    await expectGait(
      () => openZipFile(`${STAGE}/nope.zip`),
      "invalid_input",
      /no such file/,
      "missing",
    );
    await expectGait(
      () => openZipFile(STAGE),
      "invalid_input",
      /^not a zip archive: /,
      "directory",
    );
  },
});

{
  const big = noise(3 * MiB + 12345, 7);
  const text = enc.encode(`{"event":"tool_call","n":1}\n`.repeat(120_000));
  const bytes = await buildDeterministicZip([
    { path: "noise.bin", data: big },
    { path: "events.jsonl", data: text },
  ]);
  const path = stage(bytes);

  Deno.test({
    name: "reading: entries spanning many read chunks hash and read correctly, on every engine",
    permissions: { read: true, write: false },
    fn: async () => {
      try {
        for (const engine of ["auto", "handle", "web", "js"] as const) {
          setInflateEngine(engine);
          const zip = await openZipFile(path);
          try {
            assert.ok(zip.entry("noise.bin")!.compressedSize > 2 * MiB);
            assert.deepEqual(await zip.hashEntry("noise.bin"), {
              sha256: sha256Hex(big),
              size: big.length,
            });
            assert.deepEqual(await zip.hashEntry("events.jsonl"), {
              sha256: sha256Hex(text),
              size: text.length,
            });
            assert.deepEqual(await zip.readEntry("noise.bin"), big);
            assert.deepEqual(await zip.readEntry("events.jsonl"), text);
          } finally {
            zip.close();
          }
        }
      } finally {
        setInflateEngine("auto");
      }
    },
  });

  Deno.test({
    name: "reading: concurrent reads of one open file do not interleave",
    permissions: { read: true, write: false },
    fn: async () => {
      const zip = await openZipFile(path);
      try {
        const results = await Promise.all([
          zip.hashEntry("noise.bin"),
          zip.hashEntry("events.jsonl"),
          zip.readEntry("noise.bin").then((b) => ({ sha256: sha256Hex(b), size: b.length })),
          zip.hashEntry("events.jsonl"),
        ]);
        assert.deepEqual(results.map((r) => r.sha256), [
          sha256Hex(big),
          sha256Hex(text),
          sha256Hex(big),
          sha256Hex(text),
        ]);
      } finally {
        zip.close();
      }
    },
  });

  Deno.test({
    name: "reading: a closed archive refuses further reads",
    permissions: { read: true, write: false },
    fn: async () => {
      const zip = await openZipFile(path);
      zip.close();
      zip.close();
      await assert.rejects(zip.hashEntry("events.jsonl"), /is closed/);
    },
  });
}

Deno.test("reading: a nested zip opened from bytes", async () => {
  const inner = await buildDeterministicZip([
    { path: "run.json", data: enc.encode(`{"run_id":"r"}`) },
  ]);
  const outer = openZipBytes(
    await buildDeterministicZip([{ path: "source/runpack.zip", data: inner }]),
  );
  const nested = openZipBytes(
    await outer.readEntry("source/runpack.zip"),
    {},
    "source/runpack.zip",
  );
  assert.equal(dec.decode(await nested.readEntry("run.json")), `{"run_id":"r"}`);
});

Deno.test("reading: engines by entry size; the native handle is active on the pinned Deno", async () => {
  assert.equal(await inflateEngineFor(0), "js");
  assert.equal(await inflateEngineFor(JS_INFLATE_MAX_BYTES - 1), "js");
  assert.equal(await inflateEngineFor(JS_INFLATE_MAX_BYTES), "web");
  assert.equal(await inflateEngineFor(NATIVE_READ_MIN_BYTES - 1), "web");
  // If a Deno upgrade changes node:zlib internals, bulk reading silently falls
  // back to DecompressionStream (about half the speed); this makes that visible.
  assert.equal(await inflateEngineFor(NATIVE_READ_MIN_BYTES), "handle");
});
