/**
 * The five regress graders (spec 03 §4): schema_validation,
 * expected_exit_code, trajectory, diff and context_conformance. Each is a
 * pure function of a loaded fixture (and its candidate) returning a pass or
 * fail with stable reason codes.
 *
 * @module
 */

import { isHex64AnyCase } from "../core/digest.ts";
import { errorMessage } from "../core/errors.ts";
import { compareUtf8 } from "../core/go_json.ts";
import {
  changedFileNames,
  classifyContextDrift,
  type ContextDriftClassification,
  diffRunpacks,
} from "../runpack/diff.ts";
import { replayRunpack } from "../runpack/replay.ts";
import { RUNPACK_SCHEMA_VERSION, type RunpackContent, RunpackSchema } from "../runpack/types.ts";
import type { LoadedRunpackBytes } from "./_load.ts";
import type { FixtureMeta } from "./fixture.ts";
import { toolSequence, verdictSequence } from "./verdict.ts";

/** `pass` or `fail`. */
export type GraderStatus = "pass" | "fail";

/** How a candidate's context evidence conforms. */
export type ContextConformance = ContextDriftClassification | "missing";

/** One grader's result, in the Go struct's field order. */
export interface GraderResult {
  /** `<fixture>/<grader>`. */
  name: string;
  status: GraderStatus;
  /** Unique, sorted. */
  reason_codes: string[];
  context_conformance?: ContextConformance;
  details: Record<string, unknown>;
}

/** A fixture ready to grade. */
export interface GradedFixture {
  name: string;
  meta: FixtureMeta;
  loaded: LoadedRunpackBytes;
  /** The fixture's runpack path as configured (its directory anchors `candidate_runpack`). */
  runpackPath: string;
}

/** The candidate a fixture is compared with: loaded, or why it could not be. */
export type Candidate =
  | { kind: "fixture"; path: string; loaded: LoadedRunpackBytes }
  | { kind: "candidate"; path: string; loaded: LoadedRunpackBytes }
  | {
    kind: "error";
    path: string;
    code: "candidate_path_invalid" | "candidate_runpack_invalid";
    error: string;
  };

/** Global flags of `regress run`. */
export interface GradeFlags {
  contextConformance: boolean;
  allowContextRuntimeDrift: boolean;
}

function result(
  fixture: GradedFixture,
  grader: string,
  codes: string[],
  failed: boolean,
  details: Record<string, unknown>,
  conformance?: ContextConformance,
): GraderResult {
  return {
    name: `${fixture.name}/${grader}`,
    status: failed ? "fail" : "pass",
    reason_codes: [...new Set(codes)].sort(compareUtf8),
    context_conformance: conformance,
    details: { ...details, fixture: fixture.name, run_id: fixture.meta.run_id },
  };
}

function schemaProblems(content: RunpackContent): { codes: string[]; errors: string[] } {
  const codes: string[] = [];
  const errors: string[] = [];
  const problem = (code: string, message: string) => {
    codes.push(code);
    errors.push(message);
  };
  const header = (
    code: string,
    label: string,
    r: { schema_id: string; schema_version: string; run_id: string },
    schemaId: string,
  ) => {
    if (r.schema_id !== schemaId) problem(code, `${label}: schema_id must be ${schemaId}`);
    if (r.schema_version !== RUNPACK_SCHEMA_VERSION) {
      problem(code, `${label}: schema_version must be ${RUNPACK_SCHEMA_VERSION}`);
    }
    if (r.run_id === "") problem(code, `${label}: run_id is required`);
  };
  header("run_schema_invalid", "run.json", content.run, RunpackSchema.run);
  header("refs_schema_invalid", "refs.json", content.refs, RunpackSchema.refs);
  content.refs.receipts.forEach((r, i) => {
    const label = `refs.json receipts[${i}]`;
    if (r.ref_id === "") problem("refs_schema_invalid", `${label}: ref_id is required`);
    if (!isHex64AnyCase(r.query_digest) || !isHex64AnyCase(r.content_digest)) {
      problem("refs_schema_invalid", `${label}: query_digest and content_digest must be 64 hex`);
    }
  });
  content.intents.forEach((r, i) => {
    const label = `intents.jsonl line ${i + 1}`;
    header("intent_schema_invalid", label, r, RunpackSchema.intent);
    if (r.intent_id === "") problem("intent_schema_invalid", `${label}: intent_id is required`);
    if (r.tool_name === "") problem("intent_schema_invalid", `${label}: tool_name is required`);
    if (!isHex64AnyCase(r.args_digest)) {
      problem("intent_schema_invalid", `${label}: args_digest must be 64 hex`);
    }
  });
  content.results.forEach((r, i) => {
    const label = `results.jsonl line ${i + 1}`;
    header("result_schema_invalid", label, r, RunpackSchema.result);
    if (r.intent_id === "") problem("result_schema_invalid", `${label}: intent_id is required`);
    if (r.status === "") problem("result_schema_invalid", `${label}: status is required`);
    if (!isHex64AnyCase(r.result_digest)) {
      problem("result_schema_invalid", `${label}: result_digest must be 64 hex`);
    }
  });
  return { codes, errors };
}

