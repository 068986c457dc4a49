/**
 * Policy YAML parsing (spec 02 §2.1–2.4): strictness, hostile input, the
 * legacy-key scan, normalization of every key, and the presence rules of the
 * digested object P (§2.5).
 */

import assert from "node:assert/strict";
import {
  parsePolicyBytes,
  parsePolicyYaml,
  type Policy,
  policyDigest,
  policyDigestObject,
} from "../../src/gate/mod.ts";
import { assertInvalidInput } from "./_helpers.ts";

const P = /^parse policy yaml: /;

function rule(body: string, name = "r1"): string {
  return `rules:\n  - name: ${name}\n    effect: allow\n${
    body.split("\n").map((l) => l ? "    " + l : l).join("\n")
  }\n`;
}

function parseRule(body: string): Policy["rules"][number] {
  return parsePolicyYaml(rule(body)).rules[0]!;
}

// --- hostile and malformed input ---------------------------------------------------

Deno.test("§2.1 bad YAML syntax is an error with line and column", () => {
  assertInvalidInput(
    () => parsePolicyYaml("default_verdict: allow\nrules: [\n"),
    /^parse policy yaml: line \d+, column \d+: /,
  );
  assertInvalidInput(() => parsePolicyYaml("a: b: c\n"), P);
  assertInvalidInput(() => parsePolicyYaml("rules:\n  - name: x\n   effect: allow\n"), P);
});

Deno.test("§2.1 unknown keys are errors at every depth", () => {
  const cases = [
    "surprise: 1\n",
    "scripts:\n  max_step: 1\n",
    "fail_closed:\n  enable: true\n",
    "mcp_trust:\n  snapshot: s\n  extra: 1\n",
    rule("priorty: 1"),
    rule("match:\n  tool: [x]"),
    rule("match:\n  tool_annotations:\n    readonlyHint: true"),
    rule("freeze_window:\n  timezone: UTC\n  windows:\n    - {start: a, end: b, label: x}"),
    rule("endpoint:\n  path_allow: [/x]"),
    rule("sandbox:\n  max_timeout: 3"),
    rule("dataflow:\n  sources: [user]"),
    rule("rate_limit:\n  rps: 3"),
  ];
  for (const text of cases) {
    assertInvalidInput(
      () => parsePolicyYaml(text),
      /^parse policy yaml: line \d+, column \d+: field "[^"]+" not found in /,
    );
  }
});

Deno.test("§2.1 duplicate keys are errors (top level and nested)", () => {
  assertInvalidInput(
    () => parsePolicyYaml("default_verdict: allow\ndefault_verdict: block\n"),
    /^parse policy yaml: line 2, column 1: .*unique/i,
  );
  assertInvalidInput(
    () => parsePolicyYaml(rule("match:\n  tool_names: [a]\n  tool_names: [b]")),
    /unique/i,
  );
});

Deno.test("§2.1 type mismatches are errors", () => {
  const cases: [string, RegExp][] = [
    ["default_verdict: [allow]\n", /into a string at default_verdict/],
    ["scripts:\n  max_steps: abc\n", /!!str `abc` into an int at scripts\.max_steps/],
    ['scripts:\n  max_steps: "5"\n', /into an int/],
    ["scripts:\n  max_steps: 1.5\n", /!!float `1\.5` into an int/],
    ["scripts:\n  block_mixed_risk: maybe\n", /into a bool/],
    ["fail_closed:\n  risk_classes: high\n", /into a list at fail_closed\.risk_classes/],
    ["fail_closed:\n  risk_classes: [[high]]\n", /into a string at fail_closed\.risk_classes\[0\]/],
    ["rules:\n  name: x\n", /into a list at rules/],
    ["rules:\n  - just-a-string\n", /into rule at rules\[0\]/],
    [rule("match: [x]"), /into match/],
    ["mcp_trust:\n  min_score: high\n", /into a float/],
  ];
  for (const [text, re] of cases) assertInvalidInput(() => parsePolicyYaml(text), re);
});

Deno.test("§2.1 YAML 1.2 core schema: yes is a string; typed bools accept yes/no (yaml.v3)", () => {
  assertInvalidInput(
    () => parsePolicyYaml("default_verdict: yes\n"),
    /unsupported default_verdict "yes"/,
  );
  assert.equal(
    parsePolicyYaml("scripts:\n  block_mixed_risk: yes\n").scripts.block_mixed_risk,
    true,
  );
  assert.equal(
    parsePolicyYaml("scripts:\n  block_mixed_risk: Off\n").scripts.block_mixed_risk,
    false,
  );
  assert.equal(
    parsePolicyYaml("scripts:\n  block_mixed_risk: TRUE\n").scripts.block_mixed_risk,
    true,
  );
});

Deno.test("§2.1 scalars decode into string fields as their text", () => {
  const r = parseRule("reason_codes: [1, true, 0x1F, ~]\nmatch:\n  tool_names: [123]");
  assert.deepEqual(r.reason_codes, ["0x1F", "1", "true"]);
  assert.deepEqual(r.match.tool_names, ["123"]);
});

