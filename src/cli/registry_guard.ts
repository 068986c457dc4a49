/**
 * Command table entries of `gait guard …`, `gait incident pack` and
 * `gait verify chain` (spec 01 §8, §4.5), spread into registry.ts.
 *
 * @module
 */

import type { CommandDef, GroupDef } from "./command.ts";
import type { FlagSpec } from "./flags.ts";
import { loadCommand } from "./_load_command.ts";

const privateKeyFlags: FlagSpec[] = [
  {
    name: "private-key",
    kind: "string",
    usage: "path to a base64 Ed25519 private key file",
    placeholder: "path",
  },
  {
    name: "private-key-env",
    kind: "string",
    usage: "environment variable holding a base64 private key",
    placeholder: "VAR",
  },
];

const verifyFlags: FlagSpec[] = [
  {
    name: "profile",
    kind: "string",
    default: "standard",
    usage: "verification profile: standard|strict (strict requires a signature and a key)",
    placeholder: "standard|strict",
  },
  { name: "require-signature", kind: "bool", usage: "fail unless at least one signature verifies" },
  {
    name: "public-key",
    kind: "string",
    usage: "path to a base64 Ed25519 public key file",
    placeholder: "path",
  },
  {
    name: "public-key-env",
    kind: "string",
    usage: "environment variable holding a base64 public key",
    placeholder: "VAR",
  },
  ...privateKeyFlags,
];

const packOutputFlags: FlagSpec[] = [
  { name: "render-pdf", kind: "bool", usage: "add summary.pdf (a PDF 1.4 summary) to the pack" },
  {
    name: "out",
    kind: "string",
    usage: "output path (default <runpack dir>/evidence_pack_<pack_id>.zip)",
    placeholder: "path",
  },
  { name: "case-id", kind: "string", usage: "case or ticket id recorded in the manifest" },
];

const encryptionKeyFlags: FlagSpec[] = [
  {
    name: "key-env",
    kind: "string",
    usage: "environment variable holding the base64 32-byte AES key (takes precedence)",
    placeholder: "VAR",
  },
  {
    name: "key-command",
    kind: "string",
    usage:
      "command printing the base64 key on stdout (needs subprocess permission: not in the shipped binary)",
    placeholder: "cmd",
  },
  {
    name: "key-command-args",
    kind: "string",
    usage: "comma-separated arguments of --key-command",
    placeholder: "csv",
  },
];

/** The `guard` and `incident` groups. */
export const GUARD_GROUPS: GroupDef[] = [
  {
    name: "guard",
    summary: "build, verify, encrypt and retain evidence packs for auditors",
    explain:
      "Build signed evidence packs for auditors from runpacks, traces and approvals, verify them offline, encrypt artifacts at rest, and apply retention.",
  },
  {
    name: "incident",
    summary: "pack the evidence around an incident run",
    explain:
      "Build an incident evidence pack from a runpack and the traces, regressions, approvals and credential evidence recorded in a time window around it.",
  },
];

/** `gait verify chain`. */
export const VERIFY_CHAIN_COMMAND: CommandDef = {
  path: ["verify", "chain"],
  summary: "verify a runpack with its trace and evidence pack",
  synopsis:
    "gait verify chain --run <run_id|path> [--trace <trace.json>] [--pack <evidence_pack.zip>] [flags]",
  description:
    "Verifies the runpack, then the trace record (a verify key is required for traces) and the\nevidence pack when given. ok is true only when every part passes.",
  flags: [
    { name: "run", kind: "string", usage: "run id or runpack path", placeholder: "run_id|path" },
    { name: "trace", kind: "string", usage: "trace record to verify", placeholder: "path" },
    { name: "pack", kind: "string", usage: "evidence pack to verify", placeholder: "path" },
    ...verifyFlags,
  ],
  load: () => loadCommand("verify_chain.ts"),
};

