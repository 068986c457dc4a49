/**
 * `gait approve` (spec 02 §5.1): mints a signed approval token bound to an
 * intent digest and a policy digest, for `gate eval --approval-token`.
 *
 * @module
 */

import { GaitError } from "../../core/errors.ts";
import { goJson } from "../../core/go_json.ts";
import { formatTimestamp, parseTimestamp } from "../../core/timestamp.ts";
import { writeFileAtomic } from "../../fs/atomic.ts";
import { parseGoDurationNanos } from "../../gate/_go_duration.ts";
import { approvalTokenObject, mintApprovalToken } from "../../gate/approval.ts";
import type { CommandContext, CommandOutput } from "../command.ts";
import { resolveSigningKeys, SIGNING_POLICY } from "../key_flags.ts";
import { gaitVersion } from "../build_info.ts";

const EPHEMERAL_NOTE =
  "approval token signed with an ephemeral dev key: gate eval can only verify it with that key; use --key-mode prod --private-key to mint verifiable tokens";

/** Runs `gait approve`. */
export async function run(ctx: CommandContext): Promise<CommandOutput> {
  const ttlText = ctx.str("ttl").trim();
  const ttl = ttlText === "" ? null : parseGoDurationNanos(ttlText);
  if (ttl === null || ttl <= 0n) {
    throw new GaitError("invalid_input", "invalid --ttl, expected positive duration");
  }
  const scope = ctx.str("scope").split(",").map((s) => s.trim()).filter((s) => s !== "");
  if (scope.length === 0) throw new GaitError("invalid_input", "scope is required");
  if (ctx.str("reason-code").trim() === "") {
    throw new GaitError("invalid_input", "--reason-code is required");
  }
  if (ctx.str("approver").trim() === "") {
    throw new GaitError("invalid_input", "--approver is required");
  }
  const maxTargets = ctx.int("max-targets");
  const maxOps = ctx.int("max-ops");
  if (maxTargets < 0) throw new GaitError("invalid_input", "--max-targets must be >= 0");
  if (maxOps < 0) throw new GaitError("invalid_input", "--max-ops must be >= 0");
  const keys = await resolveSigningKeys(ctx, SIGNING_POLICY.gateEval);
  if (!keys.signer) throw new GaitError("invalid_input", "approval tokens must be signed");
  let token;
  try {
    token = await mintApprovalToken({
      intentDigest: ctx.str("intent-digest"),
      policyDigest: ctx.str("policy-digest"),
      delegationBindingDigest: ctx.str("delegation-binding-digest"),
      ttlNanos: ttl,
      scope,
      approver: ctx.str("approver"),
      reasonCode: ctx.str("reason-code"),
      maxTargets,
      maxOps,
      now: ctx.clock.now(),
      producerVersion: gaitVersion(),
    }, keys.signer);
  } catch (error) {
    if (error instanceof GaitError && error.message.startsWith("intent digest")) {
      throw new GaitError("invalid_input", "--intent-digest must be 64 hex characters");
    }
    if (error instanceof GaitError && error.message.startsWith("policy digest")) {
      throw new GaitError("invalid_input", "--policy-digest must be 64 hex characters");
    }
    if (error instanceof GaitError && error.message.startsWith("delegation binding digest")) {
      throw new GaitError("invalid_input", "--delegation-binding-digest must be 64 hex characters");
    }
    throw error;
  }
  const path = ctx.str("out").trim() || `approval_${token.token_id}.json`;
  await writeFileAtomic(path, goJson(approvalTokenObject(token), { indent: "  " }) + "\n", {
    createParents: true,
  });
  const warnings = [...keys.warnings];
  if (keys.mode === "dev") warnings.push(EPHEMERAL_NOTE);
  const expiresAt = formatTimestamp(parseTimestamp(token.expires_at), { seconds: true });
  const json: Record<string, unknown> = {
    ok: true,
    token_id: token.token_id,
    token_path: path,
    expires_at: expiresAt,
    reason_code: token.reason_code,
    scope: token.scope,
    max_targets: token.max_targets || undefined,
    max_ops: token.max_ops || undefined,
    key_id: keys.signer.keyId,
    warnings: warnings.length > 0 ? warnings : undefined,
    description: "signed approval token created",
  };
  const lines = [
    `approval token created: ${path}`,
    `token_id=${token.token_id} expires_at=${expiresAt} scope=${
      token.scope.join(",")
    } key_id=${keys.signer.keyId}`,
    ...warnings.map((w) => `warning: ${w}`),
  ];
  return { exitCode: 0, json, text: lines.join("\n") };
}
