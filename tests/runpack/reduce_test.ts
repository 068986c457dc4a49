/**
 * Reduce rules (spec 03 §3.6).
 */

import assert from "node:assert/strict";
import { GaitError } from "../../src/core/errors.ts";
import {
  parseReducePredicate,
  reducedRunId,
  reduceRunpack,
  selectFailingIntent,
} from "../../src/runpack/reduce.ts";
import { testRun } from "../regress/_runpacks.ts";

const NOW = "2026-03-01T00:00:00Z";

Deno.test("reduced run id: run_-prefixed original, _reduced_, predicate without underscores", () => {
  assert.equal(reducedRunId("run_demo", "missing_result"), "run_demo_reduced_missingresult");
  assert.equal(reducedRunId("demo", "non_ok_status"), "run_demo_reduced_nonokstatus");
});

Deno.test("missing_result selects the lexicographically first intent without a result", () => {
  const content = testRun({ calls: [{ tool: "a", status: "ok" }, { tool: "b" }, { tool: "c" }] });
  content.intents[1]!.intent_id = "z_intent";
  content.intents[2]!.intent_id = "b_intent";
  assert.equal(selectFailingIntent(content, "missing_result")?.intent.intent_id, "b_intent");
});

Deno.test("non_ok_status selects the first intent whose result is neither ok nor success", () => {
  const content = testRun({
    calls: [{ tool: "a", status: "SUCCESS" }, { tool: "b", status: "ok" }, {
      tool: "c",
      status: "error",
    }],
  });
  const s = selectFailingIntent(content, "non_ok_status");
  assert.equal(s?.intent.intent_id, "intent_3");
  assert.equal(s?.result?.status, "error");
});

Deno.test("an untriggered predicate is invalid input (exit 6)", () => {
  assert.throws(
    () => reduceRunpack(testRun(), "missing_result", NOW),
    (e) =>
      e instanceof GaitError && e.exitCode === 6 &&
      e.message === "predicate missing_result not triggered by runpack",
  );
});

Deno.test("reduce keeps the intent, its failing result, referenced receipts and its timeline", () => {
  const content = testRun({
    captureMode: "raw",
    calls: [
      { tool: "a", args: { q: 1 }, status: "ok" },
      {
        tool: "b",
        args: { source_ref: "ref_2", items: ["ref_3"] },
        status: "error",
        result: { ref: "x" },
      },
    ],
    receipts: [{}, {}, {}],
  });
  content.run.timeline = [
    { event: "start", ts: "2026-02-05T00:00:00Z" },
    { event: "call", ts: "2026-02-05T00:00:01Z", ref: "intent_1" },
    { event: "call", ts: "2026-02-05T00:00:02Z", ref: "intent_2" },
  ];
  const { content: reduced, report } = reduceRunpack(content, "non_ok_status", NOW);
  assert.equal(reduced.run.run_id, "run_test_reduced_nonokstatus");
  assert.deepEqual(reduced.intents.map((i) => [i.intent_id, i.run_id]), [[
    "intent_2",
    "run_test_reduced_nonokstatus",
  ]]);
  assert.deepEqual(reduced.results.map((r) => r.status), ["error"]);
  assert.deepEqual(reduced.refs.receipts.map((r) => r.ref_id), ["ref_2", "ref_3"]);
  assert.equal(reduced.refs.run_id, "run_test_reduced_nonokstatus");
  assert.deepEqual(reduced.run.timeline!.map((e) => e.ref ?? ""), ["", "intent_2"]);
  assert.deepEqual(report, {
    schema_id: "gait.runpack.reduce_report",
    schema_version: "1.0.0",
    created_at: NOW,
    producer_version: "0.0.0-test",
    run_id: "run_test",
    reduced_run_id: "run_test_reduced_nonokstatus",
    predicate: "non_ok_status",
    selected_intent_id: "intent_2",
    original_intent_count: 2,
    original_result_count: 2,
    original_ref_count: 3,
    reduced_intent_count: 1,
    reduced_result_count: 1,
    reduced_ref_count: 2,
    still_failing: true,
  });
});

Deno.test("--predicate accepts missing_result (default) and non_ok_status", () => {
  assert.equal(parseReducePredicate(""), "missing_result");
  assert.equal(parseReducePredicate("non_ok_status"), "non_ok_status");
  assert.throws(
    () => parseReducePredicate("slow"),
    (e) => e instanceof GaitError && e.exitCode === 6,
  );
});
