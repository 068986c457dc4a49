/**
 * The digested views of a normalized intent (spec 02 §1.3): `args_digest`,
 * `intent_digest` over the object `N`, `script_hash`, the delegation binding
 * digest and the targets digest. Optional fields are omit-if-empty; timestamps
 * are always present.
 *
 * @module
 */

import { digestJson } from "../core/digest.ts";
import type { JsonObject } from "../core/json_value.ts";
import type {
  AgentIdentity,
  ArgProvenance,
  Delegation,
  IntentContext,
  IntentTarget,
  NormalizedIntent,
  SandboxContext,
  ScriptStep,
  SkillProvenance,
} from "./intent_types.ts";

type Obj = Record<string, unknown>;

function putStr(o: Obj, key: string, v: string): void {
  if (v !== "") o[key] = v;
}
function putList(o: Obj, key: string, v: readonly unknown[]): void {
  if (v.length > 0) o[key] = v;
}
function putTrue(o: Obj, key: string, v: boolean): void {
  if (v) o[key] = true;
}
function putNum(o: Obj, key: string, v: number): void {
  if (v !== 0) o[key] = v;
}

/**
 * The struct view (Go JSON) of one target: omit-if-empty fields.
 *
 * @example
 * ```ts
 * import { normalizeIntent } from "./mod.ts";
 * const intent = normalizeIntent({
 *   tool_name: "tool.read",
 *   targets: [{ kind: "path", value: "/a", operation: "read" }],
 *   context: { identity: "alice", workspace: "/repo", risk_class: "low" },
 * });
 * targetView(intent.targets[0]!); // {kind, value, operation, endpoint_class, discovery_method}
 * ```
 */
export function targetView(t: IntentTarget): Obj {
  const o: Obj = { kind: t.kind, value: t.value };
  putStr(o, "operation", t.operation);
  putStr(o, "sensitivity", t.sensitivity);
  putStr(o, "endpoint_class", t.endpoint_class);
  putStr(o, "endpoint_domain", t.endpoint_domain);
  putTrue(o, "destructive", t.destructive);
  putStr(o, "discovery_method", t.discovery_method);
  putTrue(o, "read_only_hint", t.read_only_hint);
  putTrue(o, "destructive_hint", t.destructive_hint);
  putTrue(o, "idempotent_hint", t.idempotent_hint);
  putTrue(o, "open_world_hint", t.open_world_hint);
  return o;
}

/**
 * The struct view of one argument provenance entry.
 *
 * @example
 * ```ts
 * provenanceView({ arg_path: "$.a", source: "user", source_ref: "", integrity_digest: "" });
 * // { arg_path: "$.a", source: "user" }
 * ```
 */
export function provenanceView(p: ArgProvenance): Obj {
  const o: Obj = { arg_path: p.arg_path, source: p.source };
  putStr(o, "source_ref", p.source_ref);
  putStr(o, "integrity_digest", p.integrity_digest);
  return o;
}

function skillView(s: SkillProvenance): Obj {
  const o: Obj = { skill_name: s.skill_name, source: s.source, publisher: s.publisher };
  putStr(o, "skill_version", s.skill_version);
  putStr(o, "digest", s.digest);
  putStr(o, "signature_key_id", s.signature_key_id);
  return o;
}

/**
 * The struct view of a delegation (timestamps always present, zero time when
 * unset); its digest is the delegation binding digest.
 *
 * @example
 * ```ts
 * import { normalizeIntent } from "./mod.ts";
 * const intent = normalizeIntent({
 *   tool_name: "tool.write",
 *   delegation: { requester_identity: "w" },
 *   context: { identity: "w", workspace: "/repo", risk_class: "low" },
 * });
 * delegationView(intent.delegation!).issued_at; // "0001-01-01T00:00:00Z"
 * ```
 */
export function delegationView(d: Delegation): Obj {
  const o: Obj = {
    requester_identity: d.requester_identity,
    issued_at: d.issued_at,
    expires_at: d.expires_at,
  };
  putStr(o, "scope_class", d.scope_class);
  putList(o, "token_refs", d.token_refs);
  putList(
    o,
    "chain",
    d.chain.map((l) => {
      const lo: Obj = {
        delegator_identity: l.delegator_identity,
        delegate_identity: l.delegate_identity,
        issued_at: l.issued_at,
        expires_at: l.expires_at,
      };
      putStr(lo, "scope_class", l.scope_class);
      putStr(lo, "token_ref", l.token_ref);
      return lo;
    }),
  );
  return o;
}

