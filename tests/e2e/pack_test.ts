/**
 * End-to-end `gait pack` tests: the real CLI with the shipped permissions,
 * in temp directories. Build/verify/inspect/diff/export of demo run packs,
 * signing modes, the foundation tamper cases repeated for packs, and hostile
 * archives.
 */
import { deepStrictEqual as eq, ok } from "node:assert/strict";
import { sha256Hex } from "../../src/core/digest.ts";
import { runGait, withTempDir } from "../helpers/cli.ts";
import { rawZip } from "../helpers/raw_zip.ts";
import { assertMatchesSchema } from "../helpers/schema.ts";
import { V4_PRIVATE_KEY, V4_PUBLIC_KEY } from "../runpack/_fixtures.ts";
import {
  demoPack,
  type Doc,
  jsonBytes,
  manifestOf,
  writeEntries,
  zipEntries,
} from "../pack/_fixtures.ts";

const DEMO_DIGEST = "436474ad70446539c909ae85bcc156d30197ba68efb8debdaed4f5d2eef2922e";

function assertNoStack(r: { stdout: string; stderr: string }): void {
  ok(!/\n\s+at /.test(r.stderr + r.stdout), `stack trace leaked:\n${r.stderr}${r.stdout}`);
}

/** Runs `gait demo` then `gait pack build` in `dir`; returns the pack path. */
async function buildDemoPack(dir: string, extra: string[] = []): Promise<string> {
  eq((await runGait(["demo"], { cwd: dir })).code, 0);
  const r = await runGait([
    "pack",
    "build",
    "--type",
    "run",
    "--from",
    "run_demo",
    ...extra,
    "--json",
  ], {
    cwd: dir,
  });
  eq(r.code, 0, r.stdout + r.stderr);
  return String(r.json().path);
}

Deno.test("pack build/verify/inspect: the demo run becomes a pack that verifies, with the documented outputs", async () => {
  await withTempDir(async (dir) => {
    eq((await runGait(["demo"], { cwd: dir })).code, 0);
    const b = await runGait(["pack", "build", "--type", "run", "--from", "run_demo", "--json"], {
      cwd: dir,
    });
    eq(b.code, 0, b.stdout + b.stderr);
    const bj = b.json();
    eq(bj.schema_id, "gait.pack.output");
    eq(bj.schema_version, "1.0.0");
    eq(bj.operation, "build");
    eq(bj.ok, true);
    eq(bj.pack_type, "run");
    eq(bj.source_ref, "run_demo");
    ok(/^[a-f0-9]{64}$/.test(String(bj.pack_id)));
    eq(bj.path, `gait-out/pack_${bj.pack_id}.zip`);
    eq("warnings" in bj, false);
    const path = `${dir}/${bj.path}`;
    eq((await Deno.stat(path)).mode! & 0o777, 0o600);

    const t = await runGait(["pack", "build", "--type", "run", "--from", "run_demo"], { cwd: dir });
    eq(t.stdout, `pack build ok: ${bj.path} (run)\n`);

    const v = await runGait(["pack", "verify", String(bj.path), "--json"], { cwd: dir });
    eq(v.code, 0, v.stdout);
    const vj = v.json();
    eq(vj.ok, true);
    eq(vj.operation, "verify");
    const verify = vj.verify as Record<string, unknown>;
    eq(verify.pack_id, bj.pack_id);
    eq(verify.files_checked, 4);
    eq(verify.proof_records_verified, 3);
    eq(verify.signature_status, "missing");
    for (const key of ["missing_files", "hash_mismatches", "undeclared_files", "legacy_type"]) {
      eq(key in verify, false, key);
    }
    const vt = await runGait(["pack", "verify", String(bj.path)], { cwd: dir });
    eq(vt.stdout, `pack verify ok: ${bj.path}\n`);

    const i = await runGait(["pack", "inspect", String(bj.path), "--json"], { cwd: dir });
    eq(i.code, 0, i.stdout);
    const inspect = i.json().inspect as Doc;
    eq(inspect.pack_id, bj.pack_id);
    eq(inspect.run_payload.manifest_digest, DEMO_DIGEST);
    await assertMatchesSchema("pack/run", inspect.run_payload);
    await assertMatchesSchema("pack/manifest", inspect.manifest);
    eq(inspect.run_lineage, {
      timeline_events: 2,
      receipt_count: 3,
      intent_results: [
        { intent_id: "intent_1", tool_name: "tool.search", status: "ok" },
        { intent_id: "intent_2", tool_name: "tool.fetch", status: "ok" },
        { intent_id: "intent_3", tool_name: "tool.summarize", status: "ok" },
      ],
    });
    const it = await runGait(["pack", "inspect", String(bj.path)], { cwd: dir });
    ok(it.stdout.startsWith(`pack inspect: ${bj.path}\npack_id=${bj.pack_id}\n`), it.stdout);
  });
});

