#!/usr/bin/env sh
# Renders infra/proxy/nginx.conf.template into the nginx configuration of one deployment. POSIX sh and awk
# only: it runs in the nginx container (compose), on an operator's host, and in the tests.
#
#   PROXY_PROCESSES="p1=mib-1:2567 p2=mib-2:2567" \   <route>=<host:port> of each server process; a process
#                                                      started with PUBLIC_ROOM_PATH=/<route>
#   PROXY_LISTEN="443 ssl"                            the site's listen parameters (default 80)
#   PROXY_LIVEKIT_LISTEN="7443 ssl"                   LiveKit signalling's listen parameters (default 7880)
#   PROXY_LIVEKIT_UPSTREAM=livekit:7880               where LiveKit's signalling port is (default livekit:7880)
#   PROXY_INTERNAL_LISTEN=8080                        in-deployment listener for LiveKit's webhooks
#   PROXY_TLS_CERT=/certs/fullchain.pem PROXY_TLS_KEY=/certs/privkey.pem   TLS on both listeners (and
#                                                      port 80 redirects to https) when both are set
#   PROXY_SERVER_NAME=worlds.example.com              (default _)
#   PROXY_UPLOAD_MAX=300m                             largest request body (uploads; default 300m)
#   PROXY_STATE_DIR=/var/cache/nginx                  pid and temporary files (default /var/cache/nginx)
#   PROXY_RESOLVER=auto                               re-resolve the processes' names every 5 s through this
#                                                      DNS server (auto: /etc/resolv.conf's first), so a
#                                                      recreated container's new address is found; needs
#                                                      nginx 1.27.3 or newer. Unset: resolved once at start
#   PROXY_ACCESS_LOG=/dev/stdout PROXY_ERROR_LOG=/dev/stderr
#
#   infra/proxy/render.sh <output file>
set -eu
here="$(cd "$(dirname "$0")" && pwd)"
out="${1:?usage: render.sh <output file> (settings in PROXY_* variables; see the comment at the top)}"
fail() {
  echo "proxy/render.sh: $*" >&2
  exit 2
}

processes="${PROXY_PROCESSES:?PROXY_PROCESSES must list the server processes, e.g. p1=mib-1:2567 p2=mib-2:2567}"
resolver=""
resolve=""
if [ -n "${PROXY_RESOLVER:-}" ]; then
  dns="$PROXY_RESOLVER"
  [ "$dns" = auto ] && dns="$(awk '$1 == "nameserver" { print $2; exit }' /etc/resolv.conf 2>/dev/null || true)"
  [ -n "$dns" ] || fail "PROXY_RESOLVER=auto found no nameserver in /etc/resolv.conf: name one, e.g. PROXY_RESOLVER=127.0.0.11"
  resolver="  resolver $dns valid=5s ipv6=off;"
  resolve=" resolve"
fi

all_servers=""
upstreams=""
locations=""
for entry in $processes; do
  route="${entry%%=*}"
  address="${entry#*=}"
  case "$route" in '' | *[!A-Za-z0-9_-]*) fail "\"$entry\": the route must be letters, digits, - or _ (e.g. p1=mib-1:2567)" ;; esac
  case "$address" in '' | "$entry" | *[!A-Za-z0-9_.:-]*) fail "\"$entry\": give host:port after = (e.g. p1=mib-1:2567)" ;; esac
  all_servers="$all_servers    server $address max_fails=1 fail_timeout=5s$resolve;
"
  upstreams="$upstreams  upstream mib_$route {
    zone mib_$route 64k;
    server $address$resolve;
  }
"
  locations="$locations    # Room sockets of the process started with PUBLIC_ROOM_PATH=/$route.
    location /$route/ {
      proxy_pass http://mib_$route/;
      proxy_read_timeout 1h;
      proxy_send_timeout 1h;
      proxy_buffering off;
    }
"
done

tls=""
redirect=""
if [ -n "${PROXY_TLS_CERT:-}" ] || [ -n "${PROXY_TLS_KEY:-}" ]; then
  [ -n "${PROXY_TLS_CERT:-}" ] && [ -n "${PROXY_TLS_KEY:-}" ] || fail "set both PROXY_TLS_CERT and PROXY_TLS_KEY (or neither, for plain HTTP)"
  tls="    ssl_certificate ${PROXY_TLS_CERT};
    ssl_certificate_key ${PROXY_TLS_KEY};
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_session_cache shared:tls:10m;"
  redirect="
  # Plain HTTP: everything moves to https.
  server {
    listen ${PROXY_REDIRECT_LISTEN:-80};
    server_name ${PROXY_SERVER_NAME:-_};
    return 301 https://\$host\$request_uri;
  }
"
fi

RESOLVER="$resolver" ALL_SERVERS="$all_servers" PROCESS_UPSTREAMS="$upstreams" PROCESS_LOCATIONS="$locations" TLS="$tls" \
  REDIRECT_SERVER="$redirect" LISTEN="${PROXY_LISTEN:-80}" LIVEKIT_LISTEN="${PROXY_LIVEKIT_LISTEN:-7880}" \
  LIVEKIT_UPSTREAM="${PROXY_LIVEKIT_UPSTREAM:-livekit:7880}" INTERNAL_LISTEN="${PROXY_INTERNAL_LISTEN:-8080}" \
  SERVER_NAME="${PROXY_SERVER_NAME:-_}" UPLOAD_MAX="${PROXY_UPLOAD_MAX:-300m}" \
  STATE_DIR="${PROXY_STATE_DIR:-/var/cache/nginx}" ACCESS_LOG="${PROXY_ACCESS_LOG:-/dev/stdout}" \
  ERROR_LOG="${PROXY_ERROR_LOG:-/dev/stderr}" \
  awk '{
    while (match($0, /\{\{[A-Z_]+\}\}/)) {
      name = substr($0, RSTART + 2, RLENGTH - 4)
      if (!(name in ENVIRON)) { print "proxy/render.sh: the template names an unknown {{" name "}}" > "/dev/stderr"; exit 3 }
      $0 = substr($0, 1, RSTART - 1) ENVIRON[name] substr($0, RSTART + RLENGTH)
    }
    print
  }' "$here/nginx.conf.template" >"$out.tmp"
mv "$out.tmp" "$out"
