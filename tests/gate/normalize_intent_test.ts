/**
 * IntentRequest normalization (spec 02 §1.2), inference (§1.4) and the digest
 * object N (§1.3): one test per rule, plus every error rule of §1.2 and an
 * idempotence property.
 */

import assert from "node:assert/strict";
import fc from "fast-check";
import { intentDigestObject, type NormalizedIntent, normalizeIntent } from "../../src/gate/mod.ts";
import { assertInvalidInput, rawIntent } from "./_helpers.ts";

const CREDENTIAL_ERROR =
  "must not contain raw credential material; use credential references or digests instead";

function target(t: Record<string, unknown>, tool = "tool.x") {
  return normalizeIntent(rawIntent({ tool_name: tool, targets: [t] })).targets[0]!;
}

// --- tool_name, args -------------------------------------------------------

Deno.test("§1.2 step 2: tool_name is lower(trim)", () => {
  assert.equal(
    normalizeIntent(rawIntent({ tool_name: " \u00a0Tool.WRITE\n" })).tool_name,
    "tool.write",
  );
});

Deno.test("§1.2 step 2: empty tool_name is an error", () => {
  assertInvalidInput(
    () => normalizeIntent(rawIntent({ tool_name: "  " })),
    /^normalize intent: tool_name is required$/,
  );
});

Deno.test("§0 trim: U+FEFF is not whitespace, U+0085 and U+3000 are", () => {
  assert.equal(normalizeIntent(rawIntent({ tool_name: "\u0085tool\u3000" })).tool_name, "tool");
  assert.equal(normalizeIntent(rawIntent({ tool_name: "\ufefftool" })).tool_name, "\ufefftool");
});

Deno.test("§0 lower: U+0130 lowers to i and Σ to σ (Go simple mapping)", () => {
  assert.equal(normalizeIntent(rawIntent({ tool_name: "İΣ" })).tool_name, "iσ");
});

Deno.test("§1.2 step 3: args keys and string values are trimmed recursively", () => {
  const n = normalizeIntent(rawIntent({ args: { " a ": " x ", b: [{ " c": " y " }, 1, null] } }));
  assert.deepEqual(n.args, { a: "x", b: [{ c: "y" }, 1, null] });
});

Deno.test("§1.2 step 3: null args become {}", () => {
  assert.deepEqual(normalizeIntent(rawIntent({ args: null })).args, {});
});

Deno.test("§1.2 step 3: non-object args are an error", () => {
  assertInvalidInput(
    () => normalizeIntent(rawIntent({ args: [1] })),
    /^normalize intent: args must be a JSON object/,
  );
});

Deno.test("§1.2 step 3: an empty key (after trim) is an error", () => {
  assertInvalidInput(
    () => normalizeIntent(rawIntent({ args: { nested: { "  ": 1 } } })),
    /^normalize intent: args\.nested keys must not be empty/,
  );
});

Deno.test("§1.2 step 3: keys colliding after trim are rejected (undefined in the reference)", () => {
  assertInvalidInput(
    () => normalizeIntent(rawIntent({ args: { a: 1, " a": 2 } })),
    /duplicate key "a"/,
  );
});

// --- raw credentials -------------------------------------------------------

Deno.test("§1.2 step 4: a secret under a credential-like key is rejected with the exact message", () => {
  assertInvalidInput(
    () => normalizeIntent(rawIntent({ args: { api_key: "abcd1234efgh5678" } })),
    `normalize intent: args.api_key ${CREDENTIAL_ERROR}`,
  );
});

Deno.test("§1.2 step 4: known token prefixes are secrets even when short", () => {
  assertInvalidInput(
    () => normalizeIntent(rawIntent({ args: { token: "ghp_x" } })),
    /args\.token must not contain raw credential material/,
  );
  assertInvalidInput(
    () => normalizeIntent(rawIntent({ args: { Password: "sk-1" } })),
    /args\.Password must not/,
  );
  assertInvalidInput(
    () => normalizeIntent(rawIntent({ args: { access_key: "AKIA1" } })),
    /args\.access_key/,
  );
});

Deno.test("§1.2 step 4: nested objects and arrays are scanned", () => {
  assertInvalidInput(
    () => normalizeIntent(rawIntent({ args: { cfg: { secrets: ["ok", "zz9988776655aabb"] } } })),
    `normalize intent: args.cfg.secrets[1] ${CREDENTIAL_ERROR}`,
  );
});

Deno.test("§1.2 step 4: safe suffixes, references, digests and weak values pass", () => {
  const ok = {
    token_ref: "abcd1234efgh5678",
    credential_id: "abcd1234efgh5678",
    api_key: "env:MY_API_KEY_1234",
    secret: "sha256:abcd1234efgh5678",
    password: "Ref:vault/x1234567890",
    access_token: "a".repeat(64).replace(/a/g, "f"),
    apikey: "short1",
    token: "has space 12345678",
    credential: "lettersonlyvalue_xx",
    note: "ghp_not_a_credential_key",
  };
  assert.deepEqual(normalizeIntent(rawIntent({ args: ok })).args, ok);
});

