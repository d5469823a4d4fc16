#!/usr/bin/env sh
# First run of a Kubernetes install: writes the files the overlay reads — fresh random secrets (never
# shipped defaults) beside the credentials of your PostgreSQL, Redis and S3 — and the values LiveKit's Helm
# chart needs to match them. Run again: generated secrets stay (stored data stays readable; tokens stay
# valid), the settings you pass are updated.
#
#   IMAGE=registry.example.com/metaverse-in-a-box:0.1.0 \
#   DATABASE_URL=postgres://mib:…@db.example.internal:5432/mib \
#   REDIS_URL=redis://:…@redis.example.internal:6379 \
#   ASSET_S3_BUCKET=mib-assets ASSET_S3_ACCESS_KEY_ID=… ASSET_S3_SECRET_ACCESS_KEY=… \
#   BACKUP_S3_URL=s3://mib-backups/nightly/ BACKUP_S3_ACCESS_KEY_ID=… BACKUP_S3_SECRET_ACCESS_KEY=… \
#   [ASSET_S3_ENDPOINT=…] [ASSET_S3_REGION=…] [BACKUP_S3_ENDPOINT=…] [BACKUP_S3_REGION=…] [LIVEKIT_DOMAIN=livekit.<domain>] \
#   infra/k8s/init.sh <domain> [operator email] [overlay directory, default infra/k8s/overlays/production]
set -eu
here="$(cd "$(dirname "$0")" && pwd)"
domain="${1:-}"
email="${2:-admin@${domain}}"
overlay="${3:-$here/overlays/production}"
fail() {
  echo "k8s/init.sh: $*" >&2
  exit 2
}
case "$domain" in
  '' | -*) fail "give the domain visitors will use, e.g. infra/k8s/init.sh worlds.example.com [admin@example.com]" ;;
  *[!A-Za-z0-9.-]*) fail "\"$domain\" is not a domain name (letters, digits, dots and hyphens), e.g. worlds.example.com" ;;
esac
case "$email" in *@*.*) ;; *) fail "\"$email\" is not an email address: give the operator's, e.g. admin@example.com" ;; esac
[ -f "$overlay/kustomization.yaml" ] || fail "$overlay has no kustomization.yaml: name an overlay directory, e.g. infra/k8s/overlays/production"
command -v openssl >/dev/null 2>&1 || fail "openssl is missing: install it (Debian: apt-get install openssl)"

need() {
  eval "value=\${$1:-}"
  [ -n "$value" ] || fail "set $1: $2"
}
need IMAGE "the server image in your registry, e.g. IMAGE=registry.example.com/metaverse-in-a-box:0.1.0 (build it with infra/Dockerfile)"
need DATABASE_URL "your PostgreSQL, e.g. DATABASE_URL=postgres://mib:password@db.example.internal:5432/mib"
need REDIS_URL "your Redis, e.g. REDIS_URL=redis://:password@redis.example.internal:6379"
need ASSET_S3_BUCKET "the S3 bucket for uploaded assets, e.g. ASSET_S3_BUCKET=mib-assets"
need ASSET_S3_ACCESS_KEY_ID "the access key of an S3 user allowed to read and write the bucket"
need ASSET_S3_SECRET_ACCESS_KEY "that user's secret key"
need BACKUP_S3_URL "where the nightly backups go, in another bucket (better: another account or provider), e.g. BACKUP_S3_URL=s3://mib-backups/nightly/"
need BACKUP_S3_ACCESS_KEY_ID "the access key of an S3 user allowed to write the backup bucket"
need BACKUP_S3_SECRET_ACCESS_KEY "that user's secret key"
case "$BACKUP_S3_URL" in s3://?*) ;; *) fail "BACKUP_S3_URL must be s3://<bucket>/<prefix>, e.g. s3://mib-backups/nightly/" ;; esac
case "$IMAGE" in *[!A-Za-z0-9./:@_-]*) fail "IMAGE=\"$IMAGE\" is not an image reference, e.g. registry.example.com/metaverse-in-a-box:0.1.0" ;; esac
case "$DATABASE_URL" in postgres://* | postgresql://*) ;; *) fail "DATABASE_URL must start with postgres:// (e.g. postgres://mib:password@db:5432/mib)" ;; esac
case "$REDIS_URL" in redis://* | rediss://*) ;; *) fail "REDIS_URL must start with redis:// or rediss:// (e.g. redis://:password@redis:6379)" ;; esac
livekit_domain="${LIVEKIT_DOMAIN:-livekit.$domain}"
case "$livekit_domain" in *[!A-Za-z0-9.-]*) fail "LIVEKIT_DOMAIN=\"$livekit_domain\" is not a domain name" ;; esac

