/**
 * Credential broker (spec 02 §6.5): the broker request (PascalCase JSON) and
 * its digest, the `stub`, `env` and `command` brokers, the receipt checks
 * against the winning rules, the `gait.gate.broker_credential_record`
 * evidence file, and the `gate eval` step 15 hook.
 *
 * @module
 */

import { digestJson, sha256Hex } from "../core/digest.ts";
import { GaitError } from "../core/errors.ts";
import { goJson } from "../core/go_json.ts";
import { isJsonObject, type JsonObject, type JsonValue } from "../core/json_value.ts";
import { parseStrictJson } from "../core/strict_json.ts";
import {
  addSeconds,
  isZeroTimestamp,
  toUtcTimestamp,
  tryParseTimestamp,
  unixNanos,
} from "../core/timestamp.ts";
import { assertLocalPath, basename } from "../fs/atomic.ts";
import type { GateEvalState } from "./eval_pipeline.ts";
import { targetsDigest } from "./intent_digest.ts";
import type { NormalizedIntent } from "./intent_types.ts";
import type { PolicyRule } from "./policy_types.ts";
import { goLower, goTrim, goUpper, uniq } from "./_text.ts";

/** The broker record `schema_id`. */
export const BROKER_CREDENTIAL_RECORD_SCHEMA_ID = "gait.gate.broker_credential_record";
/** Default `--credential-env-prefix`. */
export const DEFAULT_CREDENTIAL_ENV_PREFIX = "GAIT_BROKER_TOKEN_";
/** Environment variable with the allowed command paths or basenames (CSV). */
export const CREDENTIAL_COMMAND_ALLOWLIST_ENV = "GAIT_CREDENTIAL_COMMAND_ALLOWLIST";
const ZERO_TIME = "0001-01-01T00:00:00Z";
const COMMAND_TIMEOUT_MS = 5000;
const COMMAND_OUTPUT_LIMIT = 16 * 1024;
const STUB_TTL_SECONDS = 300;
const STANDING_TYPES = new Set(["", "cloud_admin", "inherited", "standing", "static", "unknown"]);

/** The broker kinds (`none` is an alias of `off`). */
export type BrokerKind = "off" | "stub" | "env" | "command";

/**
 * Parses `--credential-broker` (blank, `off` and `none` are off).
 *
 * @example
 * ```ts
 * parseBrokerKind("none"); // "off"
 * ```
 */
export function parseBrokerKind(value: string): BrokerKind {
  const v = goLower(goTrim(value));
  if (v === "" || v === "off" || v === "none") return "off";
  if (v === "stub" || v === "env" || v === "command") return v;
  throw new GaitError(
    "invalid_input",
    `unsupported --credential-broker value "${value}" (expected off, none, stub, env or command)`,
  );
}

/** The broker request; field names are the Go struct's (PascalCase, digested as is). */
export interface BrokerRequest {
  ToolName: string;
  Identity: string;
  Workspace: string;
  SessionID: string;
  RequestID: string;
  RunID: string;
  JobID: string;
  Reference: string;
  Scope: string[];
  TargetBinding: string;
}

/**
 * Builds the broker request of a prepared intent (spec 02 §6.5): Reference =
 * `--credential-ref` or the outcome's broker reference; Scope = uniq(rule
 * scopes ∪ `--credential-scopes`), then lowercased and deduplicated in order.
 *
 * @example
 * ```ts
 * brokerRequest(prepared, { reference: "", ruleScopes: ["Deploy"], extraScopes: [] }).Scope; // ["deploy"]
 * ```
 */
export function brokerRequest(
  intent: NormalizedIntent,
  options: { reference: string; ruleScopes: readonly string[]; extraScopes: readonly string[] },
): BrokerRequest {
  const scope: string[] = [];
  for (const s of uniq([...options.ruleScopes, ...options.extraScopes])) {
    const l = goLower(s);
    if (!scope.includes(l)) scope.push(l);
  }
  const c = intent.context;
  return {
    ToolName: goLower(intent.tool_name),
    Identity: c.identity,
    Workspace: c.workspace,
    SessionID: c.session_id,
    RequestID: c.request_id,
    RunID: c.run_id,
    JobID: c.job_id,
    Reference: goTrim(options.reference),
    Scope: scope,
    TargetBinding: targetsDigest(intent.targets),
  };
}

/**
 * The request digest: digest of the PascalCase request JSON.
 *
 * @example
 * ```ts
 * brokerRequestDigest(request).length; // 64
 * ```
 */