Deno.test("pack build: deterministic bytes, --out, and the legacy runpack verifies through pack verify", async () => {
  await withTempDir(async (dir) => {
    const first = await buildDemoPack(dir, ["--out", "a/pack_a.zip"]);
    const second = await buildDemoPack(dir, ["--out", "b/pack_b.zip"]);
    eq(first, "a/pack_a.zip");
    eq(
      sha256Hex(await Deno.readFile(`${dir}/${first}`)),
      sha256Hex(await Deno.readFile(`${dir}/${second}`)),
    );
    const legacy = await runGait(["pack", "verify", "gait-out/runpack_run_demo.zip", "--json"], {
      cwd: dir,
    });
    eq(legacy.code, 0, legacy.stdout);
    const lj = legacy.json();
    eq(lj.pack_id, DEMO_DIGEST);
    eq((lj.verify as Record<string, unknown>).legacy_type, "runpack");
    eq(lj.pack_type, "run");
  });
});

Deno.test("pack build: unsupported types, missing --from, and unknown runs are invalid input", async () => {
  await withTempDir(async (dir) => {
    const job = await runGait(["pack", "build", "--type", "job", "--from", "job_1", "--json"], {
      cwd: dir,
    });
    eq(job.code, 6);
    ok(String(job.json().error).includes("--type job is not supported"), job.stdout);
    ok(String(job.json().error).includes("supported: run"));
    eq(job.json().operation, "build");
    eq(job.json().schema_id, "gait.pack.output");
    for (const type of ["call", "authorization", "bogus"]) {
      const r = await runGait(["pack", "build", "--type", type, "--from", "x", "--json"], {
        cwd: dir,
      });
      eq(r.code, 6, type);
      ok(String(r.json().error).includes("supported: run"), r.stdout);
    }
    const noFrom = await runGait(["pack", "build", "--type", "run", "--json"], { cwd: dir });
    eq(noFrom.code, 6);
    const missing = await runGait(["pack", "build", "--from", "run_nope", "--json"], { cwd: dir });
    eq(missing.code, 6);
    eq(missing.json().error, "runpack not found for run_id: run_nope");
  });
});

