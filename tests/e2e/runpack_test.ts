/**
 * End-to-end runpack tests: the real CLI in a temp directory with the shipped
 * permissions (demo, verify, tamper and hostile archives, record, inspect,
 * migrate).
 */
import { deepStrictEqual as eq, ok } from "node:assert/strict";
import { runGait, withTempDir } from "../helpers/cli.ts";
import { rawZip, type RawZipEntry } from "../helpers/raw_zip.ts";
import { sha256Hex } from "../../src/core/digest.ts";
import { demoRunpackDraft } from "../../src/runpack/demo.ts";
import { normalizeRunpack } from "../../src/runpack/normalize.ts";
import { buildRunpack } from "../../src/runpack/write.ts";
import { V4_PRIVATE_KEY, V4_PUBLIC_KEY } from "../runpack/_fixtures.ts";

const DEMO_DIGEST = "436474ad70446539c909ae85bcc156d30197ba68efb8debdaed4f5d2eef2922e";
const FIXTURE = new URL("../../fixtures/runpack/run_record_input.json", import.meta.url).pathname;

async function demoEntries(): Promise<Map<string, Uint8Array>> {
  return (await buildRunpack(normalizeRunpack(demoRunpackDraft("0.0.0-dev")))).entries;
}

function entriesToRaw(entries: Map<string, Uint8Array>): RawZipEntry[] {
  return [...entries].map(([name, data]) => ({ name, data }));
}

async function writeZip(dir: string, name: string, entries: RawZipEntry[]): Promise<string> {
  const path = `${dir}/${name}`;
  await Deno.writeFile(path, rawZip(entries));
  return path;
}

function assertNoStack(stderr: string, stdout: string): void {
  ok(!/\n\s+at /.test(stderr + stdout), `stack trace leaked:\n${stderr}${stdout}`);
}

Deno.test("demo: exact text output and exit 0", async () => {
  const r = await runGait(["demo"]);
  eq(r.code, 0, r.stderr);
  eq(
    r.stdout,
    [
      "mode=standard",
      "run_id=run_demo",
      "bundle=./gait-out/runpack_run_demo.zip",
      `ticket_footer=GAIT run_id=run_demo manifest=sha256:${DEMO_DIGEST} verify="gait verify run_demo"`,
      "verify=ok",
      "next=gait verify run_demo --json,gait regress bootstrap --from run_demo --json --junit ./gait-out/junit.xml,gait demo --durable,gait demo --policy",
      "metrics_opt_in=export GAIT_ADOPTION_LOG=./gait-out/adoption.jsonl",
      "",
    ].join("\n"),
  );
});

Deno.test("demo --json: fields of spec 03 §2.1, then verify run_demo --json is ok", async () => {
  await withTempDir(async (dir) => {
    const d = await runGait(["demo", "--json"], { cwd: dir });
    eq(d.code, 0, d.stderr);
    const j = d.json();
    eq(j.ok, true);
    eq(j.mode, "standard");
    eq(j.run_id, "run_demo");
    eq(j.bundle, "./gait-out/runpack_run_demo.zip");
    eq(j.verify, "ok");
    eq(j.metrics_opt_in, "export GAIT_ADOPTION_LOG=./gait-out/adoption.jsonl");
    eq((j.next_commands as string[]).length, 4);
    eq(typeof j.correlation_id, "string");
    ok(String(j.ticket_footer).includes(DEMO_DIGEST));

    const v = await runGait(["verify", "run_demo", "--json"], { cwd: dir });
    eq(v.code, 0, v.stdout + v.stderr);
    const vj = v.json();
    eq(vj.ok, true);
    eq(vj.path, "gait-out/runpack_run_demo.zip");
    eq(vj.run_id, "run_demo");
    eq(vj.manifest_digest, DEMO_DIGEST);
    eq(vj.files_checked, 4);
    eq(vj.signature_status, "missing");
    eq(
      vj.signature_note,
      "unsigned local/dev artifacts are expected by default; use --require-signature for strict verification",
    );
    eq(vj.next_commands, [
      "gait regress bootstrap --from run_demo --json --junit ./gait-out/junit.xml",
      "gait demo --durable",
      "gait demo --policy",
    ]);
    eq("missing_files" in vj, false);
    eq("hash_mismatches" in vj, false);

    const t = await runGait(["verify", "run_demo"], { cwd: dir });
    eq(t.code, 0);
    eq(t.stdout.split("\n")[0], "verify ok: gait-out/runpack_run_demo.zip");
    ok(t.stdout.includes("signature status: missing"));
  });
});