/**
 * `schema_validation`: the runpack verifies and every document carries its
 * schema id, version and required fields.
 *
 * @example
 * ```ts
 * gradeSchemaValidation(fixture).status; // "pass"
 * ```
 */
export function gradeSchemaValidation(fixture: GradedFixture): GraderResult {
  const { verify, manifest, content } = fixture.loaded;
  const codes: string[] = [];
  if (verify.missing_files.length > 0) codes.push("missing_files");
  if (verify.hash_mismatches.length > 0) codes.push("hash_mismatch");
  if (verify.undeclared_files.length > 0 || verify.integrity_errors.length > 0) {
    codes.push("schema_validation_error");
  }
  const errors: string[] = [];
  if (
    manifest.schema_id !== RunpackSchema.manifest ||
    manifest.schema_version !== RUNPACK_SCHEMA_VERSION
  ) {
    codes.push("manifest_schema_invalid");
    errors.push("manifest.json: unsupported schema_id or schema_version");
  }
  const problems = schemaProblems(content);
  codes.push(...problems.codes);
  errors.push(...problems.errors);
  const details: Record<string, unknown> = {
    missing_files: verify.missing_files,
    hash_mismatches: verify.hash_mismatches,
    intent_records: content.intents.length,
    result_records: content.results.length,
    reference_receipts: content.refs.receipts.length,
  };
  if (errors.length > 0) details.schema_errors = errors;
  return result(fixture, "schema_validation", codes, codes.length > 0, details);
}

/**
 * `expected_exit_code`: a stub replay of the fixture exits as expected
 * (0, or 2 when results are missing).
 *
 * @example
 * ```ts
 * (await gradeExpectedExitCode(fixture)).reason_codes; // []
 * ```
 */
export async function gradeExpectedExitCode(fixture: GradedFixture): Promise<GraderResult> {
  const expected = fixture.meta.expected_replay_exit_code;
  try {
    const replay = await replayRunpack(fixture.loaded.content);
    const actual = replay.ok ? 0 : 2;
    const details: Record<string, unknown> = {
      expected_exit_code: expected,
      actual_exit_code: actual,
      replay_mode: replay.mode,
    };
    if (replay.missing_results.length > 0) details.missing_results = replay.missing_results;
    const failed = actual !== expected;
    return result(
      fixture,
      "expected_exit_code",
      failed ? ["unexpected_exit_code"] : [],
      failed,
      details,
    );
  } catch (error) {
    return result(fixture, "expected_exit_code", ["replay_error"], true, {
      expected_exit_code: expected,
      error: errorMessage(error),
    });
  }
}

/** Sentinel for a position past the end of the expected sequence. */
export const SEQUENCE_NONE = "<none>";
/** Sentinel for a position past the end of the actual sequence. */
export const SEQUENCE_MISSING = "<missing>";

function firstMismatch(expected: readonly string[], actual: readonly string[]): number {
  const n = Math.max(expected.length, actual.length);
  for (let i = 0; i < n; i++) if (expected[i] !== actual[i]) return i;
  return -1;
}

function sequenceCheck(
  kind: "tool" | "verdict",
  expected: readonly string[] | undefined,
  actual: readonly string[],
  codes: string[],
  details: Record<string, unknown>,
): void {
  if (expected === undefined) return;
  details[`expected_${kind}_sequence`] = expected;
  details[`actual_${kind}_sequence`] = actual;
  const at = firstMismatch(expected, actual);
  if (at < 0) return;
  codes.push(`unexpected_${kind}_sequence`);
  details[`${kind}_sequence_mismatch_index`] = at;
  details[`${kind}_sequence_expected_at_mismatch`] = expected[at] ?? SEQUENCE_NONE;
  details[`${kind}_sequence_actual_at_mismatch`] = actual[at] ?? SEQUENCE_MISSING;
}

/**
 * `trajectory`: the candidate (or the fixture itself) calls the expected
 * tools and receives the expected verdicts, in order.
 *
 * @example
 * ```ts
 * gradeTrajectory(fixture, candidate).reason_codes; // ["trajectory_match"]
 * ```
 */
