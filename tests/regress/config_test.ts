/**
 * gait.yaml, fixture.json, fixture names and verdicts (spec 03 §4).
 */

import assert from "node:assert/strict";
import { GaitError } from "../../src/core/errors.ts";
import {
  configFromFixtures,
  parseRegressConfig,
  renderRegressConfig,
  scanFixtures,
} from "../../src/regress/config.ts";
import {
  assertFixtureName,
  fixtureNameFromRunId,
  parseFixtureMeta,
  renderFixtureMeta,
} from "../../src/regress/fixture.ts";
import { normalizeVerdict, resultVerdict } from "../../src/regress/verdict.ts";
import type { ResultRecord } from "../../src/runpack/types.ts";
import { withTempDir } from "../helpers/cli.ts";

const enc = new TextEncoder();
const bytes = (v: unknown) => enc.encode(typeof v === "string" ? v : JSON.stringify(v));

function invalid(fn: () => unknown, message: RegExp): void {
  assert.throws(fn, (e) => e instanceof GaitError && e.exitCode === 6 && message.test(e.message));
}

Deno.test("gait.yaml is JSON: empty schema fields and fixture_set get defaults", () => {
  const config = parseRegressConfig(
    bytes({ fixtures: [{ name: "a", runpack: "p" }] }),
    "gait.yaml",
  );
  assert.deepEqual(config, {
    schema_id: "gait.regress.config",
    schema_version: "1.0.0",
    fixture_set: "default",
    fixtures: [{ name: "a", run_id: "", runpack: "p" }],
  });
});

Deno.test("gait.yaml rejects YAML, other schema ids, unknown fields and duplicate keys", () => {
  invalid(() => parseRegressConfig(bytes("fixtures: []\n"), "gait.yaml"), /gait\.yaml/);
  invalid(
    () => parseRegressConfig(bytes({ schema_id: "x" }), "gait.yaml"),
    /unsupported schema_id/,
  );
  invalid(
    () => parseRegressConfig(bytes({ schema_version: "2.0.0" }), "gait.yaml"),
    /unsupported schema_version/,
  );
  invalid(
    () => parseRegressConfig(bytes({ fixturez: [] }), "gait.yaml"),
    /unknown field "fixturez"/,
  );
  invalid(
    () => parseRegressConfig(bytes({ fixtures: [{ name: "a", extra: 1 }] }), "gait.yaml"),
    /unknown field "extra"/,
  );
  invalid(
    () => parseRegressConfig(bytes('{"fixture_set":"a","fixture_set":"b"}'), "gait.yaml"),
    /duplicate/,
  );
  invalid(() => parseRegressConfig(bytes([]), "gait.yaml"), /JSON object/);
});

Deno.test("gait.yaml is written pretty in struct order with a trailing newline", () => {
  const text = renderRegressConfig({
    schema_id: "gait.regress.config",
    schema_version: "1.0.0",
    fixture_set: "default",
    fixtures: [{ name: "run_demo", run_id: "run_demo", runpack: "fixtures/run_demo/runpack.zip" }],
  });
  assert.equal(
    text,
    '{\n  "schema_id": "gait.regress.config",\n  "schema_version": "1.0.0",\n  "fixture_set": "default",\n' +
      '  "fixtures": [\n    {\n      "name": "run_demo",\n      "run_id": "run_demo",\n' +
      '      "runpack": "fixtures/run_demo/runpack.zip"\n    }\n  ]\n}\n',
  );
});

Deno.test("fixture names: derived from the run id, validated against the pattern", () => {
  assert.equal(fixtureNameFromRunId("run_demo"), "run_demo");
  assert.equal(fixtureNameFromRunId("Run Demo!"), "run-demo");
  assert.equal(fixtureNameFromRunId("__x.y__"), "x.y");
  assert.equal(fixtureNameFromRunId("!!!"), "fixture");
  assertFixtureName("a.b-c_d");
  for (const bad of ["", "-a", "A", "a/b", "..", "a b"]) {
    invalid(() => assertFixtureName(bad), /^invalid fixture name: /);
  }
});

