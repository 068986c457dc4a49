/**
 * The `gait.gate.policy_explain` document of `gate eval --explain --json`
 * (spec 02 §4.5): the policy result before approvals, guards and simulate,
 * with the matched rules, missing evidence, credential posture, context
 * evidence status and where the proof artifacts were written.
 *
 * @module
 */

import { compareUtf8 } from "../core/go_json.ts";
import type { JsonObject, JsonValue } from "../core/json_value.ts";
import type { IntentContext } from "./intent_types.ts";
import type { GateOutcome } from "./outcome.ts";
import { freezeWindowObject, killSwitchObject, sandboxDecisionObject } from "./trace.ts";

/** The explain `schema_id`. */
export const POLICY_EXPLAIN_SCHEMA_ID = "gait.gate.policy_explain";

/** Where the proof artifacts of the evaluation went. */
export interface ProofRefs {
  trace_id?: string;
  trace_path?: string;
  approval_audit_path?: string;
  delegation_audit_path?: string;
  credential_evidence_path?: string;
}

/** Everything the explain document is built from. */
export interface ExplainInput {
  /** The policy outcome (before approvals, guards and simulate). */
  outcome: GateOutcome;
  /** The final reason codes (missing fields are read from them). */
  finalReasonCodes: readonly string[];
  /** The prepared context (raw normalized context when preparation failed). */
  context: IntentContext;
  /** The raw normalized context (what the intent claimed). */
  claimedContext: IntentContext;
  requiredApprovals: number;
  validApprovals: number;
  proofRefs: ProofRefs;
}

const MISSING_BY_CODE: Readonly<Record<string, string>> = {
  credential_evidence_missing: "credential_evidence",
  sandbox_metadata_missing: "sandbox",
  sandbox_evidence_missing: "sandbox_evidence",
  kill_switch_state_unavailable: "kill_switch_state",
  broker_credential_missing: "broker_credential",
  broker_credential_required: "broker_credential",
};

/**
 * Fields whose absence caused reason codes: suffixes of
 * `fail_closed_missing_*` plus the evidence names of a few guard codes.
 *
 * @example
 * ```ts
 * missingFields(["fail_closed_missing_targets", "sandbox_metadata_missing"]); // ["sandbox", "targets"]
 * ```
 */
export function missingFields(codes: readonly string[]): string[] {
  const out = new Set<string>();
  for (const code of codes) {
    if (code.startsWith("fail_closed_missing_")) out.add(code.slice("fail_closed_missing_".length));
    const mapped = MISSING_BY_CODE[code];
    if (mapped) out.add(mapped);
  }
  return [...out].sort(compareUtf8);
}

/**
 * `missing` (required but absent), `verified` (bound by a context envelope),
 * `present` (claimed by the intent without an envelope) or `not_required`.
 */
function contextEvidenceStatus(input: ExplainInput): string {
  if (input.context.context_set_digest !== "") return "verified";
  if (input.finalReasonCodes.includes("context_evidence_missing")) return "missing";
  if (input.claimedContext.context_set_digest !== "") return "present";
  return "not_required";
}

function credentialPosture(c: IntentContext): JsonObject {
  const present = c.credential_ref !== "" || c.credential_source !== "" ||
    c.credential_access_type !== "" || c.credential_issuer !== "" || c.credential_ttl_seconds > 0;
  const o: JsonObject = { present };
  if (c.credential_source !== "") o.source = c.credential_source;
  if (c.credential_access_type !== "") o.access_type = c.credential_access_type;
  if (c.credential_issuer !== "") o.issuer = c.credential_issuer;
  if (c.credential_ttl_seconds > 0) o.ttl_seconds = c.credential_ttl_seconds;
  if (c.credential_ref !== "") o.credential_ref = c.credential_ref;
  return o;
}

function put(o: JsonObject, key: string, v: JsonValue | undefined): void {
  if (v === undefined || v === null || v === "" || v === 0 || v === false) return;
  if (Array.isArray(v) && v.length === 0) return;
  o[key] = v;
}

/**
 * Builds the explain document (omit-if-empty fields; `ok`, `schema_id`,
 * `schema_version`, `created_at`, `producer_version`, `verdict` always).
 *
 * @example
 * ```ts
 * const doc = explainDocument(input);
 * doc.schema_id; // "gait.gate.policy_explain"
 * ```
 */
export function explainDocument(input: ExplainInput): JsonObject {
  const out = input.outcome;
  const doc: JsonObject = {
    ok: true,
    schema_id: POLICY_EXPLAIN_SCHEMA_ID,
    schema_version: "1.0.0",
    created_at: out.result.created_at,
    producer_version: out.result.producer_version,
    verdict: out.verdict,
  };
  put(doc, "matched_rule", out.matched_rule);
  put(
    doc,
    "matched_rules",
    out.matched_rules.map((r) => ({ name: r.name, priority: r.priority, effect: r.effect })),
  );
  put(doc, "reason_codes", [...out.reason_codes]);
  put(doc, "violations", [...out.violations]);
  put(doc, "missing_fields", missingFields(input.finalReasonCodes));
  put(
    doc,
    "fail_closed_reason_codes",
    [...new Set(input.finalReasonCodes.filter((c) => c.startsWith("fail_closed_")))].sort(
      compareUtf8,
    ),
  );
  put(doc, "approval_required", out.verdict === "require_approval");
  put(doc, "required_approvals", input.requiredApprovals || out.min_approvals);
  put(doc, "valid_approvals", input.validApprovals);
  put(doc, "require_broker_credential", out.require_broker_credential);
  put(doc, "broker_reference", out.broker_reference);
  put(doc, "broker_scopes", [...out.broker_scopes]);
  put(doc, "require_delegation", out.require_delegation);
  put(doc, "required_delegation_scopes", [...out.required_delegation_scopes]);
  doc.credential_posture = credentialPosture(input.context);
  doc.context_evidence_status = contextEvidenceStatus(input);
  if (out.freeze_window) doc.freeze_window = freezeWindowObject(out.freeze_window);
  if (out.kill_switch) doc.kill_switch = killSwitchObject(out.kill_switch);
  if (out.sandbox) doc.sandbox = sandboxDecisionObject(out.sandbox);
  const refs: JsonObject = {};
  for (const [k, v] of Object.entries(input.proofRefs)) if (v) refs[k] = v;
  if (Object.keys(refs).length > 0) doc.proof_refs = refs;
  return doc;
}
