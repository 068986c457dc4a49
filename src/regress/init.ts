/**
 * `regress init` / `regress add`: turn a verified run into a fixture under
 * `./fixtures/<name>/` and regenerate `./gait.yaml` (spec 03 §4).
 *
 * Everything is checked before anything is written: the source must verify,
 * the existing fixtures must be readable, and the config must parse; only
 * then are the runpack, fixture.json and gait.yaml written, each atomically.
 *
 * @module
 */

import { GaitError } from "../core/errors.ts";
import { isJsonObject } from "../core/json_value.ts";
import { parseStrictJsonBytes } from "../core/strict_json.ts";
import { StructView } from "../core/struct_view.ts";
import { ensureDir, joinPath, pathExists, readFileLimited, writeFileAtomic } from "../fs/atomic.ts";
import {
  isJsonPathArgument,
  readSessionChain,
  selectCheckpoint,
  type SessionChain,
} from "../runpack/diff.ts";
import { replayRunpack } from "../runpack/replay.ts";
import { resolveRunpack } from "../runpack/resolve.ts";
import { type LoadedRunpackBytes, loadRunpackFile } from "./_load.ts";
import { CAPTURE_SCHEMA, readCaptureReceipt } from "./capture.ts";
import {
  configFromFixtures,
  DEFAULT_CONFIG_PATH,
  FIXTURES_DIR,
  MAX_REGRESS_DOC_BYTES,
  parseRegressConfig,
  renderRegressConfig,
  scanFixtures,
} from "./config.ts";
import {
  assertFixtureName,
  FIXTURE_FILE,
  FIXTURE_RUNPACK_FILE,
  FIXTURE_SCHEMA,
  type FixtureMeta,
  fixtureNameFromRunId,
  renderFixtureMeta,
} from "./fixture.ts";
import { toolSequence, verdictSequence } from "./verdict.ts";

/** The failure message when a source does not verify. */
export const SOURCE_INTEGRITY_FAILED = "source runpack failed integrity checks";

/** Options of {@link initFixture}. */
export interface InitOptions {
  /** `--from`: a run id, a runpack or pack path, a session chain, or (add) a capture receipt. */
  from: string;
  /** `--checkpoint` for session-chain sources (`latest` or an index). */
  checkpoint?: string;
  /** `--name`; derived from the run id when empty. */
  name?: string;
  /** Accept a capture receipt as the source (`regress add`). */
  allowCaptureReceipt?: boolean;
  /** Reads an environment variable (run id resolution). */
  env: (name: string) => string | undefined;
}

/** What init wrote. */
export interface InitResult {
  run_id: string;
  fixture_name: string;
  fixture_dir: string;
  runpack_path: string;
  config_path: string;
  /** The file the fixture was made from (a capture receipt for `add`, else the runpack). */
  source: string;
  next_commands: string[];
}

interface ResolvedSource {
  runpackPath: string;
  source: string;
  sessionChain?: SessionChain;
  checkpointIndex?: number;
}

async function jsonSchemaId(path: string): Promise<string> {
  const value = parseStrictJsonBytes(
    await readFileLimited(path, MAX_REGRESS_DOC_BYTES * 4, "regress source"),
    { label: path },
  );
  return isJsonObject(value) ? new StructView(value, path).string("schema_id") : "";
}

async function resolveSource(options: InitOptions): Promise<ResolvedSource> {
  const from = options.from.trim();
  if (from === "") throw new GaitError("invalid_input", "missing required --from");
  if (!isJsonPathArgument(from)) {
    const path = await resolveRunpack(from, options.env);
    return { runpackPath: path, source: path };
  }
  const schemaId = await jsonSchemaId(from);
  if (schemaId === CAPTURE_SCHEMA) {
    if (!options.allowCaptureReceipt) {
      throw new GaitError(
        "invalid_input",
        `${from} is a capture receipt; use gait regress add --from ${from}`,
      );
    }
    const receipt = await readCaptureReceipt(from);
    if (receipt.artifact_type !== "runpack") {
      throw new GaitError(
        "invalid_input",
        `capture receipt artifact_type must be runpack (got ${receipt.artifact_type})`,
      );
    }
    return { runpackPath: receipt.artifact_path, source: from };
  }
  if (schemaId === "gait.runpack.session_chain") {
    const chain = await readSessionChain(from);
    const checkpoint = selectCheckpoint(chain, options.checkpoint ?? "latest");
    return {
      runpackPath: checkpoint.runpack_path,
      source: checkpoint.runpack_path,
      sessionChain: chain,
      checkpointIndex: checkpoint.checkpoint_index,
    };
  }
  throw new GaitError(
    "invalid_input",
    `unsupported regress source ${from}: expected a run id, a runpack or pack zip, or a session chain`,
  );
}

