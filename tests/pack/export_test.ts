/**
 * `gait pack export` formats (spec 01 §5.4): the export record, the 8 OTEL
 * lines (validated against schemas/v1/export/pack_otel_record), exact
 * nanosecond times, and the PostgreSQL SQL layout.
 */
import { deepStrictEqual as eq, ok, throws } from "node:assert/strict";
import { sha256Hex } from "../../src/core/digest.ts";
import { GaitError } from "../../src/core/errors.ts";
import {
  buildExportRecord,
  isRegressFailure,
  otelExportLines,
  otelIds,
  type PackExportRecord,
  parsePostgresTable,
  postgresExportSql,
  runMetrics,
} from "../../src/pack/export.ts";
import type { ResultRecord } from "../../src/runpack/types.ts";
import { withTempDir } from "../helpers/cli.ts";
import { assertMatchesSchema } from "../helpers/schema.ts";
import { demoPack, reseal, writeEntries } from "./_fixtures.ts";

const RECORD: PackExportRecord = {
  pack_id: "0c1924ad319ee6a1e38733e038c5cbc1464c58654ff95035efec9916ae690b8c",
  pack_type: "run",
  source_ref: "run_o'brien",
  manifest_digest: "035cf4f2918cae576b0791e15c75a3b7abf0d3e88580b642516e8e97a605b85b",
  files_checked: 4,
  hash_mismatches: 0,
  missing_files: 0,
  undeclared_files: 0,
  signature_status: "missing",
  signatures_total: 0,
  signatures_valid: 0,
  created_at: "2026-02-05T00:00:00.123456789Z",
  metrics: {
    tool_calls_total: 3,
    tool_calls_success: 2,
    tool_calls_success_rate: 2 / 3,
    policy_blocked: 1,
    approval_required: 0,
    regress_failures: 0,
  },
};

Deno.test("export record: built from an unkeyed verify plus inspect of the demo pack", async () => {
  await withTempDir(async (dir) => {
    const pack = await demoPack();
    await Deno.writeFile(`${dir}/p.zip`, pack.zip);
    const record = await buildExportRecord(`${dir}/p.zip`);
    eq(record.pack_id, pack.manifest.pack_id);
    eq(record.created_at, "2026-02-05T00:00:00Z");
    eq(record.files_checked, 4);
    eq(record.signature_status, "missing");
    eq(record.metrics, {
      tool_calls_total: 3,
      tool_calls_success: 3,
      tool_calls_success_rate: 1,
      policy_blocked: 0,
      approval_required: 0,
      regress_failures: 0,
    });
  });
});

Deno.test("export record: integrity problems are counted, and the span status turns to error", async () => {
  await withTempDir(async (dir) => {
    const files = new Map((await demoPack()).files);
    files.set("notes.txt", new TextEncoder().encode("extra"));
    const path = await writeEntries(`${dir}/p.zip`, files);
    const record = await buildExportRecord(path);
    eq(record.undeclared_files, 1);
    const span = JSON.parse(otelExportLines(record)[0]!);
    eq(span.status, { code: "error" });
    eq(span.attributes["gait.integrity_ok"], false);
    const tampered = new Map((await demoPack()).files);
    tampered.set("run_payload.json", new TextEncoder().encode("{}"));
    const record2 = await buildExportRecord(
      await writeEntries(`${dir}/t.zip`, reseal(tampered, () => {}, { keepHashes: true })),
    );
    eq(record2.hash_mismatches, 1);
  });
});

