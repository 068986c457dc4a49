/**
 * The in-process gate for TypeScript agents: parse a policy once, then
 * evaluate each tool call with exactly the pipeline `gait gate eval` runs, so
 * verdicts, reason codes, digests, `trace_id` and trace records are the ones
 * the CLI would produce.
 *
 * @module
 */

import { loadNativeSha256 } from "../core/digest.ts";
import { GaitError } from "../core/errors.ts";
import type { JsonObject, JsonValue } from "../core/json_value.ts";
import { parseStrictJson } from "../core/strict_json.ts";
import { type Clock, systemClock } from "../core/timestamp.ts";
import {
  generateKeyPair,
  type PrivateKeyMaterial,
  type PublicKeyMaterial,
  publicKeyOf,
} from "../crypto/key_material.ts";
import { DEV_MODE_WARNING } from "../crypto/key_source.ts";
import type { ApprovalTokenSource } from "./approval.ts";
import { type ContextEnvelope, normalizeContextEnvelope } from "./context_envelope.ts";
import {
  checkProfilePolicy,
  checkProfilePreconditions,
  type GateEvalHooks,
  type GateProfile,
  type LoadedPolicy,
  loadedPolicy,
  runGateEval,
  type SigningKeyInfo,
} from "./eval_pipeline.ts";
import { parsePolicyBytes, parsePolicyYaml } from "./policy_parse.ts";
import type { Policy, Verdict } from "./policy_types.ts";
import type { TraceRecord } from "./trace.ts";

/** Options of {@link createGate}. */
export interface CreateGateOptions {
  /** The policy: YAML text, YAML bytes, or an already parsed policy. */
  policy: string | Uint8Array | Policy;
  /** A name for the policy in error messages (e.g. its path). */
  policyLabel?: string;
  /** `standard` (default) or `oss-prod` (requires `signingKey`, refuses simulate and default allow). */
  profile?: GateProfile;
  /**
   * The trace signing key (prod mode). Default: an ephemeral key generated once
   * per gate (dev mode; `warnings` then carries the dev-mode warning).
   */
  signingKey?: PrivateKeyMaterial;
  /** Verifies approval tokens. Default: the public half of the signing key. */
  approvalPublicKey?: PublicKeyMaterial;
  /** Non-enforcing mode for every evaluation (verdict allow, would_have_blocked reported). */
  simulate?: boolean;
  /** Fixed evaluation time (RFC 3339) for freeze windows, agent expiry and context age. */
  evaluationTime?: string;
  /** The wall clock (token expiry, `observed_at`). Default: the system clock. */
  clock?: Clock;
  /** `producer_version` stamped into results and traces. Default `0.0.0-dev`. */
  producerVersion?: string;
  /**
   * Write each trace (and approval audit) into this directory as
   * `trace_<trace_id>.json`. Default: traces are returned, not written.
   */
  traceDir?: string;
  /** Guard hooks (kill switch, Wrkr, rate limits, delegation, broker, approved scripts). */
  hooks?: GateEvalHooks;
}

/** Per-call options of {@link Gate.evaluate}. */
export interface EvaluateCallOptions {
  /** Approval tokens: file paths or parsed token documents. */
  approvalTokens?: readonly (string | JsonValue)[];
  /** Reference recorded in the trace when no token grants. */
  approvalTokenRef?: string;
  /** A context envelope (parsed object) binding context evidence. */
  contextEnvelope?: ContextEnvelope | JsonValue;
  /** Write the trace here (overrides `traceDir`); null writes nothing. */
  traceOut?: string | null;
  /** Evaluation time for this call. */
  evaluationTime?: string;
}

/** The result of one in-process evaluation. */
export interface GateEvaluation {
  /** The final verdict. */
  verdict: Verdict;
  /** True only for `allow`: run the tool. (`dry_run` means: do not run its side effects.) */
  allowed: boolean;
  /** What `gait gate eval` would exit with: 0, 3 or 4. */
  exitCode: 0 | 3 | 4;
  /** The `gait gate eval --json` object, without `correlation_id`. */
  output: JsonObject;
  /** The `--explain --json` document. */
  explain: JsonObject;
  /** The signed trace record. */
  trace: TraceRecord;
  /** Where the trace was written ("" when it was not). */
  tracePath: string;
  /** The approval audit record when approvals were checked. */
  approvalAudit: JsonObject | null;
  /** Warnings (e.g. the dev-mode key warning). */
  warnings: string[];
}

/** An in-process gate over one policy. */
export interface Gate {
  /** The parsed, normalized policy. */
  readonly policy: Policy;
  /** Its `policy_digest`. */
  readonly policyDigest: string;
  /** Evaluates one intent (a raw IntentRequest object or its JSON text). */
  evaluate(intent: JsonValue | string, options?: EvaluateCallOptions): Promise<GateEvaluation>;
}

