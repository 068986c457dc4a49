/**
 * `gait doctor` (spec 03 §2.3): diagnoses the local environment, keys, the
 * runtime's permissions and, on request, production readiness, and returns
 * one `gait.doctor.result` with stable check names and fix commands.
 *
 * @module
 */

import type { DoctorCheck, DoctorOptions, DoctorResult, OnboardingMode } from "./types.ts";
import {
  checkOutputDir,
  checkRateLimitLock,
  checkRegistryCache,
  checkTempDir,
  checkWorkDir,
  tempDirectory,
} from "./_local_checks.ts";
import { checkKeyConfig, checkKeyPermissions, checkKeySourceAmbiguity } from "./_key_checks.ts";
import {
  checkOnboardingAssets,
  checkOnboardingBinary,
  checkSchemaFiles,
  isRepoCheckout,
} from "./_repo_checks.ts";
import { checkJobRuntimeDurability } from "./job_durability.ts";
import { checkRuntimePermissions, queryRuntimePermissions } from "./runtime_permissions.ts";
import { productionReadinessChecks } from "./_production_checks.ts";
import { isAbsolutePath, joinClean } from "./_text.ts";

/** A unique-enough nanosecond stamp for the temp probe's file name. */
function probeStamp(): bigint {
  return BigInt(Date.now()) * 1_000_000n + BigInt(Math.floor(Math.random() * 1_000_000));
}

/**
 * Runs the doctor. Never throws for a diagnosed problem: every problem is a
 * check with status `warn` or `fail`.
 *
 * @example
 * ```ts
 * const result = await runDoctor({ producerVersion: "0.0.0-dev", now: "2026-02-05T00:00:00Z" });
 * result.summary; // "doctor: onboarding_mode=installed_binary status=warn failed=0 warned=2 non_fixable=false"
 * ```
 */
export async function runDoctor(options: DoctorOptions): Promise<DoctorResult> {
  const env = options.env ?? ((name: string) => Deno.env.get(name));
  const os = options.os ?? Deno.build.os;
  const workDir = (options.workDir ?? "").trim() || ".";
  const outFlag = (options.outputDir ?? "").trim() || "./gait-out";
  const outputDir = isAbsolutePath(outFlag) ? joinClean(outFlag) : joinClean(workDir, outFlag);
  const keyConfig = options.keyConfig ?? {};
  const keyMode = options.keyMode ?? "dev";
  const producerVersion = options.producerVersion.trim() || "0.0.0-dev";
  const repoCheckout = await isRepoCheckout(workDir);
  const mode: OnboardingMode = repoCheckout ? "repo_checkout" : "installed_binary";
  const permissions = await queryRuntimePermissions();
  const home = (os === "windows" ? env("USERPROFILE") : env("HOME")) ?? "";

  const keyChecks = async () => [
    checkKeySourceAmbiguity(keyConfig),
    await checkKeyPermissions(keyConfig, os),
    await checkKeyConfig(keyMode, keyConfig, env),
  ];
  const checks: DoctorCheck[] = [
    await checkWorkDir(workDir),
    await checkOutputDir(outputDir),
    await checkJobRuntimeDurability(outputDir),
    await checkTempDir(tempDirectory(env, os), probeStamp()),
  ];
  let binary: Awaited<ReturnType<typeof checkOnboardingBinary>> | undefined;
  if (options.productionReadiness) {
    checks.push(...await keyChecks(), checkRuntimePermissions(permissions));
    checks.push(...await productionReadinessChecks(workDir));
  } else {
    binary = await checkOnboardingBinary({
      workDir,
      execPath: options.execPath ?? Deno.execPath(),
      version: producerVersion,
      os,
      repoCheckout,
      env,
    });
    checks.push(
      await checkRegistryCache(home),
      await checkRateLimitLock(outputDir, Date.now()),
      binary.check,
      ...await keyChecks(),
      checkRuntimePermissions(permissions),
    );
    if (repoCheckout) {
      checks.push(await checkSchemaFiles(workDir), await checkOnboardingAssets(workDir, os));
    }
  }

  const failed = checks.filter((c) => c.status === "fail").length;
  const warned = checks.filter((c) => c.status === "warn").length;
  const nonFixable = checks.some((c) => c.non_fixable === true);
  const status = failed > 0 ? "fail" : warned > 0 ? "warn" : "pass";
  const fixCommands = [...new Set(checks.map((c) => c.fix_command ?? "").filter((f) => f !== ""))]
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const result: DoctorResult = {
    schema_id: "gait.doctor.result",
    schema_version: "1.0.0",
    created_at: options.now,
    producer_version: producerVersion,
    onboarding_mode: mode,
    status,
    non_fixable: nonFixable,
    summary:
      `doctor: onboarding_mode=${mode} status=${status} failed=${failed} warned=${warned} non_fixable=${nonFixable}`,
    fix_commands: fixCommands,
    runtime_permissions: permissions,
    checks,
  };
  if (binary?.binaryPath !== undefined) result.binary_path = binary.binaryPath;
  if (binary?.binaryPathSource !== undefined) result.binary_path_source = binary.binaryPathSource;
  if (binary?.pathBinaryPath !== undefined) result.path_binary_path = binary.pathBinaryPath;
  if (binary?.binaryVersion !== undefined) result.binary_version = binary.binaryVersion;
  return result;
}