Deno.test("§2.1 an empty file is an error: parse policy yaml: empty policy", () => {
  for (const text of ["", "\n\n", "# only a comment\n", "---\n", "~\n", "null\n"]) {
    assertInvalidInput(() => parsePolicyYaml(text), "parse policy yaml: empty policy");
  }
});

Deno.test("§2.1 a non-mapping top level is an error", () => {
  assertInvalidInput(
    () => parsePolicyYaml("- default_verdict: allow\n"),
    /^parse policy yaml: line 1, column 1: cannot decode !!seq into policy/,
  );
  assertInvalidInput(() => parsePolicyYaml("allow\n"), /cannot decode !!str `allow` into policy/);
  assertInvalidInput(() => parsePolicyYaml("42\n"), /cannot decode !!int `42` into policy/);
});

Deno.test("§2.1 multiple YAML documents are rejected", () => {
  assertInvalidInput(
    () => parsePolicyYaml("default_verdict: allow\n---\ndefault_verdict: block\n"),
    /multiple YAML documents/,
  );
});

Deno.test("§2.1 a 10 MB input is rejected before parsing", () => {
  const big = "# " + "x".repeat(10 * 1024 * 1024) + "\ndefault_verdict: allow\n";
  assertInvalidInput(
    () => parsePolicyYaml(big),
    /^parse policy yaml: policy exceeds 1048576 bytes$/,
  );
  assertInvalidInput(
    () => parsePolicyBytes(new TextEncoder().encode(big)),
    /policy exceeds 1048576 bytes/,
  );
});

Deno.test("§2.1 the size limit counts UTF-8 bytes", () => {
  const text = "# " + "é".repeat(600 * 1024) + "\ndefault_verdict: allow\n";
  assert.ok(text.length < 1024 * 1024);
  assertInvalidInput(() => parsePolicyYaml(text), /policy exceeds/);
});

Deno.test("§2.1 non-UTF-8 bytes are rejected", () => {
  const bytes = new Uint8Array([
    ...new TextEncoder().encode("default_verdict: "),
    0xff,
    0xfe,
    0x0a,
  ]);
  assertInvalidInput(
    () => parsePolicyBytes(bytes, { label: "p.yaml" }),
    "parse policy yaml: invalid UTF-8 (p.yaml)",
  );
});

Deno.test("§2.1 valid UTF-8 bytes parse", () => {
  assert.equal(
    parsePolicyBytes(new TextEncoder().encode("default_verdict: BLOCK\n")).default_verdict,
    "block",
  );
});

Deno.test("§2.1 an alias-expansion bomb is rejected", () => {
  const names = Array.from({ length: 2000 }, (_, i) => `t${i}`).join(", ");
  const refs = Array.from({ length: 1000 }, () => "  - *r").join("\n");
  const text =
    `rules:\n  - &r {name: r, effect: allow, match: {tool_names: [${names}]}}\n${refs}\n`;
  assertInvalidInput(() => parsePolicyYaml(text), /alias expansion limit exceeded/);
});

Deno.test("§2.1 billion-laughs anchors under unknown keys fail on the unknown key", () => {
  const text =
    'a: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n';
  assertInvalidInput(() => parsePolicyYaml(text), /field "a" not found in policy/);
});

Deno.test("§2.1 recursive aliases are rejected", () => {
  assertInvalidInput(
    () => parsePolicyYaml("rules: &r\n  - name: x\n    effect: allow\n    reason_codes: *r\n"),
    /recursive alias|into a string/,
  );
});

Deno.test("§2.1 non-core YAML tags are rejected", () => {
  assertInvalidInput(() => parsePolicyYaml("default_verdict: !custom allow\n"), /tag/i);
  assertInvalidInput(() => parsePolicyYaml("default_verdict: !!binary YWxsb3c=\n"), /tag/i);
});

Deno.test("§2.1 core tags and plain aliases work", () => {
  const p = parsePolicyYaml(
    "default_verdict: !!str allow\nrules:\n  - name: a\n    effect: &e block\n  - name: b\n    effect: *e\n",
  );
  assert.equal(p.default_verdict, "allow");
  assert.deepEqual(p.rules.map((r) => r.effect), ["block", "block"]);
});

Deno.test("§2.1 merge keys (<<) merge, explicit keys win, unknown merged keys fail", () => {
  const p = parsePolicyYaml(
    "rules:\n  - &base {name: base, effect: block, priority: 5}\n  - <<: *base\n    name: derived\n",
  );
  assert.deepEqual(p.rules.map((r) => [r.name, r.effect, r.priority]), [["base", "block", 5], [
    "derived",
    "block",
    5,
  ]]);
  assertInvalidInput(
    () => parsePolicyYaml("rules:\n  - <<: {nom: x}\n    name: y\n    effect: allow\n"),
    /field "nom" not found/,
  );
});