function parsePolicy(options: CreateGateOptions): LoadedPolicy {
  const p = options.policy;
  const label = options.policyLabel;
  if (typeof p === "string") return loadedPolicy(parsePolicyYaml(p, { label }));
  if (p instanceof Uint8Array) return loadedPolicy(parsePolicyBytes(p, { label }));
  return loadedPolicy(p);
}

/**
 * Creates an in-process gate. The policy is parsed and checked once; each
 * `evaluate` runs the `gate eval` pipeline and returns the same output object
 * as `gait gate eval --json` (minus `correlation_id`) and the signed trace.
 *
 * @example
 * ```ts
 * import { createGate } from "../../mod.ts";
 * const gate = createGate({ policy: "default_verdict: block\nrules:\n  - {name: reads, effect: allow, match: {tool_names: [tool.read]}}\n" });
 * const result = await gate.evaluate({
 *   tool_name: "tool.read",
 *   targets: [{ kind: "path", value: "/repo/README.md", operation: "read" }],
 *   context: { identity: "agent", workspace: "/repo", risk_class: "low" },
 * });
 * if (!result.allowed) throw new Error(`blocked: ${result.output.reason_codes}`);
 * ```
 */
export function createGate(options: CreateGateOptions): Gate {
  const policy = parsePolicy(options);
  const profile = options.profile ?? "standard";
  checkProfilePreconditions({
    profile,
    simulate: options.simulate === true,
    keyMode: options.signingKey ? "prod" : "dev",
    hasPrivateKey: options.signingKey !== undefined,
  });
  checkProfilePolicy(profile, policy.policy);
  const clock = options.clock ?? systemClock;
  let keys: Promise<SigningKeyInfo> | undefined;
  const signingKey = (): Promise<SigningKeyInfo> => {
    keys ??= (async () => {
      if (options.signingKey) {
        return {
          signer: options.signingKey,
          verifier: await publicKeyOf(options.signingKey),
          warnings: [],
        };
      }
      const signer = await generateKeyPair();
      return { signer, verifier: await publicKeyOf(signer), warnings: [DEV_MODE_WARNING] };
    })();
    return keys;
  };
  let nativeHash: Promise<void> | undefined;

  return {
    policy: policy.policy,
    policyDigest: policy.digest,
    async evaluate(intent, call = {}) {
      // In a long-lived process the native SHA-256 pays for its load time.
      nativeHash ??= loadNativeSha256().catch(() => undefined);
      await nativeHash;
      const raw: JsonValue = typeof intent === "string"
        ? parseStrictJson(intent, { label: "intent" })
        : intent;
      let envelope: ContextEnvelope | undefined;
      if (call.contextEnvelope !== undefined && call.contextEnvelope !== null) {
        envelope = normalizeContextEnvelope(call.contextEnvelope as JsonValue);
      }
      const tokens: (string | ApprovalTokenSource)[] = (call.approvalTokens ?? []).map((t, i) =>
        typeof t === "string" ? t : { path: `approvalTokens[${i}]`, value: t }
      );
      let traceOut: string | null = null;
      if (call.traceOut !== undefined) traceOut = call.traceOut;
      else if (options.traceDir) {
        traceOut = `${options.traceDir.replace(/[\\/]+$/, "")}/trace_{trace_id}.json`;
      }
      const auditOut = traceOut !== null && options.traceDir
        ? `${options.traceDir.replace(/[\\/]+$/, "")}/approval_audit_{trace_id}.json`
        : undefined;
      const result = await runGateEval(policy, raw, {
        profile,
        simulate: options.simulate,
        evaluationTime: call.evaluationTime ?? options.evaluationTime,
        clock,
        producerVersion: options.producerVersion,
        contextEnvelope: envelope,
        signingKey,
        approvalVerifyKey: () => Promise.resolve(options.approvalPublicKey ?? null),
        approvalTokens: tokens,
        approvalTokenRef: call.approvalTokenRef,
        approvalAuditOut: auditOut,
        traceOut,
        writeArtifacts: traceOut !== null,
        hooks: options.hooks,
      });
      const verdict = result.output.verdict as Verdict;
      return {
        verdict,
        allowed: verdict === "allow",
        exitCode: result.exitCode,
        output: result.output,
        explain: result.explain,
        trace: result.trace,
        tracePath: result.tracePath,
        approvalAudit: result.approvalAudit,
        warnings: result.warnings,
      };
    },
  };
}

/** Re-exported so library users can reject bad input by category. */
export { GaitError };
