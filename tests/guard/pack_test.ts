import assert from "node:assert/strict";
import { canonicalJson } from "../../src/core/canonical_json.ts";
import { parseStrictJsonBytes } from "../../src/core/strict_json.ts";
import { sha256Hex } from "../../src/core/digest.ts";
import type { JsonObject } from "../../src/core/json_value.ts";
import { publicKeyOf } from "../../src/crypto/key_material.ts";
import { verifyDigestSignature } from "../../src/crypto/signature.ts";
import {
  buildControlIndex,
  buildGuardPack,
  computeGuardSignableDigest,
  computePackId,
  evidenceViewBytes,
  normalizeEvidencePaths,
  normalizePackPath,
  normalizeTemplateId,
  packEntryType,
  verifyGuardPackFile,
} from "../../src/guard/mod.ts";
import { withTempDir } from "../helpers/cli.ts";
import { assertMatchesSchema } from "../helpers/schema.ts";
import {
  approvalAuditDoc,
  credentialDoc,
  DEMO_SOC2_PACK_ID,
  readZipEntries,
  regressDoc,
  rewriteZip,
  traceDoc,
  v4Key,
  writeDemoRunpack,
  writeJson,
} from "./_helpers.ts";

const dec = new TextDecoder();

function json(bytes: Uint8Array | undefined): JsonObject {
  assert.ok(bytes, "entry present");
  return parseStrictJsonBytes(bytes) as JsonObject;
}

Deno.test("guard pack: pack_id of the demo soc2 pack matches the spec-derived vector", async () => {
  await withTempDir(async (dir) => {
    const runpack = await writeDemoRunpack(dir);
    const result = await buildGuardPack({ runpackPath: runpack, producerVersion: "0.0.0-dev" });
    assert.equal(result.manifest.pack_id, DEMO_SOC2_PACK_ID);
    assert.equal(result.path, `${dir}/evidence_pack_${DEMO_SOC2_PACK_ID}.zip`);
    assert.equal(result.templateId, "soc2");
    const entries = await readZipEntries(result.path);
    assert.deepEqual([...entries.keys()].sort(), [
      "control_index.json",
      "evidence_pointers.json",
      "pack_manifest.json",
      "referenced_runpacks.json",
      "runpack_summary.json",
    ]);
    assert.deepEqual(json(entries.get("runpack_summary.json")), {
      capture_mode: "reference",
      intent_count: 3,
      manifest_digest: "436474ad70446539c909ae85bcc156d30197ba68efb8debdaed4f5d2eef2922e",
      receipt_count: 3,
      result_count: 3,
      run_id: "run_demo",
    });
    const manifest = json(entries.get("pack_manifest.json"));
    await assertMatchesSchema("guard/pack_manifest", manifest);
    assert.equal(manifest.created_at, "2026-02-05T00:00:00Z");
    assert.equal(manifest.generated_at, "2026-02-05T00:00:00Z");
    assert.equal(manifest.signatures, undefined);
    // control_index and evidence_pointers cover the entries that existed before them.
    assert.deepEqual(
      (manifest.evidence_pointers as JsonObject[]).map((p) => [p.pointer_id, p.path]),
      [["ev_001", "referenced_runpacks.json"], ["ev_002", "runpack_summary.json"]],
    );
    assert.deepEqual(manifest.control_index, json(entries.get("control_index.json")) as unknown);
    // Pack files are canonical JSON.
    for (const [name, bytes] of entries) {
      assert.equal(dec.decode(bytes), canonicalJson(json(bytes)), name);
    }
  });
});

Deno.test("guard pack: pack_id is pack_ + 16 hex of the digest of {run_id, contents}", () => {
  assert.equal(
    computePackId("run_1", [{ path: "a", sha256: "a".repeat(64), type: "evidence" }]),
    "pack_c4bb57dc86376b32",
  );
});

Deno.test("guard pack: templates default to soc2 and unknown ones become incident_response", () => {
  assert.equal(normalizeTemplateId(""), "soc2");
  assert.equal(normalizeTemplateId(" SOC2 "), "soc2");
  assert.equal(normalizeTemplateId("pci"), "pci");
  assert.equal(normalizeTemplateId("incident_response"), "incident_response");
  assert.equal(normalizeTemplateId("hipaa"), "incident_response");
});

Deno.test("guard pack: entry types follow the file name", () => {
  assert.equal(packEntryType("runpack_summary.json"), "runpack");
  assert.equal(packEntryType("trace_summary.json"), "trace");
  for (
    const p of [
      "regress_summary.json",
      "control_index.json",
      "evidence_pointers.json",
      "policy_digests.json",
      "summary.pdf",
    ]
  ) {
    assert.equal(packEntryType(p), "report", p);
  }
  assert.equal(packEntryType("approval_audit_01.json"), "evidence");
  assert.equal(packEntryType("referenced_runpacks.json"), "evidence");
});

