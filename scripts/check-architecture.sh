#!/usr/bin/env bash
# The invariants ARCHITECTURE.md states that a test cannot check, checked by looking at the
# code (scripts/test.sh runs this first). Each names the invariant it keeps; a failure says
# where it is broken.
set -euo pipefail
cd "$(dirname "$0")/.."
failed=0
# only <files> may match <pattern> in <tree>
only() {
  local what=$1 pattern=$2 tree=$3; shift 3
  local found
  found=$(grep -rlE --include='*.rs' "$pattern" "$tree" | sort || true)
  local allowed
  allowed=$(printf '%s\n' "$@" | sort)
  local extra
  extra=$(comm -23 <(printf '%s\n' "$found" | sed '/^$/d') <(printf '%s\n' "$allowed" | sed '/^$/d'))
  if [ -n "$extra" ]; then
    echo "invariant broken — $what:"; printf '  %s\n' $extra; failed=1
  else
    echo "ok: $what"
  fi
}
only "only db/access.rs writes audit_log (called by http/audit.rs)" 'INSERT INTO audit_log' server/src server/src/db/access.rs
only "only db/idempotency.rs keeps stored answers (for http/write.rs; db/places.rs prunes them, db/privacy.rs erases or moves a family's)" 'idempotency_keys' server/src \
  server/src/db/idempotency.rs server/src/db/places.rs server/src/db/privacy.rs
only "status sets come from Rust constants (db::*_HOLDING_* …), never an SQL literal list" "status IN \('" server/src
only "every 422 is built by FieldErrors or AppError::field (http/error.rs)" 'Validation\(vec!' server/src server/src/http/error.rs
only "a route's path is written once, in its #[utoipa::path] (api/mod.rs adds only the document and the JSON 404)" \
  '\.route\("/api/' server/src server/src/api/mod.rs
only "the idempotency hash takes the path as sent, never a rebuilt one" 'format!\("/api/v1' server/src
only "only the store (and the district cache) touches localStorage" 'gloo_storage|LocalStorage|local_storage' app/src \
  app/src/offline/store.rs app/src/offline/cache.rs
only "every localStorage key (yl1.*) is named in the store (or the district cache)" '"yl1\.' app/src \
  app/src/offline/store.rs app/src/offline/cache.rs
only "the outbox's lanes are named in offline/write.rs (entity::*)" '"(request|order|class|req|ord|visit|favorite):' app/src \
  app/src/offline/write.rs
# the query layer: handlers (api/), the HTTP plumbing (http/) and the CLI never write SQL
outside=$(grep -rlE --include='*.rs' 'sqlx::query|begin_with|sqlx::raw_sql|db::query|db::engine::raw_sql|Sqlite(Connection|Pool)\b|PgPool|PgConnection' server/src | grep -v '^server/src/db/' | sort || true)
if [ -n "$outside" ]; then
  echo "invariant broken — SQL lives behind the db/ modules (handlers do not know the engine):"; printf '  %s\n' $outside; failed=1
else
  echo "ok: SQL lives behind the db/ modules (handlers do not know the engine)"
fi
only "desk reads and writes decide access through http/access.rs (reader, writer_of)" 'may_read|may_write' server/src \
  server/src/http/access.rs
if ls server/tests/*.rs >/dev/null 2>&1; then
  echo "invariant broken — the server's integration tests are one binary (server/tests/api/): $(ls server/tests/*.rs)"; failed=1
else
  echo "ok: the server's integration tests are one binary (server/tests/api/main.rs)"
fi
exit $failed
