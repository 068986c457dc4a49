/**
 * `gait guard verify <zip>`: offline evidence pack verification (spec 01 §8),
 * including the `pack_id` and undeclared-entry checks the reference tool
 * skips (spec 01 §11.7).
 *
 * @module
 */

import { GaitError } from "../../core/errors.ts";
import type { PublicKeyMaterial } from "../../crypto/key_material.ts";
import { verifyDigestSignature } from "../../crypto/signature.ts";
import { type GuardVerifyResult, verifyGuardPackFile } from "../../guard/pack_verify.ts";
import type { CommandContext, CommandOutput } from "../command.ts";
import { type KeyFlagContext, resolveVerifyKey } from "../key_flags.ts";
import { signatureNote } from "./verify.ts";

/** Verify flags shared by `guard verify` and `verify chain`. */
export interface VerifyFlags {
  /** Signatures are required (`--require-signature` or `--profile strict`). */
  required: boolean;
  /** Checks one signature against a digest; absent without a key. */
  checkSignature?: (signature: unknown, digest: string) => Promise<string | null>;
  /** The verify key (null without one). */
  verifier: PublicKeyMaterial | null;
}

/**
 * Reads `--profile`, `--require-signature` and the key flags.
 *
 * @example
 * ```ts
 * const { required, checkSignature } = await readVerifyFlags(ctx);
 * ```
 */
export async function readVerifyFlags(
  ctx: KeyFlagContext & Pick<CommandContext, "bool">,
): Promise<VerifyFlags> {
  const profile = ctx.str("profile").trim().toLowerCase() || "standard";
  if (profile !== "standard" && profile !== "strict") {
    throw new GaitError(
      "invalid_input",
      `unsupported --profile ${JSON.stringify(profile)} (expected standard or strict)`,
    );
  }
  const key = await resolveVerifyKey(ctx);
  const verifier = key.verifier;
  if (profile === "strict" && !verifier) {
    throw new GaitError(
      "invalid_input",
      "strict verify profile requires --public-key/--public-key-env or private key source",
    );
  }
  return {
    verifier,
    required: profile === "strict" || ctx.bool("require-signature"),
    checkSignature: verifier
      ? async (signature, digest) => {
        const check = await verifyDigestSignature(verifier, signature, digest);
        return check.valid ? null : check.reason;
      }
      : undefined,
  };
}

/**
 * The `--json` object of a guard pack verification.
 *
 * @example
 * ```ts
 * guardVerifyJson("pack.zip", result, false).ok;
 * ```
 */
export function guardVerifyJson(
  path: string,
  result: GuardVerifyResult,
  required: boolean,
): Record<string, unknown> {
  return {
    ok: result.ok,
    path,
    pack_id: result.pack_id,
    run_id: result.run_id,
    files_checked: result.files_checked || undefined,
    missing_files: result.missing_files.length ? result.missing_files : undefined,
    hash_mismatches: result.hash_mismatches.length ? result.hash_mismatches : undefined,
    undeclared_files: result.undeclared_files.length ? result.undeclared_files : undefined,
    integrity_errors: result.integrity_errors.length ? result.integrity_errors : undefined,
    signature_status: result.signature_status,
    signature_errors: result.signature_errors.length ? result.signature_errors : undefined,
    signatures_total: result.signatures_total || undefined,
    signatures_valid: result.signatures_valid || undefined,
    signature_note: signatureNote(result.signature_status, required),
  };
}

/** Runs `gait guard verify`. */
export async function run(ctx: CommandContext): Promise<CommandOutput> {
  const path = (ctx.args.positionals[0] ?? "").trim();
  if (path === "") throw new GaitError("invalid_input", "missing required <evidence_pack.zip>");
  const flags = await readVerifyFlags(ctx);
  const result = await verifyGuardPackFile(path, {
    requireSignature: flags.required,
    checkSignature: flags.checkSignature,
  });
  const json = guardVerifyJson(path, result, flags.required);
  const lines = [result.ok ? `guard verify ok: ${path}` : `guard verify failed: ${path}`];
  lines.push(`pack_id=${result.pack_id}`, `run_id=${result.run_id}`);
  if (result.missing_files.length) {
    lines.push(`missing files: ${result.missing_files.join(", ")}`);
  }
  for (const m of result.hash_mismatches) {
    lines.push(`hash mismatch: ${m.path} expected=${m.expected} actual=${m.actual}`);
  }
  if (result.undeclared_files.length) {
    lines.push(`undeclared files: ${result.undeclared_files.join(", ")}`);
  }
  for (const e of result.integrity_errors) lines.push(`integrity error: ${e}`);
  for (const e of result.signature_errors) lines.push(`signature error: ${e}`);
  lines.push(
    `signature status: ${result.signature_status}`,
    `signature note: ${json.signature_note}`,
  );
  return { exitCode: result.ok ? 0 : 2, json, text: lines.join("\n") };
}
