/**
 * The deterministic zip writer (spec 01 §3 "Writer" and "Go byte layout").
 */

import assert from "node:assert/strict";
import { GaitError } from "../../src/core/errors.ts";
import {
  buildDeterministicZip,
  openZipBytes,
  writeDeterministicZip,
  type ZipInputFile,
} from "../../src/archive/mod.ts";
import { NATIVE_DEFLATE_MIN_BYTES } from "../../src/archive/_zlib.ts";
import { crcOf, type LaidOutEntry, parseLayout } from "./_zip_builder.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();
const posix = Deno.build.os !== "windows";

function file(path: string, text: string, mode?: number): ZipInputFile {
  return mode === undefined
    ? { path, data: enc.encode(text) }
    : { path, data: enc.encode(text), mode };
}

const SAMPLE: ZipInputFile[] = [
  file("run.json", `{"run_id":"run_demo"}`),
  file("intents.jsonl", `{"a":1}\n{"a":2}\n`.repeat(50)),
  file("bin/tool.sh", "#!/bin/sh\nexit 0\n", 0o700),
  file("refs.json", "{}"),
  { path: "empty.bin", data: new Uint8Array(0) },
];

/** The 9-byte extended-timestamp extra: id 0x5455, size 5, flag 1, 315532800. */
const EXT_TIME = new Uint8Array([0x55, 0x54, 0x05, 0x00, 0x01, 0x00, 0xa6, 0xce, 0x12]);

async function assertRejects(
  fn: () => Promise<unknown>,
  category: string,
  message: RegExp,
): Promise<void> {
  await assert.rejects(fn, (error: unknown) => {
    assert.ok(error instanceof GaitError, `expected GaitError, got ${error}`);
    assert.equal(error.category, category);
    assert.match(error.message, message);
    return true;
  });
}

Deno.test("writer: round trip through the reader gives back every file", async () => {
  const zip = openZipBytes(await buildDeterministicZip(SAMPLE));
  for (const f of SAMPLE) {
    assert.deepEqual(await zip.readEntry(f.path), f.data);
  }
  assert.equal(zip.entries.length, SAMPLE.length);
});

Deno.test("writer: the same input gives identical bytes twice", async () => {
  const a = await buildDeterministicZip(SAMPLE);
  const b = await buildDeterministicZip(SAMPLE.map((f) => ({ ...f, data: f.data.slice() })));
  assert.deepEqual(a, b);
});

Deno.test("writer: input order does not change the bytes", async () => {
  assert.deepEqual(
    await buildDeterministicZip(SAMPLE),
    await buildDeterministicZip([...SAMPLE].reverse()),
  );
});

Deno.test("writer: entries are sorted by UTF-8 byte order", async () => {
  // JS `<` compares UTF-16 units and would put U+1F600 (a surrogate pair,
  // 0xD83D…) before U+FF5E; in UTF-8 byte order it comes after.
  const names = ["a0", "a/b", "Z", "\u{1F600}", "\uFF5E", "é", "a"];
  const zip = openZipBytes(await buildDeterministicZip(names.map((n) => file(n, n))));
  assert.deepEqual(zip.names, ["Z", "a", "a/b", "a0", "é", "\uFF5E", "\u{1F600}"]);
});

Deno.test("writer: zero files give zero bytes", async () => {
  assert.equal((await buildDeterministicZip([])).length, 0);
});

Deno.test("writer: fixed mtime and mode bytes sit at their offsets", async () => {
  const bytes = await buildDeterministicZip([file("a.txt", "x")]);
  const v = new DataView(bytes.buffer);
  // Local header: time at 10, date at 12; name (5) then the extra.
  assert.equal(v.getUint16(10, true), 0);
  assert.equal(v.getUint16(12, true), 0x0021);
  assert.deepEqual(bytes.slice(30 + 5, 30 + 5 + 9), EXT_TIME);
  const layout = parseLayout(bytes);
  const c = layout.end.centralOffset;
  assert.equal(v.getUint16(c + 12, true), 0);
  assert.equal(v.getUint16(c + 14, true), 0x0021);
  assert.equal(v.getUint32(c + 38, true), 0x81a40000);
});