Deno.test("demo: two runs give byte-identical zips, and the file is mode 0600", async () => {
  await withTempDir(async (dir) => {
    eq((await runGait(["demo"], { cwd: dir })).code, 0);
    const first = sha256Hex(await Deno.readFile(`${dir}/gait-out/runpack_run_demo.zip`));
    eq((await runGait(["demo"], { cwd: dir })).code, 0);
    const second = sha256Hex(await Deno.readFile(`${dir}/gait-out/runpack_run_demo.zip`));
    eq(first, second);
    eq((await Deno.stat(`${dir}/gait-out/runpack_run_demo.zip`)).mode! & 0o777, 0o600);
  });
});

for (const file of ["intents.jsonl", "results.jsonl", "refs.json", "run.json"]) {
  Deno.test(`verify tamper: one byte changed in ${file} → exit 2 naming the file`, async () => {
    await withTempDir(async (dir) => {
      const entries = await demoEntries();
      const bytes = new Uint8Array(entries.get(file)!);
      bytes[10] = bytes[10]! ^ 0x01;
      entries.set(file, bytes);
      const path = await writeZip(dir, "tampered.zip", entriesToRaw(entries));
      const r = await runGait(["verify", path, "--json"], { cwd: dir });
      eq(r.code, 2, r.stdout);
      const j = r.json();
      eq(j.ok, false);
      const mismatches = j.hash_mismatches as { path: string }[];
      eq(mismatches.map((m) => m.path), [file]);
      const t = await runGait(["verify", path], { cwd: dir });
      eq(t.code, 2);
      ok(t.stdout.startsWith(`verify failed: ${path}`));
      ok(t.stdout.includes(`hash mismatch: ${file}`), t.stdout);
    });
  });
}

Deno.test("verify tamper: an entry removed → exit 2, missing_files names it", async () => {
  await withTempDir(async (dir) => {
    const entries = await demoEntries();
    entries.delete("results.jsonl");
    const path = await writeZip(dir, "removed.zip", entriesToRaw(entries));
    const r = await runGait(["verify", path, "--json"], { cwd: dir });
    eq(r.code, 2);
    eq(r.json().missing_files, ["results.jsonl"]);
  });
});

Deno.test("verify tamper: a duplicate entry → exit 2 with the duplicate named", async () => {
  await withTempDir(async (dir) => {
    const raw = entriesToRaw(await demoEntries());
    raw.push({ name: "intents.jsonl", data: "{}\n" });
    const path = await writeZip(dir, "dup.zip", raw);
    const r = await runGait(["verify", path, "--json"], { cwd: dir });
    eq(r.code, 2, r.stdout);
    const j = r.json();
    eq(j.ok, false);
    eq(j.error, "zip contains duplicate entries: intents.jsonl");
    eq(j.error_code, "verification_failed");
  });
});

Deno.test("verify tamper: an undeclared entry → exit 2, undeclared_files names it (hardening)", async () => {
  await withTempDir(async (dir) => {
    const raw = entriesToRaw(await demoEntries());
    raw.push({ name: "payload.sh", data: "echo hi\n" });
    const path = await writeZip(dir, "extra.zip", raw);
    const r = await runGait(["verify", path, "--json"], { cwd: dir });
    eq(r.code, 2);
    eq(r.json().undeclared_files, ["payload.sh"]);
  });
});

Deno.test("verify tamper: manifest_digest edited → exit 2 with a manifest.json mismatch", async () => {
  await withTempDir(async (dir) => {
    const entries = await demoEntries();
    const manifest = JSON.parse(new TextDecoder().decode(entries.get("manifest.json")!));
    manifest.manifest_digest = "0".repeat(64);
    entries.set("manifest.json", new TextEncoder().encode(JSON.stringify(manifest)));
    const path = await writeZip(dir, "m.zip", entriesToRaw(entries));
    const r = await runGait(["verify", path, "--json"], { cwd: dir });
    eq(r.code, 2);
    eq((r.json().hash_mismatches as { path: string }[]).map((m) => m.path), ["manifest.json"]);
  });
});

