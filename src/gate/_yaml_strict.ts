/**
 * Strict, schema-driven YAML decoding with Go `yaml.v3` + `KnownFields(true)`
 * semantics: unknown keys at any depth, duplicate keys and type mismatches are
 * errors with line and column; scalars decode into string fields as their text;
 * typed booleans also accept YAML 1.1 `yes/no/on/off`; `null` leaves the zero
 * value; `<<` merge keys are honoured (explicit keys win). Hostile input is
 * bounded: one document, core-schema tags only, recursive aliases rejected and
 * a node budget that stops alias-expansion bombs.
 *
 * @module
 */

import {
  type Document,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parseAllDocuments,
  type Scalar,
  visit,
  type YAMLMap,
} from "yaml";
import { GaitError } from "../core/errors.ts";

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

const CORE_TAGS = new Set([
  "tag:yaml.org,2002:str",
  "tag:yaml.org,2002:int",
  "tag:yaml.org,2002:float",
  "tag:yaml.org,2002:bool",
  "tag:yaml.org,2002:null",
  "tag:yaml.org,2002:map",
  "tag:yaml.org,2002:seq",
]);
const YAML11_TRUE = new Set(["y", "Y", "yes", "Yes", "YES", "on", "On", "ON"]);
const YAML11_FALSE = new Set(["n", "N", "no", "No", "NO", "off", "Off", "OFF"]);
/** Upper bound on decoded nodes, counting alias re-expansions. */
const NODE_BUDGET = 1_000_000;
/** Deepest flow-collection nesting accepted (the yaml parser slows down sharply beyond). */
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

type YNode = Node;

/** Positions of decoded mappings, for semantic errors after decoding. */
export const decodedPositions: WeakMap<object, { line: number; col: number }> = new WeakMap();

/** The result of parsing one YAML document. */
export interface ParsedYaml {
  /** The root node, or null for an empty document. */
  readonly root: YNode | null;
  /** Decodes the root against a spec. */
  decode(spec: YamlSpec & { t: "obj" }): Decoded;
  /** Line/column of a source offset. */
  position(offset: number): { line: number; col: number };
  /** The plain-text keys of the root mapping, in order (for pre-scans). */
  rootKeys(): string[];
}

function describeNode(node: YNode | null | undefined): string {
  if (node === null || node === undefined) return "null";
  if (isMap(node)) return "!!map";
  if (isSeq(node)) return "!!seq";
  if (isScalar(node)) {
    const v = node.value;
    if (v === null) return "!!null";
    if (typeof v === "boolean") return `!!bool \`${String(v)}\``;
    if (typeof v === "number") {
      return Number.isInteger(v)
        ? `!!int \`${node.source ?? v}\``
        : `!!float \`${node.source ?? v}\``;
    }
    return `!!str \`${String(node.source ?? v).slice(0, 40)}\``;
  }
  return "node";
}

/**
 * Parses YAML text into one document and returns a strict decoder over it.
 * Every error is `GaitError` `invalid_input` with `prefix` and a position.
 */
