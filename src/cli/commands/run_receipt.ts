/**
 * `gait run receipt`: the ticket footer of a verified runpack (spec 03 §3.5).
 *
 * @module
 */

import { GaitError } from "../../core/errors.ts";
import { resolveRunpack } from "../../runpack/resolve.ts";
import { checkedTicketFooter } from "../../runpack/ticket_footer.ts";
import { verifyRunpackFile } from "../../runpack/verify.ts";
import type { CommandContext, CommandOutput } from "../command.ts";

/** Runs `gait run receipt`. */
export async function run(ctx: CommandContext): Promise<CommandOutput> {
  const from = ctx.str("from") || ctx.args.positionals[0] || "";
  if (from === "") throw new GaitError("invalid_input", "missing required --from <run_id|path>");
  const path = await resolveRunpack(from, ctx.env);
  const verify = await verifyRunpackFile(path);
  if (!verify.ok) {
    throw new GaitError("verification_failed", "runpack verification failed", {
      details: {
        path,
        run_id: verify.run_id,
        missing_files: verify.missing_files.length ? verify.missing_files : undefined,
        hash_mismatches: verify.hash_mismatches.length ? verify.hash_mismatches : undefined,
        undeclared_files: verify.undeclared_files.length ? verify.undeclared_files : undefined,
        integrity_errors: verify.integrity_errors.length ? verify.integrity_errors : undefined,
      },
    });
  }
  const footer = checkedTicketFooter(verify.run_id, verify.manifest_digest);
  return {
    exitCode: 0,
    json: {
      ok: true,
      run_id: verify.run_id,
      path,
      manifest_digest: verify.manifest_digest,
      ticket_footer: footer,
    },
    text: footer,
  };
}
