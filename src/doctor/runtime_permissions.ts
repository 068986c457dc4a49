/**
 * The `runtime_permissions` check: what the Deno runtime lets this process
 * do. The shipped binary may read, write and use the environment, and open
 * network connections to loopback only; outbound network, subprocesses and
 * native libraries are refused by the runtime before any attempt. Only
 * `Deno.permissions.query` is used: nothing is connected, run or loaded.
 *
 * @module
 */

import type { DoctorCheck, PermissionState, RuntimePermissions } from "./types.ts";

/**
 * Addresses that stand for "anywhere outbound" in the query: a TEST-NET-1
 * address (RFC 5737, never routed) and a DNS name. Querying sends nothing.
 */
const OUTBOUND_PROBES = ["192.0.2.1:443", "example.com:443"];

async function state(descriptor: Deno.PermissionDescriptor): Promise<PermissionState> {
  try {
    return (await Deno.permissions.query(descriptor)).state;
  } catch {
    return "denied";
  }
}

/**
 * Queries the effective permissions of this process (never prompts).
 *
 * @example
 * ```ts
 * const perms = await queryRuntimePermissions();
 * perms.net_outbound; // "prompt" or "denied" under the shipped permissions
 * ```
 */
export async function queryRuntimePermissions(): Promise<RuntimePermissions> {
  const outbound = await Promise.all(
    OUTBOUND_PROBES.map((host) => state({ name: "net", host })),
  );
  return {
    read: await state({ name: "read" }),
    write: await state({ name: "write" }),
    env: await state({ name: "env" }),
    net_loopback: await state({ name: "net", host: "127.0.0.1" }),
    net_outbound: outbound.includes("granted") ? "granted" : outbound[0] ?? "denied",
    run: await state({ name: "run" }),
    ffi: await state({ name: "ffi" }),
    sys: await state({ name: "sys" }),
  };
}

const allowed = (s: PermissionState) => s === "granted";
const word = (s: PermissionState) => (allowed(s) ? "granted" : "denied");

/**
 * Judges effective permissions: outbound network, subprocesses or native
 * libraries fail (broader than the shipped binary); system information warns;
 * missing read/write/env warns (commands will fail); otherwise pass.
 *
 * @example
 * ```ts
 * checkRuntimePermissions(await queryRuntimePermissions()).status; // "pass"
 * ```
 */
export function checkRuntimePermissions(p: RuntimePermissions): DoctorCheck {
  const base = { name: "runtime_permissions", scope: "universal" } as const;
  const netText = allowed(p.net_outbound)
    ? "any"
    : allowed(p.net_loopback)
    ? "loopback-only"
    : "none";
  const summary = `read=${word(p.read)} write=${word(p.write)} env=${word(p.env)} net=${netText}` +
    ` run=${word(p.run)} ffi=${word(p.ffi)} sys=${word(p.sys)}`;
  const fix =
    "run gait with only the shipped permissions: the released binary, the ./gait wrapper, or deno run -P=gait";
  const broader = [
    allowed(p.net_outbound) ? "outbound network" : "",
    allowed(p.run) ? "subprocesses" : "",
    allowed(p.ffi) ? "native libraries" : "",
  ].filter((s) => s !== "");
  if (broader.length > 0) {
    return {
      ...base,
      status: "fail",
      message: `runtime allows ${
        broader.join(", ")
      }: broader than the shipped binary, Gait is not offline-enforced (${summary})`,
      fix_command: fix,
    };
  }
  if (allowed(p.sys)) {
    return {
      ...base,
      status: "warn",
      message: `runtime allows system information, which the shipped binary does not (${summary})`,
      fix_command: fix,
    };
  }
  const missing = (["read", "write", "env"] as const).filter((k) => !allowed(p[k]));
  if (missing.length > 0) {
    return {
      ...base,
      status: "warn",
      message: `runtime denies ${missing.join(", ")}: some commands will fail (${summary})`,
      fix_command: fix,
    };
  }
  return {
    ...base,
    status: "pass",
    message: `outbound network is denied by the runtime (${summary})`,
  };
}