export function brokerRequestDigest(request: BrokerRequest): string {
  return digestJson(request);
}

/** What a broker issued (the broker response, after post-processing). */
export interface BrokerReceipt {
  issued_by: string;
  source: string;
  access_type: string;
  issuer: string;
  subject: string;
  owner: string;
  scope: string[];
  credential_ref: string;
  target_binding: string;
  run_binding: string;
  job_binding: string;
  request_digest: string;
  issued_at: string;
  expires_at: string;
  ttl_seconds: number;
}

/** A broker could not issue a credential (→ `broker_credential_missing`). */
export class BrokerUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BrokerUnavailable";
  }
}

/** Options of the brokers. */
export interface BrokerOptions {
  kind: BrokerKind;
  /** `--credential-env-prefix` (default `GAIT_BROKER_TOKEN_`). */
  envPrefix?: string;
  /** `--credential-command`. */
  command?: string;
  /** `--credential-command-args`. */
  commandArgs?: readonly string[];
  /** Reads an environment variable. */
  env: (name: string) => string | undefined;
  /** The current instant (UTC RFC 3339). */
  now: string;
}

function finish(r: BrokerReceipt, brokerName: string, now: string): BrokerReceipt {
  const out = { ...r };
  if (out.issued_by === "") out.issued_by = brokerName;
  if (out.source === "") out.source = brokerName;
  if (isZeroTimestamp(out.issued_at)) out.issued_at = now;
  if (out.ttl_seconds <= 0 && !isZeroTimestamp(out.expires_at)) {
    const diff = (unixNanos(out.expires_at) - unixNanos(out.issued_at)) / 1_000_000_000n;
    out.ttl_seconds = diff > 0n ? Number(diff) : 0;
  }
  if (isZeroTimestamp(out.expires_at) && out.ttl_seconds > 0) {
    out.expires_at = addSeconds(out.issued_at, out.ttl_seconds);
  }
  return out;
}

function emptyReceipt(): BrokerReceipt {
  return {
    issued_by: "",
    source: "",
    access_type: "",
    issuer: "",
    subject: "",
    owner: "",
    scope: [],
    credential_ref: "",
    target_binding: "",
    run_binding: "",
    job_binding: "",
    request_digest: "",
    issued_at: ZERO_TIME,
    expires_at: ZERO_TIME,
    ttl_seconds: 0,
  };
}

/**
 * The stub broker: a deterministic JIT credential reference, TTL 300 s.
 *
 * @example
 * ```ts
 * stubBroker(request, now).credential_ref; // "stub:<24 hex>"
 * ```
 */
export function stubBroker(request: BrokerRequest, now: string): BrokerReceipt {
  const preimage = [
    request.ToolName,
    request.Identity,
    request.Workspace,
    request.SessionID,
    request.RequestID,
    request.Reference,
    request.Scope.join(","),
  ].join("|");
  return finish(
    {
      ...emptyReceipt(),
      issued_by: "stub",
      source: "stub",
      access_type: "jit",
      issuer: "stub",
      subject: request.Identity,
      owner: request.Identity,
      scope: [...request.Scope],
      credential_ref: `stub:${sha256Hex(preimage).slice(0, 24)}`,
      target_binding: request.TargetBinding,
      run_binding: request.RunID,
      job_binding: request.JobID,
      request_digest: brokerRequestDigest(request),
      issued_at: now,
      ttl_seconds: STUB_TTL_SECONDS,
    },
    "stub",
    now,
  );
}

/**
 * The env variable name of a request: `<prefix><KEY>`, KEY = upper(reference
 * or tool) with every char outside `[A-Z0-9_]` → `_`, outer `_` trimmed
 * (empty → `DEFAULT`).
 *
 * @example
 * ```ts
 * envBrokerVariable("GAIT_BROKER_TOKEN_", "", "tool.write"); // "GAIT_BROKER_TOKEN_TOOL_WRITE"
 * ```
 */
export function envBrokerVariable(prefix: string, reference: string, toolName: string): string {
  const base = goUpper(goTrim(reference) || toolName);
  let key = "";
  for (const ch of base) key += /^[A-Z0-9_]$/.test(ch) ? ch : "_";
  key = key.replace(/^_+|_+$/g, "");
  return `${prefix}${key === "" ? "DEFAULT" : key}`;
}

