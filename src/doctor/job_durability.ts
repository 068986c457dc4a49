/**
 * Read-only diagnosis of durable job state (spec 03 §5.6) for the doctor's
 * `job_runtime_durability` check: per job directory, a leftover pending
 * mutation marker, events without a state snapshot, and a state revision
 * ahead of or behind the event log. Nothing is repaired or locked here.
 *
 * @module
 */

import { readFileLimited } from "../fs/mod.ts";
import type { DoctorCheck } from "./types.ts";
import { errorText, joinClean, shellQuote } from "./_text.ts";

/** The job id pattern of the job runtime. */
const JOB_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
const MAX_STATE_BYTES = 16 * 1024 * 1024;
const MAX_EVENTS_BYTES = 64 * 1024 * 1024;

/** The kinds of divergence, in their sort order. */
export type DurableStateIssueKind =
  | "event_log_ahead_of_state"
  | "missing_state_with_events"
  | "pending_mutation"
  | "state_ahead_of_event_log";

/** One divergence of one job. */
export interface DurableStateIssue {
  /** The job directory name. */
  job_id: string;
  /** What diverged. */
  kind: DurableStateIssueKind;
  /** One line for people. */
  message: string;
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

function revisionOf(value: unknown, what: string): number {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new Error(`${what}: not a JSON object`);
  }
  const revision = (value as Record<string, unknown>).revision;
  if (revision === undefined || revision === null) return 0;
  if (typeof revision !== "number" || !Number.isInteger(revision)) {
    throw new Error(`${what}: revision is not an integer`);
  }
  return revision;
}

async function readStateRevision(path: string, jobId: string): Promise<number | null> {
  if (!(await exists(path))) return null;
  const bytes = await readFileLimited(path, MAX_STATE_BYTES, "job state");
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch (error) {
    throw new Error(`read durable state for ${jobId}: parse job state: ${errorText(error)}`);
  }
  const id = (parsed as Record<string, unknown> | null)?.job_id;
  if (typeof id !== "string" || id.trim() === "") {
    throw new Error(`read durable state for ${jobId}: invalid job state: missing job_id`);
  }
  return revisionOf(parsed, `read durable state for ${jobId}`);
}

async function readLastEventRevision(path: string, jobId: string): Promise<number | null> {
  if (!(await exists(path))) return null;
  const text = new TextDecoder("utf-8", { fatal: true }).decode(
    await readFileLimited(path, MAX_EVENTS_BYTES, "job events"),
  );
  let last: number | null = null;
  for (const line of text.split("\n")) {
    const trimmed = line.trim();
    if (trimmed === "") continue;
    let event: unknown;
    try {
      event = JSON.parse(trimmed);
    } catch (error) {
      throw new Error(`read durable events for ${jobId}: parse job event: ${errorText(error)}`);
    }
    last = revisionOf(event, `read durable events for ${jobId}`);
  }
  return last;
}

/**
 * Lists the divergences of every job under a job root, sorted by job id and
 * kind. A missing root has none. Unreadable or unparsable state throws.
 *
 * @example
 * ```ts
 * const issues = await diagnoseDurableJobs("gait-out/jobs");
 * issues.map((i) => `${i.job_id}:${i.kind}`);
 * ```
 */
export async function diagnoseDurableJobs(root: string): Promise<DurableStateIssue[]> {
  const names: string[] = [];
  try {
    for await (const entry of Deno.readDir(root)) {
      if (entry.isDirectory && JOB_ID.test(entry.name)) names.push(entry.name);
    }
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return [];
    throw new Error(`read job root: ${errorText(error)}`);
  }
  const issues: DurableStateIssue[] = [];
  for (const jobId of names) {
    const dir = joinClean(root, jobId);
    if (await exists(joinClean(dir, "pending_mutation.json"))) {
      issues.push({
        job_id: jobId,
        kind: "pending_mutation",
        message: "pending durable mutation marker requires reconciliation",
      });
    }
    const stateRevision = await readStateRevision(joinClean(dir, "state.json"), jobId);
    const eventRevision = await readLastEventRevision(joinClean(dir, "events.jsonl"), jobId);
    const lastRevision = eventRevision ?? 0;
    if (stateRevision === null) {
      if (eventRevision !== null) {
        issues.push({
          job_id: jobId,
          kind: "missing_state_with_events",
          message: `event log revision ${lastRevision} exists without a durable state snapshot`,
        });
      }
      continue;
    }
    if (stateRevision > lastRevision) {
      issues.push({
        job_id: jobId,
        kind: "state_ahead_of_event_log",
        message: `state revision ${stateRevision} is ahead of event log revision ${lastRevision}`,
      });
    }
    if (lastRevision > stateRevision) {
      issues.push({
        job_id: jobId,
        kind: "event_log_ahead_of_state",
        message: `event log revision ${lastRevision} is ahead of state revision ${stateRevision}`,
      });
    }
  }
  return issues.sort((a, b) =>
    a.job_id === b.job_id
      ? (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0)
      : (a.job_id < b.job_id ? -1 : 1)
  );
}

/** `job_runtime_durability`: no divergence under `<output_dir>/jobs`. */
export async function checkJobRuntimeDurability(outputDir: string): Promise<DoctorCheck> {
  const base = { name: "job_runtime_durability", scope: "universal" } as const;
  const root = joinClean(outputDir, "jobs");
  let issues: DurableStateIssue[];
  try {
    issues = await diagnoseDurableJobs(root);
  } catch (error) {
    return {
      ...base,
      status: "fail",
      message: `durable job state check failed: ${errorText(error)}`,
    };
  }
  if (issues.length === 0) {
    return { ...base, status: "pass", message: "durable job state is consistent" };
  }
  return {
    ...base,
    status: "fail",
    message: `durable job state divergence detected: ${
      issues.map((i) => `${i.job_id}:${i.kind}`).join(",")
    }`,
    fix_command: `gait job inspect --id ${shellQuote(issues[0]!.job_id)} --root ${
      shellQuote(root)
    } --json`,
  };
}
