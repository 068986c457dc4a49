#!/usr/bin/env bash
# Installs the gait binary from a GitHub release, verified against the
# release's checksums.txt (SHA-256). Linux and macOS, x86_64 and arm64.
# Nothing is installed unless the checksum matches; the binary is moved into
# place atomically. See docs/install.md.
set -euo pipefail

REPO_DEFAULT="Clyra-AI/gait"
INSTALL_DIR_DEFAULT="${HOME:-}/.local/bin"
VERSION_DEFAULT="latest"

usage() {
  cat <<'EOF'
Install gait from GitHub release artifacts, verified against the release's
checksums.txt (SHA-256).

Usage:
  install.sh [--version <tag>] [--repo <owner/name>] [--install-dir <path>]

Options:
  --version <tag>      Release tag, e.g. v1.2.3 (default: latest)
  --repo <owner/name>  GitHub repository (default: Clyra-AI/gait)
  --install-dir <path> Install directory (default: ~/.local/bin)
  -h, --help           Show this help

Environment:
  GAIT_RELEASE_BASE_URL      URL of one release's assets (checksums.txt and the
                             archives), e.g. a mirror. With --version latest the
                             version is read from its checksums.txt.
  GAIT_RELEASE_API_URL       GitHub API root used to resolve "latest"
                             (default: https://api.github.com)
  GAIT_RELEASE_DOWNLOAD_URL  Download root; assets are fetched from
                             <root>/<tag>/ (default:
                             https://github.com/<repo>/releases/download)
  GAIT_INSTALL_OS, GAIT_INSTALL_ARCH
                             Use instead of `uname -s` / `uname -m` (to fetch
                             the binary of another platform, and for tests)

Exit codes: 0 installed; 1 download failed; 2 usage error, unsupported
platform, missing tool, asset not in checksums.txt, or checksum mismatch.
Only https URLs are accepted, except for loopback hosts (local mirrors, tests).

Examples:
  curl -fsSL https://raw.githubusercontent.com/Clyra-AI/gait/main/scripts/install.sh | bash
  ./scripts/install.sh --version v1.2.3 --install-dir /usr/local/bin
EOF
}

fail() {
  # fail <exit code> <message...>
  local code="$1"
  shift
  printf 'error: %s\n' "$@" >&2
  exit "$code"
}

have() { command -v "$1" >/dev/null 2>&1; }

check_url() {
  case "$1" in
    https://*) ;;
    http://127.0.0.1[:/]* | http://127.0.0.1 | http://localhost[:/]* | http://localhost | http://\[::1\][:/]* | http://\[::1\]) ;;
    *) fail 2 "refusing non-https URL: $1" "use https (plain http is accepted for loopback hosts only)" ;;
  esac
}

download() {
  # download <url> <file>
  check_url "$1"
  local status=0
  if have curl; then
    curl -fsSL --retry 2 --connect-timeout 20 -o "$2" "$1" || status=$?
  else
    wget -q -O "$2" "$1" || status=$?
  fi
  if [[ "$status" -ne 0 ]]; then
    rm -f "$2"
    fail 1 "download failed ($status): $1"
  fi
}

sha256_of() {
  if have sha256sum; then
    sha256sum "$1" | awk '{print $1}'
  else
    shasum -a 256 "$1" | awk '{print $1}'
  fi
}

detect_os() {
  local name="${GAIT_INSTALL_OS:-$(uname -s)}"
  case "$name" in
    Linux | linux) echo "linux" ;;
    Darwin | darwin) echo "darwin" ;;
    MINGW* | MSYS* | CYGWIN* | Windows* | windows)
      fail 2 "unsupported operating system: ${name}" \
        "install.sh supports linux and darwin; on Windows download gait_<version>_windows_amd64.zip from the release page, check it against checksums.txt, and put gait.exe on PATH"
      ;;
    *) fail 2 "unsupported operating system: ${name}" "supported: linux, darwin" ;;
  esac
}

detect_arch() {
  local name="${GAIT_INSTALL_ARCH:-$(uname -m)}"
  case "$name" in
    x86_64 | amd64) echo "amd64" ;;
    arm64 | aarch64) echo "arm64" ;;
    *) fail 2 "unsupported architecture: ${name}" "supported: amd64 (x86_64), arm64 (aarch64)" ;;
  esac
}

