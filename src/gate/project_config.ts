/**
 * Project defaults in `.gait/config.yaml` (spec 02 §7.1). Lenient YAML:
 * unknown keys are ignored and strings trimmed; a value that is a mapping or a
 * list where a scalar belongs is an error. Only `gate eval` consumes `gate:`
 * (a value applies only where the flag is empty; flags win; booleans are not
 * configurable); `mcp_serve` and `retention` are read by
 * `gait doctor --production-readiness`.
 *
 * @module
 */

import { GaitError } from "../core/errors.ts";
import { decodeUtf8Strict } from "../core/strict_json.ts";
import { goLower, goTrim } from "./_text.ts";
import { isYamlNull, loadYaml, PlainScalar, TaggedScalar } from "./_yaml_load.ts";

/** The default project config path. */
export const DEFAULT_PROJECT_CONFIG_PATH = ".gait/config.yaml";
/** Largest accepted config file. */
export const MAX_PROJECT_CONFIG_BYTES = 1024 * 1024;

/** `gate:` defaults ("" when unset). */
export interface GateDefaults {
  policy: string;
  profile: string;
  key_mode: string;
  private_key: string;
  private_key_env: string;
  approval_public_key: string;
  approval_public_key_env: string;
  approval_private_key: string;
  approval_private_key_env: string;
  kill_switch_state: string;
  rate_limit_state: string;
  credential_broker: string;
  credential_env_prefix: string;
  credential_ref: string;
  /** From a CSV string (or a YAML list), trimmed, empties dropped. */
  credential_scopes: string[];
  credential_command: string;
  /** From a CSV string (or a YAML list), trimmed, empties dropped. */
  credential_command_args: string[];
  credential_evidence_path: string;
  trace_path: string;
  wrkr_inventory_path: string;
}

/** `mcp_serve:` settings ("" / false / 0 when unset). */
export interface McpServeDefaults {
  enabled: boolean;
  listen: string;
  auth_mode: string;
  auth_token_env: string;
  max_request_bytes: number;
  http_verdict_status: string;
  allow_client_artifact_paths: boolean;
}

/** `retention:` settings (Go durations as written, "" when unset). */
export interface RetentionDefaults {
  trace_ttl: string;
  session_ttl: string;
  export_ttl: string;
}

/** A loaded project config. */
export interface ProjectConfig {
  /** Where it was read from ("" when no file was read). */
  path: string;
  gate: GateDefaults;
  mcp_serve: McpServeDefaults;
  retention: RetentionDefaults;
}

const GATE_STRING_KEYS = [
  "policy",
  "profile",
  "key_mode",
  "private_key",
  "private_key_env",
  "approval_public_key",
  "approval_public_key_env",
  "approval_private_key",
  "approval_private_key_env",
  "kill_switch_state",
  "rate_limit_state",
  "credential_broker",
  "credential_env_prefix",
  "credential_ref",
  "credential_command",
  "credential_evidence_path",
  "trace_path",
  "wrkr_inventory_path",
] as const;

/**
 * An empty config (no file): every default unset.
 *
 * @example
 * ```ts
 * emptyProjectConfig().gate.policy; // ""
 * ```
 */
export function emptyProjectConfig(): ProjectConfig {
  const gate = Object.fromEntries(GATE_STRING_KEYS.map((k) => [k, ""])) as unknown as GateDefaults;
  gate.credential_scopes = [];
  gate.credential_command_args = [];
  return {
    path: "",
    gate,
    mcp_serve: {
      enabled: false,
      listen: "",
      auth_mode: "",
      auth_token_env: "",
      max_request_bytes: 0,
      http_verdict_status: "",
      allow_client_artifact_paths: false,
    },
    retention: { trace_ttl: "", session_ttl: "", export_ttl: "" },
  };
}

function fail(message: string): never {
  throw new GaitError("invalid_input", `parse project config: ${message}`);
}

function section(root: Record<string, unknown>, name: string): Record<string, unknown> {
  const v = root[name];
  if (isYamlNull(v)) return {};
  if (
    typeof v !== "object" || Array.isArray(v) || v instanceof PlainScalar ||
    v instanceof TaggedScalar
  ) {
    fail(`${name} must be a mapping`);
  }
  return v as Record<string, unknown>;
}

function scalar(m: Record<string, unknown>, path: string, key: string): string {
  const v = m[key];
  if (isYamlNull(v)) return "";
  if (typeof v === "string") return goTrim(v);
  if (v instanceof PlainScalar || v instanceof TaggedScalar) return goTrim(v.text);
  return fail(`${path}.${key} must be a scalar`);
}

function csv(m: Record<string, unknown>, path: string, key: string): string[] {
  const v = m[key];
  if (Array.isArray(v)) {
    return v.map((item, i) => scalar({ [key]: item }, `${path}.${key}[${i}]`, key)).filter((s) =>
      s !== ""
    );
  }
  return scalar(m, path, key).split(",").map((s) => goTrim(s)).filter((s) => s !== "");
}

