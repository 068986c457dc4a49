/**
 * Command table entries of `gait gate eval`, `gait trace verify`,
 * `gait approve` and `gait policy …` (spec 02 §4, §5.1, §7.2; spec 01 §6),
 * spread into registry.ts.
 *
 * @module
 */

import type { CommandDef, GroupDef } from "./command.ts";
import type { FlagSpec } from "./flags.ts";
import { loadCommand } from "./_load_command.ts";

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

const killSwitchStateFlag = str(
  "state",
  "kill switch state file (default ./.gait-out/kill_switch_state.json)",
  "path",
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
    name: "delegate",
    summary: "mint and verify signed delegation tokens",
    explain:
      "Mint a signed delegation token from a delegator to a delegate for a scope, and verify one, so gate eval can check a delegation chain link by link.",
  },
  {
    name: "kill-switch",
    summary: "stop matching tool calls immediately",
    explain:
      "Add, list, disable and expire kill-switch entries; gate eval blocks every call an enabled, unexpired entry matches.",
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
  "approve-script":
    "Sign a registry entry that pre-approves one script intent under one policy, so gate eval allows it without a token until it expires.",
  "list-scripts": "List the entries of an approved-script registry.",
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
      // Delegation (spec 02 §5.4).
      str("delegation-token", "delegation token file", "path"),
      str("delegation-token-chain", "more delegation token files, comma-separated", "csv"),
      str(
        "delegation-audit-out",
        "delegation audit path (default delegation_audit_<trace_id>.json)",
        "path",
      ),
      str("delegation-public-key", "delegation verify key file", "path"),
      str(
        "delegation-public-key-env",
        "environment variable holding the delegation verify key",
        "VAR",
      ),
      str("delegation-private-key", "delegation key file (its public half verifies)", "path"),
      str(
        "delegation-private-key-env",
        "environment variable holding the delegation private key",
        "VAR",
      ),
      // Credential broker (spec 02 §6.5).
      str(
        "credential-broker",
        "broker for require_broker_credential rules (default off)",
        "off|none|stub|env|command",
      ),
      str(
        "credential-env-prefix",
        "env broker variable prefix (default GAIT_BROKER_TOKEN_)",
        "prefix",
      ),
      str("credential-ref", "credential reference (default: the rule's broker_reference)", "ref"),
      str("credential-scopes", "extra credential scopes, comma-separated", "csv"),
      str("credential-command", "command broker executable (needs run permission)", "path"),
      str("credential-command-args", "command broker arguments, comma-separated", "csv"),
      str(
        "credential-evidence-out",
        "credential evidence path (default credential_evidence_<trace_id>.json)",
        "path",
      ),
      str(
        "context-envelope",
        "context envelope JSON binding the intent's context evidence",
        "path",
      ),
      // Runtime guards that read local state (spec 02 §6.1, §6.2, §6.7).
      str("kill-switch-state", "kill switch state file (gait kill-switch add)", "path"),
      str(
        "rate-limit-state",
        "rate limit state file (default .gait-out/gate_rate_limits.json)",
        "path",
      ),
      str("wrkr-inventory", "Wrkr inventory JSON for context enrichment", "path"),
      str("approved-script-registry", "approved script registry (gait approve-script)", "path"),
      str("approved-script-public-key", "approved script registry verify key file", "path"),
      str(
        "approved-script-public-key-env",
        "environment variable holding the approved script verify key",
        "VAR",
      ),
      str("config", "project defaults file (default .gait/config.yaml)", "path"),
      { name: "no-config", kind: "bool", usage: "ignore the project defaults file" },
    ],
    load: () => loadCommand("gate_eval.ts"),
  },
  {
    path: ["trace", "verify"],
    summary: "verify a gate trace's signature",
    synopsis:
      "gait trace verify <path> [key flags] [--json]\n       gait trace verify --path <path> [key flags] [--json]",
    description: "A key is required. Exit 0 when the signature verifies, 2 when it does not.",
    flags: [str("path", "trace file", "path"), ...publicKeyFlags, ...privateKeyFlags],
    maxPositionals: 1,
    load: () => loadCommand("trace_verify.ts"),
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
    load: () => loadCommand("approve.ts"),
  },
  // Delegation (spec 02 §5.4).
  {
    path: ["delegate", "mint"],
    summary: "mint a signed delegation token",
    synopsis:
      "gait delegate mint --delegator <id> --delegate <id> --scope <csv> --ttl <duration>\n                   [--scope-class <c>] [--intent-digest <hex>] [--policy-digest <hex>] [--out <path>] [key flags] [--json]",
    description:
      "The token is written to --out (default delegation_<token_id>.json). gate eval accepts a link when the\ntoken scope (plus scope_class) holds * or any of the rule's delegation_scopes.",
    flags: [
      str("delegator", "identity that delegates", "id"),
      str("delegate", "identity that receives the delegation", "id"),
      str("scope", "delegated scope entries, comma-separated (required)", "csv"),
      str("scope-class", "scope class (e.g. write)", "class"),
      str("ttl", "time to live, a Go duration such as 30m or 1h (required)", "duration"),
      str("intent-digest", "bind the token to one intent_digest (64 hex)", "hex"),
      str("policy-digest", "bind the token to one policy_digest (64 hex)", "hex"),
      str("out", "token file (default delegation_<token_id>.json)", "path"),
      keyMode,
      ...privateKeyFlags,
    ],
    load: () => loadCommand("delegate.ts", "runMint"),
  },
  {
    path: ["delegate", "verify"],
    summary: "verify a delegation token",
    synopsis:
      "gait delegate verify --token <path> [key flags] [--delegator <id>] [--delegate <id>] [--scope <csv>]\n                     [--intent-digest <hex>] [--policy-digest <hex>] [--json]",
    description:
      "Exit 0 when the token verifies; exit 2 with error_code set to the failing reason code otherwise.",
    flags: [
      str("token", "delegation token file", "path"),
      ...publicKeyFlags,
      ...privateKeyFlags,
      str("delegator", "expected delegator identity", "id"),
      str("delegate", "expected delegate identity", "id"),
      str("scope", "required scope entries (any one suffices), comma-separated", "csv"),
      str("intent-digest", "expected intent_digest (checked when the token carries one)", "hex"),
      str("policy-digest", "expected policy_digest (checked when the token carries one)", "hex"),
    ],
    load: () => loadCommand("delegate.ts", "runVerify"),
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
    load: () => loadCommand("policy.ts", "runInit"),
  },
  {
    path: ["policy", "validate"],
    summary: "parse a policy strictly and print its digest",
    synopsis: "gait policy validate <policy.yaml> [--json]",
    flags: [],
    maxPositionals: 1,
    load: () => loadCommand("policy.ts", "runValidate"),
  },
  {
    path: ["policy", "fmt"],
    summary: "print (or --write) a policy in normalized form",
    synopsis: "gait policy fmt <policy.yaml> [--write] [--json]",
    description: "Formatting keeps the policy_digest and is idempotent. Comments are not kept.",
    flags: [{ name: "write", kind: "bool", usage: "rewrite the file in place" }],
    maxPositionals: 1,
    load: () => loadCommand("policy.ts", "runFmt"),
  },
  {
    path: ["policy", "test"],
    summary: "evaluate one intent against a policy",
    synopsis: "gait policy test <policy.yaml> <intent.json> [--json]",
    description: "Exit codes: 0 allow or dry_run, 3 block, 4 require_approval.",
    flags: [],
    maxPositionals: 2,
    load: () => loadCommand("policy.ts", "runTest"),
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
    load: () => loadCommand("policy.ts", "runSimulate"),
  },
  // Kill switch and approved scripts (spec 02 §6.2, §6.7).
  {
    path: ["kill-switch", "add"],
    summary: "add (or replace) a kill-switch entry",
    synopsis:
      "gait kill-switch add [--state <path>] [--entry-id <id>] [selectors] [--reason <r>] [--actor <a>] [--expires-at <time>] [--json]",
    description:
      "Selectors: --agent-id --identity --tool-name --target-kind --target-value --environment\n--path-prefixes <csv> --workspace-prefixes <csv>; at least one is required.",
    flags: [
      killSwitchStateFlag,
      str("entry-id", "entry id (default: derived from the fields)", "id"),
      str("agent-id", "match context.agent_id", "id"),
      str("identity", "match context.identity", "id"),
      str("tool-name", "match the tool name (or a script step's)", "name"),
      str("target-kind", "match a target kind", "kind"),
      str("target-value", "match a target value", "value"),
      str("environment", "match context.environment", "env"),
      str("path-prefixes", "match path targets under these prefixes", "csv"),
      str("workspace-prefixes", "match workspaces under these prefixes", "csv"),
      str("reason", "why the entry exists", "text"),
      str("actor", "who added it", "id"),
      str("expires-at", "RFC 3339 expiry (default: never)", "time"),
    ],
    load: () => loadCommand("kill_switch.ts", "runAdd"),
  },
  {
    path: ["kill-switch", "list"],
    summary: "list kill-switch entries",
    synopsis: "gait kill-switch list [--state <path>] [--json]",
    flags: [killSwitchStateFlag],
    load: () => loadCommand("kill_switch.ts", "runList"),
  },
  {
    path: ["kill-switch", "disable"],
    summary: "disable a kill-switch entry",
    synopsis: "gait kill-switch disable --entry-id <id> [--state <path>] [--json]",
    flags: [killSwitchStateFlag, str("entry-id", "entry to disable", "id")],
    load: () => loadCommand("kill_switch.ts", "runDisable"),
  },
  {
    path: ["kill-switch", "expire"],
    summary: "expire a kill-switch entry",
    synopsis:
      "gait kill-switch expire --entry-id <id> [--expires-at <time>] [--state <path>] [--json]",
    flags: [
      killSwitchStateFlag,
      str("entry-id", "entry to expire", "id"),
      str("expires-at", "RFC 3339 expiry (default: now)", "time"),
    ],
    load: () => loadCommand("kill_switch.ts", "runExpire"),
  },
  {
    path: ["approve-script"],
    summary: "pre-approve a script intent in a signed registry",
    synopsis:
      "gait approve-script --policy <p> --intent <script.json> --registry <path> --approver <id>\n                    [--pattern-id <id>] [--ttl 168h] [--scope <csv>] [key flags] [--json]",
    description:
      "Scope entries: risk:<class>, tool:<name>, workspace_prefix:<path>, endpoint:<class>.\ngate eval verifies entries with --approved-script-public-key, else the approval key.",
    flags: [
      str("policy", "policy YAML the approval is bound to", "path"),
      str("intent", "script intent JSON", "path"),
      str("registry", "registry file to upsert into", "path"),
      str("approver", "approver identity", "id"),
      str("pattern-id", "entry id (default pattern_<script_hash[:12]>)", "id"),
      str("ttl", "time to live, a Go duration (default 168h)", "duration"),
      str("scope", "scope entries, comma-separated", "csv"),
      keyMode,
      ...privateKeyFlags,
    ],
    load: () => loadCommand("approve_script.ts"),
  },
  {
    path: ["list-scripts"],
    summary: "list approved-script registry entries",
    synopsis: "gait list-scripts --registry <path> [--json]",
    flags: [str("registry", "registry file", "path")],
    load: () => loadCommand("list_scripts.ts"),
  },
];
