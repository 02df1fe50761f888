#!/usr/bin/env bash
# Three allmende replicas on one machine behind HAProxy: state in
# PostgreSQL, the transparency log in MySQL/MariaDB, files in an
# S3-compatible bucket, each replica with a --data folder of its own. The
# recipe of README's "Three replicas behind a load balancer"; the test
# internal/scaleout runs the same deployment and kills the publisher.
#
#   ALLMENDE_DB=postgres://postgres@127.0.0.1:5432/coop?sslmode=disable \
#   ALLMENDE_LOG_MYSQL='root@tcp(127.0.0.1:3306)/coop_log' \
#   ALLMENDE_PASSWORD=… scripts/replicas.sh DIR steward@example.org "Steward Name"
#
# Both databases must exist (createdb coop; mysql -e 'CREATE DATABASE coop_log').
# Files: ALLMENDE_S3=HOST:PORT names an S3-compatible server (credentials
# in AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY); without it the script
# starts Versity Gateway (scripts/s3-server.sh) over DIR/s3 on 127.0.0.1:7070 (S3_PORT).
# DIR keeps the keys (DIR/keys, written once), each replica's folder and
# logs. The load balancer listens on 127.0.0.1:8080 (PORT), the replicas
# on PORT+1..3 and their metrics on PORT+11..13; the one whose
# allmende_log_publisher metric is 1 publishes the log — kill it
# (kill -9) and another takes over within seconds. Ctrl-C stops them all.
set -euo pipefail
if [ $# -ne 3 ] || [ -z "${ALLMENDE_DB:-}" ] || [ -z "${ALLMENDE_LOG_MYSQL:-}" ]; then
  sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
fi
dir=$1 email=$2 name=$3
lb_port=${PORT:-8080}
s3_port=${S3_PORT:-7070}
haproxy=${HAPROXY:-/usr/sbin/haproxy}
[ -x "$haproxy" ] || { echo "no HAProxy at $haproxy: apt-get install haproxy" >&2; exit 1; }
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
root=$(cd "$(dirname "$0")/.." && pwd)

pids=()
stop() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap stop EXIT INT TERM

echo "== building allmende"
(cd "$root" && go build -o "$dir/allmende" ./cmd/allmende)
bin=$dir/allmende

if [ ! -f "$dir/keys/vault.key" ]; then
  "$bin" keys init --out "$dir/keys" --origin "${LOG_ORIGIN:-localhost/log}"
fi

export AWS_ACCESS_KEY_ID="${AWS_ACCESS_KEY_ID:-allmendetest}" AWS_SECRET_ACCESS_KEY="${AWS_SECRET_ACCESS_KEY:-allmendetestsecret}"
s3=${ALLMENDE_S3:-}
if [ -z "$s3" ]; then
  s3=127.0.0.1:$s3_port
  bash "$root/scripts/s3-server.sh" "$dir/s3" "$s3" >"$dir/s3.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 100); do (exec 3<>"/dev/tcp/127.0.0.1/$s3_port") 2>/dev/null && break; sleep 0.2; done
fi
blobs="s3://allmende?endpoint=$s3&region=us-east-1&insecure=1"

servers=""
port() { echo $((lb_port + $1)); }
for i in 1 2 3; do
  # The log's DSN goes through the environment (ALLMENDE_LOG_MYSQL),
  # not the command line, which every user of the machine can read.
  "$bin" serve --data "$dir/r$i" --db "$ALLMENDE_DB" \
    --vault-key "$dir/keys/vault.key" --log-key "$dir/keys/log.key" --blobs "$blobs" \
    --addr "127.0.0.1:$(port "$i")" --metrics-addr "127.0.0.1:$(port $((i + 10)))" \
    --trusted-proxies 127.0.0.1 >"$dir/r$i.log" 2>&1 &
  pids+=($!)
  servers+="  server r$i 127.0.0.1:$(port "$i") check"$'\n'
done

cat >"$dir/haproxy.cfg" <<EOF
global
  maxconn 2000
defaults
  mode http
  timeout connect 2s
  timeout client 30s
  timeout server 30s
  retries 3
  option redispatch
  option forwardfor
frontend allmende
  bind 127.0.0.1:$lb_port
  default_backend replicas
backend replicas
  balance roundrobin
  option httpchk GET /healthz
  default-server inter 500ms fall 2 rise 2
$servers
EOF
"$haproxy" -db -f "$dir/haproxy.cfg" >"$dir/haproxy.log" 2>&1 &
pids+=($!)

for i in 1 2 3; do
  for _ in $(seq 1 120); do curl -fsS "http://127.0.0.1:$(port "$i")/healthz" >/dev/null 2>&1 && break; sleep 0.5; done
  curl -fsS "http://127.0.0.1:$(port "$i")/healthz" >/dev/null || { echo "replica r$i did not start:"; tail "$dir/r$i.log"; exit 1; }
done
# The first steward, once (steward runs beside the servers).
"$bin" steward --data "$dir/r1" --db "$ALLMENDE_DB" --vault-key "$dir/keys/vault.key" \
  --email "$email" --name "$name" || true

echo "== three replicas behind http://127.0.0.1:$lb_port (logs in $dir)"
for i in 1 2 3; do
  echo "   r$i: http://127.0.0.1:$(port "$i")  pid ${pids[i-5]}  publisher: $(curl -fsS "http://127.0.0.1:$(port $((i + 10)))/metrics" | awk '/^allmende_log_publisher /{print $2}')"
done
echo "== verify the log: $bin log verify --url http://127.0.0.1:$lb_port/log/ --key <(curl -s http://127.0.0.1:$lb_port/log/key)"
echo "== Ctrl-C stops them all"
wait
