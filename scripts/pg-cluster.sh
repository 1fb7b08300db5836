#!/usr/bin/env bash
# A throwaway PostgreSQL cluster from Debian's packages (postgresql-15), for tests and measurements
# against the second engine (issue 17): initdb into a fresh directory, a free port on 127.0.0.1
# only, trust authentication for the local test user, started; `stop` stops it and deletes it all.
#   usage: eval "$(scripts/pg-cluster.sh start)"   → PG_CLUSTER_DIR and PG_URL (postgres://…/postgres)
#          scripts/pg-cluster.sh stop "$PG_CLUSTER_DIR"
# initdb refuses to run as root: as root the cluster belongs to the `postgres` user the package made.
set -euo pipefail
BIN=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}
[ -x "$BIN/initdb" ] || { echo "PostgreSQL server binaries not found (Debian: apt-get install postgresql-15)" >&2; exit 1; }
as_owner() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

case "${1:-}" in
  start)
    dir=$(mktemp -d "${TMPDIR:-/tmp}/yilao-pg.XXXXXX")
    [ "$(id -u)" = 0 ] && chown postgres: "$dir"
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    as_owner "$BIN/initdb" -D "$dir/data" -U yilao --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; exit 1; }
    # tests want speed, not durability: a crash loses only a throwaway cluster
    as_owner "$BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
      -o "-h 127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" start >/dev/null \
      || { cat "$dir/server.log" >&2; exit 1; }
    echo "export PG_CLUSTER_DIR=$dir"
    echo "export PG_URL=postgres://yilao@127.0.0.1:$port/postgres"
    ;;
  stop)
    dir=${2:?usage: pg-cluster.sh stop DIR}
    [ -d "$dir/data" ] && as_owner "$BIN/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$dir"
    ;;
  *) echo "usage: $0 start | stop DIR" >&2; exit 2 ;;
esac
