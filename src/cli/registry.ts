/**
 * The command table: names, flags and help for every command, loadable without
 * importing any command's implementation (handlers are lazy `import()`s).
 *
 * @module
 */

import type { CommandDef, GroupDef } from "./command.ts";
import type { FlagSpec } from "./flags.ts";
import { CAPTURE_COMMAND, REGRESS_COMMANDS, RUN_REPLAY_DIFF_COMMANDS } from "./registry_regress.ts";
import { GUARD_COMMANDS, GUARD_GROUPS, VERIFY_CHAIN_COMMAND } from "./registry_guard.ts";
import { GATE_COMMANDS, GATE_GROUPS, GATE_LEAF_EXPLAIN } from "./registry_gate.ts";
import { loadCommand } from "./_load_command.ts";

/** The root `--explain` sentence. */
export const ROOT_EXPLAIN =
  "Gait is an offline-first CLI for deterministic run artifacts, policy-gated tool execution, and reproducible debugging workflows.";

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

const publicKeyFlags: FlagSpec[] = [
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
  ...publicKeyFlags,
  ...privateKeyFlags,
];

/** Command groups (words with subcommands) and their `--explain` sentences. */
export const GROUPS: GroupDef[] = [
  {
    name: "run",
    summary: "record, inspect, replay, diff and reduce runpacks",
    explain:
      "Work with runpacks: record an artifact from normalized run data, replay deterministically in stub mode, and diff runs with stable output.",
  },
  {
    name: "regress",
    summary: "turn runs into CI regression fixtures and grade them",
    explain:
      "Turn runpacks into deterministic regression fixtures and execute graders for CI-safe drift detection.",
  },
  {
    name: "pack",
    summary: "build, verify, inspect, diff and export PackSpec v1 packs",
    explain:
      "Build, verify, inspect, and diff PackSpec artifacts for run and job evidence while preserving legacy compatibility.",
  },
  {
    name: "keys",
    summary: "create, rotate and check Ed25519 signing keys",
    explain:
      "Create, rotate, and check the Ed25519 signing keys Gait uses for runpacks, traces, approvals, and packs.",
  },
  ...GUARD_GROUPS,
  ...GATE_GROUPS,
];

/** `--explain` sentences of leaf commands that are not in a group. */
export const LEAF_EXPLAIN: Record<string, string> = {
  demo:
    "Run a fully offline deterministic demo and emit a shareable runpack receipt for verification.",
  version: "Print the CLI version.",
  doctor:
    "Diagnose local environment and onboarding issues for Gait workflows and return stable fix suggestions.",
  verify:
    "Verify a runpack offline: file hashes, manifest digest, and signatures, with no network or account.",
  migrate:
    "Re-record an existing runpack in the current v1 format, unsigned, keeping its capture mode.",
  capture:
    "Resolve an explicit runpack, trace, or session-chain source and persist a portable capture receipt for later regress import.",
  ...GATE_LEAF_EXPLAIN,
};