Deno.test("§1.2 step 4: context.auth_context is checked too", () => {
  assertInvalidInput(
    () => normalizeIntent(rawIntent({ context: { auth_context: { bearer_token: "gho_abc" } } })),
    `normalize intent: context.auth_context.bearer_token ${CREDENTIAL_ERROR}`,
  );
});

// --- script ----------------------------------------------------------------

Deno.test("§1.2 step 1: a script forces tool_name script", () => {
  const n = normalizeIntent(
    rawIntent({ tool_name: "whatever", script: { steps: [{ tool_name: "A.Read", args: {} }] } }),
  );
  assert.equal(n.tool_name, "script");
  assert.equal(n.script!.steps[0]!.tool_name, "a.read");
});

Deno.test("§1.2 step 1: script steps must be non-empty", () => {
  assertInvalidInput(
    () => normalizeIntent(rawIntent({ script: { steps: [] } })),
    /script\.steps must not be empty/,
  );
});

Deno.test("§1.2 step 1: script steps must be at most 64", () => {
  const steps = Array.from({ length: 65 }, () => ({ tool_name: "t", args: {} }));
  assertInvalidInput(() => normalizeIntent(rawIntent({ script: { steps } })), /at most|exceed 64/);
  assert.equal(
    normalizeIntent(rawIntent({ script: { steps: steps.slice(0, 64) } })).script!.steps.length,
    64,
  );
});

Deno.test("§1.2 step 1: a step needs a tool name", () => {
  assertInvalidInput(
    () => normalizeIntent(rawIntent({ script: { steps: [{ tool_name: " " }] } })),
    /script\.steps\[0\]\.tool_name is required/,
  );
});

Deno.test("§1.2 step 1: step targets infer from the step tool name", () => {
  const n = normalizeIntent(
    rawIntent({
      targets: [],
      script: {
        steps: [{
          tool_name: "fs/remove_file",
          args: {},
          targets: [{ kind: "path", value: "/x" }],
        }],
      },
    }),
  );
  assert.equal(n.script!.steps[0]!.targets[0]!.endpoint_class, "fs.delete");
});

Deno.test("§1.2 step 5: a script with empty top-level targets takes the step targets", () => {
  const n = normalizeIntent(rawIntent({
    targets: [],
    arg_provenance: [],
    script: {
      steps: [
        {
          tool_name: "b",
          targets: [{ kind: "path", value: "/b", operation: "read" }],
          arg_provenance: [{ arg_path: "$.b", source: "user" }],
        },
        {
          tool_name: "a",
          targets: [{ kind: "path", value: "/a", operation: "read" }, {
            kind: "path",
            value: "/b",
            operation: "read",
          }],
        },
      ],
    },
  }));
  assert.deepEqual(n.targets.map((t) => t.value), ["/a", "/b"]);
  assert.deepEqual(n.arg_provenance.map((p) => p.arg_path), ["$.b"]);
});

// --- targets ---------------------------------------------------------------

Deno.test("§1.2 step 5: target kind is required", () => {
  assertInvalidInput(
    () => normalizeIntent(rawIntent({ targets: [{ value: "/x" }] })),
    /targets\[0\]\.kind is required/,
  );
});

Deno.test("§1.2 step 5: unknown target kind is an error", () => {
  assertInvalidInput(
    () => normalizeIntent(rawIntent({ targets: [{ kind: "file", value: "/x" }] })),
    /unsupported targets\[0\]\.kind "file"/,
  );
});

Deno.test("§1.2 step 5: target value is required", () => {
  assertInvalidInput(
    () => normalizeIntent(rawIntent({ targets: [{ kind: "path", value: " " }] })),
    /targets\[0\]\.value is required/,
  );
});

Deno.test("§1.2 step 5: unknown endpoint_class is an error", () => {
  assertInvalidInput(
    () =>
      normalizeIntent(
        rawIntent({ targets: [{ kind: "path", value: "/x", endpoint_class: "fs.move" }] }),
      ),
    /endpoint_class "fs\.move"/,
  );
});

Deno.test("§1.2 step 5: unknown discovery_method is an error", () => {
  assertInvalidInput(
    () =>
      normalizeIntent(
        rawIntent({ targets: [{ kind: "path", value: "/x", discovery_method: "magic" }] }),
      ),
    /discovery_method "magic"/,
  );
});

Deno.test("§1.2 step 5: discovery_method defaults to unknown and maps - and space to _", () => {
  assert.equal(target({ kind: "path", value: "/x" }).discovery_method, "unknown");
  assert.equal(
    target({ kind: "path", value: "/x", discovery_method: " Dynamic-MCP " }).discovery_method,
    "dynamic_mcp",
  );
  assert.equal(
    target({ kind: "path", value: "/x", discovery_method: "static mcp" }).discovery_method,
    "static_mcp",
  );
});