Deno.test("§2.1 legacy draft keys: exact message and migration details", () => {
  const text =
    "unknown_server: block\nversion: 1\nname: mine\nboundaries: []\ndefaults: {}\ntrust_sources: []\n";
  const err = assertInvalidInput(
    () => parsePolicyYaml(text),
    "parse policy yaml: legacy policy proposal fields are not supported [version, name, boundaries, defaults, trust_sources, unknown_server]: " +
      "version->schema_id|schema_version (set schema_id=gait.gate.policy and schema_version=1.0.0); " +
      "name->remove the top-level policy name; rule names remain under rules[].name when needed; " +
      "boundaries->rules|mcp_trust; defaults->default_verdict|fail_closed; " +
      "trust_sources->mcp_trust.snapshot (render external trust data to a local snapshot before evaluation); " +
      "unknown_server->mcp_trust.action (enforce unknown servers through local snapshot coverage and a fail-closed action)",
  );
  const migration = (err.details as { migration: Record<string, unknown> }).migration;
  assert.equal(migration.kind, "policy_fields");
  assert.deepEqual(migration.deprecated_fields, [
    "version",
    "name",
    "boundaries",
    "defaults",
    "trust_sources",
    "unknown_server",
  ]);
  assert.deepEqual((migration.field_replacements as unknown[])[1], {
    field: "name",
    replacement_fields: [],
    note: "remove the top-level policy name; rule names remain under rules[].name when needed",
  });
  assert.ok(err.hint);
});

Deno.test("§2.1 a single legacy key is reported alone, before strict decoding", () => {
  assertInvalidInput(
    () => parsePolicyYaml("name: my-policy\nnot_a_field: 1\n"),
    "parse policy yaml: legacy policy proposal fields are not supported [name]: name->remove the top-level policy name; rule names remain under rules[].name when needed",
  );
});

Deno.test("§2.1 NUL bytes are rejected", () => {
  assertInvalidInput(() => parsePolicyYaml("default_verdict: allow\u0000\n"), /NUL/);
});

Deno.test("§2.1 deeply nested flow collections fail cleanly", () => {
  const text = "default_verdict: " + "[".repeat(20000) + "]".repeat(20000) + "\n";
  assertInvalidInput(() => parsePolicyYaml(text), P);
});

Deno.test("§2.1 the label is appended to validation errors", () => {
  assertInvalidInput(
    () => parsePolicyYaml("default_verdict: maybe\n", { label: "gait.policy.yaml" }),
    /\(gait\.policy\.yaml\)$/,
  );
});

// --- top-level keys ------------------------------------------------------------------

Deno.test("§2.2 schema_id and schema_version default and are checked", () => {
  const p = parsePolicyYaml("default_verdict: allow\n");
  assert.equal(p.schema_id, "gait.gate.policy");
  assert.equal(p.schema_version, "1.0.0");
  assertInvalidInput(
    () => parsePolicyYaml("schema_id: gait.gate.other\n"),
    /unsupported schema_id "gait\.gate\.other"/,
  );
  assertInvalidInput(
    () => parsePolicyYaml("schema_version: 2.0.0\n"),
    /unsupported schema_version "2\.0\.0"/,
  );
});

Deno.test("§2.2 default_verdict: lower, default require_approval, enum", () => {
  assert.equal(parsePolicyYaml("scripts: {}\n").default_verdict, "require_approval");
  assert.equal(parsePolicyYaml("default_verdict: ' Dry_Run '\n").default_verdict, "dry_run");
  assertInvalidInput(
    () => parsePolicyYaml("default_verdict: deny\n"),
    /unsupported default_verdict "deny"/,
  );
});

Deno.test("§2.2 default_action is an alias; both set must agree; not digested", () => {
  const a = parsePolicyYaml("default_action: block\n");
  assert.equal(a.default_verdict, "block");
  assert.equal(policyDigest(a), policyDigest(parsePolicyYaml("default_verdict: block\n")));
  assert.equal(
    parsePolicyYaml("default_verdict: block\ndefault_action: BLOCK\n").default_verdict,
    "block",
  );
  assertInvalidInput(
    () => parsePolicyYaml("default_verdict: block\ndefault_action: allow\n"),
    /default_verdict and default_action must match/,
  );
});

Deno.test("§2.2 scripts: ints >= 0; max_steps 0 is kept (means 64)", () => {
  const p = parsePolicyYaml("scripts:\n  max_steps: 0\n  require_approval_above: 3\n");
  assert.deepEqual(p.scripts, { max_steps: 0, require_approval_above: 3, block_mixed_risk: false });
  assertInvalidInput(
    () => parsePolicyYaml("scripts:\n  max_steps: -1\n"),
    /scripts\.max_steps must be >= 0/,
  );
  assertInvalidInput(
    () => parsePolicyYaml("scripts:\n  require_approval_above: -2\n"),
    /require_approval_above must be >= 0/,
  );
});

