/**
 * Atomic writes and bounded reads (spec 03 §1 "Files 0600, dirs 0750. Atomic
 * writes (temp+fsync+rename) reject relative paths with `..`"; DESIGN "Atomic
 * state", "Untrusted input").
 */

import assert from "node:assert/strict";
import { relative } from "node:path";
import { GaitError } from "../../src/core/errors.ts";
import {
  assertLocalPath,
  basename,
  dirname,
  ensureDir,
  joinPath,
  pathExists,
  readFileLimited,
  writeFileAtomic,
} from "../../src/fs/atomic.ts";
import { withTempDir } from "../helpers/cli.ts";

const posix = Deno.build.os !== "windows";
const isRoot = (() => {
  try {
    return Deno.uid() === 0;
  } catch {
    return false;
  }
})();

async function listDir(dir: string): Promise<string[]> {
  const names: string[] = [];
  for await (const e of Deno.readDir(dir)) names.push(e.name);
  return names.sort();
}

async function rejectsWith(
  promise: Promise<unknown>,
  category: string,
  message: RegExp,
): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof GaitError, `expected GaitError, got ${String(error)}`);
    assert.equal(error.category, category);
    assert.match(error.message, message);
    return true;
  });
}

/** Bytes whose reading fails after the temp file was created. */
class FailingBytes extends Uint8Array {
  override subarray(): Uint8Array<ArrayBuffer> {
    throw new Error("simulated write failure");
  }
}

Deno.test("writeFileAtomic writes the bytes with mode 0600", { ignore: !posix }, async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/a.json`;
    await writeFileAtomic(path, '{"a":1}');
    assert.equal(await Deno.readTextFile(path), '{"a":1}');
    assert.equal((await Deno.stat(path)).mode! & 0o777, 0o600);
  });
});

Deno.test("writeFileAtomic honours an explicit mode", { ignore: !posix }, async () => {
  await withTempDir(async (dir) => {
    await writeFileAtomic(`${dir}/b`, new Uint8Array([1, 2, 3]), { mode: 0o644 });
    assert.deepEqual(await Deno.readFile(`${dir}/b`), new Uint8Array([1, 2, 3]));
    assert.equal((await Deno.stat(`${dir}/b`)).mode! & 0o777, 0o644);
  });
});

Deno.test("writeFileAtomic replaces an existing file and resets its mode to 0600", {
  ignore: !posix,
}, async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/state.json`;
    await Deno.writeTextFile(path, "old content that is longer", { mode: 0o644 });
    await Deno.chmod(path, 0o644);
    await writeFileAtomic(path, "new");
    assert.equal(await Deno.readTextFile(path), "new");
    assert.equal((await Deno.stat(path)).mode! & 0o777, 0o600);
  });
});

Deno.test("writeFileAtomic leaves no temp file after success", async () => {
  await withTempDir(async (dir) => {
    await writeFileAtomic(`${dir}/x.json`, "{}");
    await writeFileAtomic(`${dir}/x.json`, "[]");
    assert.deepEqual(await listDir(dir), ["x.json"]);
  });
});

