/**
 * Retention (spec 01 §8 `gait guard retain`): deletes trace records and
 * evidence packs older than their time-to-live under a root directory, and
 * reports what it kept and deleted. Only regular files whose names match are
 * ever touched; symbolic links are neither followed nor deleted, so nothing
 * outside the root can be reached.
 *
 * @module
 */

import { canonicalJsonBytes } from "../core/canonical_json.ts";
import { GaitError } from "../core/errors.ts";
import { compareUtf8 } from "../core/go_json.ts";
import { formatTimestamp, unixNanos } from "../core/timestamp.ts";
import { ioError, joinPath, writeFileAtomic } from "../fs/atomic.ts";
import { GUARD_SCHEMA_VERSION, GuardSchema } from "./types.ts";

/** What a retained file is. */
export type RetentionKind = "trace" | "pack";

/** One file the walk matched. */
export interface RetentionFileEvent {
  path: string;
  kind: RetentionKind;
  modified_at: string;
  age_seconds: number;
  action: "deleted" | "kept";
}

/** The retention report (`gait.guard.retention_report`). */
export interface RetentionReport {
  schema_id: string;
  schema_version: string;
  created_at: string;
  producer_version: string;
  root_path: string;
  dry_run: boolean;
  trace_ttl_seconds: number;
  pack_ttl_seconds: number;
  scanned_files: number;
  deleted_files: RetentionFileEvent[];
  kept_files: RetentionFileEvent[];
}

/** Options of {@link applyRetention}. */
export interface RetentionOptions {
  /** The directory to walk (default "."). */
  root?: string;
  /** Time-to-live of traces in milliseconds; non-positive keeps them all. */
  traceTtlMs: number;
  /** Time-to-live of packs in milliseconds; non-positive keeps them all. */
  packTtlMs: number;
  /** Report what would be deleted without deleting. */
  dryRun?: boolean;
  /** "Now", an RFC 3339 timestamp (from the injected clock). */
  now: string;
  /** `producer_version` of the report. */
  producerVersion: string;
  /** Also write the report (canonical JSON) here. */
  reportOut?: string;
}

/**
 * The kind of a file by name (case-insensitive): `trace_*.json` is a trace;
 * `evidence_pack_*` and `incident_pack_*` as `.zip` or `.gaitenc` are packs.
 *
 * @example
 * ```ts
 * classifyRetentionFile("trace_abc.json"); // "trace"
 * classifyRetentionFile("incident_pack_abc.gaitenc"); // "pack"
 * classifyRetentionFile("other.txt"); // null
 * ```
 */
export function classifyRetentionFile(name: string): RetentionKind | null {
  const n = name.toLowerCase();
  if (n.startsWith("trace_") && n.endsWith(".json")) return "trace";
  if (
    (n.startsWith("evidence_pack_") || n.startsWith("incident_pack_")) &&
    (n.endsWith(".zip") || n.endsWith(".gaitenc"))
  ) {
    return "pack";
  }
  return null;
}

interface Candidate {
  path: string;
  kind: RetentionKind;
}

/** Regular files under root whose names match, without following symlinks. */
async function walk(root: string): Promise<{ scanned: number; matched: Candidate[] }> {
  const matched: Candidate[] = [];
  let scanned = 0;
  const stack = [root];
  while (stack.length > 0) {
    const dir = stack.pop()!;
    let entries: Deno.DirEntry[];
    try {
      entries = await Array.fromAsync(Deno.readDir(dir));
    } catch (error) {
      throw ioError("read directory", dir, error);
    }
    for (const entry of entries) {
      const path = joinPath(dir, entry.name);
      if (entry.isSymlink) continue;
      if (entry.isDirectory) {
        stack.push(path);
      } else if (entry.isFile) {
        scanned++;
        const kind = classifyRetentionFile(entry.name);
        if (kind) matched.push({ path, kind });
      }
    }
  }
  matched.sort((a, b) => compareUtf8(a.path, b.path));
  return { scanned, matched };
}

function msToTimestamp(ms: number): string {
  const unixSeconds = Math.floor(ms / 1000);
  return formatTimestamp({
    unixSeconds,
    nanos: Math.round((ms - unixSeconds * 1000) * 1e6),
    offsetMinutes: 0,
  });
}

/**
 * Walks the root, deletes (unless `dryRun`) every matching file older than
 * its kind's TTL, and returns the report; writes it to `reportOut` when set.
 * In a dry run the files that would be deleted are listed as `deleted`.
 *
 * @example
 * ```ts
 * const report = await applyRetention({
 *   root: "gait-out", traceTtlMs: 168 * 3600e3, packTtlMs: 720 * 3600e3,
 *   dryRun: true, now: "2026-02-06T10:00:00Z", producerVersion: "0.0.0-dev",
 * });
 * ```
 */
export async function applyRetention(options: RetentionOptions): Promise<RetentionReport> {
  const root = (options.root ?? "").trim() || ".";
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(root);
  } catch (error) {
    throw ioError("retention root", root, error);
  }
  if (!info.isDirectory) {
    throw new GaitError("invalid_input", `retention root is not a directory: ${root}`);
  }
  const nowNanos = unixNanos(options.now);
  const ttlNanos: Record<RetentionKind, bigint> = {
    trace: BigInt(Math.round(options.traceTtlMs * 1e6)),
    pack: BigInt(Math.round(options.packTtlMs * 1e6)),
  };
  const { scanned, matched } = await walk(root);
  const deleted: RetentionFileEvent[] = [];
  const kept: RetentionFileEvent[] = [];
  for (const candidate of matched) {
    let stat: Deno.FileInfo;
    try {
      stat = await Deno.lstat(candidate.path);
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) continue;
      throw ioError("stat", candidate.path, error);
    }
    // Re-checked right before acting: only a regular file is ever removed.
    if (!stat.isFile || stat.mtime === null) continue;
    const mtimeMs = stat.mtime.getTime();
    const ageNanos = nowNanos - BigInt(Math.round(mtimeMs * 1e6));
    const ttl = ttlNanos[candidate.kind];
    const expired = ttl > 0n && ageNanos > ttl;
    const event: RetentionFileEvent = {
      path: candidate.path,
      kind: candidate.kind,
      modified_at: msToTimestamp(mtimeMs),
      age_seconds: ageNanos > 0n ? Number(ageNanos / 1_000_000_000n) : 0,
      action: expired ? "deleted" : "kept",
    };
    if (expired) {
      if (!options.dryRun) {
        try {
          await Deno.remove(candidate.path);
        } catch (error) {
          if (!(error instanceof Deno.errors.NotFound)) {
            throw ioError("delete", candidate.path, error);
          }
        }
      }
      deleted.push(event);
    } else {
      kept.push(event);
    }
  }
  const report: RetentionReport = {
    schema_id: GuardSchema.retentionReport,
    schema_version: GUARD_SCHEMA_VERSION,
    created_at: options.now,
    producer_version: options.producerVersion,
    root_path: root,
    dry_run: options.dryRun ?? false,
    trace_ttl_seconds: Math.trunc(options.traceTtlMs / 1000),
    pack_ttl_seconds: Math.trunc(options.packTtlMs / 1000),
    scanned_files: scanned,
    deleted_files: deleted,
    kept_files: kept,
  };
  const out = (options.reportOut ?? "").trim();
  if (out !== "") {
    await writeFileAtomic(out, canonicalJsonBytes(report), { mode: 0o600, createParents: true });
  }
  return report;
}