Deno.test("writer: any execute bit gives 0755, everything else 0644", async () => {
  const modes: [number | undefined, number][] = [
    [undefined, 0x81a40000],
    [0, 0x81a40000],
    [0o600, 0x81a40000],
    [0o644, 0x81a40000],
    [0o777, 0x81ed0000],
    [0o100, 0x81ed0000],
    [0o010, 0x81ed0000],
    [0o001, 0x81ed0000],
  ];
  for (const [mode, attrs] of modes) {
    const layout = parseLayout(await buildDeterministicZip([file("f", "x", mode)]));
    assert.equal(layout.entries[0]!.central.externalAttrs, attrs, `mode ${mode}`);
    assert.equal(
      openZipBytes(await buildDeterministicZip([file("f", "x", mode)])).entries[0]!.mode,
      attrs === 0x81ed0000 ? 0o755 : 0o644,
    );
  }
});

function assertGoLayout(entry: LaidOutEntry, data: Uint8Array, utf8: boolean): void {
  const flags = 0x0008 | (utf8 ? 0x0800 : 0);
  const { local, central, descriptor } = entry;
  assert.equal(local.version, 20);
  assert.equal(local.flags, flags);
  assert.equal(local.method, 8);
  assert.equal(local.time, 0);
  assert.equal(local.date, 0x0021);
  assert.equal(local.crc, 0);
  assert.equal(local.compressedSize, 0);
  assert.equal(local.uncompressedSize, 0);
  assert.deepEqual(local.extra, EXT_TIME);
  assert.equal(descriptor.signature, 0x08074b50);
  assert.equal(descriptor.crc, crcOf(data));
  assert.equal(descriptor.compressedSize, central.compressedSize);
  assert.equal(descriptor.uncompressedSize, data.length);
  assert.equal(central.versionMadeBy, 0x0314);
  assert.equal(central.versionNeeded, 20);
  assert.equal(central.flags, flags);
  assert.equal(central.method, 8);
  assert.equal(central.time, 0);
  assert.equal(central.date, 0x0021);
  assert.equal(central.crc, crcOf(data));
  assert.equal(central.uncompressedSize, data.length);
  assert.deepEqual(central.extra, EXT_TIME);
  assert.equal(central.commentLength, 0);
  assert.equal(central.diskStart, 0);
  assert.equal(central.internalAttrs, 0);
}

Deno.test("writer: Go byte layout of local, descriptor, central and end records", async () => {
  const files = [file("a.json", "{}"), file("dir/é.txt", "accent"), file("t~", "tilde")];
  const bytes = await buildDeterministicZip(files);
  const layout = parseLayout(bytes);
  assert.equal(layout.entries.length, 3);
  // Go's detectUTF8 flags names with any code point outside 0x20–0x7d.
  assertGoLayout(layout.entries[0]!, files[0]!.data, false);
  assertGoLayout(layout.entries[1]!, files[1]!.data, true);
  assertGoLayout(layout.entries[2]!, files[2]!.data, true);
  assert.deepEqual(layout.end, {
    offset: bytes.length - 22,
    disk: 0,
    centralDisk: 0,
    entriesOnDisk: 3,
    entries: 3,
    centralSize: bytes.length - 22 - layout.end.centralOffset,
    centralOffset: layout.end.centralOffset,
    commentLength: 0,
  });
  // Entries are packed: each local header follows the previous descriptor.
  let expected = 0;
  for (const e of layout.entries) {
    assert.equal(e.central.localOffset, expected);
    expected += 30 + e.name.length + 9 + e.central.compressedSize + 16;
  }
  assert.equal(layout.end.centralOffset, expected);
});