Deno.test("§1.2 step 5: target strings are normalized (value keeps case)", () => {
  const t = target({
    kind: " PATH ",
    value: " /Srv/X ",
    operation: " Write ",
    sensitivity: " PII ",
    endpoint_class: "FS.Write",
    endpoint_domain: " ",
  });
  assert.deepEqual([t.kind, t.value, t.operation, t.sensitivity, t.endpoint_class], [
    "path",
    "/Srv/X",
    "write",
    "pii",
    "fs.write",
  ]);
});

Deno.test("§1.2 step 5: destructive = given OR destructive_hint OR inferred", () => {
  assert.equal(
    target({ kind: "path", value: "/x", operation: "read", destructive: true }).destructive,
    true,
  );
  assert.equal(
    target({ kind: "path", value: "/x", operation: "read", destructive_hint: true }).destructive,
    true,
  );
  assert.equal(target({ kind: "path", value: "/x", operation: "truncate" }).destructive, true);
  assert.equal(target({ kind: "path", value: "/x", operation: "read" }).destructive, false);
});

Deno.test("§1.2 step 5: targets are deduped on all fields and sorted", () => {
  const n = normalizeIntent(rawIntent({
    targets: [
      { kind: "path", value: "/b", operation: "read" },
      { kind: "host", value: "z.example" },
      { kind: "path", value: "/b", operation: "read" },
      { kind: "path", value: "/b", operation: "read", read_only_hint: true },
      { kind: "path", value: "/a", operation: "write" },
    ],
  }));
  assert.deepEqual(
    n.targets.map((t) => `${t.kind}:${t.value}:${t.read_only_hint}`),
    ["host:z.example:false", "path:/a:false", "path:/b:false", "path:/b:true"],
  );
});

// --- inference (§1.4) ------------------------------------------------------

const CLASS_CASES: [string, Record<string, unknown>, string, string][] = [
  ["path read op", { kind: "path", value: "/x", operation: "stat" }, "tool.x", "fs.read"],
  ["path write op", { kind: "path", value: "/x", operation: "rename" }, "tool.x", "fs.write"],
  ["path delete op", { kind: "path", value: "/x", operation: "rmdir" }, "tool.x", "fs.delete"],
  ["path read hint", { kind: "path", value: "/x" }, "svc/fetch_file", "fs.read"],
  ["path write hint", { kind: "path", value: "/x" }, "svc/save", "fs.write"],
  [
    "path delete hint (substring: transform hits rm)",
    { kind: "path", value: "/x" },
    "svc/transform",
    "fs.delete",
  ],
  ["path hint uses the last / segment", { kind: "path", value: "/x" }, "read/other", "other"],
  ["path no hint", { kind: "path", value: "/x" }, "tool.x", "other"],
  ["host http", { kind: "host", value: "api.example.com" }, "tool.x", "net.http"],
  [
    "url dns op",
    { kind: "url", value: "https://x.test", operation: "resolve" },
    "tool.x",
    "net.dns",
  ],
  ["other exec op", { kind: "other", value: "ls", operation: "shell" }, "tool.x", "proc.exec"],
  ["other exec hint", { kind: "other", value: "ls" }, "bin/runner", "proc.exec"],
  ["other no hint", { kind: "other", value: "ls" }, "tool.x", "other"],
  ["repo is other", { kind: "repo", value: "org/r", operation: "read" }, "tool.read", "other"],
];

for (const [name, t, tool, want] of CLASS_CASES) {
  Deno.test(`§1.4 endpoint_class inference: ${name} → ${want}`, () => {
    assert.equal(target(t, tool).endpoint_class, want);
  });
}

const DOMAIN_CASES: [string, string, string][] = [
  ["host", "API.Example.com", "api.example.com"],
  ["host", "https://api.example.com:8443/v1", "api.example.com"],
  ["host", "HTTPS://api.example.com", "https"],
  ["url", "https://User:pw@API.Example.com:8443/x?q=1#f", "api.example.com"],
  ["url", "//cdn.example.net/a", "cdn.example.net"],
  ["url", "http://[::1]:80/", "::1"],
  ["url", "api.example.com/path", ""],
  ["url", "https://bad host/", ""],
  ["url", "http://host:port/", ""],
  ["url", "mailto:a@b.c", ""],
  ["path", "/etc/hosts", ""],
];

for (const [kind, value, want] of DOMAIN_CASES) {
  Deno.test(`§1.4 endpoint_domain inference: ${kind} ${JSON.stringify(value)} → ${JSON.stringify(want)}`, () => {
    assert.equal(target({ kind, value }).endpoint_domain, want);
  });
}

Deno.test("§1.4 destructive inference from class (proc.exec) and op (spawn)", () => {
  assert.equal(
    target({ kind: "other", value: "x", endpoint_class: "proc.exec" }).destructive,
    true,
  );
  assert.equal(target({ kind: "queue", value: "q", operation: "spawn" }).destructive, true);
  assert.equal(target({ kind: "host", value: "h", operation: "drop" }).destructive, true);
});

// --- arg_provenance, skill_provenance ---------------------------------------

