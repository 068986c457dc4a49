/**
 * A strict JSON parser for hostile input: RFC 8259 grammar only, duplicate
 * object keys rejected (RFC 8785 §3.1 and spec 01 §1), nesting depth bounded,
 * every error a one-line message with line and column.
 *
 * @module
 */

import { GaitError } from "./errors.ts";
import type { JsonValue } from "./json_value.ts";

/** Options of {@link parseStrictJson}. */
export interface StrictJsonOptions {
  /** Maximum nesting depth of arrays and objects. Default 512. */
  maxDepth?: number;
  /** What the document is, for error messages (e.g. "manifest.json"). */
  label?: string;
}

// ignoreBOM keeps a leading BOM in the text so it can be rejected, as Go's
// encoding/json does, instead of being silently stripped.
const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * Decodes UTF-8 bytes, rejecting invalid sequences and a leading BOM.
 *
 * @example
 * ```ts
 * decodeUtf8Strict(new TextEncoder().encode("{}"), "input"); // "{}"
 * ```
 */
export function decodeUtf8Strict(bytes: Uint8Array, label = "input"): string {
  let text: string;
  try {
    text = decoder.decode(bytes);
  } catch {
    throw new GaitError("invalid_input", `${label}: invalid UTF-8`);
  }
  if (text.charCodeAt(0) === 0xfeff) {
    throw new GaitError("invalid_input", `${label}: unexpected byte order mark`);
  }
  return text;
}

/**
 * Parses JSON text strictly. Duplicate keys, trailing content, comments,
 * NaN/Infinity and excessive depth are errors (category `invalid_input`).
 *
 * @example
 * ```ts
 * parseStrictJson('{"a":1}'); // { a: 1 }
 * ```
 */
export function parseStrictJson(text: string, options: StrictJsonOptions = {}): JsonValue {
  const parser = new Parser(text, options.maxDepth ?? 512, options.label ?? "json");
  parser.skipWhitespace();
  const value = parser.parseValue(0);
  parser.skipWhitespace();
  if (parser.pos < text.length) parser.fail("unexpected trailing content");
  return value;
}

/**
 * Parses UTF-8 JSON bytes strictly (see {@link parseStrictJson}).
 *
 * @example
 * ```ts
 * parseStrictJsonBytes(new TextEncoder().encode("[1]")); // [1]
 * ```
 */
export function parseStrictJsonBytes(
  bytes: Uint8Array,
  options: StrictJsonOptions = {},
): JsonValue {
  return parseStrictJson(decodeUtf8Strict(bytes, options.label ?? "json"), options);
}

// deno-lint-ignore no-control-regex
const SLOW_STRING = /[\\\x00-\x1f]/;
const NUMBER_RE = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;

class Parser {
  pos = 0;
  constructor(
    readonly text: string,
    readonly maxDepth: number,
    readonly label: string,
  ) {}

  fail(message: string): never {
    let line = 1;
    let col = 1;
    const end = Math.min(this.pos, this.text.length);
    for (let i = 0; i < end; i++) {
      if (this.text.charCodeAt(i) === 10) {
        line++;
        col = 1;
      } else {
        col++;
      }
    }
    throw new GaitError(
      "invalid_input",
      `${this.label}: invalid JSON at line ${line}, column ${col}: ${message}`,
    );
  }

