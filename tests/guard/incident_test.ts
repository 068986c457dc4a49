import assert from "node:assert/strict";
import { parseStrictJsonBytes } from "../../src/core/strict_json.ts";
import type { JsonObject } from "../../src/core/json_value.ts";
import {
  buildIncidentPack,
  incidentWindow,
  selectIncidentEvidence,
  verifyGuardPackFile,
} from "../../src/guard/mod.ts";
import { withTempDir } from "../helpers/cli.ts";
import { assertMatchesSchema } from "../helpers/schema.ts";
import {
  approvalAuditDoc,
  credentialDoc,
  readZipEntries,
  regressDoc,
  traceDoc,
  writeDemoRunpack,
  writeJson,
} from "./_helpers.ts";

const HOUR = 3600 * 1000;

Deno.test("incident: the window is created_at ± window; non-positive means 24h", () => {
  assert.deepEqual(incidentWindow("2026-02-06T12:00:00Z", 2 * HOUR, "run_x"), {
    from: "2026-02-06T10:00:00Z",
    to: "2026-02-06T14:00:00Z",
    window_seconds: 7200,
    selection_anchor: "run_x",
  });
  assert.equal(incidentWindow("2026-02-06T12:00:00Z", 0, "r").window_seconds, 86400);
  assert.equal(incidentWindow("2026-02-06T12:00:00Z", -5, "r").from, "2026-02-05T12:00:00Z");
  assert.equal(incidentWindow("2026-02-06T12:00:00Z", 1.5, "r").to, "2026-02-06T12:00:00.0015Z");
});

async function incidentFixture(dir: string): Promise<string> {
  const runpack = await writeDemoRunpack(dir); // created_at 2026-02-05T00:00:00Z
  await writeJson(`${dir}/trace_in.json`, traceDoc("trace_in", "2026-02-05T00:30:00Z"));
  await writeJson(
    `${dir}/trace_in2.json`,
    traceDoc("trace_in2", "2026-02-04T23:30:00Z", { policy_digest: "d".repeat(64) }),
  );
  await writeJson(`${dir}/trace_late.json`, traceDoc("trace_late", "2026-02-05T05:00:00Z"));
  await writeJson(`${dir}/trace_bad.json`, { trace_id: "x" });
  await Deno.writeTextFile(`${dir}/trace_broken.json`, "{");
  await writeJson(`${dir}/regress_result.json`, regressDoc("2026-02-05T00:15:00Z"));
  await writeJson(`${dir}/regress_old.json`, regressDoc("2026-02-01T00:00:00Z"));
  await Deno.writeTextFile(`${dir}/regress_broken.json`, '{"graders":[] "x":1}');
  await writeJson(
    `${dir}/approval_audit_trace_in.json`,
    approvalAuditDoc("trace_in", "2026-02-05T00:20:00Z"),
  );
  await writeJson(
    `${dir}/approval_audit_other.json`,
    approvalAuditDoc("trace_other", "2026-02-05T00:20:00Z"),
  );
  await writeJson(
    `${dir}/credential_evidence_trace_in.json`,
    credentialDoc("trace_in", "2026-02-05T00:20:00Z"),
  );
  return runpack;
}

Deno.test("incident: evidence is selected by window and by trace reference", async () => {
  await withTempDir(async (dir) => {
    await incidentFixture(dir);
    const window = incidentWindow("2026-02-05T00:00:00Z", 2 * HOUR, "run_demo");
    const s = await selectIncidentEvidence(dir, window);
    assert.deepEqual(s.tracePaths, [`${dir}/trace_in.json`, `${dir}/trace_in2.json`]);
    assert.deepEqual(s.traceIds, ["trace_in", "trace_in2"]);
    assert.deepEqual(s.policyDigests, ["c".repeat(64), "d".repeat(64)]);
    assert.deepEqual(s.regressPaths, [`${dir}/regress_result.json`]);
    assert.deepEqual(s.approvalAuditPaths, [`${dir}/approval_audit_trace_in.json`]);
    assert.deepEqual(s.credentialEvidencePaths, [`${dir}/credential_evidence_trace_in.json`]);
  });
});

Deno.test("incident: with no trace selected, audits need only the window", async () => {
  await withTempDir(async (dir) => {
    await writeJson(`${dir}/approval_audit_a.json`, approvalAuditDoc("t1", "2026-02-05T00:20:00Z"));
    const window = incidentWindow("2026-02-05T00:00:00Z", HOUR, "run_demo");
    const s = await selectIncidentEvidence(dir, window);
    assert.deepEqual(s.tracePaths, []);
    assert.deepEqual(s.approvalAuditPaths, [`${dir}/approval_audit_a.json`]);
  });
});

Deno.test("incident: the pack is unsigned, adds policy_digests.json and incident_window", async () => {
  await withTempDir(async (dir) => {
    const runpack = await incidentFixture(dir);
    const { pack, selection } = await buildIncidentPack({
      runpackPath: runpack,
      windowMs: 2 * HOUR,
      caseId: "INC-2026-42",
      producerVersion: "0.0.0-dev",
    });
    assert.equal(pack.templateId, "incident_response");
    assert.equal(selection.tracePaths.length, 2);
    const entries = await readZipEntries(pack.path);
    const manifest = parseStrictJsonBytes(entries.get("pack_manifest.json")!) as JsonObject;
    await assertMatchesSchema("guard/pack_manifest", manifest);
    assert.equal(manifest.signatures, undefined);
    assert.deepEqual(manifest.incident_window, {
      from: "2026-02-04T22:00:00Z",
      to: "2026-02-05T02:00:00Z",
      window_seconds: 7200,
      selection_anchor: "run_demo",
    });
    assert.deepEqual(parseStrictJsonBytes(entries.get("policy_digests.json")!), {
      policy_digests: ["c".repeat(64), "d".repeat(64)],
      run_id: "run_demo",
      window_from: "2026-02-04T22:00:00Z",
      window_to: "2026-02-05T02:00:00Z",
    });
    assert.deepEqual([...entries.keys()].sort(), [
      "approval_audit_01.json",
      "control_index.json",
      "credential_evidence_01.json",
      "evidence_pointers.json",
      "pack_manifest.json",
      "policy_digests.json",
      "referenced_runpacks.json",
      "regress_summary.json",
      "runpack_summary.json",
      "trace_summary.json",
    ]);
    assert.match(pack.path, /\/evidence_pack_pack_[0-9a-f]{16}\.zip$/);
    const ir = (manifest.control_index as JsonObject[]).find((c) =>
      c.control_id === "IR-ROOTCAUSE"
    )!;
    assert.ok((ir.evidence_paths as string[]).includes("policy_digests.json"));
    assert.equal((await verifyGuardPackFile(pack.path)).ok, true);
  });
});
