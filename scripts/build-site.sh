#!/usr/bin/env bash
# Builds the browser bundles into $LEPTOS_SITE_ROOT (default target/site):
#   app (features hydrate / hydrate,care / hydrate,desk / hydrate,admin) → wasm32 (profile wasm-release: opt-level z, LTO)
#   → wasm-bindgen --target web → wasm-opt -Oz (npm binaryen)
#   → content-hashed names <bundle>.<hash>.js / <bundle>.<hash>_bg.wasm per audience
#     (app: parents, care: families, desk: the desks, admin: 平台管理; app::Audience), app.<hash>.css
#   → public/ copied → .br/.gz written beside each asset.
# usage: scripts/build-site.sh [path/to/server-binary]   (the binary does the precompression)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/tests/node_modules/.bin:$HOME/.cargo/bin:$PATH"
SITE=${LEPTOS_SITE_ROOT:-target/site}
SERVER_BIN=${1:-${CARGO_TARGET_DIR:-target}/release/server}
TARGET=${CARGO_TARGET_DIR:-target}
TMP=$TARGET/site.tmp

# One bundle per audience (ARCHITECTURE.md): cargo keeps both feature sets built, so
# building one after the other recompiles nothing that did not change.
OUT=$TARGET/wasm32-unknown-unknown/wasm-release
mkdir -p "$TARGET/bundles"
BUNDLES="app care desk admin"
for b in app:hydrate care:hydrate,care desk:hydrate,desk admin:hydrate,admin; do
  cargo build -p app --lib --target wasm32-unknown-unknown --features "${b#*:}" --profile wasm-release --locked
  cp "$OUT/app.wasm" "$TARGET/bundles/${b%%:*}.wasm"
done

# Nothing changed since the last build: keep it (fast, idempotent).
inputs=$( (sha256sum "$TARGET"/bundles/{app,care,desk,admin}.wasm style/main.css; find public -type f -exec sha256sum {} + | sort) | sha256sum | cut -c1-64)
if [ -f "$SITE/pkg/inputs.sha256" ] && [ "$(cat "$SITE/pkg/inputs.sha256")" = "$inputs" ]; then
  echo "site up to date: $SITE/pkg/$(cat "$SITE/pkg/build.txt").*"
  exit 0
fi
rm -rf "$TMP" && mkdir -p "$TMP/pkg"
for b in $BUNDLES; do
  wasm-bindgen "$TARGET/bundles/$b.wasm" \
    --target web --no-typescript --out-dir "$TMP/pkg" --out-name "$b"
  # wasm-opt drops the function names: keep them for scripts/size-report.mjs
  cp "$TMP/pkg/${b}_bg.wasm" "$TARGET/bundles/$b.names.wasm"
  wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
    --enable-mutable-globals --enable-reference-types --enable-multivalue \
    "$TMP/pkg/${b}_bg.wasm" -o "$TMP/pkg/${b}_bg.opt.wasm"
  mv "$TMP/pkg/${b}_bg.opt.wasm" "$TMP/pkg/${b}_bg.wasm"
done
cp style/main.css "$TMP/pkg/app.css"

hash=$(cat "$TMP"/pkg/{app,care,desk,admin}.js "$TMP"/pkg/{app,care,desk,admin}_bg.wasm "$TMP/pkg/app.css" | sha256sum | cut -c1-16)
for b in $BUNDLES; do
  mv "$TMP/pkg/$b.js" "$TMP/pkg/$b.$hash.js"
  mv "$TMP/pkg/${b}_bg.wasm" "$TMP/pkg/$b.${hash}_bg.wasm"
done
mv "$TMP/pkg/app.css" "$TMP/pkg/app.$hash.css"
echo "app.$hash" > "$TMP/pkg/build.txt"
echo "$inputs" > "$TMP/pkg/inputs.sha256"
cp -r public/. "$TMP/"
# the service worker carries the build's name: a new build is a new worker
sed "s/__BUILD__/app.$hash/g" public/sw.js > "$TMP/sw.js"

[ -x "$SERVER_BIN" ] || cargo build -p server --release
"$SERVER_BIN" precompress "$TMP"
rm -rf "$SITE" && mkdir -p "$(dirname "$SITE")" && mv "$TMP" "$SITE"
echo "site built: $SITE/pkg/{app,care,desk,admin}.$hash.* (wasm bytes: $(for b in $BUNDLES; do printf '%s ' "$b $(stat -c %s "$SITE/pkg/$b.${hash}_bg.wasm")"; done))"
