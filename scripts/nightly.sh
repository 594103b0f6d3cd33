#!/usr/bin/env bash
# Nightly check of the newest edition of one source (the CI recipe of docs/ci.md).
#
# Fetches URI; when its bytes are the same as last time, says so and exits 0. Otherwise it
# validates the new edition (HTML, JUnit and JSON reports; run stored in STATE/history.sqlite)
# and diffs it against the previous edition kept in STATE/previous: exit 1 only when the new
# edition has errors that the previous one did not have (the first run sets the baseline).
# Exit 3 when the source cannot be had (the message names the URI).
#
# Usage: scripts/nightly.sh URI [STATE_DIR] [REPORT_DIR]
#   env FUNDCHECK (default: fundcheck), PYTHON (default: python3), FUNDCHECK_CACHE_DIR...
set -euo pipefail
uri="$1"
state="${2:-fundcheck-state}"
out="${3:-fundcheck-report}"
fundcheck="${FUNDCHECK:-fundcheck}"
python="${PYTHON:-python3}"
json_field() { "$python" -c 'import json, sys
data = json.load(open(sys.argv[1], encoding="utf-8"))
print((data[0] if isinstance(data, list) else data)[sys.argv[2]])' "$1" "$2"; }

mkdir -p "$state" "$out"
rm -rf "$state/current"
"$fundcheck" fetch "$uri" --output "$state/current" --json > "$out/fetched.json"
new_file=$(json_field "$out/fetched.json" path)
old_sidecar=$(find "$state/previous" -name '*.provenance.json' 2>/dev/null | head -n 1 || true)
if [ -n "$old_sidecar" ] && \
   [ "$(json_field "$old_sidecar" sha256)" = "$(json_field "$out/fetched.json" sha256)" ]; then
  echo "no new edition of $uri since the last run"
  exit 0
fi

status=0
"$fundcheck" validate "$new_file" --report html,junit,json --output "$out" \
  --history "$state/history.sqlite" --fail-on never || status=$?
if [ "$status" -gt 1 ]; then exit "$status"; fi
if [ -n "$old_sidecar" ]; then
  "$fundcheck" diff "${old_sidecar%.provenance.json}" "$new_file" --report html,json \
    --output "$out/diff" --fail-on-new error || status=$?
  if [ "$status" -gt 1 ]; then exit "$status"; fi
else
  echo "first run: baseline edition stored"
fi
rm -rf "$state/previous"
mv "$state/current" "$state/previous"
exit "$status"