function envTime(env: BrokerOptions["env"], name: string): string {
  const v = goTrim(env(name) ?? "");
  if (v === "") return ZERO_TIME;
  if (tryParseTimestamp(v) === null) {
    throw new BrokerUnavailable(`${name} is not an RFC 3339 timestamp`);
  }
  return toUtcTimestamp(v);
}

/**
 * The env broker: the credential is the variable `<prefix><KEY>`; companions
 * `<VAR>_EXPIRES_AT`, `_ISSUED_AT`, `_TTL_SECONDS`, `_SOURCE`, `_ACCESS_TYPE`,
 * `_ISSUER`, `_SUBJECT`, `_OWNER`, `_TARGET_BINDING`, `_RUN_BINDING`,
 * `_JOB_BINDING`, `_SCOPE` describe it. Unset → {@link BrokerUnavailable}.
 *
 * @example
 * ```ts
 * envBroker(request, { kind: "env", env: (n) => Deno.env.get(n), now }).credential_ref; // "env:GAIT_BROKER_TOKEN_TOOL_WRITE:<16 hex>"
 * ```
 */
export function envBroker(request: BrokerRequest, options: BrokerOptions): BrokerReceipt {
  const prefix = options.envPrefix?.trim() || DEFAULT_CREDENTIAL_ENV_PREFIX;
  const name = envBrokerVariable(prefix, request.Reference, request.ToolName);
  const value = options.env(name);
  if (value === undefined || goTrim(value) === "") {
    throw new BrokerUnavailable(`credential variable ${name} is not set`);
  }
  const get = (suffix: string, fallback: string) =>
    goTrim(options.env(name + suffix) ?? "") || fallback;
  const ttlText = get("_TTL_SECONDS", "");
  let ttl = 0;
  if (ttlText !== "") {
    if (!/^-?\d+$/.test(ttlText)) {
      throw new BrokerUnavailable(`${name}_TTL_SECONDS is not an integer`);
    }
    ttl = Number(ttlText);
  }
  const scopeText = get("_SCOPE", "");
  return finish(
    {
      issued_by: "env",
      source: get("_SOURCE", "env"),
      access_type: get("_ACCESS_TYPE", "unknown"),
      issuer: get("_ISSUER", "env"),
      subject: get("_SUBJECT", request.Identity),
      owner: get("_OWNER", request.Identity),
      scope: scopeText === "" ? [...request.Scope] : uniq(scopeText.split(",")).map(goLower),
      credential_ref: `env:${name}:${sha256Hex(value).slice(0, 16)}`,
      target_binding: get("_TARGET_BINDING", request.TargetBinding),
      run_binding: get("_RUN_BINDING", request.RunID),
      job_binding: get("_JOB_BINDING", request.JobID),
      request_digest: brokerRequestDigest(request),
      issued_at: envTime(options.env, `${name}_ISSUED_AT`),
      expires_at: envTime(options.env, `${name}_EXPIRES_AT`),
      ttl_seconds: ttl,
    },
    "env",
    options.now,
  );
}

/**
 * Parses a command broker's stdout (the broker response JSON).
 *
 * @example
 * ```ts
 * parseBrokerResponse('{"credential_ref":"cmd:x","ttl_seconds":60}', "command", now).ttl_seconds; // 60
 * ```
 */
export function parseBrokerResponse(text: string, brokerName: string, now: string): BrokerReceipt {
  let value: JsonValue;
  try {
    value = parseStrictJson(text, { label: "credential broker response" });
  } catch (error) {
    throw new BrokerUnavailable(
      `credential broker response is not JSON: ${(error as Error).message}`,
    );
  }
  if (!isJsonObject(value)) {
    throw new BrokerUnavailable("credential broker response must be an object");
  }
  const s = (k: string): string => {
    const v = value[k];
    if (v === undefined || v === null) return "";
    if (typeof v !== "string") {
      throw new BrokerUnavailable(`credential broker response ${k} must be a string`);
    }
    return goTrim(v);
  };
  const t = (k: string): string => {
    const v = s(k);
    if (v === "") return ZERO_TIME;
    if (tryParseTimestamp(v) === null) {
      throw new BrokerUnavailable(`credential broker response ${k} is not RFC 3339`);
    }
    return toUtcTimestamp(v);
  };
  const ttl = value.ttl_seconds ?? 0;
  if (typeof ttl !== "number" || !Number.isInteger(ttl)) {
    throw new BrokerUnavailable("credential broker response ttl_seconds must be an integer");
  }
  const scope = value.scope ?? [];
  if (!Array.isArray(scope) || scope.some((x) => typeof x !== "string")) {
    throw new BrokerUnavailable("credential broker response scope must be an array of strings");
  }
  const receipt = finish(
    {
      issued_by: s("issued_by"),
      source: goLower(s("source")),
      access_type: goLower(s("access_type")),
      issuer: s("issuer"),
      subject: s("subject"),
      owner: s("owner"),
      scope: uniq(scope as string[]).map(goLower),
      credential_ref: s("credential_ref"),
      target_binding: s("target_binding"),
      run_binding: s("run_binding"),
      job_binding: s("job_binding"),
      request_digest: goLower(s("request_digest")),
      issued_at: t("issued_at"),
      expires_at: t("expires_at"),
      ttl_seconds: ttl,
    },
    brokerName,
    now,
  );
  if (receipt.credential_ref === "") {
    throw new BrokerUnavailable("credential broker response has no credential_ref");
  }
  return receipt;
}

