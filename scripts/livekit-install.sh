#!/usr/bin/env bash
# Builds the LiveKit server from its Go module at the pinned tag (`npm run voice:install`; also part of
# `npm run services`). The pin lives in server/voice/dev-livekit/livekit-release.ts, the one place the
# server reads it too. The binary goes outside the checkout, in a folder that names the tag (see
# scripts/go-install.sh): ${XDG_CACHE_HOME:-$HOME/.cache}/metaverse-in-a-box/livekit-server-<tag>/server
set -euo pipefail
cd "$(dirname "$0")/.."

pin_file=server/voice/dev-livekit/livekit-release.ts
tag="$(sed -n "s/^export const LIVEKIT_SERVER_TAG = '\(v[0-9.]*\)';.*/\1/p" "$pin_file")"
[ -n "$tag" ] || { echo "livekit: no LIVEKIT_SERVER_TAG found in $pin_file" >&2; exit 1; }
module="$(sed -n "s/^export const LIVEKIT_SERVER_MODULE = '\(.*\)';.*/\1/p" "$pin_file")"
[ -n "$module" ] || { echo "livekit: no LIVEKIT_SERVER_MODULE found in $pin_file" >&2; exit 1; }
binary="$(bash scripts/go-install.sh livekit-server "$module" "$tag" server)" ||
  { echo "livekit: voice tests and the embedded voice need the LiveKit server; fix the above, then run npm run voice:install" >&2; exit 1; }
echo "livekit: LiveKit server $tag at $binary ($("$binary" --version 2>&1 | head -n 1))"
