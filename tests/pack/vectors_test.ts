/**
 * PackSpec known answers (spec 01 §10 V9) and the proof-record rules of
 * spec 01 §5.1.
 */
import { deepStrictEqual as eq, ok, rejects } from "node:assert/strict";
import { canonicalJson } from "../../src/core/canonical_json.ts";
import { sha256Hex } from "../../src/core/digest.ts";
import { GaitError } from "../../src/core/errors.ts";
import { parsePrivateKey } from "../../src/crypto/key_file.ts";
import { publicKeyOf } from "../../src/crypto/key_material.ts";
import { generateKeyPair } from "../../src/crypto/key_material.ts";
import { runPayloadOf } from "../../src/pack/build.ts";
import { buildProofRecords, verifyProofRecords } from "../../src/pack/proof_records.ts";
import { assertMatchesSchema } from "../helpers/schema.ts";
import { V4_PRIVATE_KEY } from "../runpack/_fixtures.ts";
import { demoPack, demoSource, type Doc } from "./_fixtures.ts";

const V9_PAYLOAD =
  '{"capture_mode":"reference","context_privacy_mode":"reference","context_ref_count":3,"created_at":"2026-02-05T00:00:00Z","intents_count":3,"manifest_digest":"436474ad70446539c909ae85bcc156d30197ba68efb8debdaed4f5d2eef2922e","refs_count":3,"results_count":3,"run_id":"run_demo","schema_id":"gait.pack.run","schema_version":"1.0.0"}';
const V9_PAYLOAD_SHA = "82a160735ce8501e0dc2ea18345d05bdc5b7411fea31f3f2216371aed8c34f4a";
const V9_RECORD_ID = "prf-1980-01-01T00:00:00Z-2c9652cf";
const V9_RECORD_HASH = "sha256:690eaef950e1e831017e7ec37120427a7d4ab9f7e82a00d8b6cb0241abedd247";
/** Ed25519 (V4 test key) over the ASCII bytes of V9's record_hash; derived here. */
const V9_V4_SIGNATURE =
  "base64:OKnDbYG2pWurUC883sVlmh4tAO7aE4sLEdvljP/2X2mscJaqBrPvaeUuihh5iO3ISTdMPA1yHdDHr4z3KT0sCQ==";

const OPTIONS = {
  packType: "run",
  sourceRef: "run_demo",
  producerVersion: "0.0.0-dev",
  timestamp: "1980-01-01T00:00:00Z",
};

const V9_ENTRY = { path: "run_payload.json", type: "json", sha256: V9_PAYLOAD_SHA, size: 330 };

Deno.test("V9: the demo run payload is the 330-byte document with sha 82a16073…", async () => {
  const text = canonicalJson(runPayloadOf(await demoSource()));
  eq(text, V9_PAYLOAD);
  eq(new TextEncoder().encode(text).length, 330);
  eq(sha256Hex(text), V9_PAYLOAD_SHA);
});

Deno.test("V9: a first record for run_payload.json has the record_id and record_hash of the vector", async () => {
  const text = await buildProofRecords([V9_ENTRY], OPTIONS);
  const record = JSON.parse(text);
  eq(record.record_id, V9_RECORD_ID);
  eq(record.integrity, { record_hash: V9_RECORD_HASH });
  eq(record.event, {
    pack_type: "run",
    source_ref: "run_demo",
    producer_version: "0.0.0-dev",
    entry_path: "run_payload.json",
    entry_type: "json",
    entry_sha256: V9_PAYLOAD_SHA,
    entry_size_bytes: 330,
    entry_permissions: 420,
  });
  eq(record.controls, { permissions_enforced: false });
  eq(record.metadata, { artifact_kind: "gait.pack.entry" });
  eq(record.timestamp, "1980-01-01T00:00:00Z");
  eq(
    [record.record_version, record.source, record.source_product, record.agent_id],
    ["1.0", "gait.pack", "gait", "gait"],
  );
  eq(record.record_type, "tool_invocation");
  await assertMatchesSchema("pack/proof_record", record);
  eq((await verifyProofRecords(text)).count, 1);
});

Deno.test("V9 signed: the record signature is base64: + Ed25519 over the ASCII record_hash", async () => {
  const key = await parsePrivateKey(V4_PRIVATE_KEY, "v4");
  const record = JSON.parse(await buildProofRecords([V9_ENTRY], { ...OPTIONS, signer: key }));
  eq(record.integrity.record_hash, V9_RECORD_HASH, "signing must not change the hash");
  eq(record.integrity.signing_key_id, key.keyId);
  eq(record.integrity.signature, V9_V4_SIGNATURE);
});