print_path_hint() {
  local dir="$1"
  case "${SHELL##*/}" in
    zsh)
      echo "add ${dir} to PATH for zsh:"
      echo "  echo 'export PATH=\"${dir}:\$PATH\"' >> ~/.zshrc && source ~/.zshrc"
      ;;
    bash)
      local rc="$HOME/.bashrc"
      [[ -f "$HOME/.bash_profile" ]] && rc="$HOME/.bash_profile"
      echo "add ${dir} to PATH for bash:"
      echo "  echo 'export PATH=\"${dir}:\$PATH\"' >> ${rc} && source ${rc}"
      ;;
    fish)
      echo "add ${dir} to PATH for fish:"
      echo "  fish_add_path ${dir}"
      ;;
    *)
      echo "add ${dir} to PATH:"
      echo "  export PATH=\"${dir}:\$PATH\""
      ;;
  esac
}

repo="$REPO_DEFAULT"
version="$VERSION_DEFAULT"
install_dir="$INSTALL_DIR_DEFAULT"

while [[ $# -gt 0 ]]; do
  case "$1" in
    --version | --repo | --install-dir)
      [[ $# -ge 2 && -n "$2" ]] || fail 2 "$1 requires a value"
      case "$1" in
        --version) version="$2" ;;
        --repo) repo="$2" ;;
        --install-dir) install_dir="$2" ;;
      esac
      shift 2
      ;;
    --version=* | --repo=* | --install-dir=*)
      value="${1#*=}"
      [[ -n "$value" ]] || fail 2 "${1%%=*} requires a value"
      case "$1" in
        --version=*) version="$value" ;;
        --repo=*) repo="$value" ;;
        --install-dir=*) install_dir="$value" ;;
      esac
      shift
      ;;
    -h | --help)
      usage
      exit 0
      ;;
    *)
      usage >&2
      fail 2 "unknown option: $1"
      ;;
  esac
done

[[ "$repo" =~ ^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$ ]] || fail 2 "--repo must be <owner>/<name>: ${repo}"
[[ "$version" == "latest" || "$version" =~ ^v?[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.+-]+)?$ ]] ||
  fail 2 "--version must be latest or a release tag like v1.2.3: ${version}"
[[ -n "$install_dir" ]] || fail 2 "--install-dir is empty (and HOME is not set)"

os="$(detect_os)"
arch="$(detect_arch)"

have curl || have wget || fail 2 "curl or wget is required to download gait"
have sha256sum || have shasum || fail 2 "sha256sum or shasum is required to verify the download"
for tool in tar gzip mktemp awk; do
  have "$tool" || fail 2 "${tool} is required"
done

work_dir="$(mktemp -d "${TMPDIR:-/tmp}/gait-install.XXXXXX")"
staged=""
cleanup() {
  rm -rf "$work_dir"
  if [[ -n "$staged" ]]; then rm -f "$staged"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

api_url="${GAIT_RELEASE_API_URL:-https://api.github.com}"
download_root="${GAIT_RELEASE_DOWNLOAD_URL:-https://github.com/${repo}/releases/download}"

if [[ -z "${GAIT_RELEASE_BASE_URL:-}" && "$version" == "latest" ]]; then
  latest_url="${api_url%/}/repos/${repo}/releases/latest"
  echo "==> Resolving latest release: ${latest_url}"
  download "$latest_url" "$work_dir/latest.json"
  version="$(tr -d '\n\r' <"$work_dir/latest.json" |
    sed -n 's/.*"tag_name"[[:space:]]*:[[:space:]]*"\([^"]*\)".*/\1/p' | head -n 1)"
  [[ "$version" =~ ^v?[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.+-]+)?$ ]] ||
    fail 2 "could not resolve the latest release tag from ${latest_url}"
fi

if [[ -n "${GAIT_RELEASE_BASE_URL:-}" ]]; then
  base_url="${GAIT_RELEASE_BASE_URL%/}"
else
  base_url="${download_root%/}/${version}"
fi

checksums="$work_dir/checksums.txt"
echo "==> Downloading checksums: ${base_url}/checksums.txt"
download "${base_url}/checksums.txt" "$checksums"