Deno.test("guard pack: a control claims entries by type or by path fragment", () => {
  const e = (path: string) => ({ path, sha256: "0".repeat(64), type: packEntryType(path) });
  const contents = [
    e("approval_audit_01.json"),
    e("policy_digests.json"),
    e("regress_summary.json"),
    e("runpack_summary.json"),
    e("trace_summary.json"),
  ];
  assert.deepEqual(buildControlIndex("incident_response", contents), [
    {
      control_id: "IR-CHAIN",
      title: "Reconstruction Chain",
      evidence_paths: ["approval_audit_01.json", "runpack_summary.json", "trace_summary.json"],
    },
    {
      control_id: "IR-ROOTCAUSE",
      title: "Root Cause and Regression",
      evidence_paths: ["policy_digests.json", "regress_summary.json"],
    },
  ]);
  assert.deepEqual(buildControlIndex("pci", contents).map((c) => c.control_id), [
    "PCI-10",
    "PCI-7",
    "PCI-12",
  ]);
});

Deno.test("guard pack: evidence inputs are comma lists, de-duplicated and sorted", () => {
  assert.deepEqual(normalizeEvidencePaths(["b.json,a.json", "a.json", " ", ""]), [
    "a.json",
    "b.json",
  ]);
});

Deno.test("guard pack: evidence files are re-emitted as their Go struct view", () => {
  const doc = {
    ...approvalAuditDoc("trace_1", "2026-02-05T01:00:00.500000+01:00"),
    Trace_ID: "trace_2",
    unknown_field: "dropped",
  };
  const view = JSON.parse(dec.decode(evidenceViewBytes("approval_audit", doc, "audit.json")));
  assert.equal(view.trace_id, "trace_2", "keys match case-insensitively, last one wins");
  assert.equal(view.unknown_field, undefined);
  assert.equal(view.created_at, "2026-02-05T01:00:00.5+01:00");
  assert.equal(view.relationship, undefined, "omitempty fields stay out");
  assert.throws(
    () => evidenceViewBytes("approval_audit", { ...doc, approved: "yes" }, "audit.json"),
    /approved must be a boolean/,
  );
});

Deno.test("guard pack: traces, regress results, audits and credentials become pack entries", async () => {
  await withTempDir(async (dir) => {
    const runpack = await writeDemoRunpack(dir);
    await writeJson(`${dir}/t1.json`, traceDoc("trace_1", "2026-02-05T00:10:00Z"));
    await writeJson(
      `${dir}/t2.json`,
      traceDoc("trace_2", "2026-02-05T00:11:00Z", { verdict: "block" }),
    );
    await writeJson(`${dir}/regress.json`, regressDoc("2026-02-05T00:12:00Z"));
    await writeJson(`${dir}/inventory.json`, {
      schema_id: "gait.scout.inventory_snapshot",
      schema_version: "1.0.0",
      created_at: "2026-02-05T00:00:00Z",
      producer_version: "0.0.0-dev",
      snapshot_id: "snap_1",
      items: [{ id: "tool:x", kind: "tool", name: "x", locator: "agent.py" }],
    });
    // Discovered next to the runpack because the flags are empty.
    await writeJson(
      `${dir}/approval_audit_trace_1.json`,
      approvalAuditDoc("trace_1", "2026-02-05T00:10:00Z"),
    );
    await writeJson(
      `${dir}/credential_evidence_trace_1.json`,
      credentialDoc("trace_1", "2026-02-05T00:10:00Z"),
    );
    const result = await buildGuardPack({
      runpackPath: runpack,
      tracePaths: [`${dir}/t2.json,${dir}/t1.json`],
      regressPaths: [`${dir}/regress.json`],
      inventoryPaths: [`${dir}/inventory.json`],
      template: "incident_response",
      caseId: "INC-42",
      producerVersion: "0.0.0-dev",
    });
    const entries = await readZipEntries(result.path);
    assert.deepEqual(json(entries.get("trace_summary.json")), {
      total: 2,
      traces: [
        { trace_id: "trace_1", tool_name: "tool.write", verdict: "allow" },
        { trace_id: "trace_2", tool_name: "tool.write", verdict: "block" },
      ],
      verdict_counts: { allow: 1, block: 1 },
    });
    assert.deepEqual(json(entries.get("regress_summary.json")), {
      results: [{ fixture_set: "run_demo", status: "pass", graders: 1 }],
      status_counts: { pass: 1 },
      total: 1,
    });
    assert.ok(entries.has("inventory_snapshot_01.json"));
    assert.ok(entries.has("approval_audit_01.json"));
    assert.ok(entries.has("credential_evidence_01.json"));
    const m = result.manifest;
    assert.equal(m.case_id, "INC-42");
    assert.equal(m.template_id, "incident_response");
    const types = Object.fromEntries(m.contents.map((c) => [c.path, c.type]));
    assert.equal(types["trace_summary.json"], "trace");
    assert.equal(types["inventory_snapshot_01.json"], "evidence");
    for (const c of m.contents) assert.equal(c.sha256, sha256Hex(entries.get(c.path)!));
    await assertMatchesSchema("guard/pack_manifest", json(entries.get("pack_manifest.json")));
    assert.equal((await verifyGuardPackFile(result.path)).ok, true);
  });
});