Deno.test("§1.2 step 6: arg_provenance is normalized, deduped and sorted", () => {
  const n = normalizeIntent(rawIntent({
    arg_provenance: [
      { arg_path: " $.b ", source: "USER" },
      { arg_path: "$.a", source: "external", integrity_digest: "A".repeat(64) },
      { arg_path: "$.b", source: "user" },
    ],
  }));
  assert.deepEqual(n.arg_provenance, [
    { arg_path: "$.a", source: "external", source_ref: "", integrity_digest: "a".repeat(64) },
    { arg_path: "$.b", source: "user", source_ref: "", integrity_digest: "" },
  ]);
});

Deno.test("§1.2 step 6: arg_path is required", () => {
  assertInvalidInput(
    () => normalizeIntent(rawIntent({ arg_provenance: [{ source: "user" }] })),
    /arg_provenance\[0\]\.arg_path is required/,
  );
});

Deno.test("§1.2 step 6: provenance source must be in the enum", () => {
  assertInvalidInput(
    () => normalizeIntent(rawIntent({ arg_provenance: [{ arg_path: "$", source: "llm" }] })),
    /source "llm"/,
  );
});

Deno.test("§1.2 step 6: integrity_digest must be 64 hex", () => {
  assertInvalidInput(
    () =>
      normalizeIntent(
        rawIntent({ arg_provenance: [{ arg_path: "$", source: "user", integrity_digest: "abc" }] }),
      ),
    /integrity_digest must be 64 hex/,
  );
});

Deno.test("§1.2 step 7: skill_provenance requires skill_name, source and publisher", () => {
  for (const missing of ["skill_name", "source", "publisher"]) {
    const skill: Record<string, unknown> = {
      skill_name: "s",
      source: "registry",
      publisher: "acme",
    };
    delete skill[missing];
    assertInvalidInput(
      () => normalizeIntent(rawIntent({ skill_provenance: skill })),
      new RegExp(`skill_provenance\\.${missing} is required`),
    );
  }
});

Deno.test("§1.2 step 7: skill source is lowered, digest lowered and checked", () => {
  const n = normalizeIntent(
    rawIntent({
      skill_provenance: {
        skill_name: " s ",
        source: "Registry",
        publisher: "Acme",
        digest: "B".repeat(64),
      },
    }),
  );
  assert.deepEqual(n.skill_provenance, {
    skill_name: "s",
    skill_version: "",
    source: "registry",
    publisher: "Acme",
    digest: "b".repeat(64),
    signature_key_id: "",
  });
  assertInvalidInput(
    () =>
      normalizeIntent(
        rawIntent({
          skill_provenance: { skill_name: "s", source: "r", publisher: "p", digest: "zz" },
        }),
      ),
    /digest must be 64 hex/,
  );
});

// --- context -----------------------------------------------------------------

for (const field of ["identity", "workspace", "risk_class"]) {
  Deno.test(`§1.2 step 8: context.${field} is required`, () => {
    assertInvalidInput(
      () => normalizeIntent(rawIntent({ context: { [field]: " " } })),
      new RegExp(`context\\.${field} is required`),
    );
  });
}

Deno.test("§1.2 step 8: missing context is an error naming context.identity", () => {
  const raw = rawIntent();
  delete raw.context;
  assertInvalidInput(() => normalizeIntent(raw), /context\.identity is required/);
});

Deno.test("§1.2 step 8: workspace backslashes become slashes (no cleaning)", () => {
  assert.equal(
    normalizeIntent(rawIntent({ context: { workspace: "C:\\repo\\.\\x" } })).context.workspace,
    "C:/repo/./x",
  );
});

Deno.test("§1.2 step 8: phase defaults to apply and must be plan|apply", () => {
  assert.equal(normalizeIntent(rawIntent()).context.phase, "apply");
  assert.equal(normalizeIntent(rawIntent({ context: { phase: " PLAN " } })).context.phase, "plan");
  assertInvalidInput(
    () => normalizeIntent(rawIntent({ context: { phase: "review" } })),
    /phase "review"/,
  );
});

Deno.test("§1.2 step 8: credential enums are lowered and checked", () => {
  const c = normalizeIntent(
    rawIntent({
      context: {
        credential_source: "AWS_STS",
        credential_access_type: "JIT",
        context_evidence_mode: "Required",
      },
    }),
  ).context;
  assert.deepEqual([c.credential_source, c.credential_access_type, c.context_evidence_mode], [
    "aws_sts",
    "jit",
    "required",
  ]);
  assertInvalidInput(
    () => normalizeIntent(rawIntent({ context: { credential_source: "keychain" } })),
    /credential_source "keychain"/,
  );
  assertInvalidInput(
    () => normalizeIntent(rawIntent({ context: { credential_access_type: "root" } })),
    /credential_access_type "root"/,
  );
  assertInvalidInput(
    () => normalizeIntent(rawIntent({ context: { context_evidence_mode: "strict" } })),
    /context_evidence_mode "strict"/,
  );
});

