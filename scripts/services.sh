#!/usr/bin/env bash
# The one setup step for tests and the embedded voice (`npm run services`, run by `npm test` first):
# installs from Debian's packages what is missing and starts on loopback what is down —
#   PostgreSQL on 127.0.0.1:5432 (database `test`, role `postgres`, trusted on loopback only),
#   Redis on 127.0.0.1:6379 (no persistence: test data only),
#   Chromium (/usr/bin/chromium, for the browser tests and asset thumbnails),
#   nginx (the deployment's reverse proxy, run by the topology tests on their own ports),
#   podman, runc and debootstrap (the container image test), with the stand-in for the image's base
#   (scripts/container-base.sh; no registry is reachable from the test machines),
#   promtool (Debian's prometheus package, for the monitoring configuration test),
#   the compose-spec JSON schema (Go module github.com/compose-spec/compose-go/v2, for the compose test);
#   Kustomize (Go module sigs.k8s.io/kustomize/kustomize/v5, pinned; renders infra/k8s in the tests);
# and builds the LiveKit server from its Go module, pinned, into a folder outside the checkout that names
# the version (see scripts/livekit-install.sh). Idempotent: a second run checks and returns in seconds.
#
#   scripts/services.sh            everything above
#   scripts/services.sh --no-voice everything but the LiveKit server
set -euo pipefail
cd "$(dirname "$0")/.."

with_voice=1
for arg in "$@"; do
  case "$arg" in
    --no-voice) with_voice=0 ;;
    *)
      echo "services: unknown option '$arg' (use --no-voice, or nothing)" >&2
      exit 2
      ;;
  esac
done

say() { echo "services: $*"; }
fail() {
  echo "services: $*" >&2
  exit 1
}

if [ "$(id -u)" -eq 0 ]; then SUDO=(); else SUDO=(sudo -n); fi

apt_updated=0
apt_install() {
  command -v apt-get >/dev/null 2>&1 ||
    fail "missing $* and there is no apt-get here: install $* with your system's package manager, then run npm run services again"
  if [ "$apt_updated" -eq 0 ]; then
    "${SUDO[@]}" apt-get update -qq || fail "apt-get update failed (see above): check the machine reaches Debian's package mirror"
    apt_updated=1
  fi
  say "installing $* from Debian's packages"
  # Package scripts must not try to start services through an init system this machine may not run:
  # this script starts them itself, on loopback.
  DEBIAN_FRONTEND=noninteractive RUNLEVEL=1 "${SUDO[@]}" apt-get install -y -qq --no-install-recommends "$@" >/dev/null ||
    fail "apt-get install $* failed (see above)"
}

# --- packages ---------------------------------------------------------------------------------------------
missing=()
ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || missing+=(postgresql)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v chromium >/dev/null 2>&1 || missing+=(chromium fonts-liberation)
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx-light)
command -v podman >/dev/null 2>&1 || missing+=(podman)
command -v runc >/dev/null 2>&1 || [ -x /usr/sbin/runc ] || missing+=(runc)
# promtool (checks and unit-tests infra/monitoring); Debian's package brings Prometheus itself, unused here.
command -v promtool >/dev/null 2>&1 || missing+=(prometheus)
command -v debootstrap >/dev/null 2>&1 || [ -x /usr/sbin/debootstrap ] || missing+=(debootstrap)
if [ "${#missing[@]}" -gt 0 ]; then apt_install "${missing[@]}"; fi

# --- PostgreSQL ---------------------------------------------------------------------------------------------
pg_version="$(ls /usr/lib/postgresql | sort -V | tail -n 1)"
if ! ls /etc/postgresql/"$pg_version"/main/postgresql.conf >/dev/null 2>&1; then
  say "creating the PostgreSQL $pg_version cluster 'main'"
  "${SUDO[@]}" pg_createcluster "$pg_version" main >/dev/null
fi
hba="/etc/postgresql/$pg_version/main/pg_hba.conf"
marker="# metaverse-in-a-box tests: trust on loopback"
if ! "${SUDO[@]}" grep -qF "$marker" "$hba"; then
  # Tests connect as postgres without a password, over TCP on loopback only; nothing else changes.
  "${SUDO[@]}" sed -i "1i $marker\nhost all postgres 127.0.0.1/32 trust\nhost all postgres ::1/128 trust" "$hba"
  pg_reload=1
fi
if ! pg_isready -h 127.0.0.1 -p 5432 -q; then
  say "starting PostgreSQL $pg_version on 127.0.0.1:5432"
  "${SUDO[@]}" pg_ctlcluster --skip-systemctl-redirect "$pg_version" main start ||
    fail "PostgreSQL did not start: read /var/log/postgresql/postgresql-$pg_version-main.log"
elif [ "${pg_reload:-0}" -eq 1 ]; then
  "${SUDO[@]}" pg_ctlcluster --skip-systemctl-redirect "$pg_version" main reload
fi
for _ in $(seq 1 50); do pg_isready -h 127.0.0.1 -p 5432 -q && break || sleep 0.2; done
pg_isready -h 127.0.0.1 -p 5432 -q || fail "PostgreSQL is not answering on 127.0.0.1:5432"
if ! psql -h 127.0.0.1 -U postgres -d postgres -tAc "select 1 from pg_database where datname = 'test'" | grep -q 1; then
  say "creating the database 'test'"
  psql -h 127.0.0.1 -U postgres -d postgres -qc 'create database test' >/dev/null
fi

# --- Redis -----------------------------------------------------------------------------------------------
if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  say "starting Redis on 127.0.0.1:6379"
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no \
    --logfile /tmp/mib-redis.log >/dev/null || fail "Redis did not start: read /tmp/mib-redis.log"
  for _ in $(seq 1 50); do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break || sleep 0.1; done
  redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 || fail "Redis is not answering on 127.0.0.1:6379: read /tmp/mib-redis.log"
fi

# --- LiveKit ---------------------------------------------------------------------------------------------
if [ "$with_voice" -eq 1 ]; then bash scripts/livekit-install.sh; fi

# --- Kustomize (renders infra/k8s in the tests), pinned in test/helpers/kustomize.ts -----------------------
kustomize_module="$(sed -n "s/^export const KUSTOMIZE_MODULE = '\(.*\)';/\1/p" test/helpers/kustomize.ts)"
kustomize_version="$(sed -n "s/^export const KUSTOMIZE_VERSION = '\(.*\)';/\1/p" test/helpers/kustomize.ts)"
[ -n "$kustomize_module" ] && [ -n "$kustomize_version" ] || fail "no KUSTOMIZE_MODULE/KUSTOMIZE_VERSION in test/helpers/kustomize.ts"
bash scripts/go-install.sh kustomize "$kustomize_module" "$kustomize_version" kustomize version >/dev/null ||
  fail "Kustomize could not be built (see above); the Kubernetes manifest tests need it"

# --- containers: the image's base, and the compose-spec schema ---------------------------------------------
bash scripts/container-base.sh >/dev/null || fail "the container base image could not be made (see above)"
compose_spec="$(sed -n "s/^export const COMPOSE_SPEC_MODULE = '\(.*\)';/\1/p" test/helpers/compose-spec.ts)"
[ -n "$compose_spec" ] || fail "no COMPOSE_SPEC_MODULE in test/helpers/compose-spec.ts"
GOFLAGS=-mod=mod go mod download -json "$compose_spec" >/dev/null ||
  fail "go mod download of the compose-spec schema failed: check the Go module proxy is reachable"

say "ready: PostgreSQL 127.0.0.1:5432, Redis 127.0.0.1:6379, $(chromium --version 2>/dev/null | head -n 1)"