Deno.test("§2.2 fail_closed: lowuniq, enabled without classes ⇒ [critical, high]", () => {
  assert.deepEqual(parsePolicyYaml("fail_closed:\n  enabled: true\n").fail_closed.risk_classes, [
    "critical",
    "high",
  ]);
  assert.deepEqual(
    parsePolicyYaml("fail_closed:\n  enabled: true\n  risk_classes: [' HIGH', high, low]\n")
      .fail_closed.risk_classes,
    ["high", "low"],
  );
  assert.deepEqual(
    parsePolicyYaml("fail_closed:\n  risk_classes: [high]\n").fail_closed.enabled,
    false,
  );
});

Deno.test("§2.2 fail_closed.required_fields and required_high_risk_fields are enums", () => {
  const p = parsePolicyYaml(
    "fail_closed:\n  enabled: true\n  required_fields: [Targets, delegation]\n  required_high_risk_fields: [run_id, credential_ttl_seconds]\n",
  );
  assert.deepEqual(p.fail_closed.required_fields, ["delegation", "targets"]);
  assert.deepEqual(p.fail_closed.required_high_risk_fields, ["credential_ttl_seconds", "run_id"]);
  assertInvalidInput(
    () => parsePolicyYaml("fail_closed:\n  required_fields: [intent]\n"),
    /required_fields entry "intent"/,
  );
  assertInvalidInput(
    () => parsePolicyYaml("fail_closed:\n  required_high_risk_fields: [owner]\n"),
    /required_high_risk_fields entry "owner"/,
  );
});

Deno.test("§2.2 mcp_trust: any field enables; snapshot required; defaults; ranges; max_age rendered", () => {
  const p = parsePolicyYaml(
    "mcp_trust:\n  snapshot: ./trust.json\n  max_age: 24h\n  min_score: 0.5\n",
  );
  assert.deepEqual(p.mcp_trust, {
    enabled: true,
    snapshot: "./trust.json",
    action: "block",
    required_risk_classes: ["critical", "high"],
    min_score: 0.5,
    max_age: "24h0m0s",
    publisher_allowlist: [],
    require_registry: false,
  });
  assertInvalidInput(
    () => parsePolicyYaml("mcp_trust:\n  require_registry: true\n"),
    /mcp_trust\.snapshot is required/,
  );
  assertInvalidInput(
    () => parsePolicyYaml("mcp_trust:\n  snapshot: s\n  action: allow\n"),
    /unsupported mcp_trust\.action "allow"/,
  );
  assertInvalidInput(
    () => parsePolicyYaml("mcp_trust:\n  snapshot: s\n  min_score: 1.5\n"),
    /min_score must be between 0 and 1/,
  );
  assertInvalidInput(
    () => parsePolicyYaml("mcp_trust:\n  snapshot: s\n  max_age: 1d\n"),
    /invalid mcp_trust\.max_age "1d"/,
  );
  assertInvalidInput(
    () => parsePolicyYaml("mcp_trust:\n  snapshot: s\n  max_age: -1h\n"),
    /max_age must be > 0/,
  );
  assert.equal(parsePolicyYaml("mcp_trust:\n  enabled: false\n").mcp_trust.enabled, false);
});

Deno.test("§2.2 rules are sorted by priority ascending, then name (stable)", () => {
  const p = parsePolicyYaml(
    "rules:\n  - {name: b, effect: allow, priority: 2}\n  - {name: z, effect: allow}\n  - {name: a, effect: allow, priority: 2}\n  - {name: dup, effect: block, priority: 1}\n  - {name: dup, effect: allow, priority: 1}\n  - {name: neg, effect: allow, priority: -1}\n",
  );
  assert.deepEqual(p.rules.map((r) => `${r.priority}:${r.name}:${r.effect}`), [
    "-1:neg:allow",
    "0:z:allow",
    "1:dup:block",
    "1:dup:allow",
    "2:a:allow",
    "2:b:allow",
  ]);
});

Deno.test("§2.2 a parsed policy, its rule list and rules are frozen", () => {
  const p = parsePolicyYaml(rule("match:\n  tool_names: [a]"));
  assert.ok(Object.isFrozen(p) && Object.isFrozen(p.rules) && Object.isFrozen(p.rules[0]));
});

// --- rule keys -------------------------------------------------------------------------

Deno.test("§2.3 name is required and trimmed", () => {
  assertInvalidInput(
    () => parsePolicyYaml("rules:\n  - effect: allow\n"),
    /^parse policy yaml: line 2, column 5: rules\[0\]\.name is required$/,
  );
  assert.equal(parsePolicyYaml("rules:\n  - {name: ' x ', effect: allow}\n").rules[0]!.name, "x");
});

Deno.test("§2.3 effect (alias action) is required, must agree and be a verdict", () => {
  assert.equal(parsePolicyYaml("rules:\n  - {name: x, action: Block}\n").rules[0]!.effect, "block");
  assertInvalidInput(() => parsePolicyYaml("rules:\n  - {name: x}\n"), /effect is required for x$/);
  assertInvalidInput(
    () => parsePolicyYaml("rules:\n  - {name: x, effect: allow, action: block}\n"),
    /effect and action must match for x$/,
  );
  assertInvalidInput(
    () => parsePolicyYaml("rules:\n  - {name: x, effect: permit}\n"),
    /unsupported effect "permit" for x$/,
  );
});

