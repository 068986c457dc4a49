/**
 * `summary.pdf`: a small, deterministic PDF 1.4 summary of an evidence pack
 * (spec 01 §8). Text only, the standard Helvetica font, no timestamps or ids
 * that vary between runs, so the same pack always renders the same bytes.
 *
 * @module
 */

const LINES_PER_PAGE = 56;
const MAX_LINE_CHARS = 100;
const PAGE_WIDTH = 612;
const PAGE_HEIGHT = 792;
const FONT_SIZE = 10;
const LEADING = 12;
const MARGIN_LEFT = 54;
const TOP_Y = 750;

/** `%PDF-1.4` and a comment of four high bytes, which marks the file as binary. */
const HEADER = new Uint8Array([
  ...new TextEncoder().encode("%PDF-1.4\n%"),
  0xe2,
  0xe3,
  0xcf,
  0xd3,
  0x0a,
]);

/** What the summary shows. */
export interface PdfSummary {
  /** The document title (first line, also the PDF /Title). */
  title: string;
  /** `key: value` lines under the title. */
  fields: readonly [string, string][];
  /** Further sections: a heading and its lines. */
  sections: readonly { heading: string; lines: readonly string[] }[];
}

/** Printable ASCII only; anything else becomes `?` so the text stays valid PDFDocEncoding. */
function pdfText(text: string): string {
  let out = "";
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    const safe = c >= 0x20 && c <= 0x7e ? ch : "?";
    out += safe === "\\" || safe === "(" || safe === ")" ? `\\${safe}` : safe;
  }
  return out;
}

function clip(line: string): string {
  return line.length > MAX_LINE_CHARS ? `${line.slice(0, MAX_LINE_CHARS - 3)}...` : line;
}

function summaryLines(summary: PdfSummary): string[] {
  const lines = [summary.title, ""];
  for (const [k, v] of summary.fields) lines.push(`${k}: ${v}`);
  for (const section of summary.sections) {
    lines.push("", section.heading);
    for (const l of section.lines) lines.push(`  ${l}`);
  }
  return lines.map(clip);
}

function pageStream(lines: readonly string[]): string {
  const ops = [`BT`, `/F1 ${FONT_SIZE} Tf`, `${LEADING} TL`, `${MARGIN_LEFT} ${TOP_Y} Td`];
  for (const [i, line] of lines.entries()) {
    if (i > 0) ops.push("T*");
    if (line !== "") ops.push(`(${pdfText(line)}) Tj`);
  }
  ops.push("ET");
  return ops.join("\n") + "\n";
}

/**
 * Renders the summary as PDF 1.4 bytes: catalog, page tree, one Helvetica
 * font, as many pages as the lines need, an info dictionary and a
 * cross-reference table with exact offsets.
 *
 * @example
 * ```ts
 * const pdf = renderSummaryPdf({ title: "Gait Evidence Pack", fields: [["run_id", "run_demo"]], sections: [] });
 * new TextDecoder().decode(pdf.subarray(0, 8)); // "%PDF-1.4"
 * ```
 */
export function renderSummaryPdf(summary: PdfSummary): Uint8Array {
  const lines = summaryLines(summary);
  const pages: string[][] = [];
  for (let i = 0; i < lines.length; i += LINES_PER_PAGE) {
    pages.push(lines.slice(i, i + LINES_PER_PAGE));
  }
  if (pages.length === 0) pages.push([]);

  // Objects: 1 catalog, 2 page tree, 3 font, 4 info, then a page and its
  // content stream per page.
  const objects: string[] = [];
  const pageIds = pages.map((_, i) => 5 + i * 2);
  objects[1] = "<< /Type /Catalog /Pages 2 0 R >>";
  objects[2] = `<< /Type /Pages /Kids [${
    pageIds.map((id) => `${id} 0 R`).join(" ")
  }] /Count ${pages.length} >>`;
  objects[3] = "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>";
  objects[4] = `<< /Title (${pdfText(summary.title)}) /Producer (gait) >>`;
  for (const [i, page] of pages.entries()) {
    const pageId = pageIds[i]!;
    const stream = pageStream(page);
    objects[pageId] = `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${PAGE_WIDTH} ${PAGE_HEIGHT}]` +
      ` /Resources << /Font << /F1 3 0 R >> >> /Contents ${pageId + 1} 0 R >>`;
    objects[pageId + 1] = `<< /Length ${stream.length} >>\nstream\n${stream}endstream`;
  }

  // Everything after the header is ASCII, so string length is byte length.
  let body = "";
  const offsets: number[] = [];
  for (let id = 1; id < objects.length; id++) {
    offsets[id] = HEADER.length + body.length;
    body += `${id} 0 obj\n${objects[id]}\nendobj\n`;
  }
  const xrefOffset = HEADER.length + body.length;
  let xref = `xref\n0 ${objects.length}\n0000000000 65535 f \n`;
  for (let id = 1; id < objects.length; id++) {
    xref += `${String(offsets[id]).padStart(10, "0")} 00000 n \n`;
  }
  const trailer = `trailer\n<< /Size ${objects.length} /Root 1 0 R /Info 4 0 R >>\n` +
    `startxref\n${xrefOffset}\n%%EOF\n`;
  const tail = new TextEncoder().encode(body + xref + trailer);
  const out = new Uint8Array(HEADER.length + tail.length);
  out.set(HEADER);
  out.set(tail, HEADER.length);
  return out;
}
