/**
 * The three inflate engines (pure JS, DecompressionStream, zlib handle) behind
 * the zip reader. The JS decoder must accept and reject exactly what the zlib
 * handle does, produce the same bytes, and stop at the output limit; the
 * hostile-archive tests in zip_reader_test.ts run through all three as well.
 */

import assert from "node:assert/strict";
import { constants, deflateRawSync } from "node:zlib";
import {
  createInflater,
  type InflateEngine,
  setInflateEngine,
} from "../../src/archive/_inflate.ts";

function prng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
}

/**
 * Decodes through one engine: "ok <size> <hash>" or "error". The input goes
 * in one piece, as it does for every entry small enough for the JS engine.
 */
async function decode(engine: InflateEngine, input: Uint8Array, limit: number): Promise<string> {
  setInflateEngine(engine);
  const inflater = await createInflater(limit, input.length);
  let size = 0;
  let hash = 0;
  try {
    await inflater.write(input, true, (piece) => {
      for (let i = 0; i < piece.length; i++) hash = (Math.imul(hash, 31) + piece[i]!) | 0;
      size += piece.length;
    });
  } catch {
    return "error";
  } finally {
    inflater.close();
    setInflateEngine("auto");
  }
  return `ok ${size} ${hash}`;
}

Deno.test("inflate engines: js and the zlib handle agree on valid, corrupt, cut and padded streams", async () => {
  const strategies = [
    constants.Z_DEFAULT_STRATEGY,
    constants.Z_FIXED,
    constants.Z_HUFFMAN_ONLY,
    constants.Z_RLE,
  ];
  for (let seed = 1; seed <= 1500; seed++) {
    const next = prng(seed);
    const length = next() % 5000;
    const kind = next() % 4;
    const data = new Uint8Array(length);
    for (let i = 0; i < length; i++) {
      data[i] = kind === 0
        ? next() & 0xff
        : kind === 1
        ? 97 + (next() % 4)
        : kind === 2
        ? i % 251
        : next() % 16 === 0
        ? next() & 0xff
        : 65;
    }
    let input = new Uint8Array(
      deflateRawSync(data, { level: next() % 10, strategy: strategies[next() % 4]! }),
    );
    const mode = next() % 5;
    if (mode === 1 && input.length > 0) input[next() % input.length]! ^= 1 << (next() % 8);
    if (mode === 2) input = input.subarray(0, next() % (input.length + 1));
    if (mode === 3) input = new Uint8Array([...input, next() & 0xff]);
    if (mode === 4) { for (let k = 0; k < 5; k++) input[next() % input.length] = next() & 0xff; }
    const limit = next() % 2 === 0 ? 1 + (next() % (length + 1)) : length + 1;
    const js = await decode("js", input, limit);
    const handle = await decode("handle", input, limit);
    assert.equal(js, handle, `seed ${seed} (mode ${mode}, limit ${limit})`);
    if (mode === 0) assert.match(js, /^ok /, `seed ${seed}`);
  }
});

Deno.test("inflate engines: js handles stored blocks, an all-literal block and the output limit", async () => {
  const text = new TextEncoder().encode("stored block content ".repeat(500));
  const stored = new Uint8Array(deflateRawSync(text, { level: 0 }));
  assert.equal(await decode("js", stored, text.length + 1), await decode("handle", stored, 99999));
  // Huffman-only output has no distance codes at all.
  const literal = new Uint8Array(deflateRawSync(text, { strategy: constants.Z_HUFFMAN_ONLY }));
  assert.equal(await decode("js", literal, 1 << 20), await decode("handle", literal, 1 << 20));
  // Stops at the limit without looking at what follows.
  const padded = new Uint8Array([...stored, 0xff, 0xff]);
  assert.match(await decode("js", padded, 100), /^ok 100 /);
  assert.equal(await decode("js", padded, text.length + 1), "error");
  assert.equal(await decode("js", new Uint8Array(0), 10), "error");
});

Deno.test("inflate engines: js and the zlib handle agree on random bytes", async () => {
  for (let seed = 1; seed <= 3000; seed++) {
    const next = prng(seed * 7919);
    const input = new Uint8Array(next() % 120);
    for (let i = 0; i < input.length; i++) input[i] = next() & 0xff;
    // Half of them start with a valid block type.
    if (input.length > 0 && next() % 2 === 0) input[0] = (input[0]! & ~6) | ((next() % 3) << 1);
    const limit = 1 + (next() % 5000);
    assert.equal(
      await decode("js", input, limit),
      await decode("handle", input, limit),
      `seed ${seed}`,
    );
  }
});
