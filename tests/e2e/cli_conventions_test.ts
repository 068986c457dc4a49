/**
 * Global CLI conventions (spec 03 §1, spec 04 §0), through the real CLI with
 * the shipped permission set. Handlers are never loaded here: `--help`,
 * `--explain` and usage errors are answered from the command table.
 */

import assert from "node:assert/strict";
import { correlationId } from "../../src/cli/render.ts";
import { COMMANDS, GROUPS } from "../../src/cli/registry.ts";
import { type GaitResult, runGait } from "../helpers/cli.ts";

const VERSION_LINE = "gait 0.0.0-dev\n";
const INVALID_INPUT_ENVELOPE = {
  ok: false,
  error_code: "invalid_input",
  error_category: "invalid_input",
  retryable: false,
  hint: "check command usage and input schema",
};

// spec 03 §1 "--explain".
const ROOT_EXPLAIN =
  "Gait is an offline-first CLI for deterministic run artifacts, policy-gated tool execution, and reproducible debugging workflows.";
const RUN_EXPLAIN =
  "Work with runpacks: record an artifact from normalized run data, replay deterministically in stub mode, and diff runs with stable output.";
const DEMO_EXPLAIN =
  "Run a fully offline deterministic demo and emit a shareable runpack receipt for verification.";
const VERSION_EXPLAIN = "Print the CLI version.";

function show(r: GaitResult): string {
  return `exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`;
}

/** Asserts a `--json` output: one line, keys sorted, correlation_id of these args. */
function assertJsonLine(args: string[], r: GaitResult): Record<string, unknown> {
  assert.ok(r.stdout.endsWith("\n"), show(r));
  assert.equal(r.stdout.trimEnd().split("\n").length, 1, show(r));
  const value = r.json();
  const keys = Object.keys(value);
  assert.deepEqual(keys, [...keys].sort(), "top-level keys are sorted");
  assert.equal(value.correlation_id, correlationId(args));
  return value;
}

/** Asserts a JSON error envelope for exit 6 whose error matches `message`. */
function assertInvalidInputJson(args: string[], r: GaitResult, message: RegExp): void {
  assert.equal(r.code, 6, show(r));
  const value = assertJsonLine(args, r);
  assert.match(String(value.error), message);
  for (const [k, v] of Object.entries(INVALID_INPUT_ENVELOPE)) {
    assert.deepEqual(value[k], v, `${k} in ${r.stdout}`);
  }
}

/** Asserts a human-mode usage error (exit 6, no JSON on stdout) mentioning `message`. */
function assertInvalidInputText(r: GaitResult, message: RegExp): void {
  assert.equal(r.code, 6, show(r));
  assert.ok(!r.stdout.trimStart().startsWith("{"), `unexpected JSON: ${show(r)}`);
  assert.match(r.stdout + r.stderr, message);
}

/** Runs many invocations concurrently. */
function runAll(argLists: string[][]): Promise<GaitResult[]> {
  return Promise.all(argLists.map((args) => runGait(args)));
}

Deno.test("gait with no arguments prints `gait <version>`, exit 0", async () => {
  const r = await runGait([]);
  assert.equal(r.code, 0, show(r));
  assert.equal(r.stdout, VERSION_LINE);
});

Deno.test("gait --help, -h and help print usage, exit 0", async () => {
  const results = await runAll([["--help"], ["-h"], ["help"]]);
  for (const r of results) {
    assert.equal(r.code, 0, show(r));
    assert.match(r.stdout, /Usage: gait <command>/);
    assert.match(r.stdout, /--json/);
  }
});

Deno.test("gait version, --version and -v print `gait <version>`, exit 0", async () => {
  const results = await runAll([["version"], ["--version"], ["-v"], ["version", "--bogus", "x"]]);
  for (const r of results) {
    assert.equal(r.code, 0, show(r));
    assert.equal(r.stdout, VERSION_LINE);
  }
});

Deno.test("gait version --json prints ok, version and correlation_id", async () => {
  const argLists = [["version", "--json"], ["--version", "--json"], ["-v", "--json"]];
  const results = await runAll(argLists);
  results.forEach((r, i) => {
    assert.equal(r.code, 0, show(r));
    const value = assertJsonLine(argLists[i]!, r);
    assert.equal(value.ok, true);
    assert.equal(value.version, "0.0.0-dev");
  });
});

Deno.test("--explain at the root prints the root sentence, exit 0", async () => {
  const r = await runGait(["--explain"]);
  assert.equal(r.code, 0, show(r));
  assert.equal(r.stdout, ROOT_EXPLAIN + "\n");
});

Deno.test("--explain on a group or its subcommand prints the group sentence, exit 0", async () => {
  const argLists = [
    ["run", "--explain"],
    ["run", "record", "--explain"],
    ["run", "inspect", "--json", "--explain"],
    ["run", "--explain", "--json"],
  ];
  for (const r of await runAll(argLists)) {
    assert.equal(r.code, 0, show(r));
    assert.equal(r.stdout, RUN_EXPLAIN + "\n");
  }
});

Deno.test("--explain on leaf commands prints their sentence", async () => {
  const [demo, version] = await runAll([["demo", "--explain"], ["version", "--explain"]]);
  assert.equal(demo!.code, 0, show(demo!));
  assert.equal(demo!.stdout, DEMO_EXPLAIN + "\n");
  assert.equal(version!.code, 0, show(version!));
  assert.equal(version!.stdout, VERSION_EXPLAIN + "\n");
});

