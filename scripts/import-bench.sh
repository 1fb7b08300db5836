#!/usr/bin/env bash
# Registry import benchmark (by hand, not in CI): a release server on a fresh database, a
# generated XLSX of N places over 新吴区 (two class rows each: 2,500 places = 5,000 rows), then
#   1. the CLI: dry run (read + check + plan), import (one transaction), dry run again (all unchanged);
#   2. HTTP on the admin desk's endpoints: upload → preview answer time, apply, and the preview
#      of the same file again (all unchanged).
#   usage: scripts/import-bench.sh [places, default 2500]
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
places=${1:-2500}
cargo build -p server --release --locked --bin server --example import_fixtures
dir=$(mktemp -d)
trap 'kill $pid 2>/dev/null || true; rm -rf "$dir"' EXIT
pid=
file="$dir/import-$places.xlsx"
target/release/examples/import_fixtures --large "$places" "$file"
ls -l "$file" | awk '{printf "file: %.0f KB\n", $5/1024}'
S=target/release/server
cli_db="sqlite://$dir/cli.db?mode=rwc"
t() { local s=$(date +%s.%N); "$@" > "$dir/out.txt"; local rc=$?; awk -v s="$s" -v e="$(date +%s.%N)" 'BEGIN{printf "%.2f s", e-s}'; return $rc; }
$S --database-url "$cli_db" migrate >/dev/null
echo "CLI dry run (new file):        $(t $S --database-url "$cli_db" import places "$file" --dry-run) — $(sed -n 2p "$dir/out.txt")"
echo "CLI import:                    $(t $S --database-url "$cli_db" import places "$file") — $(tail -1 "$dir/out.txt")"
echo "CLI dry run (again, unchanged): $(t $S --database-url "$cli_db" import places "$file" --dry-run) — $(sed -n 2p "$dir/out.txt")"

http_db="sqlite://$dir/http.db?mode=rwc"
$S --database-url "$http_db" migrate >/dev/null
ADMIN_PASSWORD=bench-admin-password $S --database-url "$http_db" create-admin --username bench-admin >/dev/null
port=3998
LEPTOS_SITE_ADDR=127.0.0.1:$port LEPTOS_SITE_ROOT=target/site RUST_LOG=warn $S --database-url "$http_db" serve &
pid=$!
base="http://127.0.0.1:$port"
for _ in $(seq 100); do curl -fs "$base/readyz" >/dev/null && break; sleep 0.2; done
jar="$dir/cookies"
csrf=$(curl -fs -c "$jar" -H 'Content-Type: application/json' -d '{"username":"bench-admin","password":"bench-admin-password"}' "$base/api/v1/auth/login" | sed 's/.*"csrf_token":"\([^"]*\)".*/\1/')
upload() { # id → preview JSON in $dir/preview.json, prints the answer time
  curl -fs -b "$jar" -H "X-CSRF-Token: $csrf" -H 'Content-Type: application/octet-stream' -X PUT --data-binary "@$file" \
    -o "$dir/preview.json" -w '%{time_total} s' "$base/api/v1/admin/imports/$1?kind=places&name=bench.xlsx"
}
id1=00000000-0000-4000-8000-000000000001
id2=00000000-0000-4000-8000-000000000002
echo "HTTP upload → preview (new):   $(upload $id1) — $(grep -o '"create":\[' "$dir/preview.json" >/dev/null && grep -o '"unchanged":[0-9]*' "$dir/preview.json")"
hash=$(sed 's/.*"plan_hash":"\([^"]*\)".*/\1/' "$dir/preview.json")
echo "HTTP apply:                    $(curl -fs -b "$jar" -H "X-CSRF-Token: $csrf" -H 'X-Device-Key: bench-device-0123456789abcdef' -H 'Idempotency-Key: bench-apply-1' \
  -H 'Content-Type: application/json' -d "{\"plan_hash\":\"$hash\"}" -o "$dir/result.json" -w '%{time_total} s' "$base/api/v1/admin/imports/$id1/apply") — $(cat "$dir/result.json")"
echo "HTTP upload → preview (again): $(upload $id2) — $(grep -o '"unchanged":[0-9]*' "$dir/preview.json")"