Deno.test("verify tamper: a file hash edited inside the manifest → exit 2", async () => {
  await withTempDir(async (dir) => {
    const entries = await demoEntries();
    const manifest = JSON.parse(new TextDecoder().decode(entries.get("manifest.json")!));
    manifest.files[0].sha256 = "f".repeat(64);
    entries.set("manifest.json", new TextEncoder().encode(JSON.stringify(manifest)));
    const path = await writeZip(dir, "m2.zip", entriesToRaw(entries));
    const r = await runGait(["verify", path, "--json"], { cwd: dir });
    eq(r.code, 2);
    const paths = (r.json().hash_mismatches as { path: string }[]).map((m) => m.path);
    eq(paths, ["intents.jsonl", "manifest.json"]);
  });
});

Deno.test("verify: corrupted or missing manifest → exit 6 with the envelope", async () => {
  await withTempDir(async (dir) => {
    const entries = await demoEntries();
    entries.set(
      "manifest.json",
      new TextEncoder().encode('{"schema_id": "gait.runpack.manifest",'),
    );
    const bad = await writeZip(dir, "bad.zip", entriesToRaw(entries));
    const r = await runGait(["verify", bad, "--json"], { cwd: dir });
    eq(r.code, 6);
    const j = r.json();
    eq(j.error_code, "invalid_input");
    ok(String(j.error).startsWith("manifest.json: invalid JSON"), String(j.error));
    entries.delete("manifest.json");
    const none = await writeZip(dir, "none.zip", entriesToRaw(entries));
    const r2 = await runGait(["verify", none, "--json"], { cwd: dir });
    eq(r2.code, 6);
    eq(r2.json().error, "missing manifest.json");
  });
});

Deno.test("verify: run.json naming another run → exit 2 (hardening)", async () => {
  await withTempDir(async (dir) => {
    const draft = demoRunpackDraft("0.0.0-dev");
    const built = await buildRunpack(normalizeRunpack(draft));
    const other = normalizeRunpack({ ...demoRunpackDraft("0.0.0-dev") });
    other.run.run_id = "run_other";
    const otherRun = (await buildRunpack(other)).entries.get("run.json")!;
    const entries = new Map(built.entries);
    entries.set("run.json", otherRun);
    const manifest = JSON.parse(new TextDecoder().decode(entries.get("manifest.json")!));
    // Re-declare the swapped file's hash and recompute nothing else: the digest then mismatches too.
    manifest.files = manifest.files.map((f: { path: string; sha256: string }) =>
      f.path === "run.json" ? { ...f, sha256: sha256Hex(otherRun) } : f
    );
    entries.set("manifest.json", new TextEncoder().encode(JSON.stringify(manifest)));
    const path = await writeZip(dir, "swap.zip", entriesToRaw(entries));
    const r = await runGait(["verify", path, "--json"], { cwd: dir });
    eq(r.code, 2);
    ok((r.json().integrity_errors as string[])[0]!.includes("run_other"));
  });
});

Deno.test("verify: run id and path resolution errors → exit 6", async () => {
  const a = await runGait(["verify", "run_nope", "--json"]);
  eq(a.code, 6);
  eq(a.json().error, "runpack not found for run_id: run_nope");
  const b = await runGait(["verify", "missing/runpack.zip", "--json"]);
  eq(b.code, 6);
  eq(b.json().error, "runpack not found: missing/runpack.zip");
  const c = await runGait(["verify", "--json"]);
  eq(c.code, 6);
});

Deno.test("verify: --require-signature on an unsigned runpack → exit 2", async () => {
  await withTempDir(async (dir) => {
    eq((await runGait(["demo"], { cwd: dir })).code, 0);
    const r = await runGait(["verify", "run_demo", "--require-signature", "--json"], { cwd: dir });
    eq(r.code, 2);
    const j = r.json();
    eq(j.signature_status, "missing");
    eq(j.signature_errors, ["manifest has no signatures"]);
    eq(
      j.signature_note,
      "signatures are required in this mode; provide signing keys and re-run verify",
    );
  });
});

