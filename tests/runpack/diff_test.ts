/**
 * Diff rules (spec 03 §3.4): every change class, both privacy modes, every
 * context drift class, session chains, and determinism.
 */

import assert from "node:assert/strict";
import { GaitError } from "../../src/core/errors.ts";
import { sha256Hex } from "../../src/core/digest.ts";
import { canonicalJson } from "../../src/core/canonical_json.ts";
import {
  changedFileNames,
  classifyContextDrift,
  diffRunpacks,
  diffSessionChains,
  parseDiffPrivacy,
} from "../../src/runpack/diff.ts";
import type { SessionChain } from "../../src/runpack/_session_chain.ts";
import type { RunpackContent } from "../../src/runpack/types.ts";
import { buildRunpack } from "../../src/runpack/write.ts";
import { testRun } from "../regress/_runpacks.ts";
import { v2Draft } from "./_fixtures.ts";
import { normalizeRunpack } from "../../src/runpack/normalize.ts";

async function side(content: RunpackContent) {
  return { manifest: (await buildRunpack(content)).manifest, content };
}

async function diff(
  left: RunpackContent,
  right: RunpackContent,
  privacy: "full" | "metadata" = "full",
) {
  return diffRunpacks(await side(left), await side(right), privacy);
}

const DIGEST_A = "a".repeat(64);
const DIGEST_B = "b".repeat(64);

Deno.test("V2 diffed with itself: the Go golden summary", async () => {
  const v2 = normalizeRunpack(v2Draft());
  const result = await diff(v2, v2);
  assert.equal(result.ok, true);
  assert.equal(
    canonicalJson(result.summary),
    canonicalJson({
      run_id_left: "run_integration",
      run_id_right: "run_integration",
      manifest_changed: false,
      intents_changed: false,
      results_changed: false,
      refs_changed: false,
      context_drift_classification: "none",
    }),
  );
});

Deno.test("run ids, producer versions and timestamps alone are not changes", async () => {
  const left = testRun({ runId: "run_a" });
  const right = testRun({
    runId: "run_b",
    createdAt: "2027-01-01T00:00:00Z",
    receipts: [{ retrieved_at: "2026-02-05T00:00:00Z" }],
  });
  const result = await diff(left, right);
  assert.equal(result.ok, true, JSON.stringify(result.summary));
  assert.equal(result.summary.run_id_left, "run_a");
  assert.equal(result.summary.run_id_right, "run_b");
});

Deno.test("a changed tool changes intents; a changed status changes results", async () => {
  const base = testRun();
  const tool = testRun({
    calls: [{ tool: "tool.search", args: { query: "q" }, status: "ok", result: { ok: true } }, {
      tool: "tool.delete",
      args: { url: "https://example.local" },
      status: "ok",
      result: { ok: true },
    }, {
      tool: "tool.summarize",
      args: { input_ref: "ref_1" },
      status: "ok",
      result: { ok: true },
    }],
  });
  const r1 = await diff(base, tool);
  assert.equal(r1.ok, false);
  assert.equal(r1.summary.intents_changed, true);
  assert.equal(r1.summary.results_changed, false);
  assert.deepEqual(changedFileNames(r1.summary), ["intents.jsonl"]);
  const status = testRun();
  status.results[0]!.status = "error";
  const r2 = await diff(base, status);
  assert.equal(r2.summary.intents_changed, false);
  assert.equal(r2.summary.results_changed, true);
});

Deno.test("intents and results on one side only are listed and count as changes", async () => {
  const left = testRun({ calls: [{ tool: "a", status: "ok" }, { tool: "b", status: "ok" }] });
  const right = testRun({ calls: [{ tool: "a", status: "ok" }] });
  const r = await diff(left, right);
  assert.deepEqual(r.summary.left_only_intents, ["intent_2"]);
  assert.deepEqual(r.summary.left_only_results, ["intent_2"]);
  assert.equal(r.summary.right_only_intents, undefined);
  assert.equal(r.summary.intents_changed, true);
  const back = await diff(right, left);
  assert.deepEqual(back.summary.right_only_intents, ["intent_2"]);
  assert.deepEqual(back.summary.right_only_results, ["intent_2"]);
});

Deno.test("a different capture mode changes the manifest", async () => {
  const raw = testRun({ captureMode: "raw" });
  const ref = testRun({ captureMode: "reference" });
  const r = await diff(ref, raw);
  assert.equal(r.summary.manifest_changed, true);
  assert.ok(changedFileNames(r.summary).includes("manifest.json"));
});

