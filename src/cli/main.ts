/**
 * Dispatch: argv -> command -> rendered output and exit code (spec 03 §1).
 * The only place where errors become exit codes and text.
 *
 * @module
 */

import { errorMessage, exitCodeForError, GaitError } from "../core/errors.ts";
import { type Clock, systemClock } from "../core/timestamp.ts";
import type { CommandContext, CommandDef, CommandOutput } from "./command.ts";
import { argsRequestJson, FlagError, type FlagSpec, parseFlags } from "./flags.ts";
import { COMMANDS, GROUPS, LEAF_EXPLAIN, ROOT_EXPLAIN } from "./registry.ts";
import { correlationId, renderJson } from "./render.ts";
import { BUILD_INFO, gaitVersion } from "./build_info.ts";

/** Where the CLI writes and what it reads from its environment. */
export interface CliIO {
  /** Writes to stdout. */
  stdout(text: string): void;
  /** Writes to stderr. */
  stderr(text: string): void;
  /** Reads an environment variable. */
  env(name: string): string | undefined;
  /** The clock. */
  clock: Clock;
}

const encoder = new TextEncoder();

function writeAll(fd: { writeSync(p: Uint8Array): number }, text: string): void {
  let bytes = encoder.encode(text);
  while (bytes.length > 0) bytes = bytes.subarray(fd.writeSync(bytes));
}

/** The process's real stdout, stderr, environment and clock. */
export const processIO: CliIO = {
  stdout: (t) => writeAll(Deno.stdout, t),
  stderr: (t) => writeAll(Deno.stderr, t),
  env: (name) => Deno.env.get(name),
  clock: systemClock,
};

const COMMON_FLAGS: FlagSpec[] = [
  { name: "json", kind: "bool", usage: "emit one line of JSON" },
  { name: "help", kind: "bool", usage: "show this help" },
  { name: "h", kind: "bool", usage: "show this help" },
];

function rootUsage(): string {
  const lines = [
    "Gait: offline policy gate, signed evidence, and regressions for AI agent tool calls.",
    "",
    "Usage: gait <command> [flags]",
    "",
    "Commands:",
  ];
  const rows: [string, string][] = [];
  const seenGroups = new Set<string>();
  for (const c of COMMANDS) {
    const group = GROUPS.find((g) => g.name === c.path[0] && c.path.length > 1);
    if (group) {
      if (seenGroups.has(group.name)) continue;
      seenGroups.add(group.name);
      const subs = COMMANDS.filter((x) => x.path[0] === group.name).map((x) => x.path[1]).join("|");
      rows.push([`${group.name} ${subs}`, group.summary]);
    } else {
      rows.push([c.path.join(" "), c.summary]);
    }
  }
  rows.push(["version", "print the version"]);
  const width = Math.max(...rows.map((r) => r[0].length)) + 2;
  for (const [name, summary] of rows) lines.push(`  ${name.padEnd(width)}${summary}`);
  lines.push(
    "",
    "Every command accepts --json (one line of JSON) and --help.",
    "Exit codes: 0 ok, 1 internal, 2 verification failed, 3 blocked, 4 approval required,",
    "5 regression failed, 6 invalid input, 7 missing dependency, 8 unsafe operation.",
    "",
    "Start with: gait demo && gait verify run_demo",
  );
  return lines.join("\n") + "\n";
}

function groupUsage(group: string): string {
  const subs = COMMANDS.filter((c) => c.path[0] === group && c.path.length > 1);
  const width = Math.max(...subs.map((c) => c.path[1]!.length)) + 2;
  const lines = [`Usage: gait ${group} <subcommand> [flags]`, "", "Subcommands:"];
  for (const c of subs) lines.push(`  ${c.path[1]!.padEnd(width)}${c.summary}`);
  return lines.join("\n") + "\n";
}

function flagUsageLine(f: FlagSpec): string {
  const head = f.kind === "bool" ? `--${f.name}` : `--${f.name} ${f.placeholder ?? f.kind}`;
  const def = f.default !== undefined && f.default !== false && f.default !== ""
    ? ` (default ${JSON.stringify(f.default)})`
    : "";
  return `  ${head}\n        ${f.usage}${def}`;
}

function commandUsage(def: CommandDef): string {
  const lines = [
    `Usage: ${def.synopsis}`,
    "",
    def.summary.charAt(0).toUpperCase() + def.summary.slice(1) + ".",
  ];
  if (def.description) lines.push("", def.description);
  lines.push("", "Flags:");
  for (const f of [...def.flags, COMMON_FLAGS[0]!, COMMON_FLAGS[1]!]) lines.push(flagUsageLine(f));
  return lines.join("\n") + "\n";
}

function explainFor(path: string[]): string {
  const group = GROUPS.find((g) => g.name === path[0]);
  if (group) return group.explain;
  return LEAF_EXPLAIN[path[0] ?? ""] ?? ROOT_EXPLAIN;
}

function makeContext(
  def: CommandDef,
  parsed: ReturnType<typeof parseFlags>,
  io: CliIO,
): CommandContext {
  const command = def.path.join(" ");
  return {
    command,
    args: parsed,
    json: parsed.values.get("json") === true,
    clock: io.clock,
    env: io.env,
    warn: (message: string) => {
      if (parsed.values.get("json") !== true) io.stderr(`warning: ${message}\n`);
    },
    str: (name) => {
      const v = parsed.values.get(name);
      return typeof v === "string" ? v : "";
    },
    bool: (name) => parsed.values.get(name) === true,
    int: (name) => {
      const v = parsed.values.get(name);
      return typeof v === "number" ? v : 0;
    },
    has: (name) => parsed.set.has(name),
  };
}

