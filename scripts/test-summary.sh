#!/usr/bin/env bash
# Turns the closing lines of `bun test` (" 74 pass", " 14 fail", " 1 skip") in a log into
# the one line CI reads: "N passed, N failed[, N skipped]".
# Exit status: 0 when something passed and nothing failed, 1 otherwise (also when the
# log has no summary at all, for example because bun crashed).
#
#   scripts/test-summary.sh test.log
#   npx bun test 2>&1 | scripts/test-summary.sh
set -euo pipefail

log="${1:--}"
# bun colours its output on a terminal; strip escapes before matching.
counts=$(sed -E 's/\x1b\[[0-9;]*m//g' "$log" | awk '
  /^[[:space:]]*[0-9]+ pass$/ { pass += $1; seen = 1 }
  /^[[:space:]]*[0-9]+ fail$/ { fail += $1; seen = 1 }
  /^[[:space:]]*[0-9]+ skip$/ { skip += $1 }
  END { printf "%d %d %d %d\n", pass, fail, skip, seen }
')
read -r passed failed skipped seen <<<"$counts"

line="$passed passed, $failed failed"
if [ "$skipped" -gt 0 ]; then line="$line, $skipped skipped"; fi
echo "$line"

if [ "$seen" -eq 0 ]; then
  echo "test-summary: no bun test summary found in ${log/#-/stdin}" >&2
  exit 1
fi
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
