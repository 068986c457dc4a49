/**
 * Command table entries of `gait gate eval`, `gait trace verify`,
 * `gait approve` and `gait policy …` (spec 02 §4, §5.1, §7.2; spec 01 §6),
 * spread into registry.ts.
 *
 * @module
 */

import type { CommandDef, GroupDef } from "./command.ts";
import type { FlagSpec } from "./flags.ts";

function str(name: string, usage: string, placeholder: string): FlagSpec {
  return { name, kind: "string", usage, placeholder };
}

const privateKeyFlags: FlagSpec[] = [
  str("private-key", "path to a base64 Ed25519 private key file", "path"),
  str("private-key-env", "environment variable holding a base64 private key", "VAR"),
];

const publicKeyFlags: FlagSpec[] = [
  str("public-key", "path to a base64 Ed25519 public key file", "path"),
  str("public-key-env", "environment variable holding a base64 public key", "VAR"),
];

const keyMode = str(
  "key-mode",
  "signing key mode: dev (ephemeral key, the default) or prod",
  "dev|prod",
);

/** The `gate`, `trace` and `policy` groups. */
export const GATE_GROUPS: GroupDef[] = [
  {
    name: "gate",
    summary: "evaluate a tool-call intent against a policy",
    explain:
      "Evaluate a structured tool-call intent against a fail-closed policy before the tool runs, and record the decision as a signed trace.",
  },
  {
    name: "trace",
    summary: "verify signed gate traces",
    explain:
      "Verify the Ed25519 signature of a gate trace record offline, so a recorded allow or block decision can be trusted later.",
  },
  {
    name: "policy",
    summary: "create, validate, format, test and simulate gate policies",
    explain:
      "Author gate policies: start from a baseline template, validate and format it, test an intent against it, and simulate a candidate against a baseline before enforcing it.",
  },
];

/** `--explain` sentences of the gate leaf commands. */
export const GATE_LEAF_EXPLAIN: Record<string, string> = {
  approve:
    "Mint a signed approval token bound to one intent digest and one policy digest, so gate eval can turn require_approval into allow.",
};

