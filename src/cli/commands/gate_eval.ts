/**
 * `gait gate eval` (spec 02 §4): flags and project defaults (step 1), the
 * oss-prod flag refusals (step 2), file loading (steps 3, 4, 6), then the
 * library pipeline `runGateEval` for everything else.
 *
 * @module
 */

import { GaitError } from "../../core/errors.ts";
import type { JsonObject } from "../../core/json_value.ts";
import { parseTimestamp } from "../../core/timestamp.ts";
import {
  checkProfilePolicy,
  checkProfilePreconditions,
  parseProfile,
  readContextEnvelopeFile,
  readIntentFile,
  readPolicyFile,
  runGateEval,
} from "../../gate/eval_pipeline.ts";
import { delegationStep } from "../../gate/delegation.ts";
import {
  assertRunPermission,
  brokerStep,
  type BrokerStepOptions,
  checkBrokerCommand,
  parseBrokerKind,
} from "../../gate/broker.ts";
import { DEFAULT_PROJECT_CONFIG_PATH, loadProjectConfig } from "../../gate/project_config.ts";
import type { CommandContext, CommandOutput } from "../command.ts";
import { resolveSigningKeys, resolveVerifyKey, SIGNING_POLICY } from "../key_flags.ts";
import { gaitVersion } from "../build_info.ts";
import { gateGuards } from "./_gate_guards.ts";

function pick(ctx: CommandContext, flag: string, fallback: string): string {
  const v = ctx.str(flag).trim();
  return v !== "" ? v : fallback.trim();
}

function csv(value: string): string[] {
  return value.split(",").map((s) => s.trim()).filter((s) => s !== "");
}

function textLines(out: JsonObject): string {
  const lines = [`gate eval: verdict=${out.verdict}`];
  if (typeof out.trace_path === "string") lines.push(`trace: ${out.trace_path}`);
  if (out.simulate_mode === true) {
    lines.push(
      `simulate: non-enforcing; simulated_verdict=${out.simulated_verdict ?? out.verdict}` +
        (out.would_have_blocked === true ? " (would have blocked)" : ""),
    );
  }
  const list = (v: unknown) => (Array.isArray(v) ? v.join(",") : "");
  if (Array.isArray(out.reason_codes)) lines.push(`reasons: ${list(out.reason_codes)}`);
  if (Array.isArray(out.violations)) lines.push(`violations: ${list(out.violations)}`);
  if (typeof out.required_approvals === "number") {
    lines.push(`approvals: ${out.valid_approvals ?? 0}/${out.required_approvals}`);
  }
  if (typeof out.approval_audit_path === "string") {
    lines.push(`approval audit: ${out.approval_audit_path}`);
  }
  if (typeof out.delegation_audit_path === "string") {
    lines.push(`delegation audit: ${out.delegation_audit_path}`);
  }
  if (typeof out.credential_evidence_path === "string") {
    lines.push(`credential evidence: ${out.credential_evidence_path}`);
  }
  if (Array.isArray(out.warnings)) { for (const w of out.warnings) lines.push(`warning: ${w}`); }
  return lines.join("\n");
}

