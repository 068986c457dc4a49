/**
 * The runtime guards of `gait gate eval` that read local state (spec 02 §4.3
 * steps 5, 7, 9, 11, 18): kill switch, Wrkr inventory, approved-script fast
 * path, rate limits / destructive budgets, and the kill-switch journal. Builds
 * the pipeline hooks from flags and `.gait/config.yaml`.
 *
 * Fail closed: under `oss-prod` or for `high`/`critical` risk, an unreadable
 * kill-switch state blocks (`kill_switch_state_unavailable`), and an
 * unreadable Wrkr inventory or approved-script registry refuses with exit 3.
 *
 * @module
 */

import { GaitError } from "../../core/errors.ts";
import type { JsonValue } from "../../core/json_value.ts";
import { parseStrictJsonBytes } from "../../core/strict_json.ts";
import { toUtcTimestamp } from "../../core/timestamp.ts";
import { readFileLimited } from "../../fs/atomic.ts";
import type { ContextEnvelope } from "../../gate/context_envelope.ts";
import type { GateEvalHooks, GateEvalResult, GateProfile } from "../../gate/eval_pipeline.ts";
import { evaluateIntent } from "../../gate/evaluate_intent.ts";
import type { NormalizedIntent } from "../../gate/intent_types.ts";
import type { KillSwitchInput } from "../../gate/outcome.ts";
import type { GateDefaults } from "../../gate/project_config.ts";
import { type WrkrInventory, wrkrInventoryFromJson } from "../../gate/prepare.ts";
import type { CommandContext } from "../command.ts";
import { resolveVerifyKey } from "../key_flags.ts";

/** Largest accepted Wrkr inventory. */
const MAX_WRKR_INVENTORY_BYTES = 16 * 1024 * 1024;

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** What {@link gateGuards} returns. */
export interface GateGuards {
  hooks: Pick<GateEvalHooks, "killSwitch" | "wrkrInventory" | "approvedScript" | "rateLimit">;
  /** Step 18 after the trace: the kill-switch journal. */
  finish(result: GateEvalResult): Promise<void>;
}

/**
 * Builds the guard hooks of one `gate eval` run.
 *
 * @example
 * ```ts
 * const guards = gateGuards(ctx, config.gate, { profile, evaluationTime, contextEnvelope, producerVersion });
 * const result = await runGateEval(policy, raw, { ..., hooks: { ...guards.hooks } });
 * await guards.finish(result);
 * ```
 */
