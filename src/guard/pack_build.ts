/**
 * Building guard evidence packs `evidence_pack_<pack_id>.zip` (spec 01 §8):
 * summaries of a verified runpack, evidence files, the control index and
 * evidence pointers of a compliance template, an optional PDF summary, the
 * manifest with `pack_id`, and an optional signature.
 *
 * @module
 */

import { writeDeterministicZip } from "../archive/mod.ts";
import { canonicalJsonBytes } from "../core/canonical_json.ts";
import { sha256Hex } from "../core/digest.ts";
import { GaitError } from "../core/errors.ts";
import { compareUtf8 } from "../core/go_json.ts";
import { toUtcTimestamp } from "../core/timestamp.ts";
import { signDigest } from "../crypto/signature.ts";
import type { PrivateKeyMaterial } from "../crypto/key_material.ts";
import { basename, dirname, joinPath } from "../fs/atomic.ts";
import { type LoadedRunpack, loadRunpack } from "../runpack/read.ts";
import type { RunpackContent } from "../runpack/types.ts";
import {
  evidenceEntries,
  normalizeEvidencePaths,
  readRegressFiles,
  readTraceFiles,
  regressSummaryBytes,
  traceSummaryBytes,
} from "./evidence.ts";
import { computeGuardSignableDigest, computePackId } from "./manifest.ts";
import { renderSummaryPdf } from "./pdf.ts";
import {
  buildControlIndex,
  buildEvidencePointers,
  normalizeTemplateId,
  packEntryType,
  type TemplateId,
  TEMPLATES,
} from "./templates.ts";
import {
  GUARD_SCHEMA_VERSION,
  type GuardPackManifest,
  GuardSchema,
  type IncidentWindow,
  PACK_MANIFEST_ENTRY,
  type PackEntry,
} from "./types.ts";

/** Options of {@link buildGuardPack}. */
export interface GuardPackOptions {
  /** The runpack file (verified before anything is read from it). */
  runpackPath: string;
  /** The runpack, when the caller has already loaded (and so verified) it. */
  runpack?: LoadedRunpack;
  /** Output path; default `<runpack dir>/evidence_pack_<pack_id>.zip`. */
  outputPath?: string;
  /** `case_id` of the manifest. */
  caseId?: string;
  /** Template as given by the user (normalized here; blank is soc2). */
  template?: string;
  /** Add `summary.pdf`. */
  renderPdf?: boolean;
  /** Inventory snapshot files (comma lists allowed). */
  inventoryPaths?: readonly string[];
  /** Trace record files summarized into `trace_summary.json`. */
  tracePaths?: readonly string[];
  /** Regress result files summarized into `regress_summary.json`. */
  regressPaths?: readonly string[];
  /** Approval audit files; when empty they are discovered next to the runpack. */
  approvalAuditPaths?: readonly string[];
  /** Credential evidence files; when empty they are discovered next to the runpack. */
  credentialEvidencePaths?: readonly string[];
  /** Discover approval audit and credential evidence files (default true). */
  discoverAuditEvidence?: boolean;
  /** Further report files by pack path (e.g. `policy_digests.json`). */
  extraFiles?: Readonly<Record<string, Uint8Array>>;
  /** `incident_window` of an incident pack. */
  incidentWindow?: IncidentWindow;
  /** Signs the manifest when set. */
  signer?: PrivateKeyMaterial | null;
  /** `producer_version` of the manifest. */
  producerVersion: string;
}

/** A written evidence pack. */
export interface GuardPackResult {
  /** Where the pack was written. */
  path: string;
  /** The manifest as written. */
  manifest: GuardPackManifest;
  /** The normalized template. */
  templateId: TemplateId;
  /** The run id. */
  runId: string;
}

/** Prefixes of the evidence files discovered next to a runpack. */
const DISCOVERED = {
  approvalAudit: "approval_audit_",
  credentialEvidence: "credential_evidence_",
} as const;

/**
 * Lists `<prefix>*.json` regular files in a directory (symlinks are not
 * followed); a missing directory has none.
 *
 * @example
 * ```ts
 * await listEvidenceFiles("gait-out", "approval_audit_"); // ["gait-out/approval_audit_t1.json"]
 * ```
 */
