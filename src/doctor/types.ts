/**
 * The shapes of a `gait doctor` run (spec 03 §2.3): one {@link DoctorCheck}
 * per diagnosed concern, aggregated into a {@link DoctorResult}.
 *
 * @module
 */

import type { KeyConfig } from "../crypto/mod.ts";

/** A check's outcome. `fail` outranks `warn`, which outranks `pass`. */
export type CheckStatus = "pass" | "warn" | "fail";

/**
 * Where a check applies: everywhere, only inside a Gait source checkout, or
 * only under `--production-readiness`.
 */
export type CheckScope = "universal" | "repo_checkout" | "production_readiness";

/** One diagnosed concern. */
export interface DoctorCheck {
  /** Stable check name, e.g. `output_dir`. */
  name: string;
  /** Where the check applies. */
  scope: CheckScope;
  /** The outcome. */
  status: CheckStatus;
  /** One line for people. */
  message: string;
  /** A shell command (paths single-quoted) or an instruction that fixes it. */
  fix_command?: string;
  /** True when no command can fix it (a broken installation or checkout). */
  non_fixable?: boolean;
}

/** How the doctor found Gait: running from a source checkout or as an installed binary. */
export type OnboardingMode = "repo_checkout" | "installed_binary";

/** Where the reported `gait` binary was found. */
export type BinaryPathSource = "invoked_executable" | "path" | "workdir";

/** The effective state of one runtime permission. */
export type PermissionState = "granted" | "denied" | "prompt";

/** The effective runtime permissions, as reported by `Deno.permissions.query`. */
export interface RuntimePermissions {
  /** File system read (whole file system). */
  read: PermissionState;
  /** File system write (whole file system). */
  write: PermissionState;
  /** Environment variables. */
  env: PermissionState;
  /** Network to the loopback interface (127.0.0.1). */
  net_loopback: PermissionState;
  /** Network to a non-loopback address (outbound). */
  net_outbound: PermissionState;
  /** Running subprocesses. */
  run: PermissionState;
  /** Loading native libraries. */
  ffi: PermissionState;
  /** System information. */
  sys: PermissionState;
}

/** What the doctor needs from its surroundings; every field has a production default. */
export interface DoctorOptions {
  /** Workspace to check (default "."). */
  workDir?: string;
  /** Output directory; joined to the workspace when relative (default "./gait-out"). */
  outputDir?: string;
  /** The reported producer version. */
  producerVersion: string;
  /** `dev` (default) or `prod`; anything else fails `key_config`. */
  keyMode?: string;
  /** Key sources from flags. */
  keyConfig?: KeyConfig;
  /** Run the production readiness set instead of the onboarding set. */
  productionReadiness?: boolean;
  /** The run's timestamp (RFC 3339), reported as `created_at`. */
  now: string;
  /** Reads an environment variable (default `Deno.env.get`). */
  env?: (name: string) => string | undefined;
  /** The running executable (default `Deno.execPath()`). */
  execPath?: string;
  /** The main module URL (default `Deno.mainModule`). */
  mainModule?: string;
  /** The OS (default `Deno.build.os`). */
  os?: string;
}

/** The `gait.doctor.result` document (spec 03 §2.3). */
export interface DoctorResult {
  /** Always `gait.doctor.result`. */
  schema_id: "gait.doctor.result";
  /** Always `1.0.0`. */
  schema_version: "1.0.0";
  /** When the doctor ran. */
  created_at: string;
  /** The version of this Gait. */
  producer_version: string;
  /** Source checkout or installed binary. */
  onboarding_mode: OnboardingMode;
  /** The worst check status. */
  status: CheckStatus;
  /** True when a check cannot be fixed by a command. */
  non_fixable: boolean;
  /** `doctor: onboarding_mode=<m> status=<s> failed=<n> warned=<n> non_fixable=<bool>`. */
  summary: string;
  /** Every distinct fix command, sorted. */
  fix_commands: string[];
  /** The `gait` binary the onboarding check found. */
  binary_path?: string;
  /** Where that binary was found. */
  binary_path_source?: BinaryPathSource;
  /** The `gait` on PATH, when there is one. */
  path_binary_path?: string;
  /** The version of the found binary, when known. */
  binary_version?: string;
  /** The effective runtime permissions. */
  runtime_permissions: RuntimePermissions;
  /** Every check, in the documented order. */
  checks: DoctorCheck[];
}
