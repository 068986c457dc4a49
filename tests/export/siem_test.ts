/**
 * SIEM export records (spec 04 §7): the log record (key order, omit-empty),
 * the OTEL-style record (sorted keys, every attribute, reason_codes array or
 * null, deterministic time), and the locked, fsynced append-only writer.
 */
import { deepStrictEqual as eq, ok, rejects } from "node:assert/strict";
import { GaitError } from "../../src/core/errors.ts";
import { appendJsonlLines } from "../../src/export/jsonl_append.ts";
import {
  decisionTime,
  exportSiemDecision,
  formatSiemLogLine,
  formatSiemOtelLine,
  type SiemDecision,
  siemOtelRecord,
} from "../../src/export/siem.ts";
import { REPO_ROOT, withTempDir } from "../helpers/cli.ts";
import { assertMatchesSchema } from "../helpers/schema.ts";

const MINIMAL: SiemDecision = {
  producer_version: "0.0.0-dev",
  run_id: "run_demo",
  trace_id: "9a714d67a491c4bd98dd7983",
  tool_name: "tool.write",
  verdict: "block",
  policy_digest: "f4581f55c41a3ee69b316c95f66fbfc293ae7f06e6458491e3ca232dfb26608c",
  intent_digest: "74d4a052fd27c63f110e0879f227215aed15a8e522946d38a2fb515374fbafa8",
};

const FULL: SiemDecision = {
  ...MINIMAL,
  created_at: "2026-02-05T01:00:00.5+01:00",
  session_id: "sess_1",
  trace_path: "gait-out/trace_x.json",
  reason_codes: ["blocked_prohibited_tool", "destructive_budget_exceeded"],
  decision_latency_ms: 12.5,
  delegation_token_ref: "",
  delegation_chain_digest: "c".repeat(64),
  delegation_depth: 2,
};

Deno.test("log record: minimal decision has only the required keys, in order, with the 1980 default time", async () => {
  const line = formatSiemLogLine(MINIMAL);
  const keys = Object.keys(JSON.parse(line));
  eq(keys, [
    "created_at",
    "producer_version",
    "run_id",
    "trace_id",
    "tool_name",
    "verdict",
    "policy_digest",
    "intent_digest",
  ]);
  eq(JSON.parse(line).created_at, "1980-01-01T00:00:00Z");
  await assertMatchesSchema("export/siem_log_record", JSON.parse(line));
});

Deno.test("log record: every key of a full decision, in the documented order; delegation_ref falls back to the chain digest", async () => {
  const doc = JSON.parse(formatSiemLogLine(FULL));
  eq(Object.keys(doc), [
    "created_at",
    "producer_version",
    "run_id",
    "session_id",
    "trace_id",
    "trace_path",
    "tool_name",
    "verdict",
    "reason_codes",
    "policy_digest",
    "intent_digest",
    "decision_latency_ms",
    "delegation_ref",
    "delegation_depth",
  ]);
  eq(doc.created_at, "2026-02-05T00:00:00.5Z");
  eq(doc.delegation_ref, "c".repeat(64));
  eq(
    JSON.parse(formatSiemLogLine({ ...FULL, delegation_token_ref: "dt_1" })).delegation_ref,
    "dt_1",
  );
  await assertMatchesSchema("export/siem_log_record", doc);
});

Deno.test("log record: empty lists and zero numbers are omitted; Go's HTML escaping applies", () => {
  const doc = JSON.parse(
    formatSiemLogLine({
      ...MINIMAL,
      reason_codes: [],
      decision_latency_ms: 0,
      delegation_depth: 0,
    }),
  );
  eq("reason_codes" in doc, false);
  eq("decision_latency_ms" in doc, false);
  eq("delegation_depth" in doc, false);
  ok(formatSiemLogLine({ ...MINIMAL, tool_name: "a<b>&c" }).includes("a\\u003cb\\u003e\\u0026c"));
});

