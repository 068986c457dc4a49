/**
 * `gait pack export --postgres-sql-out` against a real PostgreSQL server: the
 * test starts a throwaway cluster on loopback (initdb in a temp dir with
 * trust auth, run as the `postgres` user when the test runs as root), loads
 * the exported SQL twice, and queries the index.
 *
 * In CI (CI=true) a missing PostgreSQL is a failure; elsewhere the test is
 * skipped with a loud message. scripts/test-deps.sh installs the Debian `postgresql`
 * package.
 */
import { deepStrictEqual as eq, ok } from "node:assert/strict";
import { runGait, withTempDir } from "../helpers/cli.ts";
import { demoPack } from "../pack/_fixtures.ts";

const CI = Deno.env.get("CI") === "true";

function findBinDir(): string | null {
  try {
    const versions = [...Deno.readDirSync("/usr/lib/postgresql")]
      .filter((e) => e.isDirectory)
      .map((e) => e.name)
      .sort((a, b) => Number(b) - Number(a));
    for (const v of versions) {
      const dir = `/usr/lib/postgresql/${v}/bin`;
      try {
        if (Deno.statSync(`${dir}/initdb`).isFile && Deno.statSync(`${dir}/pg_ctl`).isFile) {
          return dir;
        }
      } catch { /* not this version */ }
    }
  } catch { /* no PostgreSQL installed */ }
  return null;
}

const BIN = findBinDir();
if (BIN === null && !CI) {
  console.error(
    "\n!!! tests/postgres: PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin;" +
      " SKIPPING the real-database export test. Install the Debian package `postgresql`" +
      " (scripts/test-deps.sh does when run as root) to run it. !!!\n",
  );
}

const decoder = new TextDecoder();

/** runuser lives in sbin, which a CI job's PATH may not include: find it by path. */
const RUNUSER = ["/usr/sbin/runuser", "/sbin/runuser", "/usr/bin/runuser"].find((p) => {
  try {
    return Deno.statSync(p).isFile;
  } catch {
    return false;
  }
}) ?? "runuser";

async function run(cmd: string, args: string[], asUser?: string): Promise<string> {
  const [program, argv] = asUser ? [RUNUSER, ["-u", asUser, "--", cmd, ...args]] : [cmd, args];
  const out = await new Deno.Command(program, { args: argv, stdout: "piped", stderr: "piped" })
    .output();
  const stdout = decoder.decode(out.stdout);
  if (!out.success) {
    throw new Error(
      `${cmd} ${args.join(" ")} failed (${out.code}):\n${stdout}${decoder.decode(out.stderr)}`,
    );
  }
  return stdout;
}

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

interface Cluster {
  port: number;
  psql(args: string[]): Promise<string>;
}