Deno.test("proof records: the demo pack has one chained record per entry in path order; run_payload.json keeps V9's record_id", async () => {
  const pack = await demoPack();
  const text = new TextDecoder().decode(pack.files.get("proof_records.jsonl")!);
  ok(!text.endsWith("\n"), "no trailing newline");
  const records = text.split("\n").map((l) => JSON.parse(l));
  eq(records.map((r) => r.event.entry_path), [
    "context_envelope.json",
    "run_payload.json",
    "source/runpack.zip",
  ]);
  eq(records[0].integrity.previous_record_hash, undefined);
  eq(records[1].integrity.previous_record_hash, records[0].integrity.record_hash);
  eq(records[2].integrity.previous_record_hash, records[1].integrity.record_hash);
  // The envelope sorts first, so run_payload.json's record is chained (V9's
  // hash is for a pack whose first entry is the payload); its id does not
  // depend on the chain.
  eq(records[1].record_id, V9_RECORD_ID);
  eq(records[1].event.entry_sha256, V9_PAYLOAD_SHA);
  for (const [i, r] of records.entries()) {
    await assertMatchesSchema("pack/proof_record", r);
    eq(r.event.entry_size_bytes, pack.files.get(r.event.entry_path)!.length, `record ${i} size`);
  }
  eq((await verifyProofRecords(text)).count, 3);
});

async function expectBroken(text: string, pattern: RegExp): Promise<void> {
  await rejects(verifyProofRecords(text), (e: unknown) => {
    ok(e instanceof GaitError, String(e));
    eq(e.category, "verification_failed");
    ok(pattern.test(e.message), e.message);
    return true;
  });
}

Deno.test("proof records: a changed field, a dropped or swapped record, or a bad hash form is a verification failure", async () => {
  const pack = await demoPack();
  const lines = new TextDecoder().decode(pack.files.get("proof_records.jsonl")!).split("\n");
  const edit = (i: number, f: (r: Doc) => void) => {
    const copy = [...lines];
    const r = JSON.parse(copy[i]!);
    f(r);
    copy[i] = JSON.stringify(r);
    return copy.join("\n");
  };
  await expectBroken(
    edit(1, (r) => r.event.entry_size_bytes++),
    /^proof_records\.jsonl line 2: record_hash mismatch/,
  );
  await expectBroken(edit(0, (r) => (r.record_id = "prf-x")), /line 1: record_hash mismatch/);
  await expectBroken(edit(2, (r) => (r.metadata = {})), /line 3: record_hash mismatch/);
  await expectBroken(lines.slice(1).join("\n"), /line 1: first record must not have a previous/);
  await expectBroken([lines[0], lines[2]].join("\n"), /line 2: chain broken/);
  await expectBroken(
    edit(0, (r) => (r.integrity.record_hash = "sha256:ABC")),
    /line 1: integrity.record_hash must match/,
  );
  await expectBroken(edit(0, (r) => delete r.event), /line 1: event is required/);
  await expectBroken(edit(0, (r) => (r.source = "")), /line 1: source is required/);
  await expectBroken(
    edit(0, (r) => (r.timestamp = "yesterday")),
    /line 1\.timestamp: invalid RFC3339/,
  );
  await expectBroken(lines[0] + "\n{", /line 2: invalid JSON/);
});

Deno.test("proof records: signatures are checked only when required and a key is given", async () => {
  const key = await parsePrivateKey(V4_PRIVATE_KEY, "v4");
  const pub = await publicKeyOf(key);
  const other = await publicKeyOf(await generateKeyPair());
  const signed = new TextDecoder().decode((await demoPack(key)).files.get("proof_records.jsonl")!);
  const unsigned = new TextDecoder().decode((await demoPack()).files.get("proof_records.jsonl")!);
  eq(
    (await verifyProofRecords(signed, { verifier: pub, requireSignature: true })).signatureErrors,
    [],
  );
  eq(
    (await verifyProofRecords(signed, { verifier: other, requireSignature: true })).signatureErrors,
    [1, 2, 3].map((n) => `proof_records line ${n} signing key id mismatch`),
  );
  eq(
    (await verifyProofRecords(unsigned, { verifier: pub, requireSignature: true }))
      .signatureErrors,
    [1, 2, 3].map((n) => `proof_records line ${n} missing signature`),
  );
  eq((await verifyProofRecords(unsigned, { verifier: pub })).signatureErrors, []);
  eq((await verifyProofRecords(signed, { requireSignature: true })).signatureErrors, []);
  const forged = signed.split("\n").map((l) => {
    const r = JSON.parse(l);
    r.integrity.signature = "base64:" + btoa("x".repeat(64));
    return JSON.stringify(r);
  }).join("\n");
  eq(
    (await verifyProofRecords(forged, { verifier: pub, requireSignature: true })).signatureErrors,
    [1, 2, 3].map((n) => `proof_records line ${n} signature verification failed`),
  );
});
