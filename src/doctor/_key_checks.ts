/**
 * Checks of the signing key configuration given to `gait doctor` (spec 04 §6
 * "Keys"): ambiguous sources, key file permissions, and whether the key
 * mode's keys load.
 *
 * @module
 */

import {
  hasExplicitKeySource,
  type KeyConfig,
  loadSigningKey,
  loadVerifyKey,
} from "../crypto/mod.ts";
import type { DoctorCheck } from "./types.ts";
import { errorText, shellQuote } from "./_text.ts";

const trim = (v: string | undefined) => (v ?? "").trim();

/** `key_source_ambiguity`: a key's path and env form are never both set. */
export function checkKeySourceAmbiguity(config: KeyConfig): DoctorCheck {
  const base = { name: "key_source_ambiguity", scope: "universal" } as const;
  if (trim(config.privateKeyPath) !== "" && trim(config.privateKeyEnv) !== "") {
    return {
      ...base,
      status: "fail",
      message: "private key path and env are both set",
      fix_command: "set only one of --private-key or --private-key-env",
    };
  }
  if (trim(config.publicKeyPath) !== "" && trim(config.publicKeyEnv) !== "") {
    return {
      ...base,
      status: "fail",
      message: "public key path and env are both set",
      fix_command: "set only one of --public-key or --public-key-env",
    };
  }
  return { ...base, status: "pass", message: "key source configuration is unambiguous" };
}

/** `key_permissions`: key files exist, are files, and are not group/other-writable. */
export async function checkKeyPermissions(config: KeyConfig, os: string): Promise<DoctorCheck> {
  const base = { name: "key_permissions", scope: "universal" } as const;
  const paths = [trim(config.privateKeyPath), trim(config.publicKeyPath)].filter((p) => p !== "");
  if (paths.length === 0) {
    return { ...base, status: "pass", message: "no key file paths configured" };
  }
  for (const path of paths) {
    let info: Deno.FileInfo;
    try {
      info = await Deno.stat(path);
    } catch (error) {
      return {
        ...base,
        status: "warn",
        message: `key file not accessible: ${path} (${errorText(error)})`,
        fix_command: `ls -l ${shellQuote(path)}`,
      };
    }
    if (info.isDirectory) {
      return {
        ...base,
        status: "warn",
        message: `key path is a directory: ${path}`,
        fix_command: `set key path to a file: ${shellQuote(path)}`,
      };
    }
    if (os !== "windows" && info.mode !== null && (info.mode & 0o022) !== 0) {
      return {
        ...base,
        status: "warn",
        message: `key file is writable by group/others: ${path}`,
        fix_command: `chmod go-w ${shellQuote(path)}`,
      };
    }
  }
  return { ...base, status: "pass", message: "key file permissions are strict" };
}

/**
 * `key_config`: dev mode with explicit keys warns (they are ignored); prod
 * keys must load and match; any other mode fails.
 */
export async function checkKeyConfig(
  mode: string,
  config: KeyConfig,
  env: (name: string) => string | undefined,
): Promise<DoctorCheck> {
  const base = { name: "key_config", scope: "universal" } as const;
  const keyMode = mode.trim().toLowerCase() || "dev";
  if (keyMode === "dev") {
    if (hasExplicitKeySource(config)) {
      return {
        ...base,
        status: "warn",
        message: "dev mode ignores explicit key sources",
        fix_command: "remove explicit key flags/env or use --key-mode prod",
      };
    }
    return { ...base, status: "pass", message: "dev key mode is configured" };
  }
  if (keyMode === "prod") {
    try {
      await loadSigningKey({ ...config, mode: "prod" }, { env });
    } catch (error) {
      return {
        ...base,
        status: "fail",
        message: `invalid prod signing key config: ${errorText(error)}`,
        fix_command: "set --private-key <path> or --private-key-env <VAR> for prod mode",
      };
    }
    try {
      await loadVerifyKey(config, { env });
    } catch (error) {
      return {
        ...base,
        status: "fail",
        message: `invalid verify key config: ${errorText(error)}`,
        fix_command: "set a valid --public-key/--public-key-env or matching private key source",
      };
    }
    return { ...base, status: "pass", message: "prod key configuration is valid" };
  }
  return {
    ...base,
    status: "fail",
    message: `unsupported key mode: ${keyMode}`,
    fix_command: "use --key-mode dev or --key-mode prod",
  };
}