Deno.test("pack build signing: dev warns and is skipped without a key; prod verifies; a wrong key or required signature on an unsigned pack → 2", async () => {
  await withTempDir(async (dir) => {
    await Deno.writeTextFile(`${dir}/v4_private.key`, V4_PRIVATE_KEY + "\n");
    await Deno.writeTextFile(`${dir}/v4_public.key`, V4_PUBLIC_KEY + "\n");
    eq((await runGait(["demo"], { cwd: dir })).code, 0);

    const dev = await runGait(
      ["pack", "build", "--from", "run_demo", "--key-mode", "dev", "--out", "dev.zip", "--json"],
      { cwd: dir },
    );
    eq(dev.code, 0, dev.stdout + dev.stderr);
    eq(dev.json().warnings, [
      "dev mode: ephemeral keypair generated; signatures will not verify across machines",
    ]);
    const devVerify = await runGait(["pack", "verify", "dev.zip", "--json"], { cwd: dir });
    eq(devVerify.code, 0);
    eq((devVerify.json().verify as Record<string, unknown>).signature_status, "skipped");

    const prod = await runGait(
      [
        "pack",
        "build",
        "--from",
        "run_demo",
        "--key-mode",
        "prod",
        "--private-key",
        "v4_private.key",
        "--out",
        "prod.zip",
        "--json",
      ],
      { cwd: dir },
    );
    eq(prod.code, 0, prod.stdout + prod.stderr);
    const ok1 = await runGait(
      [
        "pack",
        "verify",
        "prod.zip",
        "--public-key",
        "v4_public.key",
        "--require-signature",
        "--json",
      ],
      { cwd: dir },
    );
    eq(ok1.code, 0, ok1.stdout);
    const v1 = ok1.json().verify as Record<string, unknown>;
    eq([v1.signature_status, v1.signatures_valid, v1.signatures_total], ["verified", 1, 1]);

    // none + a key acts as prod.
    const none = await runGait(
      [
        "pack",
        "build",
        "--from",
        "run_demo",
        "--private-key",
        "v4_private.key",
        "--out",
        "none.zip",
        "--json",
      ],
      { cwd: dir },
    );
    eq(none.code, 0, none.stdout);
    eq(await Deno.readFile(`${dir}/none.zip`), await Deno.readFile(`${dir}/prod.zip`));

    const keys = await runGait(["keys", "init", "--out-dir", "other", "--json"], { cwd: dir });
    eq(keys.code, 0, keys.stdout);
    const wrong = await runGait(
      ["pack", "verify", "prod.zip", "--public-key", "other/gait_public.key", "--json"],
      { cwd: dir },
    );
    eq(wrong.code, 2, wrong.stdout);
    const wv = wrong.json().verify as Record<string, unknown>;
    eq(wv.signature_status, "failed");
    eq(wv.signature_errors, ["key id mismatch", "signature verification failed"]);
    const wrongText = await runGait(
      ["pack", "verify", "prod.zip", "--public-key", "other/gait_public.key"],
      { cwd: dir },
    );
    eq(wrongText.code, 2);
    ok(wrongText.stdout.startsWith("pack verify failed: prod.zip\n"), wrongText.stdout);
    ok(wrongText.stdout.includes("signature error: key id mismatch"));

    const unsignedPath = await buildDemoPack(dir, ["--out", "unsigned.zip"]);
    const req = await runGait(["pack", "verify", unsignedPath, "--require-signature", "--json"], {
      cwd: dir,
    });
    eq(req.code, 2, req.stdout);
    const rv = req.json().verify as Record<string, unknown>;
    eq(rv.signature_status, "missing");
    eq(rv.signature_errors, ["manifest has no signatures"]);

    const strict = await runGait(
      ["pack", "verify", unsignedPath, "--profile", "strict", "--json"],
      {
        cwd: dir,
      },
    );
    eq(strict.code, 6);
    const prodNoKey = await runGait(
      ["pack", "build", "--from", "run_demo", "--key-mode", "prod", "--json"],
      { cwd: dir },
    );
    eq(prodNoKey.code, 6);
    eq(prodNoKey.json().error, "prod mode requires a private key source");
  });
});

const ENTRIES = [
  "context_envelope.json",
  "proof_records.jsonl",
  "run_payload.json",
  "source/runpack.zip",
];

Deno.test("pack verify tamper: one byte changed in any entry → exit 2 naming the entry", async () => {
  await withTempDir(async (dir) => {
    const pack = await demoPack();
    for (const name of ENTRIES) {
      const files = new Map(pack.files);
      const bytes = new Uint8Array(files.get(name)!);
      bytes[bytes.length >> 1] = bytes[bytes.length >> 1]! ^ 0x01;
      files.set(name, bytes);
      const path = await writeEntries(`${dir}/t_${name.replace("/", "_")}.zip`, files);
      const r = await runGait(["pack", "verify", path, "--json"], { cwd: dir });
      eq(r.code, 2, `${name}: ${r.stdout}`);
      const j = r.json();
      eq(j.ok, false);
      eq((j.verify as { hash_mismatches: { path: string }[] }).hash_mismatches.map((m) => m.path), [
        name,
      ]);
      const t = await runGait(["pack", "verify", path], { cwd: dir });
      eq(t.code, 2);
      ok(t.stdout.includes(`hash mismatch: ${name} expected=`), t.stdout);
    }
  });
});

