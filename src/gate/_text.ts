/**
 * Go string primitives the gate digests depend on (spec 02 §0): `trim` is Go's
 * `strings.TrimSpace`, `lower` is Go's per-code-point `strings.ToLower`, and
 * every sort is UTF-8 byte order.
 *
 * @module
 */

import { compareUtf8 } from "../core/go_json.ts";

/** True for the code points Go's `unicode.IsSpace` accepts (not U+FEFF). */
export function isGoSpace(c: number): boolean {
  if (c <= 0x20) return c === 0x20 || (c >= 0x09 && c <= 0x0d);
  if (c < 0x85) return false;
  return c === 0x85 || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000;
}

/**
 * Go `strings.TrimSpace`: ASCII whitespace, U+0085, U+00A0 and Unicode
 * White_Space, but not U+FEFF.
 *
 * @example
 * ```ts
 * goTrim("\u00a0 tool.write\n"); // "tool.write"
 * ```
 */
export function goTrim(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && isGoSpace(s.charCodeAt(start))) start++;
  while (end > start && isGoSpace(s.charCodeAt(end - 1))) end--;
  return start === 0 && end === s.length ? s : s.slice(start, end);
}

// deno-lint-ignore no-control-regex
const NON_ASCII = /[^\x00-\x7f]/;
const ASCII_UPPER = /[A-Z]/;

/**
 * Go `strings.ToLower`: simple per-code-point lowercase mapping. Differs from JS
 * `toLowerCase` for U+0130 (→ `i`, not `i̇`) and final sigma (always `σ`).
 *
 * @example
 * ```ts
 * goLower("İSTANBUL"); // "istanbul"
 * ```
 */
export function goLower(s: string): string {
  if (!NON_ASCII.test(s)) return ASCII_UPPER.test(s) ? s.toLowerCase() : s;
  let out = "";
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (cp < 0x80) {
      out += cp >= 0x41 && cp <= 0x5a ? String.fromCharCode(cp + 32) : ch;
      continue;
    }
    if (cp === 0x130) {
      out += "i";
      continue;
    }
    const lowered = ch.toLowerCase();
    // A multi-code-point result is a full (not simple) mapping: Go keeps the rune.
    out += [...lowered].length === 1 ? lowered : ch;
  }
  return out;
}

/** Go `strings.ToUpper` for the broker/env helpers (simple mapping). */
export function goUpper(s: string): string {
  if (!NON_ASCII.test(s)) return s.toUpperCase();
  let out = "";
  for (const ch of s) {
    const upper = ch.toUpperCase();
    out += [...upper].length === 1 ? upper : ch;
  }
  return out;
}

/** lower(trim(s)). */
export function lowerTrim(s: string): string {
  return goLower(goTrim(s));
}

/** Sorts strings in place in UTF-8 byte order and returns the array. */
export function sortUtf8(list: string[]): string[] {
  return list.sort(compareUtf8);
}

/** Sorts and removes duplicates (input items already normalized). */
export function sortUnique(list: readonly string[]): string[] {
  if (list.length === 0) return [];
  if (list.length === 1) return [list[0]!];
  const sorted = [...list].sort(compareUtf8);
  const out: string[] = [sorted[0]!];
  for (let i = 1; i < sorted.length; i++) {
    const item = sorted[i]!;
    if (item !== out[out.length - 1]) out.push(item);
  }
  return out;
}

/**
 * uniq (spec 02 §0): trim items, drop empties, dedupe, sort (UTF-8 order).
 *
 * @example
 * ```ts
 * uniq([" b", "a", "", "b"]); // ["a", "b"]
 * ```
 */
export function uniq(list: readonly string[] | undefined): string[] {
  if (!list || list.length === 0) return [];
  const items: string[] = [];
  for (const raw of list) {
    const t = goTrim(raw);
    if (t !== "") items.push(t);
  }
  return sortUnique(items);
}

/**
 * lowuniq (spec 02 §0): uniq after lower.
 *
 * @example
 * ```ts
 * lowUniq(["Tool:X", "tool:x"]); // ["tool:x"]
 * ```
 */
export function lowUniq(list: readonly string[] | undefined): string[] {
  if (!list || list.length === 0) return [];
  const items: string[] = [];
  for (const raw of list) {
    const t = goLower(goTrim(raw));
    if (t !== "") items.push(t);
  }
  return sortUnique(items);
}

/** Merges already-normalized lists into one sorted unique list. */
export function mergeSorted(...lists: readonly (readonly string[])[]): string[] {
  let total = 0;
  for (const l of lists) total += l.length;
  if (total === 0) return [];
  const all: string[] = [];
  for (const l of lists) for (const item of l) all.push(item);
  return sortUnique(all);
}

const HEX64_ANY = /^[0-9a-fA-F]{64}$/;

/** True for 64 hex characters of either case. */
export function isHex64Any(s: string): boolean {
  return s.length === 64 && HEX64_ANY.test(s);
}

/** UTF-8 byte length of a string (lone surrogates count as U+FFFD, 3 bytes). */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n += 4;
        i++;
      } else n += 3;
    } else n += 3;
  }
  return n;
}

export { compareUtf8 };