async function loadSource(path: string): Promise<LoadedRunpackBytes> {
  try {
    return await loadRunpackFile(path, SOURCE_INTEGRITY_FAILED);
  } catch (error) {
    // Go reports every init failure as invalid input (exit 6).
    if (error instanceof GaitError && error.category === "verification_failed") {
      throw new GaitError("invalid_input", error.message, { details: error.details });
    }
    throw error;
  }
}

async function existingFixtureSet(): Promise<string> {
  if (!(await pathExists(DEFAULT_CONFIG_PATH))) return "default";
  const bytes = await readFileLimited(DEFAULT_CONFIG_PATH, MAX_REGRESS_DOC_BYTES, "regress config");
  return parseRegressConfig(bytes, DEFAULT_CONFIG_PATH).fixture_set;
}

/**
 * The metadata init writes for a loaded run: tool and verdict sequences,
 * the stub-replay exit code as the expected one, and context expectations
 * when the run carries a context set digest.
 *
 * @example
 * ```ts
 * const meta = await fixtureMetaFor("run_demo", loaded);
 * ```
 */
export async function fixtureMetaFor(
  name: string,
  loaded: LoadedRunpackBytes,
): Promise<FixtureMeta> {
  const { content } = loaded;
  let replayExit: number;
  try {
    replayExit = (await replayRunpack(content)).ok ? 0 : 2;
  } catch (error) {
    throw new GaitError(
      "invalid_input",
      `source runpack cannot be replayed: ${error instanceof Error ? error.message : error}`,
    );
  }
  const contextDigest = content.refs.context_set_digest;
  const tools = toolSequence(content);
  const verdicts = verdictSequence(content);
  return {
    schema_id: FIXTURE_SCHEMA,
    schema_version: "1.0.0",
    name,
    run_id: content.run.run_id,
    runpack: FIXTURE_RUNPACK_FILE,
    expected_replay_exit_code: replayExit,
    expected_tool_sequence: tools.length > 0 ? tools : undefined,
    expected_verdict_sequence: verdicts.length > 0 ? verdicts : undefined,
    context_conformance: contextDigest ? "required" : undefined,
    expected_context_set_digest: contextDigest || undefined,
  };
}

/**
 * Creates (or overwrites) the fixture for a source and regenerates gait.yaml.
 *
 * @example
 * ```ts
 * const result = await initFixture({ from: "run_demo", env: (n) => Deno.env.get(n) });
 * result.runpack_path; // "fixtures/run_demo/runpack.zip"
 * ```
 */
export async function initFixture(options: InitOptions): Promise<InitResult> {
  const source = await resolveSource(options);
  const loaded = await loadSource(source.runpackPath);
  const runId = loaded.content.run.run_id;
  const name = options.name?.trim() ? options.name.trim() : fixtureNameFromRunId(runId);
  assertFixtureName(name);
  const meta = await fixtureMetaFor(name, loaded);
  if (source.sessionChain) {
    meta.session_chain = source.sessionChain.path;
    meta.checkpoint_index = source.checkpointIndex;
  }
  const fixtureSet = await existingFixtureSet();
  const fixtures = await scanFixtures(FIXTURES_DIR, new Map([[name, meta]]));
  const config = configFromFixtures(fixtures, fixtureSet);

  const fixtureDir = joinPath(FIXTURES_DIR, name);
  const runpackPath = joinPath(fixtureDir, FIXTURE_RUNPACK_FILE);
  await ensureDir(fixtureDir);
  await writeFileAtomic(runpackPath, loaded.bytes, { mode: 0o600 });
  await writeFileAtomic(joinPath(fixtureDir, FIXTURE_FILE), renderFixtureMeta(meta), {
    mode: 0o600,
  });
  await writeFileAtomic(DEFAULT_CONFIG_PATH, renderRegressConfig(config), { mode: 0o600 });
  return {
    run_id: runId,
    fixture_name: name,
    fixture_dir: fixtureDir,
    runpack_path: runpackPath,
    config_path: DEFAULT_CONFIG_PATH,
    source: source.source,
    next_commands: ["gait regress run --json"],
  };
}
