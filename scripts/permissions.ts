/**
 * The one definition of Gait's runtime permissions is the permission set
 * "gait" in deno.json. This script turns it into explicit `--allow-*` flags
 * for the places that cannot use `-P=gait` (deno compile, bundles, docs).
 *
 * ```sh
 * deno run --allow-read scripts/permissions.ts          # --allow-read --allow-write ...
 * deno run --allow-read scripts/permissions.ts --json   # ["--allow-read", ...]
 * ```
 *
 * @module
 */

/** The permission kinds Deno knows, in the order flags are printed. */
export const PERMISSION_KINDS = [
  "read",
  "write",
  "env",
  "net",
  "run",
  "sys",
  "ffi",
  "import",
] as const;

/** One permission kind of a permission set. */
export type PermissionKind = (typeof PERMISSION_KINDS)[number];

type PermissionValue = boolean | string[] | { allow?: boolean | string[]; deny?: string[] };

function listFlag(prefix: string, kind: string, value: unknown, setName: string): string[] {
  if (value === undefined || value === false) return [];
  if (value === true) return [`--${prefix}-${kind}`];
  if (Array.isArray(value) && value.every((v) => typeof v === "string" && v !== "")) {
    return value.length === 0 ? [] : [`--${prefix}-${kind}=${value.join(",")}`];
  }
  throw new Error(`permission set "${setName}": unsupported value for "${kind}"`);
}

/**
 * Converts a permission set from a parsed deno.json into explicit flags.
 * Throws on anything it does not understand, so a new shape in deno.json can
 * never silently widen or drop a permission.
 *
 * @example
 * ```ts
 * permissionFlags({ permissions: { gait: { read: true, net: ["localhost"] } } });
 * // ["--allow-read", "--allow-net=localhost"]
 * ```
 */
export function permissionFlags(config: unknown, setName = "gait"): string[] {
  const sets = (config as { permissions?: Record<string, unknown> } | null)?.permissions;
  const set = sets?.[setName];
  if (typeof set !== "object" || set === null || Array.isArray(set)) {
    throw new Error(`deno.json has no permission set "${setName}"`);
  }
  const entries = set as Record<string, PermissionValue>;
  for (const key of Object.keys(entries)) {
    if (key === "all") throw new Error(`permission set "${setName}": "all" is not allowed`);
    if (!(PERMISSION_KINDS as readonly string[]).includes(key)) {
      throw new Error(`permission set "${setName}": unknown permission "${key}"`);
    }
  }
  const flags: string[] = [];
  for (const kind of PERMISSION_KINDS) {
    const value = entries[kind];
    if (typeof value === "object" && value !== null && !Array.isArray(value)) {
      const extra = Object.keys(value).filter((k) => k !== "allow" && k !== "deny");
      if (extra.length > 0) {
        throw new Error(`permission set "${setName}": unsupported key "${extra[0]}" in "${kind}"`);
      }
      flags.push(...listFlag("allow", kind, value.allow, setName));
      flags.push(...listFlag("deny", kind, value.deny, setName));
    } else {
      flags.push(...listFlag("allow", kind, value, setName));
    }
  }
  return flags;
}

/**
 * Reads deno.json (by default the repository's) and returns the explicit
 * flags of a permission set.
 *
 * @example
 * ```ts
 * await readPermissionFlags(); // ["--allow-read", "--allow-write", "--allow-env", "--allow-net=127.0.0.1,localhost,[::1]"]
 * ```
 */
export async function readPermissionFlags(
  denoJsonPath: string | URL = new URL("../deno.json", import.meta.url),
  setName = "gait",
): Promise<string[]> {
  return permissionFlags(JSON.parse(await Deno.readTextFile(denoJsonPath)), setName);
}

if (import.meta.main) {
  const json = Deno.args.includes("--json");
  const setName = Deno.args.find((a) => !a.startsWith("-")) ?? "gait";
  try {
    const flags = await readPermissionFlags(undefined, setName);
    console.log(json ? JSON.stringify(flags) : flags.join(" "));
  } catch (error) {
    console.error(`permissions: ${error instanceof Error ? error.message : String(error)}`);
    Deno.exit(1);
  }
}
