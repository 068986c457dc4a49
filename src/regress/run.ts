/**
 * `regress run` (spec 03 §4): load every configured fixture (any load error
 * is invalid input and writes nothing), run the graders, write
 * regress_result.json (always) and JUnit (when asked).
 *
 * @module
 */

import { GaitError } from "../core/errors.ts";
import { compareUtf8, goJson } from "../core/go_json.ts";
import {
  basename,
  dirname,
  joinPath,
  pathExists,
  readFileLimited,
  writeFileAtomic,
} from "../fs/atomic.ts";
import { EPOCH_1980 } from "../runpack/normalize.ts";
import { loadRunpackFile } from "./_load.ts";
import { DEFAULT_CONFIG_PATH, MAX_REGRESS_DOC_BYTES, readRegressConfig } from "./config.ts";
import {
  assertFixtureName,
  FIXTURE_FILE,
  hasContextExpectation,
  parseFixtureMeta,
} from "./fixture.ts";
import {
  type Candidate,
  gradeContextConformance,
  type GradedFixture,
  gradeDiff,
  gradeExpectedExitCode,
  type GraderResult,
  gradeSchemaValidation,
  gradeTrajectory,
} from "./graders.ts";
import { renderJunitXml } from "./junit.ts";

/** The schema id of regress_result.json. */
export const RESULT_SCHEMA = "gait.regress.result";

/** The default result path. */
export const DEFAULT_OUTPUT_PATH = "regress_result.json";

/** regress_result.json. */
export interface RegressResultDocument {
  schema_id: string;
  schema_version: string;
  created_at: string;
  producer_version: string;
  fixture_set: string;
  status: "pass" | "fail";
  graders: GraderResult[];
}

/** Options of {@link runRegress}. */
export interface RegressRunOptions {
  configPath?: string;
  outputPath?: string;
  junitPath?: string;
  contextConformance?: boolean;
  allowContextRuntimeDrift?: boolean;
  producerVersion: string;
}

/** What a regress run produced. */
export interface RegressRunResult {
  result: RegressResultDocument;
  failed: number;
  /** The first reason code of the first failing grader (or `grader_failed`). */
  top_failure_reason?: string;
  /** The command to re-run on failure. */
  next_command?: string;
  output: string;
  junit?: string;
  artifact_paths: string[];
}

function isAbsolute(path: string): boolean {
  return path.startsWith("/") || /^[A-Za-z]:[\\/]/.test(path) || path.startsWith("\\\\");
}

async function loadFixtures(configPath: string): Promise<{
  fixtureSet: string;
  fixtures: GradedFixture[];
}> {
  const config = await readRegressConfig(configPath);
  if (config.fixtures.length === 0) throw new GaitError("invalid_input", "no fixtures configured");
  const seen = new Set<string>();
  const fixtures: GradedFixture[] = [];
  for (const entry of config.fixtures) {
    assertFixtureName(entry.name);
    if (seen.has(entry.name)) {
      throw new GaitError(
        "invalid_input",
        `duplicate fixture name in ${configPath}: ${entry.name}`,
      );
    }
    seen.add(entry.name);
    const fail = (message: string) =>
      new GaitError("invalid_input", `fixture ${entry.name}: ${message}`);
    if (entry.runpack.trim() === "") throw fail("runpack path is required");
    if (!(await pathExists(entry.runpack))) throw fail(`runpack not found: ${entry.runpack}`);
    const metaPath = joinPath(dirname(entry.runpack), FIXTURE_FILE);
    if (!(await pathExists(metaPath))) throw fail(`fixture metadata missing: ${metaPath}`);
    const meta = parseFixtureMeta(
      await readFileLimited(metaPath, MAX_REGRESS_DOC_BYTES, "fixture metadata"),
      metaPath,
    );
    if (meta.name !== entry.name) {
      throw fail(`${metaPath} names fixture ${JSON.stringify(meta.name)}`);
    }
    if (entry.run_id !== "" && entry.run_id !== meta.run_id) {
      throw fail(
        `run_id ${entry.run_id} in ${configPath} does not match ${metaPath} (${meta.run_id})`,
      );
    }
    if (basename(entry.runpack) !== meta.runpack) {
      throw fail(`runpack ${entry.runpack} does not match ${metaPath} runpack ${meta.runpack}`);
    }
    let loaded;
    try {
      loaded = await loadRunpackFile(
        entry.runpack,
        `fixture ${entry.name} runpack failed integrity checks`,
      );
    } catch (error) {
      if (error instanceof GaitError && error.category === "verification_failed") {
        throw new GaitError("invalid_input", error.message, { details: error.details });
      }
      throw error;
    }
    if (loaded.content.run.run_id !== meta.run_id) {
      throw fail(
        `runpack run_id ${loaded.content.run.run_id} does not match fixture run_id ${meta.run_id}`,
      );
    }
    fixtures.push({ name: entry.name, meta, loaded, runpackPath: entry.runpack });
  }
  return { fixtureSet: config.fixture_set, fixtures };
}

