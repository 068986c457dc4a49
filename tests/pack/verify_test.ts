/**
 * `verifyPackFile` step by step (spec 01 §5.2): the legacy runpack path,
 * strict manifest parsing, pack_id, file checks, proof records, payload
 * contracts (run and job), and signatures.
 */
import { deepStrictEqual as eq, ok, rejects } from "node:assert/strict";
import { canonicalJson } from "../../src/core/canonical_json.ts";
import { digestJson } from "../../src/core/digest.ts";
import { GaitError } from "../../src/core/errors.ts";
import { parsePrivateKey } from "../../src/crypto/key_file.ts";
import { generateKeyPair, publicKeyOf } from "../../src/crypto/key_material.ts";
import { assemblePack } from "../../src/pack/build.ts";
import {
  computePackId,
  computePackSignedDigest,
  packManifestFromJson,
  parsePackManifest,
} from "../../src/pack/manifest.ts";
import { verifyPackFile } from "../../src/pack/verify.ts";
import { inspectPackFile } from "../../src/pack/inspect.ts";
import { parseContextEnvelope } from "../../src/gate/context_envelope.ts";
import { withTempDir } from "../helpers/cli.ts";
import { V4_PRIVATE_KEY } from "../runpack/_fixtures.ts";
import {
  demoPack,
  type Doc,
  jsonBytes,
  manifestOf,
  reseal,
  writeEntries,
  zipEntries,
} from "./_fixtures.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

async function expectFailure(
  promise: Promise<unknown>,
  category: string,
  pattern: RegExp,
): Promise<void> {
  await rejects(promise, (e: unknown) => {
    ok(e instanceof GaitError, String(e));
    eq(e.category, category, e.message);
    ok(pattern.test(e.message), e.message);
    return true;
  });
}

Deno.test("verify: a demo run pack verifies: 4 files, 3 proof records, unsigned", async () => {
  await withTempDir(async (dir) => {
    const pack = await demoPack();
    const path = `${dir}/pack.zip`;
    await Deno.writeFile(path, pack.zip);
    const r = await verifyPackFile(path);
    eq(r.ok, true);
    eq(r.pack_type, "run");
    eq(r.source_ref, "run_demo");
    eq(r.pack_id, pack.manifest.pack_id);
    eq(r.files_checked, 4);
    eq(r.proof_records_verified, 3);
    eq(r.signature_status, "missing");
    eq(r.legacy_type, undefined);
    eq([r.missing_files, r.hash_mismatches, r.undeclared_files], [[], [], []]);
  });
});

Deno.test("build: the manifest follows §5 (1980 created_at, contents incl. proof records, JCS) and pack_id recomputes", async () => {
  const pack = await demoPack();
  const m = pack.manifest;
  eq(m.created_at, "1980-01-01T00:00:00Z");
  eq(m.contents!.map((e) => [e.path, e.type]), [
    ["context_envelope.json", "json"],
    ["proof_records.jsonl", "jsonl"],
    ["run_payload.json", "json"],
    ["source/runpack.zip", "zip"],
  ]);
  const raw = dec.decode(pack.files.get("pack_manifest.json")!);
  eq(raw, canonicalJson(JSON.parse(raw)));
  const view = JSON.parse(raw);
  view.pack_id = "";
  eq(m.pack_id, digestJson(view));
  eq(computePackId(parsePackManifest(enc.encode(raw))), m.pack_id);
});

Deno.test("build: two builds of the same run are byte-identical", async () => {
  eq((await demoPack()).zip, (await demoPack()).zip);
});

Deno.test("build: context_envelope.json is a valid gait.context.envelope of the run's receipts", async () => {
  const pack = await demoPack();
  const text = dec.decode(pack.files.get("context_envelope.json")!);
  const envelope = parseContextEnvelope(text);
  eq(envelope.context_set_id, "run_demo");
  eq(envelope.evidence_mode, "best_effort");
  eq(envelope.records.map((r) => r.ref_id), ["ref_1", "ref_2", "ref_3"]);
  eq(JSON.parse(text).context_set_digest, envelope.context_set_digest);
});

