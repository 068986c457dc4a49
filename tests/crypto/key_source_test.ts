/**
 * Key sources and key modes (spec 01 §2): path xor env, env values trimmed,
 * dev mode ephemeral and refusing explicit keys, prod requiring a private
 * key, public/private match, and verify-key resolution.
 */

import assert from "node:assert/strict";
import {
  DEV_MODE_WARNING,
  encodePrivateKeyFile,
  encodePublicKeyFile,
  generateKeyPair,
  loadSigningKey,
  loadVerifyKey,
  parseKeyMode,
  type PrivateKeyMaterial,
  selectKeySource,
} from "../../src/crypto/mod.ts";

const V4_PRIVATE_FILE =
  "bfnf2hYa+313dDWJ/nmRMFIE0Qs2ZhDTJlB9xkbse8wHEtZw0gqX2lFs2bgsc/I/CdWn3TRCRkO1CCI/WGmQUg==\n";
const V4_PUBLIC_FILE = "BxLWcNIKl9pRbNm4LHPyPwnVp900QkZDtQgiP1hpkFI=\n";
const V4_KEY_ID = "42571c8843a10df565fd17a97a236c3552e8e4b7ff2a0b48bf524409279771d9";

let envCounter = 0;

/** Sets uniquely named env vars for the duration of fn (tests may run in parallel). */
async function withEnv<T>(
  values: Record<string, string>,
  fn: (names: Record<string, string>) => Promise<T>,
): Promise<T> {
  const names: Record<string, string> = {};
  for (const [k, v] of Object.entries(values)) {
    const name = `GAIT_TEST_${k}_${Deno.pid}_${envCounter++}`;
    names[k] = name;
    Deno.env.set(name, v);
  }
  try {
    return await fn(names);
  } finally {
    for (const name of Object.values(names)) Deno.env.delete(name);
  }
}