/** Every leaf command. */
export const COMMANDS: CommandDef[] = [
  {
    path: ["demo"],
    summary: "create and verify an offline demo runpack",
    synopsis: "gait demo [--policy] [--json]",
    description:
      "Writes ./gait-out/runpack_run_demo.zip from fixed inputs (no network, no keys) and verifies it.\nWith --policy: writes a high-risk demo policy and a delete intent, and shows the gate blocking it.",
    flags: [{ name: "policy", kind: "bool", usage: "run the policy-gate demo instead" }],
    load: () => loadCommand("demo.ts"),
  },
  {
    path: ["doctor"],
    summary: "diagnose the environment, keys, permissions and production readiness",
    synopsis:
      "gait doctor [--workdir .] [--output-dir ./gait-out] [--key-mode dev|prod] [key flags] [--production-readiness] [--summary] [--json]",
    description:
      "Exits 0 even when checks fail; 7 when a check is non-fixable; 2 when --production-readiness finds\na failure. Flags come before any positional argument (not reordered).",
    flags: [
      {
        name: "workdir",
        kind: "string",
        default: ".",
        usage: "workspace path for checks",
        placeholder: "path",
      },
      {
        name: "output-dir",
        kind: "string",
        default: "./gait-out",
        usage: "output directory to check (joined to --workdir when relative)",
        placeholder: "path",
      },
      {
        name: "key-mode",
        kind: "string",
        default: "dev",
        usage: "key mode to validate: dev or prod",
        placeholder: "dev|prod",
      },
      ...privateKeyFlags,
      ...publicKeyFlags,
      {
        name: "production-readiness",
        kind: "bool",
        usage: "check .gait/config.yaml for production settings (exit 2 on failure)",
      },
      { name: "summary", kind: "bool", usage: "print the summary and only the non-passing checks" },
    ],
    reorder: false,
    load: () => loadCommand("doctor.ts"),
  },
  {
    path: ["verify"],
    summary: "verify a runpack's integrity and signatures",
    synopsis: "gait verify <run_id|path> [flags]",
    description:
      "Checks every declared file hash, the manifest digest, and signatures. A run id is looked up at\n./gait-out/runpack_<id>.zip, then ~/.gait/runpacks/runpack_<id>.zip.",
    flags: verifyFlags,
    maxPositionals: 1,
    load: () => loadCommand("verify.ts"),
  },
  {
    path: ["run", "record"],
    summary: "record a runpack from normalized run data",
    synopsis: "gait run record --input <file> [flags]\n       gait run record <file> [flags]",
    flags: [
      { name: "input", kind: "string", usage: "run data JSON file", placeholder: "file" },
      {
        name: "out-dir",
        kind: "string",
        default: "./gait-out",
        usage: "output directory",
        placeholder: "dir",
      },
      {
        name: "run-id",
        kind: "string",
        usage: "override the run id everywhere",
        placeholder: "id",
      },
      {
        name: "capture-mode",
        kind: "string",
        usage: "reference (default: digests only) or raw (keeps payloads)",
        placeholder: "reference|raw",
      },
      {
        name: "key-mode",
        kind: "string",
        usage: "signing key mode: dev (ephemeral) or prod",
        placeholder: "dev|prod",
      },
      ...privateKeyFlags,
      {
        name: "context-envelope",
        kind: "string",
        usage: "context envelope JSON binding the run's context evidence",
        placeholder: "path",
      },
      {
        name: "context-evidence-mode",
        kind: "string",
        usage: "best_effort (default) or required",
        placeholder: "best_effort|required",
      },
      {
        name: "unsafe-context-raw",
        kind: "bool",
        usage: "allow receipts and context records with redaction_mode=raw",
      },
    ],
    maxPositionals: 1,
    load: () => loadCommand("run_record.ts"),
  },
  {
    path: ["run", "inspect"],
    summary: "list a runpack's intents and results",
    synopsis:
      "gait run inspect --from <run_id|path> [--json]\n       gait run inspect <run_id|path> [--json]",
    flags: [{
      name: "from",
      kind: "string",
      usage: "run id or runpack path",
      placeholder: "run_id|path",
    }],
    maxPositionals: 1,
    load: () => loadCommand("run_inspect.ts"),
  },
  ...RUN_REPLAY_DIFF_COMMANDS,
  {
    path: ["keys", "init"],
    summary: "create an Ed25519 key pair",
    synopsis: "gait keys init [--out-dir gait-out/keys] [--prefix gait] [--force] [--json]",
    flags: [
      {
        name: "out-dir",
        kind: "string",
        default: "gait-out/keys",
        usage: "directory for the key files",
        placeholder: "dir",
      },
      {
        name: "prefix",
        kind: "string",
        default: "gait",
        usage: "file name prefix",
        placeholder: "name",
      },
      { name: "force", kind: "bool", usage: "overwrite existing key files" },
    ],
    load: () => loadCommand("keys.ts", "runInit"),
  },
  {
    path: ["keys", "rotate"],
    summary: "create a new timestamped key pair, keeping the old one",
    synopsis: "gait keys rotate [--out-dir gait-out/keys] [--prefix gait] [--json]",
    flags: [
      {
        name: "out-dir",
        kind: "string",
        default: "gait-out/keys",
        usage: "directory for the key files",
        placeholder: "dir",
      },
      {
        name: "prefix",
        kind: "string",
        default: "gait",
        usage: "file name prefix (a UTC timestamp is appended)",
        placeholder: "name",
      },
    ],
    load: () => loadCommand("keys.ts", "runRotate"),
  },
  {
    path: ["keys", "verify"],
    summary: "check that a private key loads and matches its public key",
    synopsis:
      "gait keys verify (--private-key <path> | --private-key-env <VAR>) [--public-key <path> | --public-key-env <VAR>] [--json]",
    flags: [...privateKeyFlags, ...publicKeyFlags],
    load: () => loadCommand("keys.ts", "runVerify"),
  },
  {
    path: ["pack", "build"],
    summary: "build a signed or unsigned PackSpec v1 pack from a run",
    synopsis:
      "gait pack build --type run --from <run_id|runpack.zip|session_chain.json> [--out <path>] [--key-mode none|dev|prod] [key flags] [--json]",
    description:
      "Writes pack_<pack_id>.zip (default: next to the runpack) with run_payload.json, source/runpack.zip,\ncontext_envelope.json (when the run has receipts), proof_records.jsonl and pack_manifest.json.\nOnly --type run can be built today; job, call and authorization packs can be verified,\ninspected, diffed and exported.",
    flags: [
      {
        name: "type",
        kind: "string",
        default: "run",
        usage: "pack type to build (supported: run)",
        placeholder: "run",
      },
      {
        name: "from",
        kind: "string",
        usage: "run id, runpack path, or session chain .json (its latest checkpoint)",
        placeholder: "run_id|path",
      },
      {
        name: "out",
        kind: "string",
        usage: "output path (default <runpack dir>/pack_<pack_id>.zip)",
        placeholder: "path",
      },
      {
        name: "job-root",
        kind: "string",
        default: "./gait-out/jobs",
        usage: "job store root, for --type job (not supported by this build yet)",
        placeholder: "dir",
      },
      {
        name: "key-mode",
        kind: "string",
        default: "none",
        usage: "none (unsigned unless a private key is given), dev (ephemeral key) or prod",
        placeholder: "none|dev|prod",
      },
      ...privateKeyFlags,
      ...publicKeyFlags,
    ],
    load: () => loadCommand("pack_build.ts"),
  },
  {
    path: ["pack", "verify"],
    summary: "verify a pack (or legacy runpack) offline",
    synopsis: "gait pack verify <pack.zip> [flags]",
    description:
      "Checks the manifest strictly, pack_id, every declared hash, undeclared entries, the proof-record\nchain, the payload contract and signatures. Legacy runpacks and guard evidence packs are verified\nby their own rules (legacy_type runpack or guard).",
    flags: verifyFlags,
    maxPositionals: 1,
    load: () => loadCommand("pack_verify.ts"),
  },
  {
    path: ["pack", "inspect"],
    summary: "show a pack's manifest, payload and lineage (no verification)",
    synopsis: "gait pack inspect <pack.zip> [--json]",
    flags: [],
    maxPositionals: 1,
    load: () => loadCommand("pack_inspect.ts"),
  },
  {
    path: ["pack", "diff"],
    summary: "compare two packs (exit 2 when they differ)",
    synopsis: "gait pack diff <left.zip> <right.zip> [--output diff.json] [--json]",
    flags: [{
      name: "output",
      kind: "string",
      usage: "also write the gait.pack.diff document to this file",
      placeholder: "path",
    }],
    maxPositionals: 2,
    load: () => loadCommand("pack_diff.ts"),
  },
  {
    path: ["pack", "export"],
    summary: "export a pack as OTEL-style JSONL and/or PostgreSQL SQL",
    synopsis:
      "gait pack export <pack.zip> [--otel-out <file>] [--postgres-sql-out <file>] [--postgres-table gait_pack_index] [--postgres-include-ddl=true] [--json]",
    description:
      "--otel-out appends 8 lines (span, event, 6 metrics) under <file>.lock; --postgres-sql-out\nwrites an idempotent upsert (with CREATE TABLE/INDEX IF NOT EXISTS unless --postgres-include-ddl=false).",
    flags: [
      {
        name: "otel-out",
        kind: "string",
        usage: "append OTEL-style JSONL records to this file",
        placeholder: "file",
      },
      {
        name: "postgres-sql-out",
        kind: "string",
        usage: "write PostgreSQL SQL to this file (overwritten)",
        placeholder: "file",
      },
      {
        name: "postgres-table",
        kind: "string",
        default: "gait_pack_index",
        usage: "table name: <table> or <schema>.<table>",
        placeholder: "name",
      },
      {
        name: "postgres-include-ddl",
        kind: "bool",
        default: true,
        usage: "start the SQL with CREATE TABLE/INDEX IF NOT EXISTS",
      },
    ],
    maxPositionals: 1,
    load: () => loadCommand("pack_export.ts"),
  },
  {
    path: ["migrate"],
    summary: "re-record a runpack in the current format",
    synopsis: "gait migrate <run_id|path> [--out <path>] [--target v1] [--json]",
    flags: [
      {
        name: "out",
        kind: "string",
        usage: "output path (default <dir>/runpack_<run_id>_migrated.zip)",
        placeholder: "path",
      },
      {
        name: "target",
        kind: "string",
        default: "v1",
        usage: "target format version",
        placeholder: "v1",
      },
    ],
    maxPositionals: 1,
    load: () => loadCommand("migrate.ts"),
  },
  CAPTURE_COMMAND,
  ...REGRESS_COMMANDS,
  ...GUARD_COMMANDS,
  VERIFY_CHAIN_COMMAND,
  ...GATE_COMMANDS,
];