export function gateGuards(
  ctx: CommandContext,
  gate: GateDefaults,
  options: {
    profile: GateProfile;
    evaluationTime: string;
    contextEnvelope?: ContextEnvelope;
    producerVersion: string;
  },
): GateGuards {
  const pick = (flag: string, fallback: string) => ctx.str(flag).trim() || fallback.trim();
  const keyCtx = { str: (name: string) => ctx.str(name), env: (name: string) => ctx.env(name) };
  const evaluationTime = options.evaluationTime
    ? toUtcTimestamp(options.evaluationTime)
    : ctx.clock.now();
  const failClosed = (intent: NormalizedIntent) =>
    options.profile === "oss-prod" || intent.context.risk_class === "high" ||
    intent.context.risk_class === "critical";
  const pendingWarnings: string[] = [];
  const pendingOutput: Record<string, JsonValue> = {};

  const killSwitchPath = pick("kill-switch-state", gate.kill_switch_state);
  let killSwitchInput: KillSwitchInput | undefined;
  let killSwitchHook: KillSwitchInput | ((p: NormalizedIntent) => KillSwitchInput) | undefined;
  let killSwitchSubject: NormalizedIntent | null = null;
  let wrkr: WrkrInventory | undefined;

  const hooks: GateGuards["hooks"] = {
    killSwitch: async (intent) => {
      if (killSwitchPath === "") return undefined;
      const { matchKillSwitch, readKillSwitchState } = await import("../../gate/kill_switch.ts");
      let state;
      try {
        state = await readKillSwitchState(killSwitchPath);
      } catch (error) {
        if (failClosed(intent)) {
          killSwitchInput = { unavailable: true };
          killSwitchHook = killSwitchInput;
          pendingWarnings.push(`kill switch state unavailable: ${message(error)}`);
          return killSwitchInput;
        }
        throw new GaitError("invalid_input", message(error));
      }
      killSwitchHook = (prepared: NormalizedIntent) => {
        killSwitchSubject = prepared;
        killSwitchInput = { decision: matchKillSwitch(state, prepared, evaluationTime) };
        return killSwitchInput;
      };
      return killSwitchHook;
    },
    wrkrInventory: async (intent) => {
      const path = pick("wrkr-inventory", gate.wrkr_inventory_path);
      if (path === "") return undefined;
      try {
        const bytes = await readFileLimited(path, MAX_WRKR_INVENTORY_BYTES, "wrkr inventory");
        wrkr = wrkrInventoryFromJson(
          parseStrictJsonBytes(bytes, { label: `wrkr inventory ${path}` }),
        );
        return { inventory: wrkr, source: path };
      } catch (error) {
        if (failClosed(intent)) {
          throw new GaitError(
            "policy_blocked",
            `wrkr inventory unavailable in fail-closed mode: ${message(error)}`,
          );
        }
        pendingWarnings.push("wrkr inventory unavailable; continuing without context enrichment");
        return undefined;
      }
    },
    approvedScript: async (intent, policy) => {
      const path = ctx.str("approved-script-registry").trim();
      if (path === "") return undefined;
      const requiresContext = policy.policy.rules.some((r) => r.require_context_evidence) ||
        policy.policy.fail_closed.required_fields.includes("context_evidence");
      if (requiresContext) return undefined;
      const mod = await import("../../gate/approved_scripts.ts");
      let entries;
      try {
        const raw = await mod.readApprovedScriptRegistry(path);
        const key = (await resolveVerifyKey(keyCtx, { prefix: "approved-script-" })).verifier ??
          (await resolveVerifyKey(keyCtx, {
            prefix: "approval-",
            fallback: {
              publicKeyPath: gate.approval_public_key,
              publicKeyEnv: gate.approval_public_key_env,
              privateKeyPath: gate.approval_private_key,
              privateKeyEnv: gate.approval_private_key_env,
            },
          })).verifier;
        entries = await mod.verifyApprovedScriptEntries(raw, key);
      } catch (error) {
        const text = message(error);
        if (failClosed(intent)) {
          throw new GaitError(
            "policy_blocked",
            text.startsWith("approved script registry verification failed")
              ? text
              : `approved script registry unavailable in fail-closed mode: ${text}`,
          );
        }
        pendingWarnings.push(
          `approved script registry unavailable; continuing with policy evaluation: ${text}`,
        );
        return undefined;
      }
      const evaluation = evaluateIntent(policy.policy, intent, {
        evaluationTime,
        producerVersion: options.producerVersion,
        envelope: options.contextEnvelope,
        wrkrInventory: wrkr,
        killSwitch: killSwitchHook,
      });
      const prepared = evaluation.prepared;
      if (prepared === null) return undefined;
      const match = mod.matchApprovedScript(
        entries,
        prepared,
        policy.digest,
        ctx.clock.now(),
      );
      pendingOutput.registry_reason = match.reason;
      const outcome = evaluation.outcome;
      // A pre-approval never overrides a kill switch or an un-evaluable intent.
      if (
        !match.matched || outcome.kill_switch?.status === "active" ||
        outcome.decision_path === "kill_switch_unavailable" ||
        outcome.decision_path === "intent_invalid"
      ) {
        return undefined;
      }
      const reasons = ["approved_script_match"];
      return {
        prepared,
        outcome: {
          ...outcome,
          verdict: "allow",
          reason_codes: reasons,
          violations: [],
          min_approvals: 0,
          require_distinct_approvers: false,
          result: { ...outcome.result, verdict: "allow", reason_codes: reasons, violations: [] },
        },
        output: {
          pre_approved: true,
          pattern_id: match.patternId,
          registry_reason: match.reason,
        },
      };
    },
    rateLimit: async (state) => {
      // Steps 5–9 ran before the state existed: hand over their warnings and output.
      for (const w of pendingWarnings) state.warnings.push(w);
      for (const [k, v] of Object.entries(pendingOutput)) {
        if (!(k in state.output)) state.output[k] = v;
      }
      const { applyRateLimits, DEFAULT_RATE_LIMIT_STATE } = await import(
        "../../gate/rate_limit.ts"
      );
      await applyRateLimits(
        state,
        pick("rate-limit-state", gate.rate_limit_state) || DEFAULT_RATE_LIMIT_STATE,
      );
    },
  };

  return {
    hooks,
    async finish(result) {
      const decision = killSwitchInput && "decision" in killSwitchInput
        ? killSwitchInput.decision
        : null;
      if (!decision || decision.status !== "active" || killSwitchSubject === null) return;
      const { appendKillSwitchJournal } = await import("../../gate/kill_switch.ts");
      await appendKillSwitchJournal(killSwitchPath, {
        createdAt: ctx.clock.now(),
        producerVersion: options.producerVersion,
        traceId: String(result.trace.trace_id ?? ""),
        intent: killSwitchSubject,
        decision,
      });
    },
  };
}