Deno.test("verify: --profile strict without a key → exit 6; unknown profile → 6", async () => {
  await withTempDir(async (dir) => {
    eq((await runGait(["demo"], { cwd: dir })).code, 0);
    const r = await runGait(["verify", "run_demo", "--profile", "strict", "--json"], { cwd: dir });
    eq(r.code, 6);
    eq(
      r.json().error,
      "strict verify profile requires --public-key/--public-key-env or private key source",
    );
    const u = await runGait(["verify", "run_demo", "--profile", "lax", "--json"], { cwd: dir });
    eq(u.code, 6);
  });
});

Deno.test("record + verify: signed with a real key verifies; the wrong public key → exit 2", async () => {
  await withTempDir(async (dir) => {
    await Deno.writeTextFile(`${dir}/v4_private.key`, V4_PRIVATE_KEY + "\n");
    await Deno.writeTextFile(`${dir}/v4_public.key`, V4_PUBLIC_KEY + "\n");
    const rec = await runGait(
      ["run", "record", "--input", FIXTURE, "--private-key", `${dir}/v4_private.key`, "--json"],
      { cwd: dir },
    );
    eq(rec.code, 0, rec.stdout + rec.stderr);
    const rj = rec.json();
    eq(rj.signature_status, "signed");
    eq(rj.signature_key_id, "42571c8843a10df565fd17a97a236c3552e8e4b7ff2a0b48bf524409279771d9");

    const good = await runGait(
      [
        "verify",
        "run_tck",
        "--public-key",
        `${dir}/v4_public.key`,
        "--require-signature",
        "--json",
      ],
      { cwd: dir },
    );
    eq(good.code, 0, good.stdout);
    eq(good.json().signature_status, "verified");
    eq(good.json().signatures_valid, 1);

    const skipped = await runGait(["verify", "run_tck", "--json"], { cwd: dir });
    eq(skipped.code, 0);
    eq(skipped.json().signature_status, "skipped");

    const keys = await runGait(["keys", "init", "--out-dir", `${dir}/other`, "--json"], {
      cwd: dir,
    });
    eq(keys.code, 0, keys.stdout + keys.stderr);
    const wrong = await runGait(
      ["verify", "run_tck", "--public-key", `${dir}/other/gait_public.key`, "--json"],
      { cwd: dir },
    );
    eq(wrong.code, 2);
    const wj = wrong.json();
    eq(wj.signature_status, "failed");
    eq(wj.signature_errors, ["key id mismatch"]);
    const strict = await runGait(
      ["verify", "run_tck", "--profile", "strict", "--public-key", `${dir}/other/gait_public.key`],
      { cwd: dir },
    );
    eq(strict.code, 2);
    ok(strict.stdout.startsWith("verify failed:"));
  });
});

Deno.test("run record: the TCK input gives V8's manifest digest, bundle path and a strip warning", async () => {
  await withTempDir(async (dir) => {
    const r = await runGait(["run", "record", "--input", FIXTURE, "--json"], { cwd: dir });
    eq(r.code, 0, r.stdout + r.stderr);
    const j = r.json();
    eq(j.manifest_digest, "145318df409e6cd34adc043ee5949a26d299007ce7e633d35a7db25cac092af7");
    eq(j.run_id, "run_tck");
    eq(j.bundle, "./gait-out/runpack_run_tck.zip");
    eq(j.signature_status, "missing");
    eq(j.warnings, [
      "reference capture stripped raw intent arguments and raw result payloads after digesting",
    ]);
    eq(
      j.ticket_footer,
      'GAIT run_id=run_tck manifest=sha256:145318df409e6cd34adc043ee5949a26d299007ce7e633d35a7db25cac092af7 verify="gait verify run_tck"',
    );
    const t = await runGait(["run", "record", FIXTURE, "--run-id", "run_other"], { cwd: dir });
    eq(t.code, 0, t.stderr);
    ok(
      t.stdout.startsWith(
        "run_id=run_other\nbundle=./gait-out/runpack_run_other.zip\nsignature_status=missing\n",
      ),
    );
    const v = await runGait(["verify", "run_other", "--json"], { cwd: dir });
    eq(v.code, 0);
  });
});

