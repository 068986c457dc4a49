/**
 * IntentRequest normalization (spec 02 §1.2). Every error is a `GaitError`
 * `invalid_input` whose message starts with `normalize intent: `.
 *
 * @module
 */

import { GaitError } from "../core/errors.ts";
import type { JsonObject, JsonValue } from "../core/json_value.ts";
import { formatTimestamp, parseTimestamp, ZERO_TIME } from "../core/timestamp.ts";
import { isSecretValue, rejectRawCredentials } from "./_credential_material.ts";
import { inferDestructive, inferEndpointClass, inferEndpointDomain } from "./_inference.ts";
import { cleanPath } from "./_go_path.ts";
import { StructReader, structReader, wellFormed } from "./_struct_view.ts";
import { compareUtf8, goLower, goTrim, isHex64Any, lowerTrim, uniq } from "./_text.ts";
import { argsDigest, intentDigest, scriptHash } from "./intent_digest.ts";
import {
  type AgentIdentity,
  type ArgProvenance,
  CONTEXT_EVIDENCE_MODES,
  CREDENTIAL_ACCESS_TYPES,
  CREDENTIAL_SOURCES,
  type Delegation,
  type DelegationLink,
  DISCOVERY_METHODS,
  ENDPOINT_CLASSES,
  type IntentContext,
  type IntentTarget,
  MAX_SCRIPT_STEPS,
  type NormalizedIntent,
  PHASES,
  PROVENANCE_SOURCES,
  SANDBOX_ENV_EXPOSURE_MODES,
  SANDBOX_FILESYSTEM_ISOLATIONS,
  SANDBOX_NETWORK_MODES,
  SANDBOX_USER_MODES,
  type SandboxContext,
  type ScriptStep,
  type SkillProvenance,
  TARGET_KINDS,
} from "./intent_types.ts";

const PREFIX = "normalize intent: ";
const TARGET_KIND_SET: ReadonlySet<string> = new Set(TARGET_KINDS);
const ENDPOINT_CLASS_SET: ReadonlySet<string> = new Set(ENDPOINT_CLASSES);
const DISCOVERY_SET: ReadonlySet<string> = new Set(DISCOVERY_METHODS);
const PROVENANCE_SET: ReadonlySet<string> = new Set(PROVENANCE_SOURCES);
const CREDENTIAL_SOURCES_SET: ReadonlySet<string> = new Set(CREDENTIAL_SOURCES);
const CREDENTIAL_ACCESS_TYPES_SET: ReadonlySet<string> = new Set(CREDENTIAL_ACCESS_TYPES);
const CONTEXT_EVIDENCE_MODES_SET: ReadonlySet<string> = new Set(CONTEXT_EVIDENCE_MODES);
const PHASES_SET: ReadonlySet<string> = new Set(PHASES);
const SANDBOX_NETWORK_MODES_SET: ReadonlySet<string> = new Set(SANDBOX_NETWORK_MODES);
const SANDBOX_ENV_EXPOSURE_MODES_SET: ReadonlySet<string> = new Set(SANDBOX_ENV_EXPOSURE_MODES);
const SANDBOX_FILESYSTEM_ISOLATIONS_SET: ReadonlySet<string> = new Set(
  SANDBOX_FILESYSTEM_ISOLATIONS,
);
const SANDBOX_USER_MODES_SET: ReadonlySet<string> = new Set(SANDBOX_USER_MODES);
const ENV_ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;
const EVIDENCE_REF_PREFIXES = ["ref:", "receipt:", "proof:", "sandbox:", "sha256:"];

function fail(message: string): never {
  throw new GaitError("invalid_input", PREFIX + message);
}

