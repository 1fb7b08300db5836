#!/usr/bin/env bash
# Sizes of the built browser bundle (raw and brotli), from target/site/pkg.
set -euo pipefail
cd "$(dirname "$0")/.."
PKG=${LEPTOS_SITE_ROOT:-target/site}/pkg
name=$(cat "$PKG/build.txt")
printf '%-34s %10s %10s\n' file raw brotli
total_raw=0; total_br=0
for f in "$PKG/$name.js" "$PKG/${name}_bg.wasm" "$PKG/$name.css"; do
  raw=$(stat -c %s "$f"); br=$(stat -c %s "$f.br")
  total_raw=$((total_raw + raw)); total_br=$((total_br + br))
  printf '%-34s %10s %10s\n' "$(basename "$f")" "$raw" "$br"
done
printf '%-34s %10s %10s\n' total "$total_raw" "$total_br"
