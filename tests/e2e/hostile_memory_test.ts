/**
 * Zip bombs through the real CLI: `gait verify` refuses them cleanly and its
 * peak memory stays bounded (measured with GNU time around the subprocess).
 */
import { deepStrictEqual as eq, ok } from "node:assert/strict";
import { gaitCommandArgs, withTempDir } from "../helpers/cli.ts";
import { rawZip as layoutZip, zeroDeflateStream } from "../archive/_zip_builder.ts";
import { demoRunpackDraft } from "../../src/runpack/demo.ts";
import { normalizeRunpack } from "../../src/runpack/normalize.ts";
import { buildRunpack } from "../../src/runpack/write.ts";

const TIME = "/usr/bin/time";
/** Peak RSS allowed for a verify that meets a bomb (Deno itself needs ~60 MB). */
const MAX_RSS_KB = 200 * 1024;

async function verifyWithPeakRss(
  dir: string,
  zip: string,
): Promise<{ code: number; json: Record<string, unknown>; rssKb: number }> {
  const out = await new Deno.Command(TIME, {
    args: [
      "-f",
      "GAIT_MAXRSS_KB=%M",
      Deno.execPath(),
      ...gaitCommandArgs(["verify", zip, "--json"]),
    ],
    cwd: dir,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(out.stderr);
  const m = /GAIT_MAXRSS_KB=(\d+)/.exec(stderr);
  ok(m, `no RSS figure from GNU time: ${stderr}`);
  return {
    code: out.code,
    json: JSON.parse(new TextDecoder().decode(out.stdout)),
    rssKb: Number(m[1]),
  };
}

async function bombRunpack(declaredBytes: number): Promise<Uint8Array> {
  const built = await buildRunpack(normalizeRunpack(demoRunpackDraft("0.0.0-dev")));
  const entries = [...built.entries].filter(([name]) => name !== "intents.jsonl").map((
    [name, data],
  ) => ({
    name,
    data,
  }));
  return layoutZip([
    ...entries,
    // 1 GiB of zeros in ~1 MiB of deflate, declaring `declaredBytes`.
    {
      name: "intents.jsonl",
      body: zeroDeflateStream(1024),
      method: 8,
      crc: 0,
      uncompressedSize: declaredBytes,
    },
  ]);
}

Deno.test({
  name:
    "verify: a runpack entry that declares 1 MiB but inflates to 1 GiB → exit 2, bounded memory",
  // Skips only outside CI; scripts/test-deps.sh installs GNU time when it is missing.
  ignore: Deno.env.get("CI") !== "true" && !(() => {
    try {
      return Deno.statSync(TIME).isFile;
    } catch {
      return false;
    }
  })(),
  fn: async () => {
    await withTempDir(async (dir) => {
      await Deno.writeFile(`${dir}/bomb.zip`, await bombRunpack(1024 * 1024));
      const r = await verifyWithPeakRss(dir, `${dir}/bomb.zip`);
      eq(r.code, 2, JSON.stringify(r.json));
      ok(
        String(r.json.error).startsWith("zip entry intents.jsonl expands beyond its declared size"),
        String(r.json.error),
      );
      ok(r.rssKb < MAX_RSS_KB, `peak RSS ${r.rssKb} KiB`);
      eq([...Deno.readDirSync(dir)].map((e) => e.name), ["bomb.zip"]);
    });
  },
});

Deno.test("verify: a runpack entry that honestly declares 1 GiB is refused before inflating → exit 6", async () => {
  await withTempDir(async (dir) => {
    await Deno.writeFile(`${dir}/big.zip`, await bombRunpack(1024 * 1024 * 1024));
    const out = await new Deno.Command(Deno.execPath(), {
      args: gaitCommandArgs(["verify", `${dir}/big.zip`, "--json"]),
      cwd: dir,
      stdout: "piped",
      stderr: "piped",
    }).output();
    const j = JSON.parse(new TextDecoder().decode(out.stdout));
    eq(out.code, 6, JSON.stringify(j));
    eq(j.error_code, "invalid_input");
    ok(String(j.error).includes("intents.jsonl"), String(j.error));
  });
});