Deno.test("§2.3 reason_codes and violations are uniq (case kept)", () => {
  const r = parseRule("reason_codes: [B, a, a, ' ']\nviolations: [V]");
  assert.deepEqual(r.reason_codes, ["B", "a"]);
  assert.deepEqual(r.violations, ["V"]);
});

Deno.test("§2.3 min_approvals >= 0; > 1 forces require_distinct_approvers", () => {
  assert.equal(parseRule("min_approvals: 2").require_distinct_approvers, true);
  assert.equal(parseRule("min_approvals: 1").require_distinct_approvers, false);
  assert.equal(parseRule("require_distinct_approvers: true").require_distinct_approvers, true);
  assertInvalidInput(
    () => parsePolicyYaml(rule("min_approvals: -1")),
    /min_approvals must be >= 0 for r1$/,
  );
});

Deno.test("§2.3 agent identity keys normalize (uniq / lowuniq / lower 64-hex)", () => {
  const r = parseRule(
    `allowed_agent_ids: [B, a]\ndenied_agent_ids: [X]\nrequired_agent_manifest_digest: ${
      "AB".repeat(32)
    }\nallowed_agent_manifest_publishers: [Acme]\nallowed_agent_manifest_sources: [Registry]\nrequired_agent_lifecycle_states: [Active]\nrequire_agent_owner: true\nrequire_unexpired_agent: true\nrequire_declared_agent: true`,
  );
  assert.deepEqual(r.allowed_agent_ids, ["B", "a"]);
  assert.equal(r.required_agent_manifest_digest, "ab".repeat(32));
  assert.deepEqual(r.allowed_agent_manifest_publishers, ["acme"]);
  assert.deepEqual(r.allowed_agent_manifest_sources, ["registry"]);
  assert.deepEqual(r.required_agent_lifecycle_states, ["active"]);
  assertInvalidInput(
    () => parsePolicyYaml(rule("required_agent_manifest_digest: abc")),
    /required_agent_manifest_digest must be 64 hex characters for r1/,
  );
});

Deno.test("§2.3 credential posture keys normalize and validate enums", () => {
  const r = parseRule(
    "allowed_credential_sources: [AWS_STS]\nallowed_credential_issuers: [Vault]\nallowed_credential_access_types: [JIT]\nmax_credential_ttl_seconds: 900\nblock_standing_credentials: true\nrequire_jit_credential: true",
  );
  assert.deepEqual([
    r.allowed_credential_sources,
    r.allowed_credential_issuers,
    r.allowed_credential_access_types,
  ], [["aws_sts"], ["Vault"], ["jit"]]);
  assertInvalidInput(
    () => parsePolicyYaml(rule("allowed_credential_sources: [keychain]")),
    /allowed_credential_sources entry "keychain" for r1/,
  );
  assertInvalidInput(
    () => parsePolicyYaml(rule("allowed_credential_access_types: [root]")),
    /allowed_credential_access_types entry "root"/,
  );
  assertInvalidInput(
    () => parsePolicyYaml(rule("max_credential_ttl_seconds: -1")),
    /max_credential_ttl_seconds must be >= 0/,
  );
});

Deno.test("§2.3 context keys: required mode auto-set; only 'required' allowed", () => {
  assert.equal(
    parseRule("require_context_evidence: true").required_context_evidence_mode,
    "required",
  );
  assert.equal(
    parseRule("required_context_evidence_mode: REQUIRED").required_context_evidence_mode,
    "required",
  );
  assertInvalidInput(
    () => parsePolicyYaml(rule("required_context_evidence_mode: best_effort")),
    /unsupported required_context_evidence_mode "best_effort" for r1/,
  );
  assertInvalidInput(
    () => parsePolicyYaml(rule("max_context_age_seconds: -5")),
    /max_context_age_seconds must be >= 0/,
  );
});

Deno.test("§2.3 broker keys: reference trimmed, scopes lowuniq", () => {
  const r = parseRule(
    "require_broker_credential: true\nbroker_reference: ' vault/x '\nbroker_scopes: [Write, write]",
  );
  assert.deepEqual([r.require_broker_credential, r.broker_reference, r.broker_scopes], [
    true,
    "vault/x",
    ["write"],
  ]);
});

