#!/usr/bin/env bash
# Builds the browser bundle into $LEPTOS_SITE_ROOT (default target/site):
#   app (feature hydrate) → wasm32 (profile wasm-release: opt-level z, LTO)
#   → wasm-bindgen --target web → wasm-opt -Oz (npm binaryen)
#   → content-hashed names app.<hash>.js / app.<hash>_bg.wasm / app.<hash>.css
#   → public/ copied → .br/.gz written beside each asset.
# usage: scripts/build-site.sh [path/to/server-binary]   (the binary does the precompression)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/tests/node_modules/.bin:$HOME/.cargo/bin:$PATH"
SITE=${LEPTOS_SITE_ROOT:-target/site}
SERVER_BIN=${1:-${CARGO_TARGET_DIR:-target}/release/server}
TARGET=${CARGO_TARGET_DIR:-target}
TMP=$TARGET/site.tmp

cargo build -p app --lib --target wasm32-unknown-unknown --features hydrate --profile wasm-release --locked
WASM=$TARGET/wasm32-unknown-unknown/wasm-release/app.wasm

# Nothing changed since the last build: keep it (fast, idempotent).
inputs=$( (sha256sum "$WASM" style/main.css; find public -type f -exec sha256sum {} + | sort) | sha256sum | cut -c1-64)
if [ -f "$SITE/pkg/inputs.sha256" ] && [ "$(cat "$SITE/pkg/inputs.sha256")" = "$inputs" ]; then
  echo "site up to date: $SITE/pkg/$(cat "$SITE/pkg/build.txt").*"
  exit 0
fi
rm -rf "$TMP" && mkdir -p "$TMP/pkg"
wasm-bindgen "$WASM" \
  --target web --no-typescript --out-dir "$TMP/pkg" --out-name app
wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
  --enable-mutable-globals --enable-reference-types --enable-multivalue \
  "$TMP/pkg/app_bg.wasm" -o "$TMP/pkg/app_bg.opt.wasm"
mv "$TMP/pkg/app_bg.opt.wasm" "$TMP/pkg/app_bg.wasm"
cp style/main.css "$TMP/pkg/app.css"

hash=$(cat "$TMP/pkg/app.js" "$TMP/pkg/app_bg.wasm" "$TMP/pkg/app.css" | sha256sum | cut -c1-16)
mv "$TMP/pkg/app.js" "$TMP/pkg/app.$hash.js"
mv "$TMP/pkg/app_bg.wasm" "$TMP/pkg/app.${hash}_bg.wasm"
mv "$TMP/pkg/app.css" "$TMP/pkg/app.$hash.css"
echo "app.$hash" > "$TMP/pkg/build.txt"
echo "$inputs" > "$TMP/pkg/inputs.sha256"
cp -r public/. "$TMP/"
# the service worker carries the build's name: a new build is a new worker
sed "s/__BUILD__/app.$hash/g" public/sw.js > "$TMP/sw.js"

[ -x "$SERVER_BIN" ] || cargo build -p server --release
"$SERVER_BIN" precompress "$TMP"
rm -rf "$SITE" && mkdir -p "$(dirname "$SITE")" && mv "$TMP" "$SITE"
echo "site built: $SITE/pkg/app.$hash.* ($(stat -c %s "$SITE/pkg/app.${hash}_bg.wasm") bytes wasm)"