Deno.test("declared files on one side only are files_changed", async () => {
  const left = await side(testRun());
  const right = await side(testRun());
  right.manifest = {
    ...right.manifest,
    files: [...right.manifest.files!, { path: "extra.txt", sha256: DIGEST_A }],
  };
  const r = diffRunpacks(left, right, "full");
  assert.deepEqual(r.summary.files_changed, ["extra.txt"]);
  assert.equal(r.ok, false);
});

Deno.test("privacy metadata ignores payloads; full compares them", async () => {
  const left = testRun({ captureMode: "raw" });
  const right = testRun({ captureMode: "raw" });
  right.intents[0]!.args = { query: "other" };
  right.results[0]!.result = { ok: false };
  const full = await diff(left, right, "full");
  assert.equal(full.summary.intents_changed, true);
  assert.equal(full.summary.results_changed, true);
  const meta = await diff(left, right, "metadata");
  assert.equal(meta.ok, true, JSON.stringify(meta.summary));
  assert.equal(meta.privacy, "metadata");
});

Deno.test("context drift none: equal refs", () => {
  const refs = testRun({ contextSetDigest: DIGEST_A }).refs;
  assert.equal(classifyContextDrift(refs, { ...refs, run_id: "run_other" }), "none");
});

Deno.test("context drift runtime_only: only context_set_digest and retrieved_at differ", async () => {
  const left = testRun({ contextSetDigest: DIGEST_A });
  const right = testRun({
    runId: "run_other",
    contextSetDigest: DIGEST_B,
    receipts: [{ retrieved_at: "2026-03-01T00:00:00Z" }],
  });
  assert.equal(classifyContextDrift(left.refs, right.refs), "runtime_only");
  const r = await diff(left, right);
  assert.equal(r.summary.refs_changed, true);
  assert.equal(r.summary.context_drift_classification, "runtime_only");
  assert.equal(r.summary.context_runtime_only_changes, true);
});

Deno.test("context drift semantic: receipt content changed", async () => {
  const left = testRun({ contextSetDigest: DIGEST_A });
  const right = testRun({
    contextSetDigest: DIGEST_A,
    receipts: [{ content_digest: sha256Hex("changed") }],
  });
  const r = await diff(left, right);
  assert.equal(r.summary.context_drift_classification, "semantic");
  assert.equal(r.summary.context_runtime_only_changes, undefined);
  assert.equal(r.summary.refs_changed, true);
});

Deno.test("metadata privacy: refs change only when receipt counts differ, classification none", async () => {
  const left = testRun({ receipts: [{}] });
  const right = testRun({ receipts: [{ content_digest: sha256Hex("x") }] });
  assert.equal((await diff(left, right, "metadata")).summary.refs_changed, false);
  const more = testRun({ receipts: [{}, {}] });
  const r = await diff(left, more, "metadata");
  assert.equal(r.summary.refs_changed, true);
  assert.equal(r.summary.context_drift_classification, "none");
});

Deno.test("diff output is deterministic: same inputs, same bytes", async () => {
  const left = testRun();
  const right = testRun({ runId: "run_b", calls: [{ tool: "x", status: "error" }] });
  const a = canonicalJson(await diff(left, right));
  const b = canonicalJson(await diff(left, right));
  assert.equal(a, b);
});

Deno.test("--privacy accepts full and metadata only", () => {
  assert.equal(parseDiffPrivacy(""), "full");
  assert.equal(parseDiffPrivacy("METADATA"), "metadata");
  assert.throws(() => parseDiffPrivacy("none"), (e) => e instanceof GaitError && e.exitCode === 6);
});

function chain(digests: string[]): SessionChain {
  return {
    path: "c.json",
    session_id: "s",
    run_id: "run_s",
    checkpoints: digests.map((d, i) => ({
      checkpoint_index: i + 1,
      sequence_start: i + 1,
      sequence_end: i + 1,
      runpack_path: `cp_${i + 1}.zip`,
      manifest_digest: d,
      prev_checkpoint_digest: "",
      checkpoint_digest: "",
    })),
  };
}

Deno.test("session chains: changed, left-only and right-only checkpoints", () => {
  const same = diffSessionChains(chain([DIGEST_A]), chain([DIGEST_A]), "full");
  assert.equal(same.ok, true);
  const changed = diffSessionChains(
    chain([DIGEST_A, DIGEST_A]),
    chain([DIGEST_A, DIGEST_B, DIGEST_B]),
    "full",
  );
  assert.equal(changed.ok, false);
  assert.deepEqual(changed.summary.files_changed, ["checkpoint_2", "right_only_checkpoint_3"]);
  const left = diffSessionChains(chain([DIGEST_A, DIGEST_A]), chain([DIGEST_A]), "full");
  assert.deepEqual(left.summary.files_changed, ["left_only_checkpoint_2"]);
});
