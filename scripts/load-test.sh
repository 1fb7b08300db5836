#!/usr/bin/env bash
# The load test (by hand, not in CI): a release server on a fresh copy of the sample
# database, then 200 parents + 20 tablets + 20 phones for 30 s (server/benches/load.rs).
#   usage: scripts/load-test.sh [seconds] [parents] [think ms]   (think 0: saturate the server)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
# the server and the load client in one build (one feature resolution: building them apart
# makes each invalidate the other's artefacts)
cargo build -p server --release --locked --bin server --bench load
client=$(ls -t target/release/deps/load-* | grep -v '\.d$' | head -1)
dir=$(mktemp -d)
trap 'kill $pid 2>/dev/null || true; rm -rf "$dir"' EXIT
port=3999
target/release/server --database-url "sqlite://$dir/load.db" seed >/dev/null
LEPTOS_SITE_ADDR=127.0.0.1:$port LEPTOS_SITE_ROOT=target/site RUST_LOG=warn \
  target/release/server --database-url "sqlite://$dir/load.db" serve --sample &
pid=$!
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.2; done
# Ctrl-C or the end: the server stops with the script
"$client" "http://127.0.0.1:$port" "${1:-30}" "${2:-200}" "${3:-0}"
