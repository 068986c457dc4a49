/**
 * `gait guard encrypt` and `gait guard decrypt`: AES-256-GCM envelopes for
 * artifacts at rest (spec 01 §8).
 *
 * `--key-command` runs a subprocess, which the shipped binary has no
 * permission to do (its permission set is read/write/env/loopback only):
 * there it fails with exit 7 and a hint to use `--key-env`; from source with
 * `--allow-run` it works as in the reference tool.
 *
 * @module
 */

import {
  decryptArtifact,
  encryptArtifact,
  type EncryptionKey,
  resolveEncryptionKey,
} from "../../guard/encryption.ts";
import { GaitError } from "../../core/errors.ts";
import { gaitVersion } from "../build_info.ts";
import type { CommandContext, CommandOutput } from "../command.ts";

function csv(value: string): string[] {
  return value.split(",").map((s) => s.trim()).filter((s) => s !== "");
}

async function keyOf(ctx: CommandContext): Promise<EncryptionKey> {
  return await resolveEncryptionKey({
    keyEnv: ctx.str("key-env"),
    keyCommand: ctx.str("key-command"),
    keyCommandArgs: csv(ctx.str("key-command-args")),
    env: (name) => ctx.env(name),
  });
}

function inputOf(ctx: CommandContext): string {
  const input = ctx.str("in").trim();
  if (input === "") throw new GaitError("invalid_input", "missing required --in <path>");
  return input;
}

/** Runs `gait guard encrypt`. */
export async function runEncrypt(ctx: CommandContext): Promise<CommandOutput> {
  const inputPath = inputOf(ctx);
  const key = await keyOf(ctx);
  try {
    const { path, envelope } = await encryptArtifact({
      inputPath,
      outputPath: ctx.str("out"),
      key,
      now: ctx.clock.now(),
      producerVersion: gaitVersion(),
    });
    const json: Record<string, unknown> = {
      ok: true,
      path,
      algorithm: envelope.algorithm,
      plain_sha256: envelope.plain_sha256,
      plain_size: envelope.plain_size,
      key_mode: envelope.key_source.mode,
      key_ref: envelope.key_source.ref,
    };
    return {
      exitCode: 0,
      json,
      text:
        `guard encrypt ok: ${path}\nplain_sha256=${envelope.plain_sha256}\nplain_size=${envelope.plain_size}`,
    };
  } finally {
    key.key.fill(0);
  }
}

/** Runs `gait guard decrypt`. */
export async function runDecrypt(ctx: CommandContext): Promise<CommandOutput> {
  const inputPath = inputOf(ctx);
  const key = await keyOf(ctx);
  try {
    const result = await decryptArtifact({ inputPath, outputPath: ctx.str("out"), key });
    return {
      exitCode: 0,
      json: {
        ok: true,
        path: result.path,
        plain_sha256: result.plainSha256,
        plain_size: result.plainSize,
      },
      text:
        `guard decrypt ok: ${result.path}\nplain_sha256=${result.plainSha256}\nplain_size=${result.plainSize}`,
    };
  } finally {
    key.key.fill(0);
  }
}