candidates=()
if [[ "$version" == "latest" ]]; then
  # A mirror without an API: the one archive for this platform names the version.
  while IFS= read -r name; do candidates+=("$name"); done < <(
    awk -v os="$os" -v arch="$arch" \
      '$2 ~ ("^gait_[0-9A-Za-z.+-]+_" os "_" arch "\\.tar\\.gz$") {print $2}' "$checksums"
  )
  [[ "${#candidates[@]}" -le 1 ]] ||
    fail 2 "checksums.txt lists several gait archives for ${os}/${arch}; pass --version"
  if [[ "${#candidates[@]}" -eq 1 ]]; then
    version="${candidates[0]#gait_}"
    version="${version%_"${os}"_"${arch}".tar.gz}"
  fi
else
  candidates+=("gait_${version}_${os}_${arch}.tar.gz")
  [[ "${version#v}" == "$version" ]] || candidates+=("gait_${version#v}_${os}_${arch}.tar.gz")
fi

asset=""
expected=""
for candidate in ${candidates[@]+"${candidates[@]}"}; do
  sum="$(awk -v f="$candidate" '$2 == f {print $1; exit}' "$checksums")"
  if [[ -n "$sum" ]]; then
    asset="$candidate"
    expected="$(printf '%s' "$sum" | tr 'A-F' 'a-f')"
    break
  fi
done
if [[ -z "$asset" ]]; then
  {
    echo "error: no gait archive for ${os}/${arch} is listed in ${base_url}/checksums.txt"
    if [[ "${#candidates[@]}" -gt 0 ]]; then
      echo "tried:"
      for candidate in ${candidates[@]+"${candidates[@]}"}; do echo "  - ${candidate}"; done
    fi
  } >&2
  exit 2
fi
[[ "$expected" =~ ^[0-9a-f]{64}$ ]] || fail 2 "checksums.txt has a malformed sha256 for ${asset}: ${expected}"

archive="$work_dir/$asset"
echo "==> Downloading ${asset}: ${base_url}/${asset}"
download "${base_url}/${asset}" "$archive"

actual="$(sha256_of "$archive")"
if [[ "$actual" != "$expected" ]]; then
  {
    echo "error: checksum mismatch for ${asset}; nothing was installed"
    echo "expected: ${expected}"
    echo "actual:   ${actual}"
  } >&2
  exit 2
fi
echo "==> Checksum verified: sha256 ${actual}"

extract_dir="$work_dir/extract"
mkdir -p "$extract_dir"
# Only the `gait` member is extracted: nothing else in the archive can land on disk.
if ! tar -xzf "$archive" -C "$extract_dir" gait 2>/dev/null; then
  fail 2 "${asset} has no gait binary at its root"
fi
bin_src="$extract_dir/gait"
[[ -f "$bin_src" && ! -L "$bin_src" ]] || fail 2 "${asset}: gait is not a regular file"

mkdir -p "$install_dir" || fail 1 "cannot create install directory: ${install_dir}"
bin_dst="${install_dir%/}/gait"
staged="${install_dir%/}/.gait.install.$$"
cp "$bin_src" "$staged" || fail 1 "cannot write to ${install_dir}"
chmod 0755 "$staged"
mv -f "$staged" "$bin_dst" || fail 1 "cannot install ${bin_dst}"
staged=""

echo "==> Installed: ${bin_dst} (${version})"
if installed_version="$("$bin_dst" version 2>/dev/null)"; then
  echo "==> ${installed_version}"
else
  echo "warning: ${bin_dst} did not run on this machine; check the platform (${os}/${arch})" >&2
fi
resolved="$(command -v gait 2>/dev/null || true)"
if [[ "$resolved" == "$bin_dst" ]]; then
  echo "==> gait on PATH: ${resolved}"
elif [[ -n "$resolved" ]]; then
  echo "note: another gait comes first on PATH: ${resolved}"
  print_path_hint "$install_dir"
else
  echo "note: ${install_dir} is not on PATH for this shell session."
  print_path_hint "$install_dir"
fi

echo "==> Next steps"
echo "gait doctor --json"
echo "gait init --json"
echo "gait check --json"
echo "gait demo"
echo "gait verify run_demo --json"
