/**
 * JUnit output (spec 03 §4): exact layout, escaping, validity against a JUnit
 * XSD (libxml2) and readability by a JUnit consumer (junit2json).
 */

import assert from "node:assert/strict";
import { escapeXml, renderJunitXml } from "../../src/regress/junit.ts";
import type { GraderResult } from "../../src/regress/graders.ts";
import { assertValidJunit, parseJunit } from "./_junit.ts";

function grader(name: string, status: "pass" | "fail", codes: string[] = []): GraderResult {
  return { name, status, reason_codes: codes, details: {} };
}

const PASSING = [
  grader("run_demo/diff", "pass"),
  grader("run_demo/expected_exit_code", "pass"),
];

const FAILING = [
  grader("run_demo/diff", "fail", ["unexpected_diff"]),
  grader("run_demo/expected_exit_code", "pass"),
  grader("run_demo/trajectory", "fail", [
    "unexpected_tool_sequence",
    "unexpected_verdict_sequence",
  ]),
  grader("run_demo/schema_validation", "fail"),
];

Deno.test("JUnit: exact bytes of a passing run (testcases never self-closed)", () => {
  assert.equal(
    renderJunitXml("default", PASSING),
    [
      `<?xml version="1.0" encoding="UTF-8"?>`,
      `<testsuites tests="2" failures="0" errors="0" skipped="0" time="0">`,
      `  <testsuite name="gait.regress.default" tests="2" failures="0" errors="0" skipped="0" time="0">`,
      `    <testcase name="diff" classname="run_demo" time="0"></testcase>`,
      `    <testcase name="expected_exit_code" classname="run_demo" time="0"></testcase>`,
      `  </testsuite>`,
      `</testsuites>`,
      ``,
    ].join("\n"),
  );
});

Deno.test("JUnit: failures carry comma-joined codes, or `failed` when there are none", () => {
  const xml = renderJunitXml("nightly", FAILING);
  assert.ok(xml.includes(`<testsuites tests="4" failures="3" errors="0" skipped="0" time="0">`));
  assert.ok(xml.includes(`<testsuite name="gait.regress.nightly" tests="4" failures="3"`));
  assert.ok(
    xml.includes(
      `    <testcase name="trajectory" classname="run_demo" time="0">\n` +
        `      <failure message="unexpected_tool_sequence,unexpected_verdict_sequence" type="regress_failure">` +
        `unexpected_tool_sequence,unexpected_verdict_sequence</failure>\n    </testcase>`,
    ),
  );
  assert.ok(xml.includes(`<failure message="failed" type="regress_failure">failed</failure>`));
  assert.ok(!/\/>/.test(xml), "no self-closed elements");
  assert.ok(xml.endsWith("</testsuites>\n"));
});

Deno.test("JUnit: text is escaped as Go's xml.EscapeText does", () => {
  assert.equal(
    escapeXml(`a&b<c>"d"'e'\t\n\r`),
    "a&amp;b&lt;c&gt;&#34;d&#34;&#39;e&#39;&#x9;&#xA;&#xD;",
  );
  assert.equal(escapeXml("x\u0001y"), "x\uFFFDy");
  const xml = renderJunitXml(`a"<&>`, PASSING);
  assert.ok(xml.includes(`name="gait.regress.a&#34;&lt;&amp;&gt;"`));
});

Deno.test("JUnit: passing and failing reports are valid against the JUnit XSD", async () => {
  await assertValidJunit(renderJunitXml("default", PASSING));
  await assertValidJunit(renderJunitXml("default", FAILING));
  await assertValidJunit(renderJunitXml(`odd "set" <&>`, FAILING));
});

Deno.test("JUnit: the validator really rejects a malformed report", async () => {
  const broken = renderJunitXml("default", PASSING).replace(` name="diff"`, "");
  await assert.rejects(() => assertValidJunit(broken), /name' is required/);
});

Deno.test("JUnit: junit2json reads suites, counts, testcases and failures", async () => {
  const parsed = await parseJunit(renderJunitXml("default", FAILING));
  assert.equal(parsed.tests, 4);
  assert.equal(parsed.failures, 3);
  assert.equal(parsed.errors, 0);
  const suite = parsed.testsuite![0]!;
  assert.equal(suite.name, "gait.regress.default");
  assert.deepEqual(suite.testcase!.map((c) => [c.classname, c.name, c.failure?.[0]?.message]), [
    ["run_demo", "diff", "unexpected_diff"],
    ["run_demo", "expected_exit_code", undefined],
    ["run_demo", "trajectory", "unexpected_tool_sequence,unexpected_verdict_sequence"],
    ["run_demo", "schema_validation", "failed"],
  ]);
  assert.equal(suite.testcase![0]!.failure![0]!.type, "regress_failure");
  assert.equal(suite.testcase![0]!.failure![0]!.inner, "unexpected_diff");
});
