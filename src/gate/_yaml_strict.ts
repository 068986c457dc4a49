/**
 * Strict, schema-driven YAML decoding with Go `yaml.v3` + `KnownFields(true)`
 * semantics: unknown keys at any depth, duplicate keys and type mismatches are
 * errors with line and column; scalars decode into string fields as their text;
 * typed booleans also accept YAML 1.1 `yes/no/on/off`; `null` leaves the zero
 * value; `<<` merge keys are honoured (explicit keys win). Hostile input is
 * bounded: one document, core-schema tags only, recursive aliases rejected and
 * a node budget that stops alias-expansion bombs.
 *
 * Parsing uses `js-yaml` through `_yaml_load.ts`, which keeps every plain
 * scalar's source text; this module types scalars per field the way `yaml.v3`
 * does (YAML 1.2 core resolution for the error messages).
 *
 * @module
 */

import { GaitError } from "../core/errors.ts";
import {
  isYamlNull,
  loadYaml,
  PlainScalar,
  TaggedScalar,
  type YamlPosition,
} from "./_yaml_load.ts";

/** The shape a YAML node must have. */
export type YamlSpec =
  | { readonly t: "str" }
  | { readonly t: "bool" }
  | { readonly t: "int" }
  | { readonly t: "float" }
  | { readonly t: "strs" }
  | { readonly t: "list"; readonly item: YamlSpec }
  | {
    readonly t: "obj";
    readonly name: string;
    readonly fields: Readonly<Record<string, YamlSpec>>;
  };

/** A decoded mapping: only known, non-null fields are present. */
export type Decoded = Record<string, unknown>;

const CORE_TRUE = new Set(["true", "True", "TRUE"]);
const CORE_FALSE = new Set(["false", "False", "FALSE"]);
const YAML11_TRUE = new Set(["y", "Y", "yes", "Yes", "YES", "on", "On", "ON"]);
const YAML11_FALSE = new Set(["n", "N", "no", "No", "NO", "off", "Off", "OFF"]);
const CORE_INT = /^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$/;
const CORE_FLOAT =
  /^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;
/** Upper bound on decoded nodes, counting alias re-expansions. */
const NODE_BUDGET = 1_000_000;
/** Deepest flow-collection nesting accepted (checked before parsing). */
const MAX_FLOW_DEPTH = 64;

/**
 * Offset where `[`/`{` nesting first exceeds the limit (quoted scalars and
 * comments skipped), or -1. Cheap guard run before the YAML parser.
 */
function excessiveFlowNesting(text: string): number {
  let depth = 0;
  let quote = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (quote !== 0) {
      if (c === quote) {
        if (quote === 0x27 && text.charCodeAt(i + 1) === 0x27) i++;
        else quote = 0;
      } else if (c === 0x5c && quote === 0x22) i++;
      continue;
    }
    switch (c) {
      case 0x22:
      case 0x27:
        quote = c;
        break;
      case 0x23: {
        const prev = i === 0 ? 0x0a : text.charCodeAt(i - 1);
        if (prev === 0x20 || prev === 0x09 || prev === 0x0a || prev === 0x0d) {
          const nl = text.indexOf("\n", i);
          i = nl < 0 ? text.length : nl;
        }
        break;
      }
      case 0x5b:
      case 0x7b:
        if (++depth > MAX_FLOW_DEPTH) return i;
        break;
      case 0x5d:
      case 0x7d:
        if (depth > 0) depth--;
        break;
    }
  }
  return -1;
}

/** Positions of decoded mappings, for semantic errors after decoding. */
export const decodedPositions: WeakMap<object, { line: number; col: number }> = new WeakMap();

/** The result of parsing one YAML document. */
export interface ParsedYaml {
  /** The loaded root value (plain scalars as `PlainScalar`), or null for an empty document. */
  readonly root: unknown;
  /** Decodes the root against a spec. */
  decode(spec: YamlSpec & { t: "obj" }): Decoded;
  /** Line/column of a source offset. */
  position(offset: number): { line: number; col: number };
  /** The plain-text keys of the root mapping, in order (for pre-scans). */
  rootKeys(): string[];
}

function isMapping(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v) &&
    !(v instanceof PlainScalar) && !(v instanceof TaggedScalar);
}

/** The yaml.v3-style description of a value, for type errors. */
function describeValue(v: unknown): string {
  if (isYamlNull(v)) return "!!null";
  if (Array.isArray(v)) return "!!seq";
  if (isMapping(v)) return "!!map";
  if (v instanceof TaggedScalar) return `!!${v.tag} \`${v.text.slice(0, 40)}\``;
  if (v instanceof PlainScalar) {
    const t = v.text;
    if (CORE_TRUE.has(t) || CORE_FALSE.has(t)) return `!!bool \`${t}\``;
    if (CORE_INT.test(t)) return `!!int \`${t}\``;
    if (CORE_FLOAT.test(t)) return `!!float \`${t}\``;
    return `!!str \`${t.slice(0, 40)}\``;
  }
  return `!!str \`${String(v).slice(0, 40)}\``;
}

function parseCoreInt(text: string): number | null {
  if (!CORE_INT.test(text)) return null;
  let n: number;
  if (text.startsWith("0o")) n = parseInt(text.slice(2), 8);
  else if (text.startsWith("0x")) n = parseInt(text.slice(2), 16);
  else n = Number(text);
  return Number.isSafeInteger(n) ? n : null;
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
  return starts;
}

/**
 * Parses YAML text into one document and returns a strict decoder over it.
 * Every error is `GaitError` `invalid_input` with `prefix` and a position.
 */
