#!/usr/bin/env bash
# Measured scale (issue 17; by hand, not in CI): the load test (server/benches/load.rs) against
#   1. one server on SQLite,
#   2. one server on PostgreSQL + PostGIS,
#   3. three servers on that PostgreSQL behind nginx (deploy/nginx.conf, ports rewritten),
#   4. nginx serving the same response bytes as static files (the limit for reads),
# all on this machine, each database the 100,000-place benchmark set plus the sample districts
# (`server seed-large --with-sample`). Every configuration gets the same two runs: parents only
# with no pause (reads, saturated: what the static files can be compared with) and the mixed
# city (200 parents pausing ~1 s, 20 tablets, 20 phones).
#   usage: scripts/scale-test.sh [seconds]        (nginx and PostgreSQL from Debian, installed if missing)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
export PATH="$HOME/.cargo/bin:$PATH"
secs=${1:-20}
places=${SCALE_PLACES:-100000}
need=()
command -v nginx >/dev/null || need+=(nginx-light)
[ -x /usr/lib/postgresql/15/bin/initdb ] || need+=(postgresql-15 postgresql-15-postgis-3)
if [ ${#need[@]} -gt 0 ]; then
  sudo_=""; [ "$(id -u)" = 0 ] || sudo_=sudo
  DEBIAN_FRONTEND=noninteractive $sudo_ apt-get install -y -q "${need[@]}" >/dev/null
fi
cargo build -p server --release --locked --bin server --bench load
client=$(ls -t target/release/deps/load-* | grep -v '\.d$' | head -1)
work=$(mktemp -d)
chmod 755 "$work"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
  [ -n "${PG_CLUSTER_DIR:-}" ] && "$ROOT/scripts/pg-cluster.sh" stop "$PG_CLUSTER_DIR"
  rm -rf "$work"
}
trap cleanup EXIT

serve() { # url port → pid in $!
  LEPTOS_SITE_ADDR=127.0.0.1:$2 LEPTOS_SITE_ROOT=target/site RUST_LOG=warn TRUSTED_PROXIES=127.0.0.1 \
    target/release/server --database-url "$1" serve --sample >"$work/server-$2.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 600); do curl -fs "http://127.0.0.1:$2/readyz" >/dev/null && return; sleep 0.2; done
  echo "server on $2 did not start" >&2; cat "$work/server-$2.log" >&2; exit 1
}
stop_servers() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; pids=(); }
nginx_with() { # config file
  nginx -c "$1" -p "$work" -g "pid $work/nginx.pid; error_log $work/nginx-error.log;"
  for _ in $(seq 50); do curl -fs -o /dev/null "http://127.0.0.1:4100/readyz" && return; sleep 0.1; done
}
nginx_stop() { [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" && sleep 0.5 && rm -f "$work/nginx.pid"; }
run() { # label base
  echo; echo "=== $1: reads only (200 parents, no pause)"
  LOAD_READS_ONLY=1 "$client" "$2" "$secs" 200 0 | tee "$work/last.txt"
  if [ "$1" != "nginx static" ]; then
    echo; echo "=== $1: the city (200 parents pausing ~1 s, 20 tablets, 20 phones)"
    "$client" "$2" "$secs" 200 1000
  fi
}

echo "== the databases: $places places + the sample districts"
t=$(date +%s)
target/release/server --database-url "sqlite://$work/scale.db" seed-large --places "$places" --with-sample
echo "SQLite seeded in $(( $(date +%s) - t )) s"
serve "sqlite://$work/scale.db" 3001
run "SQLite, 1 server" http://127.0.0.1:3001
# the responses a static file server would send for the same kinds of request
mkdir -p "$work/static"
b=http://127.0.0.1:3001
curl -fs "$b/api/v1/areas/wuxi-xinwu/places" -o "$work/static/area.json"
street=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["places"][0]["street_id"])' "$work/static/area.json")
place=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["places"][0]["id"])' "$work/static/area.json")
curl -fs "$b/?area=$street" -o "$work/static/home.html"
curl -fs "$b/places/$place" -o "$work/static/place.html"
curl -fs "$b/api/v1/places?lat=31.57&lng=120.36&radius_m=3000&age_months=18" -o "$work/static/search.json"
curl -fs "$b/api/v1/places/$place" -o "$work/static/place.json"
stop_servers

# PostgreSQL is seeded after SQLite's runs, so its writing does not share the disk with them
eval "$(scripts/pg-cluster.sh start)"
pg=${PG_URL%/postgres}/scale
psql -q "$PG_URL" -c "CREATE DATABASE scale"
t=$(date +%s)
target/release/server --database-url "$pg" seed-large --places "$places" --with-sample
echo "PostgreSQL seeded in $(( $(date +%s) - t )) s"
psql -q "$pg" -c "VACUUM ANALYZE" -c "CHECKPOINT"

serve "$pg" 3001
run "PostgreSQL, 1 server" http://127.0.0.1:3001
stop_servers

for port in 3001 3002 3003; do serve "$pg" $port; done
sed -e "s#listen 80;#listen 127.0.0.1:4100;#" -e "s#/srv/yilao/site#$ROOT/target/site#" deploy/nginx.conf >"$work/yilao.conf"
cat >"$work/nginx.conf" <<CONF
worker_processes auto;
events { worker_connections 4096; }
http {
  include /etc/nginx/mime.types;
  access_log off;
  client_body_temp_path $work/tmp; proxy_temp_path $work/tmp;
  include $work/yilao.conf;
}
CONF
mkdir -p "$work/tmp"
nginx_with "$work/nginx.conf"
run "PostgreSQL, 3 servers behind nginx" http://127.0.0.1:4100
nginx_stop
stop_servers

cat >"$work/static.conf" <<CONF
worker_processes auto;
events { worker_connections 4096; }
http {
  include /etc/nginx/mime.types;
  access_log off;
  client_body_temp_path $work/tmp;
  server {
    listen 127.0.0.1:4100;
    root $work/static;
    location = /readyz { return 200 "{}"; }
    location = /healthz { return 200 "ok"; }
    location = / { default_type text/html; try_files /home.html =404; }
    location ~ ^/places/[0-9]+\$ { default_type text/html; try_files /place.html =404; }
    location = /api/v1/places { default_type application/json; try_files /search.json =404; }
    location ~ ^/api/v1/places/[0-9]+\$ { default_type application/json; try_files /place.json =404; }
    location = /api/v1/areas/wuxi-xinwu/places { default_type application/json; try_files /area.json =404; }
  }
}
CONF
nginx_with "$work/static.conf"
run "nginx static" http://127.0.0.1:4100
nginx_stop
