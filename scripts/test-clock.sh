#!/usr/bin/env bash
# Runs the Rust tests again with the machine's clock moved (Debian's libfaketime), at the
# instants that used to break them: a Thursday 11:00 in Beijing (after that day's 10:00
# visits have started) on a UTC host, and 01:00 on the 1st of a month in Beijing (still the
# last day of the previous month, and year, in UTC) on a host in Asia/Shanghai.
# The tests are built first, in real time; then each test binary runs under the fake clock
# from its package's folder, as `cargo test` would run it (cargo itself does not run well
# under libfaketime).
#   usage: scripts/test-clock.sh            (scripts/test.sh runs it)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
lib=/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1
[ -f "$lib" ] || { echo "libfaketime is missing: run scripts/setup.sh --browser" >&2; exit 1; }

# "package folder<TAB>test executable" for every test target
tests=$(cargo test --workspace --locked --no-run --message-format=json 2>/dev/null | python3 -c '
import sys, json, os
for line in sys.stdin:
    try:
        m = json.loads(line)
    except ValueError:
        continue
    if m.get("reason") == "compiler-artifact" and m.get("executable") and m.get("profile", {}).get("test"):
        print(os.path.dirname(m["manifest_path"]) + "\t" + m["executable"])
')
[ -n "$tests" ] || { echo "no test executables found" >&2; exit 1; }

failed=0
for at in "UTC|2026-12-03 03:00:00|Thursday 11:00 in Beijing" \
          "Asia/Shanghai|2027-01-01 01:00:00|1 January 01:00 in Beijing"; do
  IFS='|' read -r tz t what <<<"$at"
  echo "== Rust tests with the clock at $t ($tz): $what"
  while IFS=$'\t' read -r dir exe; do
    # Monotonic time stays real: tokio's timers and the test timeouts keep working.
    if ! (cd "$dir" && TZ="$tz" FAKETIME="@$t" FAKETIME_DONT_FAKE_MONOTONIC=1 LD_PRELOAD="$lib" \
            timeout --signal=KILL 900 "$exe" --quiet); then
      echo "FAILED: $(basename "$exe") at $t ($tz)"
      failed=1
    fi
  done <<<"$tests"
done
exit $failed
