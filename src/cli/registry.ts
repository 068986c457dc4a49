/**
 * The command table: names, flags and help for every command, loadable without
 * importing any command's implementation (handlers are lazy `import()`s).
 *
 * @module
 */

import type { CommandDef, GroupDef } from "./command.ts";
import type { FlagSpec } from "./flags.ts";

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
    summary: "record and inspect runpacks",
    explain:
      "Work with runpacks: record an artifact from normalized run data, replay deterministically in stub mode, and diff runs with stable output.",
  },
  {
    name: "keys",
    summary: "create, rotate and check Ed25519 signing keys",
    explain:
      "Create, rotate, and check the Ed25519 signing keys Gait uses for runpacks, traces, approvals, and packs.",
  },
];

/** `--explain` sentences of leaf commands that are not in a group. */
export const LEAF_EXPLAIN: Record<string, string> = {
  demo:
    "Run a fully offline deterministic demo and emit a shareable runpack receipt for verification.",
  version: "Print the CLI version.",
  verify:
    "Verify a runpack offline: file hashes, manifest digest, and signatures, with no network or account.",
  migrate:
    "Re-record an existing runpack in the current v1 format, unsigned, keeping its capture mode.",
};

/** Every leaf command. */
export const COMMANDS: CommandDef[] = [
  {
    path: ["demo"],
    summary: "create and verify an offline demo runpack",
    synopsis: "gait demo [--json]",
    description:
      "Writes ./gait-out/runpack_run_demo.zip from fixed inputs (no network, no keys) and verifies it.",
    flags: [],
    load: () => import("./commands/demo.ts"),
  },
  {
    path: ["verify"],
    summary: "verify a runpack's integrity and signatures",
    synopsis: "gait verify <run_id|path> [flags]",
    description:
      "Checks every declared file hash, the manifest digest, and signatures. A run id is looked up at\n./gait-out/runpack_<id>.zip, then ~/.gait/runpacks/runpack_<id>.zip.",
    flags: verifyFlags,
    maxPositionals: 1,
    load: () => import("./commands/verify.ts"),
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
    load: () => import("./commands/run_record.ts"),
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
    load: () => import("./commands/run_inspect.ts"),
  },
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
    load: () => import("./commands/keys.ts").then((m) => ({ run: m.runInit })),
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
    load: () => import("./commands/keys.ts").then((m) => ({ run: m.runRotate })),
  },
  {
    path: ["keys", "verify"],
    summary: "check that a private key loads and matches its public key",
    synopsis:
      "gait keys verify (--private-key <path> | --private-key-env <VAR>) [--public-key <path> | --public-key-env <VAR>] [--json]",
    flags: [...privateKeyFlags, ...publicKeyFlags],
    load: () => import("./commands/keys.ts").then((m) => ({ run: m.runVerify })),
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
    load: () => import("./commands/migrate.ts"),
  },
];