export async function listEvidenceFiles(dir: string, prefix: string): Promise<string[]> {
  const out: string[] = [];
  try {
    for await (const entry of Deno.readDir(dir)) {
      if (!entry.isFile) continue;
      if (entry.name.startsWith(prefix) && entry.name.endsWith(".json")) {
        out.push(joinPath(dir, entry.name));
      }
    }
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return [];
    throw error;
  }
  return out.sort(compareUtf8);
}

/**
 * Checks a pack path given by a caller: relative, `/`-separated, no `..`.
 *
 * @example
 * ```ts
 * normalizePackPath("nested/evidence.json"); // "nested/evidence.json"
 * ```
 */
export function normalizePackPath(path: string): string {
  const p = path.trim().replaceAll("\\", "/");
  if (p === "") throw new GaitError("invalid_input", "pack path must not be empty");
  if (p.startsWith("/") || /^[A-Za-z]:/.test(p)) {
    throw new GaitError("invalid_input", `pack path must be relative: ${path}`);
  }
  const parts = p.split("/");
  if (parts.some((s) => s === ".." || s === "." || s === "")) {
    throw new GaitError("invalid_input", `pack path must not contain traversal: ${path}`);
  }
  return p;
}

function runpackSummary(content: RunpackContent, manifestDigest: string): Uint8Array {
  return canonicalJsonBytes({
    capture_mode: content.captureMode,
    intent_count: content.intents.length,
    manifest_digest: manifestDigest,
    receipt_count: content.refs.receipts.length,
    result_count: content.results.length,
    run_id: content.run.run_id,
  });
}

function referencedRunpacks(content: RunpackContent): Uint8Array {
  const receipts = [...content.refs.receipts]
    .sort((a, b) => compareUtf8(a.ref_id, b.ref_id))
    .map((r) => ({
      content_digest: r.content_digest,
      ref_id: r.ref_id,
      retrieved_at: toUtcTimestamp(r.retrieved_at, "retrieved_at"),
      source_locator: r.source_locator,
      source_type: r.source_type,
    }));
  return canonicalJsonBytes({
    receipts,
    references: receipts.length,
    run_id: content.run.run_id,
  });
}

function contentsOf(files: ReadonlyMap<string, Uint8Array>): PackEntry[] {
  return [...files.keys()].sort(compareUtf8).map((path) => ({
    path,
    sha256: sha256Hex(files.get(path)!),
    type: packEntryType(path),
  }));
}

function pdfSummary(
  content: RunpackContent,
  manifestDigest: string,
  template: TemplateId,
  caseId: string,
  generatedAt: string,
  producerVersion: string,
  contents: readonly PackEntry[],
): Uint8Array {
  const fields: [string, string][] = [["run_id", content.run.run_id]];
  if (caseId !== "") fields.push(["case_id", caseId]);
  fields.push(
    ["template", template],
    ["generated_at", generatedAt],
    ["producer_version", producerVersion],
    ["runpack manifest_digest", manifestDigest],
    ["capture_mode", content.captureMode],
    [
      "intents / results / receipts",
      `${content.intents.length} / ${content.results.length} / ${content.refs.receipts.length}`,
    ],
  );
  return renderSummaryPdf({
    title: "Gait Evidence Pack Summary",
    fields,
    sections: [
      {
        heading: "Controls",
        lines: TEMPLATES[template].map((c) => `${c.id}  ${c.title}`),
      },
      {
        heading: "Evidence (sha256 of each file in the pack)",
        lines: contents.flatMap((e) => [`${e.path}  [${e.type}]`, `  sha256 ${e.sha256}`]),
      },
      {
        heading: "Verify",
        lines: [
          "gait guard verify <this pack>.zip --public-key <signer public key>",
          "The pack manifest lists every file with its sha256; the manifest may be signed.",
        ],
      },
    ],
  });
}

/**
 * Builds and writes an evidence pack from a runpack. The runpack is verified
 * first (a tampered runpack is refused), evidence inputs are read strictly,
 * and the zip is written atomically.
 *
 * @example
 * ```ts
 * const { path, manifest } = await buildGuardPack({
 *   runpackPath: "gait-out/runpack_run_demo.zip",
 *   template: "soc2",
 *   producerVersion: "0.0.0-dev",
 * });
 * ```
 */
