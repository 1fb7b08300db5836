#!/usr/bin/env bash
# Sets up what is missing, builds (release), and serves the app at
# http://127.0.0.1:3000 (LEPTOS_SITE_ADDR) on SQLite (DATABASE_URL, default
# data/yilao.db), loading the sample data into a new database.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
scripts/setup.sh
cargo build -p server --release --locked
scripts/build-site.sh target/release/server
exec target/release/server serve --sample