Deno.test("OTEL record: sorted keys, all attributes present, reason_codes null or array, exact nanoseconds", async () => {
  const line = formatSiemOtelLine(MINIMAL);
  eq(
    line,
    '{"attributes":{"gait.decision_latency_ms":0,"gait.delegation_depth":0,"gait.delegation_ref":"","gait.intent_digest":"' +
      MINIMAL.intent_digest + '","gait.policy_digest":"' + MINIMAL.policy_digest +
      '","gait.reason_codes":null,"gait.run_id":"run_demo","gait.session_id":"","gait.tool_name":"tool.write","gait.trace_path":"","gait.verdict":"block"},"body":"gait.mcp.proxy.decision","severity_text":"INFO","time_unix_nano":315532800000000000,"trace_id":"9a714d67a491c4bd98dd7983"}',
  );
  await assertMatchesSchema("export/siem_otel_record", JSON.parse(line));
  const full = formatSiemOtelLine(FULL);
  ok(full.includes('"time_unix_nano":1770249600500000000,'), full);
  const doc = JSON.parse(full);
  eq(doc.attributes["gait.reason_codes"], FULL.reason_codes);
  eq(doc.attributes["gait.delegation_depth"], 2);
  eq(doc.attributes["gait.decision_latency_ms"], 12.5);
  await assertMatchesSchema("export/siem_otel_record", doc);
  eq(siemOtelRecord({ ...MINIMAL, reason_codes: [] }).attributes["gait.reason_codes"], []);
});

Deno.test("decision time: the intent's created_at in UTC, 1980 when blank or zero", () => {
  eq(decisionTime({}), "1980-01-01T00:00:00Z");
  eq(decisionTime({ created_at: "0001-01-01T00:00:00Z" }), "1980-01-01T00:00:00Z");
  eq(
    decisionTime({ created_at: "2026-02-05T00:00:00.123456789Z" }),
    "2026-02-05T00:00:00.123456789Z",
  );
});

Deno.test("writer: appends create the file with mode 0600 and leave no lock behind", async () => {
  await withTempDir(async (dir) => {
    const log = `${dir}/out/events.jsonl`;
    await Deno.mkdir(`${dir}/out`);
    await exportSiemDecision(MINIMAL, { logPath: log, otelPath: `${dir}/out/otel.jsonl` });
    await exportSiemDecision(FULL, { logPath: log });
    const text = await Deno.readTextFile(log);
    eq(text.split("\n").length, 3);
    ok(text.endsWith("\n"));
    eq((await Deno.stat(log)).mode! & 0o777, 0o600);
    eq((await Deno.readTextFile(`${dir}/out/otel.jsonl`)).split("\n").length, 2);
    eq([...Deno.readDirSync(`${dir}/out`)].map((e) => e.name).sort(), [
      "events.jsonl",
      "otel.jsonl",
    ]);
  });
});

function assertIntact(text: string, expected: Set<string>): void {
  const lines = text.split("\n");
  eq(lines.pop(), "", "file ends with a newline");
  eq(lines.length, expected.size, "no line lost or duplicated");
  const seen = new Set<string>();
  for (const line of lines) {
    const doc = JSON.parse(line);
    seen.add(doc.trace_id);
  }
  eq(seen, expected);
}

Deno.test("writer: 200 concurrent appends in one process lose nothing and never interleave", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/events.jsonl`;
    const ids = Array.from({ length: 200 }, (_, i) => `trace_${i}`);
    await Promise.all(
      ids.map((id) =>
        exportSiemDecision({ ...FULL, trace_id: id }, { logPath: path }, {
          timeoutMs: 30_000,
        })
      ),
    );
    assertIntact(await Deno.readTextFile(path), new Set(ids));
  });
});

Deno.test("writer: 4 processes appending 40 lines each lose nothing", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/events.jsonl`;
    const workers = [0, 1, 2, 3];
    const outputs = await Promise.all(workers.map((w) =>
      new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "--quiet",
          "--config",
          `${REPO_ROOT}/deno.json`,
          "-A",
          `${REPO_ROOT}/tests/export/_append_worker.ts`,
          path,
          String(w),
          "40",
        ],
        stdout: "piped",
        stderr: "piped",
      }).output()
    ));
    for (const out of outputs) eq(out.code, 0, new TextDecoder().decode(out.stderr));
    const expected = new Set(
      workers.flatMap((w) => Array.from({ length: 40 }, (_, i) => `trace_${w}_${i}`)),
    );
    assertIntact(await Deno.readTextFile(path), expected);
  });
});

Deno.test("writer: a held lock times out as state contention (exit 1); a stale lock is taken over", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/events.jsonl`;
    await Deno.writeTextFile(`${path}.lock`, "{}");
    await rejects(appendJsonlLines(path, ["{}"], { timeoutMs: 50 }), (e: unknown) => {
      ok(e instanceof GaitError, String(e));
      eq(e.category, "state_contention");
      eq(e.exitCode, 1);
      ok(e.message.includes("lock timeout"));
      return true;
    });
    await appendJsonlLines(path, ['{"a":1}'], { timeoutMs: 50, staleAfterMs: 0 });
    eq(await Deno.readTextFile(path), '{"a":1}\n');
    await rejects(appendJsonlLines(path, ["{\n}"]), GaitError);
  });
});