Deno.test("a failed write keeps the old content and leaves no temp file", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/state.json`;
    await Deno.writeTextFile(path, "old");
    const bytes = new FailingBytes([1, 2, 3]);
    await rejectsWith(writeFileAtomic(path, bytes), "io_failure", /simulated write failure/);
    assert.equal(await Deno.readTextFile(path), "old");
    assert.deepEqual(await listDir(dir), ["state.json"]);
  });
});

Deno.test("writing over a directory fails, leaving the directory and no temp file", async () => {
  await withTempDir(async (dir) => {
    const target = `${dir}/target`;
    await Deno.mkdir(target);
    await Deno.writeTextFile(`${target}/inside`, "kept");
    await assert.rejects(writeFileAtomic(target, "x"), GaitError);
    assert.ok((await Deno.stat(target)).isDirectory);
    assert.equal(await Deno.readTextFile(`${target}/inside`), "kept");
    assert.deepEqual(await listDir(dir), ["target"]);
  });
});

Deno.test("writing into a read-only directory fails and keeps the old content", {
  // root ignores directory permissions; the FailingBytes test covers the rule there.
  ignore: !posix || isRoot,
}, async () => {
  await withTempDir(async (dir) => {
    const sub = `${dir}/ro`;
    await Deno.mkdir(sub);
    await Deno.writeTextFile(`${sub}/state.json`, "old");
    await Deno.chmod(sub, 0o500);
    try {
      await rejectsWith(
        writeFileAtomic(`${sub}/state.json`, "new"),
        "io_failure",
        /permission denied/,
      );
      assert.equal(await Deno.readTextFile(`${sub}/state.json`), "old");
      assert.deepEqual(await listDir(sub), ["state.json"]);
    } finally {
      await Deno.chmod(sub, 0o700);
    }
  });
});

Deno.test("writeFileAtomic does not create parent directories unless asked", async () => {
  await withTempDir(async (dir) => {
    await rejectsWith(
      writeFileAtomic(`${dir}/missing/x.json`, "{}"),
      "invalid_input",
      /no such file or directory/,
    );
    assert.equal(await pathExists(`${dir}/missing`), false);
  });
});

Deno.test("createParents makes missing directories with mode 0750", {
  ignore: !posix,
}, async () => {
  await withTempDir(async (dir) => {
    await writeFileAtomic(`${dir}/a/b/x.json`, "{}", { createParents: true });
    assert.equal(await Deno.readTextFile(`${dir}/a/b/x.json`), "{}");
    assert.equal((await Deno.stat(`${dir}/a`)).mode! & 0o777, 0o750);
    assert.equal((await Deno.stat(`${dir}/a/b`)).mode! & 0o777, 0o750);
  });
});

Deno.test("relative paths with .. are rejected before anything is written", async () => {
  await withTempDir(async (dir) => {
    // Relative to the cwd but landing in the temp dir, so a broken check cannot
    // write anywhere else (Deno.chdir would affect test files running in parallel).
    const rel = relative(Deno.cwd(), dir).replaceAll("\\", "/");
    await Deno.mkdir(`${dir}/sub`);
    const paths = [`${rel}/sub/../x.json`, `${rel}/sub/..`, `${rel}\\sub\\..\\x.json`];
    if (rel.startsWith("../")) paths.push(`${rel}/x.json`);
    for (const path of paths) {
      await rejectsWith(
        writeFileAtomic(path, "{}"),
        "invalid_input",
        /^path must be local relative or absolute: /,
      );
    }
    assert.deepEqual(await listDir(dir), ["sub"]);
    assert.deepEqual(await listDir(`${dir}/sub`), []);
    assert.throws(() => assertLocalPath("../x.json"), GaitError);
    assert.throws(() => assertLocalPath(".."), GaitError);
  });
});

Deno.test("assertLocalPath: local relative and absolute paths are accepted", () => {
  for (
    const path of [
      "x.json",
      "./x.json",
      "gait-out/a..b.zip",
      "..x",
      "/tmp/../etc/x",
      "C:\\a\\..\\b",
    ]
  ) {
    assertLocalPath(path);
  }
  assert.throws(() => assertLocalPath(""), GaitError);
});

Deno.test("readFileLimited reads a file up to the limit", async () => {
  await withTempDir(async (dir) => {
    await Deno.writeFile(`${dir}/f`, new Uint8Array(100).fill(7));
    const bytes = await readFileLimited(`${dir}/f`, 100);
    assert.equal(bytes.length, 100);
    assert.equal(bytes[99], 7);
    assert.equal((await readFileLimited(`${dir}/f`, 1 << 20)).length, 100);
  });
});

Deno.test("readFileLimited refuses an oversized file from its size, before reading it", async () => {
  await withTempDir(async (dir) => {
    // A sparse 64 GiB file: reading it would take minutes, stat takes microseconds.
    const path = `${dir}/huge.bin`;
    const file = await Deno.open(path, { write: true, create: true });
    await file.truncate(64 * 1024 ** 3);
    file.close();
    const started = performance.now();
    await rejectsWith(
      readFileLimited(path, 1024, "input"),
      "invalid_input",
      new RegExp(`^input .*huge\\.bin is too large: ${64 * 1024 ** 3} bytes \\(limit 1024\\)$`),
    );
    assert.ok(performance.now() - started < 5000);
  });
});

Deno.test("readFileLimited: one byte over the limit is refused", async () => {
  await withTempDir(async (dir) => {
    await Deno.writeFile(`${dir}/f`, new Uint8Array(101));
    await rejectsWith(readFileLimited(`${dir}/f`, 100), "invalid_input", /too large: 101 bytes/);
  });
});

Deno.test("readFileLimited: missing files and directories are invalid_input", async () => {
  await withTempDir(async (dir) => {
    await rejectsWith(
      readFileLimited(`${dir}/nope`, 10, "policy"),
      "invalid_input",
      /^read policy .*nope: no such file or directory$/,
    );
    await rejectsWith(readFileLimited(dir, 10, "policy"), "invalid_input", /is a directory/);
  });
});

Deno.test("ensureDir creates nested directories and accepts existing ones", async () => {
  await withTempDir(async (dir) => {
    await ensureDir(`${dir}/a/b`);
    await ensureDir(`${dir}/a/b`);
    assert.ok((await Deno.stat(`${dir}/a/b`)).isDirectory);
    await Deno.writeTextFile(`${dir}/file`, "");
    await assert.rejects(ensureDir(`${dir}/file`), GaitError);
  });
});

Deno.test("pathExists", async () => {
  await withTempDir(async (dir) => {
    assert.equal(await pathExists(dir), true);
    assert.equal(await pathExists(`${dir}/nope`), false);
  });
});

Deno.test("dirname, basename and joinPath", () => {
  assert.equal(dirname("gait-out/a.zip"), "gait-out");
  assert.equal(dirname("a.zip"), ".");
  assert.equal(dirname("/a.zip"), "/");
  assert.equal(dirname("a\\b.zip"), "a");
  assert.equal(basename("gait-out/a.zip"), "a.zip");
  assert.equal(basename("a.zip"), "a.zip");
  assert.equal(basename("a\\b.zip"), "b.zip");
  assert.equal(joinPath("gait-out", "runpack_x.zip"), "gait-out/runpack_x.zip");
  assert.equal(joinPath(".", "x"), "x");
  assert.equal(joinPath("a/", "/b/", "c"), "a/b/c");
  assert.equal(joinPath("/", "x"), "/x");
  assert.equal(joinPath(), ".");
});