Deno.test("§2.3 freeze_window: any field enables; timezone and windows required; default names", () => {
  const r = parseRule(
    "freeze_window:\n  timezone: Europe/Paris\n  environments: [Prod]\n  windows:\n    - {start: '2026-12-24T00:00:00', end: '2026-12-26T00:00:00'}\n    - {name: ny, start: '2026-12-31T00:00:00', end: '2027-01-01T00:00:00'}",
  );
  assert.equal(r.freeze_window.enabled, true);
  assert.equal(r.freeze_window.effect, "block");
  assert.deepEqual(r.freeze_window.environments, ["prod"]);
  assert.deepEqual(r.freeze_window.windows.map((w) => w.name), ["window-1", "ny"]);
  assert.equal(parseRule("freeze_window:\n  enabled: false").freeze_window.enabled, false);
  assertInvalidInput(
    () => parsePolicyYaml(rule("freeze_window:\n  reason: x\n  windows: [{start: a, end: b}]")),
    /freeze_window\.timezone is required for r1/,
  );
  assertInvalidInput(
    () => parsePolicyYaml(rule("freeze_window:\n  timezone: UTC")),
    /freeze_window\.windows must not be empty for r1/,
  );
  assertInvalidInput(
    () =>
      parsePolicyYaml(
        rule("freeze_window:\n  timezone: UTC\n  effect: allow\n  windows: [{start: a, end: b}]"),
      ),
    /unsupported freeze_window\.effect "allow"/,
  );
  assertInvalidInput(
    () => parsePolicyYaml(rule("freeze_window:\n  timezone: UTC\n  windows: [{start: a}]")),
    /requires start and end/,
  );
});

Deno.test("§2.3 sandbox: lists or max_timeout enable; enums checked; paths cleaned", () => {
  const r = parseRule(
    "sandbox:\n  allowed_writable_path_prefixes: [/tmp/, /tmp//x/..]\n  required_read_only_roots: [/usr/./lib]\n  allowed_user_modes: [Unprivileged]",
  );
  assert.equal(r.sandbox.enabled, true);
  assert.deepEqual(r.sandbox.allowed_writable_path_prefixes, ["/tmp"]);
  assert.deepEqual(r.sandbox.required_read_only_roots, ["/usr/lib"]);
  assert.deepEqual(r.sandbox.allowed_user_modes, ["unprivileged"]);
  assert.equal(parseRule("sandbox:\n  max_timeout_seconds: 5").sandbox.enabled, true);
  assert.equal(parseRule("sandbox: {}").sandbox.enabled, false);
  assertInvalidInput(
    () => parsePolicyYaml(rule("sandbox:\n  allowed_network_modes: [open]")),
    /allowed_network_modes entry "open" for r1/,
  );
  assertInvalidInput(
    () => parsePolicyYaml(rule("sandbox:\n  allowed_env_exposure_modes: [all]")),
    /allowed_env_exposure_modes entry "all"/,
  );
  assertInvalidInput(
    () => parsePolicyYaml(rule("sandbox:\n  allowed_filesystem_isolations: [vm]")),
    /allowed_filesystem_isolations entry "vm"/,
  );
  assertInvalidInput(
    () => parsePolicyYaml(rule("sandbox:\n  max_timeout_seconds: -1")),
    /max_timeout_seconds must be >= 0/,
  );
});

Deno.test("§2.3 rate_limit / destructive_budget: defaults, inert at 0, budget needs requests", () => {
  assert.deepEqual(parseRule("rate_limit:\n  requests: 5").rate_limit, {
    requests: 5,
    window: "minute",
    scope: "tool_identity",
  });
  assert.deepEqual(parseRule("rate_limit:\n  window: hour").rate_limit, {
    requests: 0,
    window: "hour",
    scope: "tool_identity",
  });
  assertInvalidInput(
    () => parsePolicyYaml(rule("destructive_budget:\n  window: hour")),
    /destructive_budget\.requests must be >= 1 for r1$/,
  );
  assertInvalidInput(
    () => parsePolicyYaml(rule("rate_limit:\n  requests: 1\n  window: day")),
    /unsupported rate_limit\.window "day"/,
  );
  assertInvalidInput(
    () => parsePolicyYaml(rule("rate_limit:\n  requests: 1\n  scope: global")),
    /unsupported rate_limit\.scope "global"/,
  );
  assertInvalidInput(
    () => parsePolicyYaml(rule("rate_limit:\n  requests: -1")),
    /rate_limit\.requests must be >= 0/,
  );
});

Deno.test("§2.3 dataflow: lists enable; defaults applied; action only block|require_approval", () => {
  const r = parseRule("dataflow:\n  destination_kinds: [Host]");
  assert.deepEqual(r.dataflow, {
    enabled: true,
    tainted_sources: ["external", "tool_output"],
    destination_kinds: ["host"],
    destination_values: [],
    destination_operations: [],
    action: "require_approval",
    reason_code: "dataflow_tainted_destination",
    violation: "tainted_dataflow",
  });
  assert.equal(parseRule("dataflow:\n  action: block\n  reason_code: x").dataflow.enabled, false);
  assertInvalidInput(
    () => parsePolicyYaml(rule("dataflow:\n  enabled: true\n  action: allow")),
    /unsupported dataflow\.action "allow"/,
  );
});

