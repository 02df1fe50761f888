#!/usr/bin/env bash
# Measures the footprint figures the README reports: time from start to
# healthy and idle resident memory, for `allmende demo` (seeded SQLite) and
# `allmende serve` on an empty data folder, with /usr/bin/time -v.
#
#   scripts/footprint.sh            # builds ./allmende first
set -euo pipefail
cd "$(dirname "$0")/.."
go build -o /tmp/allmende-footprint ./cmd/allmende
bin=/tmp/allmende-footprint
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

measure() { # name, port, command...
  local name=$1 port=$2; shift 2
  local start end pid
  start=$(date +%s%N)
  /usr/bin/time -v -o "$work/$name.time" "$@" >"$work/$name.out" 2>&1 &
  pid=$!
  until curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; do
    if ! kill -0 "$pid" 2>/dev/null; then echo "$name exited:"; cat "$work/$name.out"; exit 1; fi
    sleep 0.02
  done
  end=$(date +%s%N)
  sleep 10 # idle
  local child
  child=$(pgrep -P "$pid" -f allmende-footprint || echo "$pid")
  local idle_rss
  idle_rss=$(awk '/VmRSS/ {print $2}' "/proc/$child/status")
  kill -INT "$child"
  wait "$pid" || true
  local max_rss
  max_rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/$name.time")
  printf '%-28s healthy after %5d ms   idle RSS %4d MB   max RSS %4d MB\n' \
    "$name" $(( (end - start) / 1000000 )) $(( idle_rss / 1024 )) $(( max_rss / 1024 ))
}

measure "demo (first start, seeds)" 18091 "$bin" demo --data "$work/demo" --addr 127.0.0.1:18091
measure "demo (second start)" 18092 "$bin" demo --data "$work/demo" --addr 127.0.0.1:18092
measure "serve (empty data folder)" 18093 "$bin" serve --data "$work/serve" --addr 127.0.0.1:18093 --log-level warn
