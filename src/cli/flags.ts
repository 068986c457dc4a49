/**
 * Command-line flags with Go `flag` package semantics (spec 03 §1): `-x` or
 * `--x`, `--x=v` or `--x v`, booleans only as `--b` or `--b=true|false`, `--`
 * ends flags. With reordering, positionals may stand between flags.
 *
 * @module
 */

import { GaitError } from "../core/errors.ts";
import { parseGoDuration } from "../core/duration.ts";

/** The value kinds a flag can take. */
export type FlagKind = "bool" | "string" | "int" | "duration";

/** One flag of a command. */
export interface FlagSpec {
  /** The name without dashes. */
  name: string;
  /** The value kind. */
  kind: FlagKind;
  /** The help text. */
  usage: string;
  /** The default value shown in help and used when absent. */
  default?: string | boolean | number;
  /** The value placeholder in help, e.g. "path". */
  placeholder?: string;
}

/** Parsed flag values and positionals. */
export interface ParsedArgs {
  /** Values by flag name; absent flags take their default. */
  values: Map<string, string | boolean | number>;
  /** Names of the flags the user actually set. */
  set: Set<string>;
  /** Positional arguments, in order. */
  positionals: string[];
}

/** A flag parse failure with whether `--json` was parsed before it. */
export class FlagError extends GaitError {
  /** True when `--json` had been parsed before the failing token. */
  readonly jsonRequested: boolean;
  constructor(message: string, jsonRequested: boolean) {
    super("invalid_input", message);
    this.jsonRequested = jsonRequested;
  }
}

const BOOL_TRUE = new Set(["1", "t", "T", "true", "TRUE", "True"]);
const BOOL_FALSE = new Set(["0", "f", "F", "false", "FALSE", "False"]);

function parseValue(spec: FlagSpec, raw: string, jsonSeen: boolean): string | boolean | number {
  switch (spec.kind) {
    case "bool":
      if (BOOL_TRUE.has(raw)) return true;
      if (BOOL_FALSE.has(raw)) return false;
      throw new FlagError(
        `invalid boolean value "${raw}" for -${spec.name}: parse error`,
        jsonSeen,
      );
    case "int": {
      if (!/^[+-]?\d+$/.test(raw)) {
        throw new FlagError(`invalid value "${raw}" for flag -${spec.name}: parse error`, jsonSeen);
      }
      const n = Number(raw);
      if (!Number.isSafeInteger(n)) {
        throw new FlagError(
          `invalid value "${raw}" for flag -${spec.name}: value out of range`,
          jsonSeen,
        );
      }
      return n;
    }
    case "duration":
      try {
        parseGoDuration(raw);
      } catch {
        throw new FlagError(`invalid value "${raw}" for flag -${spec.name}: parse error`, jsonSeen);
      }
      return raw;
    default:
      return raw;
  }
}

/**
 * Parses arguments against flag specs.
 *
 * @example
 * ```ts
 * const specs = [{ name: "json", kind: "bool", usage: "" }] as const;
 * parseFlags(["run_demo", "--json"], [...specs], { reorder: true }).positionals; // ["run_demo"]
 * ```
 */
export function parseFlags(
  args: readonly string[],
  specs: readonly FlagSpec[],
  options: { reorder: boolean },
): ParsedArgs {
  const byName = new Map(specs.map((s) => [s.name, s]));
  const values = new Map<string, string | boolean | number>();
  for (const s of specs) {
    if (s.default !== undefined) values.set(s.name, s.default);
    else if (s.kind === "bool") values.set(s.name, false);
  }
  const set = new Set<string>();
  const positionals: string[] = [];
  let jsonSeen = false;
  let i = 0;
  let flagsEnded = false;
  while (i < args.length) {
    const arg = args[i]!;
    if (flagsEnded) {
      positionals.push(arg);
      i++;
      continue;
    }
    if (arg === "--") {
      flagsEnded = true;
      i++;
      continue;
    }
    if (arg.length < 2 || arg[0] !== "-") {
      positionals.push(arg);
      if (!options.reorder) flagsEnded = true;
      i++;
      continue;
    }
    let body = arg.slice(arg[1] === "-" ? 2 : 1);
    if (body.length === 0 || body[0] === "-" || body[0] === "=") {
      throw new FlagError(`bad flag syntax: ${arg}`, jsonSeen);
    }
    let inline: string | undefined;
    const eq = body.indexOf("=");
    if (eq >= 0) {
      inline = body.slice(eq + 1);
      body = body.slice(0, eq);
    }
    const spec = byName.get(body);
    if (!spec) throw new FlagError(`flag provided but not defined: -${body}`, jsonSeen);
    let raw: string;
    if (spec.kind === "bool") {
      raw = inline ?? "true";
    } else if (inline !== undefined) {
      raw = inline;
    } else {
      if (i + 1 >= args.length) throw new FlagError(`flag needs an argument: -${body}`, jsonSeen);
      raw = args[i + 1]!;
      i++;
    }
    values.set(spec.name, parseValue(spec, raw, jsonSeen));
    set.add(spec.name);
    // Go reports a parse error in JSON when the json flag's value is true at
    // that point, so a later --json=false turns it off again.
    if (spec.name === "json") jsonSeen = values.get("json") === true;
    i++;
  }
  return { values, set, positionals };
}

/**
 * True when an argument list requests JSON output before any positional that
 * would end flag parsing; used for errors raised before parsing completes.
 *
 * @example
 * ```ts
 * argsRequestJson(["--json", "x"]); // true
 * ```
 */
export function argsRequestJson(args: readonly string[]): boolean {
  for (const a of args) {
    if (a === "--") return false;
    if (a === "--json" || a === "-json" || a === "--json=true" || a === "-json=true") return true;
  }
  return false;
}