Deno.test("build: a run without receipts has no context_envelope.json", async () => {
  const pack = await demoPack(undefined, (c) => {
    c.refs.receipts = [];
    c.refs.context_ref_count = undefined;
  });
  eq([...pack.files.keys()].sort(), [
    "pack_manifest.json",
    "proof_records.jsonl",
    "run_payload.json",
    "source/runpack.zip",
  ]);
  const payload = JSON.parse(dec.decode(pack.files.get("run_payload.json")!));
  eq(payload.refs_count, 0);
  eq("context_ref_count" in payload, false);
  eq("context_privacy_mode" in payload, false);
});

Deno.test("verify: the legacy runpack path reports pack_id = manifest_digest and legacy_type runpack", async () => {
  await withTempDir(async (dir) => {
    const entries = await zipEntries((await demoPack()).files.get("source/runpack.zip")!);
    const path = await writeEntries(`${dir}/runpack.zip`, entries);
    const r = await verifyPackFile(path);
    eq(r.ok, true);
    eq(r.legacy_type, "runpack");
    eq(r.pack_id, "436474ad70446539c909ae85bcc156d30197ba68efb8debdaed4f5d2eef2922e");
    eq([r.pack_type, r.source_ref, r.files_checked], ["run", "run_demo", 4]);
  });
});

Deno.test("verify: neither manifest → missing pack_manifest.json (invalid input)", async () => {
  await withTempDir(async (dir) => {
    const path = await writeEntries(`${dir}/x.zip`, [["a.json", "{}"]]);
    await expectFailure(verifyPackFile(path), "invalid_input", /^missing pack_manifest\.json$/);
  });
});

Deno.test("verify: strict manifest parsing rejects each malformed manifest as a verification failure", async () => {
  const pack = await demoPack();
  const base = manifestOf(pack.files);
  const cases: [string, (m: Doc) => void, RegExp][] = [
    ["unknown key", (m) => (m.extra = 1), /unknown field "extra"/],
    ["case-variant key", (m) => {
      m.Pack_ID = m.pack_id;
      delete m.pack_id;
    }, /unknown field "Pack_ID"/],
    ["schema_id", (m) => (m.schema_id = "gait.pack.other"), /unsupported schema_id/],
    ["schema_version", (m) => (m.schema_version = "2.0.0"), /unsupported schema_version/],
    ["pack_type", (m) => (m.pack_type = "bundle"), /unsupported pack_type "bundle"/],
    ["blank source_ref", (m) => (m.source_ref = " "), /source_ref is required/],
    ["blank producer", (m) => (m.producer_version = ""), /producer_version is required/],
    ["zero created_at", (m) => (m.created_at = "0001-01-01T00:00:00Z"), /created_at is required/],
    ["bad created_at", (m) => (m.created_at = "1980"), /created_at is not an RFC3339/],
    ["pack_id hex", (m) => (m.pack_id = "xyz"), /pack_id must be 64 hex/],
    ["entry sha", (m) => (m.contents[0].sha256 = "00"), /contents\[0\]\.sha256 must be 64 hex/],
    ["entry path", (m) => (m.contents[1].path = ""), /contents\[1\]\.path is required/],
    ["entry type", (m) => (m.contents[1].type = ""), /contents\[1\]\.type is required/],
    ["entry extra key", (m) => (m.contents[0].mode = 420), /contents\[0\]: unknown field "mode"/],
    ["entry twice", (m) => m.contents.push(m.contents[0]), /declares context_envelope\.json twice/],
    ["wrong type", (m) => (m.contents = "all"), /contents must be an array/],
    [
      "signature without sig",
      (m) => (m.signatures = [{ alg: "ed25519", key_id: "k", sig: "" }]),
      /signatures\[0\]\.sig is required/,
    ],
    [
      "signature digest",
      (m) => (m.signatures = [{ alg: "ed25519", key_id: "k", sig: "s", signed_digest: "zz" }]),
      /signatures\[0\]\.signed_digest must be 64 hex/,
    ],
  ];
  for (const [name, edit, pattern] of cases) {
    const m = structuredClone(base);
    edit(m);
    try {
      parsePackManifest(jsonBytes(m));
      throw new Error(`${name}: accepted`);
    } catch (e) {
      ok(e instanceof GaitError, `${name}: ${e}`);
      eq(e.category, "verification_failed", name);
      ok(pattern.test(e.message), `${name}: ${e.message}`);
    }
  }
  for (const text of ['{"schema_id":', "{} {}", "[1]"]) {
    try {
      parsePackManifest(enc.encode(text));
      throw new Error("accepted");
    } catch (e) {
      ok(e instanceof GaitError && e.category === "verification_failed", String(e));
    }
  }
});

