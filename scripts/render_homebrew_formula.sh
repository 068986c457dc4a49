#!/usr/bin/env bash
# Renders the Homebrew formula of a release from its checksums.txt: macOS and
# Linux, x86_64 and arm64 (the Go tool's formula is macOS-only).
set -euo pipefail

REPO_DEFAULT="Clyra-AI/gait"
CHECKSUMS_DEFAULT="dist/checksums.txt"
OUT_DEFAULT="dist/gait.rb"
PROJECT_DEFAULT="gait"
LICENSE_DEFAULT="Apache-2.0"
DESC_DEFAULT="Offline-first policy gate and signed evidence for AI agent tool calls"

usage() {
  cat <<'EOF'
Render a Homebrew formula from release checksums.

Usage:
  render_homebrew_formula.sh --version <tag> [--repo <owner/name>] [--checksums <path>]
                             [--out <path>] [--project <name>] [--release-base-url <url>]
                             [--license <spdx-id>] [--desc <text>]

Options:
  --version <tag>            Release tag (required, e.g. v1.2.3)
  --repo <owner/name>        GitHub repository (default: Clyra-AI/gait)
  --checksums <path>         checksums.txt of the release (default: dist/checksums.txt)
  --out <path>               Formula path (default: dist/gait.rb); the class name
                             comes from the file name
  --project <name>           Archive prefix and binary name (default: gait)
  --release-base-url <url>   Where the archives are downloaded from (default:
                             https://github.com/<repo>/releases/download/<tag>)
  --license <id>             SPDX license id (default: Apache-2.0)
  --desc <text>              Formula description
  -h, --help                 Show this help
EOF
}

fail() {
  echo "error: $*" >&2
  exit 2
}

repo="$REPO_DEFAULT"
version=""
checksums_path="$CHECKSUMS_DEFAULT"
out_path="$OUT_DEFAULT"
project="$PROJECT_DEFAULT"
license_id="$LICENSE_DEFAULT"
formula_desc="$DESC_DEFAULT"
release_base=""

while [[ $# -gt 0 ]]; do
  case "$1" in
    --version | --repo | --checksums | --out | --project | --license | --desc | --release-base-url)
      [[ $# -ge 2 ]] || fail "$1 requires a value"
      case "$1" in
        --version) version="$2" ;;
        --repo) repo="$2" ;;
        --checksums) checksums_path="$2" ;;
        --out) out_path="$2" ;;
        --project) project="$2" ;;
        --license) license_id="$2" ;;
        --desc) formula_desc="$2" ;;
        --release-base-url) release_base="$2" ;;
      esac
      shift 2
      ;;
    -h | --help)
      usage
      exit 0
      ;;
    *)
      usage >&2
      fail "unknown option: $1"
      ;;
  esac
done

[[ -n "$version" ]] || fail "--version is required"
[[ "$version" =~ ^v?[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.+-]+)?$ ]] || fail "--version must look like v1.2.3: ${version}"
[[ "$repo" =~ ^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$ ]] || fail "--repo must be <owner>/<name>: ${repo}"
[[ "$project" =~ ^[a-z0-9][a-z0-9_-]*$ ]] || fail "--project must be a lower-case name: ${project}"
[[ -f "$checksums_path" ]] || fail "checksums file not found: ${checksums_path}"
case "$formula_desc$license_id" in
  *'"'* | *\\* | *'#{'*) fail "--desc and --license must not contain quotes, backslashes or #{" ;;
esac

version_no_v="${version#v}"
tag="v${version_no_v}"
[[ -n "$release_base" ]] || release_base="https://github.com/${repo}/releases/download/${tag}"
release_base="${release_base%/}"

# resolve <os> <arch>: prints "<asset>|<sha256>" for the first listed name variant.
resolve() {
  local candidate sum
  for candidate in "${project}_${version_no_v}_$1_$2.tar.gz" "${project}_${tag}_$1_$2.tar.gz"; do
    sum="$(awk -v f="$candidate" '$2 == f {print $1; exit}' "$checksums_path")"
    if [[ -n "$sum" ]]; then
      [[ "$sum" =~ ^[a-f0-9]{64}$ ]] || fail "invalid checksum for ${candidate}: ${sum}"
      printf '%s|%s\n' "$candidate" "$sum"
      return 0
    fi
  done
  fail "no $1/$2 archive in ${checksums_path} (tried ${project}_${version_no_v}_$1_$2.tar.gz, ${project}_${tag}_$1_$2.tar.gz)"
}

darwin_amd64="$(resolve darwin amd64)"
darwin_arm64="$(resolve darwin arm64)"
linux_amd64="$(resolve linux amd64)"
linux_arm64="$(resolve linux arm64)"

formula_name="$(basename "$out_path")"
formula_name="${formula_name%.rb}"
formula_class="$(printf '%s' "$formula_name" |
  awk -F'[-_]' '{for (i = 1; i <= NF; i++) printf toupper(substr($i, 1, 1)) tolower(substr($i, 2)); print ""}')"
[[ "$formula_class" =~ ^[A-Z][A-Za-z0-9]*$ ]] || fail "cannot derive a class name from ${out_path}"

block() {
  # block <indent> <resolved>
  printf '%surl "%s/%s"\n' "$1" "$release_base" "${2%%|*}"
  printf '%ssha256 "%s"\n' "$1" "${2##*|}"
}

mkdir -p "$(dirname "$out_path")"
tmp="${out_path}.tmp.$$"
trap 'rm -f "$tmp"' EXIT
{
  cat <<EOF
class ${formula_class} < Formula
  desc "${formula_desc}"
  homepage "https://github.com/${repo}"
  version "${version_no_v}"
  license "${license_id}"

  on_macos do
    if Hardware::CPU.arm?
$(block "      " "$darwin_arm64")
    else
$(block "      " "$darwin_amd64")
    end
  end

  on_linux do
    if Hardware::CPU.arm?
$(block "      " "$linux_arm64")
    else
$(block "      " "$linux_amd64")
    end
  end

  def install
    bin.install "${project}"
  end

  test do
    assert_match "${project} #{version}", shell_output("#{bin}/${project} version")
    output = shell_output("#{bin}/${project} demo --json")
    assert_match "\\"run_id\\"", output
  end
end
EOF
} >"$tmp"
mv -f "$tmp" "$out_path"
trap - EXIT
echo "rendered Homebrew formula: ${out_path}"
