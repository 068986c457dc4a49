/**
 * `gait delegate mint` and `gait delegate verify` (spec 02 §5.4): signed
 * delegation tokens for `gate eval --delegation-token`.
 *
 * @module
 */

import { GaitError } from "../../core/errors.ts";
import { goJson } from "../../core/go_json.ts";
import { formatTimestamp, parseTimestamp } from "../../core/timestamp.ts";
import { writeFileAtomic } from "../../fs/atomic.ts";
import { parseGoDurationNanos } from "../../gate/_go_duration.ts";
import {
  delegationTokenObject,
  mintDelegationToken,
  readDelegationTokenFile,
  verifyDelegationToken,
} from "../../gate/delegation.ts";
import type { CommandContext, CommandOutput } from "../command.ts";
import { resolveSigningKeys, resolveVerifyKey, SIGNING_POLICY } from "../key_flags.ts";
import { gaitVersion } from "../build_info.ts";

const EPHEMERAL_NOTE =
  "delegation token signed with an ephemeral dev key: gate eval can only verify it with that key; use --key-mode prod --private-key to mint verifiable tokens";

function csv(value: string): string[] {
  return value.split(",").map((s) => s.trim()).filter((s) => s !== "");
}

/** Runs `gait delegate mint`. */
export async function runMint(ctx: CommandContext): Promise<CommandOutput> {
  const ttlText = ctx.str("ttl").trim();
  const ttl = ttlText === "" ? null : parseGoDurationNanos(ttlText);
  if (ttl === null || ttl <= 0n) {
    throw new GaitError("invalid_input", "invalid --ttl, expected positive duration");
  }
  if (ctx.str("delegator").trim() === "") {
    throw new GaitError("invalid_input", "--delegator is required");
  }
  if (ctx.str("delegate").trim() === "") {
    throw new GaitError("invalid_input", "--delegate is required");
  }
  const scope = csv(ctx.str("scope"));
  if (scope.length === 0) throw new GaitError("invalid_input", "scope is required");
  const keys = await resolveSigningKeys(ctx, SIGNING_POLICY.gateEval);
  if (!keys.signer) throw new GaitError("invalid_input", "delegation tokens must be signed");
  const token = await mintDelegationToken({
    delegator: ctx.str("delegator"),
    delegate: ctx.str("delegate"),
    scope,
    scopeClass: ctx.str("scope-class"),
    intentDigest: ctx.str("intent-digest"),
    policyDigest: ctx.str("policy-digest"),
    ttlNanos: ttl,
    now: ctx.clock.now(),
    producerVersion: gaitVersion(),
  }, keys.signer);
  const path = ctx.str("out").trim() || `delegation_${token.token_id}.json`;
  await writeFileAtomic(path, goJson(delegationTokenObject(token), { indent: "  " }) + "\n", {
    createParents: true,
  });
  const warnings = [...keys.warnings];
  if (keys.mode === "dev") warnings.push(EPHEMERAL_NOTE);
  const expiresAt = formatTimestamp(parseTimestamp(token.expires_at), { seconds: true });
  const json: Record<string, unknown> = {
    ok: true,
    token_id: token.token_id,
    token_path: path,
    delegator_identity: token.delegator_identity,
    delegate_identity: token.delegate_identity,
    scope: token.scope,
    scope_class: token.scope_class || undefined,
    intent_digest: token.intent_digest || undefined,
    policy_digest: token.policy_digest || undefined,
    expires_at: expiresAt,
    key_id: keys.signer.keyId,
    warnings: warnings.length > 0 ? warnings : undefined,
    description: "signed delegation token created",
  };
  const lines = [
    `delegation token created: ${path}`,
    `token_id=${token.token_id} ${token.delegator_identity} -> ${token.delegate_identity} scope=${
      token.scope.join(",")
    } expires_at=${expiresAt} key_id=${keys.signer.keyId}`,
    ...warnings.map((w) => `warning: ${w}`),
  ];
  return { exitCode: 0, json, text: lines.join("\n") };
}

/** Runs `gait delegate verify`. */
export async function runVerify(ctx: CommandContext): Promise<CommandOutput> {
  const path = ctx.str("token").trim();
  if (path === "") throw new GaitError("invalid_input", "--token is required");
  const source = await readDelegationTokenFile(path);
  const key = await resolveVerifyKey(ctx);
  const result = await verifyDelegationToken(
    source.value,
    key.verifier,
    {
      delegator: ctx.str("delegator"),
      delegate: ctx.str("delegate"),
      requiredScope: csv(ctx.str("scope")),
      intentDigest: ctx.str("intent-digest"),
      policyDigest: ctx.str("policy-digest"),
    },
    ctx.clock.now(),
    path,
  );
  const token = result.token;
  const base: Record<string, unknown> = {
    token_path: path,
    token_id: token?.token_id || undefined,
    delegator_identity: token?.delegator_identity || undefined,
    delegate_identity: token?.delegate_identity || undefined,
    scope: token?.scope,
    scope_class: token?.scope_class || undefined,
    expires_at: token ? token.expires_at : undefined,
  };
  if (result.code !== "") {
    if (key.verifier === null && result.code === "delegation_token_signature_invalid") {
      base.hint = "pass --public-key, --public-key-env, --private-key or --private-key-env";
    }
    const error = `delegation token verification failed: ${result.code}${
      result.detail ? ` (${result.detail})` : ""
    }`;
    return {
      exitCode: 2,
      json: { ok: false, error, error_code: result.code, ...base },
      text: error,
    };
  }
  return {
    exitCode: 0,
    json: { ok: true, ...base, key_source: key.source },
    text: `delegation token verified: ${token!.token_id} ${token!.delegator_identity} -> ${
      token!.delegate_identity
    }`,
  };
}
