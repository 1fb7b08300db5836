#!/usr/bin/env bash
# The supervisors' endpoints on the benchmark database (by hand, not in CI): a release server
# on the sample districts plus 100,000 generated places (`seed-large --with-sample`), the
# sample supervisor of 新吴区 signed in; per endpoint 100 requests one after another (p50 /
# p99 / max) and then 400 with 16 at once (requests per second). The database is made once
# and kept in target/bench-supervise.db (delete it to make it again).
#   usage: scripts/supervise-bench.sh [places, default 100000]
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
places=${1:-100000}
cargo build -p server --release --locked --bin server
db=target/bench-supervise-$places.db
if [ ! -f "$db" ]; then
  target/release/server --database-url "sqlite://$db" seed-large --places "$places" --with-sample
fi
dir=$(mktemp -d)
port=3998
trap 'kill $pid 2>/dev/null || true; rm -rf "$dir"' EXIT
LEPTOS_SITE_ADDR=127.0.0.1:$port LEPTOS_SITE_ROOT=target/site RUST_LOG=info,sqlx=warn \
  target/release/server --database-url "sqlite://$db" serve --sample >"$dir/server.log" 2>&1 &
pid=$!
for _ in $(seq 200); do curl -fs "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.2; done
# the first run of the snapshot job (with back-filling) before measuring
for _ in $(seq 600); do grep -q "indicator snapshots" "$dir/server.log" && break; sleep 0.5; done
sed 's/\x1b\[[0-9;]*m//g' "$dir/server.log" | grep -o 'indicator snapshots.*' | head -1 | sed 's/^/snapshot job (first run, all districts, 12 months): /'
base="http://127.0.0.1:$port"
curl -fs -c "$dir/jar" -H 'Content-Type: application/json' -d '{"username":"sup-xinwu","password":"yilao-sample-2026"}' "$base/api/v1/auth/login" >/dev/null
echo "places in the database: $(sqlite3 "$db" 'SELECT count(*) FROM places' 2>/dev/null || echo "$places + sample")"
printf '%-34s %8s %8s %8s %10s\n' endpoint 'p50 ms' 'p99 ms' 'max ms' 'req/s x16'
for path in "indicators?area=wuxi-xinwu" "indicators?area=wuxi-xinwu-wangzhuang" "streets?area=wuxi-xinwu" \
            "places?area=wuxi-xinwu" "orders?area=wuxi-xinwu" "trends?area=wuxi-xinwu" \
            "trend.svg?area=wuxi-xinwu&indicator=slots_per_thousand" "settlement?area=wuxi-xinwu" "export.xlsx?area=wuxi-xinwu"; do
  url="$base/api/v1/supervise/$path"
  code=$(curl -s -o /dev/null -w '%{http_code}' -b "$dir/jar" "$url")
  [ "$code" = 200 ] || { echo "$path: HTTP $code"; exit 1; }
  for _ in $(seq 100); do curl -s -o /dev/null -w '%{time_total}\n' -b "$dir/jar" "$url"; done | sort -n >"$dir/t"
  p() { awk -v q="$1" '{a[NR]=$1} END {i=int(NR*q); if (i<1) i=1; printf "%.1f", a[i]*1000}' "$dir/t"; }
  start=$(date +%s.%N)
  # 16 at once; the export answers 503 + Retry-After beyond two files at a time (counted apart)
  seq 400 | xargs -P 16 -I{} curl -s -o /dev/null -w '%{http_code}\n' -b "$dir/jar" "$url" >"$dir/codes"
  secs=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { print b - a }')
  ok=$(grep -c '^200$' "$dir/codes" || true)
  busy=$(grep -c '^503$' "$dir/codes" || true)
  other=$(grep -vc '^\(200\|503\)$' "$dir/codes" || true)
  [ "$other" = 0 ] || { echo "$path: $other answers neither 200 nor 503"; exit 1; }
  printf '%-34s %8s %8s %8s %10.0f%s\n' "${path%%\?*} ${path#*area=}" "$(p 0.5)" "$(p 0.99)" "$(p 1.0)" "$(awk -v n="$ok" -v s="$secs" 'BEGIN { print n / s }')" \
    "$([ "$busy" = 0 ] || echo " ($busy × 503 busy)")"
done
