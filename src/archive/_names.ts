/**
 * Entry-name rules shared by the writer and the reader, so the writer can never
 * produce an archive the reader refuses.
 *
 * @module
 */

/** Longest entry name, in UTF-8 bytes, either side accepts. */
export const MAX_NAME_BYTES = 1024;

const encoder = new TextEncoder();

/** True for the code points Go's `unicode.IsSpace` accepts (not U+FEFF). */
function isGoSpace(c: number): boolean {
  if (c <= 0x20) return c === 0x20 || (c >= 0x09 && c <= 0x0d);
  if (c < 0x85) return false;
  return c === 0x85 || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000;
}

/**
 * Go `strings.TrimSpace`, which the duplicate check applies to names (JS
 * `trim` differs on U+0085 and U+FEFF).
 *
 * @example
 * ```ts
 * goTrimSpace(" a.json\n"); // "a.json"
 * ```
 */
export function goTrimSpace(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && isGoSpace(s.charCodeAt(start))) start++;
  while (end > start && isGoSpace(s.charCodeAt(end - 1))) end--;
  return start === 0 && end === s.length ? s : s.slice(start, end);
}

/**
 * Why a name is unsafe to carry in an archive, or null when it is fine:
 * absolute (`/x`, `C:x`), a `..` component, a backslash, NUL, or over
 * {@link MAX_NAME_BYTES} bytes.
 *
 * @example
 * ```ts
 * unsafeNameReason("../x"); // "contains a .. component"
 * ```
 */
export function unsafeNameReason(name: string): string | null {
  if (name.includes("\0")) return "contains NUL";
  if (name.includes("\\")) return "contains a backslash";
  if (name.startsWith("/") || /^[A-Za-z]:/.test(name)) return "is absolute";
  if (name.split("/").includes("..")) return "contains a .. component";
  if (utf8Length(name) > MAX_NAME_BYTES) return `is longer than ${MAX_NAME_BYTES} bytes`;
  return null;
}

/**
 * UTF-8 byte length of a string.
 *
 * @example
 * ```ts
 * utf8Length("é"); // 2
 * ```
 */
export function utf8Length(s: string): number {
  for (let i = 0; i < s.length; i++) {
    if (s.charCodeAt(i) > 0x7f) return encoder.encode(s).length;
  }
  return s.length;
}

// deno-lint-ignore no-control-regex
const UNPRINTABLE = /[\x00-\x1f\x7f\u2028\u2029]/g;

/**
 * A name as it may appear in a one-line message: control characters escaped,
 * very long names shortened.
 *
 * @example
 * ```ts
 * displayName("a\nb"); // "a\\u000ab"
 * ```
 */
export function displayName(name: string): string {
  const shown = name.length > 200 ? `${name.slice(0, 200)}…` : name;
  return shown.replace(
    UNPRINTABLE,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}