Deno.test("run record: raw capture keeps payloads and warns; dev key mode signs with a warning", async () => {
  await withTempDir(async (dir) => {
    const raw = await runGait(
      ["run", "record", "--input", FIXTURE, "--capture-mode", "raw", "--key-mode", "dev", "--json"],
      { cwd: dir },
    );
    eq(raw.code, 0, raw.stdout + raw.stderr);
    const j = raw.json();
    eq(j.signature_status, "signed");
    eq(j.warnings, [
      "dev mode: ephemeral keypair generated; signatures will not verify across machines",
      "raw capture retains raw intent arguments and raw result payloads; handle runpack as sensitive evidence",
    ]);
    const inspect = await runGait(["run", "inspect", "run_tck", "--json"], { cwd: dir });
    eq(inspect.json().capture_mode, "raw");
  });
});

Deno.test("run record: bad input fails with exit 6 and leaves nothing behind", async () => {
  await withTempDir(async (dir) => {
    const fixture = JSON.parse(await Deno.readTextFile(FIXTURE));
    const cases: [string, unknown, string[]][] = [
      ["malformed JSON", "{", []],
      ["not an object", "[1,2]", []],
      ["duplicate key", '{"run":{},"run":{}}', []],
      ["no run id", { ...fixture, run: { ...fixture.run, run_id: "" } }, []],
      ["unsafe run id", { ...fixture, run: { ...fixture.run, run_id: "../x" } }, []],
      ["wrong type", { ...fixture, intents: "nope" }, []],
      ["bad timestamp", { ...fixture, run: { ...fixture.run, created_at: "yesterday" } }, []],
      ["bad capture mode", fixture, ["--capture-mode", "everything"]],
      ["bad evidence mode", fixture, ["--context-evidence-mode", "sometimes"]],
      ["required without digest", fixture, ["--context-evidence-mode", "required"]],
      [
        "raw receipt without unsafe flag",
        {
          ...fixture,
          refs: {
            ...fixture.refs,
            receipts: [{ ...fixture.refs.receipts[0], redaction_mode: "raw" }],
          },
        },
        [],
      ],
      [
        "digest mismatch with normalization",
        { ...fixture, normalization: { intent_args: { intent_1: { message: "other" } } } },
        [],
      ],
      [
        "no digest and no args",
        { ...fixture, intents: [{ intent_id: "intent_1", tool_name: "echo" }] },
        [],
      ],
    ];
    for (const [name, body, flags] of cases) {
      const path = `${dir}/input.json`;
      await Deno.writeTextFile(path, typeof body === "string" ? body : JSON.stringify(body));
      const r = await runGait([
        "run",
        "record",
        "--input",
        path,
        "--out-dir",
        `${dir}/out`,
        ...flags,
        "--json",
      ], {
        cwd: dir,
      });
      eq(r.code, 6, `${name}: ${r.stdout}${r.stderr}`);
      eq(r.json().error_code, "invalid_input", name);
      assertNoStack(r.stderr, r.stdout);
    }
    let outExists = true;
    try {
      await Deno.stat(`${dir}/out`);
    } catch {
      outExists = false;
    }
    eq(outExists, false);
    const missing = await runGait(["run", "record", "--json"], { cwd: dir });
    eq(missing.code, 6);
    const nofile = await runGait(["run", "record", "--input", `${dir}/nope.json`, "--json"], {
      cwd: dir,
    });
    eq(nofile.code, 6);
  });
});