function emit(io: CliIO, out: CommandOutput, json: boolean, corr: string): number {
  if (json) {
    io.stdout(renderJson(out.json, corr, out.exitCode));
  } else if (out.text !== "") {
    io.stdout(out.text.endsWith("\n") ? out.text : out.text + "\n");
  }
  return out.exitCode;
}

function emitError(
  io: CliIO,
  command: string,
  error: unknown,
  json: boolean,
  corr: string,
  fallback: number,
  usage?: string,
): number {
  const exitCode = exitCodeForError(error, fallback as 6);
  const message = errorMessage(error);
  if (json) {
    const body: Record<string, unknown> = { ok: false, error: message };
    if (error instanceof GaitError && error.details) {
      for (const [k, v] of Object.entries(error.details)) if (!(k in body)) body[k] = v;
    }
    if (error instanceof GaitError && error.hint) body.hint = error.hint;
    const category = error instanceof GaitError ? error.category : "internal_failure";
    io.stdout(renderJson(body, corr, exitCode, category));
  } else {
    io.stderr(`${command} error: ${message}\n`);
    if (error instanceof GaitError && error.hint) io.stderr(`hint: ${error.hint}\n`);
    if (usage) io.stderr(usage);
  }
  return exitCode;
}

/**
 * Runs the CLI on arguments (without the program name) and returns the exit code.
 *
 * @example
 * ```ts
 * const code = await runCli(["version"]);
 * ```
 */
export async function runCli(argv: readonly string[], io: CliIO = processIO): Promise<number> {
  const corr = correlationId(argv);
  const first = argv[0];
  if (first === undefined) {
    io.stdout(`gait ${gaitVersion()}\n`);
    return 0;
  }
  if (first === "--explain") {
    io.stdout(ROOT_EXPLAIN + "\n");
    return 0;
  }
  if (first === "--help" || first === "-h" || first === "help") {
    io.stdout(rootUsage());
    return 0;
  }
  if (first === "version" || first === "--version" || first === "-v") {
    if (argv.includes("--explain")) {
      io.stdout(LEAF_EXPLAIN.version + "\n");
      return 0;
    }
    if (argv.slice(1).some((a) => a === "--json" || a === "-json" || a === "--json=true")) {
      io.stdout(renderJson(
        {
          ok: true,
          version: gaitVersion(),
          commit: BUILD_INFO.commit || undefined,
          build_date: BUILD_INFO.buildDate || undefined,
          target: BUILD_INFO.target || undefined,
          runtime: `deno ${Deno.version.deno}`,
        },
        corr,
        0,
      ));
    } else {
      io.stdout(`gait ${gaitVersion()}\n`);
    }
    return 0;
  }

  const isGroup = GROUPS.some((g) => g.name === first);
  const rest = argv.slice(1);
  // Spec 02 §4.1: `gate eval --explain --json` prints the explain document instead.
  const gateExplainJson = first === "gate" && rest[0] === "eval" && argsRequestJson(rest.slice(1));
  if (!gateExplainJson && (rest.includes("--explain") || (isGroup && argv.includes("--explain")))) {
    io.stdout(explainFor([first]) + "\n");
    return 0;
  }

  let def: CommandDef | undefined;
  let args: readonly string[];
  if (isGroup) {
    const sub = rest[0];
    if (sub === undefined || sub === "--help" || sub === "-h" || sub === "help") {
      if (sub === undefined) {
        io.stderr(groupUsage(first));
        return 6;
      }
      io.stdout(groupUsage(first));
      return 0;
    }
    def = COMMANDS.find((c) => c.path[0] === first && c.path[1] === sub);
    if (!def) {
      const json = argsRequestJson(rest.slice(1));
      return emitError(
        io,
        `${first}`,
        new GaitError("invalid_input", `unknown ${first} subcommand: ${sub}`),
        json,
        corr,
        6,
        json ? undefined : groupUsage(first),
      );
    }
    args = rest.slice(1);
  } else {
    // A leaf command may also own subcommand words (`gait verify chain`),
    // recognized only as its first argument, as the reference tool does.
    const subDef = COMMANDS.find((c) =>
      c.path.length === 2 && c.path[0] === first && c.path[1] === rest[0]
    );
    def = subDef ?? COMMANDS.find((c) => c.path.length === 1 && c.path[0] === first);
    if (!def) {
      const json = argsRequestJson(rest);
      if (json) {
        io.stdout(renderJson({ ok: false, error: `unknown command: ${first}` }, corr, 6));
      } else {
        io.stderr(`error: unknown command: ${first}\n`);
        io.stderr(rootUsage());
      }
      return 6;
    }
    args = subDef ? rest.slice(1) : rest;
  }

  const command = def.path.join(" ");
  let parsed;
  try {
    parsed = parseFlags(args, [...def.flags, ...COMMON_FLAGS], { reorder: def.reorder ?? true });
  } catch (error) {
    const json = error instanceof FlagError ? error.jsonRequested : false;
    return emitError(io, command, error, json, corr, 6, json ? undefined : commandUsage(def));
  }
  if (parsed.values.get("help") === true || parsed.values.get("h") === true) {
    io.stdout(commandUsage(def));
    return 0;
  }
  const json = parsed.values.get("json") === true;
  if (parsed.positionals.length > (def.maxPositionals ?? 0)) {
    return emitError(
      io,
      command,
      new GaitError(
        "invalid_input",
        `unexpected positional arguments: ${parsed.positionals.join(" ")}`,
      ),
      json,
      corr,
      6,
    );
  }
  try {
    const module = await def.load();
    const out = await module.run(makeContext(def, parsed, io));
    return emit(io, out, json, corr);
  } catch (error) {
    return emitError(io, command, error, json, corr, def.fallbackExit ?? 6);
  }
}
