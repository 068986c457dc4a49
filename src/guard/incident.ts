/**
 * Incident packs (spec 01 §8 `gait incident pack`): the evidence next to a
 * runpack that falls inside a time window around the run, packed as an
 * unsigned evidence pack with `policy_digests.json` and `incident_window`.
 *
 * @module
 */

import { canonicalJsonBytes } from "../core/canonical_json.ts";
import { compareUtf8 } from "../core/go_json.ts";
import type { JsonObject } from "../core/json_value.ts";
import { StructView } from "../core/struct_view.ts";
import { formatTimestamp, parseTimestamp, unixNanos } from "../core/timestamp.ts";
import { dirname, joinPath } from "../fs/atomic.ts";
import { loadRunpack } from "../runpack/read.ts";
import { evidenceViewBytes, readJsonObjectFile, regressFacts, traceFacts } from "./evidence.ts";
import { buildGuardPack, type GuardPackResult } from "./pack_build.ts";
import type { IncidentWindow } from "./types.ts";

/** The window used when none (or a non-positive one) is given: 24 h. */
export const DEFAULT_INCIDENT_WINDOW_MS = 24 * 3600 * 1000;

/** The evidence selected for an incident. */
export interface IncidentSelection {
  /** The window around the run's `created_at`. */
  window: IncidentWindow;
  /** Selected trace files. */
  tracePaths: string[];
  /** Their trace ids. */
  traceIds: string[];
  /** Their distinct policy digests, sorted. */
  policyDigests: string[];
  /** Selected regress result files. */
  regressPaths: string[];
  /** Selected approval audit files. */
  approvalAuditPaths: string[];
  /** Selected credential evidence files. */
  credentialEvidencePaths: string[];
}

function nanosToTimestamp(nanos: bigint): string {
  const seconds = nanos / 1_000_000_000n;
  let rem = nanos % 1_000_000_000n;
  let secs = seconds;
  if (rem < 0n) {
    rem += 1_000_000_000n;
    secs -= 1n;
  }
  return formatTimestamp({ unixSeconds: Number(secs), nanos: Number(rem), offsetMinutes: 0 });
}

/**
 * The window `created_at ± window` (non-positive windows mean 24 h).
 *
 * @example
 * ```ts
 * incidentWindow("2026-02-06T12:00:00Z", 2 * 3600 * 1000, "run_x");
 * // { from: "2026-02-06T10:00:00Z", to: "2026-02-06T14:00:00Z", window_seconds: 7200, selection_anchor: "run_x" }
 * ```
 */
export function incidentWindow(createdAt: string, windowMs: number, runId: string): IncidentWindow {
  const ms = windowMs > 0 ? windowMs : DEFAULT_INCIDENT_WINDOW_MS;
  const span = BigInt(Math.round(ms * 1e6));
  const anchor = unixNanos(createdAt);
  return {
    from: nanosToTimestamp(anchor - span),
    to: nanosToTimestamp(anchor + span),
    window_seconds: Math.trunc(ms / 1000),
    selection_anchor: runId,
  };
}

/** Reads a file as a JSON object, or null when it is unreadable or malformed. */
async function tryReadObject(path: string): Promise<JsonObject | null> {
  try {
    return await readJsonObjectFile(path, "evidence");
  } catch {
    return null;
  }
}

function createdWithin(doc: JsonObject, path: string, from: bigint, to: bigint): boolean {
  try {
    const created = new StructView(doc, path).time("created_at");
    const t = unixNanos(created);
    return t >= from && t <= to;
  } catch {
    return false;
  }
}

/** True when reading a document's fields succeeds (wrong field types fail). */
function parses(read: () => unknown): boolean {
  try {
    read();
    return true;
  } catch {
    return false;
  }
}

function stringField(doc: JsonObject, path: string, name: string): string {
  try {
    return new StructView(doc, path).string(name);
  } catch {
    return "";
  }
}

interface DirListing {
  traces: string[];
  regress: string[];
  audits: string[];
  credentials: string[];
}