/** The `guard …` and `incident pack` commands. */
export const GUARD_COMMANDS: CommandDef[] = [
  {
    path: ["guard", "pack"],
    summary: "build an evidence pack from a runpack",
    synopsis: "gait guard pack --run <run_id|path> [flags]",
    description:
      "Writes evidence_pack_<pack_id>.zip next to the runpack: run and receipt summaries, evidence files,\n" +
      "a control index for the template, evidence pointers and a manifest. Sign it with a real key\n" +
      "(--private-key or --private-key-env; see gait keys init) so auditors can verify it; without one\n" +
      "the pack is signed with a throwaway dev key that nobody can verify.",
    flags: [
      { name: "run", kind: "string", usage: "run id or runpack path", placeholder: "run_id|path" },
      {
        name: "inventory",
        kind: "string",
        usage: "inventory snapshot files",
        placeholder: "csv",
      },
      { name: "trace", kind: "string", usage: "trace record files", placeholder: "csv" },
      { name: "regress", kind: "string", usage: "regress result files", placeholder: "csv" },
      {
        name: "approval-audit",
        kind: "string",
        usage: "approval audit files (default: approval_audit_*.json next to the runpack)",
        placeholder: "csv",
      },
      {
        name: "credential-evidence",
        kind: "string",
        usage:
          "credential evidence files (default: credential_evidence_*.json next to the runpack)",
        placeholder: "csv",
      },
      {
        name: "template",
        kind: "string",
        default: "soc2",
        usage: "control template: soc2|pci|incident_response (unknown: incident_response)",
        placeholder: "name",
      },
      ...packOutputFlags,
      {
        name: "key-mode",
        kind: "string",
        usage: "dev (ephemeral, unverifiable) or prod; a private key alone implies prod",
        placeholder: "dev|prod",
      },
      ...privateKeyFlags,
    ],
    load: () => loadCommand("guard_pack.ts"),
  },
  {
    path: ["guard", "verify"],
    summary: "verify an evidence pack offline",
    synopsis: "gait guard verify <evidence_pack.zip> [flags]",
    description:
      "Checks duplicate entries, every declared file hash, the pack_id, undeclared entries and signatures.",
    flags: verifyFlags,
    maxPositionals: 1,
    load: () => loadCommand("guard_verify.ts"),
  },
  {
    path: ["guard", "retain"],
    summary: "delete traces and evidence packs past their time-to-live",
    synopsis:
      "gait guard retain [--root .] [--trace-ttl 168h] [--pack-ttl 720h] [--dry-run] [--report-out <path>]",
    description:
      "Matches trace_*.json, evidence_pack_* and incident_pack_* (.zip, .gaitenc) under the root.\nSymbolic links are never followed or deleted.",
    flags: [
      {
        name: "root",
        kind: "string",
        default: ".",
        usage: "directory to scan",
        placeholder: "dir",
      },
      {
        name: "trace-ttl",
        kind: "duration",
        default: "168h",
        usage: "time-to-live of traces (0 keeps them)",
        placeholder: "duration",
      },
      {
        name: "pack-ttl",
        kind: "duration",
        default: "720h",
        usage: "time-to-live of packs (0 keeps them)",
        placeholder: "duration",
      },
      { name: "dry-run", kind: "bool", usage: "report without deleting" },
      {
        name: "report-out",
        kind: "string",
        usage: "write the retention report (JSON) here",
        placeholder: "path",
      },
    ],
    load: () => loadCommand("guard_retain.ts"),
  },
  {
    path: ["guard", "encrypt"],
    summary: "encrypt an artifact (AES-256-GCM)",
    synopsis:
      "gait guard encrypt --in <artifact> [--out <artifact.gaitenc>] (--key-env <VAR> | --key-command <cmd>)",
    flags: [
      { name: "in", kind: "string", usage: "file to encrypt", placeholder: "path" },
      {
        name: "out",
        kind: "string",
        usage: "output path (default <in>.gaitenc)",
        placeholder: "path",
      },
      ...encryptionKeyFlags,
    ],
    load: () => loadCommand("guard_crypto.ts", "runEncrypt"),
  },
  {
    path: ["guard", "decrypt"],
    summary: "decrypt a .gaitenc artifact",
    synopsis:
      "gait guard decrypt --in <artifact.gaitenc> [--out <artifact>] (--key-env <VAR> | --key-command <cmd>)",
    flags: [
      { name: "in", kind: "string", usage: "encrypted artifact", placeholder: "path" },
      {
        name: "out",
        kind: "string",
        usage: "output path (default: <in> without .gaitenc, else <in>.plain)",
        placeholder: "path",
      },
      ...encryptionKeyFlags,
    ],
    load: () => loadCommand("guard_crypto.ts", "runDecrypt"),
  },
  {
    path: ["incident", "pack"],
    summary: "pack the evidence recorded around a run",
    synopsis: "gait incident pack --from <run_id|path> [--window 24h] [flags]",
    description:
      "Selects trace_*.json, regress*.json, approval_audit_*.json and credential_evidence_*.json next to\n" +
      "the runpack whose created_at lies within the run's created_at ± window, and writes an unsigned\n" +
      "evidence_pack_<pack_id>.zip with policy_digests.json and the incident window.",
    flags: [
      { name: "from", kind: "string", usage: "run id or runpack path", placeholder: "run_id|path" },
      {
        name: "window",
        kind: "duration",
        default: "24h",
        usage: "half-width of the window around the run (<= 0: 24h)",
        placeholder: "duration",
      },
      {
        name: "template",
        kind: "string",
        default: "incident_response",
        usage: "control template: soc2|pci|incident_response",
        placeholder: "name",
      },
      ...packOutputFlags,
    ],
    load: () => loadCommand("incident.ts"),
  },
];
