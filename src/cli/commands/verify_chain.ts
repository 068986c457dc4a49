/**
 * `gait verify chain --run X [--trace T] [--pack evidence.zip]` (spec 01
 * §4.5): the runpack, the gate trace record and the evidence pack of one
 * run, verified together. `ok` is true only when every given part passes.
 *
 * @module
 */

import { GaitError } from "../../core/errors.ts";
import { parseStrictJsonBytes } from "../../core/strict_json.ts";
import { readFileLimited } from "../../fs/atomic.ts";
import { verifyTraceRecord } from "../../gate/trace.ts";
import { verifyGuardPackFile } from "../../guard/pack_verify.ts";
import { resolveRunpack } from "../../runpack/resolve.ts";
import { verifyRunpackFile } from "../../runpack/verify.ts";
import type { CommandContext, CommandOutput } from "../command.ts";
import { guardVerifyJson, readVerifyFlags } from "./guard_verify.ts";
import { signatureNote } from "./verify.ts";

/** Largest trace record read. */
const MAX_TRACE_BYTES = 16 * 1024 * 1024;

/** Runs `gait verify chain`. */
export async function run(ctx: CommandContext): Promise<CommandOutput> {
  const runArg = ctx.str("run").trim();
  if (runArg === "") throw new GaitError("invalid_input", "missing required --run <run_id|path>");
  const tracePath = ctx.str("trace").trim();
  const packPath = ctx.str("pack").trim();
  const flags = await readVerifyFlags(ctx);
  const verifier = flags.verifier;
  if (tracePath !== "" && !verifier) {
    throw new GaitError(
      "invalid_input",
      "trace verification requires --public-key/--public-key-env or private key source",
    );
  }

  const runpackPath = await resolveRunpack(runArg, ctx.env);
  const runResult = await verifyRunpackFile(runpackPath, {
    requireSignature: flags.required,
    checkSignature: flags.checkSignature,
  });
  const runJson: Record<string, unknown> = {
    ok: runResult.ok,
    path: runpackPath,
    run_id: runResult.run_id,
    manifest_digest: runResult.manifest_digest,
    files_checked: runResult.files_checked || undefined,
    missing_files: runResult.missing_files.length ? runResult.missing_files : undefined,
    hash_mismatches: runResult.hash_mismatches.length ? runResult.hash_mismatches : undefined,
    undeclared_files: runResult.undeclared_files.length ? runResult.undeclared_files : undefined,
    integrity_errors: runResult.integrity_errors.length ? runResult.integrity_errors : undefined,
    signature_status: runResult.signature_status,
    signature_errors: runResult.signature_errors.length ? runResult.signature_errors : undefined,
    signatures_total: runResult.signatures_total || undefined,
    signatures_valid: runResult.signatures_valid || undefined,
    signature_note: signatureNote(runResult.signature_status, flags.required),
  };
  let ok = runResult.ok;
  const lines = [
    `run: ${
      runResult.ok ? "ok" : "failed"
    } ${runpackPath} (signature ${runResult.signature_status})`,
  ];

  let traceJson: Record<string, unknown> | undefined;
  if (tracePath !== "") {
    const doc = parseStrictJsonBytes(await readFileLimited(tracePath, MAX_TRACE_BYTES, "trace"), {
      label: tracePath,
    });
    const trace = await verifyTraceRecord(doc, verifier!);
    traceJson = {
      ok: trace.ok,
      path: tracePath,
      trace_id: trace.trace_id,
      verdict: trace.verdict,
      signature_status: trace.signature_status,
      key_id: trace.key_id || undefined,
      error: trace.error,
    };
    ok &&= trace.ok;
    lines.push(
      `trace: ${trace.ok ? "ok" : "failed"} ${tracePath} (signature ${trace.signature_status}${
        trace.error ? `: ${trace.error}` : ""
      })`,
    );
    if (trace.ok && runResult.run_id !== "" && typeof doc === "object" && doc !== null) {
      const traceRun = (doc as Record<string, unknown>).run_id;
      if (typeof traceRun === "string" && traceRun !== "" && traceRun !== runResult.run_id) {
        traceJson.ok = false;
        traceJson.error = `trace run_id ${JSON.stringify(traceRun)} does not match run ${
          JSON.stringify(runResult.run_id)
        }`;
        ok = false;
        lines[lines.length - 1] = `trace: failed ${tracePath} (${traceJson.error})`;
      }
    }
  }

  let packJson: Record<string, unknown> | undefined;
  if (packPath !== "") {
    const pack = await verifyGuardPackFile(packPath, {
      requireSignature: flags.required,
      checkSignature: flags.checkSignature,
    });
    packJson = guardVerifyJson(packPath, pack, flags.required);
    if (pack.ok && pack.run_id !== runResult.run_id) {
      packJson.ok = false;
      packJson.error = `pack run_id ${JSON.stringify(pack.run_id)} does not match run ${
        JSON.stringify(runResult.run_id)
      }`;
    }
    ok &&= packJson.ok === true;
    lines.push(
      `pack: ${packJson.ok ? "ok" : "failed"} ${packPath} (signature ${pack.signature_status}${
        packJson.error ? `: ${packJson.error}` : ""
      })`,
    );
  }

  lines.unshift(ok ? "verify chain ok" : "verify chain failed");
  return {
    exitCode: ok ? 0 : 2,
    json: { ok, run: runJson, trace: traceJson, pack: packJson },
    text: lines.join("\n"),
  };
}