Deno.test("guard pack: explicit audit paths turn off discovery next to the runpack", async () => {
  await withTempDir(async (dir) => {
    const runpack = await writeDemoRunpack(dir);
    await Deno.mkdir(`${dir}/other`);
    await writeJson(`${dir}/approval_audit_a.json`, approvalAuditDoc("t", "2026-02-05T00:00:00Z"));
    await writeJson(`${dir}/other/audit.json`, approvalAuditDoc("u", "2026-02-05T00:00:00Z"));
    const result = await buildGuardPack({
      runpackPath: runpack,
      approvalAuditPaths: [`${dir}/other/audit.json`],
      producerVersion: "0.0.0-dev",
    });
    const entries = await readZipEntries(result.path);
    assert.equal(json(entries.get("approval_audit_01.json")).trace_id, "u");
    assert.ok(!entries.has("approval_audit_02.json"));
  });
});

Deno.test("guard pack: a signature covers the manifest's struct view and verifies", async () => {
  await withTempDir(async (dir) => {
    const runpack = await writeDemoRunpack(dir);
    const key = await v4Key();
    const result = await buildGuardPack({
      runpackPath: runpack,
      signer: key,
      producerVersion: "0.0.0-dev",
    });
    assert.equal(result.manifest.pack_id, DEMO_SOC2_PACK_ID, "signatures are not in pack_id");
    const sig = result.manifest.signatures![0]!;
    assert.equal(sig.key_id, key.keyId);
    const digest = computeGuardSignableDigest(result.manifest);
    assert.equal(sig.signed_digest, digest);
    const pub = await publicKeyOf(key);
    assert.deepEqual(await verifyDigestSignature(pub, sig, digest), { valid: true });
    // Unknown keys drop out of the struct view, so they do not change the digest.
    const withUnknown = { ...result.manifest, x_vendor_note: "kept out" };
    assert.equal(computeGuardSignableDigest(withUnknown), digest);
    const checked = await verifyGuardPackFile(result.path, {
      requireSignature: true,
      checkSignature: async (s, d) => {
        const r = await verifyDigestSignature(pub, s, d);
        return r.valid ? null : r.reason;
      },
    });
    assert.equal(checked.signature_status, "verified");
    assert.equal(checked.ok, true);
  });
});

Deno.test("guard pack: a tampered runpack is refused", async () => {
  await withTempDir(async (dir) => {
    const runpack = await writeDemoRunpack(dir);
    await rewriteZip(runpack, (e) => e.set("run.json", new TextEncoder().encode("{}")));
    await assert.rejects(
      buildGuardPack({ runpackPath: runpack, producerVersion: "0.0.0-dev" }),
      /runpack verification failed/,
    );
  });
});

Deno.test("guard pack: extra pack paths must be relative without traversal", () => {
  assert.equal(normalizePackPath("nested/evidence.json"), "nested/evidence.json");
  assert.throws(() => normalizePackPath(""), /must not be empty/);
  assert.throws(() => normalizePackPath("/abs/path"), /relative/);
  assert.throws(() => normalizePackPath("../escape"), /traversal/);
});

Deno.test("guard pack: the same inputs give the same pack bytes", async () => {
  await withTempDir(async (dir) => {
    const runpack = await writeDemoRunpack(dir);
    const a = await buildGuardPack({
      runpackPath: runpack,
      outputPath: `${dir}/a.zip`,
      renderPdf: true,
      producerVersion: "0.0.0-dev",
    });
    const b = await buildGuardPack({
      runpackPath: runpack,
      outputPath: `${dir}/b.zip`,
      renderPdf: true,
      producerVersion: "0.0.0-dev",
    });
    assert.equal(a.manifest.pack_id, b.manifest.pack_id);
    assert.deepEqual(await Deno.readFile(`${dir}/a.zip`), await Deno.readFile(`${dir}/b.zip`));
    assert.deepEqual(a.manifest.rendered_artifacts?.map((r) => r.path), ["summary.pdf"]);
  });
});
