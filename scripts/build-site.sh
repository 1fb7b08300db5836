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
SERVER_BIN=${1:-target/release/server}
TMP=target/site.tmp

cargo build -p app --lib --target wasm32-unknown-unknown --features hydrate --profile wasm-release
rm -rf "$TMP" && mkdir -p "$TMP/pkg"
wasm-bindgen target/wasm32-unknown-unknown/wasm-release/app.wasm \
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
cp -r public/. "$TMP/"

[ -x "$SERVER_BIN" ] || cargo build -p server --release
"$SERVER_BIN" precompress "$TMP"
rm -rf "$SITE" && mkdir -p "$(dirname "$SITE")" && mv "$TMP" "$SITE"
echo "site built: $SITE/pkg/app.$hash.* ($(stat -c %s "$SITE/pkg/app.${hash}_bg.wasm") bytes wasm)"