  skipWhitespace(): void {
    const t = this.text;
    let p = this.pos;
    while (p < t.length) {
      const c = t.charCodeAt(p);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) p++;
      else break;
    }
    this.pos = p;
  }

  parseValue(depth: number): JsonValue {
    const c = this.text.charCodeAt(this.pos);
    switch (c) {
      case 0x7b: // {
        return this.parseObject(depth + 1);
      case 0x5b: // [
        return this.parseArray(depth + 1);
      case 0x22: // "
        return this.parseString();
      case 0x74: // t
        return this.literal("true", true);
      case 0x66: // f
        return this.literal("false", false);
      case 0x6e: // n
        return this.literal("null", null);
      default:
        if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return this.parseNumber();
        if (Number.isNaN(c)) this.fail("unexpected end of input");
        return this.fail(`unexpected character ${JSON.stringify(this.text[this.pos])}`);
    }
  }

  literal<T extends JsonValue>(word: string, value: T): T {
    if (this.text.startsWith(word, this.pos)) {
      this.pos += word.length;
      return value;
    }
    return this.fail("invalid literal");
  }

  parseNumber(): number {
    NUMBER_RE.lastIndex = this.pos;
    const m = NUMBER_RE.exec(this.text);
    if (!m) return this.fail("invalid number");
    this.pos += m[0].length;
    const n = Number(m[0]);
    if (!Number.isFinite(n)) this.fail("number out of range");
    return n;
  }

  parseString(): string {
    const t = this.text;
    // Fast path: most strings have no escapes or control characters, so find
    // the closing quote natively and check the slice once.
    const close = t.indexOf('"', this.pos + 1);
    if (close > 0) {
      const slice = t.slice(this.pos + 1, close);
      if (!SLOW_STRING.test(slice)) {
        this.pos = close + 1;
        return slice;
      }
    }
    let p = this.pos + 1;
    let out = "";
    let start = p;
    for (;;) {
      if (p >= t.length) {
        this.pos = p;
        this.fail("unterminated string");
      }
      const c = t.charCodeAt(p);
      if (c === 0x22) {
        out += t.slice(start, p);
        this.pos = p + 1;
        return out;
      }
      if (c < 0x20) {
        this.pos = p;
        this.fail("control character in string");
      }
      if (c === 0x5c) {
        out += t.slice(start, p);
        const e = t.charCodeAt(p + 1);
        switch (e) {
          case 0x22:
            out += '"';
            break;
          case 0x5c:
            out += "\\";
            break;
          case 0x2f:
            out += "/";
            break;
          case 0x62:
            out += "\b";
            break;
          case 0x66:
            out += "\f";
            break;
          case 0x6e:
            out += "\n";
            break;
          case 0x72:
            out += "\r";
            break;
          case 0x74:
            out += "\t";
            break;
          case 0x75: {
            const hex = t.slice(p + 2, p + 6);
            if (!/^[0-9a-fA-F]{4}$/.test(hex)) {
              this.pos = p;
              this.fail("invalid unicode escape");
            }
            out += String.fromCharCode(parseInt(hex, 16));
            p += 4;
            break;
          }
          default:
            this.pos = p;
            this.fail("invalid escape");
        }
        p += 2;
        start = p;
        continue;
      }
      p++;
    }
  }

  parseArray(depth: number): JsonValue[] {
    if (depth > this.maxDepth) this.fail("nesting too deep");
    this.pos++;
    const out: JsonValue[] = [];
    this.skipWhitespace();
    if (this.text.charCodeAt(this.pos) === 0x5d) {
      this.pos++;
      return out;
    }
    for (;;) {
      this.skipWhitespace();
      out.push(this.parseValue(depth));
      this.skipWhitespace();
      const c = this.text.charCodeAt(this.pos);
      if (c === 0x2c) {
        this.pos++;
        continue;
      }
      if (c === 0x5d) {
        this.pos++;
        return out;
      }
      this.fail("expected ',' or ']'");
    }
  }

  parseObject(depth: number): { [key: string]: JsonValue } {
    if (depth > this.maxDepth) this.fail("nesting too deep");
    this.pos++;
    const out: { [key: string]: JsonValue } = {};
    const seen = new Set<string>();
    this.skipWhitespace();
    if (this.text.charCodeAt(this.pos) === 0x7d) {
      this.pos++;
      return out;
    }
    for (;;) {
      this.skipWhitespace();
      if (this.text.charCodeAt(this.pos) !== 0x22) this.fail("expected string key");
      const keyPos = this.pos;
      const key = this.parseString();
      if (seen.has(key)) {
        this.pos = keyPos;
        this.fail(`duplicate key ${JSON.stringify(key)}`);
      }
      seen.add(key);
      this.skipWhitespace();
      if (this.text.charCodeAt(this.pos) !== 0x3a) this.fail("expected ':'");
      this.pos++;
      this.skipWhitespace();
      const value = this.parseValue(depth);
      if (key === "__proto__") {
        Object.defineProperty(out, key, {
          value,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      } else {
        out[key] = value;
      }
      this.skipWhitespace();
      const c = this.text.charCodeAt(this.pos);
      if (c === 0x2c) {
        this.pos++;
        continue;
      }
      if (c === 0x7d) {
        this.pos++;
        return out;
      }
      this.fail("expected ',' or '}'");
    }
  }
}