/**
 * The struct view of an agent identity (timestamps always present), as traces
 * and digests serialize it.
 *
 * @example
 * ```ts
 * import { normalizeIntent } from "./mod.ts";
 * const intent = normalizeIntent({
 *   tool_name: "tool.read",
 *   context: { identity: "a", workspace: "/r", risk_class: "low", agent_identity: { owner: "o" } },
 * });
 * agentIdentityView(intent.context.agent_identity!).expires_at; // "0001-01-01T00:00:00Z"
 * ```
 */
export function agentIdentityView(a: AgentIdentity): Obj {
  const o: Obj = { issued_at: a.issued_at, approved_at: a.approved_at, expires_at: a.expires_at };
  putList(o, "lifecycle_states", a.lifecycle_states);
  putStr(o, "owner", a.owner);
  putStr(o, "manifest_digest", a.manifest_digest);
  putStr(o, "publisher", a.publisher);
  putStr(o, "source", a.source);
  putTrue(o, "revoked", a.revoked);
  return o;
}

/**
 * The struct view of sandbox metadata (omit-if-empty fields).
 *
 * @example
 * ```ts
 * sandboxView({
 *   network_mode: "disabled", writable_paths: [], read_only_roots: [], env_exposure_mode: "",
 *   timeout_seconds: 0, filesystem_isolation: "", user_mode: "", evidence_ref: "", evidence_digest: "",
 * }); // { network_mode: "disabled" }
 * ```
 */
export function sandboxView(s: SandboxContext): Obj {
  const o: Obj = {};
  putStr(o, "network_mode", s.network_mode);
  putList(o, "writable_paths", s.writable_paths);
  putList(o, "read_only_roots", s.read_only_roots);
  putStr(o, "env_exposure_mode", s.env_exposure_mode);
  putNum(o, "timeout_seconds", s.timeout_seconds);
  putStr(o, "filesystem_isolation", s.filesystem_isolation);
  putStr(o, "user_mode", s.user_mode);
  putStr(o, "evidence_ref", s.evidence_ref);
  putStr(o, "evidence_digest", s.evidence_digest);
  return o;
}

const CONTEXT_STRINGS = [
  "agent_id",
  "run_id",
  "workflow_id",
  "repo",
  "environment",
  "job_id",
  "session_id",
  "request_id",
  "credential_ref",
  "credential_source",
  "credential_access_type",
  "credential_issuer",
  "credential_subject",
  "credential_owner",
  "credential_target_binding",
  "credential_run_binding",
  "credential_job_binding",
  "approval_ref",
  "wrkr_inventory_ref",
  "agent_action_bom_ref",
  "environment_fingerprint",
  "context_set_digest",
  "context_evidence_mode",
] as const;

/**
 * The struct view of an intent context (identity, workspace, risk_class, phase
 * always; everything else omit-if-empty).
 *
 * @example
 * ```ts
 * import { normalizeIntent } from "./mod.ts";
 * const intent = normalizeIntent({
 *   tool_name: "tool.read",
 *   context: { identity: "a", workspace: "/r", risk_class: "low" },
 * });
 * contextView(intent.context); // { identity: "a", workspace: "/r", risk_class: "low", phase: "apply" }
 * ```
 */
export function contextView(c: IntentContext): Obj {
  const o: Obj = {
    identity: c.identity,
    workspace: c.workspace,
    risk_class: c.risk_class,
    phase: c.phase,
  };
  for (const key of CONTEXT_STRINGS) putStr(o, key, c[key]);
  if (c.agent_identity) o.agent_identity = agentIdentityView(c.agent_identity);
  putNum(o, "credential_ttl_seconds", c.credential_ttl_seconds);
  if (c.sandbox) o.sandbox = sandboxView(c.sandbox);
  if (c.auth_context && Object.keys(c.auth_context).length > 0) o.auth_context = c.auth_context;
  putList(o, "credential_scopes", c.credential_scopes);
  putList(o, "context_refs", c.context_refs);
  return o;
}