function setOwn(obj: JsonObject, key: string, value: JsonValue): void {
  if (key === "__proto__") {
    Object.defineProperty(obj, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  } else {
    obj[key] = value;
  }
}

function normalizeJsonValue(value: unknown, path: string): JsonValue {
  if (value === null) return null;
  switch (typeof value) {
    case "string":
      return goTrim(wellFormed(value));
    case "number":
      if (!Number.isFinite(value)) fail(`${path} contains a non-finite number`);
      return value;
    case "boolean":
      return value;
    case "object": {
      if (Array.isArray(value)) {
        return value.map((item, i) => normalizeJsonValue(item, `${path}[${i}]`));
      }
      return normalizeJsonObject(value as Record<string, unknown>, path);
    }
    default:
      return fail(`${path} contains a value that is not JSON`);
  }
}

function normalizeJsonObject(obj: Record<string, unknown>, path: string): JsonObject {
  const out: JsonObject = {};
  for (const rawKey of Object.keys(obj)) {
    const key = goTrim(wellFormed(rawKey));
    if (key === "") fail(`${path} keys must not be empty`);
    if (Object.hasOwn(out, key)) {
      fail(`${path} has duplicate key ${JSON.stringify(key)} after trimming`);
    }
    setOwn(out, key, normalizeJsonValue(obj[rawKey], `${path}.${key}`));
  }
  return out;
}

/** Normalizes a free-form args-like object: keys and strings trimmed, null → {}. */
function normalizeArgs(value: unknown, path: string): JsonObject {
  if (value === undefined || value === null) return {};
  if (typeof value !== "object" || Array.isArray(value)) fail(`${path} must be a JSON object`);
  return normalizeJsonObject(value as Record<string, unknown>, path);
}

function checkEnum(value: string, allowed: ReadonlySet<string>, path: string): string {
  if (value !== "" && !allowed.has(value)) fail(`unsupported ${path} ${JSON.stringify(value)}`);
  return value;
}

function hex64(value: string, path: string): string {
  const v = goLower(goTrim(value));
  if (v !== "" && !isHex64Any(v)) fail(`${path} must be 64 hex characters`);
  return v;
}

function toUtc(ts: string): string {
  if (ts === ZERO_TIME) return ts;
  return formatTimestamp({ ...parseTimestamp(ts), offsetMinutes: 0 });
}

function isSet(ts: string): boolean {
  return ts !== ZERO_TIME;
}

function instantCompare(a: string, b: string): number {
  const ta = parseTimestamp(a);
  const tb = parseTimestamp(b);
  return ta.unixSeconds !== tb.unixSeconds ? ta.unixSeconds - tb.unixSeconds : ta.nanos - tb.nanos;
}

function normalizeDiscovery(raw: string): string {
  const t = goTrim(raw);
  if (t === "") return "unknown";
  return goLower(t).replaceAll("-", "_").replaceAll(" ", "_");
}

function normalizeTarget(r: StructReader, toolName: string): IntentTarget {
  const kind = lowerTrim(r.str("kind"));
  if (kind === "") fail(`${r.at("kind")} is required`);
  checkEnum(kind, TARGET_KIND_SET, r.at("kind"));
  const value = goTrim(r.str("value"));
  if (value === "") fail(`${r.at("value")} is required`);
  const operation = lowerTrim(r.str("operation"));
  const sensitivity = lowerTrim(r.str("sensitivity"));
  let endpointClass = checkEnum(
    lowerTrim(r.str("endpoint_class")),
    ENDPOINT_CLASS_SET,
    r.at("endpoint_class"),
  );
  const discovery = checkEnum(
    normalizeDiscovery(r.str("discovery_method")),
    DISCOVERY_SET,
    r.at("discovery_method"),
  );
  let endpointDomain = lowerTrim(r.str("endpoint_domain"));
  if (endpointClass === "") endpointClass = inferEndpointClass(kind, operation, toolName);
  if (endpointDomain === "") endpointDomain = inferEndpointDomain(kind, value);
  const destructiveHint = r.bool("destructive_hint");
  return {
    kind,
    value,
    operation,
    sensitivity,
    endpoint_class: endpointClass,
    endpoint_domain: endpointDomain,
    destructive: r.bool("destructive") || destructiveHint ||
      inferDestructive(endpointClass, operation),
    discovery_method: discovery,
    read_only_hint: r.bool("read_only_hint"),
    destructive_hint: destructiveHint,
    idempotent_hint: r.bool("idempotent_hint"),
    open_world_hint: r.bool("open_world_hint"),
  };
}

function compareBool(a: boolean, b: boolean): number {
  return a === b ? 0 : a ? 1 : -1;
}

/** Orders targets by all twelve fields (spec 02 §1.2 step 5). */
export function compareTargets(a: IntentTarget, b: IntentTarget): number {
  return compareUtf8(a.kind, b.kind) || compareUtf8(a.value, b.value) ||
    compareUtf8(a.operation, b.operation) || compareUtf8(a.sensitivity, b.sensitivity) ||
    compareUtf8(a.endpoint_class, b.endpoint_class) ||
    compareUtf8(a.endpoint_domain, b.endpoint_domain) ||
    compareBool(a.destructive, b.destructive) ||
    compareUtf8(a.discovery_method, b.discovery_method) ||
    compareBool(a.read_only_hint, b.read_only_hint) ||
    compareBool(a.destructive_hint, b.destructive_hint) ||
    compareBool(a.idempotent_hint, b.idempotent_hint) ||
    compareBool(a.open_world_hint, b.open_world_hint);
}

function sortDedupe<T>(items: T[], compare: (a: T, b: T) => number): T[] {
  if (items.length < 2) return items;
  items.sort(compare);
  const out: T[] = [items[0]!];
  for (let i = 1; i < items.length; i++) {
    if (compare(items[i]!, out[out.length - 1]!) !== 0) out.push(items[i]!);
  }
  return out;
}

function normalizeTargets(list: StructReader[], toolName: string): IntentTarget[] {
  return sortDedupe(list.map((r) => normalizeTarget(r, toolName)), compareTargets);
}

function compareProvenance(a: ArgProvenance, b: ArgProvenance): number {
  return compareUtf8(a.arg_path, b.arg_path) || compareUtf8(a.source, b.source) ||
    compareUtf8(a.source_ref, b.source_ref) ||
    compareUtf8(a.integrity_digest, b.integrity_digest);
}

function normalizeProvenance(list: StructReader[]): ArgProvenance[] {
  return sortDedupe(
    list.map((r) => {
      const argPath = goTrim(r.str("arg_path"));
      if (argPath === "") fail(`${r.at("arg_path")} is required`);
      const source = lowerTrim(r.str("source"));
      if (source === "") fail(`${r.at("source")} is required`);
      checkEnum(source, PROVENANCE_SET, r.at("source"));
      return {
        arg_path: argPath,
        source,
        source_ref: goTrim(r.str("source_ref")),
        integrity_digest: hex64(r.str("integrity_digest"), r.at("integrity_digest")),
      };
    }),
    compareProvenance,
  );
}

function normalizeSkill(r: StructReader): SkillProvenance {
  const skill: SkillProvenance = {
    skill_name: goTrim(r.str("skill_name")),
    skill_version: goTrim(r.str("skill_version")),
    source: lowerTrim(r.str("source")),
    publisher: goTrim(r.str("publisher")),
    digest: hex64(r.str("digest"), r.at("digest")),
    signature_key_id: goTrim(r.str("signature_key_id")),
  };
  if (skill.skill_name === "") fail(`${r.at("skill_name")} is required`);
  if (skill.source === "") fail(`${r.at("source")} is required`);
  if (skill.publisher === "") fail(`${r.at("publisher")} is required`);
  return skill;
}

function normalizeAgentIdentity(r: StructReader): AgentIdentity {
  const a: AgentIdentity = {
    lifecycle_states: uniq(r.strList("lifecycle_states")),
    owner: goTrim(r.str("owner")),
    manifest_digest: hex64(r.str("manifest_digest"), r.at("manifest_digest")),
    publisher: goTrim(r.str("publisher")),
    source: lowerTrim(r.str("source")),
    issued_at: toUtc(r.time("issued_at")),
    approved_at: toUtc(r.time("approved_at")),
    expires_at: toUtc(r.time("expires_at")),
    revoked: r.bool("revoked"),
  };
  if (
    isSet(a.issued_at) && isSet(a.approved_at) && instantCompare(a.approved_at, a.issued_at) < 0
  ) {
    fail(`${r.at("approved_at")} must not be before issued_at`);
  }
  if (isSet(a.expires_at)) {
    if (isSet(a.issued_at) && instantCompare(a.expires_at, a.issued_at) <= 0) {
      fail(`${r.at("expires_at")} must be after issued_at`);
    }
    if (isSet(a.approved_at) && instantCompare(a.expires_at, a.approved_at) <= 0) {
      fail(`${r.at("expires_at")} must be after approved_at`);
    }
  }
  return a;
}

function sandboxPaths(r: StructReader, field: string): string[] {
  const out: string[] = [];
  for (const raw of r.strList(field)) {
    const t = goTrim(raw);
    if (ENV_ASSIGNMENT.test(t)) fail(`${r.at(field)} must not contain environment assignments`);
    if (t === "") continue;
    // Iterate trim+clean to a fixed point so normalization is idempotent
    // ("/a/ " cleans to "/a/ " whose re-trim would clean to "/a").
    let cleaned = cleanPath(t);
    for (let next = cleanPath(goTrim(cleaned)); next !== cleaned; next = cleanPath(goTrim(next))) {
      cleaned = next;
    }
    if (cleaned !== "." && cleaned !== "") out.push(cleaned);
  }
  return uniq(out);
}

function normalizeSandbox(r: StructReader): SandboxContext | undefined {
  const timeout = r.int("timeout_seconds");
  if (timeout < 0) fail(`${r.at("timeout_seconds")} must be >= 0`);
  const evidenceRef = goTrim(r.str("evidence_ref"));
  if (ENV_ASSIGNMENT.test(evidenceRef)) {
    fail(`${r.at("evidence_ref")} must not contain environment assignments`);
  }
  if (evidenceRef !== "" && isSecretValue(evidenceRef)) {
    const lower = goLower(evidenceRef);
    if (!EVIDENCE_REF_PREFIXES.some((p) => lower.startsWith(p))) {
      fail(
        `${
          r.at("evidence_ref")
        } must not contain raw credential material; use credential references or digests instead`,
      );
    }
  }
  const s: SandboxContext = {
    network_mode: checkEnum(
      lowerTrim(r.str("network_mode")),
      SANDBOX_NETWORK_MODES_SET,
      r.at("network_mode"),
    ),
    writable_paths: sandboxPaths(r, "writable_paths"),
    read_only_roots: sandboxPaths(r, "read_only_roots"),
    env_exposure_mode: checkEnum(
      lowerTrim(r.str("env_exposure_mode")),
      SANDBOX_ENV_EXPOSURE_MODES_SET,
      r.at("env_exposure_mode"),
    ),
    timeout_seconds: timeout,
    filesystem_isolation: checkEnum(
      lowerTrim(r.str("filesystem_isolation")),
      SANDBOX_FILESYSTEM_ISOLATIONS_SET,
      r.at("filesystem_isolation"),
    ),
    user_mode: checkEnum(
      lowerTrim(r.str("user_mode")),
      SANDBOX_USER_MODES_SET,
      r.at("user_mode"),
    ),
    evidence_ref: evidenceRef,
    evidence_digest: hex64(r.str("evidence_digest"), r.at("evidence_digest")),
  };
  const empty = s.network_mode === "" && s.writable_paths.length === 0 &&
    s.read_only_roots.length === 0 && s.env_exposure_mode === "" && s.timeout_seconds === 0 &&
    s.filesystem_isolation === "" && s.user_mode === "" && s.evidence_ref === "" &&
    s.evidence_digest === "";
  return empty ? undefined : s;
}

function normalizeContext(r: StructReader): IntentContext {
  const identity = goTrim(r.str("identity"));
  if (identity === "") fail(`${r.at("identity")} is required`);
  const workspace = goTrim(r.str("workspace")).replaceAll("\\", "/");
  if (workspace === "") fail(`${r.at("workspace")} is required`);
  const riskClass = lowerTrim(r.str("risk_class"));
  if (riskClass === "") fail(`${r.at("risk_class")} is required`);
  const phase = lowerTrim(r.str("phase")) || "apply";
  checkEnum(phase, PHASES_SET, r.at("phase"));
  const ttl = r.int("credential_ttl_seconds");
  if (ttl < 0) fail(`${r.at("credential_ttl_seconds")} must be >= 0`);
  const agentReader = r.obj("agent_identity");
  const sandboxReader = r.obj("sandbox");
  const ctx: IntentContext = {
    identity,
    workspace,
    risk_class: riskClass,
    phase,
    agent_id: goTrim(r.str("agent_id")),
    run_id: goTrim(r.str("run_id")),
    workflow_id: goTrim(r.str("workflow_id")),
    repo: goTrim(r.str("repo")),
    environment: goTrim(r.str("environment")),
    job_id: goTrim(r.str("job_id")),
    session_id: goTrim(r.str("session_id")),
    request_id: goTrim(r.str("request_id")),
    credential_ref: goTrim(r.str("credential_ref")),
    credential_source: checkEnum(
      lowerTrim(r.str("credential_source")),
      CREDENTIAL_SOURCES_SET,
      r.at("credential_source"),
    ),
    credential_access_type: checkEnum(
      lowerTrim(r.str("credential_access_type")),
      CREDENTIAL_ACCESS_TYPES_SET,
      r.at("credential_access_type"),
    ),
    credential_issuer: goTrim(r.str("credential_issuer")),
    credential_subject: goTrim(r.str("credential_subject")),
    credential_owner: goTrim(r.str("credential_owner")),
    credential_target_binding: goTrim(r.str("credential_target_binding")),
    credential_run_binding: goTrim(r.str("credential_run_binding")),
    credential_job_binding: goTrim(r.str("credential_job_binding")),
    credential_ttl_seconds: ttl,
    approval_ref: goTrim(r.str("approval_ref")),
    wrkr_inventory_ref: goTrim(r.str("wrkr_inventory_ref")),
    agent_action_bom_ref: goTrim(r.str("agent_action_bom_ref")),
    credential_scopes: uniq(r.strList("credential_scopes")),
    environment_fingerprint: goTrim(r.str("environment_fingerprint")),
    context_set_digest: hex64(r.str("context_set_digest"), r.at("context_set_digest")),
    context_evidence_mode: checkEnum(
      lowerTrim(r.str("context_evidence_mode")),
      CONTEXT_EVIDENCE_MODES_SET,
      r.at("context_evidence_mode"),
    ),
    context_refs: uniq(r.strList("context_refs")),
  };
  if (agentReader) ctx.agent_identity = normalizeAgentIdentity(agentReader);
  const authRaw = r.raw("auth_context");
  if (authRaw !== undefined) {
    const auth = normalizeArgs(authRaw, r.at("auth_context"));
    if (Object.keys(auth).length > 0) {
      rejectRawCredentials(auth, r.at("auth_context"));
      ctx.auth_context = auth;
    }
  }
  if (sandboxReader) {
    const sandbox = normalizeSandbox(sandboxReader);
    if (sandbox) ctx.sandbox = sandbox;
  }
  return ctx;
}

function normalizeDelegation(r: StructReader): Delegation {
  const requester = goTrim(r.str("requester_identity"));
  if (requester === "") fail(`${r.at("requester_identity")} is required`);
  const chain: DelegationLink[] = r.objList("chain").map((l) => {
    const link: DelegationLink = {
      delegator_identity: goTrim(l.str("delegator_identity")),
      delegate_identity: goTrim(l.str("delegate_identity")),
      scope_class: lowerTrim(l.str("scope_class")),
      token_ref: goTrim(l.str("token_ref")),
      issued_at: toUtc(l.time("issued_at")),
      expires_at: toUtc(l.time("expires_at")),
    };
    if (link.delegator_identity === "") fail(`${l.at("delegator_identity")} is required`);
    if (link.delegate_identity === "") fail(`${l.at("delegate_identity")} is required`);
    if (
      isSet(link.issued_at) && isSet(link.expires_at) &&
      instantCompare(link.expires_at, link.issued_at) <= 0
    ) {
      fail(`${l.at("expires_at")} must be after issued_at`);
    }
    return link;
  });
  for (let i = 1; i < chain.length; i++) {
    if (chain[i]!.delegator_identity !== chain[i - 1]!.delegate_identity) {
      fail(
        `${r.at("chain")}[${i}].delegator_identity must equal ${r.at("chain")}[${
          i - 1
        }].delegate_identity`,
      );
    }
  }
  if (chain.length > 0 && chain[chain.length - 1]!.delegate_identity !== requester) {
    fail(`${r.at("chain")}[${chain.length - 1}].delegate_identity must equal requester_identity`);
  }
  const d: Delegation = {
    requester_identity: requester,
    scope_class: lowerTrim(r.str("scope_class")),
    token_refs: uniq(r.strList("token_refs")),
    issued_at: toUtc(r.time("issued_at")),
    expires_at: toUtc(r.time("expires_at")),
    chain,
  };
  if (isSet(d.issued_at) && isSet(d.expires_at) && instantCompare(d.expires_at, d.issued_at) <= 0) {
    fail(`${r.at("expires_at")} must be after issued_at`);
  }
  return d;
}

function normalizeSteps(r: StructReader): ScriptStep[] {
  const steps = r.objList("steps");
  if (steps.length === 0) fail(`${r.at("steps")} must not be empty`);
  if (steps.length > MAX_SCRIPT_STEPS) {
    fail(`${r.at("steps")} must not exceed ${MAX_SCRIPT_STEPS} steps (got ${steps.length})`);
  }
  return steps.map((s) => {
    const tool = lowerTrim(s.str("tool_name"));
    if (tool === "") fail(`${s.at("tool_name")} is required`);
    return {
      tool_name: tool,
      args: normalizeArgs(s.raw("args"), s.at("args")),
      targets: normalizeTargets(s.objList("targets"), tool),
      arg_provenance: normalizeProvenance(s.objList("arg_provenance")),
    };
  });
}

/**
 * Normalizes a parsed IntentRequest JSON value (spec 02 §1.2) and computes its
 * `args_digest`, `intent_digest` and `script_hash`. Unknown keys are ignored;
 * keys match case-insensitively; wrong JSON types, non-RFC-3339 timestamps and
 * every §1.2 rule violation throw `GaitError("invalid_input", "normalize intent: …")`.
 * Idempotent: `normalizeIntent(normalizeIntent(x))` has the same digests.
 *
 * @example
 * ```ts
 * const intent = normalizeIntent({
 *   tool_name: " Tool.Write ",
 *   args: { path: "/tmp/out.txt" },
 *   targets: [{ kind: "host", value: "api.external.com" }],
 *   context: { identity: "alice", workspace: "/repo/gait", risk_class: "HIGH" },
 * });
 * intent.tool_name; // "tool.write"
 * intent.targets[0]?.endpoint_class; // "net.http"
 * ```
 */
export function normalizeIntent(raw: unknown): NormalizedIntent {
  const r = structReader(raw, PREFIX, "intent");
  const createdAt = r.time("created_at");
  const scriptReader = r.obj("script");
  const steps = scriptReader ? normalizeSteps(scriptReader) : undefined;
  const rawTool = lowerTrim(r.str("tool_name"));
  const toolName = steps ? "script" : rawTool;
  if (toolName === "") fail("tool_name is required");
  const args = normalizeArgs(r.raw("args"), "args");
  rejectRawCredentials(args, "args");
  let targets = normalizeTargets(r.objList("targets"), toolName);
  let provenance = normalizeProvenance(r.objList("arg_provenance"));
  if (steps && targets.length === 0) {
    targets = sortDedupe(steps.flatMap((s) => s.targets), compareTargets);
  }
  if (steps && provenance.length === 0) {
    provenance = sortDedupe(steps.flatMap((s) => s.arg_provenance), compareProvenance);
  }
  const skillReader = r.obj("skill_provenance");
  const delegationReader = r.obj("delegation");
  const context = normalizeContext(r.obj("context") ?? new StructReader({}, "context", PREFIX));
  const intent: NormalizedIntent = {
    schema_id: goTrim(r.str("schema_id")) || "gait.gate.intent_request",
    schema_version: goTrim(r.str("schema_version")) || "1.0.0",
    created_at: createdAt,
    producer_version: r.str("producer_version"),
    tool_name: toolName,
    args,
    args_digest: "",
    intent_digest: "",
    script_hash: "",
    targets,
    arg_provenance: provenance,
    context,
  };
  if (steps) intent.script = { steps };
  if (skillReader) intent.skill_provenance = normalizeSkill(skillReader);
  if (delegationReader) intent.delegation = normalizeDelegation(delegationReader);
  const relationship = r.raw("relationship");
  if (relationship !== undefined) intent.relationship = relationship as JsonValue;
  intent.args_digest = argsDigest(args);
  if (steps) intent.script_hash = scriptHash(steps);
  intent.intent_digest = intentDigest(intent);
  return intent;
}