export function gradeTrajectory(fixture: GradedFixture, candidate: Candidate): GraderResult {
  const { expected_tool_sequence: tools, expected_verdict_sequence: verdicts } = fixture.meta;
  if (tools === undefined && verdicts === undefined) {
    return result(fixture, "trajectory", ["trajectory_not_required"], false, {});
  }
  if (candidate.kind === "error") {
    return result(fixture, "trajectory", [candidate.code], true, {
      candidate_runpack: candidate.path,
      error: candidate.error,
    });
  }
  const content = candidate.loaded.content;
  const codes: string[] = [];
  const details: Record<string, unknown> = { candidate_runpack: candidate.path };
  sequenceCheck("tool", tools, toolSequence(content), codes, details);
  sequenceCheck("verdict", verdicts, verdictSequence(content), codes, details);
  const failed = codes.length > 0;
  return result(fixture, "trajectory", failed ? codes : ["trajectory_match"], failed, details);
}

/**
 * `diff`: a full diff of the fixture against its candidate changes no file
 * outside `diff_allow_changed_files`.
 *
 * @example
 * ```ts
 * gradeDiff(fixture, candidate).status; // "pass"
 * ```
 */
export function gradeDiff(fixture: GradedFixture, candidate: Candidate): GraderResult {
  const allowed = fixture.meta.diff_allow_changed_files ?? [];
  if (candidate.kind === "error") {
    return result(fixture, "diff", ["diff_error"], true, {
      candidate_runpack: candidate.path,
      error: candidate.error,
    });
  }
  let changed: string[];
  let classification: string | undefined;
  try {
    const diff = diffRunpacks(fixture.loaded, candidate.loaded, "full");
    changed = changedFileNames(diff.summary);
    classification = diff.summary.context_drift_classification;
  } catch (error) {
    return result(fixture, "diff", ["diff_error"], true, {
      candidate_runpack: candidate.path,
      error: errorMessage(error),
    });
  }
  const allowedSet = new Set(allowed);
  const unexpected = changed.filter((f) => !allowedSet.has(f));
  const failed = unexpected.length > 0;
  return result(fixture, "diff", failed ? ["unexpected_diff"] : [], failed, {
    candidate_runpack: candidate.path,
    changed_files: changed,
    allowed_files: [...allowed].sort(compareUtf8),
    unexpected_files: unexpected,
    context_drift_classification: classification,
  });
}

/**
 * `context_conformance`: the candidate's context evidence matches the
 * fixture's, with runtime-only drift allowed only when asked for.
 *
 * @example
 * ```ts
 * gradeContextConformance(fixture, candidate, flags).context_conformance; // "none"
 * ```
 */
export function gradeContextConformance(
  fixture: GradedFixture,
  candidate: Candidate,
  flags: GradeFlags,
): GraderResult {
  const meta = fixture.meta;
  const expected = meta.expected_context_set_digest ?? "";
  const enforced = flags.contextConformance || meta.context_conformance === "required" ||
    expected !== "";
  const runtimeAllowed = flags.allowContextRuntimeDrift ||
    meta.allow_context_runtime_drift === true;
  const base: Record<string, unknown> = {
    candidate_runpack: candidate.path,
    enforced,
    runtime_drift_allowed: runtimeAllowed,
    expected_context_set_digest: expected || undefined,
    source_context_set_digest: fixture.loaded.content.refs.context_set_digest,
  };
  const grade = (codes: string[], failed: boolean, conformance: ContextConformance) =>
    result(fixture, "context_conformance", codes, failed, base, conformance);
  if (candidate.kind === "error") {
    base.error = candidate.error;
    return grade(["candidate_runpack_invalid"], true, "missing");
  }
  let classification: ContextDriftClassification;
  try {
    classification = classifyContextDrift(
      fixture.loaded.content.refs,
      candidate.loaded.content.refs,
    );
  } catch (error) {
    base.error = errorMessage(error);
    return grade(["context_diff_error"], true, "missing");
  }
  const candidateDigest = candidate.loaded.content.refs.context_set_digest ?? "";
  base.candidate_context_set_digest = candidateDigest || undefined;
  base.classification = classification;
  if (expected !== "" && candidateDigest !== expected && classification !== "runtime_only") {
    return grade(["context_set_digest_mismatch"], true, "semantic");
  }
  if (!enforced) return grade(["context_conformance_not_required"], false, classification);
  if (candidateDigest === "") return grade(["context_evidence_missing"], true, "missing");
  if (classification === "semantic") return grade(["context_semantic_drift"], true, "semantic");
  if (classification === "runtime_only" && !runtimeAllowed) {
    return grade(["context_runtime_drift_blocked"], true, "runtime_only");
  }
  return grade(["context_conformance_pass"], false, classification);
}
