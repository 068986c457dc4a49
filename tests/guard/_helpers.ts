/**
 * Fixtures of the guard tests: runpacks on disk, evidence documents, and
 * rewriting the entries of an existing zip.
 *
 * @module
 */

import { buildDeterministicZip, openZipFile } from "../../src/archive/mod.ts";
import { demoRunpackDraft } from "../../src/runpack/demo.ts";
import { normalizeRunpack } from "../../src/runpack/normalize.ts";
import { writeRunpack } from "../../src/runpack/write.ts";
import { parsePrivateKey } from "../../src/crypto/key_file.ts";
import type { PrivateKeyMaterial } from "../../src/crypto/key_material.ts";
import { V4_PRIVATE_KEY } from "../runpack/_fixtures.ts";

export { V4_PRIVATE_KEY, V4_PUBLIC_KEY } from "../runpack/_fixtures.ts";

/** The spec-derived `pack_id` of the unsigned soc2 pack of `gait demo`'s runpack. */
export const DEMO_SOC2_PACK_ID = "pack_1e7d0bb30b27c474";

/** Writes the demo runpack (created_at 2026-02-05T00:00:00Z) into `dir`. */
export async function writeDemoRunpack(dir: string): Promise<string> {
  const path = `${dir}/runpack_run_demo.zip`;
  await writeRunpack(path, normalizeRunpack(demoRunpackDraft("0.0.0-dev")));
  return path;
}

/** The V4 test signing key. */
export function v4Key(): Promise<PrivateKeyMaterial> {
  return parsePrivateKey(V4_PRIVATE_KEY, "v4");
}

/** Every entry of a zip file. */
export async function readZipEntries(path: string): Promise<Map<string, Uint8Array>> {
  const zip = await openZipFile(path);
  try {
    const out = new Map<string, Uint8Array>();
    for (const name of zip.names) out.set(name, await zip.readEntry(name));
    return out;
  } finally {
    zip.close();
  }
}

/** Rewrites a zip's entries with `edit` (deterministic writer). */
export async function rewriteZip(
  path: string,
  edit: (entries: Map<string, Uint8Array>) => void,
  out = path,
): Promise<void> {
  const entries = await readZipEntries(path);
  edit(entries);
  const bytes = await buildDeterministicZip([...entries].map(([p, data]) => ({ path: p, data })));
  await Deno.writeFile(out, bytes);
}

/** Writes a JSON document. */
export async function writeJson(path: string, value: unknown): Promise<void> {
  await Deno.writeTextFile(path, JSON.stringify(value, null, 2));
}

const A = "a".repeat(64);
const B = "b".repeat(64);
const C = "c".repeat(64);

/** A gate trace record (unsigned) created at `createdAt`. */
export function traceDoc(
  traceId: string,
  createdAt: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    schema_id: "gait.gate.trace",
    schema_version: "1.0.0",
    created_at: createdAt,
    observed_at: createdAt,
    producer_version: "0.0.0-dev",
    trace_id: traceId,
    tool_name: "tool.write",
    args_digest: A,
    intent_digest: B,
    policy_digest: C,
    verdict: "allow",
    ...extra,
  };
}

/** A regress result created at `createdAt`. */
export function regressDoc(createdAt: string, status = "pass"): Record<string, unknown> {
  return {
    schema_id: "gait.regress.result",
    schema_version: "1.0.0",
    created_at: createdAt,
    producer_version: "0.0.0-dev",
    fixture_set: "run_demo",
    status,
    graders: [{ name: "schema", status, reason_codes: [] }],
  };
}

/** An approval audit record for a trace. */
export function approvalAuditDoc(traceId: string, createdAt: string): Record<string, unknown> {
  return {
    schema_id: "gait.gate.approval_audit_record",
    schema_version: "1.0.0",
    created_at: createdAt,
    producer_version: "0.0.0-dev",
    trace_id: traceId,
    tool_name: "tool.write",
    intent_digest: A,
    policy_digest: B,
    required_approvals: 1,
    valid_approvals: 1,
    approved: true,
    approvers: ["alice"],
    entries: [{
      token_id: "token_1",
      approver_identity: "alice",
      reason_code: "ticket",
      scope: ["tool:tool.write"],
      expires_at: "2026-02-05T01:00:00Z",
      valid: true,
    }],
  };
}

/** A broker credential record for a trace. */
export function credentialDoc(traceId: string, createdAt: string): Record<string, unknown> {
  return {
    schema_id: "gait.gate.broker_credential_record",
    schema_version: "1.0.0",
    created_at: createdAt,
    producer_version: "0.0.0-dev",
    trace_id: traceId,
    tool_name: "tool.write",
    identity: "alice",
    broker: "env",
    credential_ref: "env:GAIT_BROKER_TOKEN_EGRESS:deadbeef",
    issued_at: "2026-02-05T00:00:00Z",
    expires_at: "2026-02-05T01:00:00Z",
  };
}
