#!/usr/bin/env bash
# Lighthouse (npm, pinned 12.2.3 in tests/lighthouse) with Debian's Chromium, mobile preset
# (its default: Moto G Power, simulated Slow 4G, CPU ×4), on `/`, a place page and `/care`
# of a release build with sample data. Prints performance, LCP, TBT, CLS and accessibility
# per page; the JSON reports stay in target/lighthouse/.
#
# usage: scripts/lighthouse.sh [base URL]   (without one: builds and starts the release
#        server on a temp database, and stops it afterwards)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
OUT=target/lighthouse
mkdir -p "$OUT"

if [ ! -x tests/lighthouse/node_modules/.bin/lighthouse ] \
   || [ tests/lighthouse/package-lock.json -nt tests/lighthouse/node_modules/.package-lock.json ]; then
  (cd tests/lighthouse && npm ci --no-audit --no-fund --loglevel=error)
fi
[ -x /usr/bin/chromium ] || scripts/setup.sh --browser

BASE=${1:-}
if [ -z "$BASE" ]; then
  cargo build -p server --release --locked
  scripts/build-site.sh target/release/server >/dev/null
  DB_DIR=$(mktemp -d)
  PORT=$((20000 + RANDOM % 20000))
  DATABASE_URL="sqlite://$DB_DIR/lh.db?mode=rwc" LEPTOS_SITE_ADDR="127.0.0.1:$PORT" \
    LEPTOS_SITE_ROOT=target/site RUST_LOG=warn target/release/server serve --sample &
  SERVER=$!
  trap 'kill $SERVER 2>/dev/null; rm -rf "$DB_DIR"' EXIT
  BASE="http://127.0.0.1:$PORT"
  for _ in $(seq 1 120); do curl -fs "$BASE/healthz" >/dev/null && break; sleep 0.5; done
fi

place=$(curl -fs "$BASE/api/v1/places?area=wuxi-xinwu" | node -e \
  'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).places[0].id))')

printf '%-34s %5s %8s %8s %6s %5s\n' page perf LCP TBT CLS a11y
for path in "/?area=wuxi-xinwu" "/places/$place" "/care"; do
  name=$(echo "$path" | tr -c 'a-zA-Z0-9' '_')
  CHROME_PATH=/usr/bin/chromium tests/lighthouse/node_modules/.bin/lighthouse "$BASE$path" \
    --quiet --output=json --output-path="$OUT/$name.json" \
    --only-categories=performance,accessibility \
    --chrome-flags="--headless=new --no-sandbox --disable-gpu --disable-background-networking --disable-component-update --disable-sync" \
    >/dev/null 2>&1 || { echo "lighthouse failed on $path" >&2; exit 1; }
  node -e '
    const r = require(process.argv[1]);
    const a = (k) => r.audits[k].numericValue;
    console.log([process.argv[2].padEnd(34),
      String(Math.round(r.categories.performance.score * 100)).padStart(5),
      (a("largest-contentful-paint") / 1000).toFixed(2).padStart(7) + "s",
      (Math.round(a("total-blocking-time")) + "ms").padStart(8),
      a("cumulative-layout-shift").toFixed(3).padStart(6),
      String(Math.round(r.categories.accessibility.score * 100)).padStart(5)].join(" "));
  ' "$PWD/$OUT/$name.json" "$path"
done