Deno.test("verify: a pack_id that does not recompute is an error naming both values", async () => {
  await withTempDir(async (dir) => {
    const entries = new Map((await demoPack()).files);
    const m = manifestOf(entries);
    m.source_ref = "run_other";
    entries.set("pack_manifest.json", jsonBytes(m));
    const path = await writeEntries(`${dir}/p.zip`, entries);
    await expectFailure(
      verifyPackFile(path),
      "verification_failed",
      new RegExp(`^pack_id mismatch: expected=${m.pack_id} actual=[a-f0-9]{64}$`),
    );
  });
});

Deno.test("verify: payload contract failures (unknown field, run_id, capture_mode, types) exit 2", async () => {
  const pack = await demoPack();
  const payload = JSON.parse(dec.decode(pack.files.get("run_payload.json")!));
  const inputs = (replacement: object) =>
    [...pack.files]
      .filter(([path]) => path !== "pack_manifest.json" && path !== "proof_records.jsonl")
      .map(([path, data]) => ({
        path,
        data: path === "run_payload.json" ? jsonBytes(replacement) : data,
      }));
  const cases: [string, object, RegExp][] = [
    [
      "unknown payload field",
      { ...payload, unexpected: "field" },
      /run_payload\.json: unknown field "unexpected"/,
    ],
    [
      "run_id",
      { ...payload, run_id: "run_x" },
      /run_id "run_x" does not match source_ref "run_demo"/,
    ],
    ["capture mode", { ...payload, capture_mode: "all" }, /capture_mode must be reference or raw/],
    ["manifest digest", { ...payload, manifest_digest: "x" }, /manifest_digest must be 64 hex/],
    ["wrong type", { ...payload, intents_count: "3" }, /intents_count must be an integer/],
    [
      "schema",
      { ...payload, schema_id: "gait.pack.job" },
      /unsupported schema_id "gait\.pack\.job"/,
    ],
  ];
  await withTempDir(async (dir) => {
    for (const [name, replacement, pattern] of cases) {
      const built = await assemblePack("run", "run_demo", inputs(replacement), {
        producerVersion: "0.0.0-dev",
      });
      const path = `${dir}/${name.replaceAll(" ", "_")}.zip`;
      await Deno.writeFile(path, built.zip);
      await expectFailure(verifyPackFile(path), "verification_failed", pattern);
    }
    const noSource = inputs(payload).filter((f) => f.path !== "source/runpack.zip");
    const built = await assemblePack("run", "run_demo", noSource, { producerVersion: "0.0.0-dev" });
    await Deno.writeFile(`${dir}/nosource.zip`, built.zip);
    await expectFailure(
      verifyPackFile(`${dir}/nosource.zip`),
      "verification_failed",
      /^run pack is missing source\/runpack\.zip$/,
    );
  });
});

Deno.test("verify: proof records that no longer describe the manifest's entries are refused (hardening)", async () => {
  await withTempDir(async (dir) => {
    const pack = await demoPack();
    const files = new Map(pack.files);
    const payload = JSON.parse(dec.decode(files.get("run_payload.json")!));
    files.set("run_payload.json", jsonBytes({ ...payload, intents_count: 4 }));
    const path = await writeEntries(`${dir}/p.zip`, reseal(files));
    await expectFailure(
      verifyPackFile(path),
      "verification_failed",
      /proof_records\.jsonl does not match the manifest: no record for run_payload\.json; records for undeclared or changed run_payload\.json/,
    );
  });
});