Deno.test("run inspect: demo entries, text and JSON", async () => {
  await withTempDir(async (dir) => {
    eq((await runGait(["demo"], { cwd: dir })).code, 0);
    const r = await runGait(["run", "inspect", "--from", "run_demo", "--json"], { cwd: dir });
    eq(r.code, 0, r.stderr);
    const j = r.json();
    eq(j.artifact_type, "runpack");
    eq(j.intents_total, 3);
    eq(j.results_total, 3);
    eq(j.capture_mode, "reference");
    const entries = j.entries as Record<string, unknown>[];
    eq(entries.map((e) => [e.index, e.intent_id, e.tool_name, e.status]), [
      [1, "intent_1", "tool.search", "ok"],
      [2, "intent_2", "tool.fetch", "ok"],
      [3, "intent_3", "tool.summarize", "ok"],
    ]);
    eq(j.unmatched_results, []);
    const t = await runGait(["run", "inspect", "run_demo"], { cwd: dir });
    eq(t.stdout.split("\n").slice(0, 3), [
      "run inspect: run_id=run_demo intents=3 results=3 capture_mode=reference",
      "path: gait-out/runpack_run_demo.zip",
      "1. intent=intent_1 tool=tool.search status=ok",
    ]);
  });
});

Deno.test("run inspect: a tampered runpack is refused with exit 2", async () => {
  await withTempDir(async (dir) => {
    const entries = await demoEntries();
    entries.set("intents.jsonl", new TextEncoder().encode("{}\n"));
    const path = await writeZip(dir, "t.zip", entriesToRaw(entries));
    const r = await runGait(["run", "inspect", path, "--json"], { cwd: dir });
    eq(r.code, 2);
    ok(String(r.json().error).includes("intents.jsonl"));
  });
});

Deno.test("migrate: our own runpack is no_change; a foreign zip layout is migrated and verifies", async () => {
  await withTempDir(async (dir) => {
    eq((await runGait(["demo"], { cwd: dir })).code, 0);
    const same = await runGait(["migrate", "run_demo", "--json"], { cwd: dir });
    eq(same.code, 0, same.stdout + same.stderr);
    const sj = same.json();
    eq(sj.status, "no_change");
    eq(sj.artifact, "runpack");
    eq(sj.output, "gait-out/runpack_run_demo_migrated.zip");
    const foreign = await writeZip(
      dir,
      "foreign.zip",
      entriesToRaw(await demoEntries()).map((e) => ({ ...e, method: 0 })),
    );
    const m = await runGait(["migrate", foreign, "--out", `${dir}/migrated.zip`, "--json"], {
      cwd: dir,
    });
    eq(m.code, 0, m.stdout);
    eq(m.json().status, "migrated");
    eq((await runGait(["verify", `${dir}/migrated.zip`], { cwd: dir })).code, 0);
    const bad = await runGait(["migrate", "run_demo", "--target", "v2", "--json"], { cwd: dir });
    eq(bad.code, 6);
  });
});

Deno.test("hostile zips through verify: clean errors, no stack traces, nothing written", async () => {
  await withTempDir(async (dir) => {
    const traversal = await writeZip(dir, "trav.zip", [
      ...entriesToRaw(await demoEntries()),
      { name: "../../evil.txt", data: "x" },
    ]);
    const absolute = await writeZip(dir, "abs.zip", [{ name: "/etc/evil", data: "x" }]);
    await Deno.writeTextFile(`${dir}/notzip.zip`, "this is not a zip file at all");
    const full = rawZip(entriesToRaw(await demoEntries()));
    await Deno.writeFile(`${dir}/trunc.zip`, full.subarray(0, Math.floor(full.length / 2)));
    await Deno.writeFile(`${dir}/empty.zip`, new Uint8Array());
    const before = [...Deno.readDirSync(dir)].map((e) => e.name).sort();
    for (
      const path of [
        traversal,
        absolute,
        `${dir}/notzip.zip`,
        `${dir}/trunc.zip`,
        `${dir}/empty.zip`,
      ]
    ) {
      const r = await runGait(["verify", path, "--json"], { cwd: dir });
      ok(r.code === 2 || r.code === 6, `${path}: exit ${r.code} ${r.stdout}${r.stderr}`);
      const j = r.json();
      eq(j.ok, false);
      ok(typeof j.error === "string" && j.error.length > 0, r.stdout);
      assertNoStack(r.stderr, r.stdout);
      const t = await runGait(["verify", path], { cwd: dir });
      ok(t.code === 2 || t.code === 6);
      assertNoStack(t.stderr, t.stdout);
    }
    const after = [...Deno.readDirSync(dir)].map((e) => e.name).sort();
    eq(after, before);
  });
});