export function parseStrictYaml(text: string, prefix: string): ParsedYaml {
  const lineCounter = new LineCounter();
  const position = (offset: number) => {
    const p = lineCounter.linePos(offset);
    return { line: p.line === 0 ? 1 : p.line, col: p.col };
  };
  function failAt(offset: number | undefined, message: string): never {
    if (offset === undefined) throw new GaitError("invalid_input", `${prefix}${message}`);
    const p = position(offset);
    throw new GaitError("invalid_input", `${prefix}line ${p.line}, column ${p.col}: ${message}`);
  }

  const deep = excessiveFlowNesting(text);
  if (deep >= 0) {
    lineCounter.addNewLine(0);
    let at = text.indexOf("\n");
    while (at >= 0 && at < deep) {
      lineCounter.addNewLine(at + 1);
      at = text.indexOf("\n", at + 1);
    }
    failAt(deep, `flow collections nested deeper than ${MAX_FLOW_DEPTH} levels`);
  }

  let docs: Document.Parsed[];
  try {
    const parsed = parseAllDocuments(text, {
      version: "1.2",
      schema: "core",
      merge: false,
      uniqueKeys: true,
      strict: true,
      prettyErrors: false,
      lineCounter,
      intAsBigInt: false,
    });
    docs = Array.isArray(parsed) ? parsed : [];
  } catch (error) {
    if (error instanceof GaitError) throw error;
    return failAt(undefined, `unreadable YAML (${errorText(error)})`);
  }
  for (const doc of docs) {
    const problem = doc.errors[0] ?? doc.warnings[0];
    if (problem) failAt(problem.pos[0], problem.message.split("\n")[0]!.trim());
  }
  if (docs.length > 1) failAt(docs[1]!.range[0], "multiple YAML documents are not supported");
  const doc = docs[0];
  const root = (doc?.contents ?? null) as YNode | null;

  // One ordered pass links every alias to the last preceding anchor, so alias
  // resolution is O(1) (yaml's Alias.resolve rescans the document each time).
  const aliasTargets = new Map<YNode, YNode>();
  if (doc && root) {
    const anchors = new Map<string, YNode>();
    try {
      visit(doc, {
        Node(_key, node) {
          if (isAlias(node)) {
            const target = anchors.get(node.source);
            if (target) aliasTargets.set(node, target);
          } else if (node.anchor) {
            anchors.set(node.anchor, node);
          }
          if (node.tag !== undefined && node.tag !== "!" && !CORE_TAGS.has(node.tag)) {
            failAt(node.range?.[0], `unsupported YAML tag ${JSON.stringify(node.tag)}`);
          }
        },
      });
    } catch (error) {
      if (error instanceof GaitError) throw error;
      failAt(undefined, `unreadable YAML (${errorText(error)})`);
    }
  }

  let budget = NODE_BUDGET;
  const active = new Set<YNode>();

  const deref = (node: YNode | null | undefined): YNode | null => {
    if (node === null || node === undefined) return null;
    if (!isAlias(node)) return node;
    const target = aliasTargets.get(node);
    if (!target) return failAt(node.range?.[0], `unknown anchor ${JSON.stringify(node.source)}`);
    if (active.has(target)) return failAt(node.range?.[0], "recursive alias");
    return target;
  };

  const isNull = (node: YNode | null): boolean =>
    node === null || (isScalar(node) && node.value === null);

  const scalarText = (node: Scalar): string =>
    typeof node.source === "string" ? node.source : String(node.value);

  const decodeValue = (input: YNode | null | undefined, spec: YamlSpec, path: string): unknown => {
    if (--budget < 0) {
      failAt(input?.range?.[0], "document too complex (alias expansion limit exceeded)");
    }
    const node = deref(input);
    if (node === null || isNull(node)) return undefined;
    const at = node.range?.[0];
    switch (spec.t) {
      case "str":
        if (!isScalar(node)) {
          return failAt(at, `cannot decode ${describeNode(node)} into a string at ${path}`);
        }
        return scalarText(node);
      case "bool": {
        if (isScalar(node)) {
          if (typeof node.value === "boolean") return node.value;
          if (typeof node.value === "string") {
            if (YAML11_TRUE.has(node.value)) return true;
            if (YAML11_FALSE.has(node.value)) return false;
          }
        }
        return failAt(at, `cannot decode ${describeNode(node)} into a bool at ${path}`);
      }
      case "int": {
        if (isScalar(node) && typeof node.value === "number" && Number.isSafeInteger(node.value)) {
          return node.value;
        }
        return failAt(at, `cannot decode ${describeNode(node)} into an int at ${path}`);
      }
      case "float": {
        if (isScalar(node) && typeof node.value === "number" && Number.isFinite(node.value)) {
          return node.value;
        }
        return failAt(at, `cannot decode ${describeNode(node)} into a float at ${path}`);
      }
      case "strs": {
        if (!isSeq(node)) {
          return failAt(at, `cannot decode ${describeNode(node)} into a list at ${path}`);
        }
        const out: string[] = [];
        active.add(node);
        node.items.forEach((item, i) => {
          const v = decodeValue(item as YNode, { t: "str" }, `${path}[${i}]`);
          out.push(v === undefined ? "" : v as string);
        });
        active.delete(node);
        return out;
      }
      case "list": {
        if (!isSeq(node)) {
          return failAt(at, `cannot decode ${describeNode(node)} into a list at ${path}`);
        }
        const out: unknown[] = [];
        active.add(node);
        node.items.forEach((item, i) => {
          const v = decodeValue(item as YNode, spec.item, `${path}[${i}]`);
          out.push(v === undefined && spec.item.t === "obj" ? decodeEmpty(item as YNode) : v);
        });
        active.delete(node);
        return out;
      }
      case "obj": {
        if (!isMap(node)) {
          return failAt(at, `cannot decode ${describeNode(node)} into ${spec.name} at ${path}`);
        }
        active.add(node);
        const out = decodeMap(node, spec, path);
        active.delete(node);
        return out;
      }
    }
  };

  const decodeEmpty = (item: YNode | null): Decoded => {
    const out: Decoded = {};
    const off = item?.range?.[0];
    if (off !== undefined) decodedPositions.set(out, position(off));
    return out;
  };

  const decodeMap = (
    node: YAMLMap,
    spec: YamlSpec & { t: "obj" },
    path: string,
  ): Decoded => {
    const out: Decoded = Object.create(null);
    const merges: YNode[] = [];
    for (const pair of node.items) {
      const keyNode = deref(pair.key as YNode | null);
      if (keyNode === null || !isScalar(keyNode)) {
        failAt(keyNode?.range?.[0] ?? node.range?.[0], `unsupported mapping key in ${path}`);
      }
      const key = scalarText(keyNode as Scalar);
      if (key === "<<" && (keyNode as Scalar).type === "PLAIN" && pair.key === keyNode) {
        if (pair.value !== null) merges.push(pair.value as YNode);
        continue;
      }
      const field = Object.hasOwn(spec.fields, key) ? spec.fields[key] : undefined;
      if (field === undefined) {
        return failAt(
          keyNode!.range?.[0],
          `field ${JSON.stringify(key)} not found in ${spec.name}`,
        );
      }
      const v = decodeValue(
        pair.value as YNode | null,
        field,
        path === "" ? key : `${path}.${key}`,
      );
      if (v !== undefined) out[key] = v;
    }
    for (const m of merges) {
      const target = deref(m);
      const sources: YNode[] = [];
      if (target !== null && isSeq(target)) {
        for (const item of target.items) sources.push(item as YNode);
      } else if (target !== null) sources.push(target);
      for (const s of sources) {
        const src = deref(s);
        if (src === null || !isMap(src)) {
          failAt(src?.range?.[0] ?? m.range?.[0], `merge key value must be a mapping in ${path}`);
        }
        const merged = decodeValue(src, spec, path) as Decoded | undefined;
        if (!merged) continue;
        for (const k of Object.keys(merged)) if (!(k in out)) out[k] = merged[k];
      }
    }
    const off = node.range?.[0];
    if (off !== undefined) decodedPositions.set(out, position(off));
    return out;
  };

  return {
    root,
    position,
    decode(spec) {
      const node = deref(root);
      if (node === null || isNull(node)) return failAt(undefined, "empty policy");
      if (!isMap(node)) {
        return failAt(node.range?.[0], `cannot decode ${describeNode(node)} into ${spec.name}`);
      }
      try {
        return decodeValue(node, spec, "") as Decoded;
      } catch (error) {
        if (error instanceof GaitError) throw error;
        return failAt(undefined, `unreadable YAML (${errorText(error)})`);
      }
    },
    rootKeys() {
      const node = deref(root);
      if (node === null || !isMap(node)) return [];
      const keys: string[] = [];
      for (const pair of node.items) {
        const k = deref(pair.key as YNode | null);
        if (k !== null && isScalar(k)) keys.push(scalarText(k));
      }
      return keys;
    },
  };
}

function errorText(error: unknown): string {
  if (error instanceof RangeError) return "nesting too deep";
  return error instanceof Error ? error.message.split("\n")[0]! : String(error);
}
