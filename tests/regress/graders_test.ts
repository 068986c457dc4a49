/**
 * The five graders and their reason codes (spec 03 §4), one test per rule.
 */

import assert from "node:assert/strict";
import { loadRunpackBytes } from "../../src/regress/_load.ts";
import type { FixtureMeta } from "../../src/regress/fixture.ts";
import {
  type Candidate,
  gradeContextConformance,
  type GradedFixture,
  gradeDiff,
  gradeExpectedExitCode,
  gradeSchemaValidation,
  gradeTrajectory,
} from "../../src/regress/graders.ts";
import type { RunpackContent } from "../../src/runpack/types.ts";
import { buildRunpack } from "../../src/runpack/write.ts";
import { testRun, type TestRunOptions } from "./_runpacks.ts";

const DIGEST_A = "a".repeat(64);
const DIGEST_B = "b".repeat(64);

async function loadedOf(content: RunpackContent) {
  return await loadRunpackBytes((await buildRunpack(content)).zip, "test.zip", "integrity");
}

async function fixture(
  options: TestRunOptions = {},
  meta: Partial<FixtureMeta> = {},
): Promise<GradedFixture> {
  const content = testRun(options);
  return {
    name: "fx",
    runpackPath: "fixtures/fx/runpack.zip",
    loaded: await loadedOf(content),
    meta: {
      schema_id: "gait.regress.fixture",
      schema_version: "1.0.0",
      name: "fx",
      run_id: content.run.run_id,
      runpack: "runpack.zip",
      expected_replay_exit_code: 0,
      ...meta,
    },
  };
}

function self(f: GradedFixture): Candidate {
  return { kind: "fixture", path: f.runpackPath, loaded: f.loaded };
}

async function candidate(options: TestRunOptions): Promise<Candidate> {
  return { kind: "candidate", path: "cand.zip", loaded: await loadedOf(testRun(options)) };
}

const FLAGS = { contextConformance: false, allowContextRuntimeDrift: false };

Deno.test("grader results carry name, sorted unique codes and fixture/run_id details", async () => {
  const f = await fixture();
  const r = gradeSchemaValidation(f);
  assert.equal(r.name, "fx/schema_validation");
  assert.equal(r.status, "pass");
  assert.deepEqual(r.reason_codes, []);
  assert.equal(r.details.fixture, "fx");
  assert.equal(r.details.run_id, "run_test");
  assert.equal(r.details.intent_records, 3);
  assert.equal(r.details.result_records, 3);
  assert.equal(r.details.reference_receipts, 1);
});

Deno.test("schema_validation: wrong schema ids fail with the document's code", async () => {
  const content = testRun();
  content.intents[0]!.schema_id = "gait.runpack.other";
  content.results[1]!.schema_version = "2.0.0";
  content.run.schema_id = "x";
  content.refs.schema_id = "y";
  const f = await fixture();
  f.loaded = await loadedOf(content);
  const r = gradeSchemaValidation(f);
  assert.equal(r.status, "fail");
  assert.deepEqual(r.reason_codes, [
    "intent_schema_invalid",
    "refs_schema_invalid",
    "result_schema_invalid",
    "run_schema_invalid",
  ]);
  assert.ok(Array.isArray(r.details.schema_errors));
});

Deno.test("schema_validation: manifest schema, missing files and hash mismatches", async () => {
  const f = await fixture();
  f.loaded = {
    ...f.loaded,
    manifest: { ...f.loaded.manifest, schema_version: "9" },
    verify: {
      ...f.loaded.verify,
      missing_files: ["refs.json"],
      hash_mismatches: [{ path: "run.json", expected: DIGEST_A, actual: DIGEST_B }],
    },
  };
  assert.deepEqual(gradeSchemaValidation(f).reason_codes, [
    "hash_mismatch",
    "manifest_schema_invalid",
    "missing_files",
  ]);
});

Deno.test("expected_exit_code: a complete run replays with 0", async () => {
  const r = await gradeExpectedExitCode(await fixture());
  assert.equal(r.status, "pass");
  assert.equal(r.details.actual_exit_code, 0);
});

Deno.test("expected_exit_code: missing results replay with 2; a mismatch is unexpected_exit_code", async () => {
  const missing = { calls: [{ tool: "tool.search" }] };
  const r = await gradeExpectedExitCode(await fixture(missing));
  assert.deepEqual(r.reason_codes, ["unexpected_exit_code"]);
  assert.equal(r.details.actual_exit_code, 2);
  assert.deepEqual(r.details.missing_results, ["intent_1"]);
  const ok = await gradeExpectedExitCode(await fixture(missing, { expected_replay_exit_code: 2 }));
  assert.equal(ok.status, "pass");
});

