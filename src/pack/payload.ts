/**
 * Pack payloads read strictly (spec 01 §5 "Payloads", §5.2 step 7): the run
 * payload, and the job payload, state and events, with the contracts verify
 * enforces. Failures are `verification_failed` (exit 2).
 *
 * The job documents (`gait.job.runtime`, `gait.job.event`) follow spec 03
 * §5.1; they are read here only to verify and inspect job packs.
 *
 * @module
 */

import { isHex64AnyCase } from "../core/digest.ts";
import { GaitError } from "../core/errors.ts";
import type { JsonValue } from "../core/json_value.ts";
import { parseStrictJson } from "../core/strict_json.ts";
import { StrictObject } from "./_strict.ts";
import {
  type JobPayload,
  PACK_SCHEMA_VERSION,
  PackFile,
  PackSchema,
  type RunPayload,
} from "./types.ts";

const RUN_PAYLOAD_FIELDS = [
  "schema_id",
  "schema_version",
  "created_at",
  "run_id",
  "capture_mode",
  "manifest_digest",
  "intents_count",
  "results_count",
  "refs_count",
  "context_set_digest",
  "context_ref_count",
  "context_evidence_mode",
  "context_privacy_mode",
] as const;

const JOB_PAYLOAD_FIELDS = [
  "schema_id",
  "schema_version",
  "created_at",
  "job_id",
  "status",
  "stop_reason",
  "status_reason_code",
  "environment_fingerprint",
  "safety_invariant_version",
  "safety_invariant_hash",
  "checkpoint_count",
  "approval_count",
] as const;

const JOB_STATE_FIELDS = [
  "schema_id",
  "schema_version",
  "created_at",
  "updated_at",
  "producer_version",
  "job_id",
  "status",
  "stop_reason",
  "status_reason_code",
  "environment_fingerprint",
  "safety_invariant_version",
  "safety_invariant_hash",
  "safety_invariants",
  "policy_digest",
  "policy_ref",
  "identity",
  "revision",
  "checkpoints",
  "approvals",
] as const;

const CHECKPOINT_FIELDS = [
  "checkpoint_id",
  "created_at",
  "type",
  "summary",
  "required_action",
  "reason_code",
  "actor",
] as const;

const APPROVAL_FIELDS = ["created_at", "actor", "reason"] as const;

const JOB_EVENT_FIELDS = [
  "schema_id",
  "schema_version",
  "created_at",
  "job_id",
  "revision",
  "type",
  "actor",
  "reason_code",
  "payload",
] as const;

const CATEGORY = "verification_failed";

function contract(message: string): GaitError {
  return new GaitError(CATEGORY, message);
}

function nonNegative(o: StrictObject, field: string): number {
  const n = o.int(field);
  if (n < 0) o.fail(field, "must not be negative");
  return n;
}

/**
 * Reads `run_payload.json` strictly.
 *
 * @example
 * ```ts
 * parseRunPayload(JSON.parse(text)).run_id;
 * ```
 */
export function parseRunPayload(value: JsonValue): RunPayload {
  const p = new StrictObject(value, PackFile.runPayload, RUN_PAYLOAD_FIELDS, CATEGORY);
  const payload: RunPayload = {
    schema_id: p.str("schema_id"),
    schema_version: p.str("schema_version"),
    created_at: p.time("created_at"),
    run_id: p.str("run_id"),
    capture_mode: p.str("capture_mode"),
    manifest_digest: p.str("manifest_digest"),
    intents_count: nonNegative(p, "intents_count"),
    results_count: nonNegative(p, "results_count"),
    refs_count: nonNegative(p, "refs_count"),
  };
  const setDigest = p.str("context_set_digest");
  if (setDigest !== "") payload.context_set_digest = setDigest;
  const refCount = nonNegative(p, "context_ref_count");
  if (refCount !== 0) payload.context_ref_count = refCount;
  const mode = p.str("context_evidence_mode");
  if (mode !== "") payload.context_evidence_mode = mode;
  const privacy = p.str("context_privacy_mode");
  if (privacy !== "") payload.context_privacy_mode = privacy;
  return payload;
}

/**
 * The run pack contract (spec 01 §5.2 step 7): the payload parses strictly,
 * has the run payload schema, `capture_mode` reference|raw, a hex
 * `manifest_digest`, and `run_id` equal to the manifest's `source_ref`.
 *
 * @example
 * ```ts
 * checkRunContract(payloadJson, "run_demo");
 * ```
 */
export function checkRunContract(value: JsonValue, sourceRef: string): RunPayload {
  const payload = parseRunPayload(value);
  const label = PackFile.runPayload;
  if (payload.schema_id !== PackSchema.run) {
    throw contract(`${label}: unsupported schema_id ${JSON.stringify(payload.schema_id)}`);
  }
  if (payload.schema_version !== PACK_SCHEMA_VERSION) {
    throw contract(
      `${label}: unsupported schema_version ${JSON.stringify(payload.schema_version)}`,
    );
  }
  if (payload.capture_mode !== "reference" && payload.capture_mode !== "raw") {
    throw contract(
      `${label}: capture_mode must be reference or raw, got ${
        JSON.stringify(payload.capture_mode)
      }`,
    );
  }
  if (!isHex64AnyCase(payload.manifest_digest)) {
    throw contract(`${label}: manifest_digest must be 64 hex characters`);
  }
  if (payload.run_id !== sourceRef) {
    throw contract(
      `${label}: run_id ${JSON.stringify(payload.run_id)} does not match source_ref ${
        JSON.stringify(sourceRef)
      }`,
    );
  }
  return payload;
}

/**
 * Reads `job_payload.json` strictly.
 *
 * @example
 * ```ts
 * parseJobPayload(JSON.parse(text)).job_id;
 * ```
 */
