import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { parsePrivateKey } from "../../src/crypto/key_file.ts";
import { signDigest } from "../../src/crypto/signature.ts";
import { parseStrictJson } from "../../src/core/strict_json.ts";
import { sha256Hex } from "../../src/core/digest.ts";
import { demoRunpackDraft } from "../../src/runpack/demo.ts";
import { normalizeRunpack } from "../../src/runpack/normalize.ts";
import {
  applyRecordDefaults,
  parseRecordInput,
  resolveCaptureMode,
} from "../../src/runpack/record_input.ts";
import { buildRunpack } from "../../src/runpack/write.ts";
import { v2Draft, V4_PRIVATE_KEY } from "./_fixtures.ts";

function fileHashes(built: Awaited<ReturnType<typeof buildRunpack>>): Record<string, string> {
  return Object.fromEntries((built.manifest.files ?? []).map((f) => [f.path, f.sha256]));
}

Deno.test("V2: runpack manifest_digest and file hashes match the Go golden", async () => {
  const built = await buildRunpack(normalizeRunpack(v2Draft()));
  assertEquals(
    built.manifest.manifest_digest,
    "5df30db691a7623bbad16c19ddda77f801ac9aad853a615ca6511c628f21f5d8",
  );
  assertEquals(fileHashes(built), {
    "intents.jsonl": "ded64e2d5d43933a4433e91c22bc7fa67b8997fe5d36a8399dbc2d4cf1e22698",
    "refs.json": "18936b188c22f56464b4cb7be9b28961ddc5d8e103f37be97f8f8d61b9ef49c2",
    "results.jsonl": "b2613af3300c6ee603018a9c26485a97dd5ec2a05ed2e1de1c9c02b368e2e544",
    "run.json": "54977f15b5587a596a64f55e92a98eec9c089506820ef834fa3738349a387fb6",
  });
});

Deno.test("V2: args_digest of intent_1 and refs normalization (count 2, immutability unknown, no evidence mode)", async () => {
  const content = normalizeRunpack(v2Draft());
  assertEquals(
    content.intents[0]!.args_digest,
    "a6de3762bf639c5d3ff501fe06d72c84cf09e14c0ac244b4cf479f890dc988ff",
  );
  assertEquals(content.refs.context_ref_count, 2);
  assertEquals(content.refs.receipts.map((r) => r.immutability), ["unknown", "unknown"]);
  assertEquals(content.refs.context_evidence_mode, undefined);
  const built = await buildRunpack(content);
  const refs = parseStrictJson(new TextDecoder().decode(built.entries.get("refs.json")!)) as Record<
    string,
    unknown
  >;
  assertEquals("context_evidence_mode" in refs, false);
});

Deno.test("V2: reference capture strips args and results from the written records", async () => {
  const built = await buildRunpack(normalizeRunpack(v2Draft()));
  const intents = new TextDecoder().decode(built.entries.get("intents.jsonl")!);
  const results = new TextDecoder().decode(built.entries.get("results.jsonl")!);
  assertEquals(intents.includes('"args":'), false);
  assertEquals(results.includes('"result":'), false);
  assertEquals(intents.endsWith("\n"), true);
});

Deno.test("V6: V2 signed with the V4 key gives the derived signed_digest and signature", async () => {
  const key = await parsePrivateKey(V4_PRIVATE_KEY, "v4");
  const built = await buildRunpack(normalizeRunpack(v2Draft()), {
    signer: (d) => signDigest(key, d),
  });
  const sig = built.manifest.signatures![0]!;
  assertEquals(
    sig.signed_digest,
    "575a6483e14e15db1d73a996f0aa96a1f4621f668414295684544d00e379c6b5",
  );
  assertEquals(
    sig.sig,
    "D4p3gvAX6JcWagRr2yEl7eN+E6qIp8pbaYXG2ZwgcTTplyKxSxnCVKPIPF3ghQ8YmkHwjExSZtpdDwn0a0x3AA==",
  );
  assertEquals(sig.key_id, "42571c8843a10df565fd17a97a236c3552e8e4b7ff2a0b48bf524409279771d9");
  assertEquals(sig.alg, "ed25519");
  // Signing does not change manifest_digest (it excludes signatures).
  assertEquals(
    built.manifest.manifest_digest,
    "5df30db691a7623bbad16c19ddda77f801ac9aad853a615ca6511c628f21f5d8",
  );
});

Deno.test("V7: the demo runpack with producer 0.0.0-dev", async () => {
  const built = await buildRunpack(normalizeRunpack(demoRunpackDraft("0.0.0-dev")));
  assertEquals(
    built.manifest.manifest_digest,
    "436474ad70446539c909ae85bcc156d30197ba68efb8debdaed4f5d2eef2922e",
  );
  assertEquals(fileHashes(built), {
    "intents.jsonl": "4a4f286c053bbaea4fbcb29a75828266410f934d2a5ec17f9746326421dfaaba",
    "refs.json": "d92024ef9f8da62eac544f5d9fe729b773d33c640ace32da8714add4d0037cc8",
    "results.jsonl": "cb43fa7288af3bb8f99096c0091744818dcca4fd5ab7b3302ad00be6326587be",
    "run.json": "3b4a95934a26c509618c07761cb6312473a376059d5000de008fca3ad8287925",
  });
});

Deno.test("V7: demo bytes depend only on the producer version", async () => {
  const a = await buildRunpack(normalizeRunpack(demoRunpackDraft("0.0.0-dev")));
  const b = await buildRunpack(normalizeRunpack(demoRunpackDraft("0.0.0-dev")));
  assertEquals(sha256Hex(a.zip), sha256Hex(b.zip));
  const c = await buildRunpack(normalizeRunpack(demoRunpackDraft("1.2.3")));
  assertEquals(c.manifest.manifest_digest === a.manifest.manifest_digest, false);
});

Deno.test("V8: run record on the PackSpec TCK input", async () => {
  const text = await Deno.readTextFile(
    new URL("../../fixtures/runpack/run_record_input.json", import.meta.url),
  );
  const input = parseRecordInput(parseStrictJson(text));
  const draft = applyRecordDefaults(input.draft, { runId: "", now: "2030-01-01T00:00:00Z" });
  draft.refs.context_evidence_mode = "best_effort";
  const content = normalizeRunpack(
    { ...draft, captureMode: resolveCaptureMode("", input.captureMode) },
    { normalization: input.normalization },
  );
  assertEquals(content.refs.context_evidence_mode, "best_effort");
  assertEquals(content.refs.context_ref_count, 1);
  assertEquals(content.refs.receipts[0]!.immutability, "unknown");
  const built = await buildRunpack(content);
  assertEquals(
    built.manifest.manifest_digest,
    "145318df409e6cd34adc043ee5949a26d299007ce7e633d35a7db25cac092af7",
  );
});