async function loadCandidate(fixture: GradedFixture, fixtureDir: string): Promise<Candidate> {
  const relative = fixture.meta.candidate_runpack;
  if (relative === undefined) {
    return { kind: "fixture", path: fixture.runpackPath, loaded: fixture.loaded };
  }
  const path = isAbsolute(relative) ? relative : joinPath(fixtureDir, relative);
  let isFile = false;
  try {
    isFile = (await Deno.stat(path)).isFile;
  } catch {
    isFile = false;
  }
  if (!isFile) {
    return {
      kind: "error",
      path,
      code: "candidate_path_invalid",
      error: `candidate runpack not found: ${path}`,
    };
  }
  try {
    const loaded = await loadRunpackFile(path, "candidate runpack failed integrity checks");
    return { kind: "candidate", path, loaded };
  } catch (error) {
    return {
      kind: "error",
      path,
      code: "candidate_runpack_invalid",
      error: error instanceof Error ? error.message : String(error),
    };
  }
}

async function canonicalPath(path: string): Promise<string> {
  try {
    return await Deno.realPath(path);
  } catch {
    return joinPath(path);
  }
}

/** Refuses a run whose result or JUnit file would overwrite the config (or each other). */
async function assertDistinctPaths(config: string, output: string, junit?: string): Promise<void> {
  const paths = [config, output, ...(junit ? [junit] : [])];
  const seen = new Set<string>();
  for (const p of await Promise.all(paths.map(canonicalPath))) {
    if (seen.has(p)) {
      throw new GaitError(
        "invalid_input",
        "--config, --output and --junit must name different files",
      );
    }
    seen.add(p);
  }
}

function sortDetails(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortDetails);
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort(compareUtf8)) {
      out[k] = sortDetails((value as Record<string, unknown>)[k]);
    }
    return out;
  }
  return value;
}

/**
 * regress_result.json as written: pretty, struct order, free-form `details`
 * with sorted keys, trailing newline.
 *
 * @example
 * ```ts
 * renderRegressResult(result.result).endsWith("}\n"); // true
 * ```
 */
export function renderRegressResult(doc: RegressResultDocument): string {
  return goJson({
    schema_id: doc.schema_id,
    schema_version: doc.schema_version,
    created_at: doc.created_at,
    producer_version: doc.producer_version,
    fixture_set: doc.fixture_set,
    status: doc.status,
    graders: doc.graders.map((g) => ({
      name: g.name,
      status: g.status,
      reason_codes: g.reason_codes,
      context_conformance: g.context_conformance,
      details: sortDetails(g.details),
    })),
  }, { indent: "  " }) + "\n";
}

/**
 * Runs every grader of every configured fixture and writes the results.
 *
 * @example
 * ```ts
 * const run = await runRegress({ producerVersion: "0.0.0-dev", junitPath: "gait-out/junit.xml" });
 * run.result.status; // "pass"
 * ```
 */
export async function runRegress(options: RegressRunOptions): Promise<RegressRunResult> {
  const configPath = options.configPath || DEFAULT_CONFIG_PATH;
  const outputPath = options.outputPath || DEFAULT_OUTPUT_PATH;
  await assertDistinctPaths(configPath, outputPath, options.junitPath);
  const { fixtureSet, fixtures } = await loadFixtures(configPath);
  const flags = {
    contextConformance: options.contextConformance === true,
    allowContextRuntimeDrift: options.allowContextRuntimeDrift === true,
  };
  const withContext = flags.contextConformance ||
    fixtures.some((f) => hasContextExpectation(f.meta));
  const graders: GraderResult[] = [];
  for (const fixture of fixtures) {
    const candidate = await loadCandidate(fixture, dirname(fixture.runpackPath));
    graders.push(
      gradeSchemaValidation(fixture),
      await gradeExpectedExitCode(fixture),
      gradeTrajectory(fixture, candidate),
      gradeDiff(fixture, candidate),
    );
    if (withContext) graders.push(gradeContextConformance(fixture, candidate, flags));
  }
  graders.sort((a, b) => compareUtf8(a.name, b.name));
  const failing = graders.filter((g) => g.status === "fail");
  const status = failing.length > 0 ? "fail" : "pass";
  const result: RegressResultDocument = {
    schema_id: RESULT_SCHEMA,
    schema_version: "1.0.0",
    created_at: fixtures[0]?.loaded.content.run.created_at ?? EPOCH_1980,
    producer_version: options.producerVersion,
    fixture_set: fixtureSet,
    status,
    graders,
  };
  await writeFileAtomic(outputPath, renderRegressResult(result), {
    mode: 0o600,
    createParents: true,
  });
  const artifactPaths = [outputPath];
  if (options.junitPath) {
    await writeFileAtomic(options.junitPath, renderJunitXml(fixtureSet, graders), {
      mode: 0o600,
      createParents: true,
    });
    artifactPaths.push(options.junitPath);
  }
  const first = failing[0];
  return {
    result,
    failed: failing.length,
    top_failure_reason: first ? (first.reason_codes[0] ?? "grader_failed") : undefined,
    next_command: first
      ? (configPath === DEFAULT_CONFIG_PATH
        ? "gait regress run --json"
        : `gait regress run --config ${configPath} --json`)
      : undefined,
    output: outputPath,
    junit: options.junitPath || undefined,
    artifact_paths: artifactPaths,
  };
}
