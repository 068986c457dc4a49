/**
 * Go `flag` package semantics (spec 03 §1 "Flags").
 */

import assert from "node:assert/strict";
import { GaitError } from "../../src/core/errors.ts";
import { argsRequestJson, FlagError, type FlagSpec, parseFlags } from "../../src/cli/flags.ts";

const SPECS: FlagSpec[] = [
  { name: "json", kind: "bool", usage: "" },
  { name: "force", kind: "bool", usage: "" },
  { name: "input", kind: "string", usage: "" },
  { name: "out-dir", kind: "string", usage: "", default: "./gait-out" },
  { name: "limit", kind: "int", usage: "", default: 5 },
  { name: "ttl", kind: "duration", usage: "", default: "24h" },
];

const reorder = (args: string[]) => parseFlags(args, SPECS, { reorder: true });
const noReorder = (args: string[]) => parseFlags(args, SPECS, { reorder: false });

function flagError(fn: () => unknown): FlagError {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof FlagError, `expected FlagError, got ${String(caught)}`);
  return caught;
}

Deno.test("-x and --x are the same flag", () => {
  assert.equal(reorder(["-input", "a"]).values.get("input"), "a");
  assert.equal(reorder(["--input", "a"]).values.get("input"), "a");
  assert.equal(reorder(["-force"]).values.get("force"), true);
  assert.equal(reorder(["--force"]).values.get("force"), true);
});

Deno.test("--x=v and --x v give the same value", () => {
  assert.equal(reorder(["--input=a.json"]).values.get("input"), "a.json");
  assert.equal(reorder(["--input", "a.json"]).values.get("input"), "a.json");
  assert.equal(reorder(["-input=a=b"]).values.get("input"), "a=b");
  assert.equal(reorder(["--input="]).values.get("input"), "");
});

Deno.test("a value flag takes the next argument even when it looks like a flag", () => {
  const p = reorder(["--input", "--force"]);
  assert.equal(p.values.get("input"), "--force");
  assert.equal(p.values.get("force"), false);
});

Deno.test("bool flags: --b is true, --b=false|0|f is false, --b=true|1|T is true", () => {
  for (const v of ["true", "1", "t", "T", "TRUE", "True"]) {
    assert.equal(reorder([`--force=${v}`]).values.get("force"), true, v);
  }
  for (const v of ["false", "0", "f", "F", "FALSE", "False"]) {
    assert.equal(reorder([`--force=${v}`]).values.get("force"), false, v);
  }
});

Deno.test("a bool flag does not consume the next argument", () => {
  const p = reorder(["--force", "false"]);
  assert.equal(p.values.get("force"), true);
  assert.deepEqual(p.positionals, ["false"]);
});

Deno.test('invalid bool value: invalid boolean value "v" for -x: parse error', () => {
  assert.equal(
    flagError(() => reorder(["--force=yes"])).message,
    'invalid boolean value "yes" for -force: parse error',
  );
  assert.equal(
    flagError(() => reorder(["--force="])).message,
    'invalid boolean value "" for -force: parse error',
  );
});

Deno.test('invalid int value: invalid value "v" for flag -x: parse error', () => {
  assert.equal(
    flagError(() => reorder(["--limit", "ten"])).message,
    'invalid value "ten" for flag -limit: parse error',
  );
  assert.equal(
    flagError(() => reorder(["--limit=1.5"])).message,
    'invalid value "1.5" for flag -limit: parse error',
  );
  assert.match(
    flagError(() => reorder(["--limit=99999999999999999999"])).message,
    /^invalid value "99999999999999999999" for flag -limit: /,
  );
});

Deno.test("int values parse with an optional sign", () => {
  assert.equal(reorder(["--limit=-3"]).values.get("limit"), -3);
  assert.equal(reorder(["--limit", "+7"]).values.get("limit"), 7);
});

Deno.test("duration values are validated with Go syntax and kept as text", () => {
  assert.equal(reorder(["--ttl=1h30m"]).values.get("ttl"), "1h30m");
  assert.equal(
    flagError(() => reorder(["--ttl", "1day"])).message,
    'invalid value "1day" for flag -ttl: parse error',
  );
});

Deno.test("undefined flag: flag provided but not defined: -x (single dash)", () => {
  assert.equal(
    flagError(() => reorder(["--nope"])).message,
    "flag provided but not defined: -nope",
  );
  assert.equal(
    flagError(() => reorder(["-nope=1"])).message,
    "flag provided but not defined: -nope",
  );
  assert.equal(flagError(() => reorder(["-h"])).message, "flag provided but not defined: -h");
});