async function listIncidentCandidates(dir: string): Promise<DirListing> {
  const out: DirListing = { traces: [], regress: [], audits: [], credentials: [] };
  let names: string[] = [];
  try {
    for await (const entry of Deno.readDir(dir)) {
      if (entry.isFile && entry.name.endsWith(".json")) names.push(entry.name);
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  names = names.sort(compareUtf8);
  for (const name of names) {
    const path = joinPath(dir, name);
    if (name.startsWith("trace_")) out.traces.push(path);
    else if (name.startsWith("regress")) out.regress.push(path);
    else if (name.startsWith("approval_audit_")) out.audits.push(path);
    else if (name.startsWith("credential_evidence_")) out.credentials.push(path);
  }
  return out;
}

/**
 * Selects the evidence in `dir` for an incident: trace records, regress
 * results, approval audits and credential evidence whose `created_at` lies
 * inside the window; audits and credential evidence must also name a
 * selected trace whenever any trace was selected. Unreadable or malformed
 * files are skipped (regular files only; symlinks are not followed).
 *
 * @example
 * ```ts
 * const selection = await selectIncidentEvidence("gait-out", window);
 * selection.tracePaths; // ["gait-out/trace_9a71….json"]
 * ```
 */
export async function selectIncidentEvidence(
  dir: string,
  window: IncidentWindow,
): Promise<IncidentSelection> {
  const from = unixNanos(window.from);
  const to = unixNanos(window.to);
  const candidates = await listIncidentCandidates(dir);
  const selection: IncidentSelection = {
    window,
    tracePaths: [],
    traceIds: [],
    policyDigests: [],
    regressPaths: [],
    approvalAuditPaths: [],
    credentialEvidencePaths: [],
  };
  const digests = new Set<string>();
  for (const path of candidates.traces) {
    const doc = await tryReadObject(path);
    if (!doc || stringField(doc, path, "schema_id") !== "gait.gate.trace") continue;
    if (!createdWithin(doc, path, from, to)) continue;
    let facts;
    try {
      facts = traceFacts(doc, path);
    } catch {
      continue;
    }
    if (facts.trace_id.trim() === "") continue;
    selection.tracePaths.push(path);
    selection.traceIds.push(facts.trace_id);
    if (facts.policy_digest.trim() !== "") digests.add(facts.policy_digest.trim());
  }
  selection.policyDigests = [...digests].sort(compareUtf8);
  for (const path of candidates.regress) {
    const doc = await tryReadObject(path);
    if (doc && createdWithin(doc, path, from, to) && parses(() => regressFacts(doc, path))) {
      selection.regressPaths.push(path);
    }
  }
  const traceIds = new Set(selection.traceIds);
  const linked = (doc: JsonObject, path: string) =>
    traceIds.size === 0 || traceIds.has(stringField(doc, path, "trace_id"));
  for (const path of candidates.audits) {
    const doc = await tryReadObject(path);
    if (
      doc && createdWithin(doc, path, from, to) && linked(doc, path) &&
      parses(() => evidenceViewBytes("approval_audit", doc, path))
    ) {
      selection.approvalAuditPaths.push(path);
    }
  }
  for (const path of candidates.credentials) {
    const doc = await tryReadObject(path);
    if (
      doc && createdWithin(doc, path, from, to) && linked(doc, path) &&
      parses(() => evidenceViewBytes("credential_evidence", doc, path))
    ) {
      selection.credentialEvidencePaths.push(path);
    }
  }
  return selection;
}

/** Options of {@link buildIncidentPack}. */
export interface IncidentPackOptions {
  /** The runpack file. */
  runpackPath: string;
  /** Window half-width in milliseconds (non-positive means 24 h). */
  windowMs: number;
  /** Template (blank means `incident_response`). */
  template?: string;
  /** Add `summary.pdf`. */
  renderPdf?: boolean;
  /** Output path; default `<runpack dir>/evidence_pack_<pack_id>.zip`. */
  outputPath?: string;
  /** `case_id` of the manifest. */
  caseId?: string;
  /** `producer_version` of the manifest. */
  producerVersion: string;
}

/** A written incident pack and what was selected. */
export interface IncidentPackResult {
  pack: GuardPackResult;
  selection: IncidentSelection;
}

/**
 * Builds an unsigned incident pack from a runpack and the evidence next to it.
 *
 * @example
 * ```ts
 * const { pack, selection } = await buildIncidentPack({
 *   runpackPath: "gait-out/runpack_run_demo.zip",
 *   windowMs: 24 * 3600 * 1000,
 *   producerVersion: "0.0.0-dev",
 * });
 * ```
 */
export async function buildIncidentPack(
  options: IncidentPackOptions,
): Promise<IncidentPackResult> {
  const runpack = await loadRunpack(options.runpackPath);
  const run = runpack.content.run;
  parseTimestamp(run.created_at, "run.created_at");
  const window = incidentWindow(run.created_at, options.windowMs, run.run_id);
  const selection = await selectIncidentEvidence(dirname(options.runpackPath), window);
  const policyDigests = canonicalJsonBytes({
    policy_digests: selection.policyDigests,
    run_id: run.run_id,
    window_from: window.from,
    window_to: window.to,
  });
  const pack = await buildGuardPack({
    runpackPath: options.runpackPath,
    runpack,
    outputPath: options.outputPath,
    caseId: options.caseId,
    template: (options.template ?? "").trim() || "incident_response",
    renderPdf: options.renderPdf,
    tracePaths: selection.tracePaths,
    regressPaths: selection.regressPaths,
    approvalAuditPaths: selection.approvalAuditPaths,
    credentialEvidencePaths: selection.credentialEvidencePaths,
    discoverAuditEvidence: false,
    extraFiles: { "policy_digests.json": policyDigests },
    incidentWindow: window,
    signer: null,
    producerVersion: options.producerVersion,
  });
  return { pack, selection };
}
