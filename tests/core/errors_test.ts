/**
 * Error categories, exit codes and the JSON error envelope (spec 01 §0,
 * spec 03 §1, spec 04 §0).
 */

import assert from "node:assert/strict";
import {
  applyErrorEnvelope,
  type ErrorCategory,
  errorMessage,
  ExitCode,
  exitCodeForCategory,
  exitCodeForError,
  GaitError,
  invalidInput,
  verificationFailed,
} from "../../src/core/errors.ts";

const CATEGORY_EXIT: [ErrorCategory, number][] = [
  ["invalid_input", 6],
  ["verification_failed", 2],
  ["policy_blocked", 3],
  ["approval_required", 4],
  ["dependency_missing", 7],
  ["unsafe_operation", 8],
  ["regress_failed", 5],
  ["io_failure", 1],
  ["state_contention", 1],
  ["network_transient", 1],
  ["network_permanent", 1],
  ["internal_failure", 1],
];

for (const [category, exit] of CATEGORY_EXIT) {
  Deno.test(`category ${category} exits ${exit}`, () => {
    assert.equal(exitCodeForCategory(category), exit);
    assert.equal(new GaitError(category, "x").exitCode, exit);
    assert.equal(exitCodeForError(new GaitError(category, "x")), exit);
  });
}

Deno.test("exit code table is 0–8 as in spec 01 §0", () => {
  assert.deepEqual(ExitCode, {
    ok: 0,
    internal: 1,
    verificationFailed: 2,
    policyBlocked: 3,
    approvalRequired: 4,
    regressFailed: 5,
    invalidInput: 6,
    dependencyMissing: 7,
    unsafeOperation: 8,
  });
});

Deno.test("GaitError is an Error with category, hint, details and cause", () => {
  const cause = new Error("root");
  const e = new GaitError("verification_failed", "bad zip", {
    hint: "h",
    details: { path: "x.zip" },
    cause,
  });
  assert.ok(e instanceof Error);
  assert.equal(e.name, "GaitError");
  assert.equal(e.message, "bad zip");
  assert.equal(e.category, "verification_failed");
  assert.equal(e.hint, "h");
  assert.deepEqual(e.details, { path: "x.zip" });
  assert.equal(e.cause, cause);
  const plain = new GaitError("invalid_input", "m");
  assert.equal(plain.hint, undefined);
  assert.equal(plain.details, undefined);
  assert.equal("cause" in plain, false);
});

Deno.test("invalidInput and verificationFailed shorthands", () => {
  assert.equal(invalidInput("m").category, "invalid_input");
  assert.equal(invalidInput("m").exitCode, 6);
  assert.equal(verificationFailed("m").category, "verification_failed");
  assert.equal(verificationFailed("m").exitCode, 2);
});

Deno.test("uncategorized errors whose message contains lock/contention/timeout exit 1", () => {
  for (
    const message of [
      "failed to acquire lock",
      "state CONTENTION detected",
      "read Timeout",
      "open blockers.json: no such file", // the reference tool's quirk: "blockers" contains "lock"
    ]
  ) {
    assert.equal(exitCodeForError(new Error(message)), 1, message);
    assert.equal(exitCodeForError(new Error(message), 2), 1, message);
  }
  assert.equal(exitCodeForError("lock held"), 1);
});

Deno.test("other uncategorized errors take the command's fallback (default 6)", () => {
  assert.equal(exitCodeForError(new Error("boom")), 6);
  assert.equal(exitCodeForError(new Error("boom"), 2), 2);
  assert.equal(exitCodeForError("boom", 1), 1);
  assert.equal(exitCodeForError(undefined), 6);
});

Deno.test("a GaitError's category wins over the lock/contention/timeout heuristic", () => {
  assert.equal(exitCodeForError(new GaitError("invalid_input", "lock file is malformed")), 6);
  assert.equal(exitCodeForError(new GaitError("verification_failed", "timeout"), 1), 2);
});

Deno.test("errorMessage is one line for any thrown value", () => {
  assert.equal(errorMessage(new Error("boom")), "boom");
  assert.equal(errorMessage(new Error("a\n  b\r\nc \n")), "a b c");
  assert.equal(errorMessage("text"), "text");
  assert.equal(errorMessage(42), "42");
});

// spec 03 §1, "Error envelope": exit -> error_code, error_category, hint.
const ENVELOPE: [number, string, string, string][] = [
  [6, "invalid_input", "invalid_input", "check command usage and input schema"],
  [
    2,
    "verification_failed",
    "verification_failed",
    "re-run verify after checking artifact integrity",
  ],
  [3, "policy_blocked", "policy_blocked", "inspect reason_codes and adjust policy or intent"],
  [4, "approval_required", "approval_required", "provide a valid approval token and retry"],
  [
    7,
    "dependency_missing",
    "dependency_missing",
    "install or configure the missing dependency and retry",
  ],
  [
    8,
    "unsafe_operation",
    "internal_failure",
    "pass explicit unsafe flags only for approved replay paths",
  ],
  [5, "regress_failed", "internal_failure", "retry after checking local environment and logs"],
  [1, "internal_failure", "internal_failure", "retry after checking local environment and logs"],
  [9, "internal_failure", "internal_failure", "retry after checking local environment and logs"],
];

for (const [exit, code, category, hint] of ENVELOPE) {
  Deno.test(`envelope for exit ${exit}: error_code ${code}, error_category ${category}`, () => {
    const out = applyErrorEnvelope({ ok: false, error: "boom" }, exit);
    assert.deepEqual(out, {
      ok: false,
      error: "boom",
      error_code: code,
      error_category: category,
      retryable: false,
      hint,
    });
  });
}

Deno.test("envelope is added only when error is a non-empty string", () => {
  assert.deepEqual(applyErrorEnvelope({ ok: true }, 0), { ok: true });
  assert.deepEqual(applyErrorEnvelope({ ok: false, error: "" }, 6), { ok: false, error: "" });
  assert.deepEqual(applyErrorEnvelope({ ok: false }, 2), { ok: false });
  assert.deepEqual(applyErrorEnvelope({ ok: false, error: null }, 6), { ok: false, error: null });
});

Deno.test("envelope never overwrites existing keys", () => {
  const input = {
    error: "boom",
    error_code: "custom_code",
    error_category: "io_failure",
    retryable: true,
    hint: "custom hint",
  };
  assert.deepEqual(applyErrorEnvelope(input, 6), input);
  const partial = applyErrorEnvelope({ error: "boom", hint: "keep me" }, 2);
  assert.equal(partial.hint, "keep me");
  assert.equal(partial.error_code, "verification_failed");
});

Deno.test("envelope does not mutate its input", () => {
  const input = { ok: false, error: "boom" };
  applyErrorEnvelope(input, 6);
  assert.deepEqual(input, { ok: false, error: "boom" });
});

Deno.test("retryable is true only for network_transient and state_contention", () => {
  for (const [category] of CATEGORY_EXIT) {
    const out = applyErrorEnvelope({ error: "x" }, 1, category);
    assert.equal(out.error_category, category);
    assert.equal(
      out.retryable,
      category === "network_transient" || category === "state_contention",
      category,
    );
  }
});