/**
 * Checks a `--credential-command` path: no whitespace, and listed in
 * `GAIT_CREDENTIAL_COMMAND_ALLOWLIST` (paths or basenames) when that is set.
 *
 * @example
 * ```ts
 * checkBrokerCommand("/usr/local/bin/broker", () => undefined); // ok
 * ```
 */
export function checkBrokerCommand(command: string, env: BrokerOptions["env"]): void {
  const c = command.trim();
  if (c === "") {
    throw new GaitError(
      "invalid_input",
      "--credential-broker command requires --credential-command",
    );
  }
  if (/\s/.test(c)) {
    throw new GaitError("invalid_input", "--credential-command must be a path without whitespace");
  }
  const allow = (env(CREDENTIAL_COMMAND_ALLOWLIST_ENV) ?? "").split(",").map((s) => s.trim())
    .filter((s) => s !== "");
  if (allow.length > 0 && !allow.includes(c) && !allow.includes(basename(c))) {
    throw new GaitError(
      "invalid_input",
      `--credential-command ${c} is not in ${CREDENTIAL_COMMAND_ALLOWLIST_ENV}`,
    );
  }
}

/**
 * Fails closed (exit 7) when this process may not start subprocesses: the
 * shipped binary has no run permission, so the `command` broker needs a build
 * or `deno run` with `--allow-run`.
 *
 * @example
 * ```ts
 * assertRunPermission("/usr/local/bin/broker"); // throws dependency_missing without --allow-run
 * ```
 */
export function assertRunPermission(command: string): void {
  const status = Deno.permissions.querySync({ name: "run", command });
  if (status.state !== "granted") {
    throw new GaitError(
      "dependency_missing",
      `--credential-broker command needs subprocess permission (run) for ${command}, which this gait build does not have; use --credential-broker env or stub, or run gait from source with --allow-run`,
      {
        hint:
          "the shipped gait binary cannot start subprocesses; see docs/guards/credential-broker.md",
      },
    );
  }
}

async function readCapped(
  stream: ReadableStream<Uint8Array>,
  limit: number,
): Promise<Uint8Array | null> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += chunk.length;
    if (size > limit) return null;
    chunks.push(chunk);
  }
  const out = new Uint8Array(size);
  let off = 0;
  for (const c of chunks) {
    out.set(c, off);
    off += c.length;
  }
  return out;
}

/**
 * The command broker: runs `--credential-command` with the request JSON on
 * stdin (5 s timeout, 16 KiB output cap) and parses its stdout.
 *
 * @example
 * ```ts
 * const receipt = await commandBroker(request, { kind: "command", command: "/opt/broker", env, now });
 * ```
 */
export async function commandBroker(
  request: BrokerRequest,
  options: BrokerOptions,
): Promise<BrokerReceipt> {
  const command = (options.command ?? "").trim();
  checkBrokerCommand(command, options.env);
  assertRunPermission(command);
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), COMMAND_TIMEOUT_MS);
  try {
    let child: Deno.ChildProcess;
    try {
      child = new Deno.Command(command, {
        args: [...(options.commandArgs ?? [])],
        stdin: "piped",
        stdout: "piped",
        stderr: "null",
        signal: controller.signal,
      }).spawn();
    } catch (error) {
      throw new BrokerUnavailable(
        `credential command failed to start: ${(error as Error).message}`,
      );
    }
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(JSON.stringify(request)));
    await writer.close().catch(() => {});
    const stdout = await readCapped(child.stdout, COMMAND_OUTPUT_LIMIT);
    if (stdout === null) {
      try {
        child.kill();
      } catch {
        // already exited
      }
      await child.status;
      throw new BrokerUnavailable("credential command output exceeds 16 KiB");
    }
    const status = await child.status;
    if (controller.signal.aborted) {
      throw new BrokerUnavailable("credential command timed out after 5s");
    }
    if (!status.success) {
      throw new BrokerUnavailable(`credential command exited with ${status.code}`);
    }
    return parseBrokerResponse(new TextDecoder().decode(stdout), "command", options.now);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Issues a credential with the configured broker.
 *
 * @example
 * ```ts
 * const receipt = await issueCredential(request, { kind: "stub", env, now });
 * ```
 */
