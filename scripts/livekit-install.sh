#!/usr/bin/env bash
# Builds the LiveKit server from its Go module at the pinned tag (`npm run voice:install`; also part of
# `npm run services`). The pin lives in server/voice/dev-livekit/livekit-release.ts, the one place the
# server reads it too. The binary goes outside the checkout, in a folder that names the tag:
#   ${XDG_CACHE_HOME:-$HOME/.cache}/metaverse-in-a-box/livekit-server-<tag>/server
# so every checkout shares it and it is rebuilt only when the pin changes. A second run takes a second.
set -euo pipefail
cd "$(dirname "$0")/.."
# Go and the cache path need a home; a bare CI environment may not set HOME.
export HOME="${HOME:-$(getent passwd "$(id -u)" | cut -d: -f6)}"

pin_file=server/voice/dev-livekit/livekit-release.ts
tag="$(sed -n "s/^export const LIVEKIT_SERVER_TAG = '\(v[0-9.]*\)';.*/\1/p" "$pin_file")"
[ -n "$tag" ] || { echo "livekit: no LIVEKIT_SERVER_TAG found in $pin_file" >&2; exit 1; }
module="$(sed -n "s/^export const LIVEKIT_SERVER_MODULE = '\(.*\)';.*/\1/p" "$pin_file")"
dir="${XDG_CACHE_HOME:-$HOME/.cache}/metaverse-in-a-box/livekit-server-$tag"
binary="$dir/server"

if [ -x "$binary" ] && "$binary" --version >/dev/null 2>&1; then
  echo "livekit: LiveKit server $tag is installed ($binary)"
  exit 0
fi

go_bin="$(command -v go || true)"
[ -n "$go_bin" ] || { [ -x /usr/local/go/bin/go ] && go_bin=/usr/local/go/bin/go; }
if [ -z "$go_bin" ]; then
  echo "livekit: the LiveKit server is built from its Go module and there is no 'go' here: install Go 1.26 or newer (Debian: apt-get install golang-go, if new enough; or from go.dev), then run npm run voice:install" >&2
  exit 1
fi

echo "livekit: building the LiveKit server $tag with $("$go_bin" version | cut -d' ' -f3) (go install $module@$tag; a few minutes, once)"
mkdir -p "$dir"
staging="$(mktemp -d "$dir/.build-XXXXXX")"
trap 'rm -rf "$staging"' EXIT
started=$(date +%s)
if ! GOBIN="$staging" GOFLAGS=-trimpath "$go_bin" install "$module@$tag"; then
  echo "livekit: go install $module@$tag failed (see above); voice tests and the embedded voice need it" >&2
  exit 1
fi
mv "$staging/server" "$binary"
echo "livekit: built $binary in $(($(date +%s) - started)) s ($("$binary" --version 2>&1 | head -n 1))"
