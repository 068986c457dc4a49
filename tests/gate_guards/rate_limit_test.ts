/**
 * Rate limits and destructive budgets (spec 02 §6.1, §4.3 step 11): counters,
 * buckets, the lock (concurrency, stale recovery, contention), and the
 * `gate eval` wiring.
 */

import assert from "node:assert/strict";
import { GaitError } from "../../src/core/errors.ts";
import { withFileLock } from "../../src/fs/lock.ts";
import {
  checkRateLimit,
  enforceRateLimits,
  parseRateLimitState,
  rateLimitBucket,
  type RateLimitCounter,
  rateLimitKey,
} from "../../src/gate/rate_limit.ts";
import { withTempDir } from "../helpers/cli.ts";
import { gateEval, intent, writeJson } from "./_guards.ts";

const POLICY = (requests: number) =>
  `default_verdict: allow
rules:
  - name: limited
    effect: allow
    match: {tool_names: [tool.write, tool.delete]}
    rate_limit: {requests: ${requests}, window: hour, scope: tool_identity}
`;

const BUDGET = (requests: number) =>
  `default_verdict: allow
rules:
  - name: budgeted
    effect: allow
    match: {tool_names: [tool.delete, tool.write]}
    destructive_budget: {requests: ${requests}, window: hour, scope: tool}
`;

Deno.test("§6.1 bucket is the UTC start of the minute or hour", () => {
  assert.equal(rateLimitBucket("minute", "2026-03-01T10:05:33.5Z"), "2026-03-01T10:05:00Z");
  assert.equal(rateLimitBucket("hour", "2026-03-01T11:05:33+01:00"), "2026-03-01T10:00:00Z");
});

Deno.test("§6.1 key is window|scope|bucket|scopeKey for each scope", () => {
  const b = "2026-03-01T10:00:00Z";
  assert.equal(
    rateLimitKey({ requests: 1, window: "hour", scope: "tool" }, "t", "a", b),
    "hour|tool|2026-03-01T10:00:00Z|t",
  );
  assert.equal(
    rateLimitKey({ requests: 1, window: "hour", scope: "identity" }, "t", "a", b),
    "hour|identity|2026-03-01T10:00:00Z|a",
  );
  assert.equal(
    rateLimitKey({ requests: 1, window: "minute", scope: "tool_identity" }, "t", "a", b),
    "minute|tool_identity|2026-03-01T10:00:00Z|t|a",
  );
});

Deno.test("§6.1 count ≥ limit is denied without increment; stale same-window buckets are dropped", () => {
  const policy = { requests: 2, window: "minute" as const, scope: "tool" as const };
  const counters: RateLimitCounter[] = [
    { key: "minute|tool|2026-03-01T09:59:00Z|t", count: 9 },
    { key: "hour|tool|2026-03-01T09:00:00Z|t", count: 4 },
  ];
  const now = "2026-03-01T10:00:10Z";
  const r = { policy, toolName: "t", identity: "a" };
  assert.deepEqual(checkRateLimit(counters, r, now), {
    allowed: true,
    limit: 2,
    used: 1,
    remaining: 1,
    scope: "tool",
    key: "minute|tool|2026-03-01T10:00:00Z|t",
  });
  assert.equal(checkRateLimit(counters, r, now).remaining, 0);
  const denied = checkRateLimit(counters, r, now);
  assert.equal(denied.allowed, false);
  assert.equal(denied.used, 2);
  assert.deepEqual(counters.map((c) => c.key).sort(), [
    "hour|tool|2026-03-01T09:00:00Z|t",
    "minute|tool|2026-03-01T10:00:00Z|t",
  ]);
  assert.equal(counters.find((c) => c.key.startsWith("minute"))?.count, 2);
});

Deno.test("§6.1 malformed state is rejected with a clear error", () => {
  const enc = (s: string) => new TextEncoder().encode(s);
  for (
    const bad of [
      "{not json",
      "[]",
      '{"schema_id":"other","counters":[]}',
      '{"counters":{}}',
      '{"counters":[{"key":"k","count":-1}]}',
      '{"counters":[{"key":"k","count":1},{"key":"k","count":2}]}',
    ]
  ) {
    assert.throws(() => parseRateLimitState(enc(bad), "s.json"), (e: unknown) => {
      assert.ok(e instanceof GaitError);
      assert.equal(e.category, "invalid_input");
      assert.match(e.message, /rate limit state s\.json is invalid/);
      return true;
    });
  }
});

