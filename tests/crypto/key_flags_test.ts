/**
 * src/cli/key_flags.ts: command flags to signing and verify keys under each
 * command's signing default (spec 01 §2 "Signing defaults by command").
 */

import assert from "node:assert/strict";
import {
  type KeyFlagContext,
  readKeyFlags,
  resolveSigningKeys,
  resolveVerifyKey,
  SIGNING_POLICY,
} from "../../src/cli/key_flags.ts";
import { DEV_MODE_WARNING } from "../../src/crypto/mod.ts";

const V4_PRIVATE_FILE =
  "bfnf2hYa+313dDWJ/nmRMFIE0Qs2ZhDTJlB9xkbse8wHEtZw0gqX2lFs2bgsc/I/CdWn3TRCRkO1CCI/WGmQUg==\n";
const V4_PUBLIC_FILE = "BxLWcNIKl9pRbNm4LHPyPwnVp900QkZDtQgiP1hpkFI=\n";
const V4_KEY_ID = "42571c8843a10df565fd17a97a236c3552e8e4b7ff2a0b48bf524409279771d9";

const ENV: Record<string, string> = { PRIV: V4_PRIVATE_FILE, PUB: V4_PUBLIC_FILE };

function ctx(flags: Record<string, string>, env: Record<string, string> = ENV): KeyFlagContext {
  return { str: (name) => flags[name] ?? "", env: (name) => env[name] };
}

const invalid = (message: string) => ({ category: "invalid_input", message });

Deno.test("readKeyFlags trims values, honours a prefix and falls back where blank", () => {
  assert.deepEqual(
    readKeyFlags(ctx({ "key-mode": " prod ", "private-key": " k.key ", "public-key-env": "PUB" })),
    {
      mode: "prod",
      privateKeyPath: "k.key",
      privateKeyEnv: "",
      publicKeyPath: "",
      publicKeyEnv: "PUB",
    },
  );
  assert.deepEqual(
    readKeyFlags(ctx({ "approval-public-key": "a.pub", "public-key": "ignored" }), {
      prefix: "approval-",
      fallback: { privateKeyEnv: "CFG_PRIV", publicKeyPath: "cfg.pub" },
    }),
    {
      mode: "",
      privateKeyPath: "",
      privateKeyEnv: "CFG_PRIV",
      publicKeyPath: "a.pub",
      publicKeyEnv: "",
    },
  );
});

Deno.test("run record: unsigned without key flags", async () => {
  const keys = await resolveSigningKeys(ctx({}), SIGNING_POLICY.runRecord);
  assert.equal(keys.signer, null);
  assert.equal(keys.verifier, null);
  assert.equal(keys.mode, "none");
  assert.deepEqual(keys.warnings, []);
});

Deno.test("run record: a private key alone signs in prod mode", async () => {
  const keys = await resolveSigningKeys(
    ctx({ "private-key-env": "PRIV" }),
    SIGNING_POLICY.runRecord,
  );
  assert.equal(keys.signer?.keyId, V4_KEY_ID);
  assert.equal(keys.verifier?.keyId, V4_KEY_ID);
  assert.equal(keys.mode, "prod");
  assert.equal(keys.privateKeySource, "env:PRIV");
  assert.equal(keys.publicKeySource, "derived");
});

Deno.test("run record: --key-mode dev signs with an ephemeral key and warns", async () => {
  const keys = await resolveSigningKeys(ctx({ "key-mode": "dev" }), SIGNING_POLICY.runRecord);
  assert.ok(keys.signer);
  assert.equal(keys.mode, "dev");
  assert.deepEqual(keys.warnings, [DEV_MODE_WARNING]);
});

Deno.test("run record: --key-mode prod without a key, and --key-mode none, are invalid input", async () => {
  await assert.rejects(
    resolveSigningKeys(ctx({ "key-mode": "prod" }), SIGNING_POLICY.runRecord),
    invalid("prod mode requires a private key source"),
  );
  await assert.rejects(
    resolveSigningKeys(ctx({ "key-mode": "none" }), SIGNING_POLICY.runRecord),
    invalid("unsupported key mode: none"),
  );
});

Deno.test("pack build: none by default; none plus a key acts as prod", async () => {
  assert.equal((await resolveSigningKeys(ctx({}), SIGNING_POLICY.packBuild)).signer, null);
  assert.equal(
    (await resolveSigningKeys(ctx({ "key-mode": "none" }), SIGNING_POLICY.packBuild)).signer,
    null,
  );
  const keys = await resolveSigningKeys(
    ctx({ "key-mode": "none", "private-key-env": "PRIV" }),
    SIGNING_POLICY.packBuild,
  );
  assert.equal(keys.signer?.keyId, V4_KEY_ID);
  assert.equal(keys.mode, "prod");
});

Deno.test("guard pack and gate eval: dev by default; a key without --key-mode prod is an error", async () => {
  for (const policy of [SIGNING_POLICY.guardPack, SIGNING_POLICY.gateEval]) {
    const keys = await resolveSigningKeys(ctx({}), policy);
    assert.ok(keys.signer);
    assert.equal(keys.privateKeySource, "ephemeral");
    assert.deepEqual(keys.warnings, [DEV_MODE_WARNING]);
    await assert.rejects(
      resolveSigningKeys(ctx({ "private-key-env": "PRIV" }), policy),
      invalid("dev mode does not accept explicit key sources"),
    );
    const prod = await resolveSigningKeys(
      ctx({ "key-mode": "prod", "private-key-env": "PRIV", "public-key-env": "PUB" }),
      policy,
    );
    assert.equal(prod.signer?.keyId, V4_KEY_ID);
    assert.equal(prod.publicKeySource, "env:PUB");
  }
});

Deno.test("signing: conflicting sources and mismatched public keys are invalid input", async () => {
  await assert.rejects(
    resolveSigningKeys(
      ctx({ "private-key": "k", "private-key-env": "PRIV" }),
      SIGNING_POLICY.runRecord,
    ),
    invalid("private key source: set either path or env"),
  );
  const other = "2452IFcJJprSJUSaASiKpWRN4bzs7KbckliBk2cKGeg=";
  await assert.rejects(
    resolveSigningKeys(
      ctx({ "private-key-env": "PRIV", "public-key-env": "OTHER" }, { ...ENV, OTHER: other }),
      SIGNING_POLICY.runRecord,
    ),
    invalid("public key does not match private key"),
  );
  await assert.rejects(
    resolveSigningKeys(ctx({ "private-key-env": "NOPE" }), SIGNING_POLICY.runRecord),
    invalid("private key env not set: NOPE"),
  );
});

Deno.test("verify: never generates a key; public source, else derived, else none", async () => {
  assert.deepEqual(await resolveVerifyKey(ctx({ "key-mode": "dev" })), {
    verifier: null,
    source: "",
  });
  const pub = await resolveVerifyKey(ctx({ "public-key-env": "PUB" }));
  assert.equal(pub.verifier?.keyId, V4_KEY_ID);
  assert.equal(pub.source, "env:PUB");
  const derived = await resolveVerifyKey(ctx({ "private-key-env": "PRIV" }));
  assert.equal(derived.verifier?.keyId, V4_KEY_ID);
  assert.equal(derived.source, "derived");
  const approval = await resolveVerifyKey(ctx({ "approval-public-key-env": "PUB" }), {
    prefix: "approval-",
  });
  assert.equal(approval.source, "env:PUB");
  await assert.rejects(
    resolveVerifyKey(ctx({ "public-key": "p", "public-key-env": "PUB" })),
    invalid("public key source: set either path or env"),
  );
});
