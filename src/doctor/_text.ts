/**
 * Small text helpers of the doctor: shell quoting for fix commands, lexical
 * path joining, and Go-style durations.
 *
 * @module
 */

/**
 * Single-quotes a value for a POSIX shell (`'` becomes `'\''`).
 *
 * @example
 * ```ts
 * shellQuote("it's"); // "'it'\\''s'"
 * ```
 */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/** True for `/x`, `\\x` and `C:\x` style paths. */
export function isAbsolutePath(path: string): boolean {
  return path.startsWith("/") || path.startsWith("\\") || /^[A-Za-z]:[\\/]/.test(path);
}

/**
 * Cleans a path lexically like Go's `filepath.Clean` (slash-separated).
 *
 * @example
 * ```ts
 * cleanPath("./a/../b/"); // "b"
 * ```
 */
export function cleanPath(path: string): string {
  if (path === "") return ".";
  const drive = /^[A-Za-z]:/.test(path) ? path.slice(0, 2) : "";
  const rest = path.slice(drive.length).replaceAll("\\", "/");
  const rooted = rest.startsWith("/");
  const parts: string[] = [];
  for (const part of rest.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") {
      if (parts.length > 0 && parts[parts.length - 1] !== "..") parts.pop();
      else if (!rooted) parts.push("..");
      continue;
    }
    parts.push(part);
  }
  const joined = parts.join("/");
  if (rooted) return `${drive}/${joined}`;
  return drive + (joined === "" ? "." : joined);
}

/**
 * Joins and cleans path parts like Go's `filepath.Join`.
 *
 * @example
 * ```ts
 * joinClean(".", "./gait-out"); // "gait-out"
 * ```
 */
export function joinClean(...parts: string[]): string {
  return cleanPath(parts.filter((p) => p !== "").join("/"));
}

/**
 * Formats whole seconds like Go's `time.Duration.String` after
 * `Truncate(time.Second)`: `45s`, `1m5s`, `2h0m0s`.
 *
 * @example
 * ```ts
 * goSeconds(3605); // "1h0m5s"
 * ```
 */
export function goSeconds(totalSeconds: number): string {
  const s = Math.max(0, Math.floor(totalSeconds));
  if (s === 0) return "0s";
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  if (h > 0) return `${h}h${m}m${sec}s`;
  if (m > 0) return `${m}m${sec}s`;
  return `${sec}s`;
}

/**
 * The message of an error, without a stack.
 *
 * @example
 * ```ts
 * errorText(new Error("boom")); // "boom"
 * ```
 */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
