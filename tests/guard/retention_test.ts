import assert from "node:assert/strict";
import { applyRetention, classifyRetentionFile } from "../../src/guard/retention.ts";
import { withTempDir } from "../helpers/cli.ts";
import { assertMatchesSchema } from "../helpers/schema.ts";

const NOW = "2026-02-06T10:00:00Z";
const NOW_MS = Date.UTC(2026, 1, 6, 10);
const HOUR = 3600 * 1000;

async function touch(path: string, ageMs: number): Promise<void> {
  await Deno.writeTextFile(path, "x");
  const t = new Date(NOW_MS - ageMs);
  await Deno.utime(path, t, t);
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch {
    return false;
  }
}

Deno.test("retention: names are classified case-insensitively", () => {
  assert.equal(classifyRetentionFile("trace_abc.json"), "trace");
  assert.equal(classifyRetentionFile("TRACE_ABC.JSON"), "trace");
  assert.equal(classifyRetentionFile("evidence_pack_abc.zip"), "pack");
  assert.equal(classifyRetentionFile("incident_pack_abc.gaitenc"), "pack");
  assert.equal(classifyRetentionFile("evidence_pack_abc.json"), null);
  assert.equal(classifyRetentionFile("runpack_run_demo.zip"), null);
  assert.equal(classifyRetentionFile("other.txt"), null);
});

Deno.test("retention: expired traces and packs are deleted; dry run only reports", async () => {
  await withTempDir(async (dir) => {
    await Deno.mkdir(`${dir}/nested`);
    await touch(`${dir}/trace_old.json`, 200 * HOUR);
    await touch(`${dir}/nested/evidence_pack_old.zip`, 200 * HOUR);
    await touch(`${dir}/trace_keep.json`, 2 * HOUR);
    await touch(`${dir}/incident_pack_keep.zip`, 2 * HOUR);
    await touch(`${dir}/runpack_run_old.zip`, 900 * HOUR);
    const options = {
      root: dir,
      traceTtlMs: 24 * HOUR,
      packTtlMs: 48 * HOUR,
      now: NOW,
      producerVersion: "0.0.0-dev",
    };
    const dry = await applyRetention({
      ...options,
      dryRun: true,
      reportOut: `${dir}/reports/retention.json`,
    });
    assert.deepEqual(dry.deleted_files.map((f) => f.path), [
      `${dir}/nested/evidence_pack_old.zip`,
      `${dir}/trace_old.json`,
    ]);
    assert.ok(await exists(`${dir}/trace_old.json`), "dry run deletes nothing");
    assert.equal(dry.scanned_files, 5);
    const written = JSON.parse(await Deno.readTextFile(`${dir}/reports/retention.json`));
    await assertMatchesSchema("guard/retention_report", written);
    assert.deepEqual(written, JSON.parse(JSON.stringify(dry)));
    assert.equal(written.trace_ttl_seconds, 86400);
    assert.equal(written.pack_ttl_seconds, 172800);
    assert.deepEqual(dry.deleted_files[1], {
      path: `${dir}/trace_old.json`,
      kind: "trace",
      modified_at: "2026-01-29T02:00:00Z",
      age_seconds: 200 * 3600,
      action: "deleted",
    });

    const applied = await applyRetention({ ...options, dryRun: false });
    assert.equal(applied.deleted_files.length, 2);
    assert.ok(!(await exists(`${dir}/trace_old.json`)));
    assert.ok(!(await exists(`${dir}/nested/evidence_pack_old.zip`)));
    assert.ok(await exists(`${dir}/trace_keep.json`));
    assert.ok(await exists(`${dir}/incident_pack_keep.zip`));
    assert.ok(await exists(`${dir}/runpack_run_old.zip`), "non-matching files are never touched");
    assert.deepEqual(applied.kept_files.map((f) => f.action), ["kept", "kept"]);
  });
});

Deno.test("retention: a zero TTL keeps everything of that kind", async () => {
  await withTempDir(async (dir) => {
    await touch(`${dir}/trace_old.json`, 2000 * HOUR);
    const r = await applyRetention({
      root: dir,
      traceTtlMs: 0,
      packTtlMs: 0,
      now: NOW,
      producerVersion: "0.0.0-dev",
    });
    assert.equal(r.deleted_files.length, 0);
    assert.equal(r.kept_files.length, 1);
  });
});

Deno.test("retention: symlinks are never followed or deleted", async () => {
  await withTempDir(async (outside) => {
    await withTempDir(async (root) => {
      await touch(`${outside}/trace_victim.json`, 2000 * HOUR);
      await Deno.mkdir(`${outside}/dir`);
      await touch(`${outside}/dir/evidence_pack_victim.zip`, 2000 * HOUR);
      await Deno.symlink(`${outside}/trace_victim.json`, `${root}/trace_link.json`);
      await Deno.symlink(`${outside}/dir`, `${root}/linked_dir`);
      const r = await applyRetention({
        root,
        traceTtlMs: HOUR,
        packTtlMs: HOUR,
        now: NOW,
        producerVersion: "0.0.0-dev",
      });
      assert.deepEqual(r.deleted_files, []);
      assert.equal(r.scanned_files, 0);
      assert.ok(await exists(`${outside}/trace_victim.json`), "target outside root survives");
      assert.ok(await exists(`${root}/trace_link.json`), "the link itself survives");
      assert.ok(await exists(`${outside}/dir/evidence_pack_victim.zip`));
    });
  });
});

Deno.test("retention: a missing root is invalid input", async () => {
  await assert.rejects(
    applyRetention({
      root: "/nonexistent/gait-retention",
      traceTtlMs: HOUR,
      packTtlMs: HOUR,
      now: NOW,
      producerVersion: "0.0.0-dev",
    }),
    /no such file or directory/,
  );
});
