/**
 * Capture receipts (spec 03 §3.7): a small, portable record that names an
 * explicit, verified source (a runpack, a trace, or a session-chain
 * checkpoint) for a later `gait regress add`.
 *
 * @module
 */

import { GaitError } from "../core/errors.ts";
import { goJson } from "../core/go_json.ts";
import { isJsonObject } from "../core/json_value.ts";
import { parseStrictJsonBytes } from "../core/strict_json.ts";
import { StructView } from "../core/struct_view.ts";
import { readFileLimited } from "../fs/atomic.ts";
import { isJsonPathArgument, readSessionChain, selectCheckpoint } from "../runpack/diff.ts";
import { resolveRunpack } from "../runpack/resolve.ts";
import { loadRunpackFile } from "./_load.ts";

/** The schema id of a capture receipt. */
export const CAPTURE_SCHEMA = "gait.capture.receipt";

/** The schema id of a trace record. */
export const TRACE_SCHEMA = "gait.gate.trace";

/** The default receipt path. */
export const DEFAULT_CAPTURE_PATH = "gait-out/capture.json";

const MAX_JSON_SOURCE_BYTES = 16 * 1024 * 1024;

/** A capture receipt, in field order. */
export interface CaptureReceipt {
  schema_id: string;
  schema_version: string;
  ok: boolean;
  from: string;
  artifact_type: "runpack" | "trace";
  artifact_path: string;
  session_chain_path?: string;
  run_id?: string;
  output_path: string;
}

/**
 * Resolves a capture source and checks it: a runpack (run id or path) must
 * verify; a session chain must link correctly and its selected checkpoint's
 * runpack must verify; a trace must be a `gait.gate.trace` record.
 *
 * @example
 * ```ts
 * const receipt = await captureSource("run_demo", "latest", "gait-out/capture.json", env);
 * ```
 */
export async function captureSource(
  from: string,
  checkpoint: string,
  outputPath: string,
  env: (name: string) => string | undefined,
): Promise<CaptureReceipt> {
  const base = { schema_id: CAPTURE_SCHEMA, schema_version: "1.0.0", ok: true, from };
  if (!isJsonPathArgument(from)) {
    const path = await resolveRunpack(from, env);
    const loaded = await loadRunpackFile(path, "runpack verification failed");
    return {
      ...base,
      artifact_type: "runpack",
      artifact_path: path,
      run_id: loaded.content.run.run_id,
      output_path: outputPath,
    };
  }
  const value = parseStrictJsonBytes(
    await readFileLimited(from, MAX_JSON_SOURCE_BYTES, "capture source"),
    { label: from },
  );
  const schemaId = isJsonObject(value) ? new StructView(value, from).string("schema_id") : "";
  if (schemaId === TRACE_SCHEMA) {
    const v = StructView.of(value, "trace");
    if (v.string("trace_id") === "") {
      throw new GaitError("invalid_input", `${from}: trace record has no trace_id`);
    }
    return {
      ...base,
      artifact_type: "trace",
      artifact_path: from,
      run_id: v.string("run_id") || undefined,
      output_path: outputPath,
    };
  }
  if (schemaId === "gait.runpack.session_chain") {
    const chain = await readSessionChain(from);
    const selected = selectCheckpoint(chain, checkpoint);
    const loaded = await loadRunpackFile(
      selected.runpack_path,
      `checkpoint ${selected.checkpoint_index} runpack verification failed`,
    );
    return {
      ...base,
      artifact_type: "runpack",
      artifact_path: selected.runpack_path,
      session_chain_path: from,
      run_id: loaded.content.run.run_id,
      output_path: outputPath,
    };
  }
  throw new GaitError(
    "invalid_input",
    `unsupported capture source ${from}: expected a runpack, a trace record (${TRACE_SCHEMA}) or a session chain`,
  );
}

/**
 * The receipt file: two-space indent, field order, trailing newline.
 *
 * @example
 * ```ts
 * renderCaptureReceipt(receipt).endsWith("}\n"); // true
 * ```
 */
export function renderCaptureReceipt(receipt: CaptureReceipt): string {
  return goJson({
    schema_id: receipt.schema_id,
    schema_version: receipt.schema_version,
    ok: receipt.ok,
    from: receipt.from,
    artifact_type: receipt.artifact_type,
    artifact_path: receipt.artifact_path,
    session_chain_path: receipt.session_chain_path,
    run_id: receipt.run_id,
    output_path: receipt.output_path,
  }, { indent: "  " }) + "\n";
}

/**
 * Reads a receipt written by `gait capture`.
 *
 * @example
 * ```ts
 * const receipt = await readCaptureReceipt("gait-out/capture.json");
 * ```
 */
export async function readCaptureReceipt(path: string): Promise<CaptureReceipt> {
  const value = parseStrictJsonBytes(
    await readFileLimited(path, MAX_JSON_SOURCE_BYTES, "capture receipt"),
    { label: path },
  );
  const v = StructView.of(value, path);
  if (v.string("schema_id") !== CAPTURE_SCHEMA) {
    throw new GaitError("invalid_input", `${path}: not a capture receipt`);
  }
  const type = v.string("artifact_type");
  if (type !== "runpack" && type !== "trace") {
    throw new GaitError(
      "invalid_input",
      `${path}: unsupported artifact_type ${JSON.stringify(type)}`,
    );
  }
  const artifactPath = v.string("artifact_path");
  if (artifactPath === "") {
    throw new GaitError("invalid_input", `${path}: artifact_path is required`);
  }
  return {
    schema_id: CAPTURE_SCHEMA,
    schema_version: v.string("schema_version"),
    ok: v.bool("ok"),
    from: v.string("from"),
    artifact_type: type,
    artifact_path: artifactPath,
    session_chain_path: v.string("session_chain_path") || undefined,
    run_id: v.string("run_id") || undefined,
    output_path: v.string("output_path"),
  };
}