Deno.test("expected_exit_code: duplicate intent ids are replay_error", async () => {
  const f = await fixture();
  const content = testRun();
  content.intents[1]!.intent_id = "intent_1";
  f.loaded = await loadedOf(content);
  const r = await gradeExpectedExitCode(f);
  assert.deepEqual(r.reason_codes, ["replay_error"]);
  assert.equal(r.status, "fail");
});

Deno.test("trajectory: no expectations pass as trajectory_not_required", async () => {
  const f = await fixture();
  assert.deepEqual(gradeTrajectory(f, self(f)).reason_codes, ["trajectory_not_required"]);
});

Deno.test("trajectory: matching sequences pass as trajectory_match", async () => {
  const f = await fixture({}, {
    expected_tool_sequence: ["tool.search", "tool.fetch", "tool.summarize"],
    expected_verdict_sequence: ["allow", "allow", "allow"],
  });
  const r = gradeTrajectory(f, self(f));
  assert.equal(r.status, "pass");
  assert.deepEqual(r.reason_codes, ["trajectory_match"]);
});

Deno.test("trajectory: a changed tool is unexpected_tool_sequence with the mismatch", async () => {
  const f = await fixture({}, {
    expected_tool_sequence: ["tool.search", "tool.fetch", "tool.summarize"],
  });
  const r = gradeTrajectory(
    f,
    await candidate({
      calls: [{ tool: "tool.search", status: "ok" }, { tool: "tool.delete", status: "ok" }],
    }),
  );
  assert.deepEqual(r.reason_codes, ["unexpected_tool_sequence"]);
  assert.equal(r.details.tool_sequence_mismatch_index, 1);
  assert.equal(r.details.tool_sequence_expected_at_mismatch, "tool.fetch");
  assert.equal(r.details.tool_sequence_actual_at_mismatch, "tool.delete");
  assert.equal(r.details.candidate_runpack, "cand.zip");
});

Deno.test("trajectory: sentinels <missing> and <none> mark the shorter side", async () => {
  const f = await fixture({}, {
    expected_tool_sequence: ["tool.search", "tool.fetch", "tool.summarize"],
  });
  const short = gradeTrajectory(
    f,
    await candidate({ calls: [{ tool: "tool.search", status: "ok" }] }),
  );
  assert.equal(short.details.tool_sequence_mismatch_index, 1);
  assert.equal(short.details.tool_sequence_actual_at_mismatch, "<missing>");
  const g = await fixture({}, { expected_tool_sequence: ["tool.search"] });
  const long = gradeTrajectory(g, self(g));
  assert.equal(long.details.tool_sequence_expected_at_mismatch, "<none>");
  assert.equal(long.details.tool_sequence_actual_at_mismatch, "tool.fetch");
});

Deno.test("trajectory: a changed verdict is unexpected_verdict_sequence", async () => {
  const f = await fixture({}, { expected_verdict_sequence: ["allow", "allow", "allow"] });
  const r = gradeTrajectory(
    f,
    await candidate({
      captureMode: "raw",
      calls: [
        { tool: "a", status: "ok" },
        { tool: "b", status: "ok", result: { verdict: "block" } },
        { tool: "c", status: "ok" },
      ],
    }),
  );
  assert.deepEqual(r.reason_codes, ["unexpected_verdict_sequence"]);
  assert.equal(r.details.verdict_sequence_actual_at_mismatch, "block");
});

Deno.test("trajectory: candidate_path_invalid and candidate_runpack_invalid", async () => {
  const f = await fixture({}, { expected_tool_sequence: ["tool.search"] });
  for (const code of ["candidate_path_invalid", "candidate_runpack_invalid"] as const) {
    const r = gradeTrajectory(f, { kind: "error", path: "x.zip", code, error: "boom" });
    assert.deepEqual(r.reason_codes, [code]);
    assert.equal(r.status, "fail");
  }
});

Deno.test("diff: the fixture against itself passes", async () => {
  const f = await fixture();
  const r = gradeDiff(f, self(f));
  assert.equal(r.status, "pass");
  assert.deepEqual(r.details.changed_files, []);
});

