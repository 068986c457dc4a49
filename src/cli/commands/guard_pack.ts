/**
 * `gait guard pack`: an evidence pack for auditors from a runpack (spec 01 §8).
 *
 * Signing: the reference tool signs with a throwaway dev key by default,
 * which no auditor can ever verify. Gait keeps that default for
 * compatibility but says so loudly, and a private key given with
 * `--private-key`/`--private-key-env` signs as `prod` without also needing
 * `--key-mode prod` (the reference tool rejects that combination).
 *
 * @module
 */

import { GaitError } from "../../core/errors.ts";
import { buildGuardPack } from "../../guard/pack_build.ts";
import { verifyGuardPackFile } from "../../guard/pack_verify.ts";
import { verifyDigestSignature } from "../../crypto/signature.ts";
import { resolveRunpack } from "../../runpack/resolve.ts";
import { gaitVersion } from "../build_info.ts";
import type { CommandContext, CommandOutput } from "../command.ts";
import { resolveSigningKeys, SIGNING_POLICY, type SigningKeys } from "../key_flags.ts";

/** The warning added whenever a pack is signed with an ephemeral key. */
export const THROWAWAY_KEY_WARNING =
  "evidence pack signed with a throwaway dev key: its signature can never be verified by an auditor. " +
  "Sign verifiably: run `gait keys init` once, then `gait guard pack --run <run> --private-key gait-out/keys/gait_private.key` " +
  "(or --private-key-env VAR) and hand auditors gait-out/keys/gait_public.key for `gait guard verify --public-key`";

/**
 * Resolves the pack's signing key: the reference default (dev, ephemeral)
 * unless a private key is given, which then signs as prod.
 */
async function resolvePackSigner(ctx: CommandContext): Promise<SigningKeys> {
  const mode = ctx.str("key-mode").trim();
  const keyGiven = ctx.str("private-key").trim() !== "" || ctx.str("private-key-env").trim() !== "";
  const policy = keyGiven && mode === ""
    ? { defaultMode: "prod" as const, acceptsNone: false }
    : SIGNING_POLICY.guardPack;
  return await resolveSigningKeys(ctx, policy);
}

/** Runs `gait guard pack`. */
export async function run(ctx: CommandContext): Promise<CommandOutput> {
  const runArg = ctx.str("run").trim();
  if (runArg === "") throw new GaitError("invalid_input", "missing required --run <run_id|path>");
  const keys = await resolvePackSigner(ctx);
  const runpackPath = await resolveRunpack(runArg, ctx.env);
  const warnings = [...keys.warnings];
  if (keys.mode === "dev") warnings.push(THROWAWAY_KEY_WARNING);

  const result = await buildGuardPack({
    runpackPath,
    outputPath: ctx.str("out"),
    caseId: ctx.str("case-id"),
    template: ctx.str("template"),
    renderPdf: ctx.bool("render-pdf"),
    inventoryPaths: [ctx.str("inventory")],
    tracePaths: [ctx.str("trace")],
    regressPaths: [ctx.str("regress")],
    approvalAuditPaths: [ctx.str("approval-audit")],
    credentialEvidencePaths: [ctx.str("credential-evidence")],
    signer: keys.signer,
    producerVersion: gaitVersion(),
  });

  // Prove the written pack verifies with the key it was signed with.
  const verifier = keys.verifier;
  const check = await verifyGuardPackFile(result.path, {
    requireSignature: verifier !== null,
    checkSignature: verifier
      ? async (signature, digest) => {
        const r = await verifyDigestSignature(verifier, signature, digest);
        return r.valid ? null : r.reason;
      }
      : undefined,
  });
  if (!check.ok) {
    throw new GaitError(
      "internal_failure",
      `written evidence pack failed verification: ${result.path}`,
    );
  }

  const m = result.manifest;
  const controls = m.control_index?.length ?? 0;
  const rendered = m.rendered_artifacts?.length ?? 0;
  const keyId = keys.signer?.keyId;
  const manifestPath = `${result.path}#pack_manifest.json`;
  for (const w of warnings) ctx.warn(w);
  const json: Record<string, unknown> = {
    ok: true,
    pack_path: result.path,
    pack_id: m.pack_id,
    run_id: result.runId,
    template_id: result.templateId,
    controls: controls || undefined,
    rendered_artifacts: rendered || undefined,
    manifest_path: manifestPath,
    signature_status: keys.signer ? "signed" : "missing",
    signature_key_id: keyId,
    key_mode: keys.mode,
    warnings: warnings.length ? warnings : undefined,
  };
  const lines = [
    `guard pack ok: ${result.path}`,
    `pack_id=${m.pack_id}`,
    `run_id=${result.runId}`,
    `template_id=${result.templateId}`,
    `controls=${controls}`,
  ];
  if (rendered) lines.push(`rendered_artifacts=${rendered}`);
  lines.push(`manifest_path=${manifestPath}`);
  lines.push(
    keyId ? `signature=${keys.mode} key_id=${keyId}` : "signature=missing",
  );
  return { exitCode: 0, json, text: lines.join("\n") };
}