async function withCluster(fn: (cluster: Cluster) => Promise<void>): Promise<void> {
  const bin = BIN!;
  const root = Deno.uid() === 0;
  const user = root ? "postgres" : undefined;
  const dir = await Deno.makeTempDir({ prefix: "gait-pg-" });
  if (root) {
    const uid = Number((await run("id", ["-u", "postgres"])).trim());
    const gid = Number((await run("id", ["-g", "postgres"])).trim());
    await Deno.chown(dir, uid, gid);
  }
  const data = `${dir}/data`;
  const port = freePort();
  let started = false;
  try {
    await run(`${bin}/initdb`, [
      "-D",
      data,
      "-A",
      "trust",
      "-U",
      "postgres",
      "--no-sync",
      "-E",
      "UTF8",
    ], user);
    await run(`${bin}/pg_ctl`, [
      "-D",
      data,
      "-l",
      `${dir}/server.log`,
      "-w",
      "-t",
      "60",
      "-o",
      `-k ${dir} -c listen_addresses=127.0.0.1 -p ${port} -c fsync=off`,
      "start",
    ], user);
    started = true;
    const psqlBin = `${bin}/psql`;
    await fn({
      port,
      psql: (args) =>
        run(psqlBin, [
          "-h",
          "127.0.0.1",
          "-p",
          String(port),
          "-U",
          "postgres",
          "-d",
          "postgres",
          "-v",
          "ON_ERROR_STOP=1",
          "-X",
          "-q",
          "-A",
          "-t",
          ...args,
        ]),
    });
  } finally {
    if (started) {
      await run(`${bin}/pg_ctl`, ["-D", data, "-m", "immediate", "-w", "stop"], user).catch(
        () => {},
      );
    }
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

Deno.test({
  name:
    "postgres: exported SQL loads twice into a real server (idempotent upserts) and the index answers queries",
  ignore: BIN === null && !CI,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    if (BIN === null) {
      throw new Error(
        "CI=true but PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb); scripts/test-deps.sh must install it",
      );
    }
    await withTempDir(async (work) => {
      // The SQL files are read by psql, which runs as this user.
      const first = await demoPack();
      const second = await demoPack(undefined, (c) => {
        c.run.run_id = "run_second";
        for (const r of [...c.intents, ...c.results]) r.run_id = "run_second";
        c.refs.run_id = "run_second";
        c.results[2]!.status = "error";
      });
      await Deno.writeFile(`${work}/first.zip`, first.zip);
      await Deno.writeFile(`${work}/second.zip`, second.zip);
      for (const [name, table] of [["first", "gait_pack_index"], ["second", "gait_pack_index"]]) {
        const r = await runGait(
          [
            "pack",
            "export",
            `${name}.zip`,
            "--postgres-sql-out",
            `${name}.sql`,
            "--postgres-table",
            table!,
            "--json",
          ],
          { cwd: work },
        );
        eq(r.code, 0, r.stdout + r.stderr);
      }
      const r = await runGait(
        [
          "pack",
          "export",
          "first.zip",
          "--postgres-sql-out",
          "qualified.sql",
          "--postgres-table",
          "gait.pack_index",
        ],
        { cwd: work },
      );
      eq(r.code, 0, r.stdout + r.stderr);

      await withCluster(async (db) => {
        await db.psql(["-f", `${work}/first.sql`]);
        await db.psql(["-f", `${work}/first.sql`]);
        eq((await db.psql(["-c", "SELECT count(*) FROM gait_pack_index"])).trim(), "1");

        const row = (await db.psql([
          "-F",
          "|",
          "-c",
          "SELECT pack_id, pack_type, source_ref, files_checked, signature_status, tool_calls_total, tool_calls_success, tool_calls_success_rate, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS') FROM gait_pack_index",
        ])).trim();
        eq(
          row,
          `${first.manifest.pack_id}|run|run_demo|4|missing|3|3|1|2026-02-05T00:00:00`,
        );

        // A changed row is put back by the upsert, and a second pack adds a row.
        await db.psql(["-c", "UPDATE gait_pack_index SET tool_calls_total = 99"]);
        await db.psql(["-f", `${work}/first.sql`]);
        await db.psql(["-f", `${work}/second.sql`]);
        await db.psql(["-f", `${work}/second.sql`]);
        const rows = (await db.psql([
          "-F",
          "|",
          "-c",
          "SELECT source_ref, tool_calls_total, tool_calls_success, round(tool_calls_success_rate::numeric, 6) FROM gait_pack_index WHERE pack_type = 'run' ORDER BY source_ref",
        ])).trim().split("\n");
        eq(rows, ["run_demo|3|3|1.000000", "run_second|3|2|0.666667"]);
        const indexes = (await db.psql([
          "-c",
          "SELECT indexname FROM pg_indexes WHERE tablename = 'gait_pack_index' ORDER BY indexname",
        ])).trim().split("\n");
        eq(indexes, [
          "gait_pack_index_pkey",
          "idx_gait_pack_index_pack_type_created_at",
          "idx_gait_pack_index_source_ref",
        ]);

        await db.psql(["-c", "CREATE SCHEMA gait"]);
        await db.psql(["-f", `${work}/qualified.sql`]);
        await db.psql(["-f", `${work}/qualified.sql`]);
        eq((await db.psql(["-c", "SELECT source_ref FROM gait.pack_index"])).trim(), "run_demo");
        ok(true);
      });
    });
  },
});