Deno.test("§1.2 step 8: context_set_digest must be 64 hex (lowered)", () => {
  assert.equal(
    normalizeIntent(rawIntent({ context: { context_set_digest: "C".repeat(64) } })).context
      .context_set_digest,
    "c".repeat(64),
  );
  assertInvalidInput(
    () => normalizeIntent(rawIntent({ context: { context_set_digest: "xyz" } })),
    /context_set_digest must be 64 hex/,
  );
});

Deno.test("§1.2 step 8: credential_ttl_seconds must be a non-negative integer", () => {
  assertInvalidInput(
    () => normalizeIntent(rawIntent({ context: { credential_ttl_seconds: -1 } })),
    /credential_ttl_seconds must be >= 0/,
  );
  assertInvalidInput(
    () => normalizeIntent(rawIntent({ context: { credential_ttl_seconds: 1.5 } })),
    /credential_ttl_seconds must be an integer/,
  );
  assertInvalidInput(
    () => normalizeIntent(rawIntent({ context: { credential_ttl_seconds: "60" } })),
    /credential_ttl_seconds must be an integer/,
  );
});

Deno.test("§1.2 step 8: credential_scopes and context_refs are uniq (case kept)", () => {
  const c = normalizeIntent(
    rawIntent({
      context: { credential_scopes: ["b", " A", "b", ""], context_refs: ["r2", "r1", "r2"] },
    }),
  ).context;
  assert.deepEqual(c.credential_scopes, ["A", "b"]);
  assert.deepEqual(c.context_refs, ["r1", "r2"]);
});

Deno.test("§1.2 step 8: empty auth_context is dropped", () => {
  assert.equal(
    normalizeIntent(rawIntent({ context: { auth_context: {} } })).context.auth_context,
    undefined,
  );
});

Deno.test("§1.2 step 8: sandbox paths are trimmed, cleaned, deduped, sorted; . dropped", () => {
  const sb = normalizeIntent(
    rawIntent({
      context: {
        sandbox: {
          writable_paths: [" /tmp//x/ ", "/tmp/x", ".", "", "/a/../b"],
          network_mode: "DISABLED",
        },
      },
    }),
  ).context.sandbox!;
  assert.deepEqual(sb.writable_paths, ["/b", "/tmp/x"]);
  assert.equal(sb.network_mode, "disabled");
});

Deno.test("§1.2 step 8: sandbox rejects environment assignments in paths and evidence_ref", () => {
  assertInvalidInput(
    () => normalizeIntent(rawIntent({ context: { sandbox: { writable_paths: ["HOME=/root"] } } })),
    /environment assignments/,
  );
  assertInvalidInput(
    () => normalizeIntent(rawIntent({ context: { sandbox: { evidence_ref: "TOKEN=abc" } } })),
    /environment assignments/,
  );
});

Deno.test("§1.2 step 8: sandbox evidence_ref that looks secret needs an allowed prefix", () => {
  assertInvalidInput(
    () =>
      normalizeIntent(rawIntent({ context: { sandbox: { evidence_ref: "abcd1234efgh5678" } } })),
    /evidence_ref must not contain raw credential material/,
  );
  for (
    const ok of [
      "receipt:abcd1234efgh5678",
      "proof:abcd1234efgh5678",
      "sandbox:abcd1234efgh5678",
      "ref:abcd1234efgh5678",
      "run-42",
    ]
  ) {
    assert.equal(
      normalizeIntent(rawIntent({ context: { sandbox: { evidence_ref: ok } } })).context.sandbox!
        .evidence_ref,
      ok,
    );
  }
});

Deno.test("§1.2 step 8: sandbox modes are enums and timeout is >= 0", () => {
  assertInvalidInput(
    () => normalizeIntent(rawIntent({ context: { sandbox: { user_mode: "admin" } } })),
    /user_mode "admin"/,
  );
  assertInvalidInput(
    () => normalizeIntent(rawIntent({ context: { sandbox: { timeout_seconds: -5 } } })),
    /timeout_seconds must be >= 0/,
  );
  assertInvalidInput(
    () => normalizeIntent(rawIntent({ context: { sandbox: { evidence_digest: "nothex" } } })),
    /evidence_digest must be 64 hex/,
  );
});

Deno.test("§1.2 step 8: an all-empty sandbox is dropped", () => {
  assert.equal(
    normalizeIntent(
      rawIntent({ context: { sandbox: { writable_paths: ["."], network_mode: " " } } }),
    ).context.sandbox,
    undefined,
  );
});

