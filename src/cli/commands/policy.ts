/**
 * `gait policy init|validate|fmt|test|simulate` (spec 02 §7.2).
 *
 * @module
 */

import { GaitError } from "../../core/errors.ts";
import type { JsonValue } from "../../core/json_value.ts";
import { decodeUtf8Strict } from "../../core/strict_json.ts";
import { joinPath, pathExists, readFileLimited, writeFileAtomic } from "../../fs/atomic.ts";
import { loadedPolicy, readIntentFile, readPolicyFile } from "../../gate/eval_pipeline.ts";
import { formatPolicyYaml } from "../../gate/policy_format.ts";
import { MAX_POLICY_BYTES, parsePolicyYaml } from "../../gate/policy_parse.ts";
import { simulatePolicies, type SimulationFixture } from "../../gate/policy_simulate.ts";
import { policyTemplate, resolvePolicyTemplate } from "../../gate/policy_templates.ts";
import { runPolicyTest } from "../../gate/policy_test.ts";
import type { CommandContext, CommandOutput } from "../command.ts";
import { gaitVersion } from "../build_info.ts";

function onePositional(ctx: CommandContext, what: string): string {
  const p = ctx.args.positionals[0]?.trim() ?? "";
  if (p === "") throw new GaitError("invalid_input", `${what} is required`);
  return p;
}

/** `gait policy init <template> [--out gait.policy.yaml] [--force]`. */
export async function runInit(ctx: CommandContext): Promise<CommandOutput> {
  const template = resolvePolicyTemplate(onePositional(ctx, "template name"));
  const out = ctx.str("out").trim() || "gait.policy.yaml";
  if (!ctx.bool("force") && await pathExists(out)) {
    throw new GaitError("invalid_input", `policy file already exists (use --force): ${out}`);
  }
  await writeFileAtomic(out, policyTemplate(template), { createParents: true });
  const next = [
    `gait policy validate ${out} --json`,
    `gait policy fmt ${out} --write --json`,
    "gait doctor --json",
  ];
  return {
    exitCode: 0,
    json: { ok: true, template, policy_path: out, next_commands: next },
    text: [`policy init ok: template=${template} path=${out}`, ...next.map((n) => `next: ${n}`)]
      .join("\n"),
  };
}

/** `gait policy validate <policy>`. */
export async function runValidate(ctx: CommandContext): Promise<CommandOutput> {
  const path = onePositional(ctx, "policy path");
  const { policy, digest } = await readPolicyFile(path);
  const summary =
    `policy validate ok: default=${policy.default_verdict} rules=${policy.rules.length} digest=${digest}`;
  return {
    exitCode: 0,
    json: {
      ok: true,
      schema_id: policy.schema_id,
      schema_version: policy.schema_version,
      policy_digest: digest,
      default_verdict: policy.default_verdict,
      rule_count: policy.rules.length,
      summary,
    },
    text: summary,
  };
}

/** `gait policy fmt <policy> [--write]`. */
export async function runFmt(ctx: CommandContext): Promise<CommandOutput> {
  const path = onePositional(ctx, "policy path");
  let bytes: Uint8Array;
  try {
    bytes = await readFileLimited(path, MAX_POLICY_BYTES, "policy");
  } catch (error) {
    if (error instanceof GaitError && error.message.includes("too large")) {
      throw new GaitError("invalid_input", `parse policy yaml: ${error.message}`);
    }
    throw error;
  }
  const original = decodeUtf8Strict(bytes, "parse policy yaml: policy");
  const policy = parsePolicyYaml(original, { label: path });
  const { digest } = loadedPolicy(policy);
  const formatted = formatPolicyYaml(policy);
  const changed = formatted !== original;
  const write = ctx.bool("write");
  if (write && changed) {
    // Keep the file's permissions: a policy is usually a shared, committed file.
    const mode = (await Deno.stat(path)).mode ?? 0o600;
    await writeFileAtomic(path, formatted, { mode: mode & 0o777 });
  }
  const json: Record<string, unknown> = {
    ok: true,
    path,
    written: write && changed,
    changed,
    policy_digest: digest,
    default_verdict: policy.default_verdict,
    rule_count: policy.rules.length,
  };
  if (!write) json.formatted = formatted;
  const text = write
    ? `policy fmt ok: path=${path} changed=${changed} written=${write && changed} digest=${digest}`
    : formatted;
  return { exitCode: 0, json, text };
}

/** `gait policy test <policy> <intent>`. */
export async function runTest(ctx: CommandContext): Promise<CommandOutput> {
  const [policyPath, intentPath] = ctx.args.positionals.map((p) => p.trim());
  if (!policyPath || !intentPath) {
    throw new GaitError("invalid_input", "usage: gait policy test <policy.yaml> <intent.json>");
  }
  const policy = await readPolicyFile(policyPath);
  const intent = await readIntentFile(intentPath);
  const run = runPolicyTest(policy, intent, ctx.clock.now(), gaitVersion());
  return { exitCode: run.exitCode, json: run.result, text: String(run.result.summary) };
}

async function collectFixtures(spec: string): Promise<SimulationFixture[]> {
  const paths = new Set<string>();
  for (const item of spec.split(",").map((s) => s.trim()).filter((s) => s !== "")) {
    let info: Deno.FileInfo;
    try {
      info = await Deno.stat(item);
    } catch {
      throw new GaitError("invalid_input", `fixture not found: ${item}`);
    }
    if (info.isDirectory) {
      for await (const entry of Deno.readDir(item)) {
        if (entry.isFile && entry.name.endsWith(".json")) paths.add(joinPath(item, entry.name));
      }
    } else {
      paths.add(item);
    }
  }
  if (paths.size === 0) {
    throw new GaitError("invalid_input", "no .json fixtures found in --fixtures");
  }
  const out: SimulationFixture[] = [];
  for (const path of paths) {
    const intent: JsonValue = await readIntentFile(path);
    out.push({ path, intent });
  }
  return out;
}

/** `gait policy simulate --policy <candidate> --baseline <baseline> --fixtures <csv>`. */
export async function runSimulate(ctx: CommandContext): Promise<CommandOutput> {
  const candidatePath = ctx.str("policy").trim();
  const baselinePath = ctx.str("baseline").trim();
  const fixtures = ctx.str("fixtures").trim();
  if (candidatePath === "" || baselinePath === "" || fixtures === "") {
    throw new GaitError("invalid_input", "--policy, --baseline and --fixtures are required");
  }
  const candidate = await readPolicyFile(candidatePath);
  const baseline = await readPolicyFile(baselinePath);
  const report = simulatePolicies(
    baseline,
    candidate,
    await collectFixtures(fixtures),
    ctx.clock.now(),
  );
  const lines = [String(report.summary)];
  for (const c of report.changed as Record<string, unknown>[]) {
    lines.push(`changed: ${c.fixture_path} ${c.baseline_verdict} -> ${c.candidate_verdict}`);
  }
  return { exitCode: 0, json: report, text: lines.join("\n") };
}
