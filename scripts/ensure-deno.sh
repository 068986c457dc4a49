#!/usr/bin/env bash
# Prints the path of a Deno binary of the pinned version, installing it from the
# npm registry (package "deno") into .tools/deno when none is on PATH.
# Override with GAIT_DENO=/path/to/deno.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
want="$(tr -d '[:space:]' <"$root/scripts/deno-version.txt")"

version_of() { "$1" --version 2>/dev/null | awk 'NR==1{print $2}'; }

if [ -n "${GAIT_DENO:-}" ]; then
  printf '%s\n' "$GAIT_DENO"
  exit 0
fi
if command -v deno >/dev/null 2>&1 && [ "$(version_of "$(command -v deno)")" = "$want" ]; then
  command -v deno
  exit 0
fi

prefix="$root/.tools/deno"
find_native() {
  local d
  for d in "$prefix"/node_modules/@deno/*/; do
    if [ -x "${d}deno" ]; then printf '%s\n' "${d}deno"; return 0; fi
    if [ -x "${d}deno.exe" ]; then printf '%s\n' "${d}deno.exe"; return 0; fi
  done
  return 1
}

if bin="$(find_native)" && [ "$(version_of "$bin")" = "$want" ]; then
  printf '%s\n' "$bin"
  exit 0
fi

if ! command -v npm >/dev/null 2>&1; then
  echo "gait: Deno $want is not installed and npm is not available to fetch it (install Node.js/npm or Deno $want)" >&2
  exit 7
fi
echo "gait: installing Deno $want from the npm registry into .tools/deno (one time)" >&2
rm -rf "$prefix"
mkdir -p "$prefix"
(cd "$prefix" && printf '{"name":"gait-deno-toolchain","private":true}\n' >package.json &&
  npm install --no-audit --no-fund --loglevel=error "deno@$want" >&2)
if bin="$(find_native)"; then
  printf '%s\n' "$bin"
  exit 0
fi
if [ -x "$prefix/node_modules/.bin/deno" ]; then
  printf '%s\n' "$prefix/node_modules/.bin/deno"
  exit 0
fi
echo "gait: npm installed deno@$want but no binary for this platform was found" >&2
exit 7
