/**
 * Comparing two runs (spec 03 §3.4): runpacks by manifest, declared files,
 * intents, results and context refs; session chains by checkpoint. The
 * summary is a pure function of the two inputs, so the same pair always gives
 * the same bytes.
 *
 * @module
 */

import { canonicalJson } from "../core/canonical_json.ts";
import { GaitError } from "../core/errors.ts";
import { compareUtf8 } from "../core/go_json.ts";
import type { JsonObject } from "../core/json_value.ts";
import type { SessionChain } from "./_session_chain.ts";
import type {
  IntentRecord,
  RefsDocument,
  ResultRecord,
  RunpackContent,
  RunpackManifest,
} from "./types.ts";

export {
  isJsonPathArgument,
  readSessionChain,
  selectCheckpoint,
  type SessionChain,
} from "./_session_chain.ts";

/** `full` compares payloads; `metadata` compares digests and counts only. */
export type DiffPrivacy = "full" | "metadata";

/** How context evidence drifted between two runs. */
export type ContextDriftClassification = "none" | "runtime_only" | "semantic";

/** The diff summary, in the Go struct's field order. */
export interface DiffSummary {
  run_id_left: string;
  run_id_right: string;
  manifest_changed: boolean;
  files_changed?: string[];
  intents_changed: boolean;
  results_changed: boolean;
  refs_changed: boolean;
  left_only_intents?: string[];
  right_only_intents?: string[];
  left_only_results?: string[];
  right_only_results?: string[];
  context_drift_classification?: ContextDriftClassification;
  context_runtime_only_changes?: boolean;
}

/** A diff result. */
export interface DiffResult {
  /** True when nothing changed. */
  ok: boolean;
  privacy: DiffPrivacy;
  summary: DiffSummary;
}

/** One side of a runpack diff. */
export interface DiffSide {
  manifest: RunpackManifest;
  content: RunpackContent;
}

/**
 * Parses a `--privacy` value.
 *
 * @example
 * ```ts
 * parseDiffPrivacy("metadata"); // "metadata"
 * ```
 */
export function parseDiffPrivacy(value: string): DiffPrivacy {
  const v = value.trim().toLowerCase();
  if (v === "" || v === "full") return "full";
  if (v === "metadata") return "metadata";
  throw new GaitError(
    "invalid_input",
    `unsupported --privacy ${JSON.stringify(value)} (expected full or metadata)`,
  );
}

const RUN_HEADER = ["run_id", "producer_version", "created_at"] as const;

function withoutKeys(value: object, keys: readonly string[]): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...value };
  for (const k of keys) delete copy[k];
  return copy;
}

function manifestShape(manifest: RunpackManifest): string {
  return canonicalJson({
    schema_id: manifest.schema_id,
    schema_version: manifest.schema_version,
    capture_mode: manifest.capture_mode,
    files: (manifest.files ?? []).map((f) => ({ path: f.path })),
  });
}

function recordKeys(
  records: readonly (IntentRecord | ResultRecord)[],
  payload: "args" | "result",
  privacy: DiffPrivacy,
): Map<string, string> {
  const drop = privacy === "metadata" ? [...RUN_HEADER, payload] : [...RUN_HEADER];
  const out = new Map<string, string>();
  for (const r of records) {
    // Duplicate ids concatenate, so a repeated record is a change, not a silent pick.
    const text = canonicalJson(withoutKeys(r, drop));
    const prev = out.get(r.intent_id);
    out.set(r.intent_id, prev === undefined ? text : `${prev}\n${text}`);
  }
  return out;
}

function compareKeyed(left: Map<string, string>, right: Map<string, string>) {
  const leftOnly = [...left.keys()].filter((k) => !right.has(k)).sort(compareUtf8);
  const rightOnly = [...right.keys()].filter((k) => !left.has(k)).sort(compareUtf8);
  let changed = leftOnly.length > 0 || rightOnly.length > 0;
  for (const [k, v] of left) if (right.has(k) && right.get(k) !== v) changed = true;
  return { changed, leftOnly, rightOnly };
}

function refsShape(refs: RefsDocument, runtime: boolean): string {
  const doc = withoutKeys(refs, RUN_HEADER) as JsonObject;
  if (runtime) {
    delete doc.context_set_digest;
    doc.receipts = refs.receipts.map((r) => withoutKeys(r, ["retrieved_at"]) as JsonObject);
  }
  return canonicalJson(doc);
}

/**
 * Classifies how two refs documents differ: `none` when equal (ignoring the
 * run header), `runtime_only` when only `context_set_digest` and receipt
 * `retrieved_at` values differ, else `semantic`.
 *
 * @example
 * ```ts
 * classifyContextDrift(left.refs, right.refs); // "none"
 * ```
 */
export function classifyContextDrift(
  left: RefsDocument,
  right: RefsDocument,
): ContextDriftClassification {
  if (refsShape(left, false) === refsShape(right, false)) return "none";
  if (refsShape(left, true) === refsShape(right, true)) return "runtime_only";
  return "semantic";
}