export async function buildGuardPack(options: GuardPackOptions): Promise<GuardPackResult> {
  if (options.runpackPath.trim() === "") {
    throw new GaitError("invalid_input", "runpack path is required");
  }
  const runpack = options.runpack ?? await loadRunpack(options.runpackPath);
  const content = runpack.content;
  const runId = content.run.run_id;
  const manifestDigest = runpack.manifest.manifest_digest;
  const runpackDir = dirname(options.runpackPath);
  const template = normalizeTemplateId(options.template ?? "");
  const caseId = (options.caseId ?? "").trim();
  const createdAt = toUtcTimestamp(content.run.created_at, "run.created_at");

  const files = new Map<string, Uint8Array>();
  const add = (path: string, data: Uint8Array) => {
    if (files.has(path) || path === PACK_MANIFEST_ENTRY) {
      throw new GaitError("invalid_input", `evidence pack already has an entry ${path}`);
    }
    files.set(path, data);
  };
  add("runpack_summary.json", runpackSummary(content, manifestDigest));
  add("referenced_runpacks.json", referencedRunpacks(content));

  const inventory = normalizeEvidencePaths(options.inventoryPaths ?? []);
  for (const [name, data] of await evidenceEntries("inventory_snapshot", inventory)) {
    add(name, data);
  }

  const tracePaths = normalizeEvidencePaths(options.tracePaths ?? []);
  if (tracePaths.length > 0) {
    add("trace_summary.json", traceSummaryBytes(await readTraceFiles(tracePaths)));
  }
  const regressPaths = normalizeEvidencePaths(options.regressPaths ?? []);
  if (regressPaths.length > 0) {
    add("regress_summary.json", regressSummaryBytes(await readRegressFiles(regressPaths)));
  }

  const discover = options.discoverAuditEvidence ?? true;
  let audits = normalizeEvidencePaths(options.approvalAuditPaths ?? []);
  if (audits.length === 0 && discover) {
    audits = await listEvidenceFiles(runpackDir, DISCOVERED.approvalAudit);
  }
  for (const [name, data] of await evidenceEntries("approval_audit", audits)) add(name, data);
  let credentials = normalizeEvidencePaths(options.credentialEvidencePaths ?? []);
  if (credentials.length === 0 && discover) {
    credentials = await listEvidenceFiles(runpackDir, DISCOVERED.credentialEvidence);
  }
  for (const [name, data] of await evidenceEntries("credential_evidence", credentials)) {
    add(name, data);
  }

  for (const [path, data] of Object.entries(options.extraFiles ?? {})) {
    add(normalizePackPath(path), data);
  }

  let rendered: GuardPackManifest["rendered_artifacts"];
  if (options.renderPdf) {
    const pdf = pdfSummary(
      content,
      manifestDigest,
      template,
      caseId,
      createdAt,
      options.producerVersion,
      contentsOf(files),
    );
    add("summary.pdf", pdf);
    rendered = [{ format: "pdf", path: "summary.pdf", sha256: sha256Hex(pdf) }];
  }

  // Both are built from the entries that exist before they are added.
  const before = contentsOf(files);
  const controlIndex = buildControlIndex(template, before);
  const pointers = buildEvidencePointers(before);
  add("control_index.json", canonicalJsonBytes(controlIndex));
  add("evidence_pointers.json", canonicalJsonBytes(pointers));

  const contents = contentsOf(files);
  const packId = computePackId(runId, contents);
  const manifest: GuardPackManifest = {
    schema_id: GuardSchema.packManifest,
    schema_version: GUARD_SCHEMA_VERSION,
    created_at: createdAt,
    producer_version: options.producerVersion,
    pack_id: packId,
    run_id: runId,
    case_id: caseId || undefined,
    template_id: template,
    generated_at: createdAt,
    control_index: controlIndex,
    evidence_pointers: pointers,
    incident_window: options.incidentWindow,
    rendered_artifacts: rendered,
    contents,
  };
  if (options.signer) {
    manifest.signatures = [
      await signDigest(options.signer, computeGuardSignableDigest(manifest)),
    ];
  }
  const path = options.outputPath?.trim() ||
    joinPath(runpackDir, `evidence_pack_${packId}.zip`);
  if (basename(path) === "") throw new GaitError("invalid_input", `invalid output path: ${path}`);
  if (path === options.runpackPath) {
    throw new GaitError(
      "invalid_input",
      `refusing to overwrite the runpack with the pack: ${path}`,
    );
  }
  files.set(PACK_MANIFEST_ENTRY, canonicalJsonBytes(manifest));
  await writeDeterministicZip(path, [...files].map(([p, data]) => ({ path: p, data })));
  return { path, manifest, templateId: template, runId };
}