Deno.test("writer: headers match a zip written by Go's archive/zip (fixture)", async () => {
  // fixtures/archive/go_zipx_layout.go.txt wrote this; only the deflate
  // payloads (and so sizes and offsets) may differ.
  const go = await Deno.readFile(
    new URL("../../fixtures/archive/go_zipx_layout.zip", import.meta.url),
  );
  const goZip = openZipBytes(go);
  const files: ZipInputFile[] = [];
  for (const e of goZip.entries) {
    files.push({ path: e.name, data: await goZip.readEntry(e.name), mode: e.mode });
  }
  const ours = parseLayout(await buildDeterministicZip(files));
  const theirs = parseLayout(go);
  assert.equal(ours.entries.length, theirs.entries.length);
  const strip = (e: LaidOutEntry) => ({
    name: e.name,
    local: { ...e.local, offset: 0 },
    descriptor: { ...e.descriptor, compressedSize: 0 },
    central: { ...e.central, offset: 0, compressedSize: 0, localOffset: 0 },
  });
  for (let i = 0; i < ours.entries.length; i++) {
    assert.deepEqual(strip(ours.entries[i]!), strip(theirs.entries[i]!));
  }
  assert.equal(ours.end.centralSize, theirs.end.centralSize);
  assert.equal(ours.end.entries, theirs.end.entries);
});

Deno.test("writer: rejects an empty name", async () => {
  await assertRejects(
    () => buildDeterministicZip([file("", "x")]),
    "invalid_input",
    /must not be empty/,
  );
  await assertRejects(
    () => buildDeterministicZip([file(" \t", "x")]),
    "invalid_input",
    /must not be empty/,
  );
});

Deno.test("writer: rejects duplicate names, also after trimming", async () => {
  await assertRejects(
    () => buildDeterministicZip([file("a", "1"), file("a", "2")]),
    "invalid_input",
    /duplicate zip entry name: a$/,
  );
  await assertRejects(
    () => buildDeterministicZip([file("a", "1"), file(" a\n", "2")]),
    "invalid_input",
    /duplicate zip entry name: a$/,
  );
});

Deno.test("writer: rejects absolute names", async () => {
  await assertRejects(
    () => buildDeterministicZip([file("/etc/x", "x")]),
    "invalid_input",
    /unsafe/,
  );
  await assertRejects(() => buildDeterministicZip([file("C:/x", "x")]), "invalid_input", /unsafe/);
});

Deno.test("writer: rejects names with .. components", async () => {
  for (const name of ["../x", "a/../x", "a/.."]) {
    await assertRejects(() => buildDeterministicZip([file(name, "x")]), "invalid_input", /unsafe/);
  }
  // ".." only as a whole component: these are ordinary names.
  await buildDeterministicZip([file("a..b", "x"), file("..a/b", "y")]);
});

Deno.test("writer: rejects backslashes, NUL and directory names", async () => {
  await assertRejects(() => buildDeterministicZip([file("a\\b", "x")]), "invalid_input", /unsafe/);
  await assertRejects(() => buildDeterministicZip([file("a\0b", "x")]), "invalid_input", /unsafe/);
  await assertRejects(
    () => buildDeterministicZip([file("dir/", "")]),
    "invalid_input",
    /directory/,
  );
});

Deno.test("writer: rejects names the reader would refuse (over 1024 bytes, lone surrogates)", async () => {
  await assertRejects(
    () => buildDeterministicZip([file("a".repeat(1025), "x")]),
    "invalid_input",
    /unsafe/,
  );
  await buildDeterministicZip([file("a".repeat(1024), "x")]);
  await assertRejects(
    () => buildDeterministicZip([file("a\ud800", "x")]),
    "invalid_input",
    /UTF-8/,
  );
});

Deno.test("writer: rejects entries over 4 GiB - 1", async () => {
  // A stand-in with the length of a 4 GiB buffer: the size check runs first.
  const huge = { length: 2 ** 32 } as unknown as Uint8Array;
  await assertRejects(
    () => buildDeterministicZip([{ path: "big.bin", data: huge }]),
    "invalid_input",
    /too large/,
  );
});