Deno.test("fixture.json: verdict synonyms normalized, unknown verdicts and fields rejected", () => {
  const meta = parseFixtureMeta(
    bytes({ name: "a", run_id: "run_a", expected_verdict_sequence: ["ok", "Denied", "dry-run"] }),
    "fixture.json",
  );
  assert.deepEqual(meta.expected_verdict_sequence, ["allow", "block", "dry_run"]);
  assert.equal(meta.schema_id, "gait.regress.fixture");
  assert.equal(meta.runpack, "runpack.zip");
  invalid(
    () => parseFixtureMeta(bytes({ expected_verdict_sequence: ["maybe"] }), "f"),
    /unsupported verdict "maybe"/,
  );
  invalid(() => parseFixtureMeta(bytes({ expected_tool_sequnce: [] }), "f"), /unknown field/);
  invalid(() => parseFixtureMeta(bytes({ expected_replay_exit_code: -1 }), "f"), />= 0/);
  invalid(() => parseFixtureMeta(bytes({ context_conformance: "maybe" }), "f"), /required or none/);
  invalid(() => parseFixtureMeta(bytes({ expected_context_set_digest: "xyz" }), "f"), /64 hex/);
  invalid(() => parseFixtureMeta(bytes({ runpack: "../x.zip" }), "f"), /file name/);
  invalid(() => parseFixtureMeta(bytes({ schema_id: "gait.other" }), "f"), /schema_id/);
});

Deno.test("fixture.json round-trips in struct order, omitting empty optional fields", () => {
  const meta = parseFixtureMeta(
    bytes({
      schema_id: "gait.regress.fixture",
      schema_version: "1.0.0",
      name: "a",
      run_id: "run_a",
      runpack: "runpack.zip",
      expected_replay_exit_code: 2,
      diff_allow_changed_files: [],
      candidate_runpack: "cand.zip",
    }),
    "f",
  );
  const text = renderFixtureMeta(meta);
  assert.deepEqual(Object.keys(JSON.parse(text)), [
    "schema_id",
    "schema_version",
    "name",
    "run_id",
    "runpack",
    "expected_replay_exit_code",
    "candidate_runpack",
  ]);
  assert.deepEqual(parseFixtureMeta(bytes(text), "f"), meta);
});

Deno.test("verdicts: payload verdict first, then status synonyms, else error", () => {
  const r = (
    status: string,
    result?: Record<string, string>,
  ) => ({ status, result } as unknown as ResultRecord);
  assert.equal(resultVerdict(r("ok")), "allow");
  assert.equal(resultVerdict(r("blocked")), "block");
  assert.equal(resultVerdict(r("approval_required")), "require_approval");
  assert.equal(resultVerdict(r("whatever")), "error");
  assert.equal(resultVerdict(r("ok", { verdict: "block" })), "block");
  assert.equal(resultVerdict(r("ok", { verdict: "strange" })), "error");
  assert.equal(normalizeVerdict(" DRY_RUN "), "dry_run");
});

Deno.test("scanning fixtures: sorted, invalid names skipped, metadata required with a runpack", async () => {
  await withTempDir(async (dir) => {
    const meta = (name: string) =>
      JSON.stringify({
        schema_id: "gait.regress.fixture",
        name,
        run_id: `run_${name}`,
        runpack: "runpack.zip",
      });
    for (const name of ["b", "a", "Bad Name", "empty"]) await Deno.mkdir(`${dir}/${name}`);
    await Deno.writeTextFile(`${dir}/b/fixture.json`, meta("b"));
    await Deno.writeTextFile(`${dir}/a/fixture.json`, meta("a"));
    await Deno.writeTextFile(`${dir}/Bad Name/fixture.json`, meta("x"));
    const scanned = await scanFixtures(dir);
    assert.deepEqual(scanned.map((f) => f.name), ["a", "b"]);
    assert.deepEqual(configFromFixtures(scanned, "").fixtures, [
      { name: "a", run_id: "run_a", runpack: "fixtures/a/runpack.zip" },
      { name: "b", run_id: "run_b", runpack: "fixtures/b/runpack.zip" },
    ]);
    await Deno.writeFile(`${dir}/empty/runpack.zip`, new Uint8Array([1]));
    await assert.rejects(
      () => scanFixtures(dir),
      (e) => e instanceof GaitError && e.message === "fixture metadata missing for empty",
    );
  });
});
