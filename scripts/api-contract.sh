#!/usr/bin/env bash
# The API contract, checked by schemathesis with every check over every operation of the
# OpenAPI document: anonymous (each case its own device), as one parent's device, as an
# operator and as an admin (the script signs in itself), against the debug server on a
# fresh sample database. Exits non-zero on any failure or server error.
#   usage: scripts/api-contract.sh [max examples per operation]      (default 60)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
here=scripts/schemathesis
venv=target/schemathesis-venv
# schemathesis from PyPI, pinned with its dependencies, in a virtualenv of its own
if [ ! -x "$venv/bin/schemathesis" ] || [ "$here/requirements.txt" -nt "$venv/.installed" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$here/requirements.txt"
  touch "$venv/.installed"
fi
cargo build -p server --locked --bin server
dir=$(mktemp -d)
trap 'kill $pid 2>/dev/null || true; rm -rf "$dir"' EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"
# Every generated case is a new write: the per-device and per-address limits (a person's
# pace) would answer most of them 429 and hide what the handlers do.
ANON_WRITES_PER_ADDRESS_PER_MINUTE=1000000 ANON_WRITES_PER_DEVICE_PER_MINUTE=1000000 LEPTOS_SITE_ADDR=127.0.0.1:$port LEPTOS_SITE_ROOT="$dir/no-site" RUST_LOG=warn \
  target/debug/server --database-url "sqlite://$dir/contract.db" serve --sample 2>"$dir/server.log" &
pid=$!
for _ in $(seq 150); do curl -fs "$base/readyz" >/dev/null && break; sleep 0.2; done

# signs in; prints the session's credentials as schemathesis configuration
session() {
  local body
  body=$(curl -fs -c "$dir/$1.jar" -H 'Content-Type: application/json' \
    -d "{\"username\":\"$1\",\"password\":\"yilao-sample-2026\"}" "$base/api/v1/auth/login")
  printf '[auth.openapi.session]\napi_key = "%s"\n' "$(awk '$6 == "yl_session" {print $7}' "$dir/$1.jar")"
  printf '[auth.openapi.csrf]\napi_key = "%s"\n' "$(python3 -c 'import json,sys; print(json.load(sys.stdin)["csrf_token"])' <<<"$body")"
}
# one device for the whole run (else every case is a new phone)
device() { printf '[parameters]\n"header.X-Device-Key" = "contract-%s-0123456789abcdef"\n' "$1"; }

examples=${1:-60}
failed=0
# run NAME [schemathesis options]: the credentials come on stdin
run() {
  local name=$1; shift
  echo "== schemathesis: $name"
  { cat "$here/schemathesis.toml"; echo; cat; } >"$dir/$name.toml"
  "$venv/bin/schemathesis" --config-file "$dir/$name.toml" run "$base/api/v1/openapi.json" --checks all \
      --max-examples "$examples" --workers 1 --suppress-health-check all \
      --report junit --report-dir "target/schemathesis/$name" "$@" || failed=1
}
run anonymous </dev/null
device parent | run device
# signing out would end the session the rest of the run uses
{ session op-libao; device tablet; } | run operator --exclude-path /api/v1/auth/logout
{ session admin-sample; device admin; } | run admin --exclude-path /api/v1/auth/logout
if grep -q "request failed" "$dir/server.log"; then
  echo "the server logged errors:"; grep "request failed" "$dir/server.log" | head -20; failed=1
fi
exit $failed
