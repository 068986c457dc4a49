/**
 * `gait verify <run_id|path>`: offline runpack verification (spec 01 §4.5).
 *
 * @module
 */

import { verifyDigestSignature } from "../../crypto/signature.ts";
import { GaitError } from "../../core/errors.ts";
import { resolveRunpack } from "../../runpack/resolve.ts";
import type { SignatureStatus } from "../../runpack/verify.ts";
import { verifyRunpackFile } from "../../runpack/verify.ts";
import type { CommandContext, CommandOutput } from "../command.ts";
import { resolveVerifyKey } from "../key_flags.ts";

const NEXT_COMMANDS = (runId: string) => [
  `gait regress bootstrap --from ${runId} --json --junit ./gait-out/junit.xml`,
  "gait demo --durable",
  "gait demo --policy",
];

/**
 * The explanation shown next to a signature status.
 *
 * @example
 * ```ts
 * signatureNote("verified", false); // "signatures verified"
 * ```
 */
export function signatureNote(status: SignatureStatus, required: boolean): string {
  switch (status) {
    case "missing":
      return required
        ? "signatures are required in this mode; provide signing keys and re-run verify"
        : "unsigned local/dev artifacts are expected by default; use --require-signature for strict verification";
    case "skipped":
      return required
        ? "signature checks were expected but skipped; provide a public key or private key source"
        : "signature checks were skipped because no verify key was provided";
    case "verified":
      return "signatures verified";
    case "failed":
      return "signature verification failed; inspect signature_errors and re-run with the correct key";
  }
}

/** Runs `gait verify`. */
export async function run(ctx: CommandContext): Promise<CommandOutput> {
  const arg = ctx.args.positionals[0] ?? "";
  if (arg === "") throw new GaitError("invalid_input", "missing required <run_id|path>");
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
  const required = strict || ctx.bool("require-signature");
  const path = await resolveRunpack(arg, ctx.env);
  const verifier = key.verifier;
  const result = await verifyRunpackFile(path, {
    requireSignature: required,
    checkSignature: verifier
      ? async (signature, digest) => {
        const check = await verifyDigestSignature(verifier, signature, digest);
        return check.valid ? null : check.reason;
      }
      : undefined,
  });
  const note = signatureNote(result.signature_status, required);
  const next = NEXT_COMMANDS(result.run_id);
  const json: Record<string, unknown> = {
    ok: result.ok,
    path,
    run_id: result.run_id,
    manifest_digest: result.manifest_digest,
    files_checked: result.files_checked || undefined,
    missing_files: result.missing_files.length ? result.missing_files : undefined,
    hash_mismatches: result.hash_mismatches.length ? result.hash_mismatches : undefined,
    undeclared_files: result.undeclared_files.length ? result.undeclared_files : undefined,
    integrity_errors: result.integrity_errors.length ? result.integrity_errors : undefined,
    signature_status: result.signature_status,
    signature_errors: result.signature_errors.length ? result.signature_errors : undefined,
    signatures_total: result.signatures_total || undefined,
    signatures_valid: result.signatures_valid || undefined,
    signature_note: note,
    next_commands: next,
  };
  const lines: string[] = [];
  if (result.ok) {
    lines.push(`verify ok: ${path}`);
  } else {
    lines.push(`verify failed: ${path}`);
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
  }
  lines.push(`signature status: ${result.signature_status}`, `signature note: ${note}`);
  if (result.ok) lines.push(`next: ${next.join(" | ")}`);
  return { exitCode: result.ok ? 0 : 2, json, text: lines.join("\n") };
}