Deno.test("--explain comes before any validation", async () => {
  const argLists = [
    ["verify", "--nope", "--explain"],
    ["demo", "extra", "positionals", "--explain"],
    ["run", "nope", "--explain"],
  ];
  for (const r of await runAll(argLists)) {
    assert.equal(r.code, 0, show(r));
    assert.doesNotMatch(r.stdout, /error/);
    assert.equal(r.stdout.split("\n").length, 2, show(r));
  }
});

Deno.test("every group answers --explain with its own sentence", async () => {
  const results = await runAll(GROUPS.map((g) => [g.name, "--explain"]));
  results.forEach((r, i) => {
    assert.equal(r.code, 0, show(r));
    assert.equal(r.stdout, GROUPS[i]!.explain + "\n");
  });
});

Deno.test("unknown command: exit 6 with `error: unknown command: <x>`", async () => {
  const r = await runGait(["nope"]);
  assertInvalidInputText(r, /error: unknown command: nope/);
});

Deno.test("unknown command with --json after it: the JSON error envelope, exit 6", async () => {
  const args = ["nope", "--json"];
  assertInvalidInputJson(args, await runGait(args), /^unknown command: nope$/);
});

Deno.test("JSON output applies Go escaping to < > &", async () => {
  const args = ["<nope&>", "--json"];
  const r = await runGait(args);
  assertInvalidInputJson(args, r, /^unknown command: <nope&>$/);
  assert.match(r.stdout, /unknown command: \\u003cnope\\u0026\\u003e/);
});

Deno.test("unknown flag on a real command: exit 6; JSON only when --json came first", async () => {
  const jsonFirst = ["verify", "--json", "--nope"];
  const jsonLast = ["verify", "--nope", "--json"];
  const [a, b] = await runAll([jsonFirst, jsonLast]);
  assertInvalidInputJson(jsonFirst, a!, /^flag provided but not defined: -nope$/);
  assertInvalidInputText(b!, /flag provided but not defined: -nope/);
});

Deno.test("missing flag argument: exit 6 with `flag needs an argument: -x`", async () => {
  const jsonArgs = ["verify", "--json", "--profile"];
  const [text, json] = await runAll([["verify", "--profile"], jsonArgs]);
  assertInvalidInputText(text!, /flag needs an argument: -profile/);
  assertInvalidInputJson(jsonArgs, json!, /^flag needs an argument: -profile$/);
});

Deno.test("invalid boolean flag value: exit 6", async () => {
  const r = await runGait(["verify", "--require-signature=maybe"]);
  assertInvalidInputText(r, /invalid boolean value "maybe" for -require-signature: parse error/);
});

Deno.test("unexpected positional arguments: exit 6", async () => {
  const jsonArgs = ["demo", "extra", "--json"];
  const [text, json] = await runAll([["demo", "extra"], jsonArgs]);
  assertInvalidInputText(text!, /unexpected positional arguments: extra/);
  assertInvalidInputJson(jsonArgs, json!, /^unexpected positional arguments: extra$/);
});

Deno.test("a group without a subcommand: usage, exit 6", async () => {
  const results = await runAll(GROUPS.map((g) => [g.name]));
  results.forEach((r, i) => {
    assertInvalidInputText(r, new RegExp(`Usage: gait ${GROUPS[i]!.name} `));
  });
});

Deno.test("unknown subcommand: exit 6; JSON envelope with --json", async () => {
  const jsonArgs = ["run", "nope", "--json"];
  const [text, json] = await runAll([["run", "nope"], jsonArgs]);
  assertInvalidInputText(text!, /unknown run subcommand: nope/);
  assertInvalidInputJson(jsonArgs, json!, /^unknown run subcommand: nope$/);
});

Deno.test("a group's --help lists its subcommands, exit 0", async () => {
  const results = await runAll(GROUPS.map((g) => [g.name, "--help"]));
  results.forEach((r, i) => {
    const group = GROUPS[i]!.name;
    assert.equal(r.code, 0, show(r));
    for (const c of COMMANDS.filter((c) => c.path[0] === group && c.path.length > 1)) {
      assert.match(
        r.stdout,
        new RegExp(`\\b${c.path[1]}\\b`),
        `${group} --help lists ${c.path[1]}`,
      );
    }
  });
});

Deno.test("every command answers --help with usage, exit 0, and mentions --json", async () => {
  const results = await runAll(COMMANDS.map((c) => [...c.path, "--help"]));
  results.forEach((r, i) => {
    const command = COMMANDS[i]!.path.join(" ");
    assert.equal(r.code, 0, `gait ${command} --help: ${show(r)}`);
    assert.match(r.stdout, /Usage: /, `gait ${command} --help`);
    assert.match(r.stdout, /--json/, `gait ${command} --help`);
    for (const flag of COMMANDS[i]!.flags) {
      assert.ok(r.stdout.includes(`--${flag.name}`), `gait ${command} --help lists --${flag.name}`);
    }
  });
});

Deno.test("every command rejects an undefined flag with exit 6", async () => {
  const argLists = COMMANDS.map((c) => [...c.path, "--json", "--no-such-flag"]);
  const results = await runAll(argLists);
  results.forEach((r, i) => {
    assertInvalidInputJson(argLists[i]!, r, /^flag provided but not defined: -no-such-flag$/);
  });
});
