import { rejects } from "node:assert/strict";
import { parseStrictJson } from "../../src/core/strict_json.ts";
import { parsePrivateKey } from "../../src/crypto/key_file.ts";
import { signDigest } from "../../src/crypto/signature.ts";
import { demoRunpackDraft } from "../../src/runpack/demo.ts";
import { normalizeRunpack } from "../../src/runpack/normalize.ts";
import { buildRunpack } from "../../src/runpack/write.ts";
import { assertMatchesSchema } from "../helpers/schema.ts";
import { v2Draft, V4_PRIVATE_KEY } from "../runpack/_fixtures.ts";

const dec = new TextDecoder();

async function assertRunpackMatches(entries: Map<string, Uint8Array>): Promise<void> {
  await assertMatchesSchema(
    "runpack/manifest",
    parseStrictJson(dec.decode(entries.get("manifest.json")!)),
  );
  await assertMatchesSchema("runpack/run", parseStrictJson(dec.decode(entries.get("run.json")!)));
  await assertMatchesSchema("runpack/refs", parseStrictJson(dec.decode(entries.get("refs.json")!)));
  for (
    const [file, schema] of [["intents.jsonl", "runpack/intent"], [
      "results.jsonl",
      "runpack/result",
    ]]
  ) {
    for (const line of dec.decode(entries.get(file!)!).split("\n").filter((l) => l !== "")) {
      await assertMatchesSchema(schema!, parseStrictJson(line));
    }
  }
}

Deno.test("schemas: the demo runpack's documents match schemas/v1/runpack", async () => {
  await assertRunpackMatches(
    (await buildRunpack(normalizeRunpack(demoRunpackDraft("0.0.0-dev")))).entries,
  );
});

Deno.test("schemas: a signed raw-capture runpack matches schemas/v1/runpack", async () => {
  const key = await parsePrivateKey(V4_PRIVATE_KEY, "v4");
  const draft = { ...v2Draft(), captureMode: "raw" as const };
  draft.refs.context_evidence_mode = "best_effort";
  await assertRunpackMatches(
    (await buildRunpack(normalizeRunpack(draft), { signer: (d) => signDigest(key, d) })).entries,
  );
});

Deno.test("schemas: the runpack manifest schema rejects an unknown key and a bad digest", async () => {
  const built = await buildRunpack(normalizeRunpack(demoRunpackDraft("0.0.0-dev")));
  const manifest = parseStrictJson(dec.decode(built.entries.get("manifest.json")!)) as Record<
    string,
    unknown
  >;
  await rejects(assertMatchesSchema("runpack/manifest", { ...manifest, extra: 1 }));
  await rejects(assertMatchesSchema("runpack/manifest", { ...manifest, manifest_digest: "xyz" }));
});