async function withKeyFiles<T>(
  files: Record<string, string>,
  fn: (paths: Record<string, string>) => Promise<T>,
): Promise<T> {
  const dir = await Deno.makeTempDir({ prefix: "gait-keys-test-" });
  try {
    const paths: Record<string, string> = {};
    for (const [name, text] of Object.entries(files)) {
      paths[name] = `${dir}/${name}`;
      await Deno.writeTextFile(paths[name]!, text);
    }
    return await fn(paths);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const invalid = (message: string | RegExp) => ({ category: "invalid_input", message });

Deno.test("key modes: blank and prod are prod, dev is dev, any other mode is invalid input", () => {
  assert.equal(parseKeyMode(""), "prod");
  assert.equal(parseKeyMode(undefined), "prod");
  assert.equal(parseKeyMode("prod"), "prod");
  assert.equal(parseKeyMode(" DEV "), "dev");
  assert.throws(() => parseKeyMode("staging"), invalid("unsupported key mode: staging"));
  assert.throws(() => parseKeyMode("none"), invalid("unsupported key mode: none"));
});

Deno.test("a key source is a path or an env, never both", () => {
  assert.deepEqual(selectKeySource("private", " k.key ", ""), { kind: "path", path: "k.key" });
  assert.deepEqual(selectKeySource("public", "", "PUB"), { kind: "env", name: "PUB" });
  assert.equal(selectKeySource("public", " ", ""), null);
  assert.throws(
    () => selectKeySource("private", "k.key", "ENV"),
    invalid("private key source: set either path or env"),
  );
  assert.throws(
    () => selectKeySource("public", "k.key", "ENV"),
    invalid("public key source: set either path or env"),
  );
});

Deno.test("dev mode generates an ephemeral pair with the dev warning", async () => {
  const a = await loadSigningKey({ mode: "dev" });
  const b = await loadSigningKey({ mode: "dev" });
  assert.deepEqual(a.warnings, [DEV_MODE_WARNING]);
  assert.equal(
    DEV_MODE_WARNING,
    "dev mode: ephemeral keypair generated; signatures will not verify across machines",
  );
  assert.notEqual(a.key.keyId, b.key.keyId);
  assert.equal(a.publicKey.keyId, a.key.keyId);
  assert.equal(a.mode, "dev");
  assert.equal(a.privateKeySource, "ephemeral");
});

Deno.test("dev mode rejects every explicit key source", async () => {
  for (
    const config of [
      { privateKeyPath: "k" },
      { privateKeyEnv: "K" },
      { publicKeyPath: "p" },
      { publicKeyEnv: "P" },
    ]
  ) {
    await assert.rejects(
      loadSigningKey({ mode: "dev", ...config }),
      invalid("dev mode does not accept explicit key sources"),
    );
  }
});

Deno.test("prod (and the empty mode) requires a private key source", async () => {
  await assert.rejects(
    loadSigningKey({ mode: "prod" }),
    invalid("prod mode requires a private key source"),
  );
  await assert.rejects(loadSigningKey({}), invalid("prod mode requires a private key source"));
  await assert.rejects(
    loadSigningKey({ mode: "prod", publicKeyPath: "p" }),
    invalid("prod mode requires a private key source"),
  );
  await assert.rejects(loadSigningKey({ mode: "bogus" }), invalid("unsupported key mode: bogus"));
});

Deno.test("prod rejects a path and an env for the same key", async () => {
  await assert.rejects(
    loadSigningKey({ mode: "prod", privateKeyPath: "k", privateKeyEnv: "K" }),
    invalid("private key source: set either path or env"),
  );
  await assert.rejects(
    loadSigningKey({ privateKeyPath: "k", publicKeyPath: "p", publicKeyEnv: "P" }),
    invalid("public key source: set either path or env"),
  );
});

Deno.test("env sources: the value is trimmed; unset or blank is an error naming the variable", async () => {
  await withEnv(
    { PRIV: `  ${V4_PRIVATE_FILE}\r\n`, PUB: `\t${V4_PUBLIC_FILE}`, BLANK: " \n\t" },
    async (env) => {
      const loaded = await loadSigningKey({
        mode: "prod",
        privateKeyEnv: env.PRIV,
        publicKeyEnv: env.PUB,
      });
      assert.equal(loaded.key.keyId, V4_KEY_ID);
      assert.equal(loaded.privateKeySource, `env:${env.PRIV}`);
      assert.equal(loaded.publicKeySource, `env:${env.PUB}`);
      assert.deepEqual(loaded.warnings, []);

      await assert.rejects(
        loadSigningKey({ privateKeyEnv: env.BLANK }),
        invalid(`private key env not set: ${env.BLANK}`),
      );
      await assert.rejects(
        loadSigningKey({ privateKeyEnv: "GAIT_TEST_SURELY_UNSET_VAR" }),
        invalid("private key env not set: GAIT_TEST_SURELY_UNSET_VAR"),
      );
      await assert.rejects(
        loadSigningKey({ privateKeyEnv: env.PRIV, publicKeyEnv: env.BLANK }),
        invalid(`public key env not set: ${env.BLANK}`),
      );
      await assert.rejects(
        loadVerifyKey({ publicKeyEnv: "GAIT_TEST_SURELY_UNSET_VAR" }),
        invalid("public key env not set: GAIT_TEST_SURELY_UNSET_VAR"),
      );
    },
  );
});

Deno.test("an injected env reader replaces Deno.env", async () => {
  const env = (name: string) => (name === "MY_KEY" ? V4_PRIVATE_FILE : undefined);
  const loaded = await loadSigningKey({ privateKeyEnv: "MY_KEY" }, { env });
  assert.equal(loaded.key.keyId, V4_KEY_ID);
  assert.equal(loaded.publicKeySource, "derived");
});

Deno.test("path sources load key files; the public key must match the private key", async () => {
  const other = await generateKeyPair();
  await withKeyFiles(
    {
      "priv.key": V4_PRIVATE_FILE,
      "pub.key": V4_PUBLIC_FILE,
      "other.key": encodePublicKeyFile(other),
    },
    async (p) => {
      const loaded = await loadSigningKey({
        privateKeyPath: p["priv.key"],
        publicKeyPath: p["pub.key"],
      });
      assert.equal(loaded.key.keyId, V4_KEY_ID);
      assert.equal(loaded.privateKeySource, `path:${p["priv.key"]}`);
      assert.equal(loaded.publicKeySource, `path:${p["pub.key"]}`);
      await assert.rejects(
        loadSigningKey({ privateKeyPath: p["priv.key"], publicKeyPath: p["other.key"] }),
        invalid("public key does not match private key"),
      );
    },
  );
});

Deno.test("unreadable key files are invalid input naming the source", async () => {
  await withKeyFiles({ "big.key": "A".repeat(70 * 1024) }, async (p) => {
    const dir = p["big.key"]!.replace(/\/big\.key$/, "");
    await assert.rejects(
      loadSigningKey({ privateKeyPath: `${dir}/missing.key` }),
      invalid(`read private key (path:${dir}/missing.key): no such file or directory`),
    );
    await assert.rejects(
      loadSigningKey({ privateKeyPath: dir }),
      invalid(`read private key (path:${dir}): is a directory`),
    );
    await assert.rejects(
      loadVerifyKey({ publicKeyPath: p["big.key"] }),
      invalid(/^read public key \(path:.*big\.key\): file too large/),
    );
  });
});

Deno.test("verify key: the public source wins, else derived from the private source, else none", async () => {
  const other: PrivateKeyMaterial = await generateKeyPair();
  await withKeyFiles(
    { "priv.key": V4_PRIVATE_FILE, "pub.key": encodePublicKeyFile(other) },
    async (p) => {
      const fromPublic = await loadVerifyKey({
        publicKeyPath: p["pub.key"],
        privateKeyPath: p["priv.key"],
      });
      assert.equal(fromPublic?.key.keyId, other.keyId);
      assert.equal(fromPublic?.source, `path:${p["pub.key"]}`);
      const derived = await loadVerifyKey({ privateKeyPath: p["priv.key"] });
      assert.equal(derived?.key.keyId, V4_KEY_ID);
      assert.equal(derived?.source, "derived");
      assert.equal(await loadVerifyKey({}), null);
      assert.equal(await loadVerifyKey({ mode: "dev" }), null);
    },
  );
});

Deno.test("a private key file written by encodePrivateKeyFile loads from an env var", async () => {
  const key = await generateKeyPair();
  await withEnv({ K: encodePrivateKeyFile(key) }, async (env) => {
    const loaded = await loadSigningKey({ privateKeyEnv: env.K });
    assert.equal(loaded.key.keyId, key.keyId);
  });
});