Deno.test("verify: a pack without proof records (third-party producer) verifies on its manifest alone", async () => {
  await withTempDir(async (dir) => {
    const entries = new Map((await demoPack()).files);
    entries.delete("proof_records.jsonl");
    const sealed = reseal(entries, (m) => {
      m.contents = (m.contents as { path: string }[]).filter((e) =>
        e.path !== "proof_records.jsonl"
      );
    });
    const r = await verifyPackFile(await writeEntries(`${dir}/p.zip`, sealed));
    eq(r.ok, true);
    eq(r.proof_records_verified, 0);
    eq(r.files_checked, 3);
  });
});

Deno.test("verify: signatures — verified with the right key, failed with another, skipped without, missing when unsigned", async () => {
  await withTempDir(async (dir) => {
    const key = await parsePrivateKey(V4_PRIVATE_KEY, "v4");
    const pack = await demoPack(key);
    const sig = pack.manifest.signatures![0]!;
    eq(sig.signed_digest, computePackSignedDigest(pack.manifest));
    eq(sig.key_id, "42571c8843a10df565fd17a97a236c3552e8e4b7ff2a0b48bf524409279771d9");
    const path = `${dir}/signed.zip`;
    await Deno.writeFile(path, pack.zip);
    const pub = await publicKeyOf(key);

    const good = await verifyPackFile(path, { verifier: pub, requireSignature: true });
    eq([good.ok, good.signature_status, good.signatures_valid], [true, "verified", 1]);
    eq(good.signature_errors, []);

    const other = await publicKeyOf(await generateKeyPair());
    const bad = await verifyPackFile(path, { verifier: other });
    eq([bad.ok, bad.signature_status], [false, "failed"]);
    eq(bad.signature_errors, ["key id mismatch", "signature verification failed"]);
    const badRequired = await verifyPackFile(path, { verifier: other, requireSignature: true });
    ok(badRequired.signature_errors.includes("proof_records line 1 signing key id mismatch"));

    const skipped = await verifyPackFile(path);
    eq([skipped.ok, skipped.signature_status], [true, "skipped"]);
    eq(skipped.signature_errors, ["public key not configured"]);

    const unsigned = `${dir}/unsigned.zip`;
    await Deno.writeFile(unsigned, (await demoPack()).zip);
    const missing = await verifyPackFile(unsigned, { requireSignature: true, verifier: pub });
    // Required signatures with a key also check every proof record, whose
    // missing signatures turn the status to failed (spec 01 §5.1).
    eq([missing.ok, missing.signature_status], [false, "failed"]);
    ok(missing.signature_errors.includes("manifest has no signatures"));
    ok(missing.signature_errors.includes("proof_records line 1 missing signature"));
    const keyless = await verifyPackFile(unsigned, { requireSignature: true });
    eq([keyless.ok, keyless.signature_status], [false, "missing"]);
    eq(keyless.signature_errors, ["manifest has no signatures"]);
  });
});

function jobFiles(overrides: { payload?: object; state?: object; events?: string } = {}) {
  const state = {
    schema_id: "gait.job.runtime",
    schema_version: "1.0.0",
    created_at: "2026-02-05T00:00:00Z",
    updated_at: "2026-02-05T00:05:00Z",
    producer_version: "0.0.0-dev",
    job_id: "job_demo",
    status: "completed",
    stop_reason: "completed",
    status_reason_code: "completed",
    environment_fingerprint: "envfp:abc",
    safety_invariant_version: "1",
    safety_invariant_hash: "a".repeat(64),
    safety_invariants: ["control_boundary=runtime_go"],
    revision: 3,
    checkpoints: [{
      checkpoint_id: "cp_0001",
      created_at: "2026-02-05T00:01:00Z",
      type: "completed",
      summary: "done",
      reason_code: "checkpoint_completed",
    }],
    approvals: [{ created_at: "2026-02-05T00:02:00Z", actor: "alice", reason: "approved" }],
    ...overrides.state,
  };
  const payload = {
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
    approval_count: 1,
    ...overrides.payload,
  };
  const events = overrides.events ??
    [
        { type: "submitted", revision: 1 },
        { type: "checkpoint_added", revision: 2 },
        { type: "approved", revision: 3 },
      ].map((e) =>
        JSON.stringify({
          schema_id: "gait.job.event",
          schema_version: "1.0.0",
          created_at: "2026-02-05T00:00:00Z",
          job_id: "job_demo",
          ...e,
        })
      ).join("\n") + "\n";
  return [
    { path: "job_payload.json", data: enc.encode(canonicalJson(payload)) },
    { path: "job_state.json", data: enc.encode(JSON.stringify(state, null, 2) + "\n") },
    { path: "job_events.jsonl", data: enc.encode(events) },
  ];
}

