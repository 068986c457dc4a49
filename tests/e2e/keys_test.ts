/**
 * `gait keys init|rotate|verify` end to end (spec 01 §2), through the real CLI
 * with the shipped permission set, plus `keys rotate` in-process with a fixed
 * clock.
 */

import assert from "node:assert/strict";
import { sha256Hex } from "../../src/core/digest.ts";
import { fixedClock } from "../../src/core/timestamp.ts";
import type { CommandContext } from "../../src/cli/command.ts";
import { rotationStamp, runRotate } from "../../src/cli/commands/keys.ts";
import { decodeBase64 } from "../../src/crypto/mod.ts";
import { type GaitResult, REPO_ROOT, runGait, withTempDir } from "../helpers/cli.ts";

const TAMPERED = `${REPO_ROOT}/fixtures/keys/v4_tampered_private.key`;
const V5_PUBLIC = `${REPO_ROOT}/fixtures/keys/v5_approval_public.key`;

function mode(path: string): number {
  return Deno.statSync(path).mode! & 0o777;
}

/** The seed part of a private key file: its first 43 base64 characters. */
function seedText(privateFileText: string): string {
  return privateFileText.slice(0, 43);
}

function assertNoSecret(results: GaitResult[], privateFileText: string): void {
  const secret = seedText(privateFileText);
  for (const r of results) {
    assert.ok(!r.stdout.includes(secret), `private key bytes in stdout: ${r.stdout}`);
    assert.ok(!r.stderr.includes(secret), `private key bytes in stderr: ${r.stderr}`);
  }
}

function assertInvalidInputEnvelope(r: GaitResult, message: string | RegExp): void {
  assert.equal(r.code, 6, r.stdout + r.stderr);
  const out = r.json();
  assert.equal(out.ok, false);
  if (typeof message === "string") assert.equal(out.error, message);
  else assert.match(String(out.error), message);
  assert.equal(out.error_code, "invalid_input");
  assert.equal(out.error_category, "invalid_input");
  assert.equal(out.retryable, false);
  assert.equal(out.hint, "check command usage and input schema");
  assert.equal(typeof out.correlation_id, "string");
}

Deno.test("keys init writes a 0600 key pair in a 0750 directory and reports it", async () => {
  await withTempDir(async (dir) => {
    const r = await runGait(["keys", "init", "--out-dir", `${dir}/keys`, "--json"], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.split("\n").length, 2, "one JSON line");
    const out = r.json();
    assert.deepEqual(Object.keys(out).sort(), [
      "correlation_id",
      "key_id",
      "ok",
      "prefix",
      "private_key_path",
      "public_key_path",
    ]);
    assert.equal(out.ok, true);
    assert.equal(out.prefix, "gait");
    assert.equal(out.private_key_path, `${dir}/keys/gait_private.key`);
    assert.equal(out.public_key_path, `${dir}/keys/gait_public.key`);
    assert.equal(mode(`${dir}/keys`), 0o750);
    assert.equal(mode(`${dir}/keys/gait_private.key`), 0o600);
    assert.equal(mode(`${dir}/keys/gait_public.key`), 0o600);

    const privateText = await Deno.readTextFile(`${dir}/keys/gait_private.key`);
    const publicText = await Deno.readTextFile(`${dir}/keys/gait_public.key`);
    assert.match(privateText, /^[A-Za-z0-9+/]{86}==\n$/);
    assert.match(publicText, /^[A-Za-z0-9+/]{43}=\n$/);
    const publicBytes = decodeBase64(publicText.trim());
    assert.equal(out.key_id, sha256Hex(publicBytes));
    assert.deepEqual(decodeBase64(privateText.trim()).subarray(32), publicBytes);
    assertNoSecret([r], privateText);
  });
});