export async function issueCredential(
  request: BrokerRequest,
  options: BrokerOptions,
): Promise<BrokerReceipt> {
  switch (options.kind) {
    case "stub":
      return stubBroker(request, options.now);
    case "env":
      return envBroker(request, options);
    case "command":
      return await commandBroker(request, options);
    default:
      throw new BrokerUnavailable("credential broker is off");
  }
}

/**
 * The receipt checks against every winning rule (spec 02 §6.5). Returns the
 * sorted unique failure codes (empty: the credential is acceptable).
 *
 * @example
 * ```ts
 * checkBrokerReceipt(receipt, request, rules, intent); // []
 * ```
 */
export function checkBrokerReceipt(
  receipt: BrokerReceipt,
  request: BrokerRequest,
  rules: readonly PolicyRule[],
  intent: NormalizedIntent,
): string[] {
  const codes = new Set<string>();
  const digest = brokerRequestDigest(request);
  const type = goLower(receipt.access_type);
  const lowerIn = (list: readonly string[], v: string) => list.map(goLower).includes(goLower(v));
  for (const rule of rules) {
    if (receipt.request_digest === "") codes.add("broker_request_digest_missing");
    else if (receipt.request_digest !== digest) codes.add("broker_request_digest_mismatch");
    if (!request.Scope.every((s) => receipt.scope.includes(s))) codes.add("broker_scope_mismatch");
    const max = rule.max_credential_ttl_seconds;
    if (max > 0 && (receipt.ttl_seconds <= 0 || receipt.ttl_seconds > max)) {
      codes.add("broker_ttl_exceeded");
    }
    if (rule.require_jit_credential && type !== "jit") codes.add("credential_not_jit");
    if (rule.block_standing_credentials && STANDING_TYPES.has(type)) {
      codes.add("standing_credential_disallowed");
    }
    const allowed: [readonly string[], string, string][] = [
      [rule.allowed_credential_sources, receipt.source, "credential_source_disallowed"],
      [rule.allowed_credential_issuers, receipt.issuer, "credential_issuer_disallowed"],
      [rule.allowed_credential_access_types, type, "credential_access_type_disallowed"],
    ];
    for (const [list, value, code] of allowed) {
      if (list.length > 0 && (value === "" || !lowerIn(list, value))) codes.add(code);
    }
  }
  const c = intent.context;
  const bindings: [string, string, string][] = [
    [c.credential_ref, receipt.credential_ref, "broker_credential_ref_mismatch"],
    [c.credential_target_binding, receipt.target_binding, "broker_target_binding_mismatch"],
    [c.credential_run_binding, receipt.run_binding, "broker_run_binding_mismatch"],
    [c.credential_job_binding, receipt.job_binding, "broker_job_binding_mismatch"],
  ];
  for (const [claimed, issued, code] of bindings) {
    if (claimed !== "" && claimed !== issued) codes.add(code);
  }
  return [...codes].sort();
}

/**
 * The `gait.gate.broker_credential_record` evidence document.
 *
 * @example
 * ```ts
 * brokerCredentialRecord({ ...input }).schema_id; // "gait.gate.broker_credential_record"
 * ```
 */