Deno.test("§1.2 step 8: agent_identity times are UTC and ordered", () => {
  const ai = normalizeIntent(
    rawIntent({
      context: {
        agent_identity: {
          issued_at: "2026-01-01T01:00:00+01:00",
          expires_at: "2026-02-01T00:00:00.500Z",
          source: "Registry",
          lifecycle_states: ["active", "Active"],
        },
      },
    }),
  ).context.agent_identity!;
  assert.equal(ai.issued_at, "2026-01-01T00:00:00Z");
  assert.equal(ai.approved_at, "0001-01-01T00:00:00Z");
  assert.equal(ai.expires_at, "2026-02-01T00:00:00.5Z");
  assert.equal(ai.source, "registry");
  assert.deepEqual(ai.lifecycle_states, ["Active", "active"]);
  assertInvalidInput(
    () =>
      normalizeIntent(
        rawIntent({
          context: {
            agent_identity: {
              issued_at: "2026-01-02T00:00:00Z",
              approved_at: "2026-01-01T00:00:00Z",
            },
          },
        }),
      ),
    /approved_at must not be before issued_at/,
  );
  assertInvalidInput(
    () =>
      normalizeIntent(
        rawIntent({
          context: {
            agent_identity: {
              issued_at: "2026-01-02T00:00:00Z",
              expires_at: "2026-01-02T00:00:00Z",
            },
          },
        }),
      ),
    /expires_at must be after issued_at/,
  );
  assertInvalidInput(
    () =>
      normalizeIntent(
        rawIntent({
          context: {
            agent_identity: {
              approved_at: "2026-01-02T00:00:00Z",
              expires_at: "2026-01-01T00:00:00Z",
            },
          },
        }),
      ),
    /expires_at must be after approved_at/,
  );
  assertInvalidInput(
    () => normalizeIntent(rawIntent({ context: { agent_identity: { manifest_digest: "1234" } } })),
    /manifest_digest must be 64 hex/,
  );
});

// --- delegation --------------------------------------------------------------

const LINK = (from: string, to: string, extra: Record<string, unknown> = {}) => ({
  delegator_identity: from,
  delegate_identity: to,
  ...extra,
});

Deno.test("§1.2 step 9: delegation.requester_identity is required", () => {
  assertInvalidInput(
    () => normalizeIntent(rawIntent({ delegation: { scope_class: "write" } })),
    /delegation\.requester_identity is required/,
  );
});

Deno.test("§1.2 step 9: every link needs both identities", () => {
  assertInvalidInput(
    () =>
      normalizeIntent(
        rawIntent({ delegation: { requester_identity: "w", chain: [{ delegate_identity: "w" }] } }),
      ),
    /chain\[0\]\.delegator_identity is required/,
  );
  assertInvalidInput(
    () =>
      normalizeIntent(
        rawIntent({
          delegation: { requester_identity: "w", chain: [{ delegator_identity: "l" }] },
        }),
      ),
    /chain\[0\]\.delegate_identity is required/,
  );
});

Deno.test("§1.2 step 9: link i delegator must equal link i-1 delegate", () => {
  assertInvalidInput(
    () =>
      normalizeIntent(
        rawIntent({
          delegation: { requester_identity: "w", chain: [LINK("a", "b"), LINK("c", "w")] },
        }),
      ),
    /chain\[1\]\.delegator_identity must equal delegation\.chain\[0\]\.delegate_identity/,
  );
});

Deno.test("§1.2 step 9: last delegate must equal the requester", () => {
  assertInvalidInput(
    () =>
      normalizeIntent(
        rawIntent({ delegation: { requester_identity: "w", chain: [LINK("a", "b")] } }),
      ),
    /delegate_identity must equal requester_identity/,
  );
});

Deno.test("§1.2 step 9: expires_at must be after issued_at (delegation and links)", () => {
  assertInvalidInput(
    () =>
      normalizeIntent(
        rawIntent({
          delegation: {
            requester_identity: "w",
            issued_at: "2026-01-02T00:00:00Z",
            expires_at: "2026-01-01T00:00:00Z",
          },
        }),
      ),
    /delegation\.expires_at must be after issued_at/,
  );
  assertInvalidInput(
    () =>
      normalizeIntent(
        rawIntent({
          delegation: {
            requester_identity: "w",
            chain: [
              LINK("a", "w", {
                issued_at: "2026-01-02T00:00:00Z",
                expires_at: "2026-01-02T00:00:00Z",
              }),
            ],
          },
        }),
      ),
    /chain\[0\]\.expires_at must be after issued_at/,
  );
});

Deno.test("§1.2 step 9: scope classes are lowered, token_refs uniq, times UTC", () => {
  const d = normalizeIntent(
    rawIntent({
      delegation: {
        requester_identity: " w ",
        scope_class: "WRITE",
        token_refs: ["t2", "t1", "t2"],
        issued_at: "2026-01-01T02:00:00+02:00",
        chain: [LINK("a", "w", { scope_class: "Write" })],
      },
    }),
  ).delegation!;
  assert.equal(d.requester_identity, "w");
  assert.equal(d.scope_class, "write");
  assert.deepEqual(d.token_refs, ["t1", "t2"]);
  assert.equal(d.issued_at, "2026-01-01T00:00:00Z");
  assert.equal(d.chain[0]!.scope_class, "write");
});

// --- JSON types, keys, timestamps ---------------------------------------------