function bool(m: Record<string, unknown>, path: string, key: string): boolean {
  const text = scalar(m, path, key);
  if (text === "") return false;
  if (/^(true|True|TRUE|yes|Yes|YES|on|On|ON|y|Y)$/.test(text)) return true;
  if (/^(false|False|FALSE|no|No|NO|off|Off|OFF|n|N)$/.test(text)) return false;
  return fail(`${path}.${key} must be a boolean`);
}

function int(m: Record<string, unknown>, path: string, key: string): number {
  const text = scalar(m, path, key);
  if (text === "") return 0;
  if (!/^[+-]?\d+$/.test(text) || !Number.isSafeInteger(Number(text))) {
    return fail(`${path}.${key} must be an integer`);
  }
  return Number(text);
}

/**
 * Parses config text (an empty document gives no defaults).
 *
 * @example
 * ```ts
 * parseProjectConfig("gate:\n  policy: ./policy.yaml\n").gate.policy; // "./policy.yaml"
 * ```
 */
export function parseProjectConfig(
  text: string,
  path = DEFAULT_PROJECT_CONFIG_PATH,
): ProjectConfig {
  const config = emptyProjectConfig();
  config.path = path;
  const loaded = loadYaml(text);
  if ("failure" in loaded) {
    const f = loaded.failure;
    const where = f.line !== undefined ? `line ${f.line}, column ${f.col}: ` : "";
    fail(`${where}${f.message}`);
  }
  const root = loaded.value;
  if (isYamlNull(root)) return config;
  if (
    typeof root !== "object" || Array.isArray(root) || root instanceof PlainScalar ||
    root instanceof TaggedScalar
  ) {
    fail("top level must be a mapping");
  }
  const doc = root as Record<string, unknown>;
  const gate = section(doc, "gate");
  for (const key of GATE_STRING_KEYS) config.gate[key] = scalar(gate, "gate", key);
  config.gate.credential_scopes = csv(gate, "gate", "credential_scopes");
  config.gate.credential_command_args = csv(gate, "gate", "credential_command_args");
  const mcp = section(doc, "mcp_serve");
  config.mcp_serve = {
    enabled: bool(mcp, "mcp_serve", "enabled"),
    listen: scalar(mcp, "mcp_serve", "listen"),
    auth_mode: goLower(scalar(mcp, "mcp_serve", "auth_mode")),
    auth_token_env: scalar(mcp, "mcp_serve", "auth_token_env"),
    max_request_bytes: int(mcp, "mcp_serve", "max_request_bytes"),
    http_verdict_status: goLower(scalar(mcp, "mcp_serve", "http_verdict_status")),
    allow_client_artifact_paths: bool(mcp, "mcp_serve", "allow_client_artifact_paths"),
  };
  const retention = section(doc, "retention");
  config.retention = {
    trace_ttl: scalar(retention, "retention", "trace_ttl"),
    session_ttl: scalar(retention, "retention", "session_ttl"),
    export_ttl: scalar(retention, "retention", "export_ttl"),
  };
  return config;
}

/**
 * Loads the project config for a command. `--no-config` (or a blank path)
 * gives no defaults; a missing file at the default path is ignored; a missing
 * file named explicitly with `--config` is an `invalid_input` error.
 *
 * @example
 * ```ts
 * const config = await loadProjectConfig({ path: ".gait/config.yaml", explicit: false });
 * ```
 */
export async function loadProjectConfig(
  options: { path: string; explicit: boolean; disabled?: boolean },
): Promise<ProjectConfig> {
  const path = options.path.trim();
  if (options.disabled || path === "") return emptyProjectConfig();
  let bytes: Uint8Array;
  try {
    const info = await Deno.stat(path);
    if (info.isDirectory) fail(`${path} is a directory`);
    if (info.size > MAX_PROJECT_CONFIG_BYTES) {
      fail(`${path} is too large (limit ${MAX_PROJECT_CONFIG_BYTES} bytes)`);
    }
    bytes = await Deno.readFile(path);
  } catch (error) {
    if (error instanceof GaitError) throw error;
    if (error instanceof Deno.errors.NotFound) {
      if (!options.explicit) return emptyProjectConfig();
      throw new GaitError("invalid_input", `project config not found: ${path}`);
    }
    const detail = error instanceof Error ? error.message : String(error);
    throw new GaitError("invalid_input", `read project config ${path}: ${detail}`);
  }
  if (bytes.length > MAX_PROJECT_CONFIG_BYTES) {
    fail(`${path} is too large (limit ${MAX_PROJECT_CONFIG_BYTES} bytes)`);
  }
  return parseProjectConfig(decodeUtf8Strict(bytes, "project config"), path);
}