/** Runs `gait gate eval`. */
export async function run(ctx: CommandContext): Promise<CommandOutput> {
  // Step 1: flags win over project defaults, which win over built-in defaults.
  const config = await loadProjectConfig({
    path: ctx.has("config") ? ctx.str("config") : DEFAULT_PROJECT_CONFIG_PATH,
    explicit: ctx.has("config"),
    disabled: ctx.bool("no-config"),
  });
  const gate = config.gate;
  const policyPath = pick(ctx, "policy", gate.policy);
  const intentPath = ctx.str("intent").trim();
  if (policyPath === "" || intentPath === "") {
    throw new GaitError("invalid_input", "both --policy and --intent are required");
  }

  // Step 2.
  const profile = parseProfile(pick(ctx, "profile", gate.profile));
  const evaluationTime = ctx.str("evaluation-time").trim();
  if (evaluationTime !== "") parseTimestamp(evaluationTime, "--evaluation-time");
  const keyMode = pick(ctx, "key-mode", gate.key_mode) || "dev";
  const privateKeyPath = pick(ctx, "private-key", gate.private_key);
  const privateKeyEnv = pick(ctx, "private-key-env", gate.private_key_env);
  checkProfilePreconditions({
    profile,
    simulate: ctx.bool("simulate"),
    keyMode,
    hasPrivateKey: privateKeyPath !== "" || privateKeyEnv !== "",
  });

  // Steps 3, 4, 6.
  const policy = await readPolicyFile(policyPath);
  checkProfilePolicy(profile, policy.policy);
  const rawIntent = await readIntentFile(intentPath);
  const envelopePath = ctx.str("context-envelope").trim();
  const contextEnvelope = envelopePath !== ""
    ? await readContextEnvelopeFile(envelopePath)
    : undefined;

  const keyCtx = { str: (name: string) => ctx.str(name), env: (name: string) => ctx.env(name) };
  // Runtime guards (kill switch, Wrkr, approved scripts, rate limits; spec 02 §6).
  const guards = gateGuards(ctx, gate, {
    profile,
    evaluationTime,
    contextEnvelope,
    producerVersion: gaitVersion(),
  });
  const broker: BrokerStepOptions = {
    kind: parseBrokerKind(pick(ctx, "credential-broker", gate.credential_broker)),
    envPrefix: pick(ctx, "credential-env-prefix", gate.credential_env_prefix),
    reference: pick(ctx, "credential-ref", gate.credential_ref),
    scopes: ctx.str("credential-scopes").trim() !== ""
      ? csv(ctx.str("credential-scopes"))
      : gate.credential_scopes,
    command: pick(ctx, "credential-command", gate.credential_command),
    commandArgs: ctx.str("credential-command-args").trim() !== ""
      ? csv(ctx.str("credential-command-args"))
      : gate.credential_command_args,
    evidenceOut: pick(ctx, "credential-evidence-out", gate.credential_evidence_path),
    env: (name) => ctx.env(name),
    producerVersion: gaitVersion(),
  };
  const result = await runGateEval(policy, rawIntent, {
    profile,
    simulate: ctx.bool("simulate"),
    evaluationTime: evaluationTime || undefined,
    clock: ctx.clock,
    producerVersion: gaitVersion(),
    contextEnvelope,
    signingKey: async () => {
      const keys = await resolveSigningKeys(keyCtx, SIGNING_POLICY.gateEval, {
        fallback: { mode: keyMode, privateKeyPath, privateKeyEnv },
      });
      if (!keys.signer || !keys.verifier) {
        throw new GaitError("invalid_input", "gate eval traces must be signed: no signing key");
      }
      return { signer: keys.signer, verifier: keys.verifier, warnings: keys.warnings };
    },
    approvalVerifyKey: async () =>
      (await resolveVerifyKey(keyCtx, {
        prefix: "approval-",
        fallback: {
          publicKeyPath: gate.approval_public_key,
          publicKeyEnv: gate.approval_public_key_env,
          privateKeyPath: gate.approval_private_key,
          privateKeyEnv: gate.approval_private_key_env,
        },
      })).verifier,
    approvalTokens: [ctx.str("approval-token"), ...csv(ctx.str("approval-token-chain"))],
    approvalTokenRef: ctx.str("approval-token-ref"),
    approvalAuditOut: ctx.str("approval-audit-out"),
    traceOut: pick(ctx, "trace-out", gate.trace_path) || undefined,
    hooks: {
      ...guards.hooks,
      // Delegation (spec 02 §5.4): key fallback delegation flags → approval flags → trace key.
      delegation: delegationStep({
        tokens: [ctx.str("delegation-token"), ...csv(ctx.str("delegation-token-chain"))],
        auditOut: ctx.str("delegation-audit-out"),
        producerVersion: gaitVersion(),
        verifyKey: async () =>
          (await resolveVerifyKey(keyCtx, { prefix: "delegation-" })).verifier ??
            (await resolveVerifyKey(keyCtx, {
              prefix: "approval-",
              fallback: {
                publicKeyPath: gate.approval_public_key,
                publicKeyEnv: gate.approval_public_key_env,
                privateKeyPath: gate.approval_private_key,
                privateKeyEnv: gate.approval_private_key_env,
              },
            })).verifier,
      }),
      // Credential broker (spec 02 §6.5; step 8 resolution, step 15 issue and checks).
      brokerEnabled: () => {
        if (broker.kind === "command") {
          checkBrokerCommand(broker.command ?? "", broker.env);
          assertRunPermission((broker.command ?? "").trim());
        }
        return Promise.resolve(broker.kind !== "off");
      },
      broker: brokerStep(broker),
    },
  });
  await guards.finish(result);
  if (ctx.bool("explain") && ctx.json) {
    return { exitCode: result.exitCode, json: result.explain, text: "" };
  }
  return { exitCode: result.exitCode, json: result.output, text: textLines(result.output) };
}