Deno.test("§1.1 wrong JSON types are errors", () => {
  assertInvalidInput(
    () => normalizeIntent(rawIntent({ tool_name: 7 })),
    /tool_name must be a string/,
  );
  assertInvalidInput(
    () => normalizeIntent(rawIntent({ targets: { kind: "path" } })),
    /targets must be an array/,
  );
  assertInvalidInput(
    () =>
      normalizeIntent(rawIntent({ targets: [{ kind: "path", value: "/x", destructive: "yes" }] })),
    /destructive must be a boolean/,
  );
  assertInvalidInput(
    () => normalizeIntent(rawIntent({ context: { credential_scopes: [1] } })),
    /credential_scopes\[0\] must be a string/,
  );
  assertInvalidInput(() => normalizeIntent([]), /intent must be a JSON object/);
});

Deno.test("§1.1 non-RFC-3339 timestamps are errors", () => {
  assertInvalidInput(
    () => normalizeIntent(rawIntent({ created_at: "2026-02-18 00:00:00" })),
    /created_at is not an RFC 3339 timestamp/,
  );
  assertInvalidInput(
    () =>
      normalizeIntent(
        rawIntent({ delegation: { requester_identity: "w", expires_at: "tomorrow" } }),
      ),
    /delegation\.expires_at is not an RFC 3339 timestamp/,
  );
  assertInvalidInput(
    () => normalizeIntent(rawIntent({ created_at: 5 })),
    /created_at must be an RFC 3339 timestamp string/,
  );
});

Deno.test("§1.1 unknown keys are ignored and keys match case-insensitively (last wins)", () => {
  const a = normalizeIntent(
    rawIntent({ surprise: { deep: true }, Tool_Name: "tool.write", schema_id: "x" }),
  );
  assert.equal(a.tool_name, "tool.write");
  const b = normalizeIntent({
    ...rawIntent(),
    CONTEXT: { identity: "bob", workspace: "/w", risk_class: "low" },
  });
  assert.equal(b.context.identity, "bob");
  const c = normalizeIntent({ ...rawIntent(), tool_name: "first", TOOL_NAME: "second" });
  assert.equal(c.tool_name, "second");
});

Deno.test("§1.1 null fields keep their zero value", () => {
  const n = normalizeIntent(
    rawIntent({
      targets: null,
      arg_provenance: null,
      delegation: null,
      skill_provenance: null,
      script: null,
      context: { phase: null },
    }),
  );
  assert.deepEqual(n.targets, []);
  assert.equal(n.delegation, undefined);
  assert.equal(n.context.phase, "apply");
});

Deno.test("§1.1 schema ids default; relationship passes through undigested", () => {
  const n = normalizeIntent(rawIntent({ relationship: { parent_ref: { kind: "run", id: "r" } } }));
  assert.equal(n.schema_id, "gait.gate.intent_request");
  assert.equal(n.schema_version, "1.0.0");
  const without = normalizeIntent(rawIntent());
  assert.equal(n.intent_digest, without.intent_digest);
  assert.deepEqual(n.relationship, { parent_ref: { kind: "run", id: "r" } });
});

Deno.test("§1.3 N: created_at, producer_version and schema ids are not digested", () => {
  const a = normalizeIntent(
    rawIntent({ created_at: "2026-01-01T00:00:00Z", producer_version: "1" }),
  );
  const b = normalizeIntent(
    rawIntent({ created_at: "2027-01-01T00:00:00Z", producer_version: "2", schema_version: "9" }),
  );
  assert.equal(a.intent_digest, b.intent_digest);
});

Deno.test("§1.3 N: optional fields omitted when empty, timestamps always present", () => {
  const n = normalizeIntent(rawIntent({
    delegation: { requester_identity: "alice", chain: [LINK("lead", "alice")] },
    context: { agent_identity: {} },
  }));
  const N = intentDigestObject(n) as Record<string, Record<string, unknown>>;
  assert.deepEqual(Object.keys(N).sort(), [
    "arg_provenance",
    "args",
    "context",
    "delegation",
    "targets",
    "tool_name",
  ]);
  assert.deepEqual(N.delegation, {
    requester_identity: "alice",
    issued_at: "0001-01-01T00:00:00Z",
    expires_at: "0001-01-01T00:00:00Z",
    chain: [{
      delegator_identity: "lead",
      delegate_identity: "alice",
      issued_at: "0001-01-01T00:00:00Z",
      expires_at: "0001-01-01T00:00:00Z",
    }],
  });
  assert.deepEqual(N.context, {
    identity: "alice",
    workspace: "/repo",
    risk_class: "medium",
    phase: "apply",
    agent_identity: {
      issued_at: "0001-01-01T00:00:00Z",
      approved_at: "0001-01-01T00:00:00Z",
      expires_at: "0001-01-01T00:00:00Z",
    },
  });
  assert.deepEqual(N.targets, [{
    kind: "path",
    value: "/repo/a.txt",
    operation: "read",
    endpoint_class: "fs.read",
    discovery_method: "unknown",
  }]);
});