Deno.test("keys init defaults to ./gait-out/keys and prints the text form", async () => {
  await withTempDir(async (dir) => {
    const r = await runGait(["keys", "init", "--prefix", "ci"], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    const keyId = sha256Hex(
      decodeBase64((await Deno.readTextFile(`${dir}/gait-out/keys/ci_public.key`)).trim()),
    );
    assert.equal(
      r.stdout,
      `keys init ok: key_id=${keyId} public=gait-out/keys/ci_public.key private=gait-out/keys/ci_private.key\n`,
    );
  });
});

Deno.test("keys init refuses to overwrite without --force and leaves the keys unchanged; --force replaces them", async () => {
  await withTempDir(async (dir) => {
    const first = await runGait(["keys", "init", "--out-dir", "keys", "--json"], { cwd: dir });
    assert.equal(first.code, 0, first.stderr);
    const privateBefore = await Deno.readTextFile(`${dir}/keys/gait_private.key`);
    const publicBefore = await Deno.readTextFile(`${dir}/keys/gait_public.key`);

    const again = await runGait(["keys", "init", "--out-dir", "keys", "--json"], { cwd: dir });
    assertInvalidInputEnvelope(
      again,
      "private key path already exists (use --force): keys/gait_private.key",
    );
    assert.equal(await Deno.readTextFile(`${dir}/keys/gait_private.key`), privateBefore);
    assert.equal(await Deno.readTextFile(`${dir}/keys/gait_public.key`), publicBefore);

    await Deno.remove(`${dir}/keys/gait_private.key`);
    const publicOnly = await runGait(["keys", "init", "--out-dir", "keys"], { cwd: dir });
    assert.equal(publicOnly.code, 6);
    assert.match(
      publicOnly.stderr,
      /public key path already exists \(use --force\): keys\/gait_public\.key/,
    );
    assert.equal(await Deno.readTextFile(`${dir}/keys/gait_public.key`), publicBefore);

    const forced = await runGait(["keys", "init", "--out-dir", "keys", "--force", "--json"], {
      cwd: dir,
    });
    assert.equal(forced.code, 0, forced.stderr);
    const privateAfter = await Deno.readTextFile(`${dir}/keys/gait_private.key`);
    assert.notEqual(privateAfter, privateBefore);
    assert.notEqual(forced.json().key_id, first.json().key_id);
    assert.equal(mode(`${dir}/keys/gait_private.key`), 0o600);
    assertNoSecret([first, again, publicOnly, forced], privateBefore);
    assertNoSecret([forced], privateAfter);
  });
});

Deno.test("keys init rejects prefixes that are paths and out-dirs that climb with ..", async () => {
  await withTempDir(async (dir) => {
    for (const prefix of ["../evil", "a/b", "..", ""]) {
      const r = await runGait(["keys", "init", "--out-dir", "keys", "--prefix", prefix, "--json"], {
        cwd: dir,
      });
      assertInvalidInputEnvelope(r, prefix === "" ? "prefix must not be empty" : /^prefix must be/);
    }
    const climb = await runGait(["keys", "init", "--out-dir", "../keys", "--json"], { cwd: dir });
    assertInvalidInputEnvelope(climb, /path must be local relative or absolute/);
    const blank = await runGait(["keys", "init", "--out-dir", " ", "--json"], { cwd: dir });
    assertInvalidInputEnvelope(blank, "out-dir must not be empty");
    assert.equal((await Array.fromAsync(Deno.readDir(dir))).length, 0, "nothing written");
  });
});

Deno.test("keys rotate writes a timestamped pair and keeps the old keys", async () => {
  await withTempDir(async (dir) => {
    const init = await runGait(["keys", "init", "--out-dir", "keys"], { cwd: dir });
    assert.equal(init.code, 0, init.stderr);
    const oldPrivate = await Deno.readTextFile(`${dir}/keys/gait_private.key`);

    const r = await runGait(["keys", "rotate", "--out-dir", "keys"], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    const m = r.stdout.match(
      /^keys init ok: key_id=([0-9a-f]{64}) public=keys\/(gait_\d{8}T\d{6}Z)_public\.key private=keys\/\2_private\.key\n$/,
    );
    assert.ok(m, r.stdout);
    assert.equal(await Deno.readTextFile(`${dir}/keys/gait_private.key`), oldPrivate);
    assert.equal(mode(`${dir}/keys/${m[2]}_private.key`), 0o600);
    const rotatedPublic = await Deno.readTextFile(`${dir}/keys/${m[2]}_public.key`);
    assert.equal(m[1], sha256Hex(decodeBase64(rotatedPublic.trim())));
    assertNoSecret([init, r], oldPrivate);
  });
});

Deno.test("keys rotate has no --force flag", async () => {
  const r = await runGait(["keys", "rotate", "--json", "--force"]);
  assertInvalidInputEnvelope(r, "flag provided but not defined: -force");
});

Deno.test("keys rotate uses the UTC stamp of the clock and never overwrites (in-process, fixed clock)", async () => {
  assert.equal(rotationStamp("2026-02-05T01:02:03.987654+01:00"), "20260205T000203Z");
  await withTempDir(async (dir) => {
    const flags: Record<string, string> = { "out-dir": `${dir}/k`, prefix: "ops" };
    const ctx: CommandContext = {
      command: "keys rotate",
      args: {
        values: new Map(Object.entries(flags)),
        set: new Set(Object.keys(flags)),
        positionals: [],
      },
      json: true,
      clock: fixedClock("2026-02-05T00:00:00.5Z"),
      env: () => undefined,
      warn: () => {},
      str: (name) => flags[name] ?? "",
      bool: () => false,
      int: () => 0,
      has: (name) => name in flags,
    };
    const first = await runRotate(ctx);
    assert.equal(first.exitCode, 0);
    assert.equal(first.json.prefix, "ops_20260205T000000Z");
    assert.equal(first.json.private_key_path, `${dir}/k/ops_20260205T000000Z_private.key`);
    assert.equal(first.json.public_key_path, `${dir}/k/ops_20260205T000000Z_public.key`);
    assert.match(first.text, /^keys init ok: key_id=[0-9a-f]{64} public=/);
    const before = await Deno.readTextFile(`${dir}/k/ops_20260205T000000Z_private.key`);
    await assert.rejects(runRotate(ctx), {
      category: "invalid_input",
      message: /^private key path already exists/,
    });
    assert.equal(await Deno.readTextFile(`${dir}/k/ops_20260205T000000Z_private.key`), before);
  });
});

Deno.test("keys verify with key files reports the key id and both sources", async () => {
  await withTempDir(async (dir) => {
    const init = await runGait(["keys", "init", "--out-dir", "keys", "--json"], { cwd: dir });
    const keyId = init.json().key_id;
    const privateText = await Deno.readTextFile(`${dir}/keys/gait_private.key`);

    const r = await runGait([
      "keys",
      "verify",
      "--private-key",
      "keys/gait_private.key",
      "--public-key",
      "keys/gait_public.key",
      "--json",
    ], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    const out = r.json();
    assert.deepEqual(Object.keys(out).sort(), [
      "correlation_id",
      "key_id",
      "ok",
      "private_key_source",
      "public_key_source",
    ]);
    assert.equal(out.ok, true);
    assert.equal(out.key_id, keyId);
    assert.equal(out.private_key_source, "path:keys/gait_private.key");
    assert.equal(out.public_key_source, "path:keys/gait_public.key");

    const text = await runGait(["keys", "verify", "--private-key", "keys/gait_private.key"], {
      cwd: dir,
    });
    assert.equal(text.code, 0, text.stderr);
    assert.equal(
      text.stdout,
      `keys verify ok: key_id=${keyId} private=path:keys/gait_private.key public=derived\n`,
    );
    assertNoSecret([init, r, text], privateText);
  });
});

Deno.test("keys verify with env sources", async () => {
  await withTempDir(async (dir) => {
    const init = await runGait(["keys", "init", "--out-dir", "keys", "--json"], { cwd: dir });
    const privateText = await Deno.readTextFile(`${dir}/keys/gait_private.key`);
    const publicText = await Deno.readTextFile(`${dir}/keys/gait_public.key`);
    const env = { GAIT_SIGNING_KEY: `  ${privateText}`, GAIT_VERIFY_KEY: publicText };

    const derived = await runGait([
      "keys",
      "verify",
      "--private-key-env",
      "GAIT_SIGNING_KEY",
      "--json",
    ], {
      cwd: dir,
      env,
    });
    assert.equal(derived.code, 0, derived.stdout + derived.stderr);
    assert.equal(derived.json().key_id, init.json().key_id);
    assert.equal(derived.json().private_key_source, "env:GAIT_SIGNING_KEY");
    assert.equal(derived.json().public_key_source, "derived");

    const both = await runGait([
      "keys",
      "verify",
      "--private-key-env",
      "GAIT_SIGNING_KEY",
      "--public-key-env",
      "GAIT_VERIFY_KEY",
      "--json",
    ], { cwd: dir, env });
    assert.equal(both.code, 0, both.stdout + both.stderr);
    assert.equal(both.json().public_key_source, "env:GAIT_VERIFY_KEY");

    const unset = await runGait(["keys", "verify", "--private-key-env", "GAIT_NOT_SET", "--json"], {
      cwd: dir,
      env,
    });
    assertInvalidInputEnvelope(unset, "private key env not set: GAIT_NOT_SET");
    assertNoSecret([init, derived, both, unset], privateText);
  });
});

Deno.test("keys verify fails with exit 6 on a mismatched public key, conflicts, tampering and missing sources", async () => {
  await withTempDir(async (dir) => {
    const init = await runGait(["keys", "init", "--out-dir", "keys"], { cwd: dir });
    const privateText = await Deno.readTextFile(`${dir}/keys/gait_private.key`);

    const mismatch = await runGait([
      "keys",
      "verify",
      "--private-key",
      "keys/gait_private.key",
      "--public-key",
      V5_PUBLIC,
      "--json",
    ], { cwd: dir });
    assertInvalidInputEnvelope(mismatch, "public key does not match private key");

    const conflict = await runGait([
      "keys",
      "verify",
      "--private-key",
      "keys/gait_private.key",
      "--private-key-env",
      "X",
      "--json",
    ], { cwd: dir });
    assertInvalidInputEnvelope(conflict, "private key source: set either path or env");

    const tampered = await runGait(["keys", "verify", "--private-key", TAMPERED, "--json"], {
      cwd: dir,
    });
    assertInvalidInputEnvelope(tampered, /bytes 32-63 are not the public key of its seed/);

    const missing = await runGait(["keys", "verify", "--json"], { cwd: dir });
    assertInvalidInputEnvelope(
      missing,
      "private key source is required (--private-key or --private-key-env)",
    );

    const missingText = await runGait(["keys", "verify"], { cwd: dir });
    assert.equal(missingText.code, 6);
    assert.match(missingText.stderr, /^keys verify error: private key source is required/);

    const noFile = await runGait(["keys", "verify", "--private-key", "nope.key", "--json"], {
      cwd: dir,
    });
    assertInvalidInputEnvelope(
      noFile,
      "read private key (path:nope.key): no such file or directory",
    );

    const wrongKind = await runGait([
      "keys",
      "verify",
      "--private-key",
      "keys/gait_public.key",
      "--json",
    ], {
      cwd: dir,
    });
    assertInvalidInputEnvelope(
      wrongKind,
      "invalid private key length (path:keys/gait_public.key): 32 bytes, want 64",
    );

    const unknown = await runGait(["keys", "verify", "--json", "--key-mode", "dev"], { cwd: dir });
    assertInvalidInputEnvelope(unknown, "flag provided but not defined: -key-mode");

    assertNoSecret(
      [init, mismatch, conflict, tampered, missing, missingText, noFile, wrongKind],
      privateText,
    );
  });
});

Deno.test("keys subcommands print help with exit 0", async () => {
  for (const sub of ["init", "rotate", "verify"]) {
    const r = await runGait(["keys", sub, "--help"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`^Usage: gait keys ${sub}`));
  }
});
