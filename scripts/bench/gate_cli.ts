/**
 * `gait gate eval` start-to-exit benchmark against a physical reference
 * measured in the same run: a Deno hello-world started with the same flags
 * (`deno run --quiet --no-prompt --config deno.json -P=gait hello.ts`).
 * Runs are interleaved (hello, eval, eval-50, …) so machine load hits every
 * variant alike; medians are reported.
 *
 * Also measures, in fresh processes, what signing the trace costs inside one
 * evaluation (cold: key generation in dev mode, trace build, digest and
 * Ed25519 signature) as a share of the CLI evaluation's median wall time.
 *
 * Prints markdown rows.
 *
 * Usage: deno run -A scripts/bench/gate_cli.ts [--runs 15]
 *
 * @module
 */

const root = new URL("../..", import.meta.url).pathname.replace(/\/$/, "");
const i = Deno.args.indexOf("--runs");
const RUNS = i >= 0 ? Number(Deno.args[i + 1]) : 15;
const FLAGS = ["run", "--quiet", "--no-prompt", "--config", `${root}/deno.json`, "-P=gait"];
const S = `${root}/fixtures/scenarios/gait`;

const dir = await Deno.makeTempDir({ prefix: "gait-bench-" });
await Deno.writeTextFile(`${dir}/hello.ts`, 'console.log("hello");\n');
await Deno.writeTextFile(
  `${dir}/sign.ts`,
  `const t0 = performance.now();
const { generateKeyPair } = await import("${root}/src/crypto/key_material.ts");
const { normalizeIntent } = await import("${root}/src/gate/intent.ts");
const { buildTraceRecord, signTraceRecord } = await import("${root}/src/gate/trace.ts");
const t1 = performance.now();
const intent = normalizeIntent(JSON.parse(Deno.readTextFileSync("${S}/dry-run-no-side-effects/intent.json")));
const t2 = performance.now();
const key = await generateKeyPair();
const record = buildTraceRecord({
  createdAt: "2026-02-18T00:00:00Z", observedAt: "2026-02-18T00:00:00Z", producerVersion: "0.0.0-dev",
  verdict: "allow", violations: [], policyDigest: "${"0".repeat(64)}", policyId: "gait.gate.policy",
  policyVersion: "1.0.0", intent, contextSource: "", script: false, stepCount: 0, scriptHash: "",
  compositeRiskClass: "", stepVerdicts: [], approvalTokenRef: "", freezeWindow: null, sandbox: null,
  killSwitch: null, delegationRef: null,
});
await signTraceRecord(record, key);
const t3 = performance.now();
console.log(JSON.stringify({ importMs: t1 - t0, signMs: t3 - t2 }));
`,
);

// The shipped binary is built with `deno compile`, which loads one module
// graph snapshot; a single-file bundle approximates that start-up.
// scripts/build.ts builds the bundle the way the release does (with the static
// command table), so the measurement matches what ships.
let bundled = false;
try {
  const { bundle } = await import("../build.ts");
  await bundle({ out: `${dir}/gait_bundle.js`, stamp: { version: "", commit: "", buildDate: "" } });
  bundled = true;
} catch (error) {
  console.error(`bundle unavailable: ${error instanceof Error ? error.message : error}`);
  bundled = false;
}

interface Variant {
  name: string;
  args: string[];
}

const variants: Variant[] = [
  { name: "deno hello-world (reference)", args: [...FLAGS, `${dir}/hello.ts`] },
  { name: "gait version", args: [...FLAGS, `${root}/cli.ts`, "version"] },
  {
    name: "gait gate eval (1-rule policy, dev key, trace written)",
    args: [
      ...FLAGS,
      `${root}/cli.ts`,
      "gate",
      "eval",
      "--policy",
      `${S}/policy-block-destructive/policy.yaml`,
      "--intent",
      `${S}/dry-run-no-side-effects/intent.json`,
      "--json",
    ],
  },
  {
    name: "gait gate eval (50-rule policy, dev key, trace written)",
    args: [
      ...FLAGS,
      `${root}/cli.ts`,
      "gate",
      "eval",
      "--policy",
      `${root}/fixtures/policies/bench_50_rules.yaml`,
      "--intent",
      `${S}/dry-run-no-side-effects/intent.json`,
      "--json",
    ],
  },
  {
    name: "gait gate eval + approval token (prod key)",
    args: [
      ...FLAGS,
      `${root}/cli.ts`,
      "gate",
      "eval",
      "--policy",
      `${S}/approval-token-valid/policy.yaml`,
      "--intent",
      `${S}/approval-token-valid/intent.json`,
      "--approval-token",
      `${S}/approval-token-valid/approval-token.json`,
      "--approval-public-key",
      `${S}/approval-token-valid/approval_public.key`,
      "--key-mode",
      "prod",
      "--private-key",
      `${root}/fixtures/keys/v4_test_private.key`,
      "--json",
    ],
  },
];
if (bundled) {
  variants.push({
    name: "gait gate eval (1-rule), single-file bundle (≈ compiled binary)",
    args: [...FLAGS, `${dir}/gait_bundle.js`, ...variants[2]!.args.slice(FLAGS.length + 1)],
  });
}

async function once(args: string[]): Promise<number> {
  const start = performance.now();
  const out = await new Deno.Command(Deno.execPath(), {
    args,
    cwd: dir,
    stdout: "null",
    stderr: "null",
  }).output();
  const ms = performance.now() - start;
  if (out.code !== 0 && out.code !== 3 && out.code !== 4) {
    throw new Error(`${args.join(" ")} exited ${out.code}`);
  }
  return ms;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

const times = new Map<string, number[]>(variants.map((v) => [v.name, []]));
for (const v of variants) await once(v.args);
for (let r = 0; r < RUNS; r++) {
  for (const v of variants) times.get(v.name)!.push(await once(v.args));
}

const signRuns: { importMs: number; signMs: number }[] = [];
for (let r = 0; r < Math.max(5, Math.floor(RUNS / 2)); r++) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [...FLAGS, `${dir}/sign.ts`],
    stdout: "piped",
    stderr: "null",
  }).output();
  signRuns.push(JSON.parse(new TextDecoder().decode(out.stdout)));
}
await Deno.remove(dir, { recursive: true });

const hello = median(times.get(variants[0]!.name)!);
console.log(`| command | median ms | ratio vs hello-world |`);
console.log(`| --- | ---: | ---: |`);
for (const v of variants) {
  const m = median(times.get(v.name)!);
  console.log(`| ${v.name} | ${m.toFixed(1)} | ${(m / hello).toFixed(2)}x |`);
}
const evalMedian = median(times.get(variants[2]!.name)!);
const signMs = median(signRuns.map((s) => s.signMs));
console.log("");
console.log(
  `| trace signing (cold, dev key: keygen + build + digest + sign) | ms | share of one CLI eval |`,
);
console.log(`| --- | ---: | ---: |`);
console.log(
  `| signing | ${signMs.toFixed(1)} | ${(100 * signMs / evalMedian).toFixed(1)}% of ${
    evalMedian.toFixed(1)
  } ms |`,
);
const load = (await Deno.readTextFile("/proc/loadavg").catch(() => "")).split(" ")[0] ?? "";
console.log(
  `\n(${RUNS} interleaved runs per command, ${Deno.build.os}/${Deno.build.arch}, deno ${Deno.version.deno}, load average ${load})`,
);
