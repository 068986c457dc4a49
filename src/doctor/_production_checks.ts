/**
 * `--production-readiness` checks over `.gait/config.yaml` (spec 03 §2.3,
 * spec 04 §6 "Production readiness").
 *
 * @module
 */

import { parseGoDuration } from "../core/duration.ts";
import {
  DEFAULT_PROJECT_CONFIG_PATH as PROJECT_CONFIG_PATH,
  emptyProjectConfig,
  loadProjectConfig,
  type McpServeDefaults,
  type ProjectConfig,
} from "../gate/project_config.ts";
import type { DoctorCheck } from "./types.ts";
import { errorText, joinClean, shellQuote } from "./_text.ts";

const SCOPE = "production_readiness" as const;
const CONFIG = shellQuote(PROJECT_CONFIG_PATH);
const MAX_REQUEST_BYTES = 4 * 1024 * 1024;
const DEFAULT_LISTEN = "127.0.0.1:8787";

/**
 * Splits `host:port` like Go's `net.SplitHostPort` (brackets for IPv6).
 *
 * @example
 * ```ts
 * splitHostPort("[::1]:8787"); // { host: "::1", port: "8787" }
 * ```
 */
export function splitHostPort(address: string): { host: string; port: string } {
  if (address.startsWith("[")) {
    const end = address.indexOf("]");
    if (end < 0) throw new Error(`address ${address}: missing ']' in address`);
    const rest = address.slice(end + 1);
    if (!rest.startsWith(":")) throw new Error(`address ${address}: missing port in address`);
    if (rest.slice(1).includes(":")) {
      throw new Error(`address ${address}: too many colons in address`);
    }
    return { host: address.slice(1, end), port: rest.slice(1) };
  }
  const i = address.lastIndexOf(":");
  if (i < 0) throw new Error(`address ${address}: missing port in address`);
  const host = address.slice(0, i);
  if (host.includes(":")) throw new Error(`address ${address}: too many colons in address`);
  return { host, port: address.slice(i + 1) };
}

function isLoopbackIp(host: string): boolean {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  if (v4) return v4.slice(1).every((o) => Number(o) <= 255) && Number(v4[1]) === 127;
  const lower = host.toLowerCase();
  if (lower.startsWith("::ffff:")) return isLoopbackIp(lower.slice("::ffff:".length));
  if (!lower.includes(":")) return false;
  const groups = lower.split("::");
  if (groups.length > 2) return false;
  const words = lower.replace("::", ":z:").split(":").filter((w) => w !== "");
  if (!words.every((w) => w === "z" || /^[0-9a-f]{1,4}$/.test(w))) return false;
  const expanded: number[] = [];
  for (const w of words) {
    if (w === "z") {
      const fill = 8 - (words.length - 1);
      for (let k = 0; k < fill; k++) expanded.push(0);
    } else expanded.push(parseInt(w, 16));
  }
  return expanded.length === 8 && expanded.slice(0, 7).every((x) => x === 0) && expanded[7] === 1;
}

/**
 * True when a listen address is on loopback (`localhost`, 127.0.0.0/8, `::1`).
 *
 * @example
 * ```ts
 * isLoopbackListen("localhost:8787"); // true
 * ```
 */
export function isLoopbackListen(listen: string): boolean {
  const trimmed = listen.trim();
  if (trimmed === "") throw new Error("listen address is required");
  let host: string;
  try {
    host = splitHostPort(trimmed).host;
  } catch (error) {
    throw new Error(`invalid listen address: ${errorText(error)}`);
  }
  host = host.replace(/^\[|\]$/g, "");
  if (host.toLowerCase() === "localhost") return true;
  return isLoopbackIp(host);
}

function retentionCheck(config: ProjectConfig): DoctorCheck {
  const base = { name: "production_retention", scope: SCOPE } as const;
  const { trace_ttl, session_ttl, export_ttl } = config.retention;
  if (trace_ttl === "" || session_ttl === "" || export_ttl === "") {
    return {
      ...base,
      status: "fail",
      message: "retention.trace_ttl, retention.session_ttl, and retention.export_ttl are required",
      fix_command: `set retention trace/session/export TTLs in ${CONFIG}`,
    };
  }
  for (
    const [key, value] of [["trace_ttl", trace_ttl], ["session_ttl", session_ttl], [
      "export_ttl",
      export_ttl,
    ]] as const
  ) {
    try {
      parseGoDuration(value);
    } catch (error) {
      return { ...base, status: "fail", message: `invalid retention.${key}: ${errorText(error)}` };
    }
  }
  return { ...base, status: "pass", message: "retention TTLs are configured" };
}