secret() { openssl rand -base64 48 | tr -d '/+=\n' | cut -c1-"$1"; }
file_of() {
  touch "$overlay/$1"
  chmod 600 "$overlay/$1"
  echo "$overlay/$1"
}
# Generated once: kept on later runs.
keep() {
  if grep -q "^$2=" "$1"; then return; fi
  printf '%s=%s\n' "$2" "$3" >>"$1"
  echo "k8s/init.sh: wrote $2"
}
# Given by the operator: replaced on every run.
put() {
  grep -v "^$2=" "$1" >"$1.tmp" || true
  printf '%s=%s\n' "$2" "$3" >>"$1.tmp"
  mv "$1.tmp" "$1"
}
value_of() { sed -n "s/^$2=//p" "$1"; }

deployment="$(file_of deployment.env)"
put "$deployment" DOMAIN "$domain"
put "$deployment" IMAGE "$IMAGE"

site="$(file_of site.env)"
put "$site" PUBLIC_URL "https://$domain"
put "$site" OPERATOR_EMAIL "$email"
put "$site" LIVEKIT_URL "http://livekit-server.livekit.svc.cluster.local"
put "$site" LIVEKIT_PUBLIC_URL "wss://$livekit_domain"
put "$site" ASSET_S3_BUCKET "$ASSET_S3_BUCKET"
[ -z "${ASSET_S3_ENDPOINT:-}" ] || put "$site" ASSET_S3_ENDPOINT "$ASSET_S3_ENDPOINT"
[ -z "${ASSET_S3_REGION:-}" ] || put "$site" ASSET_S3_REGION "$ASSET_S3_REGION"
put "$site" BACKUP_S3_URL "$BACKUP_S3_URL"
[ -z "${BACKUP_S3_ENDPOINT:-}" ] || put "$site" BACKUP_S3_ENDPOINT "$BACKUP_S3_ENDPOINT"
[ -z "${BACKUP_S3_REGION:-}" ] || put "$site" BACKUP_S3_REGION "$BACKUP_S3_REGION"

secrets="$(file_of secrets.env)"
keep "$secrets" AUTH_SECRET "$(secret 48)"
keep "$secrets" OPERATOR_PASSWORD "$(secret 24)"
keep "$secrets" LIVEKIT_API_KEY "API$(secret 12)"
keep "$secrets" LIVEKIT_API_SECRET "$(secret 40)"
put "$secrets" DATABASE_URL "$DATABASE_URL"
put "$secrets" REDIS_URL "$REDIS_URL"
put "$secrets" ASSET_S3_ACCESS_KEY_ID "$ASSET_S3_ACCESS_KEY_ID"
put "$secrets" ASSET_S3_SECRET_ACCESS_KEY "$ASSET_S3_SECRET_ACCESS_KEY"
put "$secrets" BACKUP_S3_ACCESS_KEY_ID "$BACKUP_S3_ACCESS_KEY_ID"
put "$secrets" BACKUP_S3_SECRET_ACCESS_KEY "$BACKUP_S3_SECRET_ACCESS_KEY"

# LiveKit's chart (livekit/livekit-server): the same keys, the same Redis, TURN on this domain.
redis_rest="${REDIS_URL#*://}"
redis_rest="${redis_rest%%/*}"
redis_password=""
case "$redis_rest" in *@*)
  redis_password="${redis_rest%@*}"
  redis_password="${redis_password#*:}"
  redis_rest="${redis_rest##*@}"
  ;;
esac
case "$redis_rest" in *:*) ;; *) redis_rest="$redis_rest:6379" ;; esac
livekit="$(file_of livekit.values.yaml)"
cat >"$livekit" <<VALUES
# Written by infra/k8s/init.sh: use with infra/k8s/livekit/values.yaml (helm install … -f both).
livekit:
  keys:
    $(value_of "$secrets" LIVEKIT_API_KEY): $(value_of "$secrets" LIVEKIT_API_SECRET)
  redis:
    address: $redis_rest
    password: '$redis_password'
    use_tls: $(case "$REDIS_URL" in rediss://*) echo true ;; *) echo false ;; esac)
  turn:
    enabled: true
    domain: turn.$livekit_domain
    tls_port: 3478
    udp_port: 3478
    secretName: livekit-turn-tls
  webhook:
    api_key: $(value_of "$secrets" LIVEKIT_API_KEY)
    urls:
      # Through the site's Ingress: LiveKit's pods use their node's network, which the namespace's
      # NetworkPolicies cannot name. Webhooks are signed with the API key; the server checks them.
      - https://$domain/livekit/webhook
VALUES

echo "k8s/init.sh: ready in $overlay. The operator account is $email; its password is OPERATOR_PASSWORD in"
echo "             secrets.env. Next (docs/operate.md, Kubernetes):"
echo "             helm install livekit livekit/livekit-server -n livekit --create-namespace \\"
echo "               -f infra/k8s/livekit/values.yaml -f $livekit"
echo "             kubectl apply -k $overlay"
