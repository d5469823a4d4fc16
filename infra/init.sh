#!/usr/bin/env sh
# First run of the compose deployment: writes infra/.env with fresh random secrets (never shipped defaults)
# and, unless infra/certs/ already holds one, a self-signed certificate for the domain — replace it with
# your CA's (e.g. Let's Encrypt: fullchain.pem and privkey.pem) before real visitors come. Run again: it
# keeps what exists (secrets stay, so stored data stays readable) and only adds what is missing.
#
#   infra/init.sh <domain> [operator email]
set -eu
here="$(cd "$(dirname "$0")" && pwd)"
domain="${1:-}"
email="${2:-admin@${domain}}"
fail() {
  echo "init.sh: $*" >&2
  exit 2
}
case "$domain" in
  '' | -*) fail "give the domain visitors will use, e.g. infra/init.sh worlds.example.com [admin@example.com]" ;;
  *[!A-Za-z0-9.-]*) fail "\"$domain\" is not a domain name (letters, digits, dots and hyphens), e.g. worlds.example.com" ;;
esac
command -v openssl >/dev/null 2>&1 || fail "openssl is missing: install it (Debian: apt-get install openssl)"

secret() { openssl rand -base64 48 | tr -d '/+=\n' | cut -c1-"$1"; }
env_file="$here/.env"
touch "$env_file"
chmod 600 "$env_file"
add() {
  if grep -q "^$1=" "$env_file"; then return; fi
  printf '%s=%s\n' "$1" "$2" >>"$env_file"
  echo "init.sh: wrote $1"
}
add DOMAIN "$domain"
add OPERATOR_EMAIL "$email"
add OPERATOR_PASSWORD "$(secret 24)"
add AUTH_SECRET "$(secret 48)"
add POSTGRES_PASSWORD "$(secret 32)"
add REDIS_PASSWORD "$(secret 32)"
add MINIO_ROOT_USER "mib-$(secret 8)"
add MINIO_ROOT_PASSWORD "$(secret 32)"
add LIVEKIT_API_KEY "API$(secret 12)"
add LIVEKIT_API_SECRET "$(secret 40)"
# Backups go to a bucket of the deployment's MinIO until you point these at another place (an S3 bucket in
# another account or provider: a backup on the same disk does not survive the disk).
add BACKUP_S3_URL "s3://mib-backups/nightly/"
add BACKUP_S3_ENDPOINT "http://minio:9000"
add BACKUP_S3_ACCESS_KEY_ID "$(sed -n 's/^MINIO_ROOT_USER=//p' "$env_file")"
add BACKUP_S3_SECRET_ACCESS_KEY "$(sed -n 's/^MINIO_ROOT_PASSWORD=//p' "$env_file")"

mkdir -p "$here/certs"
if [ ! -s "$here/certs/fullchain.pem" ] || [ ! -s "$here/certs/privkey.pem" ]; then
  openssl req -x509 -newkey rsa:2048 -nodes -days 90 -subj "/CN=$domain" \
    -addext "subjectAltName=DNS:$domain" \
    -keyout "$here/certs/privkey.pem" -out "$here/certs/fullchain.pem" 2>/dev/null ||
    fail "openssl could not make a certificate (see above)"
  chmod 600 "$here/certs/privkey.pem"
  echo "init.sh: wrote a self-signed certificate for $domain in infra/certs/ — browsers will warn until you"
  echo "         replace fullchain.pem and privkey.pem with your CA's (docs/operate.md, TLS)"
fi
echo "init.sh: ready. The operator account is $email; its password is OPERATOR_PASSWORD in infra/.env."
echo "         Next: docker compose -f infra/compose.yaml up -d --build --wait"
