/**
 * A synchronous SHA-256 (FIPS 180-4) for small inputs, in one file with no
 * dependencies, so every command can digest JSON without paying an npm
 * package's load cost at start-up. Bulk data uses the runtime's native hash
 * (see digest.ts).
 *
 * @module
 */

const K = new Int32Array([
  0x428a2f98,
  0x71374491,
  0xb5c0fbcf,
  0xe9b5dba5,
  0x3956c25b,
  0x59f111f1,
  0x923f82a4,
  0xab1c5ed5,
  0xd807aa98,
  0x12835b01,
  0x243185be,
  0x550c7dc3,
  0x72be5d74,
  0x80deb1fe,
  0x9bdc06a7,
  0xc19bf174,
  0xe49b69c1,
  0xefbe4786,
  0x0fc19dc6,
  0x240ca1cc,
  0x2de92c6f,
  0x4a7484aa,
  0x5cb0a9dc,
  0x76f988da,
  0x983e5152,
  0xa831c66d,
  0xb00327c8,
  0xbf597fc7,
  0xc6e00bf3,
  0xd5a79147,
  0x06ca6351,
  0x14292967,
  0x27b70a85,
  0x2e1b2138,
  0x4d2c6dfc,
  0x53380d13,
  0x650a7354,
  0x766a0abb,
  0x81c2c92e,
  0x92722c85,
  0xa2bfe8a1,
  0xa81a664b,
  0xc24b8b70,
  0xc76c51a3,
  0xd192e819,
  0xd6990624,
  0xf40e3585,
  0x106aa070,
  0x19a4c116,
  0x1e376c08,
  0x2748774c,
  0x34b0bcb5,
  0x391c0cb3,
  0x4ed8aa4a,
  0x5b9cca4f,
  0x682e6ff3,
  0x748f82ee,
  0x78a5636f,
  0x84c87814,
  0x8cc70208,
  0x90befffa,
  0xa4506ceb,
  0xbef9a3f7,
  0xc67178f2,
]);

const IV = [
  0x6a09e667,
  0xbb67ae85,
  0x3c6ef372,
  0xa54ff53a,
  0x510e527f,
  0x9b05688c,
  0x1f83d9ab,
  0x5be0cd19,
];

/** An incremental SHA-256. */
export class Sha256 {
  readonly #h = Int32Array.from(IV);
  readonly #w = new Int32Array(64);
  readonly #block = new Uint8Array(64);
  #blockLen = 0;
  #total = 0;
  #done = false;

  /** Restarts the hasher so one instance can hash many inputs without allocating. */
  reset(): this {
    this.#h.set(IV);
    this.#blockLen = 0;
    this.#total = 0;
    this.#done = false;
    return this;
  }

  /** Adds bytes. */
  update(data: Uint8Array): this {
    if (this.#done) throw new Error("sha256: update after digest");
    let i = 0;
    this.#total += data.length;
    if (this.#blockLen > 0) {
      const take = Math.min(64 - this.#blockLen, data.length);
      this.#block.set(data.subarray(0, take), this.#blockLen);
      this.#blockLen += take;
      i = take;
      if (this.#blockLen < 64) return this;
      this.#compress(this.#block, 0);
      this.#blockLen = 0;
    }
    for (; i + 64 <= data.length; i += 64) this.#compress(data, i);
    if (i < data.length) {
      this.#block.set(data.subarray(i), 0);
      this.#blockLen = data.length - i;
    }
    return this;
  }

  /** The 32-byte digest; the hasher cannot be used afterwards. */
  digest(): Uint8Array {
    if (this.#done) throw new Error("sha256: digest called twice");
    this.#done = true;
    const block = this.#block;
    block[this.#blockLen++] = 0x80;
    if (this.#blockLen > 56) {
      block.fill(0, this.#blockLen);
      this.#compress(block, 0);
      this.#blockLen = 0;
    }
    block.fill(0, this.#blockLen, 56);
    const bits = this.#total * 8;
    const view = new DataView(block.buffer);
    view.setUint32(56, Math.floor(bits / 0x100000000));
    view.setUint32(60, bits >>> 0);
    this.#compress(block, 0);
    const out = new Uint8Array(32);
    const outView = new DataView(out.buffer);
    for (let j = 0; j < 8; j++) outView.setInt32(j * 4, this.#h[j]!);
    return out;
  }

  #compress(data: Uint8Array, offset: number): void {
    const w = this.#w;
    for (let t = 0; t < 16; t++) {
      const o = offset + t * 4;
      w[t] = (data[o]! << 24) | (data[o + 1]! << 16) | (data[o + 2]! << 8) | data[o + 3]!;
    }
    for (let t = 16; t < 64; t++) {
      const x = w[t - 15]!;
      const y = w[t - 2]!;
      const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
      const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
      w[t] = (w[t - 16]! + s0 + w[t - 7]! + s1) | 0;
    }
    const h = this.#h;
    let a = h[0]!, b = h[1]!, c = h[2]!, d = h[3]!, e = h[4]!, f = h[5]!, g = h[6]!, hh = h[7]!;
    for (let t = 0; t < 64; t++) {
      const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
      const ch = (e & f) ^ (~e & g);
      const t1 = (hh + S1 + ch + K[t]! + w[t]!) | 0;
      const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
      const maj = (a & b) ^ (a & c) ^ (b & c);
      const t2 = (S0 + maj) | 0;
      hh = g;
      g = f;
      f = e;
      e = (d + t1) | 0;
      d = c;
      c = b;
      b = a;
      a = (t1 + t2) | 0;
    }
    h[0] = (h[0]! + a) | 0;
    h[1] = (h[1]! + b) | 0;
    h[2] = (h[2]! + c) | 0;
    h[3] = (h[3]! + d) | 0;
    h[4] = (h[4]! + e) | 0;
    h[5] = (h[5]! + f) | 0;
    h[6] = (h[6]! + g) | 0;
    h[7] = (h[7]! + hh) | 0;
  }
}

/**
 * One-shot SHA-256.
 *
 * @example
 * ```ts
 * sha256(new TextEncoder().encode("abc")).length; // 32
 * ```
 */
export function sha256(data: Uint8Array): Uint8Array {
  // Synchronous and non-reentrant, so one shared instance is safe.
  return shared.reset().update(data).digest();
}

const shared = new Sha256();
