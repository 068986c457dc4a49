/**
 * `gait pack build` (spec 01 §5.3): a PackSpec v1 run pack from a run id,
 * runpack or session chain, optionally signed.
 *
 * @module
 */

import { GaitError } from "../../core/errors.ts";
import { dirname, joinPath, writeFileAtomic } from "../../fs/atomic.ts";
import { buildRunPack } from "../../pack/build.ts";
import { loadVerifiedRunpack, resolveRunSource } from "../../pack/source.ts";
import { BUILDABLE_PACK_TYPES, isPackType } from "../../pack/types.ts";
import { verifyPackFile } from "../../pack/verify.ts";
import { gaitVersion } from "../build_info.ts";
import type { CommandContext, CommandOutput } from "../command.ts";
import { resolveSigningKeys, SIGNING_POLICY } from "../key_flags.ts";
import { packOutput, withPackErrors } from "./_pack_output.ts";

/** Runs `gait pack build`. */
export function run(ctx: CommandContext): Promise<CommandOutput> {
  return withPackErrors("build", async () => {
    const type = ctx.str("type").trim().toLowerCase();
    if (!(BUILDABLE_PACK_TYPES as readonly string[]).includes(type)) {
      const supported = BUILDABLE_PACK_TYPES.join("|");
      throw new GaitError(
        "invalid_input",
        isPackType(type)
          ? `pack build --type ${type} is not supported by this build (supported: ${supported}); ${
            type === "job" ? "job packs need the durable job runtime" : `${type} packs`
          } can be verified, inspected, diffed and exported, but not built yet`
          : `unsupported --type ${JSON.stringify(type)} (supported: ${supported})`,
      );
    }
    const from = ctx.str("from").trim();
    if (from === "") throw new GaitError("invalid_input", "missing required --from <run_id|path>");
    const keys = await resolveSigningKeys(ctx, SIGNING_POLICY.packBuild);
    const source = await resolveRunSource(from, (n) => ctx.env(n));
    const runpack = await loadVerifiedRunpack(source.runpackPath);
    if (
      source.expectedManifestDigest !== undefined &&
      source.expectedManifestDigest !== runpack.manifest.manifest_digest.toLowerCase()
    ) {
      throw new GaitError(
        "verification_failed",
        `session chain ${source.chainPath}: latest checkpoint manifest_digest ${source.expectedManifestDigest} does not match runpack ${source.runpackPath} (${runpack.manifest.manifest_digest})`,
      );
    }
    const built = await buildRunPack(runpack, {
      producerVersion: gaitVersion(),
      signer: keys.signer,
    });
    const out = ctx.str("out").trim() ||
      joinPath(dirname(source.runpackPath), `pack_${built.manifest.pack_id}.zip`);
    await writeFileAtomic(out, built.zip, { mode: 0o600, createParents: true });
    const check = await verifyPackFile(out, { verifier: keys.verifier });
    if (!check.ok) {
      throw new GaitError("verification_failed", `built pack failed verification: ${out}`);
    }
    const warnings = keys.warnings;
    return {
      exitCode: 0,
      json: packOutput("build", {
        ok: true,
        path: out,
        pack_id: built.manifest.pack_id,
        pack_type: built.manifest.pack_type,
        source_ref: built.manifest.source_ref,
        warnings: warnings.length ? warnings : undefined,
      }),
      text: [
        ...warnings.map((w) => `warning: ${w}`),
        `pack build ok: ${out} (${built.manifest.pack_type})`,
      ].join("\n"),
    };
  });
}