Deno.test("diff: changed files outside the allow-list are unexpected_diff", async () => {
  const f = await fixture();
  const cand = await candidate({
    runId: "run_cand",
    calls: [{ tool: "tool.delete", status: "ok" }],
  });
  const r = gradeDiff(f, cand);
  assert.deepEqual(r.reason_codes, ["unexpected_diff"]);
  assert.deepEqual(r.details.changed_files, ["intents.jsonl", "results.jsonl"]);
  assert.deepEqual(r.details.unexpected_files, ["intents.jsonl", "results.jsonl"]);
  const allowed = await fixture({}, {
    diff_allow_changed_files: ["results.jsonl", "intents.jsonl"],
  });
  const pass = gradeDiff(allowed, cand);
  assert.equal(pass.status, "pass");
  assert.deepEqual(pass.details.allowed_files, ["intents.jsonl", "results.jsonl"]);
});

Deno.test("diff: an unreadable candidate is diff_error", async () => {
  const f = await fixture();
  const r = gradeDiff(f, {
    kind: "error",
    path: "x.zip",
    code: "candidate_runpack_invalid",
    error: "bad",
  });
  assert.deepEqual(r.reason_codes, ["diff_error"]);
});

Deno.test("context: expected digest differing semantically is context_set_digest_mismatch", async () => {
  const f = await fixture({ contextSetDigest: DIGEST_A }, {
    expected_context_set_digest: DIGEST_A,
  });
  const cand = await candidate({
    contextSetDigest: DIGEST_B,
    receipts: [{ source_locator: "other" }],
  });
  const r = gradeContextConformance(f, cand, FLAGS);
  assert.deepEqual(r.reason_codes, ["context_set_digest_mismatch"]);
  assert.equal(r.context_conformance, "semantic");
});

Deno.test("context: not enforced passes as context_conformance_not_required", async () => {
  const f = await fixture();
  const r = gradeContextConformance(f, self(f), FLAGS);
  assert.equal(r.status, "pass");
  assert.deepEqual(r.reason_codes, ["context_conformance_not_required"]);
  assert.equal(r.context_conformance, "none");
});

Deno.test("context: enforced without a candidate digest is context_evidence_missing", async () => {
  const f = await fixture();
  const r = gradeContextConformance(f, self(f), { ...FLAGS, contextConformance: true });
  assert.deepEqual(r.reason_codes, ["context_evidence_missing"]);
  assert.equal(r.context_conformance, "missing");
});

Deno.test("context: semantic drift is context_semantic_drift", async () => {
  const f = await fixture({ contextSetDigest: DIGEST_A }, { context_conformance: "required" });
  const cand = await candidate({
    contextSetDigest: DIGEST_A,
    receipts: [{ source_locator: "other" }],
  });
  const r = gradeContextConformance(f, cand, FLAGS);
  assert.deepEqual(r.reason_codes, ["context_semantic_drift"]);
  assert.equal(r.context_conformance, "semantic");
});

Deno.test("context: runtime-only drift is blocked unless allowed (flag or fixture)", async () => {
  const f = await fixture({ contextSetDigest: DIGEST_A }, {
    expected_context_set_digest: DIGEST_A,
  });
  const cand = await candidate({
    runId: "run_next",
    contextSetDigest: DIGEST_B,
    receipts: [{ retrieved_at: "2026-04-01T00:00:00Z" }],
  });
  const blocked = gradeContextConformance(f, cand, FLAGS);
  assert.deepEqual(blocked.reason_codes, ["context_runtime_drift_blocked"]);
  assert.equal(blocked.context_conformance, "runtime_only");
  const byFlag = gradeContextConformance(f, cand, { ...FLAGS, allowContextRuntimeDrift: true });
  assert.deepEqual(byFlag.reason_codes, ["context_conformance_pass"]);
  assert.equal(byFlag.context_conformance, "runtime_only");
  f.meta.allow_context_runtime_drift = true;
  assert.equal(gradeContextConformance(f, cand, FLAGS).status, "pass");
});

Deno.test("context: conforming evidence passes as context_conformance_pass", async () => {
  const f = await fixture({ contextSetDigest: DIGEST_A }, { context_conformance: "required" });
  const r = gradeContextConformance(f, self(f), FLAGS);
  assert.deepEqual(r.reason_codes, ["context_conformance_pass"]);
  assert.equal(r.context_conformance, "none");
});

Deno.test("context: an unreadable candidate is candidate_runpack_invalid (missing)", async () => {
  const f = await fixture({ contextSetDigest: DIGEST_A }, { context_conformance: "required" });
  const r = gradeContextConformance(
    f,
    { kind: "error", path: "x.zip", code: "candidate_path_invalid", error: "not found" },
    FLAGS,
  );
  assert.deepEqual(r.reason_codes, ["candidate_runpack_invalid"]);
  assert.equal(r.context_conformance, "missing");
});
