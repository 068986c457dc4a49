/**
 * `gait pack verify` (spec 01 §5.2): PackSpec v1 packs, legacy runpacks and
 * legacy guard evidence packs, offline.
 *
 * @module
 */

import { GaitError } from "../../core/errors.ts";
import { requirePackFile } from "../../pack/read.ts";
import { type PackVerifyResult, verifyPackFile } from "../../pack/verify.ts";
import type { CommandContext, CommandOutput } from "../command.ts";
import { resolveVerifyKey } from "../key_flags.ts";
import { signatureNote } from "./verify.ts";
import { packOutput, positional, withPackErrors } from "./_pack_output.ts";

function verifyObject(result: PackVerifyResult, required: boolean): Record<string, unknown> {
  const nonEmpty = <T>(list: T[]) => (list.length ? list : undefined);
  return {
    pack_id: result.pack_id || undefined,
    pack_type: result.pack_type || undefined,
    source_ref: result.source_ref || undefined,
    files_checked: result.files_checked,
    proof_records_verified: result.proof_records_verified || undefined,
    missing_files: nonEmpty(result.missing_files),
    hash_mismatches: nonEmpty(result.hash_mismatches),
    undeclared_files: nonEmpty(result.undeclared_files),
    integrity_errors: nonEmpty(result.integrity_errors),
    signature_status: result.signature_status,
    signature_errors: nonEmpty(result.signature_errors),
    signatures_total: result.signatures_total || undefined,
    signatures_valid: result.signatures_valid || undefined,
    signature_note: signatureNote(result.signature_status, required),
    legacy_type: result.legacy_type,
  };
}

function failureLines(result: PackVerifyResult): string[] {
  const lines: string[] = [];
  if (result.missing_files.length) lines.push(`missing files: ${result.missing_files.join(", ")}`);
  for (const m of result.hash_mismatches) {
    lines.push(`hash mismatch: ${m.path} expected=${m.expected} actual=${m.actual}`);
  }
  if (result.undeclared_files.length) {
    lines.push(`undeclared files: ${result.undeclared_files.join(", ")}`);
  }
  for (const e of result.integrity_errors) lines.push(`integrity error: ${e}`);
  for (const e of result.signature_errors) lines.push(`signature error: ${e}`);
  lines.push(`signature status: ${result.signature_status}`);
  return lines;
}

/** Runs `gait pack verify`. */
export function run(ctx: CommandContext): Promise<CommandOutput> {
  return withPackErrors("verify", async () => {
    const profile = ctx.str("profile").trim().toLowerCase() || "standard";
    if (profile !== "standard" && profile !== "strict") {
      throw new GaitError(
        "invalid_input",
        `unsupported --profile ${JSON.stringify(profile)} (expected standard or strict)`,
      );
    }
    const key = await resolveVerifyKey(ctx);
    const strict = profile === "strict";
    if (strict && !key.verifier) {
      throw new GaitError(
        "invalid_input",
        "strict verify profile requires --public-key/--public-key-env or private key source",
      );
    }
    const path = positional(ctx, 0, "<pack.zip>");
    await requirePackFile(path);
    const required = strict || ctx.bool("require-signature");
    const result = await verifyPackFile(path, {
      requireSignature: required,
      verifier: key.verifier,
    });
    const text = result.ok
      ? `pack verify ok: ${path}`
      : [`pack verify failed: ${path}`, ...failureLines(result)].join("\n");
    return {
      exitCode: result.ok ? 0 : 2,
      json: packOutput("verify", {
        ok: result.ok,
        path,
        pack_id: result.pack_id,
        pack_type: result.pack_type,
        source_ref: result.source_ref,
        verify: verifyObject(result, required),
      }),
      text,
    };
  });
}
