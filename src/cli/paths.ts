/**
 * How paths are shown to users.
 *
 * @module
 */

/**
 * Prefixes a relative path with `./` unless it is absolute or already starts
 * with `.` (spec 03 §3.1 `bundle`).
 *
 * @example
 * ```ts
 * displayPath("gait-out/runpack_x.zip"); // "./gait-out/runpack_x.zip"
 * ```
 */
export function displayPath(path: string): string {
  if (path.startsWith("/") || path.startsWith(".") || /^[A-Za-z]:[\\/]/.test(path)) return path;
  return `./${path}`;
}
