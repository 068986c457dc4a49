import assert from "node:assert/strict";
import { canonicalJsonBytes } from "../../src/core/canonical_json.ts";
import { digestJson } from "../../src/core/digest.ts";
import { encodeBase64 } from "../../src/crypto/base64.ts";
import { signDigest } from "../../src/crypto/signature.ts";
import { rawZip } from "../helpers/raw_zip.ts";
import { runGait, withTempDir } from "../helpers/cli.ts";
import {
  approvalAuditDoc,
  readZipEntries,
  rewriteZip,
  traceDoc,
  V4_PRIVATE_KEY,
  V4_PUBLIC_KEY,
  v4Key,
  writeJson,
} from "../guard/_helpers.ts";

type Json = Record<string, unknown>;

const KEY_B64 = encodeBase64(new TextEncoder().encode("0123456789abcdef0123456789abcdef"));

async function demo(dir: string): Promise<void> {
  const r = await runGait(["demo", "--json"], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
}

async function writeKeys(dir: string): Promise<void> {
  await Deno.writeTextFile(`${dir}/priv.key`, V4_PRIVATE_KEY + "\n");
  await Deno.writeTextFile(`${dir}/pub.key`, V4_PUBLIC_KEY + "\n");
}

async function hasPdfinfo(): Promise<boolean> {
  try {
    return (await new Deno.Command("pdfinfo", { args: ["-v"], stdout: "null", stderr: "null" })
      .output()).success;
  } catch {
    return false;
  }
}

Deno.test("e2e guard pack: the default dev key signs loudly and cannot be verified", async () => {
  await withTempDir(async (dir) => {
    await demo(dir);
    const r = await runGait(["guard", "pack", "--run", "run_demo", "--json"], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    const out = r.json<Json>();
    assert.equal(out.ok, true);
    assert.equal(out.key_mode, "dev");
    assert.equal(out.template_id, "soc2");
    assert.equal(out.controls, 3);
    assert.equal(out.pack_id, "pack_1e7d0bb30b27c474");
    assert.equal(out.pack_path, "gait-out/evidence_pack_pack_1e7d0bb30b27c474.zip");
    assert.equal(out.manifest_path, `${out.pack_path}#pack_manifest.json`);
    const warnings = out.warnings as string[];
    assert.ok(warnings.some((w) => w.includes("ephemeral keypair")));
    assert.ok(warnings.some((w) => w.includes("can never be verified") && w.includes("keys init")));

    const text = await runGait(["guard", "pack", "--run", "run_demo"], { cwd: dir });
    assert.equal(text.code, 0);
    assert.match(text.stdout, /^guard pack ok: gait-out\/evidence_pack_pack_/);
    assert.match(text.stderr, /warning: evidence pack signed with a throwaway dev key/);

    const v = await runGait(
      ["guard", "verify", String(out.pack_path), "--require-signature", "--json"],
      { cwd: dir },
    );
    assert.equal(v.code, 2);
    assert.equal(v.json<Json>().signature_status, "skipped");
  });
});

Deno.test("e2e guard pack: --private-key alone signs as prod and verifies for an auditor", async () => {
  await withTempDir(async (dir) => {
    await demo(dir);
    await writeKeys(dir);
    const r = await runGait(
      [
        "guard",
        "pack",
        "--run",
        "run_demo",
        "--private-key",
        "priv.key",
        "--out",
        "p.zip",
        "--json",
      ],
      { cwd: dir },
    );
    assert.equal(r.code, 0, r.stderr);
    const out = r.json<Json>();
    assert.equal(out.key_mode, "prod");
    assert.equal(out.warnings, undefined);
    assert.equal(out.pack_path, "p.zip");
    const v = await runGait(
      ["guard", "verify", "p.zip", "--profile", "strict", "--public-key", "pub.key", "--json"],
      { cwd: dir },
    );
    assert.equal(v.code, 0, v.stdout);
    const vo = v.json<Json>();
    assert.equal(vo.signature_status, "verified");
    assert.equal(vo.signatures_valid, 1);
    assert.equal(vo.pack_id, out.pack_id);
    assert.equal(vo.run_id, "run_demo");

    const viaEnv = await runGait(
      [
        "guard",
        "pack",
        "--run",
        "run_demo",
        "--private-key-env",
        "K",
        "--key-mode",
        "prod",
        "--json",
      ],
      { cwd: dir, env: { K: V4_PRIVATE_KEY } },
    );
    assert.equal(viaEnv.code, 0, viaEnv.stdout);
    assert.equal(viaEnv.json<Json>().key_mode, "prod");
  });
});

Deno.test("e2e guard pack: key mode errors keep the reference behavior (exit 6)", async () => {
  await withTempDir(async (dir) => {
    await demo(dir);
    await writeKeys(dir);
    const dev = await runGait(
      [
        "guard",
        "pack",
        "--run",
        "run_demo",
        "--key-mode",
        "dev",
        "--private-key",
        "priv.key",
        "--json",
      ],
      { cwd: dir },
    );
    assert.equal(dev.code, 6);
    assert.match(String(dev.json<Json>().error), /dev mode does not accept explicit key sources/);
    const prod = await runGait(
      ["guard", "pack", "--run", "run_demo", "--key-mode", "prod", "--json"],
      { cwd: dir },
    );
    assert.equal(prod.code, 6);
    assert.match(String(prod.json<Json>().error), /prod mode requires a private key source/);
    const missing = await runGait(["guard", "pack", "--json"], { cwd: dir });
    assert.equal(missing.code, 6);
    const notFound = await runGait(["guard", "pack", "--run", "run_nope", "--json"], { cwd: dir });
    assert.equal(notFound.code, 6);
    assert.match(String(notFound.json<Json>().error), /runpack not found for run_id: run_nope/);
  });
});

Deno.test("e2e guard verify: tampered packs fail with exit 2", async () => {
  await withTempDir(async (dir) => {
    await demo(dir);
    await writeKeys(dir);
    const built = await runGait(
      [
        "guard",
        "pack",
        "--run",
        "run_demo",
        "--private-key",
        "priv.key",
        "--out",
        "p.zip",
        "--json",
      ],
      { cwd: dir },
    );
    assert.equal(built.code, 0, built.stdout);
    const verify = (file: string, ...extra: string[]) =>
      runGait(["guard", "verify", file, "--public-key", "pub.key", "--json", ...extra], {
        cwd: dir,
      });

    await rewriteZip(`${dir}/p.zip`, (e) => {
      const d = new Uint8Array(e.get("runpack_summary.json")!);
      d[5] = d[5]! ^ 1;
      e.set("runpack_summary.json", d);
    }, `${dir}/byte.zip`);
    const byte = await verify("byte.zip");
    assert.equal(byte.code, 2);
    assert.deepEqual(
      (byte.json<Json>().hash_mismatches as Json[]).map((m) => m.path),
      ["runpack_summary.json"],
    );

    await rewriteZip(
      `${dir}/p.zip`,
      (e) => e.delete("control_index.json"),
      `${dir}/removed.zip`,
    );
    const removed = await verify("removed.zip");
    assert.equal(removed.code, 2);
    assert.deepEqual(removed.json<Json>().missing_files, ["control_index.json"]);

    await rewriteZip(
      `${dir}/p.zip`,
      (e) => e.set("extra/notes.txt", new TextEncoder().encode("hi")),
      `${dir}/undeclared.zip`,
    );
    const undeclared = await verify("undeclared.zip");
    assert.equal(undeclared.code, 2);
    const uo = undeclared.json<Json>();
    assert.deepEqual(uo.undeclared_files, ["extra/notes.txt"]);
    assert.equal(uo.signature_status, "verified");

    const entries = await readZipEntries(`${dir}/p.zip`);
    const list = [...entries].map(([name, data]) => ({ name, data }));
    list.push({ name: "control_index.json", data: new TextEncoder().encode("[]") });
    await Deno.writeFile(`${dir}/dup.zip`, rawZip(list));
    const dup = await verify("dup.zip");
    assert.equal(dup.code, 2);
    const dupOut = dup.json<Json>();
    assert.match(String(dupOut.error), /zip contains duplicate entries: control_index\.json/);
    assert.equal(dupOut.error_category, "verification_failed");

    const wrongKey = await runGait(
      ["guard", "verify", "p.zip", "--public-key-env", "PUB", "--json"],
      { cwd: dir, env: { PUB: "2452IFcJJprSJUSaASiKpWRN4bzs7KbckliBk2cKGeg=" } },
    );
    assert.equal(wrongKey.code, 2);
    assert.equal(wrongKey.json<Json>().signature_status, "failed");

    const text = await runGait(["guard", "verify", "byte.zip", "--public-key", "pub.key"], {
      cwd: dir,
    });
    assert.equal(text.code, 2);
    assert.match(text.stdout, /^guard verify failed: byte\.zip\n/);
    assert.match(text.stdout, /hash mismatch: runpack_summary\.json/);
  });
});

Deno.test("e2e guard pack: --render-pdf adds a valid PDF summary", async () => {
  await withTempDir(async (dir) => {
    await demo(dir);
    const r = await runGait(
      [
        "guard",
        "pack",
        "--run",
        "run_demo",
        "--render-pdf",
        "--template",
        "PCI",
        "--out",
        "p.zip",
        "--json",
      ],
      { cwd: dir },
    );
    assert.equal(r.code, 0, r.stderr);
    const out = r.json<Json>();
    assert.equal(out.rendered_artifacts, 1);
    assert.equal(out.template_id, "pci");
    const pdf = (await readZipEntries(`${dir}/p.zip`)).get("summary.pdf")!;
    assert.equal(new TextDecoder().decode(pdf.subarray(0, 8)), "%PDF-1.4");
    // scripts/test-deps.sh installs poppler-utils; only a local run without it skips this.
    if (Deno.env.get("CI") === "true" || await hasPdfinfo()) {
      await Deno.writeFile(`${dir}/summary.pdf`, pdf);
      const info = await new Deno.Command("pdfinfo", { args: [`${dir}/summary.pdf`] }).output();
      assert.equal(info.code, 0);
      assert.equal(new TextDecoder().decode(info.stderr), "");
      assert.match(new TextDecoder().decode(info.stdout), /PDF version:\s+1\.4/);
    }
  });
});

Deno.test("e2e incident pack: selects evidence in the window and packs it unsigned", async () => {
  await withTempDir(async (dir) => {
    await demo(dir);
    await writeJson(`${dir}/gait-out/trace_t1.json`, traceDoc("t1", "2026-02-05T00:30:00Z"));
    await writeJson(`${dir}/gait-out/trace_t2.json`, traceDoc("t2", "2026-02-07T00:30:00Z"));
    await writeJson(
      `${dir}/gait-out/approval_audit_t1.json`,
      approvalAuditDoc("t1", "2026-02-05T00:31:00Z"),
    );
    const r = await runGait(
      ["incident", "pack", "--from", "run_demo", "--window", "2h", "--case-id", "INC-7", "--json"],
      { cwd: dir },
    );
    assert.equal(r.code, 0, r.stderr);
    const out = r.json<Json>();
    assert.equal(out.template_id, "incident_response");
    assert.equal(out.trace_count, 1);
    assert.equal(out.approval_audit_count, 1);
    assert.equal(out.regress_count, undefined);
    assert.deepEqual(out.policy_digests, ["c".repeat(64)]);
    assert.equal(out.window_from, "2026-02-04T22:00:00Z");
    assert.equal(out.window_to, "2026-02-05T02:00:00Z");
    assert.match(String(out.pack_path), /^gait-out\/evidence_pack_pack_[0-9a-f]{16}\.zip$/);

    const loose = await runGait(["guard", "verify", String(out.pack_path), "--json"], { cwd: dir });
    assert.equal(loose.code, 0, loose.stdout);
    assert.equal(loose.json<Json>().signature_status, "missing");
    const strict = await runGait(
      ["guard", "verify", String(out.pack_path), "--require-signature", "--json"],
      { cwd: dir },
    );
    assert.equal(strict.code, 2);
    assert.deepEqual(strict.json<Json>().signature_errors, ["pack manifest has no signatures"]);
  });
});

Deno.test("e2e guard encrypt/decrypt: round trip, and failures leave no plaintext", async () => {
  await withTempDir(async (dir) => {
    const plain = '{"mode":"v14"}';
    await Deno.writeTextFile(`${dir}/artifact.json`, plain);
    const env = { GAIT_GUARD_KEY: KEY_B64 };
    const e = await runGait(
      ["guard", "encrypt", "--in", "artifact.json", "--key-env", "GAIT_GUARD_KEY", "--json"],
      { cwd: dir, env },
    );
    assert.equal(e.code, 0, e.stdout);
    const eo = e.json<Json>();
    assert.equal(eo.path, "artifact.json.gaitenc");
    assert.equal(eo.algorithm, "aes-256-gcm");
    assert.equal(eo.key_mode, "env");
    assert.equal(eo.key_ref, "GAIT_GUARD_KEY");
    assert.equal(eo.plain_size, plain.length);

    const d = await runGait(
      [
        "guard",
        "decrypt",
        "--in",
        "artifact.json.gaitenc",
        "--out",
        "restored.json",
        "--key-env",
        "GAIT_GUARD_KEY",
        "--json",
      ],
      { cwd: dir, env },
    );
    assert.equal(d.code, 0, d.stdout);
    assert.equal(d.json<Json>().plain_sha256, eo.plain_sha256);
    assert.equal(await Deno.readTextFile(`${dir}/restored.json`), plain);

    const before = (await Array.fromAsync(Deno.readDir(dir))).map((x) => x.name).sort();
    const wrong = await runGait(
      [
        "guard",
        "decrypt",
        "--in",
        "artifact.json.gaitenc",
        "--out",
        "bad.json",
        "--key-env",
        "K",
        "--json",
      ],
      { cwd: dir, env: { K: encodeBase64(new Uint8Array(32)) } },
    );
    assert.equal(wrong.code, 6);
    assert.match(String(wrong.json<Json>().error), /authentication failed/);
    const after = (await Array.fromAsync(Deno.readDir(dir))).map((x) => x.name).sort();
    assert.deepEqual(after, before, "no output and no temp file");

    const empty = await runGait(
      ["guard", "encrypt", "--in", "artifact.json", "--key-env", "UNSET_KEY", "--json"],
      { cwd: dir },
    );
    assert.equal(empty.code, 6);
    assert.match(String(empty.json<Json>().error), /encryption key env var is empty: UNSET_KEY/);
  });
});

Deno.test("e2e guard encrypt: --key-command without subprocess permission exits 7", async () => {
  await withTempDir(async (dir) => {
    await Deno.writeTextFile(`${dir}/a.txt`, "x");
    const r = await runGait(
      [
        "guard",
        "encrypt",
        "--in",
        "a.txt",
        "--key-command",
        "/bin/echo",
        "--key-command-args",
        KEY_B64,
        "--json",
      ],
      { cwd: dir },
    );
    assert.equal(r.code, 7, r.stdout);
    const out = r.json<Json>();
    assert.equal(out.error_category, "dependency_missing");
    assert.match(String(out.error), /--key-command needs permission to run subprocesses/);
    assert.match(String(out.hint), /--key-env/);
    await assert.rejects(Deno.stat(`${dir}/a.txt.gaitenc`), Deno.errors.NotFound);
  });
});

Deno.test("e2e guard retain: dry run reports, and symlinks out of root survive", async () => {
  await withTempDir(async (outside) => {
    await withTempDir(async (dir) => {
      const old = new Date(Date.now() - 1000 * 3600 * 1000);
      await Deno.writeTextFile(`${dir}/trace_old.json`, "{}");
      await Deno.utime(`${dir}/trace_old.json`, old, old);
      await Deno.writeTextFile(`${outside}/trace_victim.json`, "{}");
      await Deno.utime(`${outside}/trace_victim.json`, old, old);
      await Deno.symlink(`${outside}/trace_victim.json`, `${dir}/trace_link.json`);

      const dry = await runGait(
        ["guard", "retain", "--root", ".", "--trace-ttl", "24h", "--dry-run", "--json"],
        { cwd: dir },
      );
      assert.equal(dry.code, 0, dry.stdout);
      const d = dry.json<Json>();
      assert.equal(d.dry_run, true);
      assert.deepEqual((d.deleted_files as Json[]).map((f) => f.path), ["trace_old.json"]);
      await Deno.stat(`${dir}/trace_old.json`);

      const real = await runGait(
        ["guard", "retain", "--trace-ttl", "24h", "--report-out", "report.json", "--json"],
        { cwd: dir },
      );
      assert.equal(real.code, 0, real.stdout);
      assert.equal(real.json<Json>().report_path, "report.json");
      await assert.rejects(Deno.stat(`${dir}/trace_old.json`), Deno.errors.NotFound);
      await Deno.stat(`${outside}/trace_victim.json`);
      await Deno.lstat(`${dir}/trace_link.json`);
      const report = JSON.parse(await Deno.readTextFile(`${dir}/report.json`));
      assert.equal(report.schema_id, "gait.guard.retention_report");
      assert.equal(report.trace_ttl_seconds, 86400);
      assert.equal(report.pack_ttl_seconds, 720 * 3600);
    });
  });
});

Deno.test("e2e verify chain: runpack, signed trace and evidence pack together", async () => {
  await withTempDir(async (dir) => {
    await demo(dir);
    await writeKeys(dir);
    const single = await runGait(["verify", "run_demo", "--json"], { cwd: dir });
    assert.equal(single.code, 0, single.stdout);
    assert.equal(single.json<Json>().run_id, "run_demo");

    const trace: Record<string, unknown> = traceDoc(
      "9a714d67a491c4bd98dd7983",
      "2026-02-05T00:00:01Z",
      { run_id: "run_demo" },
    );
    trace.signature = await signDigest(await v4Key(), digestJson(trace));
    await Deno.writeTextFile(`${dir}/trace.json`, JSON.stringify(trace, null, 2) + "\n");
    const pack = await runGait(
      [
        "guard",
        "pack",
        "--run",
        "run_demo",
        "--private-key",
        "priv.key",
        "--out",
        "p.zip",
        "--json",
      ],
      { cwd: dir },
    );
    assert.equal(pack.code, 0, pack.stdout);

    const args = [
      "verify",
      "chain",
      "--run",
      "run_demo",
      "--trace",
      "trace.json",
      "--pack",
      "p.zip",
    ];
    const ok = await runGait([...args, "--public-key", "pub.key", "--json"], { cwd: dir });
    assert.equal(ok.code, 0, ok.stdout);
    const o = ok.json<Json>();
    assert.equal(o.ok, true);
    assert.equal((o.run as Json).run_id, "run_demo");
    assert.equal((o.run as Json).signature_status, "missing");
    assert.deepEqual(
      [(o.trace as Json).signature_status, (o.trace as Json).trace_id],
      ["verified", "9a714d67a491c4bd98dd7983"],
    );
    assert.equal((o.pack as Json).signature_status, "verified");

    const text = await runGait([...args, "--public-key", "pub.key"], { cwd: dir });
    assert.equal(text.code, 0);
    assert.match(text.stdout, /^verify chain ok\nrun: ok /);

    trace.verdict = "block";
    await Deno.writeFile(`${dir}/trace.json`, canonicalJsonBytes(trace));
    const forged = await runGait([...args, "--public-key", "pub.key", "--json"], { cwd: dir });
    assert.equal(forged.code, 2);
    const f = forged.json<Json>();
    assert.equal(f.ok, false);
    assert.equal((f.trace as Json).signature_status, "failed");
    assert.equal((f.pack as Json).ok, true);

    const noKey = await runGait([...args, "--json"], { cwd: dir });
    assert.equal(noKey.code, 6);
    assert.match(String(noKey.json<Json>().error), /trace verification requires/);

    const runOnly = await runGait(["verify", "chain", "--run", "run_demo", "--json"], { cwd: dir });
    assert.equal(runOnly.code, 0, runOnly.stdout);
    assert.deepEqual(Object.keys(runOnly.json<Json>()).sort(), ["correlation_id", "ok", "run"]);

    const help = await runGait(["verify", "chain", "--help"], { cwd: dir });
    assert.equal(help.code, 0);
    assert.match(help.stdout, /Usage: gait verify chain --run/);
  });
});

Deno.test("e2e guard: help lists the subcommands", async () => {
  const r = await runGait(["guard", "--help"]);
  assert.equal(r.code, 0);
  for (const sub of ["pack", "verify", "retain", "encrypt", "decrypt"]) {
    assert.match(r.stdout, new RegExp(`\\n  ${sub} `));
  }
  const i = await runGait(["incident", "--help"]);
  assert.match(i.stdout, /\n {2}pack /);
});
