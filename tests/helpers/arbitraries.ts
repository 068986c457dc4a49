/**
 * fast-check arbitraries shared by property tests.
 *
 * fast-check's built-in `unit: "binary"` builds a large table on first use
 * (over a second per test file); these draw code points directly instead.
 *
 * @module
 */

import fc from "fast-check";

/**
 * Any Unicode scalar value (U+0000–U+10FFFF except surrogates) as a string of
 * one code point, biased towards the UTF-8 and UTF-16 length boundaries.
 *
 * @example
 * ```ts
 * fc.sample(codePoint(), 3); // e.g. ["a", "\u{1f600}", "\u0800"]
 * ```
 */
export function codePoint(): fc.Arbitrary<string> {
  return fc.oneof(
    fc.integer({ min: 0, max: 0x7f }),
    fc.integer({ min: 0x80, max: 0x7ff }),
    fc.integer({ min: 0x800, max: 0xd7ff }),
    fc.integer({ min: 0xe000, max: 0xffff }),
    fc.integer({ min: 0x10000, max: 0x10ffff }),
  ).map((cp) => String.fromCodePoint(cp));
}

/**
 * Well-formed strings (no lone surrogates) over all of Unicode.
 *
 * @example
 * ```ts
 * fc.assert(fc.property(unicodeString(), (s) => s.isWellFormed()));
 * ```
 */
export function unicodeString(constraints: { maxLength?: number } = {}): fc.Arbitrary<string> {
  return fc.string({ unit: codePoint(), maxLength: constraints.maxLength ?? 16 });
}

/**
 * JSON values (null, booleans, finite numbers, well-formed Unicode strings,
 * arrays, objects).
 *
 * @example
 * ```ts
 * fc.assert(fc.property(jsonValue(), (v) => JSON.stringify(v) !== undefined));
 * ```
 */
export function jsonValue(constraints: { maxDepth?: number } = {}): fc.Arbitrary<unknown> {
  return fc.jsonValue({ stringUnit: codePoint(), maxDepth: constraints.maxDepth ?? 4 });
}
