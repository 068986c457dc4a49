/**
 * JUnit XML of a regress run (spec 03 §4), byte-for-byte in the Go tool's
 * layout: XML declaration, two-space indentation, one testsuite per fixture
 * set, one testcase per grader, elements never self-closed.
 *
 * @module
 */

import type { GraderResult } from "./graders.ts";

/**
 * Escapes text for XML exactly as Go's `xml.EscapeText` does (quotes as
 * numeric references, tab/newline/CR as hex references, characters XML
 * cannot carry replaced by U+FFFD).
 *
 * @example
 * ```ts
 * escapeXml(`a<"b">`); // "a&lt;&#34;b&#34;&gt;"
 * ```
 */
export function escapeXml(text: string): string {
  let out = "";
  for (const ch of text.toWellFormed()) {
    const cp = ch.codePointAt(0)!;
    switch (ch) {
      case "&":
        out += "&amp;";
        continue;
      case "<":
        out += "&lt;";
        continue;
      case ">":
        out += "&gt;";
        continue;
      case '"':
        out += "&#34;";
        continue;
      case "'":
        out += "&#39;";
        continue;
      case "\t":
        out += "&#x9;";
        continue;
      case "\n":
        out += "&#xA;";
        continue;
      case "\r":
        out += "&#xD;";
        continue;
    }
    const allowed = cp >= 0x20 && cp <= 0xd7ff || cp >= 0xe000 && cp <= 0xfffd ||
      cp >= 0x10000 && cp <= 0x10ffff;
    out += allowed ? ch : "\uFFFD";
  }
  return out;
}

function splitName(name: string): { fixture: string; grader: string } {
  const slash = name.indexOf("/");
  return slash < 0
    ? { fixture: "", grader: name }
    : { fixture: name.slice(0, slash), grader: name.slice(slash + 1) };
}

/**
 * Renders the JUnit report of graded results (already sorted by name).
 *
 * @example
 * ```ts
 * renderJunitXml("default", graders).startsWith('<?xml version="1.0" encoding="UTF-8"?>\n'); // true
 * ```
 */
export function renderJunitXml(fixtureSet: string, graders: readonly GraderResult[]): string {
  const failures = graders.filter((g) => g.status === "fail").length;
  const counts = `tests="${graders.length}" failures="${failures}" errors="0" skipped="0" time="0"`;
  const lines = [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<testsuites ${counts}>`,
    `  <testsuite name="${escapeXml(`gait.regress.${fixtureSet}`)}" ${counts}>`,
  ];
  for (const g of graders) {
    const { fixture, grader } = splitName(g.name);
    const open = `    <testcase name="${escapeXml(grader)}" classname="${
      escapeXml(fixture)
    }" time="0">`;
    if (g.status !== "fail") {
      lines.push(`${open}</testcase>`);
      continue;
    }
    const codes = escapeXml(g.reason_codes.length > 0 ? g.reason_codes.join(",") : "failed");
    lines.push(
      open,
      `      <failure message="${codes}" type="regress_failure">${codes}</failure>`,
      `    </testcase>`,
    );
  }
  lines.push(`  </testsuite>`, `</testsuites>`);
  return lines.join("\n") + "\n";
}