Deno.test("pack verify tamper: a removed entry, an undeclared file, a duplicate entry → exit 2", async () => {
  await withTempDir(async (dir) => {
    const pack = await demoPack();
    const removed = new Map(pack.files);
    removed.delete("run_payload.json");
    const r1 = await runGait([
      "pack",
      "verify",
      await writeEntries(`${dir}/removed.zip`, removed),
      "--json",
    ], {
      cwd: dir,
    });
    eq(r1.code, 2, r1.stdout);
    eq((r1.json().verify as Record<string, unknown>).missing_files, ["run_payload.json"]);

    const extra = new Map(pack.files).set("payload.sh", new TextEncoder().encode("echo hi\n"));
    const r2 = await runGait([
      "pack",
      "verify",
      await writeEntries(`${dir}/extra.zip`, extra),
      "--json",
    ], {
      cwd: dir,
    });
    eq(r2.code, 2, r2.stdout);
    eq((r2.json().verify as Record<string, unknown>).undeclared_files, ["payload.sh"]);
    const r2t = await runGait(["pack", "verify", `${dir}/extra.zip`], { cwd: dir });
    ok(r2t.stdout.includes("undeclared files: payload.sh"), r2t.stdout);

    const dup: [string, Uint8Array | string][] = [...pack.files, ["run_payload.json", "{}"]];
    const r3 = await runGait([
      "pack",
      "verify",
      await writeEntries(`${dir}/dup.zip`, dup),
      "--json",
    ], {
      cwd: dir,
    });
    eq(r3.code, 2, r3.stdout);
    eq(r3.json().error, "zip contains duplicate entries: run_payload.json");
    eq(r3.json().error_code, "verification_failed");
  });
});

Deno.test("pack verify tamper: a corrupted manifest, an edited manifest (pack_id), a missing manifest", async () => {
  await withTempDir(async (dir) => {
    const pack = await demoPack();
    const corrupt = new Map(pack.files).set(
      "pack_manifest.json",
      pack.files.get("pack_manifest.json")!.subarray(0, 100),
    );
    const r1 = await runGait([
      "pack",
      "verify",
      await writeEntries(`${dir}/c.zip`, corrupt),
      "--json",
    ], {
      cwd: dir,
    });
    eq(r1.code, 2, r1.stdout);
    ok(String(r1.json().error).startsWith("pack_manifest.json: invalid JSON"), r1.stdout);
    eq(r1.json().operation, "verify");
    const r1t = await runGait(["pack", "verify", `${dir}/c.zip`], { cwd: dir });
    eq(r1t.code, 2);
    ok(r1t.stderr.includes("pack verify error: pack_manifest.json: invalid JSON"), r1t.stderr);

    const m = manifestOf(pack.files) as { contents: { sha256: string }[] };
    m.contents[2]!.sha256 = "f".repeat(64);
    const edited = new Map(pack.files).set("pack_manifest.json", jsonBytes(m));
    const r2 = await runGait([
      "pack",
      "verify",
      await writeEntries(`${dir}/e.zip`, edited),
      "--json",
    ], {
      cwd: dir,
    });
    eq(r2.code, 2, r2.stdout);
    ok(
      String(r2.json().error).startsWith(
        `pack_id mismatch: expected=${pack.manifest.pack_id} actual=`,
      ),
    );

    const unknown = manifestOf(pack.files);
    unknown.comment = "hi";
    const r3 = await runGait(
      [
        "pack",
        "verify",
        await writeEntries(
          `${dir}/u.zip`,
          new Map(pack.files).set("pack_manifest.json", jsonBytes(unknown)),
        ),
        "--json",
      ],
      { cwd: dir },
    );
    eq(r3.code, 2);
    eq(r3.json().error, 'pack_manifest.json: unknown field "comment"');

    const none = new Map(pack.files);
    none.delete("pack_manifest.json");
    const r4 = await runGait(
      ["pack", "verify", await writeEntries(`${dir}/n.zip`, none), "--json"],
      {
        cwd: dir,
      },
    );
    eq(r4.code, 6);
    eq(r4.json().error, "missing pack_manifest.json");
  });
});