/**
 * The struct view of one script step (targets and provenance omitted when empty).
 *
 * @example
 * ```ts
 * stepView({ tool_name: "a", args: {}, targets: [], arg_provenance: [] }); // { tool_name: "a", args: {} }
 * ```
 */
export function stepView(s: ScriptStep): Obj {
  const o: Obj = { tool_name: s.tool_name, args: s.args };
  putList(o, "targets", s.targets.map(targetView));
  putList(o, "arg_provenance", s.arg_provenance.map(provenanceView));
  return o;
}

/**
 * `args_digest` = digest of the normalized top-level args.
 *
 * @example
 * ```ts
 * argsDigest({}); // "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"
 * ```
 */
export function argsDigest(args: JsonObject): string {
  return digestJson(args);
}

/**
 * `script_hash` = digest of `{"steps": normalizedSteps}`.
 *
 * @example
 * ```ts
 * scriptHash([{ tool_name: "tool.read", args: {}, targets: [], arg_provenance: [] }]).length; // 64
 * ```
 */
export function scriptHash(steps: readonly ScriptStep[]): string {
  return digestJson({ steps: steps.map(stepView) });
}

/**
 * The object `N` whose digest is `intent_digest` (spec 02 §1.3).
 *
 * @example
 * ```ts
 * import { normalizeIntent } from "./mod.ts";
 * const raw = {
 *   tool_name: "tool.read",
 *   targets: [{ kind: "path", value: "/repo/a", operation: "read" }],
 *   context: { identity: "alice", workspace: "/repo", risk_class: "low" },
 * };
 * Object.keys(intentDigestObject(normalizeIntent(raw))); // ["tool_name", "args", "targets", "context"]
 * ```
 */
export function intentDigestObject(intent: NormalizedIntent): Record<string, unknown> {
  const n: Obj = {
    tool_name: intent.tool_name,
    args: intent.args,
    targets: intent.targets.map(targetView),
    context: contextView(intent.context),
  };
  if (intent.script) {
    n.script_hash = intent.script_hash !== "" ? intent.script_hash : scriptHash(
      intent.script.steps,
    );
    n.script = { steps: intent.script.steps.map(stepView) };
  }
  putList(n, "arg_provenance", intent.arg_provenance.map(provenanceView));
  if (intent.skill_provenance) n.skill_provenance = skillView(intent.skill_provenance);
  if (intent.delegation) n.delegation = delegationView(intent.delegation);
  return n;
}

/**
 * `intent_digest` = digest of {@link intentDigestObject}.
 *
 * @example
 * ```ts
 * import { normalizeIntent } from "./mod.ts";
 * const raw = {
 *   tool_name: "tool.read",
 *   targets: [{ kind: "path", value: "/repo/a", operation: "read" }],
 *   context: { identity: "alice", workspace: "/repo", risk_class: "low" },
 * };
 * const intent = normalizeIntent(raw);
 * intentDigest(intent) === intent.intent_digest; // true
 * ```
 */
export function intentDigest(intent: NormalizedIntent): string {
  return digestJson(intentDigestObject(intent));
}

/**
 * The delegation binding digest: digest of the normalized delegation with its
 * zero-time fields, or `""` when the intent has no delegation.
 *
 * @example
 * ```ts
 * import { normalizeIntent } from "./mod.ts";
 * const intent = normalizeIntent({
 *   tool_name: "tool.write",
 *   delegation: { requester_identity: "agent.worker" },
 *   context: { identity: "agent.worker", workspace: "/repo", risk_class: "high" },
 * });
 * delegationBindingDigest(intent).length; // 64 ("" without a delegation)
 * ```
 */
export function delegationBindingDigest(intent: NormalizedIntent): string {
  return intent.delegation ? digestJson(delegationView(intent.delegation)) : "";
}

/**
 * Digest of the normalized targets array (credential target binding, broker
 * `TargetBinding`).
 *
 * @example
 * ```ts
 * targetsDigest([]); // "4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945" (digest of "[]")
 * ```
 */
export function targetsDigest(targets: readonly IntentTarget[]): string {
  return digestJson(targets.map(targetView));
}