Deno.test("§2.3 endpoint: lists or destructive_action enable; net.* egress only; defaults", () => {
  const r = parseRule(
    "endpoint:\n  path_denylist: ['C:\\secrets\\**', /etc/**]\n  domain_allowlist: ['*.Example.com']\n  egress_classes: [NET.HTTP]",
  );
  assert.equal(r.endpoint.enabled, true);
  assert.deepEqual(r.endpoint.path_denylist, ["/etc/**", "C:/secrets/**"]);
  assert.deepEqual(r.endpoint.domain_allowlist, ["*.example.com"]);
  assert.equal(r.endpoint.action, "block");
  assert.equal(r.endpoint.reason_code, "endpoint_constraint_violation");
  assert.equal(
    parseRule("endpoint:\n  destructive_action: require_approval").endpoint.enabled,
    true,
  );
  assert.equal(
    parseRule("endpoint:\n  action: require_approval\n  violation: v").endpoint.enabled,
    false,
  );
  assertInvalidInput(
    () => parsePolicyYaml(rule("endpoint:\n  egress_classes: [fs.write]")),
    /egress_classes entry "fs\.write" \(net\.\* only\) for r1/,
  );
  assertInvalidInput(
    () => parsePolicyYaml(rule("endpoint:\n  destructive_action: allow")),
    /unsupported endpoint\.destructive_action "allow"/,
  );
});

// --- match ---------------------------------------------------------------------------------

Deno.test("§2.4 match aliases merge: tool_name + tool_names, endpoint_class + endpoint_classes", () => {
  const m = parseRule(
    "match:\n  tool_name: Tool.A\n  tool_names: [tool.b, tool.a]\n  endpoint_class: [fs.read]\n  endpoint_classes: [FS.Write]",
  ).match;
  assert.deepEqual(m.tool_names, ["tool.a", "tool.b"]);
  assert.deepEqual(m.endpoint_classes, ["fs.read", "fs.write"]);
});

Deno.test("§2.4 match lists are lowuniq except identities, workspace prefixes, values, delegation identities", () => {
  const m = parseRule(
    "match:\n  risk_classes: [HIGH]\n  identities: [Alice]\n  workspace_prefixes: [/Repo]\n  target_values: [/A]\n  destination_values: [/B]\n  allowed_delegator_identities: [Lead]\n  allowed_delegate_identities: [Worker]\n  delegation_scopes: [Write]\n  target_kinds: [PATH]\n  context_tool_names: [T]",
  ).match;
  assert.deepEqual(
    [
      m.risk_classes,
      m.identities,
      m.workspace_prefixes,
      m.target_values,
      m.destination_values,
      m.allowed_delegator_identities,
      m.allowed_delegate_identities,
      m.delegation_scopes,
      m.target_kinds,
      m.context_tool_names,
    ],
    [["high"], ["Alice"], ["/Repo"], ["/A"], ["/B"], ["Lead"], ["Worker"], ["write"], ["path"], [
      "t",
    ]],
  );
});

Deno.test("§2.4 endpoint classes and discovery methods are enum-checked", () => {
  assertInvalidInput(
    () => parsePolicyYaml(rule("match:\n  endpoint_classes: [fs.move]")),
    /match\.endpoint_classes entry "fs\.move" for r1/,
  );
  assertInvalidInput(
    () => parsePolicyYaml(rule("match:\n  discovery_method: [magic]")),
    /match\.discovery_method entry "magic"/,
  );
  assert.deepEqual(parseRule("match:\n  discovery_method: [Dynamic-MCP]").match.discovery_methods, [
    "dynamic_mcp",
  ]);
});

Deno.test("§2.4 max_delegation_depth is nullable (0 is a real limit) and >= 0", () => {
  assert.equal(parseRule("match:\n  tool_names: [a]").match.max_delegation_depth, null);
  assert.equal(parseRule("match:\n  max_delegation_depth: 0").match.max_delegation_depth, 0);
  assertInvalidInput(
    () => parsePolicyYaml(rule("match:\n  max_delegation_depth: -1")),
    /max_delegation_depth must be >= 0/,
  );
});

Deno.test("§2.4 tool_annotations keep only set hints", () => {
  assert.deepEqual(
    parseRule("match:\n  tool_annotations: {readOnlyHint: false, openWorldHint: ~}").match
      .tool_annotations,
    { readOnlyHint: false },
  );
  assert.equal(parseRule("match:\n  tool_annotations: {}").match.tool_annotations, undefined);
});

// --- digest presence rules (§2.5) ------------------------------------------------------------

Deno.test("§2.5 P: always-present keys and empty lists as []", () => {
  const P = policyDigestObject(parsePolicyYaml(rule("")));
  assert.deepEqual(Object.keys(P).sort(), [
    "DefaultVerdict",
    "FailClosed",
    "Rules",
    "SchemaID",
    "SchemaVersion",
  ]);
  assert.deepEqual(P.FailClosed, { Enabled: false, RiskClasses: [], RequiredFields: [] });
  assert.deepEqual((P.Rules as unknown[])[0], {
    Name: "r1",
    Priority: 0,
    Effect: "allow",
    ReasonCodes: [],
    Violations: [],
    Match: {
      ToolNames: [],
      RiskClasses: [],
      TargetKinds: [],
      TargetValues: [],
      ProvenanceSources: [],
      Identities: [],
      WorkspacePrefixes: [],
    },
  });
  assert.deepEqual(policyDigestObject(parsePolicyYaml("default_verdict: allow\n")).Rules, []);
});