function nonEmpty(list: string[]): string[] | undefined {
  return list.length > 0 ? list : undefined;
}

/**
 * Diffs two verified runpacks.
 *
 * @example
 * ```ts
 * const diff = diffRunpacks(await loadRunpack(a), await loadRunpack(b), "full");
 * diff.ok; // true when nothing changed
 * ```
 */
export function diffRunpacks(left: DiffSide, right: DiffSide, privacy: DiffPrivacy): DiffResult {
  const manifestChanged = manifestShape(left.manifest) !== manifestShape(right.manifest);
  const leftFiles = new Set((left.manifest.files ?? []).map((f) => f.path));
  const rightFiles = new Set((right.manifest.files ?? []).map((f) => f.path));
  const filesChanged = [
    ...[...leftFiles].filter((p) => !rightFiles.has(p)),
    ...[...rightFiles].filter((p) => !leftFiles.has(p)),
  ].sort(compareUtf8);
  const intents = compareKeyed(
    recordKeys(left.content.intents, "args", privacy),
    recordKeys(right.content.intents, "args", privacy),
  );
  const results = compareKeyed(
    recordKeys(left.content.results, "result", privacy),
    recordKeys(right.content.results, "result", privacy),
  );
  let refsChanged: boolean;
  let classification: ContextDriftClassification;
  if (privacy === "metadata") {
    refsChanged = left.content.refs.receipts.length !== right.content.refs.receipts.length;
    classification = "none";
  } else {
    classification = classifyContextDrift(left.content.refs, right.content.refs);
    refsChanged = classification !== "none";
  }
  const summary: DiffSummary = {
    run_id_left: left.content.run.run_id,
    run_id_right: right.content.run.run_id,
    manifest_changed: manifestChanged,
    files_changed: nonEmpty(filesChanged),
    intents_changed: intents.changed,
    results_changed: results.changed,
    refs_changed: refsChanged,
    left_only_intents: nonEmpty(intents.leftOnly),
    right_only_intents: nonEmpty(intents.rightOnly),
    left_only_results: nonEmpty(results.leftOnly),
    right_only_results: nonEmpty(results.rightOnly),
    context_drift_classification: classification,
    context_runtime_only_changes: classification === "runtime_only" ? true : undefined,
  };
  const ok = !manifestChanged && filesChanged.length === 0 && !intents.changed &&
    !results.changed && !refsChanged;
  return { ok, privacy, summary };
}

function checkpointShape(c: SessionChain["checkpoints"][number]): string {
  return canonicalJson({
    manifest_digest: c.manifest_digest.toLowerCase(),
    sequence_start: c.sequence_start,
    sequence_end: c.sequence_end,
  });
}

/**
 * Diffs two session chains checkpoint by checkpoint: a checkpoint present on
 * both sides whose runpack or sequence range differs is `checkpoint_<i>`;
 * one present on one side only is `left_only_checkpoint_<i>` or
 * `right_only_checkpoint_<i>`.
 *
 * @example
 * ```ts
 * diffSessionChains(await readSessionChain(a), await readSessionChain(b), "full").summary.files_changed;
 * ```
 */
export function diffSessionChains(
  left: SessionChain,
  right: SessionChain,
  privacy: DiffPrivacy,
): DiffResult {
  const changed: string[] = [];
  const count = Math.max(left.checkpoints.length, right.checkpoints.length);
  for (let i = 0; i < count; i++) {
    const l = left.checkpoints[i];
    const r = right.checkpoints[i];
    const index = (l ?? r)!.checkpoint_index;
    if (l && r) {
      if (checkpointShape(l) !== checkpointShape(r)) changed.push(`checkpoint_${index}`);
    } else if (l) {
      changed.push(`left_only_checkpoint_${index}`);
    } else {
      changed.push(`right_only_checkpoint_${index}`);
    }
  }
  return {
    ok: changed.length === 0,
    privacy,
    summary: {
      run_id_left: left.run_id,
      run_id_right: right.run_id,
      manifest_changed: false,
      files_changed: nonEmpty(changed),
      intents_changed: false,
      results_changed: false,
      refs_changed: false,
    },
  };
}

/**
 * The names of the runpack files a diff touched: `files_changed` plus
 * manifest.json, intents.jsonl, results.jsonl and refs.json for each changed
 * class, sorted (what the regress `diff` grader checks against its allow-list).
 *
 * @example
 * ```ts
 * changedFileNames(diff.summary); // ["intents.jsonl"]
 * ```
 */
export function changedFileNames(summary: DiffSummary): string[] {
  const out = new Set(summary.files_changed ?? []);
  if (summary.manifest_changed) out.add("manifest.json");
  if (summary.intents_changed) out.add("intents.jsonl");
  if (summary.results_changed) out.add("results.jsonl");
  if (summary.refs_changed) out.add("refs.json");
  return [...out].sort(compareUtf8);
}
