#!/usr/bin/env bash
# Installs what is missing, from the package registries only (crates.io, npm, Debian).
# Idempotent: fast when everything is there.   usage: scripts/setup.sh [--browser]
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
say() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }

command -v cargo >/dev/null || { echo "cargo is missing: install Rust (rustup) first" >&2; exit 1; }

if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown || { echo "could not add wasm32-unknown-unknown: the browser bundle cannot be built" >&2; exit 1; }
fi

# wasm-bindgen's CLI must match the wasm-bindgen crate in Cargo.lock exactly.
want=$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/version = |"/,""); print; exit}' Cargo.lock)
have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
if [ "$have" != "$want" ]; then
  say "installing wasm-bindgen-cli $want from crates.io (was: ${have:-none})"
  # not --locked: a locked dependency of the CLI is no longer in the registry
  cargo install wasm-bindgen-cli --version "$want" --force
fi

need_apt=()
command -v node >/dev/null || need_apt+=(nodejs npm)
if [ "${1:-}" = "--browser" ]; then
  [ -x /usr/bin/chromium ] || need_apt+=(chromium)
  [ -x /usr/bin/chromedriver ] || need_apt+=(chromium-driver)
  # the Rust tests run again with the clock moved (scripts/test-clock.sh)
  [ -f /usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1 ] || need_apt+=(faketime)
  # screenshots and what the browser tests see: Chinese text, not boxes
  [ -d /usr/share/fonts/opentype/noto ] || need_apt+=(fonts-noto-cjk)
  # the second database engine (issue 17): a throwaway PostgreSQL 15 cluster with PostGIS
  # (scripts/pg-cluster.sh); from Debian, like everything else here
  [ -x /usr/lib/postgresql/15/bin/initdb ] || need_apt+=(postgresql-15)
  [ -f /usr/share/postgresql/15/extension/postgis.control ] || need_apt+=(postgresql-15-postgis-3)
fi
if [ ${#need_apt[@]} -gt 0 ]; then
  say "installing Debian packages: ${need_apt[*]}"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

# npm: binaryen (wasm-opt) and Playwright (driving Debian's Chromium; never its own browser).
if [ ! -x tests/node_modules/.bin/wasm-opt ] || [ ! -d tests/node_modules/@playwright/test ] \
   || [ tests/package-lock.json -nt tests/node_modules/.package-lock.json ]; then
  say "installing npm packages in tests/"
  (cd tests && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
fi
say "ready"