export function parseStrictYaml(text: string, prefix: string): ParsedYaml {
  let starts: number[] | undefined;
  const position = (offset: number) => {
    starts ??= lineStarts(text);
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, col: offset - starts[lo]! + 1 };
  };
  function fail(at: YamlPosition | undefined, message: string): never {
    if (at === undefined) throw new GaitError("invalid_input", `${prefix}${message}`);
    throw new GaitError("invalid_input", `${prefix}line ${at.line}, column ${at.col}: ${message}`);
  }

  const deep = excessiveFlowNesting(text);
  if (deep >= 0) {
    fail(position(deep), `flow collections nested deeper than ${MAX_FLOW_DEPTH} levels`);
  }

  const loaded = loadYaml(text);
  if ("failure" in loaded) {
    const f = loaded.failure;
    let message = f.message;
    if (message === "duplicated mapping key") message = "mapping keys must be unique";
    if (message.startsWith("expected a single document")) {
      message = "multiple YAML documents are not supported";
    }
    fail(f.line !== undefined ? { line: f.line, col: f.col! } : undefined, message);
  }
  const root = loaded.value === undefined ? null : loaded.value;
  const positions = loaded.positions;

  let budget = NODE_BUDGET;
  const active = new Set<object>();

  const decodeValue = (
    value: unknown,
    spec: YamlSpec,
    path: string,
    at: YamlPosition | undefined,
  ): unknown => {
    if (--budget < 0) fail(at, "document too complex (alias expansion limit exceeded)");
    if (isYamlNull(value)) return undefined;
    const here = (value !== null && typeof value === "object" && positions.get(value)) || at;
    if (typeof value === "object" && value !== null && active.has(value)) {
      fail(here, "recursive alias");
    }
    switch (spec.t) {
      case "str":
        if (typeof value === "string") return value;
        if (value instanceof PlainScalar || value instanceof TaggedScalar) return value.text;
        return fail(here, `cannot decode ${describeValue(value)} into a string at ${path}`);
      case "bool": {
        const text = value instanceof PlainScalar
          ? value.text
          : value instanceof TaggedScalar && value.tag === "bool"
          ? value.text
          : undefined;
        if (text !== undefined) {
          if (CORE_TRUE.has(text) || YAML11_TRUE.has(text)) return true;
          if (CORE_FALSE.has(text) || YAML11_FALSE.has(text)) return false;
        }
        return fail(here, `cannot decode ${describeValue(value)} into a bool at ${path}`);
      }
      case "int": {
        if (
          value instanceof PlainScalar || (value instanceof TaggedScalar && value.tag === "int")
        ) {
          const n = parseCoreInt(value.text);
          if (n !== null) return n;
        }
        return fail(here, `cannot decode ${describeValue(value)} into an int at ${path}`);
      }
      case "float": {
        if (
          value instanceof PlainScalar ||
          (value instanceof TaggedScalar && (value.tag === "float" || value.tag === "int"))
        ) {
          const t = value.text;
          const n = CORE_INT.test(t) ? parseCoreInt(t) : CORE_FLOAT.test(t) ? Number(t) : null;
          if (n !== null && Number.isFinite(n)) return n;
        }
        return fail(here, `cannot decode ${describeValue(value)} into a float at ${path}`);
      }
      case "strs": {
        if (!Array.isArray(value)) {
          return fail(here, `cannot decode ${describeValue(value)} into a list at ${path}`);
        }
        active.add(value);
        const out = value.map((item, i) => {
          const v = decodeValue(item, { t: "str" }, `${path}[${i}]`, here);
          return v === undefined ? "" : v as string;
        });
        active.delete(value);
        return out;
      }
      case "list": {
        if (!Array.isArray(value)) {
          return fail(here, `cannot decode ${describeValue(value)} into a list at ${path}`);
        }
        active.add(value);
        const out = value.map((item, i) => {
          const v = decodeValue(item, spec.item, `${path}[${i}]`, here);
          if (v === undefined && spec.item.t === "obj") {
            const empty: Decoded = {};
            if (here) decodedPositions.set(empty, here);
            return empty;
          }
          return v;
        });
        active.delete(value);
        return out;
      }
      case "obj": {
        if (!isMapping(value)) {
          return fail(here, `cannot decode ${describeValue(value)} into ${spec.name} at ${path}`);
        }
        active.add(value);
        const out: Decoded = Object.create(null);
        for (const key of Object.keys(value)) {
          const field = Object.hasOwn(spec.fields, key) ? spec.fields[key] : undefined;
          if (field === undefined) {
            return fail(here, `field ${JSON.stringify(key)} not found in ${spec.name}`);
          }
          const v = decodeValue(value[key], field, path === "" ? key : `${path}.${key}`, here);
          if (v !== undefined) out[key] = v;
        }
        active.delete(value);
        if (here) decodedPositions.set(out, here);
        return out;
      }
    }
  };

  return {
    root,
    position,
    decode(spec) {
      if (isYamlNull(root)) return fail(undefined, "empty policy");
      const at = (root !== null && typeof root === "object" && positions.get(root)) ||
        { line: 1, col: 1 };
      if (!isMapping(root)) {
        return fail(at, `cannot decode ${describeValue(root)} into ${spec.name}`);
      }
      try {
        return decodeValue(root, spec, "", at) as Decoded;
      } catch (error) {
        if (error instanceof GaitError) throw error;
        if (error instanceof RangeError) {
          return fail(undefined, "unreadable YAML (nesting too deep)");
        }
        throw error;
      }
    },
    rootKeys() {
      return isMapping(root) ? Object.keys(root) : [];
    },
  };
}