Deno.test("OTEL: 8 lines in order, each valid against the documented record shape", async () => {
  const lines = otelExportLines(RECORD);
  eq(lines.length, 8);
  const parsed = lines.map((l) => JSON.parse(l));
  for (const doc of parsed) await assertMatchesSchema("export/pack_otel_record", doc);
  eq(parsed.map((d) => d.name ?? d.body), [
    "gait.pack.verify",
    "gait.pack.export.metadata",
    "gait.pack.tool_calls_total",
    "gait.pack.tool_calls_success_total",
    "gait.pack.tool_calls_success_rate",
    "gait.pack.policy_blocked_total",
    "gait.pack.approval_required_total",
    "gait.pack.regress_failures_total",
  ]);
  eq(parsed.map((d) => d.record_type), [
    "span",
    "event",
    "metric",
    "metric",
    "metric",
    "metric",
    "metric",
    "metric",
  ]);
  eq(parsed.slice(2).map((d) => d.value_int ?? d.value_double), [3, 2, 2 / 3, 1, 0, 0]);
  eq(parsed[4].unit, "ratio");
  for (const line of lines) {
    ok(!line.includes("\n"));
    const keys = Object.keys(JSON.parse(line));
    eq(keys, [...keys].sort(), "keys are sorted");
  }
  eq(Object.keys(parsed[0].attributes).length, 17);
  eq(parsed[0].attributes["gait.tool_calls_ok"], 2);
});

Deno.test("OTEL: nanosecond times are exact integers beyond 2^53 (BigInt)", () => {
  const lines = otelExportLines(RECORD);
  ok(lines[0]!.includes('"start_time_unix_nano":1770249600123456789,'), lines[0]!);
  ok(lines[0]!.includes('"end_time_unix_nano":1770249600123456789,'));
  for (const line of lines.slice(1)) ok(line.includes('"time_unix_nano":1770249600123456789'));
  ok(
    otelExportLines({ ...RECORD, created_at: "1980-01-01T00:00:00Z" })[1]!.includes(
      '"time_unix_nano":315532800000000000',
    ),
  );
});

Deno.test("OTEL: trace and span ids come from pack_id, else manifest_digest, else H(type|ref)", () => {
  eq(otelIds(RECORD), {
    traceId: RECORD.pack_id.slice(0, 32),
    spanId: RECORD.pack_id.slice(32, 48),
  });
  const legacy = { ...RECORD, pack_id: "not-hex" };
  eq(otelIds(legacy).traceId, RECORD.manifest_digest.slice(0, 32));
  const neither = { ...legacy, manifest_digest: "" };
  const seed = sha256Hex("run|run_o'brien");
  eq(otelIds(neither), { traceId: seed.slice(0, 32), spanId: seed.slice(32, 48) });
});

Deno.test("SQL: exact layout with DDL, quoted identifiers, escaped strings and %.6f rate", () => {
  const sql = postgresExportSql(RECORD, {
    table: parsePostgresTable("public.gait_pack_index"),
    includeDdl: true,
  });
  const cols = [
    "pack_id",
    "pack_type",
    "source_ref",
    "manifest_digest",
    "files_checked",
    "hash_mismatches",
    "missing_files",
    "undeclared_files",
    "signature_status",
    "signatures_total",
    "signatures_valid",
    "tool_calls_total",
    "tool_calls_success",
    "tool_calls_success_rate",
    "policy_blocked",
    "approval_required",
    "regress_failures",
    "created_at",
  ];
  const expected = [
    'CREATE TABLE IF NOT EXISTS "public"."gait_pack_index" (',
    "  pack_id TEXT PRIMARY KEY,",
    "  pack_type TEXT NOT NULL,",
    "  source_ref TEXT NOT NULL,",
    "  manifest_digest TEXT NOT NULL,",
    "  files_checked INTEGER NOT NULL,",
    "  hash_mismatches INTEGER NOT NULL,",
    "  missing_files INTEGER NOT NULL,",
    "  undeclared_files INTEGER NOT NULL,",
    "  signature_status TEXT NOT NULL,",
    "  signatures_total INTEGER NOT NULL,",
    "  signatures_valid INTEGER NOT NULL,",
    "  tool_calls_total INTEGER NOT NULL,",
    "  tool_calls_success INTEGER NOT NULL,",
    "  tool_calls_success_rate DOUBLE PRECISION NOT NULL,",
    "  policy_blocked INTEGER NOT NULL,",
    "  approval_required INTEGER NOT NULL,",
    "  regress_failures INTEGER NOT NULL,",
    "  created_at TIMESTAMPTZ NOT NULL",
    ");",
    'CREATE INDEX IF NOT EXISTS "idx_gait_pack_index_pack_type_created_at" ON "public"."gait_pack_index" (pack_type, created_at DESC);',
    'CREATE INDEX IF NOT EXISTS "idx_gait_pack_index_source_ref" ON "public"."gait_pack_index" (source_ref);',
    "",
    'INSERT INTO "public"."gait_pack_index" (',
    ...cols.map((c, i) => `  ${c}${i < cols.length - 1 ? "," : ""}`),
    ") VALUES (",
    `  '${RECORD.pack_id}',`,
    "  'run',",
    "  'run_o''brien',",
    `  '${RECORD.manifest_digest}',`,
    "  4,",
    "  0,",
    "  0,",
    "  0,",
    "  'missing',",
    "  0,",
    "  0,",
    "  3,",
    "  2,",
    "  0.666667,",
    "  1,",
    "  0,",
    "  0,",
    "  '2026-02-05T00:00:00.123456789Z'::timestamptz",
    ") ON CONFLICT (pack_id) DO UPDATE SET",
    ...cols.slice(1).map((c, i) => `  ${c} = EXCLUDED.${c}${i < cols.length - 2 ? "," : ";"}`),
    "",
  ].join("\n");
  eq(sql, expected);
});