function serviceBoundaryCheck(serve: McpServeDefaults): DoctorCheck {
  const base = { name: "production_service_boundary", scope: SCOPE } as const;
  if (!serve.enabled && serve.listen === "") {
    return { ...base, status: "pass", message: "mcp_serve not configured" };
  }
  let loopback: boolean;
  try {
    loopback = isLoopbackListen(serve.listen || DEFAULT_LISTEN);
  } catch (error) {
    return { ...base, status: "fail", message: `invalid mcp_serve.listen: ${errorText(error)}` };
  }
  const failWith = (message: string, setting: string): DoctorCheck => ({
    ...base,
    status: "fail",
    message,
    fix_command: `set ${setting} in ${CONFIG}`,
  });
  if (!loopback && serve.auth_mode !== "token") {
    return failWith(
      "non-loopback mcp_serve.listen requires mcp_serve.auth_mode=token",
      "mcp_serve.auth_mode=token",
    );
  }
  if (serve.auth_mode === "token" && serve.auth_token_env === "") {
    return failWith(
      "mcp_serve.auth_mode=token requires mcp_serve.auth_token_env",
      "mcp_serve.auth_token_env",
    );
  }
  if (serve.allow_client_artifact_paths) {
    return failWith(
      "mcp_serve.allow_client_artifact_paths must be false in production",
      "mcp_serve.allow_client_artifact_paths=false",
    );
  }
  if (serve.max_request_bytes <= 0 || serve.max_request_bytes > MAX_REQUEST_BYTES) {
    return failWith(
      `mcp_serve.max_request_bytes must be >0 and <=${MAX_REQUEST_BYTES}`,
      "mcp_serve.max_request_bytes=1048576",
    );
  }
  if (serve.http_verdict_status !== "strict") {
    return failWith(
      "mcp_serve.http_verdict_status must be strict in production",
      "mcp_serve.http_verdict_status=strict",
    );
  }
  return {
    ...base,
    status: "pass",
    message: "service boundary hardening settings are configured",
  };
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

/**
 * The production readiness checks of a workspace, in order. A config that
 * does not parse yields only a failing `production_readiness_config`.
 */
export async function productionReadinessChecks(workDir: string): Promise<DoctorCheck[]> {
  const path = joinClean(workDir, PROJECT_CONFIG_PATH);
  let loaded: ProjectConfig | null = null;
  try {
    // The config is read exactly as `gate eval` reads it, so the verdict here
    // is about the file gate eval will use.
    if (await exists(path)) loaded = await loadProjectConfig({ path, explicit: true });
  } catch (error) {
    return [{
      name: "production_readiness_config",
      scope: SCOPE,
      status: "fail",
      message: `failed to parse ${PROJECT_CONFIG_PATH}: ${errorText(error)}`,
      fix_command: `edit ${CONFIG} and fix yaml syntax`,
    }];
  }
  const config = loaded ?? emptyProjectConfig();
  const checks: DoctorCheck[] = [
    loaded === null
      ? {
        name: "production_readiness_config",
        scope: SCOPE,
        status: "fail",
        message: `missing ${PROJECT_CONFIG_PATH}`,
        fix_command: `mkdir -p '.gait' && cp examples/config/oss_prod_template.yaml ${CONFIG}`,
      }
      : {
        name: "production_readiness_config",
        scope: SCOPE,
        status: "pass",
        message: `${PROJECT_CONFIG_PATH} present`,
      },
  ];
  const profile = config.gate.profile.toLowerCase();
  checks.push(
    profile === "oss-prod"
      ? {
        name: "production_profile",
        scope: SCOPE,
        status: "pass",
        message: "gate.profile is oss-prod",
      }
      : {
        name: "production_profile",
        scope: SCOPE,
        status: "fail",
        message: "gate.profile must be oss-prod for production readiness",
        fix_command: `set gate.profile=oss-prod in ${CONFIG}`,
      },
  );
  checks.push(
    config.gate.key_mode.toLowerCase() === "prod"
      ? {
        name: "production_key_mode",
        scope: SCOPE,
        status: "pass",
        message: "gate.key_mode is prod",
      }
      : {
        name: "production_key_mode",
        scope: SCOPE,
        status: "fail",
        message: "gate.key_mode must be prod for production readiness",
        fix_command: `set gate.key_mode=prod in ${CONFIG}`,
      },
  );
  checks.push(retentionCheck(config));
  checks.push(serviceBoundaryCheck(config.mcp_serve));
  const strictness = { name: "production_context_strictness", scope: SCOPE } as const;
  if (profile !== "oss-prod") {
    checks.push({
      ...strictness,
      status: "fail",
      message: "strict context enforcement requires gate.profile=oss-prod",
    });
  } else if (config.gate.policy === "") {
    checks.push({
      ...strictness,
      status: "fail",
      message: "gate.policy must be set for strict context enforcement",
      fix_command: `set gate.policy in ${CONFIG}`,
    });
  } else {
    checks.push({ ...strictness, status: "pass", message: "strict context profile is configured" });
  }
  return checks;
}
