#!/usr/bin/env bash
# Installs the system tools the test suite drives for real (GNU time for memory
# bounds, poppler for PDFs, PostgreSQL for exported SQL), only when they are missing and only when
# this process may install Debian packages (root with apt-get). Elsewhere it
# prints what is missing; those tests then skip locally (never under CI=true).
set -euo pipefail

missing=()
[ -x /usr/bin/time ] || missing+=(time)
# poppler's pdfinfo/pdftotext validate the evidence packs' summary.pdf (tests/guard).
command -v pdfinfo >/dev/null 2>&1 || missing+=(poppler-utils)
# tests/postgres loads `gait pack export` SQL into a throwaway PostgreSQL cluster.
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || missing+=(postgresql)

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "==> installing test tools: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq </dev/null
  apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null
else
  echo "note: missing test tools (${missing[*]}); install them to run every test" >&2
fi
