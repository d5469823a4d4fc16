#!/usr/bin/env sh
# Writes infra/akash/deploy.yaml (the SDL to deploy) from deploy.template.yaml: fresh random secrets (never
# shipped defaults; kept in infra/akash/.env and reused on later runs, so stored data stays readable), your
# domain, images and buckets. Akash has no secret store: deploy.yaml holds the secrets — keep it private.
#
#   IMAGE=registry.example.com/metaverse-in-a-box:0.1.0 \
#   BACKUP_IMAGE=registry.example.com/metaverse-in-a-box-backup:0.1.0 \
#   ASSET_S3_BUCKET=… ASSET_S3_ENDPOINT=https://gateway.storjshare.io ASSET_S3_ACCESS_KEY_ID=… ASSET_S3_SECRET_ACCESS_KEY=… \
#   BACKUP_S3_URL=s3://mib-backups/nightly/ BACKUP_S3_ENDPOINT=… BACKUP_S3_ACCESS_KEY_ID=… BACKUP_S3_SECRET_ACCESS_KEY=… \
#   [ASSET_S3_REGION=us-east-1] [BACKUP_S3_REGION=us-east-1] \
#   infra/akash/init.sh <domain> [operator email]
set -eu
here="$(cd "$(dirname "$0")" && pwd)"
domain="${1:-}"
email="${2:-admin@${domain}}"
fail() {
  echo "akash/init.sh: $*" >&2
  exit 2
}
case "$domain" in
  '' | -*) fail "give the domain visitors will use, e.g. infra/akash/init.sh worlds.example.com [admin@example.com]" ;;
  *[!A-Za-z0-9.-]*) fail "\"$domain\" is not a domain name (letters, digits, dots and hyphens), e.g. worlds.example.com" ;;
esac
case "$email" in *@*.*) ;; *) fail "\"$email\" is not an email address: give the operator's, e.g. admin@example.com" ;; esac
command -v openssl >/dev/null 2>&1 || fail "openssl is missing: install it (Debian: apt-get install openssl)"

need() {
  eval "value=\${$1:-}"
  [ -n "$value" ] || fail "set $1: $2"
  case "$value" in *[!A-Za-z0-9./:@_+=-]*) fail "$1 holds a character the SDL cannot carry safely (use letters, digits and ./:@_+=-)" ;; esac
}
need IMAGE "the server image in your registry, e.g. IMAGE=registry.example.com/metaverse-in-a-box:0.1.0"
need BACKUP_IMAGE "the backup image (infra/Dockerfile --target backup), e.g. BACKUP_IMAGE=registry.example.com/metaverse-in-a-box-backup:0.1.0"
need ASSET_S3_BUCKET "the S3-compatible bucket for assets (outside the lease), e.g. ASSET_S3_BUCKET=mib-assets"
need ASSET_S3_ENDPOINT "its endpoint, e.g. ASSET_S3_ENDPOINT=https://gateway.storjshare.io"
need ASSET_S3_ACCESS_KEY_ID "the access key of a user allowed to read and write that bucket"
need ASSET_S3_SECRET_ACCESS_KEY "that user's secret key"
need BACKUP_S3_URL "where the backups go, e.g. BACKUP_S3_URL=s3://mib-backups/nightly/"
need BACKUP_S3_ENDPOINT "the backup bucket's endpoint, e.g. BACKUP_S3_ENDPOINT=https://s3.filebase.com"
need BACKUP_S3_ACCESS_KEY_ID "the access key of a user allowed to write the backup bucket"
need BACKUP_S3_SECRET_ACCESS_KEY "that user's secret key"
case "$BACKUP_S3_URL" in s3://?*) ;; *) fail "BACKUP_S3_URL must be s3://<bucket>/<prefix>, e.g. s3://mib-backups/nightly/" ;; esac

secret() { openssl rand -base64 48 | tr -d '/+=\n' | cut -c1-"$1"; }
env_file="$here/.env"
touch "$env_file"
chmod 600 "$env_file"
keep() {
  if grep -q "^$1=" "$env_file"; then return; fi
  printf '%s=%s\n' "$1" "$2" >>"$env_file"
  echo "akash/init.sh: wrote $1"
}
keep AUTH_SECRET "$(secret 48)"
keep OPERATOR_PASSWORD "$(secret 24)"
keep POSTGRES_PASSWORD "$(secret 32)"
keep REDIS_PASSWORD "$(secret 32)"

DOMAIN="$domain" OPERATOR_EMAIL="$email" ASSET_S3_REGION="${ASSET_S3_REGION:-us-east-1}" \
  BACKUP_S3_REGION="${BACKUP_S3_REGION:-us-east-1}" \
  AUTH_SECRET="$(sed -n 's/^AUTH_SECRET=//p' "$env_file")" \
  OPERATOR_PASSWORD="$(sed -n 's/^OPERATOR_PASSWORD=//p' "$env_file")" \
  POSTGRES_PASSWORD="$(sed -n 's/^POSTGRES_PASSWORD=//p' "$env_file")" \
  REDIS_PASSWORD="$(sed -n 's/^REDIS_PASSWORD=//p' "$env_file")" \
  awk '{
    while (match($0, /\{\{[A-Z0-9_]+\}\}/)) {
      name = substr($0, RSTART + 2, RLENGTH - 4)
      if (!(name in ENVIRON)) { print "akash/init.sh: the template names an unknown {{" name "}}" > "/dev/stderr"; exit 3 }
      $0 = substr($0, 1, RSTART - 1) ENVIRON[name] substr($0, RSTART + RLENGTH)
    }
    print
  }' "$here/deploy.template.yaml" >"$here/deploy.yaml.tmp"
mv "$here/deploy.yaml.tmp" "$here/deploy.yaml"
chmod 600 "$here/deploy.yaml"
echo "akash/init.sh: wrote infra/akash/deploy.yaml for $domain (it holds secrets: keep it private). The operator"
echo "               account is $email; its password is OPERATOR_PASSWORD in infra/akash/.env."
echo "               Next: deploy it with the Akash Console, or provider-services tx deployment create deploy.yaml"
