#!/usr/bin/env bash
# The size floor of this stack (issue 13): the smallest honest parents' page built with the same
# crates and settings as the app's bundles — Leptos 0.8 hydrate + router, reqwest, serde_json,
# gloo-storage; one list read from the API and kept in localStorage, one filter, a link per row;
# opt-level z, LTO, panic=abort, erase_components, wasm-opt -Oz — and what it costs a browser
# (raw and brotli). A parent's first visit cannot download less WASM + JS than this.
# usage: scripts/floor.sh   (≈2 min the first time; tests/floor is outside the workspace)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/tests/node_modules/.bin:$HOME/.cargo/bin:$PATH"
TARGET=${CARGO_TARGET_DIR:-$PWD/target}/floor
OUT=$TARGET/out
RUSTFLAGS="--cfg erase_components" CARGO_TARGET_DIR=$TARGET \
  cargo build --manifest-path tests/floor/Cargo.toml --release --target wasm32-unknown-unknown --locked
rm -rf "$OUT" && mkdir -p "$OUT"
wasm-bindgen "$TARGET/wasm32-unknown-unknown/release/floor.wasm" --target web --no-typescript --out-dir "$OUT" --out-name floor
wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
  --enable-mutable-globals --enable-reference-types --enable-multivalue \
  "$OUT/floor_bg.wasm" -o "$OUT/floor_bg.opt.wasm"
node -e '
const z = require("zlib"), fs = require("fs");
const br = (f) => z.brotliCompressSync(fs.readFileSync(f), { params: { [z.constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
const kb = (n) => (n / 1024).toFixed(1) + " KB";
const [w, j] = process.argv.slice(1);
console.log(`floor: wasm ${kb(fs.statSync(w).size)} raw, ${kb(br(w))} brotli; js ${kb(fs.statSync(j).size)} raw, ${kb(br(j))} brotli; together ${kb(br(w) + br(j))} brotli`);
' "$OUT/floor_bg.opt.wasm" "$OUT/floor.js"
