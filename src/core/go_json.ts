/**
 * JSON as the Go tool prints it to users: `<`, `>`, `&`, U+2028 and U+2029
 * escaped, lone surrogates replaced by U+FFFD, optional key sorting and
 * two-space indentation. Digest-bearing bytes never use this: see
 * `canonicalJson`.
 *
 * @module
 */

const GO_ESCAPES: Record<string, string> = {
  "<": "\\u003c",
  ">": "\\u003e",
  "&": "\\u0026",
  "\u2028": "\\u2028",
  "\u2029": "\\u2029",
};

function goString(s: string): string {
  const json = JSON.stringify(s.isWellFormed() ? s : s.toWellFormed());
  return /[<>&\u2028\u2029]/.test(json)
    ? json.replace(/[<>&\u2028\u2029]/g, (c) => GO_ESCAPES[c]!)
    : json;
}

/** Options of {@link goJson}. */
export interface GoJsonOptions {
  /** Sort object keys at every depth (Go's map encoding). Default false: insertion order. */
  sortKeys?: boolean;
  /** Indent with this string per level (Go's MarshalIndent with ""). Default: compact. */
  indent?: string;
}

/**
 * Encodes a value like Go's `json.Marshal`/`MarshalIndent`. `undefined`
 * properties are omitted.
 *
 * @example
 * ```ts
 * goJson({ b: "<", a: 1 }, { sortKeys: true }); // '{"a":1,"b":"\\u003c"}'
 * ```
 */
export function goJson(value: unknown, options: GoJsonOptions = {}): string {
  return encode(value, options.sortKeys ?? false, options.indent ?? "", "");
}

function encode(value: unknown, sortKeys: boolean, indent: string, prefix: string): string {
  if (value === null || value === undefined) return "null";
  switch (typeof value) {
    case "string":
      return goString(value);
    case "number":
      return Number.isFinite(value) ? JSON.stringify(value) : "null";
    case "boolean":
      return value ? "true" : "false";
    case "bigint":
      return value.toString();
    case "object": {
      const inner = prefix + indent;
      const nl = indent ? "\n" : "";
      const sep = indent ? ": " : ":";
      if (Array.isArray(value)) {
        if (value.length === 0) return "[]";
        const items = value.map((v) => inner + encode(v, sortKeys, indent, inner));
        return `[${nl}${items.join("," + nl)}${nl}${prefix}]`;
      }
      const record = value as Record<string, unknown>;
      let keys = Object.keys(record).filter((k) => record[k] !== undefined);
      if (sortKeys) keys = keys.sort(compareUtf8);
      if (keys.length === 0) return "{}";
      const items = keys.map((k) =>
        inner + goString(k) + sep + encode(record[k], sortKeys, indent, inner)
      );
      return `{${nl}${items.join("," + nl)}${nl}${prefix}}`;
    }
    default:
      return "null";
  }
}

/**
 * Compares strings in UTF-8 byte order, as Go's string `<` does (this differs
 * from JS `<` only for characters outside the Basic Multilingual Plane).
 *
 * @example
 * ```ts
 * ["b", "a"].sort(compareUtf8); // ["a", "b"]
 * ```
 */
export function compareUtf8(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const ca = a.charCodeAt(i);
    const cb = b.charCodeAt(i);
    if (ca === cb) continue;
    const sa = ca >= 0xd800 && ca <= 0xdfff;
    const sb = cb >= 0xd800 && cb <= 0xdfff;
    if (sa !== sb) {
      // Astral characters (UTF-16 surrogates) are 4-byte UTF-8 sequences and sort
      // after every BMP character, including U+E000–U+FFFF.
      return sa ? 1 : -1;
    }
    return ca - cb;
  }
  return a.length - b.length;
}