Deno.test("SQL: --postgres-include-ddl=false gives only the upsert; index names use the lower-cased table", () => {
  const sql = postgresExportSql(RECORD, {
    table: parsePostgresTable("Gait_Idx"),
    includeDdl: false,
  });
  ok(sql.startsWith('INSERT INTO "Gait_Idx" (\n'));
  ok(!sql.includes("CREATE"));
  const ddl = postgresExportSql(RECORD, {
    table: parsePostgresTable("Gait_Idx"),
    includeDdl: true,
  });
  ok(ddl.includes('"idx_gait_idx_source_ref" ON "Gait_Idx" (source_ref);'));
});

Deno.test("SQL: table identifiers are validated (invalid input)", () => {
  eq(parsePostgresTable("gait_pack_index"), { table: "gait_pack_index" });
  eq(parsePostgresTable("s1._t"), { schema: "s1", table: "_t" });
  for (const bad of ["bad-table", "1abc", "a.b.c", "", "a.", 'x"; DROP TABLE y; --', "tä"]) {
    throws(() => parsePostgresTable(bad), (e: unknown) => {
      ok(e instanceof GaitError && e.category === "invalid_input", String(e));
      return true;
    }, bad);
  }
});

function result(status: string, payload?: Record<string, unknown>): ResultRecord {
  return {
    schema_id: "gait.runpack.result",
    schema_version: "1.0.0",
    created_at: "2026-02-05T00:00:00Z",
    producer_version: "0.0.0-dev",
    run_id: "run_x",
    intent_id: "i",
    status,
    result_digest: "0".repeat(64),
    result: payload as never,
  };
}

Deno.test("metrics: totals, success, verdicts and the regress-failure heuristic", () => {
  const m = runMetrics(5, [
    result("ok", { verdict: "allow" }),
    result("error", { verdict: "block" }),
    result("error", { verdict: "require_approval" }),
    result("failed"),
    result("ok", { reason: "Regress drift detected" }),
  ]);
  eq(m, {
    tool_calls_total: 5,
    tool_calls_success: 2,
    tool_calls_success_rate: 0.4,
    policy_blocked: 1,
    approval_required: 1,
    regress_failures: 2,
  });
  eq(runMetrics(4, []).tool_calls_total, 4, "no results: intents are counted");
  eq(runMetrics(0, []).tool_calls_success_rate, 0);
  ok(isRegressFailure(result("ok", { regress_failures: 2 })));
  ok(isRegressFailure(result("ok", { failed: 1 })));
  ok(isRegressFailure(result("ok", { status: "regress_failed" })));
  ok(!isRegressFailure(result("ok", { reason: "regress passed" })));
  ok(!isRegressFailure(result("ok", { reason: "tool failed" })));
});
