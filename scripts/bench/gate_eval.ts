/**
 * In-process gate evaluation benchmark: a 50-rule policy
 * (fixtures/policies/bench_50_rules.yaml) over a mix of intents
 * (fixtures/intents/bench_mix.jsonl: reads, delegated writes, egress, tainted
 * dataflow, sandboxed exec, destructive deletes, credentialed deploys, a
 * script). Measures, on one core:
 *
 * - `evaluatePolicy` on prepared intents (the decision itself);
 * - the full per-call pipeline `normalizeIntent` → `prepareIntent` →
 *   `evaluatePolicy` (what a TypeScript agent pays per tool call, digests
 *   included);
 * - `parsePolicyYaml` of the same policy (paid once per `gait gate eval`).
 *
 * Prints decisions/s and p50/p99 latency as markdown table rows.
 *
 * Usage: deno run -A scripts/bench/gate_eval.ts [--seconds 3]
 *
 * @module
 */

import {
  evaluatePolicy,
  type NormalizedIntent,
  normalizeIntent,
  parsePolicyYaml,
  prepareIntent,
} from "../../src/gate/mod.ts";

const root = new URL("../..", import.meta.url).pathname.replace(/\/$/, "");
const i = Deno.args.indexOf("--seconds");
const SECONDS = i >= 0 ? Number(Deno.args[i + 1]) : 3;
const NOW = "2026-02-18T12:00:00Z";

const policyText = await Deno.readTextFile(`${root}/fixtures/policies/bench_50_rules.yaml`);
const policy = parsePolicyYaml(policyText);
const rawIntents: unknown[] = (await Deno.readTextFile(`${root}/fixtures/intents/bench_mix.jsonl`))
  .trim().split("\n").map((line) => JSON.parse(line));
const prepared: NormalizedIntent[] = rawIntents.map((raw) =>
  prepareIntent(normalizeIntent(raw), { evaluationTime: NOW })
);

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

interface Result {
  name: string;
  perSecond: number;
  p50: number;
  p99: number;
  n: number;
}

function measure(name: string, fn: (k: number) => unknown, warmup = 20_000, batch = 1024): Result {
  for (let k = 0; k < warmup; k++) fn(k); // warm up the JIT
  // Throughput: tight loop, timer read every 1024 calls.
  let n = 0;
  const start = performance.now();
  const deadline = start + SECONDS * 1000;
  let now = start;
  while (now < deadline) {
    for (let k = 0; k < batch; k++) fn(n + k);
    n += batch;
    now = performance.now();
  }
  const perSecond = n / ((now - start) / 1000);
  // Latency: individually timed calls (timer overhead included, sub-µs).
  const samples = new Float64Array(Math.min(200_000, n, warmup * 10));
  for (let k = 0; k < samples.length; k++) {
    const t0 = performance.now();
    fn(k);
    samples[k] = (performance.now() - t0) * 1000;
  }
  samples.sort();
  return { name, perSecond, p50: percentile(samples, 0.5), p99: percentile(samples, 0.99), n };
}

const verdicts = new Map<string, number>();
for (const p of prepared) {
  const v = evaluatePolicy(policy, p, { evaluationTime: NOW }).verdict;
  verdicts.set(v, (verdicts.get(v) ?? 0) + 1);
}

const results = [
  measure(
    "evaluatePolicy (prepared intent)",
    (k) => evaluatePolicy(policy, prepared[k % prepared.length]!, { evaluationTime: NOW }),
  ),
  measure("normalize + prepare + evaluate", (k) => {
    const intent = normalizeIntent(rawIntents[k % rawIntents.length]);
    const p = prepareIntent(intent, { evaluationTime: NOW });
    return evaluatePolicy(policy, p, { evaluationTime: NOW });
  }),
  measure(
    "parsePolicyYaml (50-rule policy, per CLI call)",
    () => parsePolicyYaml(policyText),
    50,
    4,
  ),
];

console.log(
  `gate eval bench: ${policy.rules.length} rules, ${prepared.length} intents (${
    [...verdicts].map(([v, c]) => `${v}=${c}`).join(" ")
  }), ${SECONDS}s per case, Deno ${Deno.version.deno}, one core`,
);
console.log("");
console.log("| case | calls/s | p50 (µs) | p99 (µs) |");
console.log("| --- | ---: | ---: | ---: |");
for (const r of results) {
  console.log(
    `| ${r.name} | ${Math.round(r.perSecond).toLocaleString("en-US")} | ${r.p50.toFixed(1)} | ${
      r.p99.toFixed(1)
    } |`,
  );
}
