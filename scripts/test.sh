#!/usr/bin/env bash
# The test command (CI runs exactly this through .ci/run): lint, type-check, test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export GX_ANALYTICS_ENABLED=False
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy -p fundcheck
set +e
.venv/bin/pytest "$@"
code=$?
set -e
if [ "$code" -eq 5 ]; then
  echo "no test was collected" >&2
  exit 1
fi
exit "$code"