Deno.test("writer: writeDeterministicZip writes atomically, mode 0600, parents 0750", async () => {
  const dir = await Deno.makeTempDir({ prefix: "gait-zip-writer-" });
  try {
    const path = `${dir}/out/nested/pack.zip`;
    const bytes = await writeDeterministicZip(path, SAMPLE);
    assert.deepEqual(await Deno.readFile(path), bytes);
    assert.deepEqual(bytes, await buildDeterministicZip(SAMPLE));
    if (posix) {
      assert.equal((await Deno.stat(path)).mode! & 0o777, 0o600);
      assert.equal((await Deno.stat(`${dir}/out`)).mode! & 0o777, 0o750);
      assert.equal((await Deno.stat(`${dir}/out/nested`)).mode! & 0o777, 0o750);
    }
    const names: string[] = [];
    for await (const e of Deno.readDir(`${dir}/out/nested`)) names.push(e.name);
    assert.deepEqual(names, ["pack.zip"], "no temp file is left behind");
    await writeDeterministicZip(path, [file("only.txt", "y")]);
    assert.equal(
      dec.decode(await openZipBytes(await Deno.readFile(path)).readEntry("only.txt")),
      "y",
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("writer: a rejected input writes nothing", async () => {
  const dir = await Deno.makeTempDir({ prefix: "gait-zip-writer-" });
  try {
    await assert.rejects(writeDeterministicZip(`${dir}/x/bad.zip`, [file("../x", "1")]), GaitError);
    const names: string[] = [];
    for await (const e of Deno.readDir(dir)) names.push(e.name);
    assert.deepEqual(names, []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/** The deflate payload of the entry laid out at index `i`. */
function payload(bytes: Uint8Array, layout: ReturnType<typeof parseLayout>, i: number): Uint8Array {
  const e = layout.entries[i]!;
  const start = e.central.localOffset + 30 + e.name.length + e.local.extra.length;
  return bytes.subarray(start, start + e.central.compressedSize);
}

async function compressionStream(data: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([data as Uint8Array<ArrayBuffer>]).stream()
    .pipeThrough(new CompressionStream("deflate-raw"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

Deno.test({
  name: "writer: the deflate engine depends only on the entry's size (web below, zlib 5 above)",
  fn: async () => {
    const { deflateRawSync } = await import("node:zlib");
    const small = enc.encode(`{"seq":1,"tool":"fs.read"}\n`.repeat(1000));
    const big = new Uint8Array(NATIVE_DEFLATE_MIN_BYTES);
    for (let i = 0; i < big.length; i++) big[i] = (i * 7919) % 251 < 40 ? i & 0xff : 65;
    const justBelow = big.subarray(0, NATIVE_DEFLATE_MIN_BYTES - 1);
    const files = [
      { path: "big.bin", data: big },
      { path: "below.bin", data: justBelow },
      { path: "small.jsonl", data: small },
    ];
    const bytes = await buildDeterministicZip(files);
    const layout = parseLayout(bytes);
    // Sorted: below.bin, big.bin, small.jsonl.
    assert.deepEqual(payload(bytes, layout, 0), await compressionStream(justBelow));
    assert.deepEqual(payload(bytes, layout, 1), new Uint8Array(deflateRawSync(big, { level: 5 })));
    assert.deepEqual(payload(bytes, layout, 2), await compressionStream(small));
    // The small entry's bytes do not depend on what else is in the archive.
    const alone = await buildDeterministicZip([{ path: "small.jsonl", data: small }]);
    assert.deepEqual(payload(alone, parseLayout(alone), 0), payload(bytes, layout, 2));
    assert.deepEqual(await buildDeterministicZip([...files].reverse()), bytes);
    const zip = openZipBytes(bytes);
    for (const f of files) assert.deepEqual(await zip.readEntry(f.path), f.data);
  },
});