Deno.test("pack verify: hostile zips (traversal, absolute, bomb, lying size, truncated, not a zip, empty) fail cleanly", async () => {
  await withTempDir(async (dir) => {
    const pack = await demoPack();
    const raw = [...pack.files].map(([name, data]) => ({ name, data }));
    const write = async (name: string, bytes: Uint8Array) => {
      await Deno.writeFile(`${dir}/${name}`, bytes);
      return `${dir}/${name}`;
    };
    const zeros = new Uint8Array(4 * 1024 * 1024);
    const paths = [
      await write("trav.zip", rawZip([...raw, { name: "../../evil.txt", data: "x" }])),
      await write("abs.zip", rawZip([{ name: "/etc/evil", data: "x" }])),
      await write(
        "bomb.zip",
        rawZip([...raw.filter((e) => e.name !== "run_payload.json"), {
          name: "run_payload.json",
          data: zeros,
          declaredSize: 1_900_000_000,
        }]),
      ),
      await write(
        "lying.zip",
        rawZip([...raw.filter((e) => e.name !== "source/runpack.zip"), {
          name: "source/runpack.zip",
          data: zeros,
          declaredSize: 1000,
        }]),
      ),
      await write("trunc.zip", pack.zip.subarray(0, pack.zip.length >> 1)),
      await write("notzip.zip", new TextEncoder().encode("this is not a zip file at all")),
      await write("empty.zip", new Uint8Array()),
    ];
    const before = [...Deno.readDirSync(dir)].map((e) => e.name).sort();
    for (const path of paths) {
      const r = await runGait(["pack", "verify", path, "--json"], { cwd: dir });
      ok(r.code === 2 || r.code === 6, `${path}: exit ${r.code} ${r.stdout}${r.stderr}`);
      const j = r.json();
      eq(j.ok, false, path);
      ok(typeof j.error === "string" && j.error.length > 0 || j.verify !== undefined, r.stdout);
      assertNoStack(r);
      const t = await runGait(["pack", "verify", path], { cwd: dir });
      ok(t.code === 2 || t.code === 6);
      assertNoStack(t);
    }
    const bomb = await runGait(["pack", "verify", paths[2]!, "--json"], { cwd: dir });
    ok(/compression ratio|total uncompressed limit/.test(String(bomb.json().error)), bomb.stdout);
    eq([...Deno.readDirSync(dir)].map((e) => e.name).sort(), before);
    const missing = await runGait(["pack", "verify", "nope.zip", "--json"], { cwd: dir });
    eq(missing.code, 6);
    eq(missing.json().error, "pack not found: nope.zip");
  });
});

Deno.test("pack diff: identical → exit 0 'pack diff ok'; different → exit 2 with diff.Result and --output", async () => {
  await withTempDir(async (dir) => {
    const path = await buildDemoPack(dir);
    const same = await runGait(["pack", "diff", path, path], { cwd: dir });
    eq(same.code, 0);
    ok(same.stdout.startsWith("pack diff ok"), same.stdout);
    const sj = await runGait(["pack", "diff", path, path, "--json"], { cwd: dir });
    eq(
      (sj.json().diff as { Result: { summary: { changed: boolean } } }).Result.summary.changed,
      false,
    );

    const other = await demoPack(undefined, (c) => {
      c.refs.receipts[0]!.retrieved_at = "2026-02-06T00:00:00Z";
    });
    await Deno.writeFile(`${dir}/other.zip`, other.zip);
    const d = await runGait([
      "pack",
      "diff",
      path,
      "other.zip",
      "--output",
      "out/diff.json",
      "--json",
    ], {
      cwd: dir,
    });
    eq(d.code, 2, d.stdout);
    const dj = d.json();
    eq(dj.operation, "diff");
    const result = (dj.diff as { Result: Doc }).Result;
    eq(result.summary.context_drift_classification, "runtime_only");
    eq(result.summary.changed, true);
    await assertMatchesSchema("pack/diff", result);
    const written = await Deno.readTextFile(`${dir}/out/diff.json`);
    eq(Object.keys(JSON.parse(written)), [
      "schema_id",
      "schema_version",
      "created_at",
      "left_pack_id",
      "right_pack_id",
      "left_pack_type",
      "right_pack_type",
      "summary",
    ]);
    eq(JSON.parse(written), result);
    const dt = await runGait(["pack", "diff", path, "other.zip"], { cwd: dir });
    eq(dt.code, 2);
    ok(dt.stdout.includes("context_drift=runtime_only"), dt.stdout);
    const one = await runGait(["pack", "diff", path, "--json"], { cwd: dir });
    eq(one.code, 6);
  });
});

