/**
 * Compliance templates (spec 01 §8 "Templates"): which pack entries evidence
 * which control, entry types, and the evidence pointers built from the
 * contents.
 *
 * @module
 */

import type { ControlIndexEntry, EvidencePointer, PackEntry, PackEntryType } from "./types.ts";

/** The template ids. */
export type TemplateId = "soc2" | "pci" | "incident_response";

/** A control and the entries it claims. */
export interface ControlTemplate {
  /** The control id, e.g. "CC6.6". */
  id: string;
  /** The control's title. */
  title: string;
  /** Entry types the control claims. */
  types: readonly PackEntryType[];
  /** Substrings of entry paths the control claims. */
  paths: readonly string[];
}

/** The controls of each template, in the order they are listed. */
export const TEMPLATES: Readonly<Record<TemplateId, readonly ControlTemplate[]>> = {
  soc2: [
    {
      id: "CC6.6",
      title: "Change Management Evidence",
      types: ["trace", "evidence"],
      paths: ["approval_audit_", "credential_evidence_"],
    },
    {
      id: "CC7.2",
      title: "Operational Monitoring",
      types: ["report"],
      paths: ["regress_summary.json", "trace_summary.json"],
    },
    {
      id: "CC8.1",
      title: "Incident Evidence Integrity",
      types: ["runpack", "evidence"],
      paths: ["runpack_summary.json", "referenced_runpacks.json"],
    },
  ],
  pci: [
    {
      id: "PCI-10",
      title: "Audit Trail and Monitoring",
      types: ["trace", "report"],
      paths: ["trace_summary.json"],
    },
    {
      id: "PCI-7",
      title: "Access and Approval Controls",
      types: ["evidence"],
      paths: ["approval_audit_", "credential_evidence_"],
    },
    {
      id: "PCI-12",
      title: "Incident Handling Evidence",
      types: ["runpack", "report"],
      paths: ["runpack_summary.json", "regress_summary.json"],
    },
  ],
  incident_response: [
    {
      id: "IR-CHAIN",
      title: "Reconstruction Chain",
      types: ["runpack", "trace", "evidence"],
      paths: [
        "runpack_summary.json",
        "trace_summary.json",
        "approval_audit_",
        "credential_evidence_",
      ],
    },
    {
      id: "IR-ROOTCAUSE",
      title: "Root Cause and Regression",
      types: ["report"],
      paths: ["regress_summary.json", "policy_digests.json"],
    },
  ],
};

/**
 * Normalizes a `--template` value: blank is `soc2`, case and surrounding
 * space are ignored, and an unknown template becomes `incident_response`
 * (as the reference tool does).
 *
 * @example
 * ```ts
 * normalizeTemplateId(" PCI "); // "pci"
 * normalizeTemplateId("hipaa"); // "incident_response"
 * ```
 */
export function normalizeTemplateId(template: string): TemplateId {
  const t = template.trim().toLowerCase();
  if (t === "") return "soc2";
  if (t === "soc2" || t === "pci" || t === "incident_response") return t;
  return "incident_response";
}

const REPORT_PATHS = new Set([
  "regress_summary.json",
  "control_index.json",
  "evidence_pointers.json",
  "policy_digests.json",
  "summary.pdf",
]);

/**
 * The type of a pack entry, from its path.
 *
 * @example
 * ```ts
 * packEntryType("trace_summary.json"); // "trace"
 * packEntryType("approval_audit_01.json"); // "evidence"
 * ```
 */
export function packEntryType(path: string): PackEntryType {
  if (path === "runpack_summary.json") return "runpack";
  if (path === "trace_summary.json") return "trace";
  if (REPORT_PATHS.has(path)) return "report";
  return "evidence";
}

/**
 * The control index of a template over the pack's contents: each control
 * lists, in contents order, every entry whose type it claims or whose path
 * contains one of its path fragments.
 *
 * @example
 * ```ts
 * buildControlIndex("incident_response", [
 *   { path: "runpack_summary.json", sha256: "…", type: "runpack" },
 * ]); // [{ control_id: "IR-CHAIN", title: "Reconstruction Chain", evidence_paths: ["runpack_summary.json"] }, …]
 * ```
 */
export function buildControlIndex(
  template: TemplateId,
  contents: readonly PackEntry[],
): ControlIndexEntry[] {
  return TEMPLATES[template].map((control) => ({
    control_id: control.id,
    title: control.title,
    evidence_paths: contents
      .filter((entry) =>
        control.types.includes(entry.type) || control.paths.some((p) => entry.path.includes(p))
      )
      .map((entry) => entry.path),
  }));
}

/**
 * Evidence pointers `ev_001`, `ev_002`, … over the contents, in order.
 *
 * @example
 * ```ts
 * buildEvidencePointers([{ path: "runpack_summary.json", sha256: "ab…", type: "runpack" }]);
 * // [{ pointer_id: "ev_001", path: "runpack_summary.json", type: "runpack", sha256: "ab…" }]
 * ```
 */
export function buildEvidencePointers(contents: readonly PackEntry[]): EvidencePointer[] {
  return contents.map((entry, i) => ({
    pointer_id: `ev_${String(i + 1).padStart(3, "0")}`,
    path: entry.path,
    type: entry.type,
    sha256: entry.sha256,
  }));
}
