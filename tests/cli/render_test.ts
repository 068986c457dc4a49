/**
 * `--json` rendering and correlation ids (spec 01 §0, spec 03 §1, spec 04 §0).
 */

import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { correlationId, renderJson } from "../../src/cli/render.ts";

function referenceCorrelationId(argv: string[]): string {
  const hash = createHash("sha256").update(argv.map((a) => a.trim()).join("\x1f")).digest();
  return hash.subarray(0, 12).toString("hex");
}

Deno.test("correlation_id is the first 12 bytes (24 hex) of sha256 over gait + args joined by 0x1f", () => {
  assert.equal(
    correlationId(["verify", "run_demo", "--json"]),
    referenceCorrelationId(["gait", "verify", "run_demo", "--json"]),
  );
  assert.match(correlationId([]), /^[0-9a-f]{24}$/);
  assert.equal(correlationId([]), referenceCorrelationId(["gait"]));
});

Deno.test("correlation_id known answer for `gait version --json`", () => {
  // printf 'gait\x1fversion\x1f--json' | sha256sum | cut -c1-24
  assert.equal(correlationId(["version", "--json"]), "e817da1ea5bc1c4b0c6da48f");
});

Deno.test("correlation_id trims each argument and keeps argument boundaries", () => {
  assert.equal(correlationId([" version ", "\t--json\n"]), correlationId(["version", "--json"]));
  assert.notEqual(correlationId(["a b"]), correlationId(["a", "b"]));
  assert.notEqual(correlationId(["ab"]), correlationId(["a", "b"]));
  assert.notEqual(correlationId(["verify", "x"]), correlationId(["verify", "y"]));
});

Deno.test("renderJson prints one line with keys sorted at every depth", () => {
  const out = renderJson({ z: 1, a: { y: [{ d: 1, c: 2 }], b: true }, ok: true }, "cid", 0);
  assert.equal(
    out,
    '{"a":{"b":true,"y":[{"c":2,"d":1}]},"correlation_id":"cid","ok":true,"z":1}\n',
  );
  assert.equal(out.split("\n").length, 2);
});

Deno.test("renderJson injects correlation_id but never overwrites one", () => {
  assert.equal(renderJson({}, "cid", 0), '{"correlation_id":"cid"}\n');
  assert.equal(renderJson({ correlation_id: "mine" }, "cid", 0), '{"correlation_id":"mine"}\n');
});

Deno.test("renderJson applies Go escaping", () => {
  assert.equal(
    renderJson({ error: "", msg: "<a>&\u2028" }, "c", 0),
    '{"correlation_id":"c","error":"","msg":"\\u003ca\\u003e\\u0026\\u2028"}\n',
  );
});

Deno.test("renderJson adds the error envelope only when error is non-empty", () => {
  assert.equal(renderJson({ ok: true }, "c", 0), '{"correlation_id":"c","ok":true}\n');
  assert.equal(
    renderJson({ ok: false, error: "" }, "c", 6),
    '{"correlation_id":"c","error":"","ok":false}\n',
  );
  assert.deepEqual(JSON.parse(renderJson({ ok: false, error: "bad" }, "c", 6)), {
    correlation_id: "c",
    error: "bad",
    error_category: "invalid_input",
    error_code: "invalid_input",
    hint: "check command usage and input schema",
    ok: false,
    retryable: false,
  });
  const verify = JSON.parse(renderJson({ ok: false, error: "hash mismatch" }, "c", 2));
  assert.equal(verify.error_code, "verification_failed");
  assert.equal(verify.hint, "re-run verify after checking artifact integrity");
});

Deno.test("renderJson keeps existing envelope keys", () => {
  const out = JSON.parse(renderJson({ error: "x", hint: "use `gait mcp verify` instead" }, "c", 6));
  assert.equal(out.hint, "use `gait mcp verify` instead");
  assert.equal(out.error_code, "invalid_input");
});

Deno.test("renderJson uses the error's category only for exit 1", () => {
  const contention = JSON.parse(renderJson({ error: "x" }, "c", 1, "state_contention"));
  assert.equal(contention.error_category, "state_contention");
  assert.equal(contention.error_code, "internal_failure");
  assert.equal(contention.retryable, true);
  const invalid = JSON.parse(renderJson({ error: "x" }, "c", 6, "io_failure"));
  assert.equal(invalid.error_category, "invalid_input");
  assert.equal(invalid.retryable, false);
});

Deno.test("renderJson drops undefined properties", () => {
  assert.equal(renderJson({ a: undefined, b: 1 }, "c", 0), '{"b":1,"correlation_id":"c"}\n');
});
