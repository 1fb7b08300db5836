#!/usr/bin/env bash
# Size report of the built browser bundles (scripts/build-site.sh first): per audience bundle
# the bytes served (raw and brotli), then its largest crates and functions by code size.
# usage: scripts/size-report.sh [top N functions, default 25]
set -euo pipefail
cd "$(dirname "$0")/.."
exec node scripts/size-report.mjs "${LEPTOS_SITE_ROOT:-target/site}" "${1:-25}"
