/**
 * `gait pack export` (spec 01 §5.4): OTEL-style JSONL and PostgreSQL SQL of a
 * pack's export record.
 *
 * @module
 */

import { errorMessage, GaitError } from "../../core/errors.ts";
import { appendJsonlLines } from "../../export/jsonl_append.ts";
import { writeFileAtomic } from "../../fs/atomic.ts";
import {
  buildExportRecord,
  otelExportLines,
  parsePostgresTable,
  postgresExportSql,
} from "../../pack/export.ts";
import { requirePackFile } from "../../pack/read.ts";
import type { CommandContext, CommandOutput } from "../command.ts";
import { packOutput, positional, withPackErrors } from "./_pack_output.ts";

/** Runs `gait pack export`. */
export function run(ctx: CommandContext): Promise<CommandOutput> {
  return withPackErrors("export", async () => {
    const otelOut = ctx.str("otel-out").trim();
    const sqlOut = ctx.str("postgres-sql-out").trim();
    const table = parsePostgresTable(ctx.str("postgres-table") || "gait_pack_index");
    if (otelOut === "" && sqlOut === "") {
      throw new GaitError(
        "invalid_input",
        "pack export needs at least one output: --otel-out and/or --postgres-sql-out",
      );
    }
    const path = positional(ctx, 0, "<pack.zip>");
    await requirePackFile(path);
    const record = await buildExportRecord(path);
    if (otelOut !== "") {
      try {
        await appendJsonlLines(otelOut, otelExportLines(record));
      } catch (error) {
        if (error instanceof GaitError) throw error;
        throw new GaitError("io_failure", `write ${otelOut}: ${errorMessage(error)}`);
      }
    }
    if (sqlOut !== "") {
      const sql = postgresExportSql(record, {
        table,
        includeDdl: ctx.bool("postgres-include-ddl"),
      });
      await writeFileAtomic(sqlOut, sql, { mode: 0o600, createParents: true });
    }
    const lines = [`pack export ok: ${path}`];
    if (otelOut !== "") lines.push(`otel=${otelOut}`);
    if (sqlOut !== "") lines.push(`postgres_sql=${sqlOut}`);
    return {
      exitCode: 0,
      json: packOutput("export", {
        ok: true,
        path,
        pack_id: record.pack_id,
        pack_type: record.pack_type,
        source_ref: record.source_ref,
        otel_path: otelOut || undefined,
        postgres_sql_path: sqlOut || undefined,
        export: record,
      }),
      text: lines.join("\n"),
    };
  });
}