Deno.test("pack export: OTEL lines append under a lock, SQL is written, and bad usage is invalid input", async () => {
  await withTempDir(async (dir) => {
    const path = await buildDemoPack(dir);
    const e = await runGait(
      [
        "pack",
        "export",
        path,
        "--otel-out",
        "otel.jsonl",
        "--postgres-sql-out",
        "index.sql",
        "--postgres-table",
        "public.gait_pack_index",
        "--json",
      ],
      { cwd: dir },
    );
    eq(e.code, 0, e.stdout + e.stderr);
    const ej = e.json();
    eq(ej.operation, "export");
    eq(ej.otel_path, "otel.jsonl");
    eq(ej.postgres_sql_path, "index.sql");
    eq((ej.export as Record<string, unknown>).pack_id, ej.pack_id);
    const again = await runGait(["pack", "export", path, "--otel-out", "otel.jsonl"], { cwd: dir });
    eq(again.code, 0);
    eq(again.stdout, `pack export ok: ${path}\notel=otel.jsonl\n`);
    const lines = (await Deno.readTextFile(`${dir}/otel.jsonl`)).trimEnd().split("\n");
    eq(lines.length, 16);
    for (const line of lines) {
      await assertMatchesSchema("export/pack_otel_record", JSON.parse(line));
    }
    eq((await Deno.stat(`${dir}/otel.jsonl`)).mode! & 0o777, 0o600);
    eq((await Deno.stat(`${dir}/index.sql`)).mode! & 0o777, 0o600);
    ok((await Deno.readTextFile(`${dir}/index.sql`)).startsWith(
      'CREATE TABLE IF NOT EXISTS "public"."gait_pack_index" (\n',
    ));
    const noDdl = await runGait(
      ["pack", "export", path, "--postgres-sql-out", "upsert.sql", "--postgres-include-ddl=false"],
      { cwd: dir },
    );
    eq(noDdl.code, 0);
    ok(
      (await Deno.readTextFile(`${dir}/upsert.sql`)).startsWith(
        'INSERT INTO "gait_pack_index" (\n',
      ),
    );

    const none = await runGait(["pack", "export", path, "--json"], { cwd: dir });
    eq(none.code, 6);
    ok(String(none.json().error).includes("--otel-out"));
    const badTable = await runGait(
      [
        "pack",
        "export",
        "--postgres-sql-out",
        "out.sql",
        "--postgres-table",
        "bad-table",
        "--json",
      ],
      { cwd: dir },
    );
    eq(badTable.code, 6);
    ok(String(badTable.json().error).startsWith('invalid --postgres-table "bad-table"'));
    const missing = await runGait([
      "pack",
      "export",
      "missing.zip",
      "--otel-out",
      "o.jsonl",
      "--json",
    ], {
      cwd: dir,
    });
    eq(missing.code, 6);
  });
});

Deno.test("pack build --from a session chain uses its latest checkpoint's runpack", async () => {
  await withTempDir(async (dir) => {
    eq((await runGait(["demo"], { cwd: dir })).code, 0);
    const checkpoint = (index: number, digest: string) => ({
      schema_id: "gait.runpack.session_checkpoint",
      schema_version: "1.0.0",
      checkpoint_index: index,
      runpack_path: index === 2 ? "gait-out/runpack_run_demo.zip" : "gait-out/gone.zip",
      manifest_digest: digest,
    });
    const chain = (digest: string) => ({
      schema_id: "gait.runpack.session_chain",
      schema_version: "1.0.0",
      session_id: "s1",
      run_id: "run_demo",
      checkpoints: [checkpoint(1, "0".repeat(64)), checkpoint(2, digest)],
    });
    await Deno.writeTextFile(`${dir}/chain.json`, JSON.stringify(chain(DEMO_DIGEST)));
    const r = await runGait(["pack", "build", "--from", "chain.json", "--json"], { cwd: dir });
    eq(r.code, 0, r.stdout + r.stderr);
    eq(r.json().source_ref, "run_demo");

    await Deno.writeTextFile(`${dir}/bad.json`, JSON.stringify(chain("1".repeat(64))));
    const bad = await runGait(["pack", "build", "--from", "bad.json", "--json"], { cwd: dir });
    eq(bad.code, 2, bad.stdout);
    ok(String(bad.json().error).includes("does not match runpack"));

    await Deno.writeTextFile(
      `${dir}/empty.json`,
      JSON.stringify({ ...chain(DEMO_DIGEST), checkpoints: [] }),
    );
    const empty = await runGait(["pack", "build", "--from", "empty.json", "--json"], { cwd: dir });
    eq(empty.code, 6);
    ok(String(empty.json().error).includes("has no checkpoints"));
  });
});