export function parseJobPayload(value: JsonValue): JobPayload {
  const p = new StrictObject(value, PackFile.jobPayload, JOB_PAYLOAD_FIELDS, CATEGORY);
  const payload: JobPayload = {
    schema_id: p.str("schema_id"),
    schema_version: p.str("schema_version"),
    created_at: p.time("created_at"),
    job_id: p.str("job_id"),
    status: p.str("status"),
    stop_reason: p.str("stop_reason"),
    status_reason_code: p.str("status_reason_code"),
    environment_fingerprint: p.str("environment_fingerprint"),
    checkpoint_count: nonNegative(p, "checkpoint_count"),
    approval_count: nonNegative(p, "approval_count"),
  };
  const version = p.str("safety_invariant_version");
  if (version !== "") payload.safety_invariant_version = version;
  const hash = p.str("safety_invariant_hash");
  if (hash !== "") payload.safety_invariant_hash = hash;
  return payload;
}

/** The parts of a job state a job pack is checked against. */
export interface JobStateSummary {
  job_id: string;
  status: string;
  checkpoints: { checkpoint_id: string; type: string; reason_code: string }[];
  approval_count: number;
}

/**
 * Reads `job_state.json` strictly (`gait.job.runtime`, spec 03 §5.1).
 *
 * @example
 * ```ts
 * parseJobState(JSON.parse(text)).checkpoints.length;
 * ```
 */
export function parseJobState(value: JsonValue): JobStateSummary {
  const s = new StrictObject(value, PackFile.jobState, JOB_STATE_FIELDS, CATEGORY);
  for (const field of ["created_at", "updated_at"]) s.time(field);
  for (
    const field of [
      "schema_id",
      "schema_version",
      "producer_version",
      "stop_reason",
      "status_reason_code",
      "environment_fingerprint",
      "safety_invariant_version",
      "safety_invariant_hash",
      "policy_digest",
      "policy_ref",
      "identity",
    ]
  ) s.str(field);
  s.strings("safety_invariants");
  s.int("revision");
  const checkpoints = (s.arr("checkpoints") ?? []).map((item, i) => {
    const c = new StrictObject(
      item,
      `${PackFile.jobState}: checkpoints[${i}]`,
      CHECKPOINT_FIELDS,
      CATEGORY,
    );
    c.time("created_at");
    for (const field of ["summary", "required_action", "actor"]) c.str(field);
    return {
      checkpoint_id: c.str("checkpoint_id"),
      type: c.str("type"),
      reason_code: c.str("reason_code"),
    };
  });
  const approvals = (s.arr("approvals") ?? []).map((item, i) => {
    const a = new StrictObject(
      item,
      `${PackFile.jobState}: approvals[${i}]`,
      APPROVAL_FIELDS,
      CATEGORY,
    );
    a.time("created_at");
    a.str("actor");
    a.str("reason");
    return a;
  });
  return {
    job_id: s.str("job_id"),
    status: s.str("status"),
    checkpoints,
    approval_count: approvals.length,
  };
}

/** One job event, as far as packs need it. */
export interface JobEventSummary {
  job_id: string;
  type: string;
}

/**
 * Reads `job_events.jsonl` strictly (`gait.job.event`, spec 03 §5.1).
 *
 * @example
 * ```ts
 * parseJobEvents(text).length;
 * ```
 */
export function parseJobEvents(text: string): JobEventSummary[] {
  const out: JobEventSummary[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === "") continue;
    const label = `${PackFile.jobEvents} line ${i + 1}`;
    let value: JsonValue;
    try {
      value = parseStrictJson(line, { label });
    } catch (error) {
      throw contract((error as Error).message);
    }
    const e = new StrictObject(value, label, JOB_EVENT_FIELDS, CATEGORY);
    e.time("created_at");
    for (const field of ["schema_id", "schema_version", "actor", "reason_code"]) e.str(field);
    e.int("revision");
    e.obj("payload");
    out.push({ job_id: e.str("job_id"), type: e.str("type") });
  }
  return out;
}

/**
 * The job pack contract (spec 01 §5.2 step 7): payload, state and events
 * parse strictly, the job id agrees everywhere (and with `source_ref`), and
 * the payload's counts match the state.
 *
 * @example
 * ```ts
 * checkJobContract(payloadJson, stateJson, eventsText, "job_1");
 * ```
 */
export function checkJobContract(
  payloadValue: JsonValue,
  stateValue: JsonValue,
  eventsText: string,
  sourceRef: string,
): void {
  const payload = parseJobPayload(payloadValue);
  const state = parseJobState(stateValue);
  const events = parseJobEvents(eventsText);
  const ids = [
    [PackFile.jobPayload, payload.job_id],
    [PackFile.jobState, state.job_id],
    ...events.map((e, i) => [`${PackFile.jobEvents} line ${i + 1}`, e.job_id]),
  ];
  for (const [where, id] of ids) {
    if (id !== sourceRef) {
      throw contract(
        `${where}: job_id ${JSON.stringify(id)} does not match source_ref ${
          JSON.stringify(sourceRef)
        }`,
      );
    }
  }
  if (payload.checkpoint_count !== state.checkpoints.length) {
    throw contract(
      `${PackFile.jobPayload}: checkpoint_count ${payload.checkpoint_count} does not match ${state.checkpoints.length} checkpoints in ${PackFile.jobState}`,
    );
  }
  if (payload.approval_count !== state.approval_count) {
    throw contract(
      `${PackFile.jobPayload}: approval_count ${payload.approval_count} does not match ${state.approval_count} approvals in ${PackFile.jobState}`,
    );
  }
}
