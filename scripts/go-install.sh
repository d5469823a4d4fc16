#!/usr/bin/env bash
# Builds a Go program from its module at a pinned version into a folder outside the checkout that names the
# version, so every checkout shares it and it is rebuilt only when the pin changes:
#   ${XDG_CACHE_HOME:-$HOME/.cache}/metaverse-in-a-box/<name>-<version>/<binary>
# A second run checks the binary answers and returns in a second. Prints the binary's path last.
#
#   scripts/go-install.sh <name> <module path> <version> <binary> [version flag, default --version]
set -euo pipefail
name="${1:?usage: go-install.sh <name> <module path> <version> <binary> [version flag]}"
module="${2:?give the module path}"
version="${3:?give the version}"
binary_name="${4:?give the binary name}"
version_flag="${5:---version}"
# Go and the cache path need a home; a bare CI environment may not set HOME.
export HOME="${HOME:-$(getent passwd "$(id -u)" | cut -d: -f6)}"

dir="${XDG_CACHE_HOME:-$HOME/.cache}/metaverse-in-a-box/$name-$version"
binary="$dir/$binary_name"
if [ -x "$binary" ] && "$binary" $version_flag >/dev/null 2>&1; then
  echo "$name: $version is installed ($binary)" >&2
  echo "$binary"
  exit 0
fi

go_bin="$(command -v go || true)"
[ -n "$go_bin" ] || { [ -x /usr/local/go/bin/go ] && go_bin=/usr/local/go/bin/go; }
if [ -z "$go_bin" ]; then
  echo "$name: built from its Go module and there is no 'go' here: install Go 1.26 or newer (Debian: apt-get install golang-go, if new enough; or from go.dev), then run npm run services" >&2
  exit 1
fi

echo "$name: building $version with $("$go_bin" version | cut -d' ' -f3) (go install $module@$version; once)" >&2
mkdir -p "$dir"
staging="$(mktemp -d "$dir/.build-XXXXXX")"
trap 'rm -rf "$staging"' EXIT
started=$(date +%s)
if ! GOBIN="$staging" GOFLAGS=-trimpath "$go_bin" install "$module@$version" >&2; then
  echo "$name: go install $module@$version failed (see above)" >&2
  exit 1
fi
mv "$staging/$binary_name" "$binary"
echo "$name: built $binary in $(($(date +%s) - started)) s" >&2
echo "$binary"
