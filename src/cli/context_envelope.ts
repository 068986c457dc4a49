/**
 * Binding a context envelope into `run record` (spec 03 §3.1): the envelope's
 * verified records become the runpack's receipts and its digest the refs'
 * `context_set_digest`. In `required` evidence mode any envelope problem is an
 * error; otherwise it is a warning and the envelope is ignored.
 *
 * @module
 */

import { errorMessage, GaitError } from "../core/errors.ts";
import { decodeUtf8Strict } from "../core/strict_json.ts";
import { readFileLimited } from "../fs/atomic.ts";
import {
  type ContextEnvelope,
  MAX_CONTEXT_ENVELOPE_BYTES,
  parseContextEnvelope,
} from "../gate/context_envelope.ts";
import type { Receipt, RunpackContent } from "../runpack/types.ts";

type Draft = Omit<RunpackContent, "captureMode">;

/** Options of {@link applyContextEnvelope}. */
export interface EnvelopeOptions {
  /** Evidence mode `required`: envelope problems are errors. */
  required: boolean;
  /** `--unsafe-context-raw` was given. */
  unsafeRaw: boolean;
  /** `--context-evidence-mode` was given (it then wins over the envelope's mode). */
  explicitMode: boolean;
}

function receiptsOf(envelope: ContextEnvelope): Receipt[] {
  return envelope.records.map((r) => {
    const receipt: Receipt = {
      ref_id: r.ref_id,
      source_type: r.source_type,
      source_locator: r.source_locator,
      query_digest: r.query_digest,
      content_digest: r.content_digest,
      retrieved_at: r.retrieved_at,
      redaction_mode: r.redaction_mode,
    };
    if (r.immutability) receipt.immutability = r.immutability;
    if (r.freshness_sla_seconds) receipt.freshness_sla_seconds = r.freshness_sla_seconds;
    if (r.sensitivity_label) receipt.sensitivity_label = r.sensitivity_label;
    if (r.retrieval_params) receipt.retrieval_params = r.retrieval_params;
    return receipt;
  });
}

async function loadEnvelope(
  path: string,
  draft: Draft,
  unsafeRaw: boolean,
): Promise<ContextEnvelope> {
  const bytes = await readFileLimited(path, MAX_CONTEXT_ENVELOPE_BYTES, "context envelope");
  const envelope = parseContextEnvelope(decodeUtf8Strict(bytes, "context envelope"));
  const claimed = (draft.refs.context_set_digest ?? "").trim().toLowerCase();
  if (claimed !== "" && claimed !== envelope.context_set_digest) {
    throw new GaitError(
      "invalid_input",
      "context envelope: refs.context_set_digest does not match the envelope's context_set_digest",
    );
  }
  if (!unsafeRaw) {
    const raw = envelope.records.find((r) => r.redaction_mode.toLowerCase() === "raw");
    if (raw) {
      throw new GaitError(
        "invalid_input",
        `context envelope record ${raw.ref_id} has redaction_mode=raw; pass --unsafe-context-raw to record raw context evidence`,
      );
    }
  }
  return envelope;
}

/**
 * Reads, verifies and applies an envelope to a record draft.
 *
 * @example
 * ```ts
 * const { draft, warnings } = await applyContextEnvelope(draft, "ctx.json", { required: false, unsafeRaw: false, explicitMode: false });
 * ```
 */
export async function applyContextEnvelope(
  draft: Draft,
  path: string,
  options: EnvelopeOptions,
): Promise<{ draft: Draft; warnings: string[] }> {
  let envelope: ContextEnvelope;
  try {
    envelope = await loadEnvelope(path, draft, options.unsafeRaw);
  } catch (error) {
    if (options.required) throw error;
    return { draft, warnings: [`context envelope ignored: ${errorMessage(error)}`] };
  }
  const mode = options.explicitMode ? draft.refs.context_evidence_mode : envelope.evidence_mode;
  return {
    draft: {
      ...draft,
      refs: {
        ...draft.refs,
        context_set_digest: envelope.context_set_digest,
        context_evidence_mode: mode,
        context_ref_count: envelope.records.length || undefined,
        receipts: receiptsOf(envelope),
      },
    },
    warnings: [],
  };
}