Deno.test("verify: a job pack made by the Go layout verifies; its contract (job_id, counts) is enforced", async () => {
  await withTempDir(async (dir) => {
    const good = await assemblePack("job", "job_demo", jobFiles(), {
      producerVersion: "0.0.0-dev",
    });
    const path = `${dir}/job.zip`;
    await Deno.writeFile(path, good.zip);
    const r = await verifyPackFile(path);
    eq([r.ok, r.pack_type, r.source_ref, r.files_checked], [true, "job", "job_demo", 4]);

    const cases: [string, Parameters<typeof jobFiles>[0], RegExp][] = [
      ["count", { payload: { checkpoint_count: 2 } }, /checkpoint_count 2 does not match 1/],
      ["approvals", { state: { approvals: [] } }, /approval_count 1 does not match 0/],
      ["job id", { state: { job_id: "job_other" } }, /job_state\.json: job_id "job_other"/],
      ["unknown", { state: { extra: true } }, /job_state\.json: unknown field "extra"/],
      [
        "event job id",
        { events: '{"schema_id":"gait.job.event","job_id":"job_x","type":"submitted"}\n' },
        /job_events\.jsonl line 1: job_id "job_x"/,
      ],
    ];
    for (const [name, overrides, pattern] of cases) {
      const built = await assemblePack("job", "job_demo", jobFiles(overrides), {
        producerVersion: "0.0.0-dev",
      });
      const p = `${dir}/${name.replaceAll(" ", "_")}.zip`;
      await Deno.writeFile(p, built.zip);
      await expectFailure(verifyPackFile(p), "verification_failed", pattern);
    }
  });
});

Deno.test("verify: call and authorization packs are checked for integrity (no payload contract)", async () => {
  await withTempDir(async (dir) => {
    for (const type of ["call", "authorization"] as const) {
      const built = await assemblePack(type, `${type}_1`, [
        { path: "payload.json", data: enc.encode("{}") },
        { path: "evidence/notes.txt", data: enc.encode("hello") },
      ], { producerVersion: "0.0.0-dev" });
      eq(built.manifest.contents!.find((e) => e.path === "evidence/notes.txt")!.type, "blob");
      const p = `${dir}/${type}.zip`;
      await Deno.writeFile(p, built.zip);
      const r = await verifyPackFile(p);
      eq([r.ok, r.pack_type, r.proof_records_verified], [true, type, 2]);
      eq(packManifestFromJson(manifestOf(built.files) as never).pack_type, type);
    }
  });
});

Deno.test("inspect: a job pack shows its payload and job lineage; a call pack its payload", async () => {
  await withTempDir(async (dir) => {
    const job = await assemblePack("job", "job_demo", jobFiles(), { producerVersion: "0.0.0-dev" });
    await Deno.writeFile(`${dir}/job.zip`, job.zip);
    const inspection = await inspectPackFile(`${dir}/job.zip`);
    eq(inspection.pack_type, "job");
    eq(inspection.job_payload?.checkpoint_count, 1);
    eq(inspection.job_lineage, {
      event_count: 3,
      last_event_type: "approved",
      checkpoint_refs: [{
        checkpoint_id: "cp_0001",
        type: "completed",
        reason_code: "checkpoint_completed",
      }],
    });
    eq(inspection.run_lineage, undefined);
    const call = await assemblePack("call", "call_1", [
      { path: "call_payload.json", data: jsonBytes({ call_id: "call_1", event_count: 7 }) },
    ], { producerVersion: "0.0.0-dev" });
    await Deno.writeFile(`${dir}/call.zip`, call.zip);
    eq((await inspectPackFile(`${dir}/call.zip`)).call_payload, {
      call_id: "call_1",
      event_count: 7,
    });
  });
});