Deno.test("§1.3 N: targets is always present (may be [])", () => {
  const N = intentDigestObject(normalizeIntent(rawIntent({ targets: [], arg_provenance: [] })));
  assert.deepEqual(N.targets, []);
  assert.equal("arg_provenance" in N, false);
});

// --- idempotence ----------------------------------------------------------------

const word = fc.stringMatching(/^[ A-Za-z0-9._\-\/:\u00a0\u0085\u3000\ufeffİΣ]{0,12}$/);
const arbTarget = fc.record({
  kind: fc.constantFrom(
    "path",
    "URL",
    " host ",
    "repo",
    "bucket",
    "table",
    "queue",
    "topic",
    "other",
  ),
  value: fc.oneof(
    word.filter((s) => s.trim() !== ""),
    fc.constantFrom("https://Api.Example.com:8/x", "//h.test/p", "a.b:9"),
  ),
  operation: fc.option(
    fc.constantFrom("read", "Write", "delete", "exec", "resolve", " list ", "x"),
    { nil: undefined },
  ),
  endpoint_class: fc.option(fc.constantFrom("", "fs.read", "NET.HTTP", "proc.exec", "other"), {
    nil: undefined,
  }),
  destructive_hint: fc.option(fc.boolean(), { nil: undefined }),
  read_only_hint: fc.option(fc.boolean(), { nil: undefined }),
  discovery_method: fc.option(fc.constantFrom("", "MCP", "dynamic-mcp", "static mcp"), {
    nil: undefined,
  }),
}, { requiredKeys: ["kind", "value"] });
const arbProv = fc.record({
  arg_path: word.filter((s) => s.trim() !== ""),
  source: fc.constantFrom("user", "TOOL_OUTPUT", " external", "system"),
  source_ref: fc.option(word, { nil: undefined }),
});
const arbArgs = fc.dictionary(
  word.filter((s) => s.trim() !== "" && !/token|secret|key|password|credential/i.test(s)),
  fc.oneof(word, fc.integer(), fc.boolean(), fc.constant(null), fc.array(word, { maxLength: 3 })),
  { maxKeys: 4 },
);
const arbIntent = fc.record({
  tool_name: word.filter((s) => s.trim() !== ""),
  args: arbArgs,
  targets: fc.array(arbTarget, { maxLength: 4 }),
  arg_provenance: fc.array(arbProv, { maxLength: 3 }),
  script: fc.option(
    fc.record({
      steps: fc.array(
        fc.record({
          tool_name: word.filter((s) => s.trim() !== ""),
          args: arbArgs,
          targets: fc.array(arbTarget, { maxLength: 2 }),
          arg_provenance: fc.array(arbProv, { maxLength: 2 }),
        }),
        { minLength: 1, maxLength: 3 },
      ),
    }),
    { nil: undefined },
  ),
  delegation: fc.option(
    fc.record({
      requester_identity: fc.constant("w"),
      scope_class: fc.constantFrom("", "Write"),
      token_refs: fc.array(word, { maxLength: 3 }),
      issued_at: fc.constantFrom("2026-01-01T00:00:00+02:00", "2026-01-01T00:00:00.100Z"),
      chain: fc.constantFrom([], [LINK("a", "w")], [LINK("a", "b"), LINK("b", "w")]),
    }),
    { nil: undefined },
  ),
  context: fc.record({
    identity: word.filter((s) => s.trim() !== ""),
    workspace: fc.constantFrom("/repo", "C:\\work\\x", " /a/b "),
    risk_class: fc.constantFrom("low", "Medium", "HIGH"),
    phase: fc.constantFrom(undefined, "plan", "Apply"),
    credential_scopes: fc.array(word, { maxLength: 3 }),
    auth_context: fc.option(arbArgs, { nil: undefined }),
    credential_ttl_seconds: fc.nat(100),
    sandbox: fc.option(
      fc.record({
        writable_paths: fc.array(word, { maxLength: 3 }),
        network_mode: fc.constantFrom("", "Disabled", "full"),
      }),
      { nil: undefined },
    ),
    agent_identity: fc.option(
      fc.record({
        issued_at: fc.constant("2026-01-01T00:00:00+05:30"),
        lifecycle_states: fc.array(word, { maxLength: 2 }),
      }),
      { nil: undefined },
    ),
  }),
});

function digests(n: NormalizedIntent): string[] {
  return [n.intent_digest, n.args_digest, n.script_hash];
}

Deno.test("property: normalizeIntent is idempotent (normalize(normalize(x)) digests equal)", () => {
  fc.assert(
    fc.property(arbIntent, (raw) => {
      let once: NormalizedIntent;
      try {
        once = normalizeIntent(JSON.parse(JSON.stringify(raw)));
      } catch {
        return true; // invalid inputs (e.g. a delegation chain mismatch) are out of scope
      }
      const twice = normalizeIntent(JSON.parse(JSON.stringify(once)));
      assert.deepEqual(digests(twice), digests(once));
      assert.deepEqual(twice, once);
      return true;
    }),
    { numRuns: 400 },
  );
});