export function brokerCredentialRecord(input: {
  createdAt: string;
  producerVersion: string;
  traceId: string;
  toolName: string;
  identity: string;
  broker: string;
  request: BrokerRequest;
  receipt: BrokerReceipt;
}): JsonObject {
  const r = input.receipt;
  const o: JsonObject = {
    schema_id: BROKER_CREDENTIAL_RECORD_SCHEMA_ID,
    schema_version: "1.0.0",
    created_at: input.createdAt,
    producer_version: input.producerVersion,
    trace_id: input.traceId,
    tool_name: input.toolName,
    identity: input.identity,
    broker: input.broker,
  };
  const put = (k: string, v: string) => {
    if (v !== "") o[k] = v;
  };
  put("reference", input.request.Reference);
  put("credential_source", r.source);
  put("credential_access_type", r.access_type);
  put("credential_issuer", r.issuer);
  put("credential_subject", r.subject);
  put("credential_owner", r.owner);
  if (r.scope.length > 0) o.scope = [...r.scope];
  o.credential_ref = r.credential_ref;
  put("target_binding", r.target_binding);
  put("run_binding", r.run_binding);
  put("job_binding", r.job_binding);
  put("request_digest", r.request_digest);
  o.issued_at = r.issued_at;
  o.expires_at = r.expires_at;
  if (r.ttl_seconds > 0) o.ttl_seconds = r.ttl_seconds;
  return o;
}

/** Options of {@link brokerStep}. */
export interface BrokerStepOptions extends Omit<BrokerOptions, "now"> {
  /** `--credential-ref` (wins over the policy's broker_reference). */
  reference?: string;
  /** `--credential-scopes`. */
  scopes?: readonly string[];
  /** `--credential-evidence-out` (default `credential_evidence_<trace_id>.json`). */
  evidenceOut?: string;
  producerVersion: string;
}

/**
 * The `gate eval` broker step (spec 02 §4.3 step 15) as a
 * `GateEvalHooks.broker` hook: broker off → `broker_credential_required`;
 * issue failure → `broker_credential_missing`; receipt checks; output
 * `credential_*`, trace `broker_*` and the evidence file.
 *
 * @example
 * ```ts
 * hooks.broker = brokerStep({ kind: "stub", env: (n) => Deno.env.get(n), producerVersion: "1.0.0" });
 * ```
 */
export function brokerStep(options: BrokerStepOptions): (state: GateEvalState) => Promise<void> {
  return async (state) => {
    if (options.kind === "off") {
      state.verdict = "block";
      state.reasonCodes.add("broker_credential_required");
      state.violations.add("broker_credential_missing");
      return;
    }
    const subject = state.subject;
    const request = brokerRequest(subject, {
      reference: goTrim(options.reference ?? "") || state.outcome.broker_reference,
      ruleScopes: state.outcome.broker_scopes,
      extraScopes: options.scopes ?? [],
    });
    let receipt: BrokerReceipt;
    try {
      receipt = await issueCredential(request, { ...options, now: state.clock.now() });
    } catch (error) {
      if (!(error instanceof BrokerUnavailable)) throw error;
      state.verdict = "block";
      state.reasonCodes.add("broker_credential_missing");
      state.violations.add("broker_credential_missing");
      state.warnings.push(`credential broker ${options.kind}: ${error.message}`);
      return;
    }
    const failures = checkBrokerReceipt(receipt, request, state.outcome.matched_rules, subject);
    if (failures.length > 0) {
      state.verdict = "block";
      for (const code of failures) {
        state.reasonCodes.add(code);
        state.violations.add(code);
      }
    } else {
      state.reasonCodes.add("broker_credential_present");
    }
    state.output.credential_issuer = receipt.issuer;
    state.output.credential_source = receipt.source;
    state.output.credential_access_type = receipt.access_type;
    state.output.credential_ref = receipt.credential_ref;
    state.output.credential_ttl_seconds = receipt.ttl_seconds;
    Object.assign(state.traceExtra, {
      broker_credential_ref: receipt.credential_ref,
      broker_credential_source: receipt.source,
      broker_credential_access_type: receipt.access_type,
      broker_credential_issuer: receipt.issuer,
      broker_request_digest: receipt.request_digest,
      broker_target_binding: receipt.target_binding,
      broker_run_binding: receipt.run_binding,
      broker_job_binding: receipt.job_binding,
    });
    const path = options.evidenceOut?.trim() || "credential_evidence_{trace_id}.json";
    assertLocalPath(path);
    state.output.credential_evidence_path = path;
    state.artifacts.push({
      path,
      text: (traceId) =>
        goJson(
          brokerCredentialRecord({
            createdAt: state.outcome.result.created_at,
            producerVersion: options.producerVersion,
            traceId,
            toolName: subject.tool_name,
            identity: subject.context.identity,
            broker: options.kind,
            request,
            receipt,
          }),
          { indent: "  " },
        ) + "\n",
    });
  };
}
