#!/usr/bin/env bash
# Create .venv (if missing) and install fundcheck with its development tools. Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
stamp=.venv/.fundcheck-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ] || [ -n "$(find checks connectors expectations reports src -newer "$stamp" -name '*.py' -print -quit 2>/dev/null)" ]; then
  .venv/bin/python -m pip install --quiet --upgrade pip "setuptools>=77" wheel
  # strict editable mode: the mapped folders are real packages that mypy can see
  .venv/bin/python -m pip install --quiet -e ".[dev,pdf,postgres,mysql,spark]" --config-settings editable_mode=strict
  touch "$stamp"
fi