Deno.test("missing value: flag needs an argument: -x", () => {
  assert.equal(flagError(() => reorder(["--input"])).message, "flag needs an argument: -input");
  assert.equal(
    flagError(() => reorder(["pos", "--limit"])).message,
    "flag needs an argument: -limit",
  );
});

Deno.test("bad flag syntax: ---x and -=x", () => {
  assert.equal(flagError(() => reorder(["---x"])).message, "bad flag syntax: ---x");
  assert.equal(flagError(() => reorder(["-=x"])).message, "bad flag syntax: -=x");
});

Deno.test("flag errors are invalid_input GaitErrors (exit 6)", () => {
  const e = flagError(() => reorder(["--nope"]));
  assert.ok(e instanceof GaitError);
  assert.equal(e.category, "invalid_input");
  assert.equal(e.exitCode, 6);
});

Deno.test("-- ends flags: everything after it is positional", () => {
  const p = reorder(["--force", "--", "--input", "x", "--"]);
  assert.equal(p.values.get("force"), true);
  assert.equal(p.set.has("input"), false);
  assert.deepEqual(p.positionals, ["--input", "x", "--"]);
});

Deno.test('a lone "-" is a positional', () => {
  assert.deepEqual(reorder(["-", "--force"]).positionals, ["-"]);
});

Deno.test("reordering: flags after positionals are still parsed", () => {
  const p = reorder(["run_demo", "--json", "--input", "a", "second"]);
  assert.deepEqual(p.positionals, ["run_demo", "second"]);
  assert.equal(p.values.get("json"), true);
  assert.equal(p.values.get("input"), "a");
});

Deno.test("no reordering: the first positional ends flag parsing", () => {
  const p = noReorder(["--force", "fixture", "--json", "--input", "a"]);
  assert.equal(p.values.get("force"), true);
  assert.equal(p.values.get("json"), false);
  assert.equal(p.set.has("input"), false);
  assert.deepEqual(p.positionals, ["fixture", "--json", "--input", "a"]);
});

Deno.test("no reordering: an undefined flag after a positional is not an error", () => {
  assert.deepEqual(noReorder(["x", "--nope"]).positionals, ["x", "--nope"]);
  assert.throws(() => reorder(["x", "--nope"]), FlagError);
});

Deno.test("defaults apply to absent flags; set lists only given flags", () => {
  const p = reorder(["--input", "a"]);
  assert.equal(p.values.get("out-dir"), "./gait-out");
  assert.equal(p.values.get("limit"), 5);
  assert.equal(p.values.get("ttl"), "24h");
  assert.equal(p.values.get("force"), false);
  assert.deepEqual([...p.set], ["input"]);
  assert.equal(p.values.has("input"), true);
  assert.equal(reorder([]).values.has("input"), false);
});

Deno.test("the last occurrence of a repeated flag wins", () => {
  assert.equal(reorder(["--input", "a", "--input=b"]).values.get("input"), "b");
  assert.equal(reorder(["--force", "--force=false"]).values.get("force"), false);
});

Deno.test("jsonRequested is true only when --json was parsed before the bad token", () => {
  assert.equal(flagError(() => reorder(["--json", "--nope"])).jsonRequested, true);
  assert.equal(flagError(() => reorder(["--nope", "--json"])).jsonRequested, false);
  assert.equal(flagError(() => reorder(["-json", "--input"])).jsonRequested, true);
  assert.equal(flagError(() => reorder(["--json=false", "--nope"])).jsonRequested, false);
  assert.equal(flagError(() => reorder(["--json", "--json=0", "--nope"])).jsonRequested, false);
  assert.equal(flagError(() => reorder(["--json=0", "--json", "--nope"])).jsonRequested, true);
  assert.equal(flagError(() => reorder(["pos", "--json", "--limit=x"])).jsonRequested, true);
  assert.equal(flagError(() => reorder(["--json", "--limit=x"])).jsonRequested, true);
  assert.equal(flagError(() => reorder(["--force=maybe", "--json"])).jsonRequested, false);
});

Deno.test("argsRequestJson: --json before any -- requests JSON", () => {
  assert.equal(argsRequestJson(["--json", "x"]), true);
  assert.equal(argsRequestJson(["x", "-json"]), true);
  assert.equal(argsRequestJson(["--json=true"]), true);
  assert.equal(argsRequestJson(["--", "--json"]), false);
  assert.equal(argsRequestJson(["--json=false"]), false);
  assert.equal(argsRequestJson([]), false);
});