/** `gate eval`, `trace verify`, `approve` and `policy …`. */
export const GATE_COMMANDS: CommandDef[] = [
  {
    path: ["gate", "eval"],
    summary: "evaluate an intent against a policy and write a signed trace",
    synopsis:
      "gait gate eval --policy <policy.yaml> --intent <intent.json> [flags]\n       gait gate eval --policy <p> --intent <i> --explain --json",
    description:
      "Exit codes: 0 allow, dry_run or --simulate; 3 block; 4 require_approval; 6 invalid input.\nWrites trace_<trace_id>.json (or --trace-out). Flags win over .gait/config.yaml (gate: section).",
    flags: [
      str("policy", "policy YAML file", "path"),
      str("intent", "intent request JSON file", "path"),
      { name: "explain", kind: "bool", usage: "with --json: print the policy explain document" },
      str("profile", "standard (default) or oss-prod (production refusals)", "standard|oss-prod"),
      { name: "simulate", kind: "bool", usage: "non-enforcing: report what would happen, exit 0" },
      str(
        "evaluation-time",
        "evaluate freeze windows, agent expiry and context age at this RFC 3339 time",
        "time",
      ),
      str("trace-out", "trace file path (default trace_<trace_id>.json)", "path"),
      keyMode,
      str("private-key", "trace signing key file (prod mode)", "path"),
      str("private-key-env", "environment variable holding the trace signing key", "VAR"),
      str("approval-token", "approval token file", "path"),
      str("approval-token-chain", "more approval token files, comma-separated", "csv"),
      str("approval-token-ref", "reference recorded in the trace when no token grants", "ref"),
      str(
        "approval-audit-out",
        "approval audit path (default approval_audit_<trace_id>.json)",
        "path",
      ),
      str("approval-public-key", "approval verify key file", "path"),
      str("approval-public-key-env", "environment variable holding the approval verify key", "VAR"),
      str("approval-private-key", "approval key file (its public half verifies)", "path"),
      str(
        "approval-private-key-env",
        "environment variable holding the approval private key",
        "VAR",
      ),
      str(
        "context-envelope",
        "context envelope JSON binding the intent's context evidence",
        "path",
      ),
      str("config", "project defaults file (default .gait/config.yaml)", "path"),
      { name: "no-config", kind: "bool", usage: "ignore the project defaults file" },
    ],
    load: () => import("./commands/gate_eval.ts"),
  },
  {
    path: ["trace", "verify"],
    summary: "verify a gate trace's signature",
    synopsis:
      "gait trace verify <path> [key flags] [--json]\n       gait trace verify --path <path> [key flags] [--json]",
    description: "A key is required. Exit 0 when the signature verifies, 2 when it does not.",
    flags: [str("path", "trace file", "path"), ...publicKeyFlags, ...privateKeyFlags],
    maxPositionals: 1,
    load: () => import("./commands/trace_verify.ts"),
  },
  {
    path: ["approve"],
    summary: "mint a signed approval token",
    synopsis:
      "gait approve --intent-digest <hex> --policy-digest <hex> --ttl <duration> --scope <csv>\n             --approver <id> --reason-code <code> [flags]",
    description:
      "gate eval requires the scope tool:<tool_name>, plus phase:apply and destructive:apply for\ndestructive applies (or *). The token is written to --out (default approval_<token_id>.json).",
    flags: [
      str("intent-digest", "intent_digest the token approves (64 hex)", "hex"),
      str("policy-digest", "policy_digest the token is bound to (64 hex)", "hex"),
      str("delegation-binding-digest", "delegation binding digest (64 hex)", "hex"),
      str("ttl", "time to live, a Go duration such as 30m or 1h (required)", "duration"),
      str("scope", "approved scope entries, comma-separated (required)", "csv"),
      str("approver", "approver identity", "id"),
      str("reason-code", "reason code recorded in the token", "code"),
      { name: "max-targets", kind: "int", usage: "most targets the token covers (0 = any)" },
      { name: "max-ops", kind: "int", usage: "most operations the token covers (0 = any)" },
      str("out", "token file (default approval_<token_id>.json)", "path"),
      keyMode,
      ...privateKeyFlags,
    ],
    load: () => import("./commands/approve.ts"),
  },
  {
    path: ["policy", "init"],
    summary: "write a baseline policy template",
    synopsis:
      "gait policy init <baseline-lowrisk|baseline-mediumrisk|baseline-highrisk> [--out gait.policy.yaml] [--force] [--json]",
    flags: [
      str("out", "policy file to write (default gait.policy.yaml)", "path"),
      { name: "force", kind: "bool", usage: "overwrite an existing file" },
    ],
    maxPositionals: 1,
    load: () => import("./commands/policy.ts").then((m) => ({ run: m.runInit })),
  },
  {
    path: ["policy", "validate"],
    summary: "parse a policy strictly and print its digest",
    synopsis: "gait policy validate <policy.yaml> [--json]",
    flags: [],
    maxPositionals: 1,
    load: () => import("./commands/policy.ts").then((m) => ({ run: m.runValidate })),
  },
  {
    path: ["policy", "fmt"],
    summary: "print (or --write) a policy in normalized form",
    synopsis: "gait policy fmt <policy.yaml> [--write] [--json]",
    description: "Formatting keeps the policy_digest and is idempotent. Comments are not kept.",
    flags: [{ name: "write", kind: "bool", usage: "rewrite the file in place" }],
    maxPositionals: 1,
    load: () => import("./commands/policy.ts").then((m) => ({ run: m.runFmt })),
  },
  {
    path: ["policy", "test"],
    summary: "evaluate one intent against a policy",
    synopsis: "gait policy test <policy.yaml> <intent.json> [--json]",
    description: "Exit codes: 0 allow or dry_run, 3 block, 4 require_approval.",
    flags: [],
    maxPositionals: 2,
    load: () => import("./commands/policy.ts").then((m) => ({ run: m.runTest })),
  },
  {
    path: ["policy", "simulate"],
    summary: "compare a candidate policy with a baseline over intent fixtures",
    synopsis:
      "gait policy simulate --policy <candidate.yaml> --baseline <baseline.yaml> --fixtures <csv of .json files or dirs> [--json]",
    flags: [
      str("policy", "candidate policy", "path"),
      str("baseline", "baseline policy", "path"),
      str("fixtures", "intent JSON files or directories, comma-separated", "csv"),
    ],
    load: () => import("./commands/policy.ts").then((m) => ({ run: m.runSimulate })),
  },
];