Deno.test("§6.1 state file: sorted, pretty, schema id; a malformed file is never overwritten", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/s/state.json`;
    const policy = { requests: 5, window: "hour" as const, scope: "tool" as const };
    await enforceRateLimits(path, [
      { policy, toolName: "b", identity: "x" },
      { policy, toolName: "a", identity: "x" },
    ], "2026-03-01T10:00:00Z");
    const text = Deno.readTextFileSync(path);
    assert.ok(text.endsWith("\n") && text.includes('\n  "counters": [\n'));
    const doc = JSON.parse(text);
    assert.equal(doc.schema_id, "gait.gate.rate_limit_state");
    assert.equal(doc.schema_version, "1.0.0");
    assert.deepEqual(doc.counters.map((c: { key: string }) => c.key), [
      "hour|tool|2026-03-01T10:00:00Z|a",
      "hour|tool|2026-03-01T10:00:00Z|b",
    ]);
    Deno.writeTextFileSync(path, "{broken");
    await assert.rejects(
      enforceRateLimits(path, [{ policy, toolName: "a", identity: "x" }], "2026-03-01T10:00:00Z"),
      /invalid/,
    );
    assert.equal(Deno.readTextFileSync(path), "{broken");
  });
});

Deno.test("§6.1 lock: a stale lock (older than 15 s) is recovered", async () => {
  await withTempDir(async (dir) => {
    const lock = `${dir}/state.json.lock`;
    Deno.writeTextFileSync(lock, '{"pid":1}');
    const old = new Date(Date.now() - 60_000);
    Deno.utimeSync(lock, old, old);
    const got = await withFileLock(lock, { record: { pid: Deno.pid } }, () => Promise.resolve(7));
    assert.equal(got, 7);
    assert.throws(() => Deno.statSync(lock));
  });
});

Deno.test("§6.1 lock: a live lock times out with a state_contention error mentioning the lock", async () => {
  await withTempDir(async (dir) => {
    const lock = `${dir}/state.json.lock`;
    Deno.writeTextFileSync(lock, '{"pid":1}');
    await assert.rejects(
      withFileLock(lock, { record: {}, timeoutMs: 100 }, () => Promise.resolve(1)),
      (e: unknown) => {
        assert.ok(e instanceof GaitError);
        assert.equal(e.category, "state_contention");
        assert.equal(e.exitCode, 1);
        assert.match(e.message, /lock/);
        return true;
      },
    );
    assert.ok(Deno.statSync(lock).isFile, "the live lock is left alone");
  });
});

Deno.test("§6.1 gate eval: allow within the limit reports rate_limit_* fields; exceeded → block", async () => {
  await withTempDir(async (dir) => {
    Deno.writeTextFileSync(`${dir}/policy.yaml`, POLICY(2));
    writeJson(`${dir}/intent.json`, intent("tool.write"));
    const first = await gateEval(dir);
    assert.equal(first.code, 0, first.stderr + first.stdout);
    const j1 = first.json();
    assert.equal(j1.verdict, "allow");
    assert.equal(j1.rate_limit_scope, "tool_identity");
    assert.match(String(j1.rate_limit_key), /^hour\|tool_identity\|.+\|tool\.write\|alice$/);
    assert.equal(j1.rate_limit_used, 1);
    assert.equal(j1.rate_limit_remaining, 1);
    const second = (await gateEval(dir)).json();
    assert.equal(second.rate_limit_used, 2);
    assert.equal(second.rate_limit_remaining, undefined, "0 is omitted");
    const third = await gateEval(dir);
    assert.equal(third.code, 3);
    const j3 = third.json();
    assert.equal(j3.verdict, "block");
    assert.deepEqual(j3.reason_codes, ["matched_rule_limited", "rate_limit_exceeded"]);
    assert.deepEqual(j3.violations, ["rate_limit_exceeded"]);
    const state = JSON.parse(Deno.readTextFileSync(`${dir}/.gait-out/gate_rate_limits.json`));
    assert.equal(state.counters[0].count, 2, "denied calls do not increment");
  });
});

Deno.test("§6.1 gate eval: counting happens whatever the verdict (require_approval counts)", async () => {
  await withTempDir(async (dir) => {
    Deno.writeTextFileSync(
      `${dir}/policy.yaml`,
      POLICY(1).replace("effect: allow", "effect: require_approval"),
    );
    writeJson(`${dir}/intent.json`, intent("tool.write"));
    assert.equal((await gateEval(dir)).code, 4);
    const second = await gateEval(dir);
    assert.equal(second.code, 3);
    assert.ok((second.json().reason_codes as string[]).includes("rate_limit_exceeded"));
  });
});

Deno.test("§6.1 gate eval: --rate-limit-state and config gate.rate_limit_state pick the file", async () => {
  await withTempDir(async (dir) => {
    Deno.writeTextFileSync(`${dir}/policy.yaml`, POLICY(1));
    writeJson(`${dir}/intent.json`, intent("tool.write"));
    assert.equal((await gateEval(dir, ["--rate-limit-state", "custom/rl.json"])).code, 0);
    assert.ok(Deno.statSync(`${dir}/custom/rl.json`).isFile);
    Deno.mkdirSync(`${dir}/.gait`);
    Deno.writeTextFileSync(`${dir}/.gait/config.yaml`, "gate:\n  rate_limit_state: cfg/rl.json\n");
    assert.equal((await gateEval(dir)).code, 0);
    assert.ok(Deno.statSync(`${dir}/cfg/rl.json`).isFile);
  });
});

Deno.test("§6.1 gate eval: a malformed state file fails closed (exit 6, no trace)", async () => {
  await withTempDir(async (dir) => {
    Deno.writeTextFileSync(`${dir}/policy.yaml`, POLICY(5));
    writeJson(`${dir}/intent.json`, intent("tool.write"));
    Deno.mkdirSync(`${dir}/.gait-out`);
    Deno.writeTextFileSync(`${dir}/.gait-out/gate_rate_limits.json`, '{"counters": 3}');
    const r = await gateEval(dir);
    assert.equal(r.code, 6, r.stdout);
    assert.equal(r.json().ok, false);
    assert.match(String(r.json().error), /rate limit state .* is invalid/);
    assert.throws(() => Deno.statSync(`${dir}/.gait-out/trace.json`));
  });
});

Deno.test("§6.1 gate eval: a live lock times out with exit 1", async () => {
  await withTempDir(async (dir) => {
    Deno.writeTextFileSync(`${dir}/policy.yaml`, POLICY(5));
    writeJson(`${dir}/intent.json`, intent("tool.write"));
    Deno.mkdirSync(`${dir}/.gait-out`);
    Deno.writeTextFileSync(`${dir}/.gait-out/gate_rate_limits.json.lock`, '{"pid":1}');
    const r = await gateEval(dir);
    assert.equal(r.code, 1, r.stdout);
    assert.match(String(r.json().error), /lock/);
    assert.equal(r.json().retryable, true);
  });
});

Deno.test("§6.1 gate eval: a stale lock is recovered", async () => {
  await withTempDir(async (dir) => {
    Deno.writeTextFileSync(`${dir}/policy.yaml`, POLICY(5));
    writeJson(`${dir}/intent.json`, intent("tool.write"));
    Deno.mkdirSync(`${dir}/.gait-out`);
    const lock = `${dir}/.gait-out/gate_rate_limits.json.lock`;
    Deno.writeTextFileSync(lock, '{"pid":1}');
    const old = new Date(Date.now() - 30_000);
    Deno.utimeSync(lock, old, old);
    const r = await gateEval(dir);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(r.json().rate_limit_used, 1);
  });
});

async function concurrent(dir: string, n: number): Promise<number[]> {
  const results = await Promise.all(Array.from({ length: n }, () => gateEval(dir)));
  for (const r of results) assert.ok(r.code === 0 || r.code === 3, r.stdout + r.stderr);
  return results.map((r) => r.code);
}

Deno.test("§6.1 MUST: 20 concurrent gate eval processes allow exactly the limit; state stays valid", async () => {
  await withTempDir(async (dir) => {
    Deno.writeTextFileSync(`${dir}/policy.yaml`, POLICY(7));
    writeJson(`${dir}/intent.json`, intent("tool.write"));
    const codes = await concurrent(dir, 20);
    assert.equal(codes.filter((c) => c === 0).length, 7);
    assert.equal(codes.filter((c) => c === 3).length, 13);
    const text = Deno.readTextFileSync(`${dir}/.gait-out/gate_rate_limits.json`);
    const counters = parseRateLimitState(new TextEncoder().encode(text), "state");
    assert.equal(counters.length, 1);
    assert.equal(counters[0]?.count, 7);
    assert.throws(() => Deno.statSync(`${dir}/.gait-out/gate_rate_limits.json.lock`));
  });
});

Deno.test("§6.1 MUST: 20 concurrent destructive calls spend exactly the destructive budget", async () => {
  await withTempDir(async (dir) => {
    Deno.writeTextFileSync(`${dir}/policy.yaml`, BUDGET(4));
    writeJson(`${dir}/intent.json`, intent("tool.delete", { phase: "plan" }));
    const results = await Promise.all(Array.from({ length: 20 }, () => gateEval(dir)));
    const exceeded = results.filter((r) =>
      (r.json().reason_codes as string[] | undefined)?.includes("destructive_budget_exceeded")
    );
    assert.equal(exceeded.length, 16);
    for (const r of exceeded) {
      assert.equal(r.code, 3);
      assert.ok((r.json().violations as string[]).includes("destructive_budget_exceeded"));
    }
    const ok = results.filter((r) => !exceeded.includes(r));
    for (const r of ok) {
      assert.equal(r.json().destructive_budget_scope, "tool");
      assert.match(String(r.json().destructive_budget_key), /\|destructive_budget\|tool\.delete$/);
    }
    const text = Deno.readTextFileSync(`${dir}/.gait-out/gate_rate_limits.json`);
    const counters = parseRateLimitState(new TextEncoder().encode(text), "state");
    assert.equal(counters[0]?.count, 4);
  });
});

Deno.test("§6.1 destructive budget is not spent by a non-destructive call", async () => {
  await withTempDir(async (dir) => {
    Deno.writeTextFileSync(`${dir}/policy.yaml`, BUDGET(1));
    writeJson(`${dir}/intent.json`, intent("tool.write"));
    for (let i = 0; i < 2; i++) {
      const r = await gateEval(dir);
      assert.equal(r.code, 0);
      assert.equal(r.json().destructive_budget_key, undefined);
    }
    assert.throws(() => Deno.statSync(`${dir}/.gait-out/gate_rate_limits.json`));
  });
});
