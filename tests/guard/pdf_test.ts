import assert from "node:assert/strict";
import { renderSummaryPdf } from "../../src/guard/pdf.ts";
import { withTempDir } from "../helpers/cli.ts";

const latin1 = new TextDecoder("latin1");

function hasPdfinfo(): boolean {
  try {
    return new Deno.Command("pdfinfo", { args: ["-v"], stdout: "null", stderr: "null" })
      .outputSync().success;
  } catch {
    return false;
  }
}

const summary = {
  title: "Gait Evidence Pack Summary",
  fields: [["run_id", "run_demo"], ["case_id", "INC (42) \\ é"]] as [string, string][],
  sections: [{
    heading: "Evidence",
    lines: Array.from({ length: 130 }, (_, i) => `file_${i}.json  [evidence]`),
  }],
};

Deno.test("pdf: the summary is PDF 1.4 with an exact cross-reference table", () => {
  const pdf = renderSummaryPdf(summary);
  const text = latin1.decode(pdf);
  assert.ok(text.startsWith("%PDF-1.4\n%"));
  assert.ok(pdf.subarray(10, 14).every((b) => b > 127), "binary marker comment");
  assert.ok(text.endsWith("%%EOF\n"));
  const startxref = Number(/startxref\n(\d+)\n%%EOF\n$/.exec(text)![1]);
  assert.equal(text.slice(startxref, startxref + 5), "xref\n");
  const count = Number(/^xref\n0 (\d+)\n/.exec(text.slice(startxref))![1]);
  const rows = text.slice(startxref).split("\n").slice(2, 2 + count);
  for (const [id, row] of rows.entries()) {
    assert.equal(row.length + 1, 20, "each xref row is 20 bytes");
    if (id === 0) continue;
    const offset = Number(row.slice(0, 10));
    assert.equal(text.slice(offset, offset + `${id} 0 obj`.length), `${id} 0 obj`);
  }
  // 130 evidence lines need three pages.
  assert.match(text, /\/Count 3 >>/);
  // Parentheses and backslashes are escaped; non-ASCII is replaced.
  assert.ok(text.includes("(case_id: INC \\(42\\) \\\\ ?) Tj"));
});

Deno.test("pdf: the same summary renders the same bytes", () => {
  assert.deepEqual(renderSummaryPdf(summary), renderSummaryPdf(summary));
});

Deno.test({
  name: "pdf: poppler's pdfinfo and pdftotext accept the summary",
  // scripts/test-deps.sh installs poppler-utils; only a local run without it skips.
  ignore: !hasPdfinfo() && Deno.env.get("CI") !== "true",
  fn: async () => {
    await withTempDir(async (dir) => {
      const path = `${dir}/summary.pdf`;
      await Deno.writeFile(path, renderSummaryPdf(summary));
      const info = await new Deno.Command("pdfinfo", { args: [path], stderr: "piped" }).output();
      const stderr = new TextDecoder().decode(info.stderr);
      assert.equal(info.code, 0, stderr);
      assert.equal(stderr, "", "pdfinfo reports no syntax errors");
      const out = new TextDecoder().decode(info.stdout);
      assert.match(out, /PDF version:\s+1\.4/);
      assert.match(out, /Pages:\s+3/);
      assert.match(out, /Title:\s+Gait Evidence Pack Summary/);
      const txt = await new Deno.Command("pdftotext", { args: [path, "-"], stderr: "piped" })
        .output();
      assert.equal(txt.code, 0);
      const extracted = new TextDecoder().decode(txt.stdout);
      assert.match(extracted, /run_id: run_demo/);
      assert.match(extracted, /file_129\.json/);
    });
  },
});
