#!/usr/bin/env bash
# An S3-compatible server on this machine, for tests and for trying
# serve --blobs: Versity Gateway (Apache-2.0) over a folder, built from the
# Go module proxy into the cache the first time (a few minutes).
#
#   scripts/s3-server.sh --install          # only build it, print its path
#   scripts/s3-server.sh DIR 127.0.0.1:7070 # serve DIR (each subfolder a bucket) until stopped
#
# Credentials: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY if set, else the
# tests' own (allmendetest / allmendetestsecret). Then, for example:
#   ./allmende serve --blobs 's3://coop-files?endpoint=127.0.0.1:7070&insecure=1' …
set -euo pipefail
version=v1.8.0
bin="${XDG_CACHE_HOME:-$HOME/.cache}/allmende-s3/bin/versitygw"
if [ ! -x "$bin" ]; then
  echo "== installing versitygw $version" >&2
  start=$SECONDS
  GOBIN="$(dirname "$bin")" go install "github.com/versity/versitygw/cmd/versitygw@$version"
  echo "== versitygw installed in $((SECONDS - start))s" >&2
fi
if [ "${1:-}" = "--install" ]; then
  echo "$bin"
  exit 0
fi
if [ $# -ne 2 ]; then
  echo "usage: $0 --install | DIR HOST:PORT" >&2
  exit 2
fi
dir=$1 addr=$2
mkdir -p "$dir/buckets" "$dir/versions"
export ROOT_ACCESS_KEY_ID="${AWS_ACCESS_KEY_ID:-allmendetest}" ROOT_SECRET_ACCESS_KEY="${AWS_SECRET_ACCESS_KEY:-allmendetestsecret}"
# The secret goes through the environment, not the command line, which
# every user of the machine can read.
exec "$bin" --port "$addr" --quiet posix --versioning-dir "$dir/versions" "$dir/buckets"