Deno.test("§2.5 P: optional rule keys appear only when set", () => {
  const R = (policyDigestObject(parsePolicyYaml(rule(
    "min_approvals: 2\nmatch:\n  max_delegation_depth: 0\n  tool_annotations: {destructiveHint: true}\n  destination_operations: [write]\nrate_limit: {requests: 3}\ndestructive_budget: {requests: 0}\nsandbox:\n  allowed_user_modes: [root]\ndataflow:\n  enabled: true\nendpoint:\n  destructive_action: require_approval",
  ))).Rules as Record<string, unknown>[])[0]!;
  assert.equal(R.MinApprovals, 2);
  assert.equal(R.RequireDistinctApprovers, true);
  assert.deepEqual((R.Match as Record<string, unknown>).MaxDelegationDepth, 0);
  assert.deepEqual((R.Match as Record<string, unknown>).ToolAnnotations, { DestructiveHint: true });
  assert.deepEqual((R.Match as Record<string, unknown>).DestinationOps, ["write"]);
  assert.deepEqual(R.RateLimit, { Requests: 3, Window: "minute", Scope: "tool_identity" });
  assert.equal("DestructiveBudget" in R, false);
  assert.deepEqual(R.Sandbox, {
    Enabled: true,
    AllowedNetworkModes: [],
    AllowedWritablePathPrefixes: null,
    RequiredReadOnlyRoots: null,
    AllowedEnvExposureModes: [],
    MaxTimeoutSeconds: 0,
    AllowedFilesystemIsolations: [],
    AllowedUserModes: ["root"],
  });
  assert.deepEqual(R.Dataflow, {
    Enabled: true,
    TaintedSources: ["external", "tool_output"],
    Action: "require_approval",
    ReasonCode: "dataflow_tainted_destination",
    Violation: "tainted_dataflow",
  });
  assert.deepEqual(R.Endpoint, {
    Enabled: true,
    PathAllowlist: [],
    PathDenylist: [],
    DomainAllowlist: [],
    DomainDenylist: [],
    EgressClasses: [],
    Action: "block",
    DestructiveAction: "require_approval",
    ReasonCode: "endpoint_constraint_violation",
    Violation: "endpoint_constraint_violation",
  });
  assert.equal("FreezeWindow" in R, false);
  assert.equal("BrokerReference" in R, false);
});

Deno.test("§2.5 P: Scripts, MCPTrust and RequiredHighRiskFields presence", () => {
  const a = policyDigestObject(parsePolicyYaml("scripts:\n  max_steps: 0\n"));
  assert.equal("Scripts" in a, false);
  const b = policyDigestObject(
    parsePolicyYaml(
      "scripts:\n  block_mixed_risk: true\nfail_closed:\n  enabled: true\n  required_high_risk_fields: [run_id]\nmcp_trust:\n  snapshot: s\n  max_age: 90m\n",
    ),
  );
  assert.deepEqual(b.Scripts, { MaxSteps: 0, RequireApprovalAbove: 0, BlockMixedRisk: true });
  assert.deepEqual((b.FailClosed as Record<string, unknown>).RequiredHighRiskFields, ["run_id"]);
  assert.deepEqual(b.MCPTrust, {
    Enabled: true,
    SnapshotPath: "s",
    Action: "block",
    RequiredRiskClasses: ["critical", "high"],
    MinScore: 0,
    MaxAge: "1h30m0s",
    PublisherAllowlist: [],
    RequireRegistry: false,
  });
});

Deno.test("§2.5 P: rule action alias and raw alias keys are not digested", () => {
  const a = parsePolicyYaml("rules:\n  - {name: x, action: block, match: {tool_name: t}}\n");
  const b = parsePolicyYaml("rules:\n  - {name: x, effect: block, match: {tool_names: [t]}}\n");
  assert.equal(policyDigest(a), policyDigest(b));
});

Deno.test("§2.5 P: freeze window digested with normalized windows", () => {
  const R = (policyDigestObject(
    parsePolicyYaml(
      rule(
        "freeze_window:\n  timezone: UTC\n  windows: [{start: '2026-01-01T00:00:00', end: '2026-01-02T00:00:00'}]",
      ),
    ),
  ).Rules as Record<string, unknown>[])[0]!;
  assert.deepEqual(R.FreezeWindow, {
    Enabled: true,
    Timezone: "UTC",
    Effect: "block",
    Reason: "",
    Environments: [],
    RiskClasses: [],
    Windows: [{ Name: "window-1", Start: "2026-01-01T00:00:00", End: "2026-01-02T00:00:00" }],
  });
});
