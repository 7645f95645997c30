#!/usr/bin/env bash
# The S3 end-to-end test (verify/tests/s3_e2e.rs) against a local S3: moto's server.
#
# Installs moto into .venv (reused when it already has moto_server), starts it on a free
# loopback port, runs the test with the endpoint in CLIENTCACHE_S3_ENDPOINT, and always stops
# the server, however the script exits (trap). Run from anywhere: `bash .ci/s3-e2e.sh`.
set -euo pipefail
cd "$(dirname "$0")/.."

venv=.venv
if [[ ! -x "$venv/bin/moto_server" ]]; then
  echo "installing moto[server] into $venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check 'moto[server]'
fi

# A free loopback port: bind to port 0 and read back what the OS picked.
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
log=$(mktemp -t moto.XXXXXX.log)

"$venv/bin/moto_server" -H 127.0.0.1 -p "$port" >"$log" 2>&1 &
moto_pid=$!
stop_moto() {
  kill "$moto_pid" 2>/dev/null || true
  wait "$moto_pid" 2>/dev/null || true
  rm -f "$log"
}
trap stop_moto EXIT

# Wait (up to 30 s) until it answers.
ready=false
for _ in $(seq 1 60); do
  if python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$port/moto-api/')" 2>/dev/null; then
    ready=true
    break
  fi
  if ! kill -0 "$moto_pid" 2>/dev/null; then
    break
  fi
  sleep 0.5
done
if [[ $ready != true ]]; then
  echo "moto_server did not answer on 127.0.0.1:$port; its log:" >&2
  cat "$log" >&2
  exit 1
fi

echo "moto listening on 127.0.0.1:$port (pid $moto_pid)"
CLIENTCACHE_S3_ENDPOINT="http://127.0.0.1:$port" \
  cargo test -p clientcache-verify --test s3_e2e -- --ignored --nocapture
