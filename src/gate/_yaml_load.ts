/**
 * A typed, minimal view of the `js-yaml` loader, configured so every plain
 * scalar keeps its source text (a {@link PlainScalar}) while quoted and block
 * scalars stay strings. Callers then type scalars the way Go's `yaml.v3`
 * decodes them into struct fields, including YAML 1.1 booleans for bool
 * fields and the exact text of plain scalars for string fields.
 *
 * `js-yaml` is used because it is an ES module with no Node.js built-ins: it
 * loads in a few milliseconds and never reads environment variables.
 *
 * @module
 */

import * as jsyaml from "js-yaml";

/** A plain (unquoted) scalar and its source text. */
export class PlainScalar {
  /** The scalar exactly as written. */
  readonly text: string;
  constructor(text: string) {
    this.text = text;
  }
  /** Lets js-yaml use the text as a mapping key. */
  get [Symbol.toStringTag](): string {
    return "PlainScalar";
  }
  /** The source text. */
  toString(): string {
    return this.text;
  }
}

/** A scalar with an explicit core tag (`!!int 5`, `!!bool true`, `!!null`). */
export class TaggedScalar {
  /** The tag's short name (`int`, `float`, `bool`, `null`). */
  readonly tag: string;
  /** The scalar text. */
  readonly text: string;
  constructor(tag: string, text: string) {
    this.tag = tag;
    this.text = text;
  }
  /** Lets js-yaml use the text as a mapping key. */
  get [Symbol.toStringTag](): string {
    return "TaggedScalar";
  }
  /** The source text. */
  toString(): string {
    return this.text;
  }
}

/** Where a mapping or sequence started (1-based line and column). */
export interface YamlPosition {
  line: number;
  col: number;
}

/** A js-yaml failure with its 1-based position when known. */
export interface YamlLoadFailure {
  message: string;
  line?: number;
  col?: number;
}

// deno-lint-ignore no-explicit-any
const y = jsyaml as any;

function coreType(tag: string) {
  return new y.Type(`tag:yaml.org,2002:${tag}`, {
    kind: "scalar",
    resolve: () => true,
    construct: (data: unknown) => new TaggedScalar(tag, data === null ? "" : String(data)),
  });
}

let schema: unknown;

function plainSchema(): unknown {
  schema ??= y.FAILSAFE_SCHEMA.extend({
    implicit: [
      y.types.merge,
      new y.Type("tag:yaml.org,2002:plain", {
        kind: "scalar",
        resolve: () => true,
        construct: (data: unknown) => new PlainScalar(data === null ? "" : String(data)),
      }),
    ],
    explicit: [coreType("int"), coreType("float"), coreType("bool"), coreType("null")],
  });
  return schema;
}

/**
 * Loads one YAML document with plain scalars kept as {@link PlainScalar}.
 * Mappings are plain objects (duplicate keys rejected, `<<` merges applied,
 * aliases shared by reference), sequences arrays, empty values `null`.
 * Returns the value and the start position of every mapping and sequence, or
 * a failure with a position.
 *
 * @example
 * ```ts
 * const r = loadYaml("a: 1\n");
 * "value" in r && r.value; // { a: PlainScalar { text: "1" } }
 * ```
 */
export function loadYaml(
  text: string,
): { value: unknown; positions: WeakMap<object, YamlPosition> } | { failure: YamlLoadFailure } {
  const positions = new WeakMap<object, YamlPosition>();
  const stack: YamlPosition[] = [];
  const listener = (
    event: string,
    state: { position: number; line: number; lineStart: number; result: unknown },
  ) => {
    if (event === "open") {
      stack.push({ line: state.line + 1, col: state.position - state.lineStart + 1 });
      return;
    }
    const at = stack.pop();
    const r = state.result;
    if (
      at && r !== null && typeof r === "object" && !(r instanceof PlainScalar) &&
      !(r instanceof TaggedScalar) && !positions.has(r)
    ) {
      positions.set(r, at);
    }
  };
  try {
    const value = y.load(text, { schema: plainSchema(), listener, json: false });
    return { value, positions };
  } catch (error) {
    if (error instanceof RangeError) return { failure: { message: "nesting too deep" } };
    // deno-lint-ignore no-explicit-any
    const e = error as any;
    if (e && e.name === "YAMLException") {
      const mark = e.mark as { line?: number; column?: number } | undefined;
      const reason = typeof e.reason === "string" ? e.reason : String(e.message ?? e);
      if (mark && typeof mark.line === "number" && typeof mark.column === "number") {
        return { failure: { message: reason, line: mark.line + 1, col: mark.column + 1 } };
      }
      return { failure: { message: reason } };
    }
    throw error;
  }
}

const NULL_WORDS = new Set(["", "~", "null", "Null", "NULL"]);

/**
 * True for YAML nulls: an empty node, a plain `~`/`null`, or `!!null`.
 *
 * @example
 * ```ts
 * isYamlNull(new PlainScalar("~")); // true
 * ```
 */
export function isYamlNull(v: unknown): boolean {
  if (v === null || v === undefined) return true;
  if (v instanceof PlainScalar) return NULL_WORDS.has(v.text);
  if (v instanceof TaggedScalar) return v.tag === "null";
  return false;
}
