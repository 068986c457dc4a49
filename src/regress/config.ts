/**
 * The regress configuration `gait.yaml` (spec 03 §4). Despite its name it is
 * JSON, written pretty and read strictly, and it is regenerated from
 * `fixtures/*\/` by every init, add and bootstrap.
 *
 * @module
 */

import { GaitError } from "../core/errors.ts";
import { compareUtf8, goJson } from "../core/go_json.ts";
import { joinPath, pathExists, readFileLimited } from "../fs/atomic.ts";
import { strictObject, strictView } from "./_strict.ts";
import {
  FIXTURE_FILE,
  FIXTURE_NAME_PATTERN,
  FIXTURE_RUNPACK_FILE,
  type FixtureMeta,
  parseFixtureMeta,
} from "./fixture.ts";

/** The schema id of gait.yaml. */
export const CONFIG_SCHEMA = "gait.regress.config";

/** The default config path. */
export const DEFAULT_CONFIG_PATH = "gait.yaml";

/** The fixtures directory (relative to the working directory). */
export const FIXTURES_DIR = "fixtures";

/** Largest gait.yaml or fixture.json read. */
export const MAX_REGRESS_DOC_BYTES = 4 * 1024 * 1024;

/** One configured fixture. */
export interface ConfigFixture {
  name: string;
  run_id: string;
  runpack: string;
}

/** gait.yaml. */
export interface RegressConfig {
  schema_id: string;
  schema_version: string;
  fixture_set: string;
  fixtures: ConfigFixture[];
}

/**
 * Parses gait.yaml strictly: JSON, no duplicate or unknown keys; empty
 * schema fields are accepted, other values rejected; an empty fixture_set
 * becomes `default`.
 *
 * @example
 * ```ts
 * const config = parseRegressConfig(bytes, "gait.yaml");
 * ```
 */
export function parseRegressConfig(bytes: Uint8Array, label: string): RegressConfig {
  const v = strictObject(bytes, label, ["schema_id", "schema_version", "fixture_set", "fixtures"]);
  const schemaId = v.string("schema_id");
  if (schemaId !== "" && schemaId !== CONFIG_SCHEMA) {
    throw new GaitError(
      "invalid_input",
      `${label}: unsupported schema_id ${JSON.stringify(schemaId)}`,
    );
  }
  const version = v.string("schema_version");
  if (version !== "" && version !== "1.0.0") {
    throw new GaitError(
      "invalid_input",
      `${label}: unsupported schema_version ${JSON.stringify(version)}`,
    );
  }
  const fixtures = (v.array("fixtures") ?? []).map((item, i) => {
    const f = strictView(item, `${label}: fixtures[${i}]`, ["name", "run_id", "runpack"]);
    return { name: f.string("name"), run_id: f.string("run_id"), runpack: f.string("runpack") };
  });
  return {
    schema_id: CONFIG_SCHEMA,
    schema_version: "1.0.0",
    fixture_set: v.string("fixture_set").trim() || "default",
    fixtures,
  };
}

/**
 * Reads and parses a config file (exit 6 when it is missing or malformed).
 *
 * @example
 * ```ts
 * const config = await readRegressConfig("gait.yaml");
 * ```
 */
export async function readRegressConfig(path: string): Promise<RegressConfig> {
  const bytes = await readFileLimited(path, MAX_REGRESS_DOC_BYTES, "regress config");
  return parseRegressConfig(bytes, path);
}

/**
 * gait.yaml as written: pretty JSON in struct order with a trailing newline.
 *
 * @example
 * ```ts
 * renderRegressConfig(config);
 * ```
 */
export function renderRegressConfig(config: RegressConfig): string {
  return goJson({
    schema_id: config.schema_id,
    schema_version: config.schema_version,
    fixture_set: config.fixture_set,
    fixtures: config.fixtures.map((f) => ({ name: f.name, run_id: f.run_id, runpack: f.runpack })),
  }, { indent: "  " }) + "\n";
}

/** A fixture found on disk. */
export interface ScannedFixture {
  name: string;
  meta: FixtureMeta;
}

/**
 * Lists `fixtures/*\/` in byte order: directories whose names are not valid
 * fixture names, or that hold neither fixture.json nor runpack.zip, are
 * skipped; a runpack.zip without fixture.json is an error. `overrides`
 * replaces (or adds) metadata not yet written to disk.
 *
 * @example
 * ```ts
 * const fixtures = await scanFixtures("fixtures");
 * ```
 */
export async function scanFixtures(
  dir: string,
  overrides: ReadonlyMap<string, FixtureMeta> = new Map(),
): Promise<ScannedFixture[]> {
  const names = new Set<string>(overrides.keys());
  if (await pathExists(dir)) {
    try {
      for await (const entry of Deno.readDir(dir)) {
        if (entry.isDirectory && FIXTURE_NAME_PATTERN.test(entry.name)) names.add(entry.name);
      }
    } catch (error) {
      if (error instanceof GaitError) throw error;
      throw new GaitError("io_failure", `read fixtures directory ${dir}: ${String(error)}`);
    }
  }
  const out: ScannedFixture[] = [];
  for (const name of [...names].sort(compareUtf8)) {
    const override = overrides.get(name);
    if (override) {
      out.push({ name, meta: override });
      continue;
    }
    const metaPath = joinPath(dir, name, FIXTURE_FILE);
    if (!(await pathExists(metaPath))) {
      if (await pathExists(joinPath(dir, name, FIXTURE_RUNPACK_FILE))) {
        throw new GaitError("invalid_input", `fixture metadata missing for ${name}`);
      }
      continue;
    }
    const meta = parseFixtureMeta(
      await readFileLimited(metaPath, MAX_REGRESS_DOC_BYTES, "fixture metadata"),
      metaPath,
    );
    if (meta.name !== name) {
      throw new GaitError(
        "invalid_input",
        `${metaPath}: name ${JSON.stringify(meta.name)} does not match its directory ${name}`,
      );
    }
    out.push({ name, meta });
  }
  return out;
}

/**
 * The config regenerated from scanned fixtures.
 *
 * @example
 * ```ts
 * const config = configFromFixtures(await scanFixtures("fixtures"), "default");
 * ```
 */
export function configFromFixtures(
  fixtures: readonly ScannedFixture[],
  fixtureSet: string,
): RegressConfig {
  return {
    schema_id: CONFIG_SCHEMA,
    schema_version: "1.0.0",
    fixture_set: fixtureSet || "default",
    fixtures: fixtures.map((f) => ({
      name: f.name,
      run_id: f.meta.run_id,
      runpack: `${FIXTURES_DIR}/${f.name}/${f.meta.runpack}`,
    })),
  };
}
