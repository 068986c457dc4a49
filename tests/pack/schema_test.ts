/**
 * schemas/v1/pack: the documents Gait writes match its own schemas, and the
 * schemas reject what verify rejects.
 */
import { rejects } from "node:assert/strict";
import { parsePrivateKey } from "../../src/crypto/key_file.ts";
import { assertMatchesSchema } from "../helpers/schema.ts";
import { V4_PRIVATE_KEY } from "../runpack/_fixtures.ts";
import { demoPack } from "./_fixtures.ts";

const dec = new TextDecoder();

Deno.test("schemas: manifest, run payload and proof records of a signed demo pack match schemas/v1/pack", async () => {
  const pack = await demoPack(await parsePrivateKey(V4_PRIVATE_KEY, "v4"));
  await assertMatchesSchema(
    "pack/manifest",
    JSON.parse(dec.decode(pack.files.get("pack_manifest.json")!)),
  );
  await assertMatchesSchema(
    "pack/run",
    JSON.parse(dec.decode(pack.files.get("run_payload.json")!)),
  );
  for (const line of dec.decode(pack.files.get("proof_records.jsonl")!).split("\n")) {
    await assertMatchesSchema("pack/proof_record", JSON.parse(line));
  }
});

Deno.test("schemas: the pack manifest schema rejects unknown keys, bad hex and unknown pack types", async () => {
  const manifest = JSON.parse(dec.decode((await demoPack()).files.get("pack_manifest.json")!));
  await rejects(assertMatchesSchema("pack/manifest", { ...manifest, extra: 1 }));
  await rejects(assertMatchesSchema("pack/manifest", { ...manifest, pack_id: "xyz" }));
  await rejects(assertMatchesSchema("pack/manifest", { ...manifest, pack_type: "bundle" }));
  await assertMatchesSchema("pack/manifest", { ...manifest, pack_type: "authorization" });
});

Deno.test("schemas: job and call payload schemas accept the documented shapes", async () => {
  await assertMatchesSchema("pack/job", {
    schema_id: "gait.pack.job",
    schema_version: "1.0.0",
    created_at: "2026-02-05T00:00:00Z",
    job_id: "job_demo",
    status: "completed",
    stop_reason: "completed",
    status_reason_code: "completed",
    environment_fingerprint: "envfp:abc",
    safety_invariant_version: "1",
    safety_invariant_hash: "a".repeat(64),
    checkpoint_count: 1,
    approval_count: 0,
  });
  await assertMatchesSchema("pack/call", {
    schema_id: "gait.pack.call",
    schema_version: "1.0.0",
    created_at: "2026-02-15T00:00:00Z",
    call_id: "call_1",
    privacy_mode: "hash_only",
    event_count: 7,
    commitment_count: 1,
    decision_count: 1,
    speak_receipt_count: 1,
    reference_digest_count: 0,
  });
});
