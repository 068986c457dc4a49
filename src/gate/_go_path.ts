/**
 * Go `path.Clean` and `path.Match` semantics for sandbox paths and endpoint
 * path/domain globs (spec 02 §1.2 step 8, §3.3 step 2).
 *
 * @module
 */

/**
 * Go `path.Clean`: collapse `//`, drop `.`, resolve `..`, no trailing `/`.
 *
 * @example
 * ```ts
 * cleanPath("/srv//app/./logs/../tmp/"); // "/srv/app/tmp"
 * ```
 */
export function cleanPath(p: string): string {
  if (p === "") return ".";
  const rooted = p.charCodeAt(0) === 0x2f;
  const parts = p.split("/");
  const out: string[] = [];
  for (const part of parts) {
    if (part === "" || part === ".") continue;
    if (part === "..") {
      if (out.length > 0 && out[out.length - 1] !== "..") out.pop();
      else if (!rooted) out.push("..");
      continue;
    }
    out.push(part);
  }
  const joined = out.join("/");
  if (rooted) return "/" + joined;
  return joined === "" ? "." : joined;
}

function escapeRegexChar(ch: string): string {
  // Only syntax characters may be escaped in a `u`-flag RegExp.
  return /[\\^$.*+?()[\]{}|/]/.test(ch) ? "\\" + ch : ch;
}

function classChar(cp: number): string {
  return "\\u{" + cp.toString(16) + "}";
}

/**
 * Compiles a Go `path.Match` pattern to an anchored RegExp, or null when the
 * pattern is malformed (Go's `ErrBadPattern`, treated as "no match"): `*` and
 * `?` do not cross `/`, `[…]` classes with `^` negation and ranges, `\` escapes.
 */
export function compileGoGlob(pattern: string): RegExp | null {
  const cps = [...pattern];
  let i = 0;
  let re = "^";
  while (i < cps.length) {
    const ch = cps[i]!;
    if (ch === "*") {
      re += "[^/]*";
      i++;
    } else if (ch === "?") {
      re += "[^/]";
      i++;
    } else if (ch === "\\") {
      if (i + 1 >= cps.length) return null;
      re += escapeRegexChar(cps[i + 1]!);
      i += 2;
    } else if (ch === "[") {
      i++;
      let negated = false;
      if (cps[i] === "^") {
        negated = true;
        i++;
      }
      let cls = "";
      let count = 0;
      for (;;) {
        if (i >= cps.length) return null;
        if (cps[i] === "]" && count > 0) {
          i++;
          break;
        }
        const lo = readClassChar();
        if (lo === null) return null;
        let hi = lo;
        if (cps[i] === "-") {
          i++;
          const h = readClassChar();
          if (h === null) return null;
          hi = h;
        }
        if (hi < lo) return null;
        cls += lo === hi ? classChar(lo) : classChar(lo) + "-" + classChar(hi);
        count++;
      }
      re += negated ? `[^${cls}]` : `[${cls}]`;
    } else {
      re += escapeRegexChar(ch);
      i++;
    }
  }
  function readClassChar(): number | null {
    const c = cps[i];
    if (c === undefined || c === "-" || c === "]") return null;
    if (c === "\\") {
      i++;
      const e = cps[i];
      if (e === undefined) return null;
      i++;
      return e.codePointAt(0)!;
    }
    i++;
    return c.codePointAt(0)!;
  }
  try {
    return new RegExp(re + "$", "u");
  } catch {
    return null;
  }
}
