/**
 * Regress timings: `gait regress bootstrap --from run_demo` and `gait regress
 * run` on the demo fixture (and on 20 fixtures), against `gait version` (the
 * CLI's bare start-up) measured in the same run. Medians in milliseconds.
 *
 * Usage: deno run -A scripts/bench/regress.ts [--runs 15]
 *
 * @module
 */

const root = new URL("../..", import.meta.url).pathname.replace(/\/$/, "");
const runsIndex = Deno.args.indexOf("--runs");
const RUNS = runsIndex >= 0 ? Number(Deno.args[runsIndex + 1]) : 15;

function gaitArgs(cliArgs: string[]): string[] {
  return [
    "run",
    "--quiet",
    "--no-prompt",
    "--config",
    `${root}/deno.json`,
    "-P=gait",
    `${root}/cli.ts`,
    ...cliArgs,
  ];
}

async function time(cliArgs: string[], cwd: string, okCodes = [0]): Promise<number> {
  const start = performance.now();
  const out = await new Deno.Command(Deno.execPath(), {
    args: gaitArgs(cliArgs),
    cwd,
    stdout: "null",
    stderr: "piped",
  }).output();
  const ms = performance.now() - start;
  if (!okCodes.includes(out.code)) {
    throw new Error(
      `gait ${cliArgs.join(" ")}: exit ${out.code} ${new TextDecoder().decode(out.stderr)}`,
    );
  }
  return ms;
}

async function median(cliArgs: string[], cwd: string): Promise<number> {
  await time(cliArgs, cwd);
  const xs: number[] = [];
  for (let i = 0; i < RUNS; i++) xs.push(await time(cliArgs, cwd));
  xs.sort((a, b) => a - b);
  return xs[Math.floor(xs.length / 2)]!;
}

const work = await Deno.makeTempDir({ prefix: "gait-bench-regress-" });
try {
  await time(["demo"], work);
  const version = await median(["version"], work);
  const bootstrap = await median(
    ["regress", "bootstrap", "--from", "run_demo", "--junit", "gait-out/junit.xml"],
    work,
  );
  const run = await median(["regress", "run", "--junit", "gait-out/junit.xml"], work);
  for (let i = 0; i < 19; i++) {
    await time(["regress", "init", "--from", "run_demo", "--name", `copy-${i}`], work);
  }
  const run20 = await median(["regress", "run", "--junit", "gait-out/junit.xml"], work);
  const rows = [
    ["`gait version` (start-up reference)", version],
    ["`gait regress bootstrap --from run_demo --junit …`", bootstrap],
    ["`gait regress run --junit …` (1 fixture, 4 graders)", run],
    ["`gait regress run --junit …` (20 fixtures, 80 graders)", run20],
  ] as const;
  console.log(`| command | median ms (${RUNS} runs) | over start-up |`);
  console.log("| --- | --- | --- |");
  for (const [name, ms] of rows) {
    console.log(`| ${name} | ${ms.toFixed(1)} | ${(ms - version).toFixed(1)} |`);
  }
} finally {
  await Deno.remove(work, { recursive: true });
}