Deno.test("pack: help for every subcommand, the group explain sentence, and a pack built from a tampered runpack is refused", async () => {
  await withTempDir(async (dir) => {
    for (const sub of ["build", "verify", "inspect", "diff", "export"]) {
      const h = await runGait(["pack", sub, "--help"], { cwd: dir });
      eq(h.code, 0, sub);
      ok(h.stdout.startsWith(`Usage: gait pack ${sub}`), h.stdout);
    }
    const explain = await runGait(["pack", "--explain"], { cwd: dir });
    eq(
      explain.stdout,
      "Build, verify, inspect, and diff PackSpec artifacts for run and job evidence while preserving legacy compatibility.\n",
    );
    const entries = await zipEntries((await demoPack()).files.get("source/runpack.zip")!);
    const results = new Uint8Array(entries.get("results.jsonl")!);
    results[5] = results[5]! ^ 1;
    entries.set("results.jsonl", results);
    await writeEntries(`${dir}/tampered.zip`, entries);
    const r = await runGait(["pack", "build", "--from", "tampered.zip", "--json"], { cwd: dir });
    eq(r.code, 2, r.stdout);
    ok(String(r.json().error).includes("hash mismatch results.jsonl"), r.stdout);
    eq([...Deno.readDirSync(dir)].some((e) => e.name.startsWith("pack_")), false);
  });
});

Deno.test("pack verify/inspect/export: a legacy guard evidence pack goes through guard verify (legacy_type guard)", async () => {
  await withTempDir(async (dir) => {
    eq((await runGait(["demo"], { cwd: dir })).code, 0);
    const g = await runGait(
      [
        "guard",
        "pack",
        "--run",
        "gait-out/runpack_run_demo.zip",
        "--out",
        "evidence.zip",
        "--json",
      ],
      { cwd: dir },
    );
    eq(g.code, 0, g.stdout + g.stderr);
    const v = await runGait(["pack", "verify", "evidence.zip", "--json"], { cwd: dir });
    eq(v.code, 0, v.stdout);
    const vj = v.json();
    eq(vj.pack_type, "guard");
    eq(vj.source_ref, "run_demo");
    const verify = vj.verify as Doc;
    eq(verify.legacy_type, "guard");
    eq(verify.pack_id, g.json().pack_id);
    // Guard packs are signed with an ephemeral dev key by default.
    eq(verify.signature_status, "skipped");

    const i = await runGait(["pack", "inspect", "evidence.zip", "--json"], { cwd: dir });
    eq(i.code, 0, i.stdout);
    eq((i.json().inspect as Doc).legacy_type, "guard");
    eq((i.json().inspect as Doc).manifest.schema_id, "gait.guard.pack_manifest");

    const e = await runGait(["pack", "export", "evidence.zip", "--otel-out", "o.jsonl", "--json"], {
      cwd: dir,
    });
    eq(e.code, 0, e.stdout);
    for (const line of (await Deno.readTextFile(`${dir}/o.jsonl`)).trimEnd().split("\n")) {
      await assertMatchesSchema("export/pack_otel_record", JSON.parse(line));
    }

    const entries = await zipEntries(await Deno.readFile(`${dir}/evidence.zip`));
    const name = [...entries.keys()].find((n) => n !== "pack_manifest.json")!;
    const bytes = new Uint8Array(entries.get(name)!);
    bytes[0] = bytes[0]! ^ 1;
    entries.set(name, bytes);
    await writeEntries(`${dir}/tampered.zip`, entries);
    const t = await runGait(["pack", "verify", "tampered.zip", "--json"], { cwd: dir });
    eq(t.code, 2, t.stdout);
    eq(((t.json().verify as Doc).hash_mismatches as { path: string }[]).map((m) => m.path), [name]);
  });
});
