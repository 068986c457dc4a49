#!/usr/bin/env bash
# The whole test suite: the README's test command, `deno task test` and .ci/run.
#
# Ensures the pinned Deno (from the npm registry when missing), then runs the
# static checks (deno fmt --check, deno lint, deno check) and deno test. Every
# step runs even when an earlier one fails, so one run shows every problem.
# The closing line is "N passed, N failed": deno test's counts plus one per
# static check. Exits non-zero when anything failed. Works from any cwd, with
# CI=true and no stdin. Extra arguments are passed to deno test (e.g. a path
# or --filter NAME).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
deno="$("$root/scripts/ensure-deno.sh")"
"$root/scripts/test-deps.sh"
export NO_COLOR=1

targets=(cli.ts src tests scripts)
if [ -f mod.ts ]; then targets=(mod.ts "${targets[@]}"); fi

static_passed=0
static_failed=()
static_check() {
  local name="$1"
  shift
  echo "==> $name"
  if "$@" </dev/null; then
    static_passed=$((static_passed + 1))
  else
    static_failed+=("$name")
  fi
}

static_check "deno fmt --check" "$deno" fmt --check
static_check "deno lint" "$deno" lint "${targets[@]}"
static_check "deno check" "$deno" check "${targets[@]}"

# Tests may spawn the CLI (run) and listen on loopback; the CLI subprocesses
# themselves run with only the "gait" permission set (see tests/helpers/cli.ts).
# Type checking already happened above, hence --no-check.
echo "==> deno test"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
test_status=0
"$deno" test --no-check --parallel \
  --allow-read --allow-write --allow-env --allow-run --allow-sys \
  "--allow-net=127.0.0.1,localhost,[::1]" \
  "${@:-tests/}" </dev/null 2>&1 | tee "$log" || test_status=$?

# deno test closes with "ok | 12 passed (3 steps) | 0 failed (1s)" or "FAILED | ...".
summary="$(grep -E '^(ok|FAILED) \| [0-9]+ passed' "$log" | tail -n 1 || true)"
if [ -n "$summary" ]; then
  passed="$(sed -E 's/^[A-Z a-z]+\| ([0-9]+) passed.*/\1/' <<<"$summary")"
  failed="$(sed -E 's/.*\| ([0-9]+) failed.*/\1/' <<<"$summary")"
else
  echo "deno test exited with status $test_status without a summary"
  passed=0
  failed=1
fi
if [ "$test_status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  echo "deno test exited with status $test_status although no test failed"
  failed=1
fi
if [ "${#static_failed[@]}" -gt 0 ]; then
  echo "failed static checks: ${static_failed[*]}"
fi
echo "deno test: $passed passed, $failed failed; static checks: $static_passed passed, ${#static_failed[@]} failed"
echo "$((passed + static_passed)) passed, $((failed + ${#static_failed[@]})) failed"
if [ "$test_status" -ne 0 ] || [ "${#static_failed[@]}" -gt 0 ]; then
  exit 1
fi
