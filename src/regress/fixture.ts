/**
 * Fixture metadata, `fixtures/<name>/fixture.json` (spec 03 §4).
 *
 * @module
 */

import { isHex64 } from "../core/digest.ts";
import { GaitError } from "../core/errors.ts";
import { goJson } from "../core/go_json.ts";
import { strictObject } from "./_strict.ts";
import { normalizeVerdict, type Verdict } from "./verdict.ts";

/** The schema id of fixture.json. */
export const FIXTURE_SCHEMA = "gait.regress.fixture";

/** Valid fixture (directory) names. */
export const FIXTURE_NAME_PATTERN = /^[a-z0-9][a-z0-9._-]*$/;

/** The file name of a fixture's metadata. */
export const FIXTURE_FILE = "fixture.json";

/** The file name a fixture's runpack is stored under. */
export const FIXTURE_RUNPACK_FILE = "runpack.zip";

/** fixture.json, in the Go struct's field order. */
export interface FixtureMeta {
  schema_id: string;
  schema_version: string;
  name: string;
  run_id: string;
  runpack: string;
  expected_replay_exit_code: number;
  expected_tool_sequence?: string[];
  expected_verdict_sequence?: Verdict[];
  candidate_runpack?: string;
  context_conformance?: "required" | "none";
  allow_context_runtime_drift?: boolean;
  expected_context_set_digest?: string;
  diff_allow_changed_files?: string[];
  session_chain?: string;
  checkpoint_index?: number;
}

const FIELDS = [
  "schema_id",
  "schema_version",
  "name",
  "run_id",
  "runpack",
  "expected_replay_exit_code",
  "expected_tool_sequence",
  "expected_verdict_sequence",
  "candidate_runpack",
  "context_conformance",
  "allow_context_runtime_drift",
  "expected_context_set_digest",
  "diff_allow_changed_files",
  "session_chain",
  "checkpoint_index",
] as const;

/**
 * The fixture name derived from a run id: lower-cased, every character
 * outside `[a-z0-9._-]` replaced by `-`, trimmed of `-._`; `fixture` when
 * nothing is left.
 *
 * @example
 * ```ts
 * fixtureNameFromRunId("Run Demo!"); // "run-demo"
 * ```
 */
export function fixtureNameFromRunId(runId: string): string {
  const name = runId.toLowerCase().replace(/[^a-z0-9._-]/g, "-").replace(/^[-._]+|[-._]+$/g, "");
  return name === "" ? "fixture" : name;
}

/**
 * Throws `invalid fixture name: <n>` unless the name matches
 * `^[a-z0-9][a-z0-9._-]*$`.
 *
 * @example
 * ```ts
 * assertFixtureName("run_demo");
 * ```
 */
export function assertFixtureName(name: string): void {
  if (!FIXTURE_NAME_PATTERN.test(name) || name.length > 200) {
    throw new GaitError("invalid_input", `invalid fixture name: ${name}`);
  }
}

function nonEmpty<T>(list: T[] | undefined): T[] | undefined {
  return list && list.length > 0 ? list : undefined;
}

/**
 * Parses fixture.json strictly (unknown fields and duplicate keys rejected).
 *
 * @example
 * ```ts
 * const meta = parseFixtureMeta(bytes, "fixtures/run_demo/fixture.json");
 * ```
 */
export function parseFixtureMeta(bytes: Uint8Array, label: string): FixtureMeta {
  const v = strictObject(bytes, label, FIELDS);
  const fail = (message: string) => new GaitError("invalid_input", `${label}: ${message}`);
  const schemaId = v.string("schema_id");
  if (schemaId !== "" && schemaId !== FIXTURE_SCHEMA) {
    throw fail(`unsupported schema_id ${JSON.stringify(schemaId)}`);
  }
  const schemaVersion = v.string("schema_version");
  if (schemaVersion !== "" && schemaVersion !== "1.0.0") {
    throw fail(`unsupported schema_version ${JSON.stringify(schemaVersion)}`);
  }
  const exit = v.integer("expected_replay_exit_code");
  if (exit < 0) throw fail("expected_replay_exit_code must be >= 0");
  const verdicts = v.stringArray("expected_verdict_sequence")?.map((raw, i) => {
    const verdict = normalizeVerdict(raw);
    if (!verdict) {
      throw fail(`expected_verdict_sequence[${i}]: unsupported verdict ${JSON.stringify(raw)}`);
    }
    return verdict;
  });
  const conformance = v.string("context_conformance").trim().toLowerCase();
  if (conformance !== "" && conformance !== "required" && conformance !== "none") {
    throw fail("context_conformance must be required or none");
  }
  const expectedDigest = v.string("expected_context_set_digest").trim().toLowerCase();
  if (expectedDigest !== "" && !isHex64(expectedDigest)) {
    throw fail("expected_context_set_digest must be 64 hex characters");
  }
  const runpack = v.string("runpack");
  if (runpack !== "" && (/[\\/]/.test(runpack) || runpack === "." || runpack === "..")) {
    throw fail("runpack must be a file name inside the fixture directory");
  }
  const checkpoint = v.integer("checkpoint_index");
  if (checkpoint < 0) throw fail("checkpoint_index must be >= 0");
  return {
    schema_id: schemaId || FIXTURE_SCHEMA,
    schema_version: schemaVersion || "1.0.0",
    name: v.string("name"),
    run_id: v.string("run_id"),
    runpack: runpack || FIXTURE_RUNPACK_FILE,
    expected_replay_exit_code: exit,
    expected_tool_sequence: nonEmpty(v.stringArray("expected_tool_sequence")),
    expected_verdict_sequence: nonEmpty(verdicts),
    candidate_runpack: v.string("candidate_runpack") || undefined,
    context_conformance: (conformance || undefined) as FixtureMeta["context_conformance"],
    allow_context_runtime_drift: v.bool("allow_context_runtime_drift") || undefined,
    expected_context_set_digest: expectedDigest || undefined,
    diff_allow_changed_files: nonEmpty(v.stringArray("diff_allow_changed_files")),
    session_chain: v.string("session_chain") || undefined,
    checkpoint_index: checkpoint || undefined,
  };
}

/**
 * fixture.json as written: two-space indent, struct order, trailing newline.
 *
 * @example
 * ```ts
 * renderFixtureMeta(meta).endsWith("}\n"); // true
 * ```
 */
export function renderFixtureMeta(meta: FixtureMeta): string {
  const ordered: Record<string, unknown> = {};
  for (const f of FIELDS) ordered[f] = meta[f];
  return goJson(ordered, { indent: "  " }) + "\n";
}

/**
 * True when a fixture declares any context expectation (which turns the
 * `context_conformance` grader on).
 *
 * @example
 * ```ts
 * hasContextExpectation({ ...meta, context_conformance: "required" }); // true
 * ```
 */
export function hasContextExpectation(meta: FixtureMeta): boolean {
  return meta.context_conformance !== undefined || meta.allow_context_runtime_drift === true ||
    meta.expected_context_set_digest !== undefined;
}
