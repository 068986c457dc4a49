/**
 * `gait pack diff` rules (spec 01 §5.3): file comparison, manifest delta,
 * and context drift classification none / runtime_only / semantic.
 */
import { deepStrictEqual as eq } from "node:assert/strict";
import { sha256Hex } from "../../src/core/digest.ts";
import { classifyContextDrift, diffPackFiles } from "../../src/pack/diff.ts";
import type { RefsDocument } from "../../src/runpack/types.ts";
import { withTempDir } from "../helpers/cli.ts";
import { assertMatchesSchema } from "../helpers/schema.ts";
import { demoPack, demoSource } from "./_fixtures.ts";

async function demoRefs(): Promise<RefsDocument> {
  return (await demoSource()).refs;
}

Deno.test("drift: equal refs → none", async () => {
  eq(classifyContextDrift(await demoRefs(), await demoRefs()), "none");
});

Deno.test("drift: only retrieved_at and context_set_digest differ → runtime_only", async () => {
  const left = await demoRefs();
  const right = await demoRefs();
  right.receipts[0]!.retrieved_at = "2026-03-01T10:00:00Z";
  eq(classifyContextDrift(left, right), "runtime_only");
  right.context_set_digest = "a".repeat(64);
  eq(classifyContextDrift(left, right), "runtime_only");
});

Deno.test("drift: a different receipt digest, locator or count → semantic", async () => {
  const left = await demoRefs();
  const digest = await demoRefs();
  digest.receipts[1]!.content_digest = sha256Hex("other content");
  eq(classifyContextDrift(left, digest), "semantic");
  const fewer = await demoRefs();
  fewer.receipts.pop();
  eq(classifyContextDrift(left, fewer), "semantic");
  const mode = await demoRefs();
  mode.context_evidence_mode = "required";
  eq(classifyContextDrift(left, mode), "semantic");
});

async function diffOf(
  leftMutate: Parameters<typeof demoPack>[1],
  rightMutate: Parameters<typeof demoPack>[1],
) {
  return await withTempDir(async (dir) => {
    await Deno.writeFile(`${dir}/l.zip`, (await demoPack(undefined, leftMutate)).zip);
    await Deno.writeFile(`${dir}/r.zip`, (await demoPack(undefined, rightMutate)).zip);
    const result = await diffPackFiles(`${dir}/l.zip`, `${dir}/r.zip`);
    await assertMatchesSchema("pack/diff", JSON.parse(JSON.stringify(result)));
    return result;
  });
}

Deno.test("diff: identical packs → unchanged, no delta, drift none", async () => {
  const r = await diffOf(undefined, undefined);
  eq(JSON.parse(JSON.stringify(r.summary)), {
    changed: false,
    manifest_delta: false,
    context_drift_classification: "none",
  });
  eq(r.created_at, "1980-01-01T00:00:00Z");
  eq(r.left_pack_id, r.right_pack_id);
});

Deno.test("diff: a receipt fetched later → runtime_only drift, changed files named", async () => {
  const r = await diffOf(undefined, (c) => {
    c.refs.receipts[2]!.retrieved_at = "2026-02-06T00:00:00Z";
  });
  eq(r.summary.changed, true);
  eq(r.summary.manifest_delta, true);
  eq(r.summary.context_drift_classification, "runtime_only");
  eq(r.summary.context_changed, true);
  eq(r.summary.context_runtime_only_changes, true);
  eq(r.summary.changed_files, [
    "context_envelope.json",
    "proof_records.jsonl",
    "run_payload.json",
    "source/runpack.zip",
  ]);
  eq(r.summary.added_files, undefined);
});

Deno.test("diff: different context content → semantic drift", async () => {
  const r = await diffOf(undefined, (c) => {
    c.refs.receipts[0]!.query_digest = sha256Hex("another query");
  });
  eq(r.summary.context_drift_classification, "semantic");
  eq(r.summary.context_changed, true);
  eq(r.summary.context_runtime_only_changes, undefined);
});

Deno.test("diff: receipts dropped → files added/removed and semantic drift", async () => {
  const r = await diffOf(undefined, (c) => {
    c.refs.receipts = [];
    c.refs.context_ref_count = undefined;
  });
  eq(r.summary.removed_files, ["context_envelope.json"]);
  eq(r.summary.context_drift_classification, "semantic");
});
