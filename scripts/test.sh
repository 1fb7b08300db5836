#!/usr/bin/env bash
# Sets up what is missing, then runs every test: Rust unit + integration tests (real server
# on random ports, temp SQLite; then the integration tests again, each on a fresh database of a
# throwaway PostgreSQL + PostGIS cluster), then the browser tests (Debian Chromium, phone
# viewport) against the real server binary and the release bundle.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
export PATH="$HOME/.cargo/bin:$PATH"
scripts/setup.sh --browser
# A clean CI build gains nothing from incremental compilation, and its files take
# gigabytes of disk.
if [ "${CI:-}" = "true" ]; then export CARGO_INCREMENTAL=0; fi
echo "== architecture invariants"
scripts/check-architecture.sh
# The second engine's throwaway cluster (issue 17): the PostgreSQL schema is checked against
# SQLite's, and every integration test runs on it too; stopped and deleted however the run ends.
eval "$(scripts/pg-cluster.sh start)"
# (an absolute path: the browser tests below run from tests/)
trap 'status=$?; "$ROOT/scripts/pg-cluster.sh" stop "$PG_CLUSTER_DIR"; exit $status' EXIT
export TEST_PG_URL=$PG_URL TEST_PG_REQUIRED=1
echo "== cargo test"
# A hung test fails the run with a reason instead of stalling CI.
timeout --signal=KILL 1800 cargo test --workspace --locked
echo "== integration tests on PostgreSQL + PostGIS (a fresh database per test)"
TEST_DATABASE=postgres timeout --signal=KILL 900 cargo test -p server --locked --test api
echo "== cargo test with the clock moved"
scripts/test-clock.sh
echo "== browser bundle"
scripts/build-site.sh target/debug/server
cd tests
# The browser always runs in Asia/Shanghai (playwright.config.mjs); Node and the server run
# once in Beijing time and once in UTC, so no test leans on the host's time zone.
for tz in Asia/Shanghai UTC; do
  echo "== browser tests (Node and server in $tz)"
  TZ=$tz SERVER_BIN=target/debug/server npx --no-install playwright test
done
