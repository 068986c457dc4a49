/**
 * `gait run record`: a runpack from normalized run data (spec 01 §4.4,
 * spec 03 §3.1).
 *
 * @module
 */

import { signDigest } from "../../crypto/signature.ts";
import { GaitError } from "../../core/errors.ts";
import { parseStrictJsonBytes } from "../../core/strict_json.ts";
import { readFileLimited } from "../../fs/atomic.ts";
import { normalizeRunpack } from "../../runpack/normalize.ts";
import {
  applyRecordDefaults,
  parseRecordInput,
  resolveCaptureMode,
} from "../../runpack/record_input.ts";
import { ticketFooter } from "../../runpack/ticket_footer.ts";
import type { RunpackContent } from "../../runpack/types.ts";
import { verifyRunpackFile } from "../../runpack/verify.ts";
import { runpackPath, writeRunpack } from "../../runpack/write.ts";
import type { CommandContext, CommandOutput } from "../command.ts";
import { resolveSigningKeys, SIGNING_POLICY } from "../key_flags.ts";
import { displayPath } from "../paths.ts";
import { applyContextEnvelope } from "../context_envelope.ts";

/** Largest `run record` input accepted. */
const MAX_INPUT_BYTES = 64 * 1024 * 1024;

const RAW_WARNING =
  "raw capture retains raw intent arguments and raw result payloads; handle runpack as sensitive evidence";
const STRIPPED_WARNING =
  "reference capture stripped raw intent arguments and raw result payloads after digesting";

function resolveEvidenceMode(flag: string, refs: string | undefined): "best_effort" | "required" {
  const mode = (flag.trim() || (refs ?? "").trim() || "best_effort").toLowerCase();
  if (mode !== "best_effort" && mode !== "required") {
    throw new GaitError(
      "invalid_input",
      `unsupported context evidence mode: ${mode} (expected best_effort or required)`,
    );
  }
  return mode;
}

function assertNoRawReceipts(content: Omit<RunpackContent, "captureMode">, unsafe: boolean): void {
  if (unsafe) return;
  for (const r of content.refs.receipts) {
    if (r.redaction_mode.trim().toLowerCase() === "raw") {
      throw new GaitError(
        "invalid_input",
        `receipt ${r.ref_id} has redaction_mode=raw; pass --unsafe-context-raw to record raw context evidence`,
      );
    }
  }
}

/** Runs `gait run record`. */
export async function run(ctx: CommandContext): Promise<CommandOutput> {
  const flagInput = ctx.str("input");
  const positional = ctx.args.positionals[0] ?? "";
  if (flagInput !== "" && positional !== "" && flagInput !== positional) {
    throw new GaitError(
      "invalid_input",
      "give the input either as --input or as a positional argument, not both",
    );
  }
  const inputPath = flagInput || positional;
  if (inputPath === "") throw new GaitError("invalid_input", "missing required --input <file>");
  const input = parseRecordInput(
    parseStrictJsonBytes(await readFileLimited(inputPath, MAX_INPUT_BYTES, "input"), {
      label: inputPath,
    }),
  );
  const captureMode = resolveCaptureMode(ctx.str("capture-mode"), input.captureMode);
  const warnings: string[] = [];
  let draft = applyRecordDefaults(input.draft, { runId: ctx.str("run-id"), now: ctx.clock.now() });
  const evidenceMode = resolveEvidenceMode(
    ctx.str("context-evidence-mode"),
    draft.refs.context_evidence_mode,
  );
  draft = { ...draft, refs: { ...draft.refs, context_evidence_mode: evidenceMode } };
  const unsafeRaw = ctx.bool("unsafe-context-raw");
  const envelopePath = ctx.str("context-envelope");
  if (envelopePath !== "") {
    const applied = await applyContextEnvelope(draft, envelopePath, {
      required: evidenceMode === "required",
      unsafeRaw,
      explicitMode: ctx.str("context-evidence-mode") !== "",
    });
    draft = applied.draft;
    warnings.push(...applied.warnings);
  }
  assertNoRawReceipts(draft, unsafeRaw);
  if (evidenceMode === "required" && !draft.refs.context_set_digest) {
    throw new GaitError(
      "invalid_input",
      "context evidence mode required needs refs.context_set_digest (or --context-envelope)",
    );
  }

  const keys = await resolveSigningKeys(ctx, SIGNING_POLICY.runRecord);
  warnings.push(...keys.warnings);
  const signer = keys.signer;
  const content = normalizeRunpack({ ...draft, captureMode }, {
    normalization: input.normalization,
  });
  if (captureMode === "raw") warnings.push(RAW_WARNING);
  else if (input.hasRawPayloads) warnings.push(STRIPPED_WARNING);

  const path = runpackPath(ctx.str("out-dir") || "./gait-out", content.run.run_id);
  const built = await writeRunpack(path, content, {
    signer: signer ? (digest) => signDigest(signer, digest) : undefined,
  });
  const check = await verifyRunpackFile(path);
  if (!check.ok) throw new GaitError("verification_failed", "recorded runpack failed verification");

  const runId = content.run.run_id;
  const footer = ticketFooter(runId, built.manifest.manifest_digest);
  const bundle = displayPath(path);
  const signatureStatus = signer ? "signed" : "missing";
  const keyId = signer ? signer.keyId : undefined;
  const json: Record<string, unknown> = {
    ok: true,
    run_id: runId,
    bundle,
    manifest_digest: built.manifest.manifest_digest,
    signature_status: signatureStatus,
    signature_key_id: keyId,
    warnings: warnings.length ? warnings : undefined,
    ticket_footer: footer,
  };
  const lines = [`run_id=${runId}`, `bundle=${bundle}`, `signature_status=${signatureStatus}`];
  if (keyId) lines.push(`signature_key_id=${keyId}`);
  if (warnings.length) lines.push(`warnings=${warnings.join(";")}`);
  lines.push(`ticket_footer=${footer}`);
  return { exitCode: 0, json, text: lines.join("\n") };
}
